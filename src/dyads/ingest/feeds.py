"""RSS and Atom feeds (feedparser) and fetching the pages their items link to.

Fetching uses the standard library with a time limit for the whole response and a size
limit; every failure (time-out, HTTP error, refused connection, malformed XML, a page
that is not HTML) is an ``InputError`` with kind ``feed`` or ``fetch`` and a one-line reason.
An item whose page cannot be used falls back to the text the feed itself carries.
"""
from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax import SAXParseException

import feedparser
import lxml.html

from dyads.errors import InputError
from dyads.ingest.html import article_from_html, has_prose
from dyads.ingest.records import Record, Skipped, article_from_record

USER_AGENT = "dyads/0.1 (political event coder)"
CHUNK = 65536
_BLOCKS = ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr")


@dataclass
class Fetched:
    data: bytes
    url: str  # after redirects
    content_type: str
    charset: str | None


@dataclass
class FeedItem:
    feed: str
    url: str | None
    guid: str | None
    title: str
    published: date | None
    content: str  # the item's own text (content, else summary), tags removed

    @property
    def key(self) -> str:
        """What identifies the item: its link, else its guid within the feed."""
        return self.url or f"{self.feed}#{self.guid or self.title}"


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def fetch(source: str, timeout: float, max_bytes: int) -> Fetched:
    """The bytes of a URL (whole response within ``timeout`` seconds) or of a local file."""
    if not is_url(source):
        return _read_local(source, max_bytes)
    request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            data = _read_limited(resp, time.monotonic() + timeout, max_bytes, source)
            return Fetched(data, resp.geturl(), resp.headers.get_content_type(), resp.headers.get_content_charset())
    except urllib.error.HTTPError as exc:
        raise InputError(f"HTTP {exc.code} {exc.reason}", source, kind="fetch") from None
    except urllib.error.URLError as exc:
        reason = "timed out" if isinstance(exc.reason, TimeoutError) else str(exc.reason)
        raise InputError(f"cannot fetch: {reason}", source, kind="fetch") from None
    except TimeoutError:
        raise InputError(f"timed out after {timeout:g} s", source, kind="fetch") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise InputError(f"cannot fetch: {type(exc).__name__}: {exc}", source, kind="fetch") from None


def _read_limited(resp, deadline: float, max_bytes: int, source: str) -> bytes:
    chunks, size = [], 0
    while chunk := resp.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"larger than {max_bytes:,} bytes", source, kind="too large")
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def _read_local(source: str, max_bytes: int) -> Fetched:
    path = Path(source.removeprefix("file://"))
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source, kind="fetch") from None
    if len(data) > max_bytes:
        raise InputError(f"larger than {max_bytes:,} bytes", source, kind="too large")
    html = path.suffix.lower() in (".html", ".htm")
    return Fetched(data, path.resolve().as_uri(), "text/html" if html else "application/octet-stream", None)


@dataclass
class Feed:
    items: list[FeedItem]
    problem: str | None = None  # malformed XML from which feedparser still recovered items


def read_feed(source: str, timeout: float, max_bytes: int) -> Feed:
    """The items of an RSS or Atom feed; InputError (kind ``feed``/``fetch``) when it cannot be read."""
    fetched = fetch(source, timeout, max_bytes)
    try:
        parsed = feedparser.parse(fetched.data, response_headers={"content-location": fetched.url})
    except (ValueError, LookupError) as exc:  # feedparser's encoding sniffing trips on a corrupt XML declaration
        raise InputError(f"malformed feed: {exc}".replace("\n", " ")[:200], source, kind="feed") from None
    items = [item for item in (_item(source, entry) for entry in parsed.entries) if item.url or item.content]
    malformed = parsed.get("bozo_exception") if isinstance(parsed.get("bozo_exception"), SAXParseException) else None
    if not items and (malformed or not parsed.get("version")):
        reason = f"malformed feed: {malformed}" if malformed else "not an RSS or Atom feed"
        raise InputError(reason[:200], source, kind="feed")
    problem = f"malformed feed ({len(items)} items recovered): {malformed}"[:200] if malformed else None
    return Feed(items, problem)


def _item(feed: str, entry) -> FeedItem:
    # dict.get: feedparser's own get maps a missing published to updated with a deprecation warning
    stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    content = entry.get("content") or [{}]
    return FeedItem(
        feed=feed, url=entry.get("link") or None, guid=entry.get("id") or None,
        title=fragment_text(entry.get("title") or ""), published=date(*stamp[:3]) if stamp else None,
        content=fragment_text(content[0].get("value") or entry.get("summary") or ""),
    )


def fragment_text(fragment: str) -> str:
    """The text of an HTML fragment, block elements on their own lines."""
    if "<" not in fragment:
        return fragment
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return fragment
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


def item_record(item: FeedItem, timeout: float, max_bytes: int) -> Record:
    """The item's article from its page; else from the feed's own text; else Skipped with both reasons."""
    try:
        if not item.url:
            raise InputError("the item has no link", item.key, kind="link")
        if is_url(item.feed) and not is_url(item.url):  # a web feed must not make dyads read local files
            raise InputError("a web feed's item links outside the web", item.url, kind="link")
        page = fetch(item.url, timeout, max_bytes)
        if page.content_type not in ("text/html", "application/xhtml+xml"):
            raise InputError(f"not an HTML page ({page.content_type})", item.url, kind="fetch")
        return article_from_html(page.data, item.url, item.key, item.published, url=item.url, charset=page.charset)
    except InputError as exc:
        if has_prose(item.content):
            record = {"id": item.key, "title": item.title, "text": item.content, "published": item.published,
                      "url": item.url, "feed": item.feed, "text_from": f"feed ({exc.reason})"}
            return article_from_record(record, item.key, item.key)
        return Skipped(item.key, f"{exc.reason}; the feed has no text for it either", exc.kind)
