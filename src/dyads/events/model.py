"""The trained models of the learned coder, as plain weight tables.

Each model is multinomial logistic regression over string features (trained with
scikit-learn, see ``dyads.train``), or one hidden layer over the same features
(``MLPModel``: the trigger model). It is stored as the list of its labels, its feature
vocabulary and its weight matrices in a ``.npz`` file, and scored here with numpy alone, so
that coding needs neither scikit-learn nor pickle (a model file can be read, inspected
and shared safely). A model directory holds five such models and ``meta.json``:

* ``trigger`` — a word's event type, or ``NONE``;
* ``role`` — a mention's role for an event: ``actor``, ``recipient`` or ``none``;
* ``factuality`` — asserted, negated, hypothetical or future;
* ``mode`` — the event's PLOVER mode, or ``-``;
* ``implicit`` — whether an argument no words name is a given candidate (the actor's own
  government, the document's main country, a side of the event before, ...): ``yes``/``no``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from dyads.errors import ModelError

FORMAT = "dyads-coder/1"
PARTS = ("trigger", "role", "factuality", "mode", "implicit")
OPTIONAL_PARTS = ("sector",)  # models trained before it have none; coding then keeps the sectors the words give


def softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits


@dataclass
class LinearModel:
    labels: tuple[str, ...]
    vocab: dict[str, int]
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)

    def scores(self, examples: list[list[str]], added: np.ndarray | None = None) -> np.ndarray:
        """Probabilities, one row per example (a list of feature strings)."""
        return softmax(self.logits(examples, added))

    def weight_of(self, features: list[str]) -> np.ndarray:
        """The summed weights of some features (no bias): a part many examples share."""
        index = [i for i in map(self.vocab.get, features) if i is not None]
        return np.take(self.weights, index, axis=0).sum(axis=0) if index else np.zeros(len(self.labels), dtype=np.float32)

    def logits(self, examples: list[list[str]], added: np.ndarray | None = None) -> np.ndarray:
        """Bias plus summed feature weights, one row per example (plus ``added``: the
        summed weights, ``weight_of``, of features each example shares with others)."""
        if not examples:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        logits = _summed_rows(self.weights, self.bias, self.vocab, examples)
        if added is not None:
            logits += added
        return logits

    def contributions(self, features: list[str], label: str, top: int = 5) -> list[tuple[str, float]]:
        """The features that pushed most towards ``label`` (for ``dyads explain``)."""
        j = self.labels.index(label)
        weighted = [(f, float(self.weights[self.vocab[f], j])) for f in set(features) if f in self.vocab]
        return sorted(weighted, key=lambda fw: -fw[1])[:top]

    def save(self, path: Path) -> None:
        _save_tables(path, self.labels, self.vocab, weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32))

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        labels, names, (weights, bias) = _load_tables(path, "weights", "bias")
        if weights.shape != (len(names), len(labels)) or bias.shape != (len(labels),):
            raise ValueError(f"weights {weights.shape} do not fit {len(names)} features x {len(labels)} labels")
        return cls(labels, {n: i for i, n in enumerate(names)}, weights, bias)


@dataclass
class MLPModel:
    """One hidden layer over the same string features: the hidden units' pre-activation
    is a sum of feature rows (as a linear model's logits are), then ReLU and a dense output
    layer. Stored as labels, feature vocabulary and the two layers' weights (``kind=mlp``)."""

    labels: tuple[str, ...]
    vocab: dict[str, int]
    w1: np.ndarray  # (features, hidden)
    b1: np.ndarray  # (hidden,)
    w2: np.ndarray  # (hidden, labels)
    b2: np.ndarray  # (labels,)

    def scores(self, examples: list[list[str]], added: np.ndarray | None = None) -> np.ndarray:
        return softmax(self.logits(examples, added))

    def weight_of(self, features: list[str]) -> np.ndarray:
        """The summed first-layer rows of some features (no bias): a part many examples
        share, to be passed to ``logits`` as ``added``."""
        index = [i for i in map(self.vocab.get, features) if i is not None]
        return np.take(self.w1, index, axis=0).sum(axis=0) if index else np.zeros(self.w1.shape[1], dtype=np.float32)

    def hidden(self, examples: list[list[str]], added: np.ndarray | None = None) -> np.ndarray:
        pre = _summed_rows(self.w1, self.b1, self.vocab, examples)
        if added is not None:
            pre += added
        return np.maximum(pre, 0.0, out=pre)

    def logits(self, examples: list[list[str]], added: np.ndarray | None = None) -> np.ndarray:
        """``added``: per-example first-layer sums (``weight_of``) of features left out."""
        if not examples:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self.hidden(examples, added) @ self.w2 + self.b2

    def contributions(self, features: list[str], label: str, top: int = 5) -> list[tuple[str, float]]:
        """How much dropping each feature lowers ``label``'s logit (for ``dyads explain``)."""
        j = self.labels.index(label)
        feats = sorted({f for f in features if f in self.vocab})
        if not feats:
            return []
        full = self.logits([feats])[0, j]
        without = self.logits([[g for g in feats if g != f] for f in feats])[:, j]
        return sorted(((f, float(full - w)) for f, w in zip(feats, without)), key=lambda fw: -fw[1])[:top]

    @classmethod
    def joined(cls, members: list["MLPModel"]) -> "MLPModel":
        """One model whose logits are the mean of the members' logits (members share labels
        and vocabulary): their hidden layers side by side, each one's output rows scaled
        by 1/len(members). It scores as any MLPModel does and is stored the same way."""
        first = members[0]
        if len(members) == 1:
            return first
        if any(m.labels != first.labels or m.vocab != first.vocab for m in members):
            raise ValueError("only models with the same labels and features can be joined")
        k = np.float32(len(members))
        return cls(first.labels, first.vocab, np.hstack([m.w1 for m in members]), np.concatenate([m.b1 for m in members]),
                   np.vstack([m.w2 for m in members]) / k, (np.sum([m.b2 for m in members], axis=0) / k).astype(np.float32))

    def save(self, path: Path) -> None:
        _save_tables(path, self.labels, self.vocab, kind=np.array("mlp"), w1=self.w1.astype(np.float16),
                     b1=self.b1.astype(np.float32), w2=self.w2.astype(np.float32), b2=self.b2.astype(np.float32))

    @classmethod
    def load(cls, path: Path) -> "MLPModel":
        labels, names, (w1, b1, w2, b2) = _load_tables(path, "w1", "b1", "w2", "b2")
        hidden = w1.shape[1] if w1.ndim == 2 else -1
        if w1.shape != (len(names), hidden) or b1.shape != (hidden,) or w2.shape != (hidden, len(labels)) or b2.shape != (len(labels),):
            raise ValueError(f"layers {w1.shape} {w2.shape} do not fit {len(names)} features x {len(labels)} labels")
        return cls(labels, {n: i for i, n in enumerate(names)}, w1, b1, w2, b2)


def _save_tables(path: Path, labels: tuple[str, ...], vocab: dict[str, int], **tables: np.ndarray) -> None:
    """A part's labels, feature names (in vocabulary order) and weight tables, in one .npz."""
    names = sorted(vocab, key=vocab.get)
    np.savez_compressed(path, labels=np.array(labels), features=np.array(names), **tables)


def _load_tables(path: Path, *keys: str) -> tuple[tuple[str, ...], list[str], list[np.ndarray]]:
    """The labels, feature names and the named weight tables (as float32) of a part's .npz."""
    with np.load(path, allow_pickle=False) as data:
        return (tuple(str(x) for x in data["labels"]), [str(x) for x in data["features"]],
                [data[k].astype(np.float32) for k in keys])


def _summed_rows(table: np.ndarray, bias: np.ndarray, vocab: dict[str, int], examples: list[list[str]]) -> np.ndarray:
    """Bias plus the summed rows of each example's known features."""
    get = vocab.get
    index, starts = [], []
    for feats in examples:
        starts.append(len(index))
        index.extend([i for i in map(get, feats) if i is not None])
    if not index:
        return np.tile(bias, (len(examples), 1))
    # np.take gathers the same rows as table[index], with less overhead
    sums = np.add.reduceat(np.take(table, index, axis=0), starts, axis=0)
    if len(set(starts)) == len(starts) and starts[-1] < len(index):
        # the usual case (every example has its "bias" feature): no mask to apply
        sums += bias
        return sums
    ends = starts[1:] + [len(index)]
    filled = [e > s for s, e in zip(starts, ends)]
    out = np.tile(bias, (len(examples), 1))
    out[filled] += sums[filled]
    return out


Model = LinearModel | MLPModel


def load_part(path: Path) -> Model:
    """A part's model file: an MLP's (``kind=mlp``) or a linear model's."""
    with np.load(path, allow_pickle=False) as data:
        kind = str(data["kind"]) if "kind" in data.files else "linear"
    if kind == "mlp":
        return MLPModel.load(path)
    if kind != "linear":
        raise ValueError(f"unknown model kind {kind!r}")
    return LinearModel.load(path)


@dataclass
class CoderModel:
    trigger: Model
    role: Model
    factuality: Model
    mode: Model
    implicit: Model
    meta: dict
    path: str = ""
    sector: Model | None = None

    @cached_property  # read for every article: built once
    def trigger_words(self) -> frozenset[str]:
        return frozenset(self.meta.get("trigger_words", ()))

    @property
    def thresholds(self) -> dict:
        return self.meta.get("thresholds", {})

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for part in PARTS + OPTIONAL_PARTS:
            if getattr(self, part) is not None:
                getattr(self, part).save(folder / f"{part}.npz")
        (folder / "meta.json").write_text(json.dumps({**self.meta, "format": FORMAT}, indent=1, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path | str) -> "CoderModel":
        """A model directory, checked: a missing, corrupt or foreign one is a ModelError naming it."""
        folder = Path(folder)
        if not folder.is_dir():
            raise ModelError(f"{folder}: no such model directory")
        meta_path = folder / "meta.json"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{folder}: not a dyads model (no meta.json)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{meta_path}: unreadable ({exc})") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else None
            raise ModelError(f"{folder}: a model of format {found!r}; this dyads reads {FORMAT!r} (retrain with dyads train)")
        parts = {}
        for part in PARTS + OPTIONAL_PARTS:
            path = folder / f"{part}.npz"
            try:
                parts[part] = load_part(path)
            except FileNotFoundError:
                if part in OPTIONAL_PARTS:
                    continue
                raise ModelError(f"{folder}: {part}.npz is missing") from None
            except Exception as exc:  # a truncated or foreign .npz: zipfile, numpy and key errors alike
                raise ModelError(f"{path}: corrupt ({type(exc).__name__}: {exc})") from None
        return cls(meta=meta, path=str(folder), **parts)


def shipped_model_path() -> Path:
    return Path(str(resources.files("dyads") / "data" / "model"))


@cache
def load_shipped() -> CoderModel | None:
    """The model shipped in the package, loaded once per process (None if not built)."""
    path = shipped_model_path()
    return CoderModel.load(path) if (path / "meta.json").is_file() else None
