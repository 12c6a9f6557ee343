"""Watching feeds: each poll reads every feed, fetches the pages of items not seen before,
codes them into the store and remembers each item (by link, and by content hash so the
same story under another link is not coded twice) in the store's ``feed_items`` table, so
a restart or the next cron run does not recode. A feed that times out, fails or is
malformed is reported and the others are still read; an item whose page cannot be
fetched is tried again on later polls, up to ``MAX_ATTEMPTS`` times."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import IO, Callable, Iterable, Iterator

from dyads.errors import InputError
from dyads.ingest import IngestOptions, Skipped, screen
from dyads.ingest.feeds import FeedItem, item_record, read_feed
from dyads.models import Article
from dyads.run import Coder, RunSummary, code_records
from dyads.store import Store

MAX_ATTEMPTS = 3  # polls on which an item whose page failed is fetched again


@dataclass
class PollSummary(RunSummary):
    poll: int = 0
    feeds_read: int = 0
    feeds_failed: int = 0
    new_items: int = 0
    seen_items: int = 0
    duplicates: int = 0

    def as_dict(self) -> dict:
        counts = ("poll", "feeds_read", "feeds_failed", "new_items", "seen_items", "duplicates")
        return {**{k: getattr(self, k) for k in counts}, **super().as_dict()}


@dataclass
class Watcher:
    db: str
    coder: Coder
    timeout: float = 20.0
    options: IngestOptions = field(default_factory=IngestOptions)
    skip_log: IO[str] | None = None

    def poll(self, sources: Iterable[str], number: int = 1) -> PollSummary:
        """Read every feed once and code the new items."""
        summary = PollSummary(poll=number, skip_log=self.skip_log)
        with Store(self.db) as store:
            origin: dict[str, tuple[FeedItem, str]] = {}  # article (or part) id -> its item and whole-article hash

            def mark_coded(coded) -> None:
                item, content_hash = origin[coded.article.id]
                store.mark_item(item.key, item.feed, "coded", content_hash, coded.article.id)

            articles = self._new_articles(store, sources, summary, origin)
            code_records(self.coder, store, articles, summary, on_saved=mark_coded)
        return summary

    def _new_articles(self, store: Store, sources: Iterable[str], summary: PollSummary,
                      origin: dict[str, tuple[FeedItem, str]]) -> Iterator[Article]:
        hashes: set[str] = set()  # of this poll's articles: the same story in two feeds is coded once
        for source in sources:
            for item in self._unseen_items(store, source, summary):
                for article, content_hash in self._item_articles(store, item, summary, hashes):
                    origin[article.id] = (item, content_hash)
                    yield article

    def _unseen_items(self, store: Store, source: str, summary: PollSummary) -> list[FeedItem]:
        try:
            feed = read_feed(source, self.timeout, self.options.max_bytes)
        except InputError as exc:
            summary.feeds_failed += 1
            summary.skip(Skipped.from_error(exc, source))
            return []
        summary.feeds_read += 1
        if feed.problem:
            summary.skip(Skipped(source, feed.problem, "feed"))
        items = feed.items
        settled = store.settled_items([i.key for i in items], MAX_ATTEMPTS)
        unseen = list({i.key: i for i in items if i.key not in settled}.values())
        summary.seen_items += len(items) - len(unseen)
        summary.new_items += len(unseen)
        return unseen

    def _item_articles(self, store: Store, item: FeedItem, summary: PollSummary,
                       hashes: set[str]) -> Iterator[tuple[Article, str]]:
        """The item's article (or its parts) with the whole article's content hash."""
        record = item_record(item, self.timeout, self.options.max_bytes)
        if isinstance(record, Skipped):
            summary.skip(record)
            store.mark_item(item.key, item.feed, "failed" if record.kind == "fetch" else "skipped", reason=record.reason)
            return
        content_hash = text_hash(record)
        if content_hash in hashes or store.item_with_hash(content_hash):
            summary.duplicates += 1
            store.mark_item(item.key, item.feed, "duplicate", content_hash, reason="same text as an item already seen")
            return
        hashes.add(content_hash)
        for part in screen([record], self.options):
            if isinstance(part, Skipped):
                summary.skip(part)
                store.mark_item(item.key, item.feed, "skipped", content_hash, reason=part.reason)
            else:
                yield part, content_hash


def text_hash(article: Article) -> str:
    """The story's text alone (``Article.content_hash`` also covers the date, which copies
    of one story in two feeds often give differently)."""
    return hashlib.sha256(article.body.encode("utf-8")).hexdigest()[:16]


def watch(watcher: Watcher, sources: list[str], interval: float, polls: int | None = None,
          on_poll: Callable[[PollSummary], None] | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    """Poll every ``interval`` seconds (``polls`` times, or until interrupted); the number of
    inputs skipped over all polls."""
    skipped, number = 0, 0
    while polls is None or number < polls:
        number += 1
        summary = watcher.poll(sources, number)
        skipped += summary.skipped_total
        if on_poll is not None:
            on_poll(summary)
        if polls is None or number < polls:
            sleep(interval)
    return skipped
