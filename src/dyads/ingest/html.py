"""Saved web pages: the article body, headline, date, byline and URL, with the page's
navigation, adverts and comments left out (trafilatura)."""
from __future__ import annotations

import logging
import re
from datetime import date
from functools import cache

from dyads.errors import InputError
from dyads.ingest.encoding import decode_page
from dyads.ingest.records import article_from_record, parse_published
from dyads.models import Article

# Only dates the page states (metadata, <time>, a dateline); extensive search guesses from
# copyright lines and file dates, which would date every event wrongly.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
MIN_PROSE_WORDS = 25  # this many words, or one full sentence, make an article
_SENTENCE = re.compile(r"(?:\w+\W+){3,}\w+[^\w\s]*[.!?][\"'”’)\]]*\s*$")

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it cannot use
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower()


def has_prose(text: str) -> bool:
    """Whether extracted text reads as an article rather than menus and labels."""
    lines = [ln.strip() for ln in text.splitlines()]
    return sum(len(ln.split()) for ln in lines) >= MIN_PROSE_WORDS or any(_SENTENCE.search(ln) for ln in lines)


@cache
def _trafilatura():
    """trafilatura and its configuration, imported on the first page: it takes about a second
    to import, and commands that read no HTML (most of them) should not pay for it."""
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    # Below MIN_EXTRACTED_SIZE characters trafilatura falls back to a flat extraction that loses
    # paragraph breaks (which are sentence boundaries here): keep short news briefs structured.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "25")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # its timeout uses signals: main thread only
    return trafilatura, config


def extract(markup: str, origin: str, url: str | None = None):
    """trafilatura's extraction with metadata, or InputError when the page holds no article."""
    trafilatura, config = _trafilatura()
    try:
        doc = trafilatura.bare_extraction(markup, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False, date_extraction_params=DATE_PARAMS, config=config)
    except Exception as exc:  # a third-party parser on arbitrary bytes: one bad page must not stop a run
        raise InputError(f"cannot parse the HTML ({type(exc).__name__}: {str(exc)[:120]})", origin, kind="html") from None
    if doc is None or not doc.text or not has_prose(doc.text):
        raise InputError("no article text found in the page", origin, kind="no article")
    return doc


def _without_headline(text: str, title: str) -> str:
    first, _, rest = text.partition("\n")
    return rest if title and first.strip().casefold() == title.strip().casefold() and rest.strip() else text


def article_from_html(data: bytes, origin: str, article_id: str, published: date | None = None,
                      url: str | None = None, charset: str | None = None) -> Article:
    """One Article from a page's bytes. The page's own date wins; ``published`` is for pages
    that state none. Raises InputError (with a kind) for pages that cannot be used."""
    doc = extract(decode_page(data, origin, charset), origin, url)
    title = doc.title or ""
    record = {
        "id": article_id, "title": title, "text": _without_headline(doc.text, title),
        "url": doc.url or url, "source": doc.sitename,
    }
    if doc.author:
        record["author"] = doc.author
    page_date = _page_date(doc.date, origin)
    return article_from_record(record, origin, article_id, page_date or published)


def _page_date(value: str | None, origin: str) -> date | None:
    try:
        return parse_published(value, origin)
    except InputError:
        return None
