"""Queries over the store, with one set of filters used by the CLI, the Python API
and the web API alike."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator

import duckdb
import pandas as pd

SORTABLE = ("date_start", "event", "confidence", "actor_code", "recipient_code", "article_id", "goldstein")


@dataclass
class EventFilter:
    actor: str | None = None  # country/IGO code (RUS), code+sector (RUSGOV) or a name
    recipient: str | None = None
    dyad: tuple[str, str] | None = None  # either direction
    type: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    min_confidence: float = 0.0
    factuality: list[str] = field(default_factory=lambda: ["asserted"])  # empty = all
    article_id: str | None = None
    search: str | None = None
    reviewed: bool | None = None

    def where(self, alias: str = "e") -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.actor:
            c, p = _actor_clause(alias, "actor", self.actor)
            clauses.append(c)
            params += p
        if self.recipient:
            c, p = _actor_clause(alias, "recipient", self.recipient)
            clauses.append(c)
            params += p
        if self.dyad:
            a1, p1 = _actor_clause(alias, "actor", self.dyad[0])
            r1, q1 = _actor_clause(alias, "recipient", self.dyad[1])
            a2, p2 = _actor_clause(alias, "actor", self.dyad[1])
            r2, q2 = _actor_clause(alias, "recipient", self.dyad[0])
            clauses.append(f"(({a1} AND {r1}) OR ({a2} AND {r2}))")
            params += p1 + q1 + p2 + q2
        if self.type:
            clauses.append(f"{alias}.event IN ({','.join('?' * len(self.type))})")
            params += [t.upper() for t in self.type]
        if self.since:
            clauses.append(f"{alias}.date_start >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{alias}.date_start <= ?")
            params.append(self.until)
        if self.min_confidence:
            clauses.append(f"{alias}.confidence >= ?")
            params.append(self.min_confidence)
        if self.factuality:
            clauses.append(f"{alias}.factuality IN ({','.join('?' * len(self.factuality))})")
            params += list(self.factuality)
        if self.article_id:
            clauses.append(f"{alias}.article_id = ?")
            params.append(self.article_id)
        if self.search:
            clauses.append(f"({alias}.text ILIKE ? OR {alias}.actor_name ILIKE ? OR {alias}.recipient_name ILIKE ?)")
            params += [f"%{self.search}%"] * 3
        return (" AND ".join(clauses) or "TRUE"), params


def _actor_clause(alias: str, role: str, value: str) -> tuple[str, list[Any]]:
    """A code (RUS), code+sector (RUSGOV), or a name/surface text."""
    v = value.strip()
    if v.isupper() and v.isalpha() and len(v) == 3:
        return f"{alias}.{role}_code = ?", [v]
    if v.isupper() and v.isalpha() and len(v) == 6:
        return f"({alias}.{role}_code = ? AND {alias}.{role}_sector = ?)", [v[:3], v[3:]]
    return (
        f"({alias}.{role}_name ILIKE ? OR {alias}.{role}_text ILIKE ? OR {alias}.{role}_kb_id ILIKE ? OR {alias}.{role}_org = ?)",
        [f"%{v}%", f"%{v}%", f"%{v}%", v.upper()],
    )


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


def _mentions_for(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[dict]]:
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
        mentions = _mentions_for(con, [r["id"] for r in part])
        for row in part:
            yield record_from_row(row, mentions.get(row["id"], []))
