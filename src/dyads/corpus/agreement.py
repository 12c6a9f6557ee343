"""Agreement between two independent annotations of the same sentences.

Sentences are paired by document and offsets. Reported:

* Cohen's kappa on each sentence's event / no-event decision, and on each (sentence,
  PLOVER type) cell being present or absent;
* F1 between the two passes (one taken as reference; F1 is symmetric) at the evaluator's
  three levels — type, type + actor country, type + actor and recipient countries — over
  asserted mentions, matched as ``dyads eval`` matches them; and type F1 over all
  mentions whatever their factuality;
* on type-matched pairs, how often actor and recipient sectors agree;
* the disagreements themselves, for the guidelines.
"""
from __future__ import annotations

from collections import Counter

from dyads.corpus.annotations import CorpusDoc, Mention
from dyads.evaluate.corpus_eval import gold_events
from dyads.evaluate.events_eval import LEVELS, GoldEvent, Predicted, Tally, match_doc


def _as_predicted(events: list[GoldEvent]) -> list[Predicted]:
    return [Predicted(g.type, g.actor, g.recipient, g.date, g.actor_sector, g.recipient_sector, "", "") for g in events]


def _all_types(mentions: list[Mention]) -> list[GoldEvent]:
    return [GoldEvent(m.type, None, None) for m in mentions]


def kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    n = len(pairs)
    if not n:
        return None
    agree = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return round((agree - expected) / (1 - expected), 4) if expected < 1 else 1.0


def agreement(first: list[CorpusDoc], second: list[CorpusDoc], types: tuple[str, ...]) -> dict:
    by_key = {(d.id, s.start): s for d in second for s in d.sentences}
    tallies = {lvl: Tally() for lvl in LEVELS}
    all_types = Tally()
    decision, cells = [], []
    sectors = Counter()
    disagreements = []
    shared = 0
    for doc in first:
        for sent in doc.sentences:
            other = by_key.get((doc.id, sent.start))
            if other is None:
                continue
            shared += 1
            decision.append((bool(sent.mentions), bool(other.mentions)))
            mine, theirs = {m.type for m in sent.mentions}, {m.type for m in other.mentions}
            cells += [(t in mine, t in theirs) for t in types]
            gold, pred = gold_events(sent.mentions), _as_predicted(gold_events(other.mentions))
            for level in LEVELS:
                pairs, misses, extra = match_doc(gold, pred, level)
                tallies[level].tp += len(pairs)
                tallies[level].fn += len(misses)
                tallies[level].fp += len(extra)
                if level == "type":
                    for g, p in pairs:
                        for role in ("actor", "recipient"):
                            a, b = getattr(g, f"{role}_sector"), getattr(p, f"{role}_sector")
                            if a or b:
                                sectors[f"{role}_n"] += 1
                                sectors[role] += a == b
                if level == "type+dyad" and (misses or extra):
                    disagreements.append({"doc": doc.id, "start": sent.start, "text": doc.article.body[sent.start:sent.end][:160],
                                          "first": [_show(g) for g in misses], "second": [_show(p) for p in extra]})
            pairs, misses, extra = match_doc(_all_types(sent.mentions), _as_predicted(_all_types(other.mentions)), "type")
            all_types.tp += len(pairs)
            all_types.fn += len(misses)
            all_types.fp += len(extra)
    return {
        "sentences": shared,
        "kappa_event_sentence": kappa(decision),
        "kappa_type_cells": kappa(cells),
        "f1": {lvl: t.scores()["f1"] for lvl, t in tallies.items()},
        "f1_type_all_factuality": all_types.scores()["f1"],
        "sector_agreement": {r: round(sectors[r] / sectors[f"{r}_n"], 4) if sectors[f"{r}_n"] else None for r in ("actor", "recipient")},
        "disagreements": disagreements,
    }


def _show(e) -> str:
    return f"{e.type} {e.actor}->{e.recipient}"
