"""Stage 8 — store: an embedded DuckDB file of articles, events and event mentions.

All of dyads' SQL lives in this package, by concern: ``schema`` (tables and rows),
``filters`` (``EventFilter``), ``events`` (events and articles read back), ``analysis``
(clustered analytics), ``clusters`` (clustering's reads and writes), ``reviews`` and
``feeds``. ``Store`` is the one object the CLI, the workbench and Python users call.

Re-coding an article id replaces its rows in one transaction (idempotent).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import duckdb

from dyads.errors import StoreError
from dyads.jsonvalues import finite
from dyads.pipeline import CodedArticle
from dyads.store import reviews as sr
from dyads.store.feeds import FeedsMixin
from dyads.store.filters import SORTABLE, EventFilter
from dyads.store.reads import ReadsMixin
from dyads.store.schema import (EVENT_COLUMNS, MENTION_COLUMNS, SCHEMA, _date_start, ensure_reviews_schema,
                                event_row, has_table, mention_rows)

DEFAULT_DB = "dyads.duckdb"

__all__ = ["Store", "DEFAULT_DB", "SCHEMA", "EVENT_COLUMNS", "MENTION_COLUMNS", "EventFilter", "SORTABLE",
           "event_row", "mention_rows", "_date_start"]


class Store(ReadsMixin, FeedsMixin):
    """The DuckDB file. One writer at a time (DuckDB's rule); readers may open read-only."""

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False) -> None:
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise StoreError(f"no database at {self.path}: code some articles first (dyads code PATH --db {self.path})")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreError(f"cannot open {self.path}: {exc}") from None
        if not read_only:
            self.con.execute(SCHEMA)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    # --- writing coded articles ------------------------------------------------------

    def add(self, items: Any, published: Any = None, pipeline: Any = None) -> list[str]:
        """Store coded articles — what ``dyads.code`` returned, CodedArticles — or code texts and
        Articles first (with the process's cached pipeline, or ``pipeline``); then cluster them.
        Returns the stored article ids. Re-adding an id replaces what was stored for it."""
        from dyads.api import coded_articles

        ids = []
        for coded, model in coded_articles(items, published=published, pipeline=pipeline):
            self.save(coded, model=model)
            ids.append(coded.article.id)
        self.update_clusters(ids)
        return ids

    def save(self, coded: CodedArticle, model: str = "", replace: bool = True) -> None:
        """Store one article and its events in one transaction, replacing what was stored
        for its id (``replace=False`` when the caller knows the id is new: no deletes)."""
        a = coded.article
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            if replace:
                self._delete_article(a.id)
            con.execute(
                "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [a.id, a.title, a.dek, a.text, a.body, a.published, a.url, a.source, json.dumps(finite(a.extra), default=str),
                 a.content_hash, coded.sentences, coded.tokens, json.dumps(coded.annotations), model,
                 datetime.now(timezone.utc).replace(tzinfo=None)],
            )
            if coded.events:
                con.executemany(f"INSERT INTO events VALUES ({','.join('?' * len(EVENT_COLUMNS))})", [event_row(e) for e in coded.events])
                rows = [r for e in coded.events for r in mention_rows(e)]
                con.executemany(f"INSERT INTO mentions VALUES ({','.join('?' * len(MENTION_COLUMNS))})", rows)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise

    def _delete_article(self, article_id: str) -> None:
        self.con.execute("DELETE FROM mentions WHERE event_id IN (SELECT id FROM events WHERE article_id = ?)", [article_id])
        self.con.execute("DELETE FROM events WHERE article_id = ?", [article_id])
        self.con.execute("DELETE FROM articles WHERE id = ?", [article_id])

    def coded_hashes(self, ids: list[str] | None = None) -> dict[str, str]:
        """Content hash of each stored article (of the given ids only, if given)."""
        if ids is None:
            return dict(self.con.execute("SELECT id, content_hash FROM articles").fetchall())
        return dict(self.con.execute(
            "SELECT id, content_hash FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]
        ).fetchall())

    def unclustered_articles(self) -> list[str]:
        """Articles with events not yet clustered (a run killed between its saves and its
        clustering pass leaves them so)."""
        return [r[0] for r in self.con.execute(
            "SELECT DISTINCT article_id FROM events WHERE cluster_id IS NULL ORDER BY article_id").fetchall()]

    def counts(self) -> dict[str, int]:
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "mentions")}

    # --- clusters ----------------------------------------------------------------------

    def update_clusters(self, article_ids: Iterable[str] | None = None) -> int:
        """Recluster the blocks these articles' events fall in (all when None); returns clusters written."""
        from dyads.merge.clusters import update_clusters

        return update_clusters(self.con, None if article_ids is None else list(article_ids))

    def rebuild_clusters(self) -> int:
        """Recluster the whole store (same result as any sequence of incremental updates)."""
        return self.update_clusters(None)

    # --- reviews (``serve.reviews`` holds their logic) ------------------------------------

    def ensure_reviews(self) -> None:
        ensure_reviews_schema(self.con)

    def has_reviews(self) -> bool:
        """Whether anyone ever reviewed an event in this store (the workbench made the table)."""
        return has_table(self.con, "reviews")

    def insert_review(self, row: dict[str, Any]) -> None:
        sr.insert_review(self.con, row)

    def review_rows(self, event_ids: list[str]) -> list[dict[str, Any]]:
        return sr.review_rows(self.con, event_ids)

    def reviewed_articles(self) -> list[str]:
        return sr.reviewed_articles(self.con)

    def article_fields(self, article_id: str) -> dict[str, Any] | None:
        return sr.article_fields(self.con, article_id)

    # --- outside data --------------------------------------------------------------------

    def attach_views(self, views: dict[str, str]) -> dict[str, int]:
        """Views by name over table expressions (``read_parquet(...)``); returns each view's row count."""
        counts = {}
        for view, source in views.items():
            self.con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {source}")
            counts[view] = self.con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
        return counts

