"""How the actors stage resolves the corpus's gold actor and recipient spans, on the dev split.

    python scripts/actor_spans.py --shared ../shared [--examples 5] [--sectors]

For every gold actor or recipient span with a code, in the development documents of
corpus/written and corpus/real-train (study errors there only), the actor mention found
over it: none at all, or its country right or wrong, counted by how the mention was found
(knowledge base, sector word, pronoun, ...) and where its country came from. It measures
the actors stage alone, before any event coding. With ``--sectors``, the spans whose
country is right are counted by gold sector against the sector found instead.
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from dyads.corpus.annotations import read_corpus
from dyads.pipeline import Pipeline, PipelineConfig
from dyads.train import analysed, select

ROOT = Path(__file__).resolve().parent.parent


def found_over(index, span):
    """The actor mention over ``span`` nearest its root, or None."""
    found = [m for m in index.mentions if m.start < span.end and span.start < m.end]
    return min(found, key=lambda m: abs(m.head - span.root.i), default=None)


def outcome(index, span) -> tuple[tuple[str, str, str], str | None]:
    """(verdict, how, country_from) of the mention over ``span``, and the country it gave."""
    mention = found_over(index, span)
    if mention is None:
        return ("none", "", ""), None
    return ("found", mention.how, mention.entity.country_from), mention.entity.country


def sector_outcome(index, span, arg) -> tuple[str, str, str] | None:
    """(gold sector, found sector, how) of a span whose country was found right."""
    mention = found_over(index, span)
    if mention is None or mention.entity.country != arg.code:
        return None
    return (arg.sector or "-", mention.entity.sector or "-", mention.how)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--examples", type=int, default=0, help="show this many spans of each wrong or missing kind")
    ap.add_argument("--sectors", action="store_true", help="count sectors of the spans whose country is right")
    args = ap.parse_args()
    read = read_corpus([ROOT / "corpus" / "written", ROOT / "corpus" / "real-train"], args.shared)
    _, dev = select(read.docs, [])
    pipeline = Pipeline(PipelineConfig(coder="rules"))
    counts: Counter = Counter()
    examples: dict = {}
    for analysis, corpus_doc in analysed(pipeline, dev):
        index, doc = analysis.context.index, analysis.context.doc
        for sent in corpus_doc.sentences:
            seen = set()
            for arg in (a for m in sent.mentions for a in m.actors + m.recipients):
                if arg.span is None or not arg.code or arg.span in seen:
                    continue
                seen.add(arg.span)
                span = doc.char_span(*arg.span, alignment_mode="expand")
                if span is None:
                    continue
                if args.sectors:
                    key = sector_outcome(index, span, arg)
                    if key is None:
                        continue
                    verdict = "right" if key[0] == key[1] else "wrong"
                    key = (verdict, key[2], f"{key[0]} -> {key[1]}")
                    country = arg.code
                else:
                    (verdict, how, origin), country = outcome(index, span)
                    if verdict == "found":
                        verdict = "right" if country == arg.code else "no country" if country is None else "wrong"
                    key = (verdict, how, origin)
                counts[key] += 1
                examples.setdefault(key, []).append(f"{span.text!r} gold {arg.code}, found {country}: {span.sent.text[:120]}")
    total = sum(counts.values())
    print(f"{total} gold spans in {len(dev)} dev documents")
    for (verdict, how, origin), n in counts.most_common():
        print(f"{n:6d} {n / total:6.1%}  {verdict:10s} {how or '-':11s} {origin}")
        if args.examples and verdict != "right":
            for line in examples[(verdict, how, origin)][: args.examples]:
                print("         ", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
