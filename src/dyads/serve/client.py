"""Submit articles to a running workbench (``dyads code --server URL``).

The server owns the DuckDB file, so while it runs, new articles go through it
instead of opening the file a second time.
"""
from __future__ import annotations

from typing import Any, Iterable

import httpx

from dyads.errors import DyadsError

BATCH = 50  # articles per request (the server takes at most 100)


class ServerError(DyadsError):
    """The workbench refused a request or could not be reached."""

    exit_code = 1


def submit(url: str, token: str, records: Iterable[dict[str, Any]], timeout: float = 300.0) -> dict[str, Any]:
    """POST records (dicts with id, title, text, published, url, source) in batches to
    ``URL/api/articles``; returns {"articles": n, "events": m, "items": [...]}."""
    total: dict[str, Any] = {"articles": 0, "events": 0, "items": []}
    batch: list[dict[str, Any]] = []
    with httpx.Client(base_url=url.rstrip("/"), timeout=timeout,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        for rec in records:
            batch.append(rec)
            if len(batch) >= BATCH:
                _merge(total, _post(client, batch))
                batch = []
        if batch:
            _merge(total, _post(client, batch))
    return total


def _post(client: httpx.Client, batch: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        resp = client.post("/api/articles", json=batch)
    except httpx.HTTPError as exc:
        raise ServerError(f"cannot reach the workbench at {client.base_url}: {exc}") from None
    if resp.status_code != 200:
        try:
            detail = resp.json().get("detail")
        except ValueError:
            detail = resp.text[:200]
        raise ServerError(f"the workbench answered {resp.status_code}: {detail}")
    return resp.json()


def _merge(total: dict[str, Any], part: dict[str, Any]) -> None:
    total["articles"] += part["articles"]
    total["events"] += part["events"]
    total["items"] += part["items"]
