"""Stage 1 — ingest: files, folders or stdin in; normalised Articles out.

Formats: ``.txt`` (line 1 headline, optional line 2 sub-headline, then paragraphs),
``.jsonl`` / ``.jsonl.gz`` and ``.csv`` with fields ``id, title, text, published,
url, source`` (extra fields kept). A bad record never stops the run: it becomes
a ``Skipped`` with its file, line and reason, and every good record is still read.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Iterable, Iterator

import ftfy
from dateutil import parser as dateparser

from dyads.errors import InputError
from dyads.models import Article

SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".ndjson", ".csv")
KNOWN_FIELDS = ("id", "title", "text", "published", "url", "source", "dek")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


@dataclass
class Skipped:
    """An input that could not be read: where and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


Record = Article | Skipped


def normalise(text: str) -> str:
    """Repair mojibake, apply NFC, tidy whitespace; paragraphs joined by one blank line."""
    text = unicodedata.normalize("NFC", ftfy.fix_text(text, uncurl_quotes=False))
    paragraphs = (_SPACES.sub(" ", line).strip() for line in re.split(r"\r\n|\r|\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def parse_published(value, origin: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    try:
        return dateparser.parse(str(value), default=datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError):
        raise InputError(f"published: cannot read a date from {value!r}", origin) from None


def article_from_record(rec: dict, origin: str, fallback_id: str, published: date | None = None) -> Article:
    """Build an Article from a JSONL/CSV/API record; raises InputError on a bad one."""
    if not isinstance(rec, dict):
        raise InputError("a record must be a JSON object", origin)
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("no 'text' field, or it is empty", origin)
    extra = {k: v for k, v in rec.items() if k not in KNOWN_FIELDS}
    pub = parse_published(rec.get("published"), origin) or published
    return Article(
        id=str(rec.get("id") or fallback_id),
        title=normalise(str(rec.get("title") or "")).replace("\n\n", " "),
        dek=normalise(str(rec.get("dek") or "")).replace("\n\n", " "),
        text=normalise(text),
        published=pub,
        url=rec.get("url") or None,
        source=rec.get("source") or None,
        extra=extra,
        origin=origin,
    )


def _decode(data: bytes, origin: str) -> str:
    if not data.strip():
        raise InputError("empty file", origin)
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), not text", origin)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"invalid UTF-8 at byte {exc.start} (line {line})", origin) from None


def read_txt(data: bytes, origin: str, article_id: str, published: date | None) -> Article:
    """A plain-text article: headline, optional sub-headline, body."""
    lines = [ln.strip() for ln in _decode(data, origin).splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise InputError("empty file", origin)
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


def read_jsonl(stream: IO[bytes], name: str, published: date | None) -> Iterator[Record]:
    stem = _stem(name)
    for lineno, raw in enumerate(stream, start=1):
        origin = f"{name}:{lineno}"
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Skipped(origin, f"invalid UTF-8 at byte {exc.start} of the line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(origin, f"malformed JSON: {exc.msg} (column {exc.colno})")
            continue
        try:
            yield article_from_record(rec, origin, f"{stem}-{lineno}", published)
        except InputError as exc:
            yield Skipped(origin, exc.reason)


def read_csv(data: bytes, name: str, published: date | None) -> Iterator[Record]:
    try:
        text = _decode(data, name)
    except InputError as exc:
        yield Skipped(name, exc.reason)
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        yield Skipped(name, "CSV needs a header row with a 'text' column")
        return
    stem = _stem(name)
    for row in reader:
        origin = f"{name}:{reader.line_num}"
        try:
            yield article_from_record(dict(row), origin, f"{stem}-{reader.line_num}", published)
        except InputError as exc:
            yield Skipped(origin, exc.reason)


def _stem(name: str) -> str:
    base = Path(name).name
    for suffix in SUFFIXES:
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return Path(base).stem


def read_file(path: Path, published: date | None = None) -> Iterator[Record]:
    name = str(path)
    try:
        if name.endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                yield from read_jsonl(stream, name, published)
            return
        if name.endswith((".jsonl", ".ndjson")):
            with open(path, "rb") as stream:
                yield from read_jsonl(stream, name, published)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(name, f"cannot read: {exc.strerror or exc}")
        return
    if name.endswith(".csv"):
        yield from read_csv(data, name, published)
        return
    try:
        yield read_txt(data, name, _stem(name), published)
    except InputError as exc:
        yield Skipped(exc.origin or name, exc.reason)


def read_stdin(published: date | None = None, stream: IO[bytes] | None = None) -> Iterator[Record]:
    data = (stream or sys.stdin.buffer).read()
    if data.lstrip().startswith(b"{"):
        yield from read_jsonl(io.BytesIO(data), "<stdin>", published)
        return
    try:
        yield read_txt(data, "<stdin>", "stdin", published)
    except InputError as exc:
        yield Skipped("<stdin>", exc.reason)


def expand_paths(paths: Iterable[str]) -> Iterator[Path | Skipped | str]:
    """Files as given, folders walked for known suffixes (sorted), '-' for stdin."""
    for raw in paths:
        if raw == "-":
            yield "-"
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name.endswith(SUFFIXES):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield Skipped(raw, "no such file or folder")


def read_inputs(paths: Iterable[str], published: date | None = None) -> Iterator[Record]:
    """Every Article (or Skipped) from the given paths, streamed."""
    for item in expand_paths(paths):
        if isinstance(item, Skipped):
            yield item
        elif item == "-":
            yield from read_stdin(published)
        else:
            yield from read_file(item, published)
