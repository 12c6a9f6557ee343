"""Records in, Articles out: the one place an Article is built from fields, and the
``Skipped`` record every reader yields for an input it cannot use."""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import ftfy
from dateutil import parser as dateparser

from dyads.errors import InputError
from dyads.models import Article

KNOWN_FIELDS = ("id", "title", "text", "published", "url", "source", "dek")
MAX_EXTRA_DEPTH = 32
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
# C0/C1 control characters other than tab and newlines: never text, and they upset parsers downstream.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# HTML entities whose "&" an archive turned into a space ("Israel #39;s", "as quot;unfair quot;"):
# ftfy mends whole entities only. The space goes with an apostrophe or a dollar ("Israel's", "$5").
_LOST_ENTITIES = re.compile(r"(?<!&)( ?)(#\d{2,5};)|(?<![\w&#])((?:quot|amp|lt|gt);)")
_SURROGATES = re.compile("[\ud800-\udfff]")  # JSON can escape lone ones; UTF-8 (and DuckDB) cannot hold them


@dataclass
class Skipped:
    """An input that could not be used: where, why, and a short kind that groups reasons
    in the run summary (encoding, json, record, language, no article, ...)."""

    origin: str
    reason: str
    kind: str = ""

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"

    @property
    def category(self) -> str:
        return self.kind or self.reason.split(":", 1)[0]

    @classmethod
    def from_error(cls, exc: InputError, origin: str) -> "Skipped":
        return cls(exc.origin or origin, exc.reason, exc.kind)


Record = Article | Skipped


def normalise(text: str) -> str:
    """Repair mojibake, apply NFC, drop control characters, tidy whitespace; paragraphs
    joined by one blank line."""
    text = unicodedata.normalize("NFC", ftfy.fix_text(_LOST_ENTITIES.sub(_entity, text), uncurl_quotes=False))
    text = _CONTROLS.sub(" ", text)
    paragraphs = (_SPACES.sub(" ", line).strip() for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", text))
    return "\n\n".join(p for p in paragraphs if p)


def _entity(found: re.Match) -> str:
    space, numeric, named = found.groups()
    char = html.unescape("&" + (numeric or named))
    if not char.isprintable():
        return found.group(0)  # "issue #12; page" is no entity
    return char if char in ("'", "$") else (space or "") + char


def one_line(text: str) -> str:
    return normalise(text).replace("\n\n", " ")


def parse_published(value, origin: str, field: str = "published") -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    try:
        return dateparser.parse(str(value), default=datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError, TypeError):
        raise InputError(f"{field}: cannot read a date from {str(value)[:80]!r}", origin) from None


def article_from_record(rec: dict, origin: str, fallback_id: str, published: date | None = None) -> Article:
    """Build an Article from a JSONL/CSV/API record; raises InputError on a bad one."""
    if not isinstance(rec, dict):
        raise InputError("a record must be a JSON object", origin)
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("no 'text' field, or it is empty", origin)
    body = normalise(text)
    if not body:
        raise InputError("the 'text' field holds no readable characters", origin)
    extra = _storable({k: v for k, v in rec.items() if k not in KNOWN_FIELDS}, origin)
    pub = parse_published(rec.get("published"), origin) or published
    return Article(
        id=_clean(rec.get("id")) or fallback_id,
        title=one_line(str(rec.get("title") or "")),
        dek=one_line(str(rec.get("dek") or "")),
        text=body,
        published=pub,
        url=_clean(rec.get("url")),
        source=_clean(rec.get("source")),
        extra=extra,
        origin=origin,
    )


def _storable(value, origin: str, depth: int = 0):
    """Extra fields with lone surrogates replaced at any depth; absurd nesting is an error."""
    if depth > MAX_EXTRA_DEPTH:
        raise InputError(f"extra fields nested more than {MAX_EXTRA_DEPTH} deep", origin)
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, list):
        return [_storable(v, origin, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_SURROGATES.sub("\ufffd", str(k)): _storable(v, origin, depth + 1) for k, v in value.items()}
    return value


def _clean(value) -> str | None:
    """A field as a string fit to store (lone surrogates replaced), or None when empty."""
    return _SURROGATES.sub("\ufffd", str(value)) if value not in (None, "") else None
