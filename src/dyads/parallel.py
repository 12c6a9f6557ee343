"""Coding on N worker processes of one machine.

``WorkerPool`` starts N processes (``spawn``); each builds its own ``Pipeline``
once and runs chunks of articles through ``Pipeline.code`` (spaCy's
``nlp.pipe``). The parent streams chunks in and results out in input order, with
at most ``3 * workers`` chunks unfinished, so memory stays flat whatever the input
size. ``ParallelCoder`` has the same ``code`` / ``model_name`` interface as
``Pipeline``, so ``code_into_store`` (the single writer) takes either.

Each worker has its own pipe to the parent, so the parent always knows which chunks a
worker holds. A worker that dies (out of memory, a signal, a crash in native code) is
replaced; the chunks it held come back as ``LostChunk`` and their articles are reported,
never waited for. (A shared ``multiprocessing.Queue`` cannot do this: a worker killed while
holding the queue's lock blocks every other worker for ever.) An article whose coding raises
is reported alone; the rest of its chunk is still coded.

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
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator, TypeVar

from dyads.errors import DyadsError
from dyads.ingest import Skipped
from dyads.models import Article
from dyads.pipeline import CodedArticle, Pipeline, PipelineConfig

T = TypeVar("T")
_READY, _RESULT, _ERROR, _STATS = "ready", "result", "error", "stats"
CHUNKS_PER_WORKER = 2  # sent ahead to a worker, so it never waits for the parent between chunks
MAX_RESTARTS_PER_WORKER = 10  # more deaths than this means something kills every worker: stop
# Below this much text in all (or a single article), worker processes, each loading spaCy,
# cost more time than they save: one article took 11.8 s on the default workers, 5.0 s in-process.
SMALL_INPUT_CHARS = 20_000


@dataclass
class WorkerStats:
    pid: int
    chunks: int
    peak_rss: int  # bytes, the process's high-water mark (ru_maxrss)


@dataclass
class LostChunk:
    """A chunk whose worker died before answering: its items were not processed."""

    items: list
    reason: str


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def read_ahead(articles: Iterable[Article], small_chars: int = SMALL_INPUT_CHARS) -> tuple[list[Article], bool]:
    """The first articles, read until they hold ``small_chars`` characters (so memory stays
    bounded), and whether that was the whole input and it is small: one article, or less
    text than that. The caller goes on reading ``articles`` after them."""
    head: list[Article] = []
    chars = 0
    for article in articles:
        head.append(article)
        chars += len(article.body)
        if len(head) > 1 and chars >= small_chars:
            return head, False
    return head, True


def peak_rss_bytes() -> int:
    """This process's peak resident set size (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def lost_articles(lost: LostChunk) -> Iterator[Skipped]:
    """The articles of a lost chunk, as skipped inputs with their id and file:line."""
    for article in lost.items:
        yield Skipped(article.origin or article.id, f"article {article.id}: {lost.reason}; a re-run codes it", "worker")


# --- worker side -------------------------------------------------------------

def code_isolated(pipeline: Pipeline, articles: list[Article]) -> list[CodedArticle | Skipped]:
    """The chunk coded in one batch; if that raises, each article alone, so one bad
    article is reported and the others are still coded."""
    try:
        return list(pipeline.code(articles))
    except Exception:  # noqa: BLE001 - any failure is narrowed to its article below
        return [_code_alone(pipeline, article) for article in articles]


def _code_alone(pipeline: Pipeline, article: Article) -> CodedArticle | Skipped:
    try:
        return pipeline.code_one(article)
    except Exception as exc:  # noqa: BLE001 - reported with the article, the run goes on
        return Skipped(article.origin or article.id,
                       f"article {article.id}: coding failed ({type(exc).__name__}: {exc}); please report this", "error")


def _parse_task(pipeline: Pipeline, texts: list[str]) -> int:
    """spaCy alone (for ``dyads bench``): parse and count tokens."""
    return sum(len(doc) for doc in pipeline.nlp.pipe(texts, batch_size=pipeline.config.batch_size))


