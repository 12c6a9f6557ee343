"""Stage 8 — store: an embedded DuckDB file of articles, events and event mentions.

Re-coding an article id replaces its rows in one transaction (idempotent). Event
rows are flat (one column per field) so DuckDB, pandas and SQL users can filter
them directly; ``event_records`` rebuilds the nested PLOVER-style records.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb

from dyads.errors import StoreError
from dyads.models import Actor, Event, Place
from dyads.pipeline import CodedArticle

DEFAULT_DB = "dyads.duckdb"

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, title VARCHAR, dek VARCHAR, text VARCHAR, body VARCHAR,
    published DATE, url VARCHAR, source VARCHAR, extra JSON, content_hash VARCHAR,
    sentences INTEGER, tokens INTEGER, annotations JSON, model VARCHAR, coded_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, article_id VARCHAR, event VARCHAR, mode VARCHAR, context VARCHAR[],
    actor_code VARCHAR, actor_sector VARCHAR, actor_text VARCHAR, actor_name VARCHAR, actor_kb_id VARCHAR, actor_org VARCHAR,
    recipient_code VARCHAR, recipient_sector VARCHAR, recipient_text VARCHAR, recipient_name VARCHAR, recipient_kb_id VARCHAR, recipient_org VARCHAR,
    cameo VARCHAR, goldstein DOUBLE, quad_code INTEGER,
    date VARCHAR, date_end VARCHAR, date_start DATE, date_precision VARCHAR, date_source VARCHAR,
    loc_name VARCHAR, loc_feature VARCHAR, loc_country VARCHAR, loc_geonameid BIGINT, loc_adm1 VARCHAR, loc_lat DOUBLE, loc_lon DOUBLE,
    factuality VARCHAR, confidence DOUBLE, event_text VARCHAR, text VARCHAR, schema_version VARCHAR,
    cluster_id VARCHAR
);
CREATE TABLE IF NOT EXISTS mentions (
    event_id VARCHAR, article_id VARCHAR, sentence VARCHAR, sentence_start INTEGER, sentence_end INTEGER,
    trigger_start INTEGER, trigger_end INTEGER, actor_start INTEGER, actor_end INTEGER,
    recipient_start INTEGER, recipient_end INTEGER, time_start INTEGER, time_end INTEGER,
    place_start INTEGER, place_end INTEGER, rule VARCHAR, path VARCHAR
);
CREATE TABLE IF NOT EXISTS feed_items (
    key VARCHAR PRIMARY KEY, feed VARCHAR, content_hash VARCHAR, article_id VARCHAR,
    status VARCHAR, reason VARCHAR, attempts INTEGER, seen_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS feed_validators (
    feed VARCHAR PRIMARY KEY, etag VARCHAR, last_modified VARCHAR, seen_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE INDEX IF NOT EXISTS mentions_event ON mentions(event_id);
"""

EVENT_COLUMNS = [
    "id", "article_id", "event", "mode", "context",
    "actor_code", "actor_sector", "actor_text", "actor_name", "actor_kb_id", "actor_org",
    "recipient_code", "recipient_sector", "recipient_text", "recipient_name", "recipient_kb_id", "recipient_org",
    "cameo", "goldstein", "quad_code", "date", "date_end", "date_start", "date_precision", "date_source",
    "loc_name", "loc_feature", "loc_country", "loc_geonameid", "loc_adm1", "loc_lat", "loc_lon",
    "factuality", "confidence", "event_text", "text", "schema_version", "cluster_id",
]
MENTION_COLUMNS = [
    "event_id", "article_id", "sentence", "sentence_start", "sentence_end", "trigger_start", "trigger_end",
    "actor_start", "actor_end", "recipient_start", "recipient_end", "time_start", "time_end",
    "place_start", "place_end", "rule", "path",
]


def _actor_cols(actor: Actor | None) -> list:
    if actor is None:
        return [None] * 6
    return [actor.code, actor.sector, actor.entity_text, actor.name, actor.kb_id, actor.org]


