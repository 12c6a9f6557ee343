"""The learned candidate ranker: a linear score over what the text and the gazetteer say
about one candidate reading of a place name.

The features are the geoparser's old rules (feature class, population, own vs alternate
name, capital, the document's countries and ADM1 areas, nearby towns, a container after a
comma, the class of listed names, peer states). The shipped weights (``data/places/
rank_model.json``: numbers only, loaded once per process, no pickle) are what ``dyads
train-geo`` kept on the development half of GeoWebNews: the rules' own starting weights,
because no fitted variant scored better there.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from dyads.errors import ModelError

# Strengths of the pull towards the prior weights that `dyads train-geo` tries; it keeps
# the one that scores best on its training documents (or the prior weights themselves).
PULLS = (0.1, 1.0, 10.0, 100.0)
PULL = 100.0
PRIOR_FILE = Path(__file__).resolve().parent.parent / "data" / "places" / "rank_prior.yml"
MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "places" / "rank_model.json"

FEATURES = (
    "is_country", "is_region", "is_adm1", "is_adm2", "is_spot",
    "town_log_pop", "area_log_pop", "small_town", "town_pop_gap",
    "own_name", "own_name_town", "capital",
    "acronym_local", "admin_role_area",
    "country_ctx", "adm1_ctx",
    "near_50km", "near_250km",
    "sibling_class", "container_holds", "peer_areas",
)


@dataclass(frozen=True, slots=True)
class RankModel:
    """Weights per feature name and a bias: score = bias + sum(weight * value)."""

    weights: dict[str, float]
    bias: float = 0.0

    def score(self, values: dict[str, float]) -> float:
        return self.bias + sum(self.weights.get(name, 0.0) * v for name, v in values.items() if v)

    def to_json(self) -> dict:
        return {"kind": "dyads geo candidate ranker", "features": list(FEATURES),
                "weights": [round(self.weights.get(f, 0.0), 6) for f in FEATURES], "bias": round(self.bias, 6)}


def read_model(path: str | Path) -> RankModel:
    """A ranker written by ``dyads train-geo``; a broken file raises ModelError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        weights = dict(zip(data["features"], (float(w) for w in data["weights"]), strict=True))
        return RankModel(weights, float(data.get("bias", 0.0)))
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the geo ranker ({exc.strerror})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: not a geo ranker file ({type(exc).__name__}: {exc})") from None


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None) -> RankModel:
    """The shipped ranker (or the one at ``path``), read once per process."""
    return read_model(path or MODEL_FILE)


def write_model(model: RankModel, path: str | Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")


@dataclass(frozen=True, slots=True)
class FeatureShape:
    """How the features are computed (not weighted): ``data/places/rank_prior.yml``."""

    alternate_trust: float
    small_town_trust: float
    area_size_cap: dict[str, float]


@functools.lru_cache(maxsize=1)
def feature_shape() -> FeatureShape:
    with open(PRIOR_FILE, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    trust = data.get("context_trust") or {}
    return FeatureShape(float(trust.get("alternate_name", 1.0)), float(trust.get("small_town", 1.0)),
                        {k: float(v) for k, v in (data.get("area_size_cap") or {}).items()})


def read_prior(path: str | Path = PRIOR_FILE) -> RankModel:
    """The hand-set starting weights (``data/places/rank_prior.yml``)."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return RankModel({f: float(w) for f, w in (data.get("weights") or {}).items()})


def fit(rows: list[dict[str, float]], labels: list[int], groups: list[int],
        prior: RankModel | None = None, pull: float = PULL) -> RankModel:
    """Weights that rank each mention's right candidates (label 1: within 161 km of the
    gold point) above its wrong ones: a softmax over each mention's candidates (the
    conditional logit), its weights pulled towards ``prior`` by an L2 term of strength
    ``pull``. Mentions without both a right and a wrong candidate teach nothing."""
    import numpy as np
    from scipy.optimize import minimize

    keep = _contested(labels, groups)
    if not keep:
        raise ModelError("no mention with both a right and a wrong candidate: nothing to learn from")
    prior = prior or read_prior()
    x = np.array([[rows[i].get(f, 0.0) for f in FEATURES] for i in keep], dtype=float)
    y = np.array([labels[i] for i in keep], dtype=float)
    _, group = np.unique([groups[i] for i in keep], return_inverse=True)
    w0 = np.array([prior.weights.get(f, 0.0) for f in FEATURES])

    def loss(w):
        z = x @ w
        z_max = np.full(group.max() + 1, -np.inf)
        np.maximum.at(z_max, group, z)
        e = np.exp(z - z_max[group])
        all_sum = np.bincount(group, e)
        right_sum = np.bincount(group, e * y)
        nll = (np.log(all_sum) - np.log(right_sum)).sum()
        # gradient: expected features under all candidates minus under the right ones
        p_all = e / all_sum[group]
        p_right = e * y / right_sum[group]
        d = w - w0
        return nll + pull * (d @ d), x.T @ (p_all - p_right) + 2 * pull * d

    res = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    return RankModel({f: float(w) for f, w in zip(FEATURES, res.x)}, prior.bias)


def _contested(labels: list[int], groups: list[int]) -> list[int]:
    seen: dict[int, set[int]] = {}
    for label, group in zip(labels, groups):
        seen.setdefault(group, set()).add(label)
    return [i for i, g in enumerate(groups) if len(seen[g]) == 2]


def log_pop(population: int) -> float:
    return math.log10(population + 10)