TASKS: dict[str, Callable[[Pipeline, list], Any]] = {"code": code_isolated, "parse": _parse_task}


def _exit_with_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _receive_jobs(conn: Connection, jobs: queue.SimpleQueue) -> None:
    """Read jobs as they come (so the parent's send never blocks on a busy worker)."""
    try:
        while (job := conn.recv()) is not None:
            jobs.put(job)
    except (EOFError, OSError):
        pass
    jobs.put(None)


def _worker(config: PipelineConfig, conn: Connection, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the workers
    _exit_with_parent(parent)
    try:
        pipeline = Pipeline(config)
    except BaseException as exc:  # a missing model, a bad lexicon: the parent reports it
        conn.send((_ERROR, -1, exc if isinstance(exc, DyadsError) else traceback.format_exc()))
        return
    conn.send((_READY, os.getpid(), pipeline.model_name))
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_receive_jobs, args=(conn, jobs), daemon=True).start()
    chunks = 0
    while (job := jobs.get()) is not None:
        seq, task, items = job
        try:
            conn.send((_RESULT, seq, TASKS[task](pipeline, items)))
        except BaseException:
            conn.send((_ERROR, seq, traceback.format_exc()))
        chunks += 1
    conn.send((_STATS, -1, WorkerStats(os.getpid(), chunks, peak_rss_bytes())))


# --- parent side -------------------------------------------------------------

class _Worker:
    """One worker process, its end of the pipe, and the chunks it holds (oldest first)."""

    def __init__(self, ctx, config: PipelineConfig, name: str) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker, args=(config, child, os.getpid()), daemon=True, name=name)
        self.proc.start()
        child.close()
        self.pid = self.proc.pid
        self.ready = False
        self.held: list[int] = []
        self.closed = False  # the pipe reached its end (the process is exiting)

    def send(self, seq: int, task: str, chunk: list) -> None:
        self.held.append(seq)
        try:
            self.conn.send((seq, task, chunk))
        except OSError:  # it died meanwhile: its sentinel reports the chunk lost
            self.closed = True

    def death(self) -> str:
        self.proc.join(timeout=5)
        code = self.proc.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"worker {self.proc.name} died (killed by {name})"
        return f"worker {self.proc.name} died (exit code {code})"


