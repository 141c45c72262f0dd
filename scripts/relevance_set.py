#!/usr/bin/env python3
"""Writes a product search relevance set in the layout `kiosk bench relevance`
reads (Wayfair's WANDS: tab-separated `product.csv`, `query.csv`, `label.csv`).

The sources are samples of Amazon's Shopping Queries Dataset (ESCI,
Apache-2.0) in two shapes:

- `esci-csv`: judgements joined with their products, one row per judged
  (query, product) pair, with the dataset's own column names: query_id,
  query, product_id, esci_label, product_title, and optionally
  product_locale, product_description, product_bullet_point, product_brand,
  product_color.
- `esci-json`: a JSON list of queries, each {query_id, query, products:
  [{product_id, product_text, relevance}]}, relevance ESCI's grade as a gain
  (3 Exact, 2 Substitute, 1 Complement, 0 Irrelevant), product_text the title.

The file's sha256 is checked before anything is read, so the set a number was
measured on is the set named in bench/relevance/SOURCES.tsv.

ESCI's four grades become WANDS's three: Exact (E) stays Exact; a Substitute
(S), which does the job of the product asked for, is Partial; a Complement
(C), bought with it but not it, and Irrelevant (I) are Irrelevant.

Fields are written as WANDS writes them: no quoting, so tabs and line breaks
inside a field become spaces; HTML in descriptions is reduced to its text.

Usage:
  scripts/relevance_set.py esci-csv SOURCE.csv OUT_DIR --sha256 HEX [--locale us]
  scripts/relevance_set.py esci-json SOURCE.json OUT_DIR --sha256 HEX
"""

import argparse
import csv
import hashlib
import html
import json
import re
import sys
from pathlib import Path

ESCI_TO_WANDS = {
    "e": "Exact",
    "exact": "Exact",
    "s": "Partial",
    "substitute": "Partial",
    "c": "Irrelevant",
    "complement": "Irrelevant",
    "i": "Irrelevant",
    "irrelevant": "Irrelevant",
}

GAIN_TO_WANDS = {3: "Exact", 2: "Partial", 1: "Irrelevant", 0: "Irrelevant"}

REQUIRED = ("query_id", "query", "product_id", "esci_label", "product_title")


class SetError(Exception):
    pass


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")


def clean(text):
    """One line of plain text: HTML tags and entities resolved, every run of
    whitespace (tabs and line breaks included) one space."""
    text = TAG.sub(" ", text or "")
    text = html.unescape(text)
    return SPACE.sub(" ", text).strip()


def read_esci_csv(path, locale):
    csv.field_size_limit(sys.maxsize)
    products = {}
    queries = {}
    labels = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise SetError(f"{path}: line 1: missing column(s) {', '.join(missing)}")
        for row in reader:
            line = reader.line_num
            if locale and row.get("product_locale", locale) != locale:
                continue
            grade = ESCI_TO_WANDS.get((row["esci_label"] or "").strip().lower())
            if grade is None:
                raise SetError(
                    f"{path}: line {line}: esci_label: expected E, S, C or I, "
                    f"found {row['esci_label']!r}"
                )
            qid, pid = clean(row["query_id"]), clean(row["product_id"])
            query = clean(row["query"])
            if not qid or not pid or not query:
                raise SetError(f"{path}: line {line}: empty query_id, query or product_id")
            if queries.setdefault(qid, query) != query:
                raise SetError(f"{path}: line {line}: query_id {qid} has two texts")
            description = clean(row.get("product_description"))
            bullets = clean(row.get("product_bullet_point"))
            if bullets:
                description = f"{description} {bullets}".strip()
            features = "|".join(
                f"{key}:{clean(row.get(column))}"
                for key, column in (("brand", "product_brand"), ("color", "product_color"))
                if clean(row.get(column))
            )
            products.setdefault(pid, (clean(row["product_title"]), description, features))
            previous = labels.setdefault((qid, pid), grade)
            if previous != grade:
                raise SetError(
                    f"{path}: line {line}: query {qid} and product {pid} judged twice, "
                    f"{previous} and {grade}"
                )
    if not labels:
        raise SetError(f"{path}: no judged pair for locale {locale!r}")
    return products, queries, labels


