"""Files, folders and stdin: one reader per format, chosen by the file name.

``.txt`` (line 1 headline, optional line 2 sub-headline, then paragraphs), ``.jsonl`` /
``.jsonl.gz`` / ``.csv`` (fields ``id, title, text, published, url, source``; extra fields
kept), ``.html`` / ``.htm`` saved pages, ``.warc`` / ``.warc.gz`` archives. Every reader
streams and bounds what it holds in memory; a bad record is a ``Skipped`` with its file,
line and reason, and every good record is still read.
"""
from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import re
import sys
import zlib
from datetime import date
from pathlib import Path
from typing import IO, Iterator

from dyads.errors import InputError
from dyads.ingest.encoding import SNIFF_BYTES, decode_utf8
from dyads.ingest.html import article_from_html, looks_like_html
from dyads.ingest.records import Record, Skipped, article_from_record
from dyads.ingest.screen import IngestOptions
from dyads.ingest.warc import read_warc
from dyads.models import Article

SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".ndjson", ".csv", ".html", ".htm", ".warc", ".warc.gz")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_DEFAULT = IngestOptions()
READ_ERRORS = (OSError, EOFError, zlib.error)  # what reading a missing, unreadable or damaged (.gz) file raises
_EXTRA_FIELDS = "\x00extra"  # DictReader's key for fields beyond the header's


