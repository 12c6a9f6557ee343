"""Coding sharded input on a Dask cluster into partitioned Parquet.

One task per shard (a JSONL, JSONL.gz, CSV or Parquet file; local paths, globs or
any fsspec URL). Each worker process keeps one ``Pipeline`` per configuration
(built on its first task) and codes the shard with ``Pipeline.code``, the same
path as ``dyads code``. A task writes its own files, so there is no single
writer to wait for:

    OUT/events/month=YYYY-MM/part-<shard>-<n>.parquet   (hive partitioning; export.FLAT_COLUMNS)
    OUT/articles/part-<shard>-<n>.parquet
    OUT/_done/<shard>.json                              (the shard's summary: resume skips it)

File names depend only on the shard, so a re-run overwrites rather than duplicates.
DuckDB, pandas and Spark read OUT directly; ``attach_parquet`` makes it queryable
from the store.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Iterator

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.spec import AbstractBufferedFile

from dyads.errors import DyadsError, InputError
from dyads.export import _parquet_schema, flatten
from dyads.ingest import SUFFIXES, IngestOptions, Record, Skipped, article_from_record, read_stream, screen
from dyads.ingest.files import READ_ERRORS, unreadable
from dyads.models import Article, Event
from dyads.pipeline import CodedArticle, Pipeline, PipelineConfig
from dyads.run import RunSummary

SHARD_SUFFIXES = (*SUFFIXES, ".parquet")
PART_ARTICLES = 5000  # articles per output part: bounds a task's memory whatever the shard size
_MONTH = re.compile(r"^\d{4}-\d{2}")
ARTICLE_SCHEMA = pa.schema([
    ("id", pa.string()), ("title", pa.string()), ("published", pa.date32()), ("url", pa.string()),
    ("source", pa.string()), ("content_hash", pa.string()), ("sentences", pa.int64()), ("tokens", pa.int64()),
    ("events", pa.int64()), ("origin", pa.string()), ("model", pa.string()),
])
EVENT_SCHEMA = _parquet_schema()

_pipelines: dict[str, tuple[Pipeline, threading.Lock]] = {}
_pipelines_lock = threading.Lock()


@dataclass
class ShardResult:
    shard: str
    articles: int = 0
    sentences: int = 0
    events: int = 0
    skipped: list[tuple[str, ...]] = field(default_factory=list)  # (origin, reason, kind)
    run: str = ""  # the run that coded the shard
    resumed: bool = False  # coded by an earlier run


# --- inputs --------------------------------------------------------------------

def list_shards(paths: Iterable[str]) -> tuple[list[str], list[Skipped]]:
    """Every shard URL named by the paths (files, folders, globs, fsspec URLs), sorted per path."""
    shards, missing = [], []
    for path in paths:
        fs, _, found = fsspec.core.get_fs_token_paths(path)
        files = []
        for p in found:
            if fs.isdir(p):
                files += [f for f in fs.find(p) if f.endswith(SHARD_SUFFIXES)]
            elif fs.exists(p):
                files.append(p)
        if not files:
            missing.append(Skipped(path, "no such file, folder or glob match", "missing"))
        shards += [_url(fs, f) for f in sorted(files)]
    return shards, missing


def _url(fs, path: str) -> str:
    return path if _is_local(fs) else fs.unstrip_protocol(path)


def _is_local(fs) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def read_shard(url: str, published: date | None = None, options: IngestOptions | None = None) -> Iterator[Record]:
    """Articles (or Skipped, with file and line) of one shard, through the ingest readers."""
    options = options or IngestOptions()
    yield from screen(_shard_records(url, published, options), options)


def _shard_records(url: str, published: date | None, options: IngestOptions) -> Iterator[Record]:
    try:
        with fsspec.open(url, "rb", compression="infer") as stream:
            if url.endswith(".parquet"):
                yield from _read_parquet(stream, url, published)
            else:
                # Remote files' readline takes no size limit; the readers bound every line they read.
                buffered = io.BufferedReader(stream) if isinstance(stream, AbstractBufferedFile) else stream
                yield from read_stream(buffered, url, published, options)
    except READ_ERRORS as exc:
        yield unreadable(url, exc)


def _read_parquet(stream, url: str, published: date | None) -> Iterator[Record]:
    stem = url.rsplit("/", 1)[-1].removesuffix(".parquet")
    row = 0
    for batch in pq.ParquetFile(stream).iter_batches(batch_size=1024):
        for rec in batch.to_pylist():
            row += 1
            try:
                yield article_from_record(rec, f"{url}:row {row}", f"{stem}-{row}", published)
            except InputError as exc:
                yield Skipped.from_error(exc, f"{url}:row {row}")


# --- worker side -----------------------------------------------------------------

def worker_pipeline(config: PipelineConfig) -> tuple[Pipeline, threading.Lock]:
    """This process's Pipeline for the configuration, built on first use."""
    key = repr(config)
    with _pipelines_lock:
        if key not in _pipelines:
            _pipelines[key] = (Pipeline(config), threading.Lock())
        return _pipelines[key]


def shard_id(index: int, url: str) -> str:
    return f"{index:05d}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"


