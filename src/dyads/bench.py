"""``dyads bench``: dyads's coding throughput against spaCy's parse alone.

In one run, over the same texts, with the same model, batch size and number of
processes: (1) spaCy alone (``nlp.pipe``, token count only) and (2) the full
dyads coding (``Pipeline.code``; store writes excluded). Both use the same
worker machinery (``dyads.parallel``), timed after every worker has loaded its
pipeline and coded one warm-up chunk. The two passes alternate over the corpus's halves
in the order spaCy, dyads, dyads, spaCy, so a machine that speeds up or slows down
during the run (CPU boost, other work) weighs on both alike. Peak RSS is each worker's
high-water mark.
"""
from __future__ import annotations

import itertools
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Iterator

import psutil

from dyads.errors import DyadsError
from dyads.ingest import Skipped, read_inputs
from dyads.models import Article
from dyads.parallel import LostChunk, WorkerPool, chunked, peak_rss_bytes
from dyads.pipeline import Pipeline, PipelineConfig


@dataclass
class BenchResult:
    corpus: str
    model: str
    workers: int
    batch_size: int
    articles: int
    tokens: int
    spacy_seconds: float
    dyads_seconds: float
    peak_rss_mb: list[float] = field(default_factory=list)  # per worker
    spacy_cpu_seconds: float = 0.0  # summed over workers: unlike wall time, barely moved by other work on the machine
    dyads_cpu_seconds: float = 0.0
    load_average: float = 0.0  # 1-minute load when timing began: other work on the machine skews the figures

    @property
    def spacy_articles_per_s(self) -> float:
        return self.articles / self.spacy_seconds

    @property
    def dyads_articles_per_s(self) -> float:
        return self.articles / self.dyads_seconds

    @property
    def dyads_tokens_per_s(self) -> float:
        return self.tokens / self.dyads_seconds

    @property
    def spacy_tokens_per_s(self) -> float:
        return self.tokens / self.spacy_seconds

    @property
    def ratio(self) -> float:
        """dyads throughput / spaCy parse throughput (1.0 = coding costs nothing beyond the parse)."""
        return self.spacy_seconds / self.dyads_seconds

    @property
    def cpu_ratio(self) -> float:
        """The same ratio in CPU time."""
        return self.spacy_cpu_seconds / self.dyads_cpu_seconds

    def as_dict(self) -> dict:
        derived = ("spacy_articles_per_s", "dyads_articles_per_s", "spacy_tokens_per_s", "dyads_tokens_per_s", "ratio",
                   "cpu_ratio")
        return {**asdict(self), **{k: round(getattr(self, k), 3) for k in derived}}


def load_corpus(path: str, limit: int | None) -> list[Article]:
    articles = (r for r in read_inputs([path]) if not isinstance(r, Skipped))
    chosen = list(itertools.islice(articles, limit))
    if not chosen:
        raise DyadsError(f"{path}: no readable articles to benchmark")
    return chosen


def _cpu_seconds(pids: list[int]) -> float:
    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)


def _timed(fn: Callable[[], int], pids: list[int]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the given processes, and fn's result."""
    cpu, start = _cpu_seconds(pids), time.perf_counter()
    n = fn()
    return time.perf_counter() - start, _cpu_seconds(pids) - cpu, n


def run_bench(corpus: str, config: PipelineConfig, workers: int = 1, limit: int | None = None) -> BenchResult:
    articles = load_corpus(corpus, limit)
    if workers == 1:
        return _bench_in_process(corpus, articles, config)
    return _bench_pool(corpus, articles, config, workers)


def _alternating(spacy_pass: Callable[[list[Article]], int], dyads_pass: Callable[[list[Article]], int],
                 articles: list[Article], pids: list[int]) -> tuple[tuple[float, float, int], tuple[float, float, int]]:
    """(wall, CPU, tokens) of each pass, timed over the halves in the order A B B A."""
    half = len(articles) // 2
    first, second = articles[:half], articles[half:]
    s1 = _timed(lambda: spacy_pass(first), pids)
    d1 = _timed(lambda: dyads_pass(first), pids)
    d2 = _timed(lambda: dyads_pass(second), pids)
    s2 = _timed(lambda: spacy_pass(second), pids)
    return tuple(a + b for a, b in zip(s1, s2)), tuple(a + b for a, b in zip(d1, d2))


def _bench_in_process(corpus: str, articles: list[Article], config: PipelineConfig) -> BenchResult:
    pipeline = Pipeline(config)
    list(pipeline.code(articles[: config.batch_size]))  # warm-up
    load = os.getloadavg()[0]
    (spacy_s, spacy_cpu, tokens), (dyads_s, dyads_cpu, _) = _alternating(
        lambda part: sum(len(d) for d in pipeline.nlp.pipe((a.body for a in part), batch_size=config.batch_size)),
        lambda part: sum(c.tokens for c in pipeline.code(part)), articles, [os.getpid()])
    return BenchResult(corpus, pipeline.model_name, 1, config.batch_size, len(articles), tokens, spacy_s, dyads_s,
                       [round(peak_rss_bytes() / 2**20, 1)], spacy_cpu, dyads_cpu, load)


def _answered(results: Iterable) -> Iterator:
    """A benchmark's figures mean nothing if a worker died on the way: stop with the reason."""
    for result in results:
        if isinstance(result, LostChunk):
            raise DyadsError(f"{result.reason}: the benchmark stops")
        yield result


def _bench_pool(corpus: str, articles: list[Article], config: PipelineConfig, workers: int) -> BenchResult:
    pool = WorkerPool(config, workers)
    try:
        pool.wait_ready()
        size = config.batch_size
        list(pool.run("code", [articles[:size]] * workers))  # warm-up
        load = os.getloadavg()[0]
        (spacy_s, spacy_cpu, tokens), (dyads_s, dyads_cpu, _) = _alternating(
            lambda part: sum(_answered(pool.run("parse", chunked([a.body for a in part], size)))),
            lambda part: sum(c.tokens for chunk in _answered(pool.run("code", chunked(part, size))) for c in chunk
                             if not isinstance(c, Skipped)),
            articles, pool.pids)
    except BaseException:
        pool.terminate()
        raise
    stats = pool.close()
    return BenchResult(corpus, pool.model_name, workers, config.batch_size, len(articles), tokens, spacy_s, dyads_s,
                       [round(s.peak_rss / 2**20, 1) for s in stats], spacy_cpu, dyads_cpu, load)
