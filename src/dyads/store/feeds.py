"""Feed items seen by ``dyads watch`` and the validators each feed's server last sent."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class FeedsMixin:
    con: duckdb.DuckDBPyConnection

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
            [key, feed, content_hash, article_id, status, reason, _now()],
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
            [feed, etag, last_modified, _now()],
        )
