"""The SQL of cross-article clustering (``merge.clusters`` decides which events go together).

Events are blocked by ``(type, month of date_start)``; a block is read and rewritten as a whole.
"""
from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from dyads.store.schema import ensure_clusters_schema

_BLOCK_SQL = "e.event || '|' || coalesce(strftime(e.date_start, '%Y-%m'), '-')"

_SUMMARY_SQL = """
WITH m AS (SELECT * FROM new_members),
lead AS (
    SELECT m.cluster_id, e.*, row_number() OVER (PARTITION BY m.cluster_id ORDER BY
        (e.actor_code IS NOT NULL AND e.recipient_code IS NOT NULL) DESC, (e.date_source = 'text') DESC,
        (e.date_precision = 'day') DESC, e.confidence DESC, e.id) AS rank
    FROM m JOIN block_events e ON e.id = m.event_id
),
counts AS (
    SELECT m.cluster_id, count(DISTINCT m.event_id) AS n_events, count(x.event_id) AS n_mentions,
        count(DISTINCT x.article_id) AS n_articles, count(DISTINCT coalesce(a.source, x.article_id)) AS n_sources,
        min(a.published) AS first_seen, max(a.published) AS last_seen
    FROM m LEFT JOIN mentions x ON x.event_id = m.event_id LEFT JOIN articles a ON a.id = x.article_id
    GROUP BY m.cluster_id
)
SELECT l.* EXCLUDE (rank, cluster_id, cluster_id_1), l.cluster_id, m.block,
    c.n_events, c.n_mentions, c.n_articles, c.n_sources, c.first_seen, c.last_seen
FROM lead l JOIN counts c USING (cluster_id) JOIN m ON m.event_id = l.id
WHERE l.rank = 1
"""


def touched_blocks(con: duckdb.DuckDBPyConnection, article_ids: list[str] | None) -> list[str]:
    """Blocks holding these articles' events, and blocks whose stored members were deleted
    by re-coding (all blocks when ``article_ids`` is None)."""
    if article_ids is None:
        new = con.execute(f"SELECT DISTINCT {_BLOCK_SQL} FROM events e").fetchall()
        old = con.execute("SELECT DISTINCT block FROM cluster_members").fetchall()
    else:
        new = con.execute(f"SELECT DISTINCT {_BLOCK_SQL} FROM events e WHERE e.article_id IN (SELECT unnest(?::VARCHAR[]))",
                          [list(article_ids)]).fetchall()
        old = con.execute("SELECT DISTINCT m.block FROM cluster_members m ANTI JOIN events e ON e.id = m.event_id").fetchall()
    return sorted({b for (b,) in new} | {b for (b,) in old})


def block_predicate(blocks: list[str], alias: str) -> tuple[str, list]:
    """SQL for "event in one of these blocks", as type + date ranges (cheap on DuckDB's zone maps)."""
    clauses, params = [], []
    for block in blocks:
        kind, month = block.split("|", 1)
        if month == "-":
            clauses.append(f"({alias}.event = ? AND {alias}.date_start IS NULL)")
            params.append(kind)
        else:
            first = date.fromisoformat(month + "-01")
            nxt = (first + timedelta(days=32)).replace(day=1)
            clauses.append(f"({alias}.event = ? AND {alias}.date_start >= ? AND {alias}.date_start < ?)")
            params += [kind, first, nxt]
    return "(" + " OR ".join(clauses) + ")", params


def block_events(con: duckdb.DuckDBPyConnection, blocks: list[str]) -> pd.DataFrame:
    """Every stored event of these blocks, with its ``block``."""
    pred, params = block_predicate(blocks, "e")
    return con.execute(f"SELECT e.*, {_BLOCK_SQL} AS block FROM events e WHERE {pred}", params).df()


def write_clusters(con: duckdb.DuckDBPyConnection, blocks: list[str], members: pd.DataFrame, rows: pd.DataFrame) -> None:
    """Replace these blocks' clusters by ``members`` (event_id, cluster_id, block) in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("new_members", members)
        con.register("block_events", rows)
        con.execute("DELETE FROM clusters WHERE block IN (SELECT unnest(?::VARCHAR[]))", [blocks])
        con.execute("DELETE FROM cluster_members WHERE block IN (SELECT unnest(?::VARCHAR[]))", [blocks])
        con.execute("INSERT INTO cluster_members SELECT event_id, cluster_id, block FROM new_members")
        con.execute(f"INSERT INTO clusters BY NAME {_SUMMARY_SQL}")
        pred, params = block_predicate(blocks, "events")
        con.execute(f"UPDATE events SET cluster_id = m.cluster_id FROM new_members m WHERE events.id = m.event_id AND {pred}",
                    params)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("new_members")
        con.unregister("block_events")


__all__ = ["ensure_clusters_schema", "touched_blocks", "block_predicate", "block_events", "write_clusters"]
