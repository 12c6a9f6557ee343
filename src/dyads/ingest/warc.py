"""WARC archives (CC-NEWS, institutional crawls): the HTML pages their response records
hold, read with warcio. Requests, metadata, images, redirects and error pages are not
articles and are passed over; an HTML page with no article, or a damaged archive, is a
``Skipped`` naming the record, and every record before the damage is still read."""
from __future__ import annotations

import re
from datetime import date
from typing import IO, Iterator

from warcio.archiveiterator import ArchiveIterator

from dyads.errors import InputError
from dyads.ingest.html import article_from_html
from dyads.ingest.records import Record, Skipped, parse_published

HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def _is_html_page(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return record.http_headers.get_statuscode() == "200" and content_type.startswith(HTML_TYPES)


def read_warc(stream: IO[bytes], name: str, published: date | None, max_bytes: int) -> Iterator[Record]:
    """Articles from the archive's HTML responses; ``published`` for pages with no date and no WARC-Date."""
    number = 0
    try:
        for number, record in enumerate(ArchiveIterator(stream), start=1):
            if _is_html_page(record):
                yield _article(record, f"{name}#record-{number}", published, max_bytes)
    except Exception as exc:  # warcio raises many types on damaged archives; the records read so far are kept
        yield Skipped(f"{name}#record-{number + 1}", f"damaged WARC, rest of the file not read ({type(exc).__name__}: "
                      f"{str(exc)[:120]})", "warc")


def _article(record, origin: str, published: date | None, max_bytes: int) -> Record:
    url = record.rec_headers.get_header("WARC-Target-URI")
    origin = f"{origin} ({url})" if url else origin
    article_id = url or record.rec_headers.get_header("WARC-Record-ID") or origin
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return Skipped(origin, f"page larger than {max_bytes:,} bytes", "too large")
    match = _CHARSET.search(record.http_headers.get_header("Content-Type") or "")
    try:
        crawled = parse_published(record.rec_headers.get_header("WARC-Date"), origin)
        return article_from_html(data, origin, article_id, crawled or published, url=url,
                                 charset=match.group(1) if match else None)
    except InputError as exc:
        return Skipped.from_error(exc, origin)