def read_esci_json(path):
    with open(path, encoding="utf-8") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise SetError(f"{path}: line {e.lineno}: not valid JSON: {e.msg}")
    if not isinstance(data, list):
        raise SetError(f"{path}: expected a JSON list of queries")
    products = {}
    queries = {}
    labels = {}
    for n, entry in enumerate(data):
        where = f"{path}: query #{n}"
        try:
            qid, query = clean(str(entry["query_id"])), clean(entry["query"])
            judged = entry["products"]
        except (KeyError, TypeError):
            raise SetError(f"{where}: expected query_id, query and products")
        if not qid or not query:
            raise SetError(f"{where}: empty query_id or query")
        if queries.setdefault(qid, query) != query:
            raise SetError(f"{where}: query_id {qid} has two texts")
        for product in judged:
            try:
                pid, title = clean(product["product_id"]), clean(product["product_text"])
                grade = GAIN_TO_WANDS[product["relevance"]]
            except (KeyError, TypeError):
                raise SetError(
                    f"{where}: a product needs product_id, product_text and relevance 0-3, "
                    f"found {product!r}"
                )
            if not pid:
                raise SetError(f"{where}: empty product_id")
            products.setdefault(pid, (title, "", ""))
            previous = labels.setdefault((qid, pid), grade)
            if previous != grade:
                raise SetError(f"{where}: product {pid} judged twice, {previous} and {grade}")
    if not labels:
        raise SetError(f"{path}: no judged pair")
    return products, queries, labels


def write_wands(out_dir, products, queries, labels):
    out_dir.mkdir(parents=True, exist_ok=True)

    def write(name, header, rows):
        with open(out_dir / name, "w", encoding="utf-8", newline="") as f:
            f.write("\t".join(header) + "\n")
            for row in rows:
                f.write("\t".join(row) + "\n")

    write(
        "product.csv",
        (
            "product_id",
            "product_name",
            "product_class",
            "category hierarchy",
            "product_description",
            "product_features",
        ),
        ((pid, name, "", "", desc, feat) for pid, (name, desc, feat) in sorted(products.items())),
    )
    write(
        "query.csv",
        ("query_id", "query", "query_class"),
        ((qid, text, "") for qid, text in sorted(queries.items(), key=lambda kv: kv[0])),
    )
    write(
        "label.csv",
        ("id", "query_id", "product_id", "label"),
        ((str(i), qid, pid, grade) for i, ((qid, pid), grade) in enumerate(sorted(labels.items()))),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="source", required=True)
    esci = sub.add_parser("esci-csv", help="ESCI judgements joined with products, as CSV")
    esci.add_argument("input", type=Path)
    esci.add_argument("out_dir", type=Path)
    esci.add_argument("--sha256", required=True, help="the input's expected sha256")
    esci.add_argument("--locale", default="us", help="keep this product_locale ('' keeps all)")
    esci_json = sub.add_parser("esci-json", help="ESCI queries with their judged products, as JSON")
    esci_json.add_argument("input", type=Path)
    esci_json.add_argument("out_dir", type=Path)
    esci_json.add_argument("--sha256", required=True, help="the input's expected sha256")
    args = parser.parse_args()
    try:
        actual = sha256_of(args.input)
        if actual != args.sha256.lower():
            raise SetError(f"{args.input}: sha256 is {actual}, expected {args.sha256}")
        if args.source == "esci-csv":
            products, queries, labels = read_esci_csv(args.input, args.locale)
        else:
            products, queries, labels = read_esci_json(args.input)
        write_wands(args.out_dir, products, queries, labels)
    except (OSError, SetError) as e:
        print(f"relevance_set: {e}", file=sys.stderr)
        return 1
    grades = {}
    for grade in labels.values():
        grades[grade] = grades.get(grade, 0) + 1
    print(
        f"{len(products)} products, {len(queries)} queries, {len(labels)} judged pairs "
        f"({', '.join(f'{g} {n}' for g, n in sorted(grades.items()))}) -> {args.out_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
