"""Watching feeds: each poll reads every feed, fetches the pages of items not seen before,
codes them into the store and remembers each item (by link, and by content hash so the
same story under another link is not coded twice) in the store's ``feed_items`` table, so
a restart or the next cron run does not recode. A feed that times out, fails or is
malformed is reported and the others are still read; an item whose page cannot be
fetched is tried again on later polls, up to ``MAX_ATTEMPTS`` times.

Fetching trusts the network no further than ``dyads.ingest.web`` allows: a deadline per
fetch, public addresses only (unless allowed), a size cap. A feed's ETag and
Last-Modified are kept in the store's ``feed_validators`` table and sent on the next
poll; a 304 answer means nothing new (``feeds_unchanged``)."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import IO, Callable, Iterable, Iterator

from dyads.errors import InputError
from dyads.ingest import IngestOptions, Skipped, screen
from dyads.ingest.feeds import MAX_RESPONSE_BYTES, AddressPolicy, FeedItem, Validators, item_record, read_feed
from dyads.models import Article
from dyads.run import Coder, RunSummary, code_records
from dyads.store import Store

MAX_ATTEMPTS = 3  # polls on which an item whose page failed is fetched again


@dataclass
class PollSummary(RunSummary):
    poll: int = 0
    feeds_read: int = 0
    feeds_unchanged: int = 0  # answered 304 Not Modified
    feeds_failed: int = 0
    new_items: int = 0
    seen_items: int = 0
    duplicates: int = 0

    def as_dict(self) -> dict:
        counts = ("poll", "feeds_read", "feeds_unchanged", "feeds_failed", "new_items", "seen_items", "duplicates")
        return {**{k: getattr(self, k) for k in counts}, **super().as_dict()}


@dataclass
class _Poll:
    """What one poll keeps while it reads the feeds and codes their items."""

    store: Store
    summary: PollSummary
    origin: dict[str, tuple[FeedItem, str]] = field(default_factory=dict)  # article (or part) id -> item, hash
    hashes: set[str] = field(default_factory=set)  # of this poll's articles: a story in two feeds is coded once
    validators: dict[str, Validators] = field(default_factory=dict)  # feed -> what to send on the next poll

    def item_failed(self, item: FeedItem) -> None:
        # The item is to be fetched again next poll, so its feed must be read again: a 304 would hide the item.
        self.validators[item.feed] = Validators()

    def remember_validators(self) -> None:
        for feed, validators in self.validators.items():
            self.store.remember_feed_validators(feed, validators.etag, validators.last_modified)


@dataclass
class Watcher:
    db: str
    coder: Coder
    timeout: float = 20.0  # seconds for each feed or page, in all
    options: IngestOptions = field(default_factory=IngestOptions)
    skip_log: IO[str] | None = None
    max_bytes: int = MAX_RESPONSE_BYTES  # larger feeds and pages are not read
    addresses: AddressPolicy = field(default_factory=AddressPolicy)  # public addresses only, by default

    def poll(self, sources: Iterable[str], number: int = 1) -> PollSummary:
        """Read every feed once and code the new items."""
        summary = PollSummary(poll=number, skip_log=self.skip_log)
        with Store(self.db) as store:
            state = _Poll(store, summary)

            def mark_coded(coded) -> None:
                item, content_hash = state.origin[coded.article.id]
                store.mark_item(item.key, item.feed, "coded", content_hash, coded.article.id)

            code_records(self.coder, store, self._new_articles(state, sources), summary, on_saved=mark_coded)
            state.remember_validators()  # only now: a poll that stops half-way reads its feeds whole next time
        return summary

    def _new_articles(self, state: _Poll, sources: Iterable[str]) -> Iterator[Article]:
        for source in sources:
            for item in self._unseen_items(state, source):
                for article, content_hash in self._item_articles(state, item):
                    state.origin[article.id] = (item, content_hash)
                    yield article

    def _unseen_items(self, state: _Poll, source: str) -> list[FeedItem]:
        store, summary = state.store, state.summary
        try:
            feed = read_feed(source, self.timeout, self.max_bytes, policy=self.addresses,
                             validators=Validators(*store.feed_validators(source)))
        except InputError as exc:
            summary.feeds_failed += 1
            summary.skip(Skipped.from_error(exc, source))
            return []
        if feed.not_modified:
            summary.feeds_unchanged += 1
            return []
        summary.feeds_read += 1
        state.validators[source] = feed.validators
        if feed.problem:
            summary.skip(Skipped(source, feed.problem, "feed"))
        items = feed.items
        settled = store.settled_items([i.key for i in items], MAX_ATTEMPTS)
        unseen = list({i.key: i for i in items if i.key not in settled}.values())
        summary.seen_items += len(items) - len(unseen)
        summary.new_items += len(unseen)
        return unseen

    def _item_articles(self, state: _Poll, item: FeedItem) -> Iterator[tuple[Article, str]]:
        """The item's article (or its parts) with the whole article's content hash."""
        store, summary = state.store, state.summary
        record = item_record(item, self.timeout, self.max_bytes, policy=self.addresses)
        if isinstance(record, Skipped):
            summary.skip(record)
            failed = record.kind == "fetch"
            if failed:
                state.item_failed(item)
            store.mark_item(item.key, item.feed, "failed" if failed else "skipped", reason=record.reason)
            return
        content_hash = text_hash(record)
        if content_hash in state.hashes or store.item_with_hash(content_hash):
            summary.duplicates += 1
            store.mark_item(item.key, item.feed, "duplicate", content_hash, reason="same text as an item already seen")
            return
        state.hashes.add(content_hash)
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
