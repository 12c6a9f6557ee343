"""Submit articles to a running workbench (``dyads code --server URL``).

The server owns the DuckDB file, so while it runs, new articles go through it
instead of opening the file a second time.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Callable, Iterable, Iterator

import httpx

from dyads.errors import DyadsError
from dyads.jsonvalues import finite, non_finite
from dyads.serve.limits import MAX_ARTICLES, MAX_BODY

BATCH = 50  # articles per request (the server takes at most MAX_ARTICLES)
BATCH_BYTES = MAX_BODY // 2  # bytes per request: long articles go in smaller batches
log = logging.getLogger(__name__)

OnSkip = Callable[[str, str], None]  # (record id, reason)


class ServerError(DyadsError):
    """The workbench refused a request or could not be reached."""

    exit_code = 1


def submit(url: str, token: str, records: Iterable[dict[str, Any]], timeout: float = 300.0,
           on_skip: OnSkip | None = None) -> dict[str, Any]:
    """POST records (dicts with id, title, text, published, url, source and extra fields) in
    batches to ``URL/api/articles``; returns {"articles": n, "events": m, "items": [...],
    "skipped": [{"id", "reason"}], "nulled": k}. NaN and Infinity values (not JSON) are sent
    as null (``nulled`` counts the records that held one); a record too large for one
    request is skipped with a reason (``on_skip``, else a logged warning) and the rest sent."""
    total: dict[str, Any] = {"articles": 0, "events": 0, "items": [], "skipped": [], "nulled": 0}

    def skip(rec_id: str, reason: str) -> None:
        total["skipped"].append({"id": rec_id, "reason": reason})
        (on_skip or _log_skip)(rec_id, reason)

    with httpx.Client(base_url=url.rstrip("/"), timeout=timeout,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        for body in _bodies(records, total, skip):
            _merge(total, _post(client, body))
    if total["nulled"]:
        log.warning("%d records held NaN or Infinity values (not JSON): sent as null", total["nulled"])
    return total


def _bodies(records: Iterable[dict[str, Any]], total: dict[str, Any], skip: OnSkip) -> Iterator[bytes]:
    """JSON array bodies of at most BATCH records and (but for a single record) BATCH_BYTES."""
    batch: list[bytes] = []
    size = 0
    for rec in records:
        total["nulled"] += non_finite(rec)
        encoded = encode(finite(rec))
        if len(encoded) + 2 > MAX_BODY:
            skip(str(rec.get("id") or "?"), f"{len(encoded)} bytes as JSON; the workbench takes at most {MAX_BODY} "
                                            "per request (a smaller --max-chars splits long articles)")
            continue
        if batch and (len(batch) >= min(BATCH, MAX_ARTICLES) or size + len(encoded) > BATCH_BYTES):
            yield _array(batch)
            batch, size = [], 0
        batch.append(encoded)
        size += len(encoded) + 1
    if batch:
        yield _array(batch)


def encode(record: dict[str, Any]) -> bytes:
    """One record as strict JSON (values JSON lacks, such as dates, as strings), UTF-8;
    a lone surrogate that UTF-8 cannot hold is sent as a \\u escape instead."""
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, allow_nan=False, default=str).encode("ascii")


def _array(encoded: list[bytes]) -> bytes:
    return b"[" + b",".join(encoded) + b"]"


def _log_skip(rec_id: str, reason: str) -> None:
    log.warning("skipped %s: %s", rec_id, reason)


def _post(client: httpx.Client, body: bytes) -> dict[str, Any]:
    try:
        resp = client.post("/api/articles", content=body, headers={"Content-Type": "application/json"})
    except httpx.HTTPError as exc:
        raise ServerError(f"cannot reach the workbench at {client.base_url}: {exc}") from None
    if resp.status_code != 200:
        try:
            detail = resp.json()
        except ValueError:
            detail = resp.text[:200]
        detail = detail.get("detail", detail) if isinstance(detail, dict) else detail
        raise ServerError(f"the workbench answered {resp.status_code}: {detail}")
    return resp.json()


def _merge(total: dict[str, Any], part: dict[str, Any]) -> None:
    total["articles"] += part["articles"]
    total["events"] += part["events"]
    total["items"] += part["items"]
