/*
 * A virtual ALSA capture device for the kiosk's tests, built by
 * tests/mic_support/mod.rs and loaded by alsa-lib as an external PCM
 * plugin (`pcm_type.kiosk_test_mic { lib "..." }`).
 *
 * It behaves as a USB microphone does towards cpal: it offers exactly one
 * format (S16_LE at the configured rate and channel count, as a 44.1 kHz
 * stereo interface would), delivers audio at the pace of real time, woken
 * by a timer once per period, and can vanish mid-stream, the way an
 * unplugged device does: its poll says POLLHUP and every call fails with
 * ENODEV. ALSA's own plugins cannot stand in for it: `file` and `null`
 * accept any format (the kiosk then asks for 16 kHz mono and nothing is
 * resampled), and `plug` in front of them reads through mmap, which
 * scrambles a paced input.
 *
 * Configuration:
 *   infile        raw S16_LE interleaved samples, played once, then silence
 *   rate          frames per second (the only rate offered)
 *   channels      channels per frame (the only count offered)
 *   vanish_after  optional: frames after which the device goes away
 *   gone_marker   optional: a file created when it goes away; while it
 *                 exists the device cannot be opened (it is unplugged)
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <alsa/asoundlib.h>
#include <alsa/pcm_external.h>

typedef struct {
	snd_pcm_ioplug_t io;
	int timer_fd;
	unsigned int rate;
	unsigned int channels;
	unsigned char *data;
	size_t data_frames;
	/* Frames handed over since the device was opened. */
	size_t played;
	/* Frames handed over since the last start, and when that was. */
	size_t since_start;
	struct timespec started;
	size_t vanish_after;
	char *gone_marker;
	int gone;
} test_mic_t;

static size_t frame_bytes(const test_mic_t *mic)
{
	return 2 * (size_t)mic->channels;
}

/* Frames the device has captured since the last start. */
static size_t elapsed_frames(const test_mic_t *mic)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double seconds = (double)(now.tv_sec - mic->started.tv_sec) +
			 (double)(now.tv_nsec - mic->started.tv_nsec) / 1e9;
	return seconds <= 0 ? 0 : (size_t)(seconds * mic->rate);
}

/* Goes away once the stream has reached `vanish_after`; says whether it
 * is gone. */