def read_txt(data: bytes, origin: str, article_id: str, published: date | None) -> Article:
    """A plain-text article: headline, optional sub-headline, body."""
    lines = [ln.strip() for ln in decode_utf8(data, origin).splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise InputError("empty file", origin, kind="empty")
    title, rest = lines[0], lines[1:]
    dek = ""
    # A second line without sentence-final punctuation, followed by more text, is a sub-headline.
    if len(rest) >= 2 and not _SENTENCE_END.search(rest[0]):
        dek, rest = rest[0], rest[1:]
    if not rest:
        rest, title = [title], ""
    return article_from_record(
        {"id": article_id, "title": title, "dek": dek, "text": "\n".join(rest)}, origin, article_id, published
    )


def _lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """The stream's lines; None for a line over ``max_bytes`` (read past in chunks, never held)."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield line


def read_jsonl(stream: IO[bytes], name: str, published: date | None,
               max_bytes: int = _DEFAULT.max_bytes) -> Iterator[Record]:
    stem = _stem(name)
    for lineno, raw in enumerate(_lines(stream, max_bytes), start=1):
        origin = f"{name}:{lineno}"
        if raw is None:
            yield Skipped(origin, f"line longer than {max_bytes:,} bytes", "too large")
        elif raw.strip():
            yield _jsonl_record(raw, origin, f"{stem}-{lineno}", published)


def _jsonl_record(raw: bytes, origin: str, fallback_id: str, published: date | None) -> Record:
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(origin, f"invalid UTF-8 at byte {exc.start} of the line", "encoding")
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(origin, f"malformed JSON: {exc.msg} (column {exc.colno})", "json")
    except RecursionError:
        return Skipped(origin, "malformed JSON: nested too deeply", "json")
    try:
        return article_from_record(rec, origin, fallback_id, published)
    except InputError as exc:
        return Skipped.from_error(exc, origin)


def read_csv(stream: IO[bytes], name: str, published: date | None,
             max_bytes: int = _DEFAULT.max_bytes) -> Iterator[Record]:
    """Rows of a CSV with a header naming a ``text`` column; a row with a bad byte, more
    fields than the header or no text, or a line over ``max_bytes``, is skipped with its line."""
    too_long: list[int] = []  # line numbers, reported as the rows around them are read
    csv.field_size_limit(max(max_bytes, csv.field_size_limit()))
    reader = csv.DictReader(_csv_lines(stream, max_bytes, too_long), restkey=_EXTRA_FIELDS)
    try:
        fields = reader.fieldnames
    except csv.Error as exc:
        yield Skipped(name, f"cannot read the CSV header: {exc}", "csv")
        return
    if not fields:
        yield Skipped(name, "empty file", "empty")
        return
    if "text" not in fields or _has_bad_bytes(fields):
        yield Skipped(name, "CSV needs a header row with a 'text' column", "csv")
        return
    for record in itertools.chain(_csv_rows(reader, name, published), [None]):
        yield from (Skipped(f"{name}:{n}", f"line longer than {max_bytes:,} bytes", "too large") for n in too_long)
        too_long.clear()
        if record is not None:
            yield record


def _csv_lines(stream: IO[bytes], max_bytes: int, too_long: list[int]) -> Iterator[str]:
    """Decoded lines (bad bytes kept as lone surrogates, found per row); an over-long line
    is replaced by an empty one and its number noted."""
    for lineno, line in enumerate(_lines(stream, max_bytes), start=1):
        if line is None:
            too_long.append(lineno)
            yield "\n"
            continue
        text = line.decode("utf-8", errors="surrogateescape")
        yield text.removeprefix("\ufeff") if lineno == 1 else text


def _csv_rows(reader: csv.DictReader, name: str, published: date | None) -> Iterator[Record]:
    stem = _stem(name)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Skipped(f"{name}:{reader.line_num}", f"malformed CSV: {exc}", "csv")
            continue
        yield _csv_record(row, f"{name}:{reader.line_num}", f"{stem}-{reader.line_num}", published)


def _csv_record(row: dict, origin: str, fallback_id: str, published: date | None) -> Record:
    if _EXTRA_FIELDS in row:
        header = len(row) - 1
        return Skipped(origin, f"row has {header + len(row[_EXTRA_FIELDS])} fields, the header {header}", "csv")
    if _has_bad_bytes(row.values()):
        return Skipped(origin, "invalid UTF-8 in the row", "encoding")
    try:
        return article_from_record(dict(row), origin, fallback_id, published)
    except InputError as exc:
        return Skipped.from_error(exc, origin)


def _has_bad_bytes(values) -> bool:
    """Undecodable bytes survive surrogateescape as lone surrogates."""
    return any(isinstance(v, str) and re.search("[\udc80-\udcff]", v) for v in values)


def _stem(name: str) -> str:
    base = Path(name).name
    for suffix in SUFFIXES:
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return Path(base).stem


def read_stream(stream: IO[bytes], name: str, published: date | None = None,
                options: IngestOptions = _DEFAULT) -> Iterator[Record]:
    """Every record of one file's (decompressed) byte stream; the format from its name."""
    if name.endswith((".warc", ".warc.gz")):
        yield from read_warc(stream, name, published, options.max_bytes)
    elif name.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        yield from read_jsonl(stream, name, published, options.max_bytes)
    elif name.endswith(".csv"):
        yield from read_csv(stream, name, published, options.max_bytes)
    else:
        data = stream.read(options.max_bytes + 1)
        yield read_document(data, name, _stem(name), published, options.max_bytes, name.endswith((".html", ".htm")))


def read_document(data: bytes, origin: str, article_id: str, published: date | None, max_bytes: int,
                  html: bool) -> Record:
    """A one-article input: a web page or plain text."""
    if len(data) > max_bytes:
        return Skipped(origin, f"larger than {max_bytes:,} bytes: not one article", "too large")
    try:
        if html:
            return article_from_html(data, origin, article_id, published)
        return read_txt(data, origin, article_id, published)
    except InputError as exc:
        return Skipped.from_error(exc, origin)


def read_file(path: Path, published: date | None = None, options: IngestOptions = _DEFAULT) -> Iterator[Record]:
    name = str(path)
    try:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rb") as stream:
            yield from read_stream(stream, name, published, options)
    except READ_ERRORS as exc:
        yield unreadable(name, exc)


def unreadable(name: str, exc: Exception) -> Skipped:
    return Skipped(name, f"cannot read: {getattr(exc, 'strerror', None) or exc}", "unreadable")


def read_stdin(published: date | None = None, stream: IO[bytes] | None = None,
               options: IngestOptions = _DEFAULT) -> Iterator[Record]:
    """JSON lines (streamed, any length), a web page or a plain-text article on standard input."""
    stream = stream or sys.stdin.buffer
    head = stream.read(SNIFF_BYTES)
    if head.lstrip().startswith(b"{"):
        yield from read_jsonl(_Rejoined(head, stream), "<stdin>", published, options.max_bytes)
        return
    data = head + stream.read(options.max_bytes + 1 - len(head))
    yield read_document(data, "<stdin>", "stdin", published, options.max_bytes, looks_like_html(data))


class _Rejoined:
    """The bytes already read from a stream, then the rest of it, line by line."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self.head, self.stream = io.BytesIO(head), stream

    def readline(self, limit: int = -1) -> bytes:
        line = self.head.readline(limit)
        if line.endswith(b"\n") or (limit >= 0 and len(line) >= limit):
            return line
        return line + self.stream.readline(limit - len(line) if limit >= 0 else -1)
