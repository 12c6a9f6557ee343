"""Stage 1 — ingest: files, folders, stdin, web pages, WARC archives and feeds in;
normalised, English, size-bounded Articles out. A bad input never stops the run: it
becomes a ``Skipped`` with its file, line or record and the reason.

Modules: ``records`` (record -> Article, Skipped, text repair), ``encoding`` (bytes ->
text), ``files`` (one reader per file format), ``html`` (saved pages, trafilatura),
``warc`` (archives, warcio), ``feeds`` (RSS/Atom and fetching pages), ``language`` and
``screen`` (language check and size limits applied to every reader's Articles).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from dyads.ingest.files import SUFFIXES, read_csv, read_file, read_jsonl, read_stdin, read_stream, read_txt
from dyads.ingest.records import KNOWN_FIELDS, Record, Skipped, article_from_record, normalise, parse_published
from dyads.ingest.screen import IngestOptions, screen

__all__ = [
    "SUFFIXES", "KNOWN_FIELDS", "IngestOptions", "Record", "Skipped", "article_from_record", "expand_paths",
    "normalise", "parse_published", "read_csv", "read_file", "read_inputs", "read_jsonl", "read_stdin",
    "read_stream", "read_txt", "screen",
]


def expand_paths(paths: Iterable[str], exclude: Iterable[Path] = ()) -> Iterator[Path | Skipped | str]:
    """Files as given, folders walked for known suffixes (sorted), '-' for stdin; files in
    ``exclude`` (the run's own outputs, such as its skip log) are left out."""
    excluded = {p.resolve() for p in exclude}
    for path in _expand(paths):
        if not (isinstance(path, Path) and path.resolve() in excluded):
            yield path


def _expand(paths: Iterable[str]) -> Iterator[Path | Skipped | str]:
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
            yield Skipped(raw, "no such file or folder", "missing")


def _read_all(paths: Iterable[str], published: date | None, options: IngestOptions,
              exclude: Iterable[Path]) -> Iterator[Record]:
    for item in expand_paths(paths, exclude):
        if isinstance(item, Skipped):
            yield item
        elif item == "-":
            yield from read_stdin(published, options=options)
        else:
            yield from read_file(item, published, options)


def read_inputs(paths: Iterable[str], published: date | None = None, options: IngestOptions | None = None,
                exclude: Iterable[Path] = ()) -> Iterator[Record]:
    """Every Article (or Skipped) from the given paths, streamed, screened for language and
    size and dated (``published`` last: a date in the record, its URL or its file name comes first)."""
    options = options or IngestOptions()
    if published is not None:
        options = replace(options, published=published)
    return screen(_read_all(paths, None, options, exclude), options)
