"""Make annotation tasks from articles of ../shared/corpora that no corpus file uses yet.

    python scripts/real_tasks.py CORPUS PREFIX N [--sentences K] [--seed S] -o TASKS.jsonl

One task per sentence (spaCy's sentences of the raw title and text, offsets into the raw
field, the sentence's sha1), the shape `scripts/anchor_real.py` reads. Articles already
annotated in corpus/real-*/ or corpus/agreement/ (train or test) are never chosen again, so
a new training batch cannot overlap the real-text test set.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from dyads.corpus.annotations import SHARED_CORPORA, real_article, sentence_hash
from dyads.ingest import normalise
from dyads.nlp import load_pipeline

REPO = Path(__file__).resolve().parents[1]
SKIP_PREFIXES = ("This story is from",)  # the Times of India's archive line, not the article


def used_docs() -> set[tuple[str, str]]:
    used = set()
    for path in [*REPO.glob("corpus/real-*/*.jsonl"), *REPO.glob("corpus/agreement/*/*.jsonl")]:
        for line in path.open(encoding="utf-8"):
            if line.strip():
                rec = json.loads(line)
                used.add((rec["corpus"], rec["doc"]))
    return used


def sentences(nlp, raw: str) -> list[tuple[int, int]]:
    spans = []
    for sent in nlp(raw).sents:
        text = sent.text.strip()
        if text and not text.startswith(SKIP_PREFIXES):
            start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            spans.append((start, start + len(text)))
    return spans


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", choices=sorted(SHARED_CORPORA))
    ap.add_argument("prefix", help="task id prefix, e.g. ag-train4")
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("--sentences", type=int, default=12, help="at most this many sentences per article")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--exclude", nargs="*", default=[], help="task files whose articles are taken already")
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    path = Path(args.shared) / "corpora" / SHARED_CORPORA[args.corpus]
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    used = used_docs()
    for taken in args.exclude:
        used |= {(t["corpus"], t["doc"]) for t in map(json.loads, open(taken, encoding="utf-8"))}
    fresh = [r for r in records if (args.corpus, r["id"]) not in used]
    random.Random(args.seed).shuffle(fresh)
    nlp = load_pipeline()
    n = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for rec in fresh[: args.n]:
            body = real_article(rec, args.corpus).body
            kept = 0
            for field in ("title", "text"):
                raw = rec.get(field) or ""
                for start, end in sentences(nlp, raw):
                    if kept >= args.sentences:
                        break
                    sentence = raw[start:end]
                    if normalise(sentence).replace("\n\n", " ") not in body:
                        continue  # the pipeline reads it differently: cannot be anchored
                    out.write(json.dumps({"task": f"{args.prefix}-{n:04d}", "corpus": args.corpus, "doc": rec["id"],
                                          "field": field, "start": start, "end": end,
                                          "sha1": sentence_hash(sentence), "sentence": sentence},
                                         ensure_ascii=False) + "\n")
                    n += 1
                    kept += 1
    print(f"{n} tasks from {min(args.n, len(fresh))} articles -> {args.out}")


if __name__ == "__main__":
    main()
