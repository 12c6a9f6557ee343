"""What a corpus holds: documents, sentences, mentions by type, mode and factuality,
no-event sentences and hard negatives, countries, decades and styles."""
from __future__ import annotations

from collections import Counter

from dyads.corpus.annotations import CorpusDoc


def corpus_stats(docs: list[CorpusDoc]) -> dict:
    sentences = [s for d in docs for s in d.sentences]
    mentions = [m for s in sentences for m in s.mentions]
    types, modes, factuality, countries, decades, styles, negatives, splits = (Counter() for _ in range(8))
    for m in mentions:
        types[m.type] += 1
        factuality[m.factuality] += 1
        if m.mode:
            modes[f"{m.type}/{m.mode}"] += 1
        for arg in m.actors + m.recipients:
            if arg.code and arg.code not in ("IGO", "NGO"):
                countries[arg.code] += 1
    for d in docs:
        if d.article.published:
            decades[f"{d.article.published.year // 10 * 10}s"] += 1
        styles[d.meta.get("style") or d.meta.get("corpus") or "?"] += 1
        splits[d.split if "corpus" not in d.meta else "real"] += len(d.sentences)
    for s in sentences:
        if s.negative:
            negatives[s.negative] += 1
    no_event = sum(1 for s in sentences if not s.mentions)
    with_args = sum(1 for m in mentions if m.actors and m.recipients)
    return {
        "documents": len(docs),
        "sentences": len(sentences),
        "mentions": len(mentions),
        "asserted": factuality["asserted"],
        "no_event_sentences": no_event,
        "no_event_share": round(no_event / len(sentences), 3) if sentences else 0.0,
        "hard_negatives": sum(negatives.values()),
        "mentions_with_actor_and_recipient": with_args,
        "types": dict(sorted(types.items())),
        "factuality": dict(factuality),
        "modes": dict(sorted(modes.items())),
        "countries": len(countries),
        "country_mentions": dict(countries.most_common()),
        "decades": dict(sorted(decades.items())),
        "styles": dict(styles.most_common()),
        "negative_kinds": dict(negatives.most_common()),
        "sentences_by_split": dict(splits),
    }
