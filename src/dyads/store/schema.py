"""The store's tables and how model objects become their rows.

Event rows are flat (one column per field) so DuckDB, pandas and SQL users can filter
them directly; ``events.record_from_row`` rebuilds the nested PLOVER-style records.
Derived tables (clusters, reviews) are created when first needed, so a read-only store
written by an older version still opens.
"""
from __future__ import annotations

from datetime import date
from typing import Iterator

import duckdb

from dyads.models import Actor, Event, Place

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

# One row per cluster: the counts, then the lead event's own columns (``id`` = lead event id),
# so analytics read clusters without joining events.
CLUSTERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS clusters AS
SELECT ''::VARCHAR AS cluster_id, ''::VARCHAR AS block, 0::INTEGER AS n_events, 0::INTEGER AS n_mentions,
    0::INTEGER AS n_articles, 0::INTEGER AS n_sources, NULL::DATE AS first_seen, NULL::DATE AS last_seen,
    e.* EXCLUDE (cluster_id)
FROM events e LIMIT 0;
CREATE TABLE IF NOT EXISTS cluster_members (event_id VARCHAR, cluster_id VARCHAR, block VARCHAR);
CREATE INDEX IF NOT EXISTS cluster_members_block ON cluster_members(block);
CREATE INDEX IF NOT EXISTS clusters_block ON clusters(block);
"""

REVIEWS_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    id VARCHAR PRIMARY KEY, event_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
    type VARCHAR, mode VARCHAR, actor VARCHAR, recipient VARCHAR, date VARCHAR,
    reviewer VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_event ON reviews(event_id);
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


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def ensure_clusters_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the ``clusters`` and ``cluster_members`` tables (``events.cluster_id`` is the store's).

    Clusters are derived data: a table of an older layout is dropped and recreated; returns True
    then (the caller must recluster everything)."""
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'clusters'").fetchall()}
    stale = bool(columns) and "id" not in columns
    if stale:
        con.execute("DROP TABLE clusters; DROP TABLE IF EXISTS cluster_members")
    con.execute(CLUSTERS_SCHEMA)
    return stale


def ensure_clusters_readable(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure a ``clusters`` table exists; a read-only store never clustered gets an empty temp one."""
    if has_table(con, "clusters"):
        return
    try:
        ensure_clusters_schema(con)
    except duckdb.Error:
        con.execute(CLUSTERS_SCHEMA.split(";")[0].replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE"))


def ensure_reviews_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(REVIEWS_SCHEMA)


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
