"""Human reviews of coded events, stored beside the machine codes.

A review never overwrites an event row: each accept / reject / change is a new row
in ``reviews``; an event's *reviewed values* are its machine codes overlaid with
every change, in order, and its status is the latest action. ``export_gold``
writes the accepted and corrected events as dyads gold JSONL (``dyads eval`` reads it).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

ACTIONS = ("accept", "reject", "change")
FIELDS = ("type", "mode", "actor", "recipient", "date")

SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    id VARCHAR PRIMARY KEY, event_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
    type VARCHAR, mode VARCHAR, actor VARCHAR, recipient VARCHAR, date VARCHAR,
    reviewer VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_event ON reviews(event_id);
"""


@dataclass
class Review:
    event_id: str
    action: str
    reviewer: str
    type: str | None = None
    mode: str | None = None
    actor: str | None = None
    recipient: str | None = None
    date: str | None = None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def add_review(con: duckdb.DuckDBPyConnection, review: Review) -> dict[str, Any]:
    """Store one review row; returns it as a dict."""
    row = {
        "id": uuid.uuid4().hex[:16], "event_id": review.event_id, "action": review.action,
        **{f: getattr(review, f) for f in FIELDS}, "reviewer": review.reviewer,
        "created_at": datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0),
    }
    cols = list(row)
    con.execute(f"INSERT INTO reviews ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", list(row.values()))
    return _plain(row)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() + "Z" if isinstance(v, datetime) else v) for k, v in row.items()}


def reviews_for(con: duckdb.DuckDBPyConnection, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """All reviews of these events, oldest first."""
    if not event_ids:
        return {}
    cur = con.execute(
        "SELECT * FROM reviews WHERE event_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY created_at, rowid", [event_ids]
    )
    names = [d[0] for d in cur.description]
    out: dict[str, list[dict[str, Any]]] = {}
    for values in cur.fetchall():
        row = _plain(dict(zip(names, values)))
        out.setdefault(row["event_id"], []).append(row)
    return out


def machine_values(record: dict[str, Any]) -> dict[str, Any]:
    """The fields a reviewer can change, as the coder gave them."""
    return {
        "type": record.get("event"), "mode": record.get("mode"),
        "actor": (record.get("actor") or {}).get("code"), "recipient": (record.get("recipient") or {}).get("code"),
        "date": record.get("date"),
    }


def reviewed_values(record: dict[str, Any], reviews: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Status and current values after the reviews (None when never reviewed)."""
    if not reviews:
        return None
    values = machine_values(record)
    for r in reviews:
        if r["action"] == "change":
            values.update({f: r[f] for f in FIELDS if r.get(f) not in (None, "")})
    last = reviews[-1]
    status = {"accept": "accepted", "reject": "rejected", "change": "changed"}[last["action"]]
    return {"status": status, **values, "reviewer": last["reviewer"], "at": last["created_at"], "count": len(reviews)}


def attach_reviews(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]], history: bool = False) -> list[dict[str, Any]]:
    """Add ``reviewed`` (and with ``history`` the ``reviews`` list) to event records."""
    found = reviews_for(con, [r["id"] for r in records])
    for rec in records:
        rows = found.get(rec["id"], [])
        rec["reviewed"] = reviewed_values(rec, rows)
        if history:
            rec["reviews"] = rows
    return records


def gold_documents(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One gold document per article with a reviewed event. Accepted and corrected events
    are required; rejected ones are left out; the article's unreviewed events are kept
    with ``required: false`` (scored neither as misses nor as false alarms)."""
    from dyads.query import EventFilter, event_records

    articles = sorted(r[0] for r in con.execute(
        "SELECT DISTINCT e.article_id FROM reviews r JOIN events e ON e.id = r.event_id").fetchall())
    docs = []
    for aid in articles:
        records = attach_reviews(con, list(event_records(con, EventFilter(factuality=["asserted"], article_id=aid))))
        events, rejected = [], []
        for rec in records:
            rv = rec["reviewed"]
            if rv is None:
                events.append({**machine_values(rec), "required": False, "evidence": _spans(rec)})
            elif rv["status"] != "rejected":
                events.append({**{f: rv[f] for f in FIELDS}, "required": True, "evidence": _spans(rec)})
            else:
                rejected.append({**machine_values(rec), "evidence": _spans(rec)})
        docs.append({**_gold_doc(con, aid, events), "rejected": rejected})
    return docs


def _spans(record: dict[str, Any]) -> dict[str, Any] | None:
    """Where the event's first mention is, so that `dyads train --add` can learn from the review."""
    evidence = (record.get("evidence") or [None])[0]
    if not evidence:
        return None
    return {k: evidence.get(k) for k in ("sentence_start", "sentence_end", "trigger", "actor_span", "recipient_span")}


def _gold_doc(con: duckdb.DuckDBPyConnection, article_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    title, dek, text, published, url, source = con.execute(
        "SELECT title, dek, text, published, url, source FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    return {
        "id": article_id, "published": published.isoformat() if published else None, "title": title or "",
        "dek": dek or "", "text": text or "", "url": url, "source": source, "events": events,
    }


def export_gold(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, int]:
    """Write gold JSONL; returns (documents, events)."""
    docs = gold_documents(con)
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return len(docs), sum(1 for d in docs for e in d["events"] if e["required"])
