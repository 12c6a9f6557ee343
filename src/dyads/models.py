"""The small typed model passed between pipeline stages.

ingest -> Article; nlp -> spaCy Doc; actors -> ActorMention; events -> Event
(with Evidence); time -> Timex + dated Event; place -> Place + located Event;
merge -> Event clusters; store -> rows.

Offsets are character offsets into ``Article.body`` (headline, sub-headline and
paragraphs joined by blank lines), so evidence can always be shown in context.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

SCHEMA_VERSION = "dyads-event/1"

FACTUALITY = ("asserted", "negated", "hypothetical", "future")
DATE_PRECISION = ("day", "week", "month", "year", "unknown")


@dataclass
class Article:
    """One news article as read by ingest."""

    id: str
    title: str = ""
    text: str = ""
    dek: str = ""  # sub-headline
    published: date | None = None
    url: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    origin: str = ""  # file:line the record came from, for error reports
    published_from: str = "publication"  # where ``published`` came from: publication | url | file name

    @property
    def body(self) -> str:
        """Headline, sub-headline and text as one string; blank lines separate them."""
        return "\n\n".join(part for part in (self.title, self.dek, self.text) if part)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(
            f"{self.published}\x00{self.body}".encode("utf-8")
        ).hexdigest()[:16]


@dataclass
class Actor:
    """An actor in PLOVER's terms: country (ISO3) or ``IGO``, sector, text, name."""

    code: str | None  # ISO 3166-1 alpha-3, or "IGO"
    sector: str | None = None  # GOV, MIL, LEG, REB, CVL, ...
    entity_text: str = ""
    name: str | None = None  # canonical name where known
    kb_id: str | None = None  # knowledge-base id where known
    org: str | None = None  # IGO short name (UN, NATO, EU) or armed group id
    start: int | None = None  # char span of the mention in Article.body
    end: int | None = None
    certainty: float = 1.0  # how sure the resolution is (1.0 = named in KB)

    @property
    def full_code(self) -> str:
        return "".join(p for p in (self.code, self.org if self.code == "IGO" else None, self.sector) if p)

    def key(self) -> tuple[str | None, str | None]:
        return (self.code, self.sector)


@dataclass
class Timex:
    """A TIMEX3 temporal expression found in text."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str  # TIMEX3 value: 2022-03-23, 2022-03, 2022-W11, P9D, PRESENT_REF, ...
    precision: str = "unknown"  # day | week | month | year | unknown
    begin: date | None = None  # first day the value covers (DATE/TIME)
    until: date | None = None  # last day it covers; for "since X" ranges, open end


@dataclass
class Place:
    """A resolved place (GeoNames where possible)."""

    name: str
    feature: str  # town | adm2 | adm1 | country | region
    country: str | None  # ISO3
    geonameid: int | None = None
    adm1: str | None = None
    lat: float | None = None
    lon: float | None = None
    start: int | None = None
    end: int | None = None
    text: str = ""


@dataclass
class Evidence:
    article_id: str
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: tuple[int, int]
    actor_span: tuple[int, int] | None = None
    recipient_span: tuple[int, int] | None = None
    time_span: tuple[int, int] | None = None
    place_span: tuple[int, int] | None = None
    rule: str = ""  # lexicon entry id that fired (model.<type> when only the model found it)
    path: str = ""  # how the arguments were found (nsubj, agent, poss, ...; "model" for the trained coder)
    scores: dict | None = None  # the trained coder's probabilities (type, actor, recipient, factuality)


@dataclass
class Event:
    """A coded event: PLOVER type, mode, context, actors, date, place, evidence."""

    id: str
    article_id: str
    event: str  # PLOVER 2.0 type
    actor: Actor | None
    recipient: Actor | None
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    cameo: str | None = None
    goldstein: float | None = None
    quad_code: int | None = None  # 0 neutral, 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    date: str | None = None  # ISO date or partial (YYYY-MM, YYYY)
    date_end: str | None = None
    date_precision: str = "unknown"
    date_source: str = "publication"  # text | publication | url | file name | none (an undated article)
    event_loc: Place | None = None
    factuality: str = "asserted"
    confidence: float = 0.5
    event_text: str = ""  # the trigger words
    text: str = ""  # the sentence
    evidence: list[Evidence] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    def to_record(self) -> dict[str, Any]:
        """PLOVER-JSON-style record (plain types only)."""
        rec = asdict(self)
        for role in ("actor", "recipient"):
            if rec[role] is not None:
                rec[role].pop("start", None)
                rec[role].pop("end", None)
        return rec
