"""RSS and Atom feeds (feedparser) and fetching the pages their items link to.

Web feeds and pages are fetched by ``dyads.ingest.web`` (one deadline per fetch, public
addresses only unless allowed, at most 5 redirects and only to http(s), a size cap,
conditional GET); feed files and a local feed's ``file://`` links are read from disk.
Every failure (time-out, HTTP error, refused address, malformed XML, a page that is not
HTML) is an ``InputError`` with a kind (``feed``, ``fetch``, ``refused``, ``too large``,
``link``) and a one-line reason. An item whose page cannot be used falls back to the text
the feed itself carries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.sax import SAXParseException

import feedparser
import lxml.html

from dyads.errors import InputError
from dyads.ingest.html import article_from_html, has_prose
from dyads.ingest.records import Record, Skipped, article_from_record
from dyads.ingest.web import (MAX_RESPONSE_BYTES, PUBLIC_ONLY, USER_AGENT, AddressPolicy, Fetched, Validators,
                              fetch_url, is_web_url)

__all__ = ["MAX_RESPONSE_BYTES", "USER_AGENT", "AddressPolicy", "Feed", "FeedItem", "Fetched", "Validators",
           "fetch", "is_url", "item_record", "read_feed"]

_BLOCKS = ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr")


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
    """An http(s) URL (anything else is a local file: a path or a ``file://`` URL)."""
    return is_web_url(source)


def fetch(source: str, timeout: float, max_bytes: int, *, policy: AddressPolicy = PUBLIC_ONLY,
          validators: Validators = Validators()) -> Fetched:
    """The bytes of a URL (see ``dyads.ingest.web.fetch_url``) or of a local file."""
    if is_url(source):
        return fetch_url(source, timeout, max_bytes, policy=policy, validators=validators)
    return _read_local(source, max_bytes)


def _read_local(source: str, max_bytes: int) -> Fetched:
    path = _local_path(source)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source, kind="fetch") from None
    if len(data) > max_bytes:
        raise InputError(f"larger than {max_bytes:,} bytes", source, kind="too large")
    html = path.suffix.lower() in (".html", ".htm")
    return Fetched(data, path.resolve().as_uri(), "text/html" if html else "application/octet-stream", None)


def _local_path(source: str) -> Path:
    """The file a path or a ``file://`` URL names (percent-escapes decoded: file:///a%20b.html)."""
    parts = urlsplit(source)
    if parts.scheme.lower() != "file":
        return Path(source)
    if parts.netloc not in ("", "localhost"):
        raise InputError(f"a file on another host ({parts.netloc}) cannot be read", source, kind="link")
    return Path(url2pathname(parts.path))


@dataclass
class Feed:
    items: list[FeedItem]
    problem: str | None = None  # malformed XML from which feedparser still recovered items
    validators: Validators = Validators()  # the server's ETag / Last-Modified, to send on the next poll
    not_modified: bool = False  # the server answered 304 to the validators sent: no items read


def read_feed(source: str, timeout: float, max_bytes: int, *, policy: AddressPolicy = PUBLIC_ONLY,
              validators: Validators = Validators()) -> Feed:
    """The items of an RSS or Atom feed; InputError (kind ``feed``/``fetch``/...) when it cannot be read.
    With ``validators`` from an earlier read, a server may answer that nothing changed (``not_modified``)."""
    fetched = fetch(source, timeout, max_bytes, policy=policy, validators=validators)
    if fetched.not_modified:
        return Feed([], validators=fetched.validators, not_modified=True)
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
    return Feed(items, problem, fetched.validators)


def _item(feed: str, entry) -> FeedItem:
    # dict.get: feedparser's own get maps a missing published to updated with a deprecation warning
    stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    content = entry.get("content") or [{}]
    return FeedItem(
        feed=feed, url=_link(entry), guid=entry.get("id") or None,
        title=fragment_text(entry.get("title") or ""), published=date(*stamp[:3]) if stamp else None,
        content=fragment_text(content[0].get("value") or entry.get("summary") or ""),
    )


def _link(entry) -> str | None:
    link = entry.get("link") or None
    # feedparser strips the slashes after "file://" from a link (file:///news/a.html becomes
    # file://news/a.html, a host "news"): put them back
    if link and link[:7].lower() == "file://" and not link[7:].startswith("/") and not link[7:17].lower() == "localhost/":
        link = "file:///" + link[7:]
    return link


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


def item_record(item: FeedItem, timeout: float, max_bytes: int, *, policy: AddressPolicy = PUBLIC_ONLY) -> Record:
    """The item's article from its page; else from the feed's own text; else Skipped with both reasons."""
    try:
        _check_link(item)
        page = fetch(item.url, timeout, max_bytes, policy=policy)
        if page.content_type not in ("text/html", "application/xhtml+xml"):
            raise InputError(f"not an HTML page ({page.content_type})", item.url, kind="fetch")
        return article_from_html(page.data, item.url, item.key, item.published, url=item.url, charset=page.charset)
    except InputError as exc:
        if has_prose(item.content):
            record = {"id": item.key, "title": item.title, "text": item.content, "published": item.published,
                      "url": item.url, "feed": item.feed, "text_from": f"feed ({exc.reason})"}
            return article_from_record(record, item.key, item.key)
        return Skipped(item.key, f"{exc.reason}; the feed has no text for it either", exc.kind)


def _check_link(item: FeedItem) -> None:
    """An item's page is a web page, or (for a feed file only) a local file."""
    if not item.url:
        raise InputError("the item has no link", item.key, kind="link")
    if is_url(item.url):
        return
    if is_url(item.feed):  # a web feed must not make dyads read local files
        raise InputError("a web feed's item links outside the web", item.url, kind="link")
    scheme = urlsplit(item.url).scheme.lower()
    if scheme not in ("", "file") and len(scheme) > 1:  # one letter: a Windows drive letter
        raise InputError(f"a link that is neither a web page nor a file ({scheme}:)", item.url, kind="link")