def code_shard(index: int, url: str, out: str, config: PipelineConfig, published: date | None = None,
               resume: bool = True, options: IngestOptions | None = None, run: str = "") -> ShardResult:
    """Code one shard and write its Parquet parts (a Dask task)."""
    fs, root = fsspec.core.url_to_fs(out)
    sid = shard_id(index, url)
    marker = f"{root}/_done/{sid}.json"
    if resume and fs.exists(marker):
        with fs.open(marker, "r") as fh:
            done = json.load(fh)
        # Dask reruns a finished task whose result died with its worker: that shard is this
        # run's work, not an earlier run's.
        return ShardResult(**{**done, "resumed": done.get("run") != run or not run})
    pipeline, lock = worker_pipeline(config)
    result = ShardResult(url, run=run)
    records = read_shard(url, published, options)
    with lock:
        for part, coded in enumerate(_parts(pipeline.code(_articles(records, result)), PART_ARTICLES)):
            _write_part(fs, root, f"{sid}-{part:04d}", coded, pipeline.model_name)
            result.articles += len(coded)
            result.sentences += sum(c.sentences for c in coded)
            result.events += sum(len(c.events) for c in coded)
    fs.makedirs(f"{root}/_done", exist_ok=True)
    with fs.open(marker, "w") as fh:
        json.dump({k: v for k, v in result.__dict__.items() if k != "resumed"}, fh)
    return result


def _articles(records: Iterable[Record], result: ShardResult) -> Iterator[Article]:
    for rec in records:
        if isinstance(rec, Skipped):
            result.skipped.append((rec.origin, rec.reason, rec.kind))
        else:
            yield rec


def _parts(coded: Iterable[CodedArticle], size: int) -> Iterator[list[CodedArticle]]:
    part: list[CodedArticle] = []
    for c in coded:
        part.append(c)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part


def event_month(event: Event) -> str:
    return event.date[:7] if event.date and _MONTH.match(event.date) else "unknown"


def _write_part(fs, root: str, name: str, coded: list[CodedArticle], model: str) -> None:
    by_month: dict[str, list[dict]] = {}
    for c in coded:
        for e in c.events:
            by_month.setdefault(event_month(e), []).append(flatten(e.to_record()))
    for month, rows in sorted(by_month.items()):
        _write_table(fs, f"{root}/events/month={month}", f"part-{name}.parquet", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
    articles = [_article_row(c, model) for c in coded]
    _write_table(fs, f"{root}/articles", f"part-{name}.parquet", pa.Table.from_pylist(articles, schema=ARTICLE_SCHEMA))


def _article_row(c: CodedArticle, model: str) -> dict:
    a = c.article
    return {"id": a.id, "title": a.title, "published": a.published, "url": a.url, "source": a.source,
            "content_hash": a.content_hash, "sentences": c.sentences, "tokens": c.tokens, "events": len(c.events),
            "origin": a.origin, "model": model}


def _write_table(fs, folder: str, name: str, table: pa.Table) -> None:
    fs.makedirs(folder, exist_ok=True)
    with fs.open(f"{folder}/{name}", "wb") as fh:
        pq.write_table(table, fh)


# --- parent side -------------------------------------------------------------------

def code_on_cluster(paths: Iterable[str], out: str, cluster: str, config: PipelineConfig, workers: int = 2,
                    published: date | None = None, resume: bool = True, options: IngestOptions | None = None,
                    summary: RunSummary | None = None) -> RunSummary:
    """Code every shard on the cluster ('local' or a scheduler address) into ``summary``."""
    from dask.distributed import Client, LocalCluster, as_completed

    shards, missing = list_shards(paths)
    summary = summary or RunSummary()
    for skipped in missing:
        summary.skip(skipped)
    out = _absolute(out)
    local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) if cluster == "local" else None
    try:
        with Client(local or cluster) as client:
            run = uuid.uuid4().hex
            futures = {client.submit(code_shard, i, url, out, config, published, resume, options, run, pure=False): url
                       for i, url in enumerate(shards)}
            for future in as_completed(futures):
                _add(summary, _result(future, futures[future]))
    finally:
        if local is not None:
            local.close()
    return summary


def _result(future, url: str) -> ShardResult:
    """The shard's result; a shard whose task failed (its worker died more often than Dask
    retries a task, or it raised) is reported whole, and the other shards go on."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - KilledWorker, or the task's own error: reported, not raised
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return ShardResult(url, skipped=[(url, f"shard not coded ({reason}); a re-run codes it", "worker")])


def _add(summary: RunSummary, result: ShardResult) -> None:
    if result.resumed:
        summary.unchanged += result.articles
    else:
        summary.articles += result.articles
        summary.sentences += result.sentences
        summary.events += result.events
    for item in result.skipped:
        summary.skip(Skipped(*item))


def _absolute(out: str) -> str:
    fs, root = fsspec.core.url_to_fs(out)
    return os.path.abspath(root) if _is_local(fs) else out


def attach_parquet(store, directory: str) -> dict[str, int]:
    """Views ``parquet_events`` (with the hive ``month`` column) and ``parquet_articles`` over a cluster run's output."""
    root = _absolute(directory).rstrip("/").replace("'", "''")
    fs, local_root = fsspec.core.url_to_fs(_absolute(directory))
    if not fs.exists(f"{local_root}/articles"):
        raise DyadsError(f"{directory} has no articles/ folder: is it the --out of a cluster run?")
    views = {"parquet_articles": f"read_parquet('{root}/articles/*.parquet')"}
    if fs.exists(f"{local_root}/events"):
        views["parquet_events"] = f"read_parquet('{root}/events/*/*.parquet', hive_partitioning = true)"
    return store.attach_views(views)
