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


class TruncatedArchive(Exception):
    pass


class _StrictStream:
    """warcio takes EOFError for the end of the archive; a truncated .gz raises just that,
    so it is turned into an error that reports the damage instead."""

    def __init__(self, stream: IO[bytes]) -> None:
        # read1: a buffered read of a cut file would raise before handing over the data it has
        self._read = getattr(stream, "read1", stream.read)

    def read(self, size: int = -1) -> bytes:
        try:
            return self._read(size)
        except EOFError as exc:
            raise TruncatedArchive(f"the file is cut short ({exc})") from None


class _QuietIterator(ArchiveIterator):
    INC_RECORD = ""  # warcio writes this warning to stderr; the damage is reported as a Skipped instead


def read_warc(stream: IO[bytes], name: str, published: date | None, max_bytes: int) -> Iterator[Record]:
    """Articles from the archive's HTML responses (``stream`` decompressed); ``published``
    for pages with no date and no WARC-Date."""
    at = 1  # the record being read: where damage is reported
    records = _QuietIterator(_StrictStream(stream))
    try:
        for at, record in enumerate(records, start=1):
            if _is_html_page(record):
                yield _article(record, f"{name}#record-{at}", published, max_bytes)
            at += 1
    except Exception as exc:  # warcio raises many types on damaged archives; the records read so far are kept
        yield Skipped(f"{name}#record-{at}", f"damaged WARC, rest of the file not read ({type(exc).__name__}: "
                      f"{str(exc)[:120]})", "warc")
        return
    if records.err_count:
        yield Skipped(name, f"{records.err_count} record(s) with a wrong Content-Length: their text may be cut", "warc")


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