static int check_gone(test_mic_t *mic)
{
	if (mic->gone)
		return 1;
	if (mic->vanish_after == 0 || mic->io.state != SND_PCM_STATE_RUNNING)
		return 0;
	size_t elapsed = elapsed_frames(mic);
	size_t captured = mic->played +
			  (elapsed > mic->since_start ? elapsed - mic->since_start : 0);
	if (captured < mic->vanish_after)
		return 0;
	mic->gone = 1;
	if (mic->gone_marker) {
		int fd = open(mic->gone_marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
	return 1;
}

static int arm_timer(test_mic_t *mic, int on)
{
	struct itimerspec spec;
	memset(&spec, 0, sizeof(spec));
	if (on) {
		long long ns = (long long)mic->io.period_size * 1000000000LL / mic->rate;
		spec.it_interval.tv_sec = ns / 1000000000LL;
		spec.it_interval.tv_nsec = ns % 1000000000LL;
		spec.it_value = spec.it_interval;
	}
	return timerfd_settime(mic->timer_fd, 0, &spec, NULL) < 0 ? -errno : 0;
}

static int test_mic_start(snd_pcm_ioplug_t *io)
{
	test_mic_t *mic = io->private_data;
	if (mic->gone)
		return -ENODEV;
	clock_gettime(CLOCK_MONOTONIC, &mic->started);
	mic->since_start = 0;
	return arm_timer(mic, 1);
}

static int test_mic_stop(snd_pcm_ioplug_t *io)
{
	test_mic_t *mic = io->private_data;
	return arm_timer(mic, 0);
}

static int test_mic_prepare(snd_pcm_ioplug_t *io)
{
	test_mic_t *mic = io->private_data;
	mic->since_start = 0;
	return mic->gone ? -ENODEV : 0;
}

static snd_pcm_sframes_t test_mic_pointer(snd_pcm_ioplug_t *io)
{
	test_mic_t *mic = io->private_data;
	if (check_gone(mic))
		return -ENODEV;
	/* ALSA counts from 0 again after each prepare. */
	if (io->state != SND_PCM_STATE_RUNNING)
		return 0;
	size_t elapsed = elapsed_frames(mic);
	/* The reader fell a whole buffer behind: an overrun. */
	if (elapsed >= mic->since_start + io->buffer_size)
		return -EPIPE;
	return (snd_pcm_sframes_t)(elapsed % io->buffer_size);
}

static snd_pcm_sframes_t test_mic_transfer(snd_pcm_ioplug_t *io,
					   const snd_pcm_channel_area_t *areas,
					   snd_pcm_uframes_t offset,
					   snd_pcm_uframes_t size)
{
	test_mic_t *mic = io->private_data;
	if (check_gone(mic))
		return -ENODEV;
	size_t fb = frame_bytes(mic);
	unsigned char *dst = (unsigned char *)areas[0].addr +
			     (areas[0].first + areas[0].step * offset) / 8;
	size_t from_data = 0;
	if (mic->played < mic->data_frames) {
		from_data = mic->data_frames - mic->played;
		if (from_data > size)
			from_data = size;
		memcpy(dst, mic->data + mic->played * fb, from_data * fb);
	}
	memset(dst + from_data * fb, 0, (size - from_data) * fb);
	mic->played += size;
	mic->since_start += size;
	return (snd_pcm_sframes_t)size;
}

static int test_mic_poll_revents(snd_pcm_ioplug_t *io, struct pollfd *pfd,
				 unsigned int nfds, unsigned short *revents)
{
	test_mic_t *mic = io->private_data;
	uint64_t ticks;
	(void)nfds;
	if (pfd[0].revents & POLLIN) {
		ssize_t n = read(mic->timer_fd, &ticks, sizeof(ticks));
		(void)n;
	}
	if (check_gone(mic)) {
		*revents = POLLERR | POLLHUP;
		return 0;
	}
	*revents = pfd[0].revents & POLLIN;
	return 0;
}

static int test_mic_close(snd_pcm_ioplug_t *io)
{
	test_mic_t *mic = io->private_data;
	if (mic->timer_fd >= 0)
		close(mic->timer_fd);
	free(mic->data);
	free(mic->gone_marker);
	free(mic);
	return 0;
}

static const snd_pcm_ioplug_callback_t test_mic_callback = {
	.start = test_mic_start,
	.stop = test_mic_stop,
	.prepare = test_mic_prepare,
	.pointer = test_mic_pointer,
	.transfer = test_mic_transfer,
	.poll_revents = test_mic_poll_revents,
	.close = test_mic_close,
};

static int read_infile(test_mic_t *mic, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	size_t cap = 1 << 20, len = 0;
	unsigned char *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
		if (len == cap) {
			unsigned char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return -ENOMEM;
	mic->data = buf;
	mic->data_frames = len / frame_bytes(mic);
	return 0;
}

SND_PCM_PLUGIN_DEFINE_FUNC(kiosk_test_mic)
{
	snd_config_iterator_t i, next;
	const char *infile = NULL, *gone_marker = NULL;
	long rate = 0, channels = 0, vanish_after = 0;
	int err;

	(void)root;
	snd_config_for_each(i, next, conf) {
		snd_config_t *n = snd_config_iterator_entry(i);
		const char *id;
		if (snd_config_get_id(n, &id) < 0)
			continue;
		if (strcmp(id, "comment") == 0 || strcmp(id, "type") == 0 ||
		    strcmp(id, "hint") == 0)
			continue;
		if (strcmp(id, "infile") == 0 && snd_config_get_string(n, &infile) >= 0)
			continue;
		if (strcmp(id, "gone_marker") == 0 &&
		    snd_config_get_string(n, &gone_marker) >= 0)
			continue;
		if (strcmp(id, "rate") == 0 && snd_config_get_integer(n, &rate) >= 0)
			continue;
		if (strcmp(id, "channels") == 0 && snd_config_get_integer(n, &channels) >= 0)
			continue;
		if (strcmp(id, "vanish_after") == 0 &&
		    snd_config_get_integer(n, &vanish_after) >= 0)
			continue;
		SNDERR("kiosk_test_mic: unknown or malformed field %s", id);
		return -EINVAL;
	}
	if (stream != SND_PCM_STREAM_CAPTURE)
		return -EINVAL;
	if (!infile || rate <= 0 || channels <= 0 || vanish_after < 0) {
		SNDERR("kiosk_test_mic needs infile, rate and channels");
		return -EINVAL;
	}
	if (gone_marker && access(gone_marker, F_OK) == 0) {
		SNDERR("kiosk_test_mic: the microphone is unplugged");
		return -ENODEV;
	}

	test_mic_t *mic = calloc(1, sizeof(*mic));
	if (!mic)
		return -ENOMEM;
	mic->rate = (unsigned int)rate;
	mic->channels = (unsigned int)channels;
	mic->vanish_after = (size_t)vanish_after;
	mic->timer_fd = -1;
	if (gone_marker && !(mic->gone_marker = strdup(gone_marker))) {
		err = -ENOMEM;
		goto fail;
	}
	if ((err = read_infile(mic, infile)) < 0) {
		SNDERR("kiosk_test_mic: cannot read %s", infile);
		goto fail;
	}
	mic->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (mic->timer_fd < 0) {
		err = -errno;
		goto fail;
	}

	mic->io.version = SND_PCM_IOPLUG_VERSION;
	mic->io.name = "Kiosk test microphone";
	mic->io.mmap_rw = 0;
	mic->io.poll_fd = mic->timer_fd;
	mic->io.poll_events = POLLIN;
	mic->io.callback = &test_mic_callback;
	mic->io.private_data = mic;
	if ((err = snd_pcm_ioplug_create(&mic->io, name, stream, mode)) < 0)
		goto fail;

	/* The one format it offers. */
	unsigned int access_list[] = { SND_PCM_ACCESS_RW_INTERLEAVED };
	unsigned int format_list[] = { SND_PCM_FORMAT_S16_LE };
	unsigned int fb = 2 * (unsigned int)channels;
	if ((err = snd_pcm_ioplug_set_param_list(&mic->io, SND_PCM_IOPLUG_HW_ACCESS,
						 1, access_list)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_list(&mic->io, SND_PCM_IOPLUG_HW_FORMAT,
						 1, format_list)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&mic->io, SND_PCM_IOPLUG_HW_CHANNELS,
						   (unsigned int)channels,
						   (unsigned int)channels)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&mic->io, SND_PCM_IOPLUG_HW_RATE,
						   (unsigned int)rate,
						   (unsigned int)rate)) < 0 ||
	    /* Periods of 10 to 100 ms, two to eight of them. */
	    (err = snd_pcm_ioplug_set_param_minmax(&mic->io, SND_PCM_IOPLUG_HW_PERIOD_BYTES,
						   fb * (unsigned int)rate / 100,
						   fb * (unsigned int)rate / 10)) < 0 ||
	    (err = snd_pcm_ioplug_set_param_minmax(&mic->io, SND_PCM_IOPLUG_HW_PERIODS,
						   2, 8)) < 0) {
		snd_pcm_ioplug_delete(&mic->io);
		return err;
	}
	*pcmp = mic->io.pcm;
	return 0;

fail:
	if (mic->timer_fd >= 0)
		close(mic->timer_fd);
	free(mic->data);
	free(mic->gone_marker);
	free(mic);
	return err;
}

SND_PCM_PLUGIN_SYMBOL(kiosk_test_mic);
