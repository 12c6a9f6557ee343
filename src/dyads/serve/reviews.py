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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dyads.store import Store


ACTIONS = ("accept", "reject", "change")
FIELDS = ("type", "mode", "actor", "recipient", "date")

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


def add_review(store: Store, review: Review) -> dict[str, Any]:
    """Store one review row; returns it as a dict."""
    row = {
        "id": uuid.uuid4().hex[:16], "event_id": review.event_id, "action": review.action,
        **{f: getattr(review, f) for f in FIELDS}, "reviewer": review.reviewer,
        "created_at": datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0),
    }
    store.insert_review(row)
    return _plain(row)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() + "Z" if isinstance(v, datetime) else v) for k, v in row.items()}


def reviews_for(store: Store, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """All reviews of these events, oldest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for values in store.review_rows(event_ids):
        row = _plain(values)
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


def attach_reviews(store: Store, records: list[dict[str, Any]], history: bool = False) -> list[dict[str, Any]]:
    """Add ``reviewed`` (and with ``history`` the ``reviews`` list) to event records."""
    found = reviews_for(store, [r["id"] for r in records])
    for rec in records:
        rows = found.get(rec["id"], [])
        rec["reviewed"] = reviewed_values(rec, rows)
        if history:
            rec["reviews"] = rows
    return records


def gold_documents(store: Store) -> list[dict[str, Any]]:
    """One gold document per article with a reviewed event. Accepted and corrected events
    are required; rejected ones are left out; the article's unreviewed events are kept
    with ``required: false`` (scored neither as misses nor as false alarms)."""
    docs = []
    for aid in store.reviewed_articles():
        records = attach_reviews(store, list(store.records(factuality=["asserted"], article_id=aid)))
        events, rejected = [], []
        for rec in records:
            rv = rec["reviewed"]
            if rv is None:
                events.append({**machine_values(rec), "required": False, "evidence": _spans(rec)})
            elif rv["status"] != "rejected":
                events.append({**{f: rv[f] for f in FIELDS}, "required": True, "evidence": _spans(rec)})
            else:
                rejected.append({**machine_values(rec), "evidence": _spans(rec)})
        docs.append({**_gold_doc(store, aid, events), "rejected": rejected})
    return docs


def _spans(record: dict[str, Any]) -> dict[str, Any] | None:
    """Where the event's first mention is, so that `dyads train --add` can learn from the review."""
    evidence = (record.get("evidence") or [None])[0]
    if not evidence:
        return None
    return {k: evidence.get(k) for k in ("sentence_start", "sentence_end", "trigger", "actor_span", "recipient_span")}


def _gold_doc(store: Store, article_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    a = store.article_fields(article_id)
    return {
        "id": article_id, "published": a["published"], "title": a["title"] or "",
        "dek": a["dek"] or "", "text": a["text"] or "", "url": a["url"], "source": a["source"], "events": events,
    }


def export_gold(store: Store, path: Path) -> tuple[int, int]:
    """Write gold JSONL; returns (documents, events)."""
    docs = gold_documents(store)
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return len(docs), sum(1 for d in docs for e in d["events"] if e["required"])