def _loc_cols(place: Place | None) -> list:
    if place is None:
        return [None] * 7
    return [place.name, place.feature, place.country, place.geonameid, place.adm1, place.lat, place.lon]


def _date_start(value: str | None) -> date | None:
    """First day a (possibly partial) ISO date covers, for range filters."""
    if not value or not value[:4].isdigit():
        return None
    parts = value[:10].split("-")
    try:
        if len(parts) >= 3 and parts[2][:2].isdigit():
            return date(int(parts[0]), int(parts[1]), int(parts[2][:2]))
        if len(parts) >= 2 and parts[1].isdigit():
            return date(int(parts[0]), int(parts[1]), 1)
        if len(parts) >= 2 and parts[1].startswith("W"):
            return date.fromisocalendar(int(parts[0]), int(parts[1][1:3]), 1)
        return date(int(parts[0]), 1, 1)
    except ValueError:
        return None


def event_row(event: Event) -> list:
    return [
        event.id, event.article_id, event.event, event.mode, list(event.context),
        *_actor_cols(event.actor), *_actor_cols(event.recipient),
        event.cameo, event.goldstein, event.quad_code, event.date, event.date_end, _date_start(event.date),
        event.date_precision, event.date_source, *_loc_cols(event.event_loc),
        event.factuality, event.confidence, event.event_text, event.text, event.schema_version, None,
    ]


def mention_rows(event: Event) -> Iterator[list]:
    for ev in event.evidence:
        spans = [ev.trigger, ev.actor_span, ev.recipient_span, ev.time_span, ev.place_span]
        flat = [x for span in spans for x in (span if span else (None, None))]
        yield [event.id, ev.article_id, ev.sentence, ev.sentence_start, ev.sentence_end, *flat, ev.rule, ev.path]


class Store:
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
                [a.id, a.title, a.dek, a.text, a.body, a.published, a.url, a.source, json.dumps(a.extra, default=str),
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

    # --- feed items seen by `dyads watch` --------------------------------------------

    def settled_items(self, keys: list[str], max_attempts: int) -> set[str]:
        """Feed item keys not to fetch again: done, or failed ``max_attempts`` times."""
        rows = self.con.execute(
            "SELECT key FROM feed_items WHERE key IN (SELECT unnest(?::VARCHAR[])) AND (status <> 'failed' OR attempts >= ?)",
            [list(keys), max_attempts],
        ).fetchall()
        return {r[0] for r in rows}

    def item_with_hash(self, content_hash: str) -> str | None:
        """The key of a feed item already stored with this content, if any."""
        row = self.con.execute("SELECT key FROM feed_items WHERE content_hash = ? LIMIT 1", [content_hash]).fetchone()
        return row[0] if row else None

    def mark_item(self, key: str, feed: str, status: str, content_hash: str | None = None,
                  article_id: str | None = None, reason: str | None = None) -> None:
        """Record what became of a feed item (coded, duplicate, skipped, failed); failures count attempts."""
        self.con.execute(
            """INSERT INTO feed_items VALUES (?, ?, ?, ?, ?, ?, 1, ?)
               ON CONFLICT (key) DO UPDATE SET feed = excluded.feed, content_hash = excluded.content_hash,
                 article_id = excluded.article_id, status = excluded.status, reason = excluded.reason,
                 attempts = feed_items.attempts + 1, seen_at = excluded.seen_at""",
            [key, feed, content_hash, article_id, status, reason, datetime.now(timezone.utc).replace(tzinfo=None)],
        )

    def feed_validators(self, feed: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified the feed's server last sent (None, None when unknown)."""
        row = self.con.execute("SELECT etag, last_modified FROM feed_validators WHERE feed = ?", [feed]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def remember_feed_validators(self, feed: str, etag: str | None, last_modified: str | None) -> None:
        """What to send the feed's server next time (If-None-Match / If-Modified-Since)."""
        self.con.execute(
            """INSERT INTO feed_validators VALUES (?, ?, ?, ?)
               ON CONFLICT (feed) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                 seen_at = excluded.seen_at""",
            [feed, etag, last_modified, datetime.now(timezone.utc).replace(tzinfo=None)],
        )
