"""Coding on N worker processes of one machine.

``WorkerPool`` starts N processes (``spawn``); each builds its own ``Pipeline``
once and runs chunks of articles through ``Pipeline.code`` (spaCy's
``nlp.pipe``). The parent streams chunks in and results out in input order, with
at most ``3 * workers`` chunks unfinished, so memory stays flat whatever the input
size. ``ParallelCoder`` has the same ``code`` / ``model_name`` interface as
``Pipeline``, so ``code_into_store`` (the single writer) takes either.

A worker whose parent dies (even by SIGKILL) exits within a second.
"""
from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import queue
import resource
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, TypeVar

from dyads.errors import DyadsError
from dyads.models import Article
from dyads.pipeline import CodedArticle, Pipeline, PipelineConfig

T = TypeVar("T")
_READY, _RESULT, _ERROR, _STATS = "ready", "result", "error", "stats"


@dataclass
class WorkerStats:
    pid: int
    chunks: int
    peak_rss: int  # bytes, the process's high-water mark (ru_maxrss)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def peak_rss_bytes() -> int:
    """This process's peak resident set size (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# --- worker side -------------------------------------------------------------

def _code_task(pipeline: Pipeline, articles: list[Article]) -> list[CodedArticle]:
    return list(pipeline.code(articles))


def _parse_task(pipeline: Pipeline, texts: list[str]) -> int:
    """spaCy alone (for ``dyads bench``): parse and count tokens."""
    return sum(len(doc) for doc in pipeline.nlp.pipe(texts, batch_size=pipeline.config.batch_size))


TASKS: dict[str, Callable[[Pipeline, list], Any]] = {"code": _code_task, "parse": _parse_task}


def _exit_with_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker(config: PipelineConfig, inbox: mp.Queue, outbox: mp.Queue, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the workers
    _exit_with_parent(parent)
    try:
        pipeline = Pipeline(config)
    except BaseException as exc:  # a missing model, a bad lexicon: the parent reports it
        outbox.put((_ERROR, -1, exc if isinstance(exc, DyadsError) else traceback.format_exc()))
        return
    outbox.put((_READY, os.getpid(), pipeline.model_name))
    chunks = 0
    while (job := inbox.get()) is not None:
        seq, task, items = job
        try:
            outbox.put((_RESULT, seq, TASKS[task](pipeline, items)))
        except BaseException:
            outbox.put((_ERROR, seq, traceback.format_exc()))
        chunks += 1
    outbox.put((_STATS, -1, WorkerStats(os.getpid(), chunks, peak_rss_bytes())))


# --- parent side -------------------------------------------------------------

class WorkerPool:
    """N processes, one Pipeline each; ``run`` maps a task over chunks, in order."""

    def __init__(self, config: PipelineConfig, workers: int) -> None:
        ctx = mp.get_context("spawn")
        self.workers = workers
        self.inbox: mp.Queue = ctx.Queue()
        self.outbox: mp.Queue = ctx.Queue()
        self.procs = [
            ctx.Process(target=_worker, args=(config, self.inbox, self.outbox, os.getpid()), daemon=True, name=f"dyads-worker-{i}")
            for i in range(workers)
        ]
        for p in self.procs:
            p.start()
        self.model_name = ""
        self.pids: list[int] = []
        self.stats: list[WorkerStats] = []

    def wait_ready(self) -> None:
        """Block until every worker has loaded its Pipeline."""
        for _ in range(self.workers):
            kind, pid, payload = self._get()
            if kind != _READY:
                raise DyadsError(f"unexpected worker message {kind}")
            self.model_name = payload
            self.pids.append(pid)

    def run(self, task: str, chunks: Iterable[list]) -> Iterator[Any]:
        """Results of ``task`` on each chunk, in input order; at most 3 chunks per worker unfinished."""
        sent = done = 0
        pending: dict[int, Any] = {}
        chunks = iter(chunks)
        while True:
            while sent - done < 3 * self.workers and (chunk := next(chunks, None)) is not None:
                self.inbox.put((sent, task, chunk))
                sent += 1
            if done == sent:
                return
            kind, seq, payload = self._get()
            if kind != _RESULT:
                raise DyadsError(f"unexpected worker message {kind}")
            pending[seq] = payload
            while done in pending:
                yield pending.pop(done)
                done += 1

    def _get(self) -> tuple:
        while True:
            try:
                kind, seq, payload = self.outbox.get(timeout=1.0)
            except queue.Empty:
                self._check_alive()
                continue
            if kind == _ERROR:
                self.terminate()
                raise payload if isinstance(payload, DyadsError) else DyadsError(f"a worker failed:\n{payload}")
            return kind, seq, payload

    def _check_alive(self) -> None:
        dead = [p for p in self.procs if p.exitcode is not None]
        if dead:
            self.terminate()
            raise DyadsError(f"worker {dead[0].name} died (exit code {dead[0].exitcode})")

    def close(self) -> list[WorkerStats]:
        """Stop the workers and collect their statistics (peak memory)."""
        for _ in self.procs:
            self.inbox.put(None)
        self.stats = [self._get()[2] for _ in self.procs]
        for p in self.procs:
            p.join(timeout=10)
        return self.stats

    def terminate(self) -> None:
        for p in self.procs:
            if p.is_alive():
                p.terminate()
        for p in self.procs:
            p.join(timeout=5)


class ParallelCoder:
    """``Pipeline.code`` spread over worker processes (same results, same order); with one
    worker, a Pipeline in this process. Nothing is loaded until there is an article to code."""

    def __init__(self, config: PipelineConfig, workers: int, chunk_size: int | None = None) -> None:
        self.config, self.workers = config, workers
        self.chunk_size = chunk_size or config.batch_size
        self.pool: WorkerPool | None = None
        self.pipeline: Pipeline | None = None
        self.model_name = ""

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        it = iter(articles)
        first = next(it, None)
        if first is None:
            return
        articles = itertools.chain([first], it)
        if self.workers == 1:
            yield from self._in_process().code(articles)
            return
        for coded in self._pool().run("code", chunked(articles, self.chunk_size)):
            yield from coded

    def _in_process(self) -> Pipeline:
        if self.pipeline is None:
            self.pipeline = Pipeline(self.config)
            self.model_name = self.pipeline.model_name
        return self.pipeline

    def _pool(self) -> WorkerPool:
        if self.pool is None:
            self.pool = WorkerPool(self.config, self.workers)
            self.pool.wait_ready()
            self.model_name = self.pool.model_name
        return self.pool

    def close(self) -> list[WorkerStats]:
        return self.pool.close() if self.pool else []

    def __enter__(self) -> "ParallelCoder":
        return self

    def __exit__(self, exc_type, *rest) -> None:
        if self.pool is None:
            return
        if exc_type is None:
            self.close()
        else:
            self.pool.terminate()
