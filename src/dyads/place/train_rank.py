"""`dyads train-geo`: fit the candidate ranker on gold toponyms (GeoWebNews format).

The features of each candidate are taken in the context the parser really sees: the
other names as the prior weights (``data/places/rank_prior.yml``) read them. Fitting
with every other toponym read as its gold place instead scored no better on the
development half.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dyads.evaluate.geo_eval import ACC_KM, GoldDoc, GoldToponym, read_gold, resolution_metrics, select
from dyads.place.gazetteer import Candidate, Gazetteer, haversine_km, load_gazetteer
from dyads.place.geoparse import Geoparser, Mention
from dyads.place.rank import PULLS, RankModel, fit, read_prior

Rows = tuple[list[dict[str, float]], list[int], list[int]]


@dataclass(frozen=True, slots=True)
class Trained:
    model: RankModel
    pull: float | None  # None: the prior weights themselves scored best
    rows: int  # candidate rows fitted
    acc161: float  # on the training documents
    exact_id: float


def train_ranker(path: str | Path, part: str = "dev", gazetteer: Gazetteer | None = None) -> Trained:
    """The ranker fitted on ``part`` of a gold file: one fit per pull strength, and the
    prior weights themselves, kept by acc@161 (then exact id) on those same documents;
    a tie goes to the stronger pull, the one closer to the rules."""
    docs = select(read_gold(path), part)
    gaz = gazetteer or load_gazetteer()
    prior = read_prior()
    rows = _rows(docs, Geoparser(gaz, prior))
    best: Trained | None = None
    for pull in (None, *sorted(PULLS, reverse=True)):
        model = prior if pull is None else fit(*rows, prior=prior, pull=pull)
        acc, exact = _scores(docs, Geoparser(gaz, model))
        if best is None or (acc, exact) > (best.acc161, best.exact_id):
            best = Trained(model, pull, len(rows[0]), acc, exact)
    assert best is not None
    return best


def _scores(docs: list[GoldDoc], parser: Geoparser) -> tuple[float, float]:
    """acc@161 and exact-id share over the documents' gold toponyms, as eval-geo scores them."""
    pairs = []
    for doc in docs:
        places = parser.resolve_mentions([Mention(t.text, t.start, t.end) for t in doc.toponyms], doc.text)
        pairs += [(top, place, None) for top, place in zip(doc.toponyms, places)]
    metrics = resolution_metrics(pairs)
    return metrics["acc161"], metrics["exact_id"]


def _rows(docs: list[GoldDoc], parser: Geoparser) -> Rows:
    features: list[dict[str, float]] = []
    labels: list[int] = []
    groups: list[int] = []
    # a right reading: within ACC_KM of the gold point (labelling only the gold GeoNames
    # entry as right raised exact-id but lowered acc@161 on the development half)
    for doc in docs:
        mentions = [Mention(t.text, t.start, t.end) for t in doc.toponyms]
        for top, cands in zip(doc.toponyms, parser.candidate_table(mentions, doc.text)):
            group = len(groups) and groups[-1] + 1
            for feats, cand in cands:
                features.append(feats)
                labels.append(int(_right(top, cand)))
                groups.append(group)
    return features, labels, groups


def _right(top: GoldToponym, cand: Candidate) -> bool:
    if top.geonameid is not None and cand.geonameid == top.geonameid:
        return True
    return cand.lat is not None and haversine_km(top.lat, top.lon, cand.lat, cand.lon) <= ACC_KM
