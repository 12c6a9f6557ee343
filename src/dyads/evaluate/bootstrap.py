"""How far an F1 can be trusted: bootstrap intervals over documents.

A gold set of a few hundred documents gives F1 figures that move by a few hundredths
from one sample of news to the next, so a figure without its interval invites reading
noise as progress. Documents, not sentences or events, are resampled: the events of one
article share its actors and its style, and resampling them apart would make the
interval too narrow. The resampling is scipy's (``scipy.stats.bootstrap``: percentile
intervals, paired over documents when two coders are compared), with a fixed seed so the
same report always prints the same interval.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

RESAMPLES = 1000
CONFIDENCE = 0.95
SEED = 0


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, axis: int = -1) -> np.ndarray:
    """F1 of the summed counts (micro-averaged, as the reports' F1), along ``axis``."""
    tp, wrong = tp.sum(axis=axis), fp.sum(axis=axis) + fn.sum(axis=axis)
    denominator = 2 * tp + wrong
    return np.divide(2 * tp, denominator, out=np.zeros_like(denominator, dtype=float), where=denominator > 0)


def _resampled(samples: tuple[np.ndarray, ...], statistic) -> np.ndarray | None:
    """The bootstrap distribution of ``statistic`` over documents, or None with fewer than two."""
    if len(samples[0]) < 2:
        return None
    from scipy.stats import bootstrap  # imported here: scipy.stats weighs ~50 MB, and only scoring needs it

    with warnings.catch_warnings():
        # All-equal resamples (a set with no event at all) are a fact to report, not a warning.
        warnings.simplefilter("ignore")
        result = bootstrap(samples, statistic, paired=True, vectorized=True, n_resamples=RESAMPLES,
                           confidence_level=CONFIDENCE, method="percentile", rng=np.random.default_rng(SEED))
    return result.bootstrap_distribution


def _bounds(distribution: np.ndarray) -> tuple[float, float]:
    # The percentile interval read off the distribution rather than scipy's own
    # confidence_interval, which is NaN when every resample agrees (two identical coders).
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(distribution, [tail, 100 - tail])
    return round(float(low), 4), round(float(high), 4)


def f1_interval(counts: np.ndarray) -> tuple[float, float] | None:
    """The 95 % interval of F1 from per-document (tp, fp, fn) rows; None for one document."""
    counts = np.asarray(counts, dtype=float).reshape(-1, 3)
    distribution = _resampled(tuple(counts.T), _f1)
    return None if distribution is None else _bounds(distribution)


@dataclass
class Difference:
    """F1 of coder B minus coder A on the same documents, with its paired interval and the
    share of resamples in which B did not beat A (small: B's gain is unlikely to be noise)."""

    difference: float
    low: float | None
    high: float | None
    b_not_better: float | None

    def as_dict(self) -> dict:
        return self.__dict__


def f1_difference(a: np.ndarray, b: np.ndarray) -> Difference:
    """Paired bootstrap of F1(b) - F1(a) from per-document (tp, fp, fn) rows in the same order."""
    a, b = np.asarray(a, dtype=float).reshape(-1, 3), np.asarray(b, dtype=float).reshape(-1, 3)
    if a.shape != b.shape:
        raise ValueError(f"the two reports cover different documents ({len(a)} and {len(b)})")
    point = float(_f1(*b.T) - _f1(*a.T))

    def gain(tp_a, fp_a, fn_a, tp_b, fp_b, fn_b, axis=-1):
        return _f1(tp_b, fp_b, fn_b, axis) - _f1(tp_a, fp_a, fn_a, axis)

    distribution = _resampled((*a.T, *b.T), gain)
    if distribution is None:
        return Difference(round(point, 4), None, None, None)
    low, high = _bounds(distribution)
    return Difference(round(point, 4), low, high, round(float(np.mean(distribution <= 0)), 4))
