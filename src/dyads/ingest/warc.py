"""WARC archives (CC-NEWS, institutional crawls): the HTML pages their response records
hold, read with warcio. Requests, metadata, images, redirects and error pages are not
articles and are passed over; an HTML page with no article, or a damaged archive, is a
``Skipped`` naming the record, and every record before the damage is still read."""
from __future__ import annotations

import re
from datetime import date
from typing import IO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader
from warcio.utils import BUFF_SIZE

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
    so it is turned into an error that reports the damage instead. Notes where the last
    non-blank byte read is and whether the end of the file was reached, so that a cut
    uncompressed archive (which warcio reads as a short record, or as no record) is found too."""

    def __init__(self, stream: IO[bytes]) -> None:
        # read1: a buffered read of a cut file would raise before handing over the data it has
        self._read = getattr(stream, "read1", stream.read)
        self.position = 0
        self.content_end = 0  # just past the last byte read that is not blank
        self.at_end = False

    def read(self, size: int = -1) -> bytes:
        data = self._read_raw(size)
        while self.position == 0 and data and not data.strip():
            data = self._read_raw(size)  # blank lines before the first record: warcio takes them for one
        if self.position == 0:
            data = data.lstrip()
        if data.strip():
            self.content_end = self.position + len(data.rstrip())
        self.position += len(data)  # of the bytes warcio is given: its offsets count the same
        self.at_end = self.at_end or (not data and size != 0)
        return data

    def _read_raw(self, size: int) -> bytes:
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
    source = _StrictStream(stream)
    records = _QuietIterator(source)
    try:
        for at, record in enumerate(records, start=1):
            page = _article(record, f"{name}#record-{at}", published, max_bytes) if _is_html_page(record) else None
            _check_complete(record, records.offset)  # before the page is kept: a cut page is not an article
            if page is not None:
                yield page
            at += 1
        _check_nothing_left(records.offset, source.content_end)
    except Exception as exc:  # warcio raises many types on damaged archives; the records read so far are kept
        yield Skipped(f"{name}#record-{at}", f"damaged WARC, rest of the file not read ({_damage(exc, source)})", "warc")
        return
    if at == 1:  # no record, not even a damaged one
        yield Skipped(name, "empty file", "empty")
    elif records.err_count:
        yield Skipped(name, f"{records.err_count} record(s) with a wrong Content-Length: their text may be cut", "warc")


def _check_complete(record, offset: int) -> None:
    """Read the rest of the record; raise if the file ends before its Content-Length
    (warcio hands over a short record from an uncompressed file without a word)."""
    if record.length is None or not isinstance(record.raw_stream, LimitReader):
        raise TruncatedArchive(f"the file is cut short inside this record's header, at byte {offset:,}")
    while record.raw_stream.read(BUFF_SIZE):
        pass
    missing = record.raw_stream.limit
    if missing:
        raise TruncatedArchive(f"the file is cut short inside this record, at byte {offset:,}: "
                               f"{record.length - missing:,} of its {record.length:,} bytes are there")


def _check_nothing_left(end_of_last_record: int, content_end: int) -> None:
    """warcio ends quietly when the file stops inside a record's header: bytes read past
    the last whole record (other than blank lines) are that cut record."""
    if content_end > end_of_last_record:
        raise TruncatedArchive(f"the file is cut short inside this record's header, at byte {end_of_last_record:,}")


def _damage(exc: Exception, source: _StrictStream) -> str:
    if isinstance(exc, TruncatedArchive):
        return str(exc)
    if source.at_end:  # warcio stumbled on a header, maybe one the end of the file cut (an AttributeError, say)
        return f"this record's header is broken or cut short by the end of the file ({type(exc).__name__})"
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"  # one line in the report


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
