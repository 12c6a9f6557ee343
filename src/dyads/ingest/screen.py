"""What every reader's Articles pass through before coding: the size limits, the
language check and the wire agency as source. Over-long articles are coded in parts; articles in other languages are
``Skipped`` with the language named."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Iterator

from dyads.errors import InputError
from dyads.ingest.dates import date_from_origin, date_from_url
from dyads.ingest.language import foreign_language
from dyads.ingest.records import Record, Skipped, parse_published
from dyads.ingest.wire import wire_openings
from dyads.models import Article

# spaCy refuses texts over nlp.max_length (1,000,000 characters) and its memory grows with length.
MAX_CHARS_CEILING = 1_000_000


@dataclass(frozen=True)
class IngestOptions:
    # Longer articles are coded in parts of about this many characters. A news story is
    # rarely longer; the parser's memory grows with a text's length (a 200,000-character
    # text takes about 1.1 GB to parse), so parts keep a worker's memory bounded.
    max_chars: int = 50_000
    max_bytes: int = 50_000_000  # larger files, lines or pages are skipped, never read whole
    languages: tuple[str, ...] = ("en",)  # languages coded; () codes every language
    published_field: str | None = None  # the record field holding the publication date, when not "published"
    published: date | None = None  # the date of inputs that carry none (not in a field, URL or file name)


def screen(records: Iterable[Record], options: IngestOptions) -> Iterator[Record]:
    """Records with non-accepted languages skipped and long articles split into parts."""
    for rec in records:
        if isinstance(rec, Skipped):
            yield rec
            continue
        lang = foreign_language(rec, options.languages)
        if lang:
            yield Skipped(rec.origin or rec.id, f"language: {lang} (not {', '.join(options.languages)})", "language")
            continue
        try:
            rec = with_date(rec, options)
        except InputError as exc:
            yield Skipped.from_error(exc, rec.origin or rec.id)
            continue
        yield from split_long(with_wire_source(rec), options.max_chars)


def with_date(article: Article, options: IngestOptions) -> Article:
    """The article's publication date from, in this order: the ``--published-field``
    field, its own date field, its URL path, its file name, the run's ``--published``.
    None of them: the article stays undated (no date is invented)."""
    if options.published_field and article.extra.get(options.published_field) not in (None, ""):
        value = article.extra[options.published_field]
        return replace(article, published=parse_published(value, article.origin or article.id, options.published_field))
    if article.published is not None:
        return article
    for source, found in (("url", date_from_url(article.url)), ("file name", date_from_origin(article.origin))):
        if found is not None:
            return replace(article, published=found, published_from=source)
    return replace(article, published=options.published) if options.published else article


def with_wire_source(article: Article) -> Article:
    """The agency of a wire story's dateline or headline tag is its source when none was given."""
    if article.source:
        return article
    agency = next((d.agency for d in wire_openings(article.title, article.body) if d.agency), None)
    return replace(article, source=agency) if agency else article


def split_long(article: Article, max_chars: int) -> Iterator[Article]:
    """The article, or its parts when its body is over ``max_chars``: split at paragraph
    (else sentence, else word) boundaries; part 1 keeps the headline; ids ``ID#partN``."""
    if len(article.body) <= max_chars:
        yield article
        return
    if len(article.title) + len(article.dek) > max_chars // 4:  # not a headline: code it as text
        article = replace(article, title="", dek="", text=article.body)
    pieces = list(_pieces(article.text, max_chars))
    for n, text in enumerate(pieces, start=1):
        first = n == 1
        yield replace(
            article, id=f"{article.id}#part{n}", text=text, title=article.title if first else "",
            dek=article.dek if first else "", origin=f"{article.origin} (part {n} of {len(pieces)})",
            extra={**article.extra, "part": n, "parts": len(pieces), "whole_article": article.id},
        )


def _pieces(text: str, size: int) -> Iterator[str]:
    start = 0
    while len(text) - start > size:
        end = _break(text, start, start + size)
        yield text[start:end].strip()
        start = end
    if text[start:].strip():
        yield text[start:].strip()


def _break(text: str, start: int, limit: int) -> int:
    """The last paragraph, sentence or word boundary in the second half of text[start:limit]."""
    floor = start + (limit - start) // 2
    for sep in ("\n\n", ". ", " "):
        at = text.rfind(sep, floor, limit)
        if at > start:
            return at + len(sep)
    return limit
