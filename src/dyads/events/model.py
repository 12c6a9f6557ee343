"""The trained models of the learned coder, as plain weight tables.

Each model is multinomial logistic regression over string features (trained with
scikit-learn, see ``dyads.train``). It is stored as the list of its labels, its feature
vocabulary and a weight matrix in a ``.npz`` file, and scored here with numpy alone, so
that coding needs neither scikit-learn nor pickle (a model file can be read, inspected
and shared safely). A model directory holds four such models and ``meta.json``:

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

    def scores(self, examples: list[list[str]]) -> np.ndarray:
        """Probabilities, one row per example (a list of feature strings)."""
        return softmax(self.logits(examples))

    def weight_of(self, features: list[str]) -> np.ndarray:
        """The summed weights of some features (no bias): a part many examples share."""
        index = [i for i in map(self.vocab.get, features) if i is not None]
        return self.weights[index].sum(axis=0) if index else np.zeros(len(self.labels), dtype=np.float32)

    def logits(self, examples: list[list[str]]) -> np.ndarray:
        """Bias plus summed feature weights, one row per example."""
        if not examples:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        get = self.vocab.get
        index, starts = [], []
        for feats in examples:  # one flat index list and where each example's part starts
            starts.append(len(index))
            index.extend([i for i in map(get, feats) if i is not None])
        logits = np.tile(self.bias, (len(examples), 1))
        if index:
            sums = np.add.reduceat(self.weights[index], starts, axis=0)
            # reduceat gives an empty example the next one's first row: keep only real sums
            ends = starts[1:] + [len(index)]
            filled = np.array([e > s for s, e in zip(starts, ends)])
            logits[filled] += sums[filled]
        return logits

    def contributions(self, features: list[str], label: str, top: int = 5) -> list[tuple[str, float]]:
        """The features that pushed most towards ``label`` (for ``dyads explain``)."""
        j = self.labels.index(label)
        weighted = [(f, float(self.weights[self.vocab[f], j])) for f in set(features) if f in self.vocab]
        return sorted(weighted, key=lambda fw: -fw[1])[:top]

    def save(self, path: Path) -> None:
        names = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(path, labels=np.array(self.labels), features=np.array(names),
                            weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32))

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(str(x) for x in data["labels"])
            names = [str(x) for x in data["features"]]
            weights = data["weights"].astype(np.float32)
            bias = data["bias"].astype(np.float32)
        if weights.shape != (len(names), len(labels)) or bias.shape != (len(labels),):
            raise ValueError(f"weights {weights.shape} do not fit {len(names)} features x {len(labels)} labels")
        return cls(labels, {n: i for i, n in enumerate(names)}, weights, bias)


@dataclass
class CoderModel:
    trigger: LinearModel
    role: LinearModel
    factuality: LinearModel
    mode: LinearModel
    implicit: LinearModel
    meta: dict
    path: str = ""

    @cached_property  # read for every article: built once
    def trigger_words(self) -> frozenset[str]:
        return frozenset(self.meta.get("trigger_words", ()))

    @property
    def thresholds(self) -> dict:
        return self.meta.get("thresholds", {})

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for part in PARTS:
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
        for part in PARTS:
            path = folder / f"{part}.npz"
            try:
                parts[part] = LinearModel.load(path)
            except FileNotFoundError:
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
