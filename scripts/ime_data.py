#!/usr/bin/env python3
"""Writes assets/ime/pinyin.tsv, the on-screen keyboard's pinyin dictionary.

Run through scripts/build-ime-data, which installs the pinned packages this
reads into a throw-away virtualenv (each checked against its sha256):

- jieba's dict.txt: words with their counts in a corpus (the ranking);
- pypinyin: the reading of each word (its phrase table settles characters
  with several readings) and every reading of a single character;
- OpenCC (opencc-python-reimplemented): Simplified -> Traditional, Taiwan
  standard characters (s2tw), word by word, and the other Traditional forms
  of a Simplified character (发: 發 髮) from its character table.

Kept: every single character jieba counts, the most frequent words of two
or more characters (WORDS), and the Chinese words the kiosk itself reads
(the assistant's cue phrases in crates/kiosk-core/src/assistant/cues.toml
and the built-in vocabulary in catalog/vocabulary.csv: "多少錢", "運動鞋"),
counted at least as often as the KIOSK_RANK-th word, so what a shopper asks
a store is offered readily. Words jieba lists in Traditional, or with
anything but Han characters, are left out (they are reached through their
Simplified form). One line per (reading, word):

    syllables<TAB>traditional<TAB>simplified<TAB>count

syllables are toneless pinyin separated by spaces, with v for ü; the
simplified column is empty when it is the same as the traditional one.
Lines are sorted by reading, then by count, highest first.
"""

import csv
import sys
import tomllib
from pathlib import Path

import jieba
import opencc
from pypinyin import Style, lazy_pinyin, pinyin

WORDS = 40_000
# A character's second and later readings, and its less common Traditional
# forms, count this much less than its first.
SECONDARY = 10
KIOSK_RANK = 10_000

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "ime" / "pinyin.tsv"


def is_han(ch):
    return 0x4E00 <= ord(ch) <= 0x9FFF or 0x3400 <= ord(ch) <= 0x4DBF


def valid(syllable):
    return syllable.isascii() and syllable.isalpha() and syllable.islower()


def kiosk_words():
    """The Chinese words of the kiosk's cue phrases and vocabulary."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "zh" and isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, str))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    cues = ROOT / "crates" / "kiosk-core" / "src" / "assistant" / "cues.toml"
    walk(tomllib.loads(cues.read_text(encoding="utf-8")))
    with (ROOT / "catalog" / "vocabulary.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            found.extend((row.get("zh") or "").split("|"))
    return [w for w in dict.fromkeys(found) if len(w) > 1 and all(is_han(c) for c in w)]


def main():
    s2tw = opencc.OpenCC("s2tw")
    t2s = opencc.OpenCC("t2s")
    st_chars = {}
    opencc_dir = Path(opencc.__file__).resolve().parent / "dictionary"
    for line in (opencc_dir / "STCharacters.txt").read_text(encoding="utf-8").splitlines():
        simp, _, trads = line.partition("\t")
        st_chars[simp] = trads.split()

    words = []
    chars = []
    dict_txt = Path(jieba.__file__).resolve().parent / "dict.txt"
    for line in dict_txt.read_text(encoding="utf-8").splitlines():
        word, count, *_ = line.split(" ")
        count = int(count)
        if count <= 0 or not all(is_han(c) for c in word) or t2s.convert(word) != word:
            continue
        (chars if len(word) == 1 else words).append((word, count))
    words.sort(key=lambda w: -w[1])
    words = words[:WORDS]
    floor = words[min(KIOSK_RANK, len(words)) - 1][1]
    counts = dict(words)
    for trad in kiosk_words():
        simp = t2s.convert(trad)
        counts[simp] = max(counts.get(simp, 0), floor)
    words = sorted(counts.items(), key=lambda w: -w[1])

    rows = {}

    def add(reading, trad, simp, count):
        key = (reading, trad)
        old = rows.get(key)
        if old is None or old[1] < count:
            rows[key] = (simp if simp != trad else "", count)

    for ch, count in chars:
        readings = []
        for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
            if valid(r) and r not in readings:
                readings.append(r)
        trads = [s2tw.convert(ch)]
        for t in st_chars.get(ch, []):
            if t not in trads:
                trads.append(t)
        for i, reading in enumerate(readings):
            for j, trad in enumerate(trads):
                add(reading, trad, ch, count // (SECONDARY ** min(1, i + j)) or 1)

    for word, count in words:
        syllables = lazy_pinyin(word, style=Style.NORMAL)
        if len(syllables) != len(word) or not all(valid(s) for s in syllables):
            continue
        add(" ".join(syllables), s2tw.convert(word), word, count)

    lines = sorted(rows.items(), key=lambda r: (r[0][0], -r[1][1], r[0][1]))
    with OUT.open("w", encoding="utf-8", newline="\n") as out:
        for (reading, trad), (simp, count) in lines:
            out.write(f"{reading}\t{trad}\t{simp}\t{count}\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(lines)} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
