"""Build ``src/dyads/data/nlp/lowercase_words.txt``: the words news writes in lower case.

A Title Case headline ("Israel Kills Two Militants in Gaza Raid") parses badly: spaCy's
tagger reads every capitalised word as a proper noun, and the event coder then finds no
verb. ``dyads.nlp.HeadlineCasing`` lower-cases, before parsing, the headline words this
list holds (and their inflections). The list is counted from the corpus's training
documents only (the split of ``dyads.corpus.annotations``; never dev or test text), from
words inside sentences (not their first word), in documents that are not all lower case:
a word written lower case at least twice and at least four times as often as capitalised.

    python scripts/lowercase_words.py --shared ../shared
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from dyads.corpus.annotations import read_corpus
from dyads.train import select

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "dyads" / "data" / "nlp" / "lowercase_words.txt"
WORD = re.compile(r"(?<![\w'-])([A-Za-z][a-z]+)(?![\w'-])")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
MIN_LOWER, RATIO = 2, 4


def counts(texts: list[str]) -> tuple[Counter, Counter]:
    lower, capital = Counter(), Counter()
    for text in texts:
        for sentence in SENTENCE_END.split(text):
            for i, m in enumerate(WORD.finditer(sentence)):
                if i:
                    word = m.group(1)
                    (lower if word[0].islower() else capital)[word.lower()] += 1
    return lower, capital


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared data folder (real-text annotations)")
    args = ap.parse_args()
    read = read_corpus([REPO / "corpus" / "written", REPO / "corpus" / "real-train"], Path(args.shared))
    train, _ = select(read.docs, [])
    mixed = [d.article.text for d in train if sum(c.isupper() for c in d.article.text) > len(d.article.text) / 100]
    lower, capital = counts(mixed)
    words = sorted(w for w, n in lower.items() if n >= MIN_LOWER and n >= RATIO * capital[w])
    header = ("# Words news writes in lower case, one per line; Title Case headlines have them lower-cased before\n"
              "# parsing (dyads.nlp.HeadlineCasing). Counted from the corpus's training documents by\n"
              f"# scripts/lowercase_words.py ({len(mixed)} documents; rebuild after the corpus grows).\n")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words from {len(mixed)} documents -> {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
