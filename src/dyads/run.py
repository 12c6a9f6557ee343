"""A coding run: records in, coded articles saved to the store one transaction each, and
a summary of what was coded and what was skipped (with a JSONL skip log when asked).
``dyads code``, ``dyads watch`` and the Dask runner share it."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Callable, Iterable, Iterator, Protocol

from dyads.ingest import Skipped
from dyads.models import Article
from dyads.parallel import chunked
from dyads.pipeline import CodedArticle
from dyads.store import Store

CLUSTER_BATCH = 500  # articles saved between two clustering passes
MAX_LISTED = 1000  # skipped inputs kept in memory for the summary; the skip log has them all


@dataclass
class RunSummary:
    articles: int = 0
    sentences: int = 0
    events: int = 0
    undated: int = 0  # events with no date at all (neither from the text nor the publication date)
    publication_dated: int = 0  # events the text gives no date for: dated by the publication date
    unlocated: int = 0  # events with no place
    unchanged: int = 0
    workers: int = 0  # processes that coded (1: this one); 0 when nothing was coded here
    undated_articles: int = 0  # articles with no publication date (warned about once, after the run)
    skipped: list[Skipped] = field(default_factory=list)  # the first MAX_LISTED
    skipped_total: int = 0
    skipped_by_kind: Counter = field(default_factory=Counter)
    skip_log: IO[str] | None = None  # JSONL, one line per skipped input, written as they come

    def skip(self, record: Skipped) -> None:
        self.skipped_total += 1
        self.skipped_by_kind[record.category] += 1
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append(record)
        if self.skip_log is not None:
            self.skip_log.write(json.dumps(skip_entry(record), ensure_ascii=False) + "\n")
            self.skip_log.flush()

    def add(self, coded: CodedArticle) -> None:
        self.articles += 1
        self.sentences += coded.sentences
        self.events += len(coded.events)
        self.undated += sum(1 for e in coded.events if not e.date)
        self.publication_dated += sum(1 for e in coded.events if e.date and e.date_source == "publication")
        self.unlocated += sum(1 for e in coded.events if e.event_loc is None)
        self.undated_articles += coded.article.published is None

    def as_dict(self) -> dict:
        return {
            "articles": self.articles, "sentences": self.sentences, "events": self.events,
            "undated": self.undated, "publication_dated": self.publication_dated, "unlocated": self.unlocated, "workers": self.workers,
            "undated_articles": self.undated_articles,
            "unchanged": self.unchanged, "skipped_total": self.skipped_total,
            "skipped_by_kind": dict(self.skipped_by_kind.most_common()),
            "skipped": [skip_entry(s) for s in self.skipped],
        }


def skip_entry(record: Skipped) -> dict:
    return {"input": record.origin, "reason": record.reason, "kind": record.category}


class Coder(Protocol):
    """A Pipeline, or a ParallelCoder spreading one over worker processes."""

    model_name: str

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle | Skipped]: ...


def articles_only(records: Iterable, summary: RunSummary) -> Iterator[Article]:
    """The Articles; each Skipped goes to the summary."""
    for rec in records:
        if isinstance(rec, Skipped):
            summary.skip(rec)
        else:
            yield rec


def _new_articles(store: Store, articles: Iterable[Article], summary: RunSummary, fresh: set[str],
                  batch: int = 512) -> Iterator[Article]:
    """Articles not yet in the store with the same content hash, looked up a batch at a time (flat
    memory); ids the store has never seen are added to ``fresh`` (saved without deletes)."""
    for chunk in chunked(articles, batch):
        known = store.coded_hashes([a.id for a in chunk])
        for article in chunk:
            if known.get(article.id) == article.content_hash:
                summary.unchanged += 1
                continue
            if article.id not in known:
                fresh.add(article.id)
            yield article


def code_records(coder: Coder, store: Store, records: Iterable, summary: RunSummary, skip_unchanged: bool = False,
                 on_saved: Callable[[CodedArticle], None] | None = None) -> None:
    """Code articles and save each in its own transaction as it is done (a killed run keeps
    what it saved); with ``skip_unchanged``, articles stored with the same content are skipped."""
    articles = articles_only(records, summary)
    fresh: set[str] = set()  # ids not in the store: saved without deleting first (bounded by in-flight articles)
    todo = _new_articles(store, articles, summary, fresh) if skip_unchanged else articles
    saved: list[str] = []  # clustered a batch at a time (one clustering pass costs as much as many saves)
    for coded in coder.code(todo):
        if isinstance(coded, Skipped):  # its worker died, or its coding failed: reported, the run goes on
            summary.skip(coded)
            continue
        new = coded.article.id in fresh
        fresh.discard(coded.article.id)
        store.save(coded, model=coder.model_name, replace=not new)
        saved.append(coded.article.id)
        if len(saved) >= CLUSTER_BATCH:
            store.update_clusters(saved)
            saved.clear()
        summary.add(coded)
        if on_saved is not None:
            on_saved(coded)
    saved += store.unclustered_articles()  # saved by an earlier run that was killed before clustering them
    if saved:
        store.update_clusters(saved)
