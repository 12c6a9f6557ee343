"""The Python API: code text into events, and read a store back as DataFrames.

    import dyads
    events = dyads.code("Putin met Erdogan in Sochi on Monday.", published="2022-08-05")
    events.to_pandas()
    with dyads.Store("events.duckdb") as store:
        store.add(events)
        store.stats(by="month,type")

Loading the NLP pipeline takes seconds, so ``load`` keeps one per configuration for the
life of the process (``_PIPELINES``); ``code`` and ``Store.add`` use it.
"""
from __future__ import annotations

import hashlib
import threading
import warnings
from collections.abc import Iterable
from typing import Any

import pandas as pd

from dyads.errors import DyadsError, InputError
from dyads.ingest import read_inputs
from dyads.ingest.records import Skipped, article_from_record
from dyads.models import Article, Event
from dyads.pipeline import CodedArticle, Pipeline, PipelineConfig
from dyads.store.schema import EVENT_COLUMNS, event_row

# One loaded pipeline per configuration, for the life of the process (loading takes seconds).
_PIPELINES: dict[str, Pipeline] = {}
_LOCK = threading.Lock()


class MissingDependency(DyadsError):
    """An optional library a method needs is not installed."""


def load(config: PipelineConfig | None = None) -> Pipeline:
    """The coding pipeline for ``config`` (default: the shipped models), loaded once per process."""
    config = config or PipelineConfig()
    key = repr(config)  # the config is a plain (unhashable) dataclass; its repr names every setting
    with _LOCK:
        if key not in _PIPELINES:
            _PIPELINES[key] = Pipeline(config)
        return _PIPELINES[key]


def read(*paths: str, published: Any = None) -> list[Article]:
    """The articles in these files or folders, read as ``dyads code PATH`` reads them (.txt, .jsonl,
    .csv, .html, .warc; ``published`` for texts that carry no date). An input that cannot be used
    is skipped with a warning that says where and why."""
    from dyads.ingest.records import parse_published

    articles = []
    for rec in read_inputs([str(p) for p in paths], parse_published(published, "published")):
        if isinstance(rec, Skipped):
            warnings.warn(f"skipped {rec}", stacklevel=2)
        else:
            articles.append(rec)
    return articles


class Events(list):
    """The events ``code`` found: a list of ``dyads.models.Event``; ``articles`` holds the coded
    articles they came from (what ``Store.add`` stores)."""

    def __init__(self, events: Iterable[Event] = (), articles: list[CodedArticle] | None = None, model: str = "") -> None:
        super().__init__(events)
        self.articles = articles or []
        self.model = model

    def to_records(self) -> list[dict[str, Any]]:
        """Nested PLOVER-style records (plain types), as ``dyads code`` writes them in JSONL."""
        return [e.to_record() for e in self]

    def to_pandas(self) -> pd.DataFrame:
        """One flat row per event, with the columns of the store's ``events`` table."""
        columns = [c for c in EVENT_COLUMNS if c != "cluster_id"]
        return pd.DataFrame([event_row(e)[: len(columns)] for e in self], columns=columns)

    def to_polars(self) -> Any:
        """The same table as a polars DataFrame (needs polars: ``pip install polars``)."""
        try:
            import polars as pl
        except ImportError:
            raise MissingDependency("Events.to_polars needs polars, which is not installed: pip install polars") from None
        return pl.from_pandas(self.to_pandas())

    def __repr__(self) -> str:
        return f"<Events: {len(self)} events from {len(self.articles)} articles>"


def _as_articles(items: Any, published: Any) -> list[Article]:
    """A str, an Article, or an iterable of those, as Articles; texts get an id from their content."""
    if isinstance(items, (str, Article)):
        items = [items]
    articles = []
    for n, item in enumerate(items):
        if isinstance(item, Article):
            articles.append(item)
        elif isinstance(item, str):
            fallback = "text-" + hashlib.sha256(item.encode("utf-8", "surrogatepass")).hexdigest()[:12]
            articles.append(article_from_record({"text": item, "published": published}, f"text {n}", fallback))
        else:
            raise InputError(f"cannot code a {type(item).__name__}: give a str, an Article or a list of them", f"item {n}")
    return articles


def coded_articles(items: Any, published: Any = None, pipeline: Any = None) -> list[tuple[CodedArticle, str]]:
    """``items`` coded: (CodedArticle, model name) pairs. Already coded items — ``Events``,
    CodedArticles — pass through; texts and Articles go through ``pipeline`` (default ``load()``)."""
    if isinstance(items, Events):
        return [(c, items.model) for c in items.articles]
    if isinstance(items, CodedArticle):
        return [(items, "")]
    items = [items] if isinstance(items, (str, Article)) else list(items)
    done = [(i, "") for i in items if isinstance(i, CodedArticle)]
    todo = [i for i in items if not isinstance(i, CodedArticle)]
    if not todo:
        return done
    coder = pipeline or load()
    model = getattr(coder, "model_name", "")
    return done + [(c, model) for c in coder.code(_as_articles(todo, published))]


def code(items: str | Article | Iterable[str | Article], published: Any = None, pipeline: Any = None) -> Events:
    """Code text into events. ``items``: a text, an Article, or an iterable of those;
    ``published``: the date texts were published (a date or "YYYY-MM-DD"), which dates
    "on Monday" and events without a date in the text. Articles keep their own date."""
    coded = coded_articles(items, published=published, pipeline=pipeline)
    return Events([e for c, _ in coded for e in c.events], [c for c, _ in coded],
                  coded[0][1] if coded else getattr(pipeline, "model_name", ""))