class WorkerPool:
    """N processes, one Pipeline each; ``run`` maps a task over chunks, in order."""

    def __init__(self, config: PipelineConfig, workers: int) -> None:
        self.ctx = mp.get_context("spawn")
        self.config = config
        self.workers = workers
        self.team = [_Worker(self.ctx, config, f"dyads-worker-{i}") for i in range(workers)]
        self.restarts = 0
        self.model_name = ""
        self.pids: list[int] = []
        self.stats: list[WorkerStats] = []
        self.in_flight: dict[int, list] = {}  # seq -> chunk, sent and not answered

    def wait_ready(self) -> None:
        """Block until every worker has loaded its Pipeline."""
        while not all(w.ready for w in self.team):
            self._serve()
        self.pids = [w.pid for w in self.team]

    def run(self, task: str, chunks: Iterable[list]) -> Iterator[Any]:
        """Results of ``task`` on each chunk in input order (a ``LostChunk`` for a chunk whose worker
        died); at most 3 chunks per worker unfinished."""
        sent = done = 0
        pending: dict[int, Any] = {}
        chunks = iter(chunks)
        exhausted = False
        while True:
            while not exhausted and sent - done < 3 * self.workers and (worker := self._free_worker()) is not None:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                self.in_flight[sent] = chunk
                worker.send(sent, task, chunk)
                sent += 1
            if exhausted and done == sent:
                return
            for seq, result in self._serve():
                del self.in_flight[seq]
                pending[seq] = result
            while done in pending:
                yield pending.pop(done)
                done += 1

    def _free_worker(self) -> _Worker | None:
        free = [w for w in self.team if w.ready and not w.closed and len(w.held) < CHUNKS_PER_WORKER]
        return min(free, key=lambda w: len(w.held)) if free else None

    def _serve(self) -> list[tuple[int, Any]]:
        """Wait for messages and deaths; returns (seq, result) of finished chunks, and
        (seq, LostChunk) of the chunks of workers that died."""
        ready = set(wait([w.conn for w in self.team if not w.closed] + [w.proc.sentinel for w in self.team],
                         timeout=1.0))
        finished: list[tuple[int, Any]] = []
        for worker in list(self.team):
            if worker.conn in ready:
                finished += self._read(worker)
            if worker.proc.sentinel in ready:
                finished += self._read(worker)  # what it sent before it died still counts
                finished += self._replace(worker)
        return finished

    def _read(self, worker: _Worker) -> list[tuple[int, Any]]:
        finished = []
        while not worker.closed and worker.conn.poll():
            try:
                kind, seq, payload = worker.conn.recv()
            except (EOFError, OSError):
                worker.closed = True
                break
            if kind == _READY:
                worker.ready, worker.pid = True, seq
                self.model_name = payload
            elif kind == _RESULT:
                worker.held.remove(seq)
                finished.append((seq, payload))
            elif kind == _STATS:
                self.stats.append(payload)
            else:  # a worker could not load its pipeline, or a task raised outside coding
                self.terminate()
                raise payload if isinstance(payload, DyadsError) else DyadsError(f"a worker failed:\n{payload}")
        return finished

    def _replace(self, dead: _Worker) -> list[tuple[int, Any]]:
        """A worker died: its chunks are lost, a new worker takes its place."""
        reason = dead.death()
        if not dead.ready:
            self.terminate()
            raise DyadsError(f"{reason} while loading the pipeline")
        self.restarts += 1
        if self.restarts > MAX_RESTARTS_PER_WORKER * self.workers:
            self.terminate()
            raise DyadsError(f"{reason}; {self.restarts} workers have died in this run, giving up")
        dead.conn.close()
        self.team[self.team.index(dead)] = _Worker(self.ctx, self.config, dead.proc.name)
        return [(seq, LostChunk(self.in_flight[seq], reason)) for seq in dead.held]

    def close(self) -> list[WorkerStats]:
        """Stop the workers and collect their statistics (peak memory)."""
        for worker in self.team:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 60
        while any(w.proc.is_alive() for w in self.team) and time.monotonic() < deadline:
            ready = set(wait([w.conn for w in self.team if not w.closed] + [w.proc.sentinel for w in self.team], timeout=1.0))
            for worker in self.team:
                if worker.conn in ready:
                    self._read(worker)
        for worker in self.team:
            self._read(worker)
            worker.proc.join(timeout=10)
        return self.stats

    def terminate(self) -> None:
        for worker in self.team:
            if worker.proc.is_alive():
                worker.proc.terminate()
        for worker in self.team:
            worker.proc.join(timeout=5)


class ParallelCoder:
    """``Pipeline.code`` spread over worker processes (same results, same order); with one
    worker, a Pipeline in this process. Nothing is loaded until there is an article to code."""

    def __init__(self, config: PipelineConfig, workers: int, chunk_size: int | None = None) -> None:
        self.config, self.workers = config, workers
        self.chunk_size = chunk_size or config.batch_size
        self.pool: WorkerPool | None = None
        self.pipeline: Pipeline | None = None
        self.model_name = ""
        self.workers_used = 0  # processes that coded: 1 (this one) for a small input

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle | Skipped]:
        """Coded articles in input order; an article that could not be coded (its worker died,
        its coding raised) comes as a ``Skipped`` in its place. A small input is coded in this
        process whatever ``workers`` says: starting workers (each loads spaCy) costs more than
        they save on it."""
        it = iter(articles)
        head, small = read_ahead(it)
        if not head:
            return
        articles = itertools.chain(head, it)
        if self.workers == 1 or small:
            self.workers_used = 1
            pipeline = self._in_process()
            for chunk in chunked(articles, self.chunk_size):
                yield from code_isolated(pipeline, chunk)
            return
        self.workers_used = self.workers
        for coded in self._pool().run("code", chunked(articles, self.chunk_size)):
            yield from lost_articles(coded) if isinstance(coded, LostChunk) else coded

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
