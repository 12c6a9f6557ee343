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
from collections import deque
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
    empty = True  # reported like an empty .txt: a file that gives nothing is not a success
    for lineno, raw in enumerate(_lines(stream, max_bytes), start=1):
        origin = f"{name}:{lineno}"
        if raw is None:
            yield Skipped(origin, f"line longer than {max_bytes:,} bytes", "too large")
        elif raw.strip():
            yield _jsonl_record(raw, origin, f"{stem}-{lineno}", published)
        empty = empty and not (raw is None or raw.strip())
    if empty:
        yield Skipped(name, "empty file", "empty")


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
    fields than the header or no text, or a line over ``max_bytes``, is skipped with its line.
    A quote left open is reported at its line and the rows it swallowed are read again."""
    too_long: list[int] = []  # line numbers, reported as the rows around them are read
    csv.field_size_limit(max(max_bytes, csv.field_size_limit()))
    lines = _CsvLines(stream, max_bytes, too_long)
    # strict: a quote that closes a field and is followed by more text is an error, not
    # glued on; that is how a quote left open, paired with the next row's, is found.
    reader = csv.DictReader(lines, restkey=_EXTRA_FIELDS, strict=True)
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
    rows = 0
    for record in itertools.chain(_csv_rows(reader, lines, name, published), [None]):
        rows += len(too_long) + (record is not None)
        yield from (Skipped(f"{name}:{n}", f"line longer than {max_bytes:,} bytes", "too large") for n in too_long)
        too_long.clear()
        if record is not None:
            yield record
    if not rows:
        yield Skipped(name, "no rows under the header", "empty")


class _CsvLines:
    """The decoded lines the csv reader reads (bad bytes kept as lone surrogates, found per
    row; an over-long line replaced by an empty one and its number noted), numbered. The
    lines of the record being read are kept: when a quote left open swallowed the rows
    after it, those lines are handed to the reader again."""

    def __init__(self, stream: IO[bytes], max_bytes: int, too_long: list[int]) -> None:
        # Blank lines before the header are passed over: a file of blank lines is empty.
        self._lines = itertools.dropwhile(lambda line: not line[1].strip(),
                                          _numbered_csv_lines(stream, max_bytes, too_long))
        self._again: deque[tuple[int, str]] = deque()
        self.record: list[tuple[int, str]] = []  # (line number, text) of the record being read
        self.lineno = 0  # the line last read: where the record just read ends

    def __iter__(self) -> "_CsvLines":
        return self

    def __next__(self) -> str:
        self.lineno, text = self._again.popleft() if self._again else next(self._lines)
        self.record.append((self.lineno, text))
        return text

    def start_record(self) -> None:
        self.record = []

    def read_again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


def _numbered_csv_lines(stream: IO[bytes], max_bytes: int, too_long: list[int]) -> Iterator[tuple[int, str]]:
    for lineno, line in enumerate(_lines(stream, max_bytes), start=1):
        if line is None:
            too_long.append(lineno)
            yield lineno, "\n"
            continue
        text = line.decode("utf-8", errors="surrogateescape")
        yield lineno, text.removeprefix("\ufeff") if lineno == 1 else text


def _csv_rows(reader: csv.DictReader, lines: _CsvLines, name: str, published: date | None) -> Iterator[Record]:
    stem = _stem(name)
    while True:
        lines.start_record()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _malformed_record(exc, lines, name)
            continue
        yield _csv_record(row, f"{name}:{lines.lineno}", f"{stem}-{lines.lineno}", published)


def _malformed_record(exc: csv.Error, lines: _CsvLines, name: str) -> Skipped:
    """The record the reader failed on; a quote left open is reported at its own line, and
    the lines after it, which it swallowed, are read again as rows."""
    opened = _open_quote_line(lines.record)
    swallowed = [line for line in lines.record if opened is not None and line[0] > opened]
    at_end = "unexpected end of data" in str(exc)
    if opened is not None and not (swallowed or at_end):
        return Skipped(f"{name}:{opened}", f"malformed CSV: a quote inside a quoted field is not doubled ({exc})", "csv")
    if opened is None:  # not a quote's doing (a field over the size limit, a bare carriage return)
        return Skipped(f"{name}:{lines.lineno}", f"malformed CSV: {exc}", "csv")
    lines.read_again(swallowed)
    ran_to = "the end of the file" if at_end else f"line {lines.lineno}"
    if "field larger than field limit" in str(exc):  # a quote left open, or a field truly that long
        ran_to += f" and grew over the size limit of {csv.field_size_limit():,} characters"
    return Skipped(f"{name}:{opened}", f"unterminated quote: the quoted field opened on this line ran on to "
                                       f"{ran_to}{_read_again(swallowed)}", "csv")


def _read_again(swallowed: list[tuple[int, str]]) -> str:
    if not swallowed:
        return ""
    first, last = swallowed[0][0], swallowed[-1][0]
    return f"; line {first} is read again" if first == last else f"; lines {first}-{last} are read again"


def _open_quote_line(record: list[tuple[int, str]]) -> int | None:
    """The line of the quote that opened the field the reader failed in: a field still open
    at the end of the record, or one closed by a quote with more text after it (the quote
    meant to open a field of a later row). None when no quoted field is at fault."""
    state, opened = "field start", None
    for lineno, text in record:
        for char in text:
            if state == "quoted":
                state = "quote in quoted" if char == '"' else "quoted"
            elif state == "quote in quoted":  # a doubled quote, or the end of the field
                if char not in '",\r\n':
                    return opened  # where the csv reader failed: the field closed too early
                state = "quoted" if char == '"' else "field start"
            elif state == "field start" and char == '"':
                state, opened = "quoted", lineno
            else:
                state = "field start" if char in ",\r\n" else "plain"
    return opened if state == "quoted" else None


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
