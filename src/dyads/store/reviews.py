"""The SQL of human reviews (``serve.reviews`` turns them into reviewed values and gold).

A review never overwrites an event row: each accept / reject / change is a new row in ``reviews``.
"""
from __future__ import annotations

from typing import Any

import duckdb

from dyads.store.events import plain_rows
from dyads.store.schema import has_table


def insert_review(con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    cols = list(row)
    con.execute(f"INSERT INTO reviews ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", list(row.values()))


def review_rows(con: duckdb.DuckDBPyConnection, event_ids: list[str]) -> list[dict[str, Any]]:
    """Every review of these events, oldest first (none when nothing was ever reviewed)."""
    if not event_ids or not has_table(con, "reviews"):
        return []
    cur = con.execute(
        "SELECT * FROM reviews WHERE event_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY created_at, rowid", [event_ids])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values)) for values in cur.fetchall()]


def reviewed_articles(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Ids of the articles with at least one reviewed event, sorted."""
    if not has_table(con, "reviews"):
        return []
    return sorted(r[0] for r in con.execute(
        "SELECT DISTINCT e.article_id FROM reviews r JOIN events e ON e.id = r.event_id").fetchall())


def article_fields(con: duckdb.DuckDBPyConnection, article_id: str) -> dict[str, Any] | None:
    """The fields of a stored article a gold document carries."""
    rows = plain_rows(con.execute("SELECT title, dek, text, published, url, source FROM articles WHERE id = ?", [article_id]))
    return rows[0] if rows else None
