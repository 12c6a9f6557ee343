"""Reading events and articles: flat DataFrames, nested PLOVER-style records, listings."""
from __future__ import annotations

import json
from typing import Any, Iterator

import duckdb
import pandas as pd

from dyads.store.filters import SORTABLE, EventFilter


def events_frame(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None, limit: int | None = None,
                 offset: int = 0, sort: str = "date_start", descending: bool = False) -> pd.DataFrame:
    flt = flt or EventFilter()
    where, params = flt.where("e")
    sort = sort if sort in SORTABLE else "date_start"
    sql = f"SELECT e.* FROM events e WHERE {where} ORDER BY e.{sort} {'DESC' if descending else 'ASC'} NULLS LAST, e.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return con.execute(sql, params).df()


def count_events(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None) -> int:
    where, params = (flt or EventFilter()).where("e")
    return con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()[0]


def _actor_record(row: dict, role: str) -> dict | None:
    if row.get(f"{role}_code") is None and row.get(f"{role}_name") is None:
        return None
    return {
        "code": row[f"{role}_code"], "sector": row[f"{role}_sector"], "entity_text": row[f"{role}_text"],
        "name": row[f"{role}_name"], "kb_id": row[f"{role}_kb_id"], "org": row[f"{role}_org"],
    }


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def record_from_row(row: dict, mentions: list[dict]) -> dict:
    """A nested PLOVER-style event record (with dyads' extra fields) from a flat row."""
    row = {k: _clean(v) for k, v in row.items()}
    loc = None
    if row.get("loc_name"):
        loc = {k: row[f"loc_{k}"] for k in ("name", "feature", "country", "geonameid", "adm1", "lat", "lon")}
    return {
        "id": row["id"], "date": row["date"], "date_end": row["date_end"],
        "actor": _actor_record(row, "actor"), "recipient": _actor_record(row, "recipient"),
        "event": row["event"], "mode": row["mode"], "context": row["context"] or [],
        "quad_code": row["quad_code"], "cameo": row["cameo"], "goldstein": row["goldstein"],
        "event_loc": loc, "event_text": row["event_text"], "text": row["text"],
        "date_precision": row["date_precision"], "date_source": row["date_source"],
        "factuality": row["factuality"], "confidence": row["confidence"],
        "evidence": mentions, "article_id": row["article_id"], "cluster_id": row.get("cluster_id"),
        "schema_version": row["schema_version"],
    }


def mentions_for(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[dict]]:
    """The evidence of each of these events, in text order."""
    if not ids:
        return {}
    df = con.execute(
        "SELECT * FROM mentions WHERE event_id IN (SELECT unnest(?)) ORDER BY event_id, trigger_start", [ids]
    ).df()
    out: dict[str, list[dict]] = {}
    for rec in df.to_dict("records"):
        rec = {k: _clean(v) for k, v in rec.items()}
        span = lambda a, b: [rec[a], rec[b]] if rec[a] is not None else None  # noqa: E731
        out.setdefault(rec["event_id"], []).append({
            "article_id": rec["article_id"], "sentence": rec["sentence"],
            "sentence_start": rec["sentence_start"], "sentence_end": rec["sentence_end"],
            "trigger": span("trigger_start", "trigger_end"), "actor": span("actor_start", "actor_end"),
            "recipient": span("recipient_start", "recipient_end"), "time": span("time_start", "time_end"),
            "place": span("place_start", "place_end"), "rule": rec["rule"], "path": rec["path"],
        })
    return out


def event_records(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None, limit: int | None = None,
                  offset: int = 0, sort: str = "date_start", descending: bool = False, chunk: int = 5000) -> Iterator[dict]:
    """Nested records, streamed in chunks (flat memory for big exports)."""
    frame = events_frame(con, flt, limit, offset, sort, descending)
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start : start + chunk].to_dict("records")
        mentions = mentions_for(con, [r["id"] for r in part])
        for row in part:
            yield record_from_row(row, mentions.get(row["id"], []))


def event_record(con: duckdb.DuckDBPyConnection, event_id: str) -> dict | None:
    """One event as a nested record, or None when there is no such event."""
    frame = con.execute("SELECT * FROM events WHERE id = ?", [event_id]).df()
    if frame.empty:
        return None
    return record_from_row(frame.to_dict("records")[0], mentions_for(con, [event_id]).get(event_id, []))


def plain_rows(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """A cursor's rows as JSON-ready dicts (dates and times as ISO strings)."""
    names = [d[0] for d in cur.description]
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in zip(names, row)} for row in cur.fetchall()]


def _article_where(search: str | None) -> tuple[str, list]:
    return ("WHERE a.title ILIKE ? OR a.text ILIKE ?", [f"%{search}%"] * 2) if search else ("", [])


def articles_query(con: duckdb.DuckDBPyConnection, search: str | None = None, limit: int | None = None,
                   offset: int = 0) -> duckdb.DuckDBPyConnection:
    """Articles (id, title, published, source, url, events), newest first; the executed cursor."""
    where, params = _article_where(search)
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return con.execute(f"""SELECT a.id, a.title, a.published, a.source, a.url,
        (SELECT count(*) FROM events e WHERE e.article_id = a.id) AS events
        FROM articles a {where} ORDER BY a.published DESC NULLS LAST, a.id{page}""", params)


def count_articles(con: duckdb.DuckDBPyConnection, search: str | None = None) -> int:
    where, params = _article_where(search)
    return con.execute(f"SELECT count(*) FROM articles a {where}", params).fetchone()[0]


def article_record(con: duckdb.DuckDBPyConnection, article_id: str) -> dict | None:
    """One stored article (text, annotations, model), JSON-ready; None when unknown."""
    rows = plain_rows(con.execute("SELECT id, title, dek, text, body, published, url, source, annotations, model, coded_at "
                                  "FROM articles WHERE id = ?", [article_id]))
    if not rows:
        return None
    article = rows[0]
    article["annotations"] = json.loads(article["annotations"] or "[]")
    return article


def actors_query(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None) -> duckdb.DuckDBPyConnection:
    """Distinct actor codes with how often each is actor, recipient, and a few of its names; the executed cursor."""
    where, params = (flt or EventFilter()).where("e")
    return con.execute(f"""
        WITH roles AS (
          SELECT actor_code AS code, actor_name AS name, 1 AS as_actor, 0 AS as_recipient FROM events e WHERE {where}
          UNION ALL
          SELECT recipient_code, recipient_name, 0, 1 FROM events e WHERE {where})
        SELECT code, sum(as_actor)::INT AS as_actor, sum(as_recipient)::INT AS as_recipient,
               count(*)::INT AS events, list_distinct(list(name) FILTER (WHERE name IS NOT NULL))[1:5] AS names
        FROM roles WHERE code IS NOT NULL GROUP BY code ORDER BY events DESC, code""", params + params)
