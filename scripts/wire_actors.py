"""How many coded events take their actor or recipient from a dateline, a byline or an
agency tag ("CAIRO, May 3 (Reuters) -", "(AP)")? There should be none.

    .venv/bin/python scripts/wire_actors.py ../shared/corpora/ag_news_world_2004.jsonl [--model rules|DIR] [--limit N]

Prints the count and the first examples. Wire openings are found with dyads.ingest.wire;
the events are coded by the normal pipeline.
"""
from __future__ import annotations

import argparse
import json

from dyads.ingest import read_inputs
from dyads.ingest.wire import wire_openings
from dyads.models import Article
from dyads.pipeline import Pipeline, PipelineConfig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--model", default=None)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    articles = [a for a in read_inputs([args.corpus]) if isinstance(a, Article)][: args.limit]
    pipeline = Pipeline(PipelineConfig(coder=args.model))
    events = hits = 0
    examples = []
    for coded in pipeline.code(articles):
        spans = [(w.start, w.end) for w in wire_openings(coded.article.title, coded.article.body)]
        for e in coded.events:
            events += 1
            for ev in e.evidence:
                sides = [s for s in (ev.actor_span, ev.recipient_span) if s]
                if any(a < end and b > start for a, b in sides for start, end in spans):
                    hits += 1
                    examples.append(f"{coded.article.id}: {e.event} {e.actor and e.actor.entity_text!r} -> "
                                    f"{e.recipient and e.recipient.entity_text!r}  «{coded.article.body[:80]}»")
                    break
    print(json.dumps({"articles": len(articles), "events": events, "from_wire_openings": hits}))
    for line in examples[:10]:
        print(line)


if __name__ == "__main__":
    main()
