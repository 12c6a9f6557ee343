"""Temporal tagger: find temporal expressions in English news text and normalise
them to TIMEX3 values relative to a document creation time (dct).

Absolute dates written out in full ("Feb. 24, 2022", "2022-03-14") are parsed
with dateutil. Everything that depends on the dct (weekdays, "last week",
"nine days ago", months without a year, quarters, seasons) has no library that
produces TimeML values, so it is done here with small rules: a set of regexes
(compiled once at import) finds candidate spans, the longest non-overlapping
ones are kept, and each is normalised by its own small function.

Extents follow TimeML/TempEval-3 conventions: prepositions ("on", "in",
"since") are left out, determiners and modifiers ("the past three months",
"early March", "last week") are kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable, Iterable

import yaml
from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from dyads.models import Timex

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = [
    "tag",
    "resolve_weekday",
    "precision_of",
    "value_bounds",
    "tense_at",
    "nearest_timex",
    "event_date_fields",
]

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

def _load_vocabulary() -> dict:
    """The tagger's word lists, read once from data/time/vocabulary.yml."""
    text = (resources.files("dyads") / "data" / "time" / "vocabulary.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


_VOCAB = _load_vocabulary()
MONTHS: dict[str, int] = _VOCAB["months"]
WEEKDAYS: dict[str, int] = _VOCAB["weekdays"]
SEASONS: dict[str, str] = _VOCAB["seasons"]
PARTS_OF_DAY: dict[str, str] = _VOCAB["parts_of_day"]
# TIMEX3 duration letters, and whether the unit is written after "T" (PT3H).
UNITS = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True),
    "day": ("D", False), "week": ("W", False), "month": ("M", False),
    "year": ("Y", False), "decade": ("DE", False), "century": ("CE", False),
    "quarter": ("Q", False), "weekend": ("WE", False),
}
NUMBER_WORDS: dict[str, int] = _VOCAB["number_words"]
SMALL_NUMBERS: dict[str, float] = {**NUMBER_WORDS, **_VOCAB["article_numbers"]}
TENS: dict[str, int] = _VOCAB["tens"]
ORDINALS: dict[str, int] = {str(k): v for k, v in _VOCAB["ordinals"].items()}
VAGUE_QUANTITIES = tuple(_VOCAB["vague_quantities"])
REFERENCES: dict[str, str] = _VOCAB["references"]
FREQUENCY_ADVERBS: dict[str, str] = _VOCAB["frequency_adverbs"]
FIXED_HOLIDAYS: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in _VOCAB["fixed_holidays"].items()}
PLANNING_VERBS = frozenset(_VOCAB["planning_verbs"])
ASPECTUAL_VERBS = frozenset(_VOCAB["aspectual_verbs"])


def _words(keys) -> str:
    """An alternation of phrases, longest first, spaces matching any whitespace."""
    return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(keys, key=len, reverse=True))

# --------------------------------------------------------------------------
# Regex building blocks
# --------------------------------------------------------------------------

_MONTH = (
    r"(?-i:(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|"
    r"Oct\.?|Nov\.?|Dec\.?|JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|"
    r"OCTOBER|NOVEMBER|DECEMBER)(?![a-z]))"
)
_WEEKDAY = r"(?:" + _words(WEEKDAYS) + r")"
_NUMWORD = r"(?:" + _words([*NUMBER_WORDS, *TENS]) + r")"
_NUM = (
    r"(?:\d+\s+1/2|\d+(?:\.\d+)?|" + _NUMWORD + r"(?:[- ]" + _NUMWORD + r")?(?:\s+and\s+a\s+half)?"
    r"|(?:a|one|two|three|four|five)\s+(?:hundred|thousand)|half\s+an?|a\s+couple\s+of|couple\s+of|a\s+few|several|few|many|some"
    r"|numerous|a|an|a\s+half)"
)
_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|century|centuries|quarters?)"
# Quantifying modifiers TimeBank keeps inside the extent ("nearly two years",
# "more than a decade"); "about", "only", "just" and "over" it leaves out.
_APPROX = (
    r"(?:nearly|almost|approximately|roughly|more\s+than|less\s+than|no\s+more\s+than|"
    r"at\s+least|up\s+to|barely|well\s+over)"
)
_DAYMOD = r"(?:early|late|earlier|later|mid-?|the\s+end\s+of|the\s+middle\s+of|the\s+beginning\s+of|the\s+start\s+of)"
_PART = r"(?:morning|afternoon|evening|night)"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_ORD = r"(?:st|nd|rd|th)"
_CLOCK = (
    r"(?:\d{1,2}(?::\d\d)?\s*(?:a\.m\.?|p\.m\.?|am\b|pm\b)|\d{1,2}(?::\d\d)?(?:\s+o'clock)?\s+(?:in\s+the\s+"
    r"(?:morning|afternoon|evening)|at\s+night)|\d{1,2}(?::\d\d)?\s+o'clock|\d{1,2}:\d\d|noon|midnight|midday)"
)
_ZONE = r"(?:\s+(?-i:EST|EDT|CST|CDT|PST|PDT|GMT|UTC|ET))?"


@dataclass
class _Pattern:
    name: str
    regex: re.Pattern
    priority: int = 0
    # Cue words: every match contains one of them as a whole word (DIGIT: any digit), so
    # a text with none is not searched; None: always searched.
    cues: frozenset[str] | None = None


def _p(name: str, pattern: str, priority: int = 0, cues: Iterable[str] | None = None) -> _Pattern:
    # The leading look-behind lets the engine skip positions inside words quickly.
    return _Pattern(name, re.compile(r"(?<!\w)(?:" + pattern + ")", re.I), priority,
                    None if cues is None else frozenset(cues))


# Most texts lack most cues (a month name, a weekday, a unit, a digit), and 45 searches
# of every text cost more than all of dyads's other work on it; a word set is cheap.
DIGIT = "0"
_RUN = re.compile(r"[a-z]+")


def _runs(*phrases: Iterable[str]) -> set[str]:
    """The letter runs of these phrases, as ``_text_cues`` cuts them."""
    return {w for group in phrases for phrase in group for w in _RUN.findall(phrase.casefold())}


def _longest_runs(phrases: Iterable[str]) -> set[str]:
    """One cue per phrase, its longest word (the rarest, most likely): "the near future" -> future."""
    return {max(_RUN.findall(phrase.casefold()), key=len) for phrase in phrases}


def _text_cues(text: str) -> set[str]:
    cues = set(_RUN.findall(text.casefold()))
    if re.search(r"\d", text):  # \d as the patterns read it: any script's digits
        cues.add(DIGIT)
    return cues


def _glued(cues: set[str]) -> set[str]:
    """Cues with the modifiers some patterns allow without a space ("midJanuary", "midmorning")."""
    prefixes = ("early", "late", "earlier", "later", "mid", "last", "this", "next", "past", "previous", "coming")
    return cues | {p + c for p in prefixes for c in cues}


_MONTH_CUES = _glued(_runs(["january february march april may june july august september october november december",
                             "jan feb mar apr jun jul aug sept sep oct nov dec"]))
_WEEKDAY_CUES = _runs(WEEKDAYS)
_PART_CUES = _glued(_runs(["morning afternoon evening night"]))
_SEASON_CUES = _runs(["spring summer fall autumn winter"])
_RELDAY_CUES = _glued(_runs(["yesterday today tomorrow tonight"]))
_CLOCK_CUES = {DIGIT, "noon", "midnight", "midday"}
_UNIT_CUES = _runs(["second seconds minute minutes hour hours day days week weeks month months year years",
                    "decade decades century centuries quarter quarters"])
_PLURAL_UNIT_CUES = _runs(["seconds minutes hours days weeks months years decades centuries quarters"])
_SINGULAR_UNIT_CUES = _UNIT_CUES - _PLURAL_UNIT_CUES


PATTERNS: list[_Pattern] = [
    _p("iso", r"\b(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)\b", 5, cues={DIGIT}),
    _p("slash", r"(?<![\d/.$])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d\d))?(?![\d/%])", 1, cues={DIGIT}),
    _p("clock_date",
       r"(?P<clock>" + _CLOCK + r")" + _ZONE
       + r"(?:,?\s+(?:on\s+)?(?P<rest>(?:" + _WEEKDAY + r"|yesterday|today|tomorrow|tonight)(?:,?\s+" + _MONTH
       + r"\s+\d{1,2}" + _ORD + r"?(?:,?\s+" + _YEAR + r")?)?|" + _MONTH + r"\s+\d{1,2}" + _ORD + r"?(?:,?\s+"
       + _YEAR + r")?))?", 3, cues=_CLOCK_CUES),
    _p("date_clock",
       r"(?P<rest>" + _WEEKDAY + r"|yesterday|today|tomorrow)(?:,)?\s+(?:at\s+)?(?P<clock>(?:noon|midnight|"
       r"\d{1,2}(?::\d\d)?\s*(?:a\.m\.?|p\.m\.?)))" + _ZONE, 3, cues=_CLOCK_CUES),
    _p("mdy",
       r"(?:(?P<mod>" + _DAYMOD + r")\s*)?(?:(?P<wd>" + _WEEKDAY + r"),?\s+)?(?P<mon>" + _MONTH + r")\s+(?:the\s+)?"
       r"(?P<d>[0-3]?\d)" + _ORD + r"?(?![\d:,]\d)(?:,?\s+(?P<y>" + _YEAR + r"))?(?!\d)", 4, cues=_MONTH_CUES),
    _p("dmy",
       r"(?:(?P<wd>" + _WEEKDAY + r"),?\s+)?(?:the\s+)?(?P<d>[0-3]?\d)" + _ORD + r"?\s+(?:of\s+)?(?P<mon>" + _MONTH
       + r")(?:,?\s+(?P<y>" + _YEAR + r"))?(?!\d)", 4, cues=_MONTH_CUES),
    _p("month_year",
       r"(?:(?P<mod>" + _DAYMOD + r")\s*)?(?P<mon>" + _MONTH + r"),?\s+(?:of\s+)?(?P<y>" + _YEAR
       + r"|(?:nineteen|twenty)[- ](?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)\b", 3, cues=_MONTH_CUES),
    _p("month",
       r"(?:(?P<mod>" + _DAYMOD + r"|last|this|next|past|previous|coming)\s*)?(?P<mon>" + _MONTH + r")(?!\s*\d)", 1, cues=_MONTH_CUES),
    _p("decade",
       r"(?:the\s+)?(?:(?:early|late|mid-?)\s*)?(?:(?P<c>1[6-9]|20)(?P<d>\d)0'?s|'(?P<d2>\d)0s|"
       r"(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b", 3, cues={DIGIT} | _glued(_runs(["twenties thirties forties fifties sixties seventies eighties nineties"]))),
    _p("century",
       r"(?:the\s+)?(?:(?:early|late|mid-?)\s*)?(?P<n>\d{1,2})(?:st|nd|rd|th)[- ]century(?!-)", 3, cues={DIGIT}),
    _p("year",
       r"(?:(?P<mod>early|late|mid-?|end-|start-|fiscal(?:\s+year)?|calendar(?:\s+year)?|the\s+end\s+of|the\s+beginning\s+of|"
       r"the\s+start\s+of|the\s+middle\s+of|the\s+first\s+half\s+of|the\s+second\s+half\s+of)\s*)?(?<![$\d.,])(?P<y>"
       + _YEAR + r")(?![\d,.]\d)(?!\s*(?:%|percent))(?![-/]\d)", 2, cues={DIGIT}),
    # "the 2021 fiscal year": one year, whatever its months
    _p("year_fiscal", r"(?:the\s+)?(?P<y>" + _YEAR + r")\s+(?:fiscal|financial|calendar|budget)\s+year\b", 3, cues={DIGIT}),
    # "renewed in '05": a year written with two digits after a preposition
    _p("short_year", r"'(?P<yy>\d\d)\b(?!s)", 2, cues={DIGIT}),
    # "Q3 2021", "3Q 2021": the quarter shorthand of business news
    _p("q_year", r"(?:Q(?P<q1>[1-4])|(?P<q2>[1-4])Q)\s*(?P<y>" + _YEAR + r")\b", 4, cues={DIGIT}),
    _p("season",
       r"(?:(?P<mod>last|this|next|early|late|the|past|coming|this\s+past|the\s+early|the\s+late)\s+)(?P<s>spring|summer|fall|autumn|winter)"
       r"(?:\s+(?:of\s+)?(?P<y>" + _YEAR + r"))?\b", 2, cues=_SEASON_CUES),
    _p("season_year", r"(?P<s>spring|summer|fall|autumn|winter)\s+(?:of\s+)?(?P<y>" + _YEAR + r")\b", 2, cues=_SEASON_CUES),
    _p("relday",
       r"(?:(?P<mod>early|late|earlier|later|mid-?)\s*)?(?P<rel>yesterday|today|tomorrow|tonight)"
       r"(?:\s+(?P<part>" + _PART + r"))?(?!'s\s+(?:paper|edition))", 3, cues=_RELDAY_CUES),
    _p("partday_rel",
       r"(?:(?P<mod>early|late|earlier|later|mid-?)\s*)?(?P<part>" + _PART + r")\s+(?P<rel>yesterday|today|tomorrow)", 3, cues=_RELDAY_CUES),
    _p("this_part",
       r"(?:(?P<mod>early|late|earlier|later)\s+)?(?P<rel>this|last|tomorrow|yesterday)\s+(?P<part>" + _PART + r")", 3, cues=_PART_CUES),
    _p("weekday",
       r"(?:(?P<mod>last|this|next|past|coming|early|late|earlier|later)\s+)?(?P<wd>" + _WEEKDAY + r")"
       r"(?:\s+(?P<part>" + _PART + r"|mornings|nights|evenings))?", 2, cues=_WEEKDAY_CUES),
    _p("part_weekday",
       r"(?:(?P<mod>early|late|mid-?)\s*)?(?P<part>" + _PART + r")\s+(?:of\s+)?(?P<wd>" + _WEEKDAY + r")\b", 2, cues=_WEEKDAY_CUES),
    _p("ago",
       r"(?:(?P<approx>" + _APPROX + r")\s+)?(?P<num>" + _NUM + r")\s+(?:or\s+so\s+)?(?P<unit>" + _UNIT + r")"
       r"\s+(?:or\s+so\s+)?(?P<dir>ago|earlier|later|(?:before|after)(?=\s*(?:[.,;:!?)\"']|$))|from\s+now|hence|previously)\b", 4, cues=_UNIT_CUES),
    _p("relunit",
       r"(?:(?P<mod>early|late|earlier|later|mid-?|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|"
       r"the\s+middle\s+of|the\s+rest\s+of|the\s+remainder\s+of)\s+)?(?P<the>the\s+)?(?P<rel>last|this|next|past|coming|"
       r"current|previous|prior|following|latest|same|recent|year-ago|year-earlier|fiscal|current\s+fiscal|"
       r"new)\s+(?P<unit>week|month|year|quarter|weekend|decade|century|period|fiscal\s+year|half)\b(?:\s+or\s+so\b)?", 3, cues=_runs(["week month year quarter weekend decade century period fiscal half"])),
    _p("quarter",
       r"(?:(?P<the>the)\s+)?(?:(?P<yr>" + _YEAR + r"|(?:this|last|next)\s+year's)\s+)?"
       r"(?:(?P<rel>latest|current|same|year-ago|year-earlier|fiscal|last|previous|past|comparable)\s+)?"
       r"(?:fiscal\s+)?(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ])?(?P<unit>quarter|half|period)(?!-)"
       r"(?:\s+of\s+(?:(?:fiscal\s+)?(?P<y>" + _YEAR + r")|(?P<rel_y>this|last|next)\s+year\b))?", 3, cues=_runs(["quarter half period"])),
    _p("month_rel_year", r"(?P<mon>" + _MONTH + r")\s+(?:(?P<d>[0-3]?\d)" + _ORD + r"?,?\s+)?(?:of\s+)?(?P<rel>this|last|next)"
       r"\s+year\b", 4, cues=_MONTH_CUES),
    _p("spelled_year", r"(?:the\s+year\s+)?(?:(?P<sure>nineteen[- ](?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
       r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)|(?P<y>(?:nineteen|twenty)[- ](?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
       r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
       r"seventeen|eighteen|nineteen|hundred)|two\s+thousand(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten))?))\b", 2, cues=_runs(["nineteen twenty thousand"])),
    # "that year", "the following month", "the next morning": counted from the date
    # the story last named, not from the dct.
    _p("anaphoric",
       r"(?P<rel>that(?:\s+same)?|the\s+same|the\s+following|the\s+previous|the\s+prior|the\s+next(?=\s+(?:day|morning|"
       r"afternoon|evening|night)))\s+(?P<unit>day|week|month|year|morning|afternoon|evening|night)\b(?!\s+of\b)", 4, cues=_runs(["day week month year morning afternoon evening night"])),
    _p("the_unit", r"(?P<the>the)\s+(?:full\s+|entire\s+|whole\s+)?(?P<unit>week|month|year|quarter|weekend|period)\b(?!\s+(?:of|ago|earlier|later|before|after))", 0, cues=_runs(["week month year quarter weekend period"])),
    _p("year_ago_adj", r"(?P<rel>year-ago|year-earlier|a\s+year\s+ago|a\s+year\s+earlier)(?:\s+(?P<unit>quarter|period|level|levels))?", 2, cues={"year"}),
    _p("duration",
       r"(?:(?P<the>the)\s+)?(?:(?P<rel>past|last|next|coming|first|latest|previous|final|recent|following|"
       r"last\s+few|past\s+few|next\s+few|initial|entire|whole|full|same)\s+)?(?:(?P<approx>" + _APPROX
       + r")\s+)?(?:(?P<lo>\d+|" + _NUMWORD + r")\s+(?:to|or)\s+)?(?P<num>" + _NUM + r")\s+(?:more\s+|additional\s+|full\s+|straight\s+|consecutive\s+)?"
       r"(?:(?:trading|business|working|calendar|school)\s+)?"
       r"(?P<unit>" + _UNIT + r")\b(?!\s+old\b)(?:\s+or\s+so\b|\s+or\s+(?:two|more)\b)?", 2, cues=_UNIT_CUES),
    _p("duration_adj",
       r"(?P<num>\d+(?:\.\d+)?|" + _NUMWORD + r"(?:-" + _NUMWORD + r")?|several|multi|half)-(?P<unit>second|minute|hour|day|"
       r"week|month|year|decade|century)(?:-long)?\b(?!-old)", 2, cues=_SINGULAR_UNIT_CUES),
    _p("vague_adj", r"(?P<unit>days|weeks|months|years|decades|centuries)-long\b", 2, cues=_PLURAL_UNIT_CUES),
    _p("and_a_half", r"(?P<num>a|an|one)\s+(?P<unit>second|minute|hour|day|week|month|year)\s+and\s+a\s+half\b", 3, cues=_SINGULAR_UNIT_CUES),
    _p("set_a", r"(?<=[\w%$] )(?P<a>a|an|per)\s+(?P<unit>day|week|month|year|hour|night)\b(?!\s+(?:ago|earlier|later|or|before|after|from))", 1, cues=_runs(["day week month year hour night"])),
    _p("holiday",
       r"(?:(?P<mod>last|this|next|the\s+day\s+after|the\s+day\s+before)\s+)?(?P<h>(?-i:" + _words(FIXED_HOLIDAYS) + r"|Thanksgiving(?:\s+Day)?|"
       r"Easter(?:\s+Sunday)?|Election\s+Day|Labor\s+Day|Memorial\s+Day|Good\s+Friday|Easter\s+week)\b)", 2, cues=_longest_runs(FIXED_HOLIDAYS) | _runs(["thanksgiving easter election labor memorial friday"])),
    _p("part_mod", r"(?P<mod>mid[- ]?|early\s+|late\s+)(?P<part>morning|afternoon|evening)\b", 1, cues=_PART_CUES),
    _p("the_part", r"(?P<the>the|this)\s+(?P<part>morning|afternoon|evening)\b|(?P<over>overnight)\b", 0, cues=_PART_CUES | {"overnight"}),
    _p("term", r"the\s+(?P<t>near|short|long|medium)\s+term\b", 1, cues={"term"}),
    _p("vague_plural",
       r"(?:(?P<the>the)\s+)?(?P<rel>recent|coming|past|next|last|previous|ensuing|following)\s+(?:few\s+|several\s+)?"
       r"(?P<unit>days|weeks|months|years|decades|quarters)\b", 1, cues=_PLURAL_UNIT_CUES),
    _p("bare_plural", r"(?:(?P<the>the)\s+)?(?P<unit>days|weeks|months|years|decades|centuries|hours|minutes)\b(?!\s+(?:of|ago|earlier|later|before))", 0, cues=_PLURAL_UNIT_CUES),
    _p("set",
       r"(?P<q>every|each|per)\s+(?:(?P<num>other|" + _NUM + r")\s+)?(?P<unit>second|minute|hour|day|week|month|year|"
       r"quarter|night|morning|evening|afternoon|weekend|" + _WEEKDAY + r"|" + _MONTH + r"|(?:seconds|minutes|hours|days|weeks|months|years))\b", 3, cues={"every", "each", "per"}),
    _p("set_adv", r"\b(?P<adv>" + _words(FREQUENCY_ADVERBS) + r")\b", 2, cues=_runs(FREQUENCY_ADVERBS)),
    _p("ref",
       r"\b(?P<ref>" + _words(REFERENCES) + r")\b", 0, cues=_longest_runs(REFERENCES)),
    _p("clock", r"(?P<clock>" + _CLOCK + r")" + _ZONE, 1, cues=_CLOCK_CUES),
    _p("year_end", r"(?:(?:around|the)\s+)?(?P<w>mid-?year|year-end|year\s+end|yearend|year's\s+end|end\s+of\s+the\s+year|end\s+of\s+the\s+month|"
       r"month's\s+end|end\s+of\s+the\s+week)", 1, cues=_runs(["year midyear yearend month week"])),
]

_PAST_WORDS = re.compile(
    r"\b(?:was|were|had|did|said|ago|last|yesterday|earlier|told|took|came|went|made|began|"
    r"left|met|got|gave|saw|became|fell|rose|won|lost|held|\w{3,}ed)\b", re.I
)
_FUTURE_WORDS = re.compile(
    r"\b(?:will|shall|'ll|going\s+to|plans?\s+to|planned|expected\s+to|expects?\s+to|scheduled|due\s+to|"
    r"would\s+be\s+held|to\s+be\s+held|is\s+to|are\s+to)\b", re.I
)
# Words that point ahead only weakly: they often belong to another expression
# ("was freed the next morning"), so a past-tense verb outweighs them.
_WEAK_FUTURE_WORDS = re.compile(r"\b(?:next|tomorrow|coming|upcoming)\b", re.I)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-Z\"'])|\n\s*\n")
_CLAUSE_WINDOW = 80


# --------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------


def resolve_weekday(weekday: int, dct: date, direction: str) -> date:
    """Date of ``weekday`` (Monday=0) relative to ``dct``.

    ``past``: the most recent such day on or before the dct (same day counts);
    ``future``: the next one after the dct (same day counts too: "will meet
    Wednesday" written on a Wednesday usually means that day);
    anything else: the nearest one (ties go to the past).
    """
    back = (dct.weekday() - weekday) % 7
    forward = (weekday - dct.weekday()) % 7
    if direction == "past":
        return dct - timedelta(days=back)
    if direction == "future":
        return dct + timedelta(days=forward)
    return dct - timedelta(days=back) if back <= forward else dct + timedelta(days=forward)


def precision_of(value: str) -> str:
    """Precision of a TIMEX3 value: day | week | month | year | unknown."""
    if re.match(r"^\d{4}-\d\d-\d\d", value):
        return "day"
    if re.match(r"^\d{4}-W\d\d?$", value) or re.match(r"^\d{4}-W\d\d?-WE$", value):
        return "week"
    if re.match(r"^\d{4}-\d\d$", value):
        return "month"
    if re.match(r"^\d{4}(-(Q\d|H\d|SP|SU|FA|WI))?$", value):
        return "year"
    return "unknown"


def value_bounds(value: str) -> tuple[date | None, date | None]:
    """First and last day a DATE/TIME value covers (``None`` when it is vague)."""
    try:
        m = re.match(r"^(\d{4})-(\d\d)-(\d\d)", value)
        if m:
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        m = re.match(r"^(\d{4})-W(\d\d?)(-WE)?$", value)
        if m:
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3]:
                return monday + timedelta(days=5), monday + timedelta(days=6)
            return monday, monday + timedelta(days=6)
        m = re.match(r"^(\d{4})-(\d\d)$", value)
        if m:
            first = date(int(m[1]), int(m[2]), 1)
            return first, first + relativedelta(months=1, days=-1)
        m = re.match(r"^(\d{4})-Q(\d)$", value)
        if m:
            first = date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return first, first + relativedelta(months=3, days=-1)
        m = re.match(r"^(\d{4})-H(\d)$", value)
        if m:
            first = date(int(m[1]), 6 * int(m[2]) - 5, 1)
            return first, first + relativedelta(months=6, days=-1)
        m = re.match(r"^(\d{4})(-(SP|SU|FA|WI))?$", value)
        if m:
            year = int(m[1])
            season = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}.get(m[3] or "", (1, 12))
            first = date(year, season[0], 1)
            last_year = year + 1 if season[1] < season[0] else year
            return first, date(last_year, season[1], 1) + relativedelta(months=1, days=-1)
        m = re.match(r"^(\d{3})$", value)
        if m:
            return date(int(m[1]) * 10, 1, 1), date(int(m[1]) * 10 + 9, 12, 31)
    except (ValueError, OverflowError):
        return None, None
    return None, None


def nearest_timex(timexes: list[Timex], start: int, end: int, text: str) -> Timex | None:
    """The DATE/TIME expression in the same sentence as ``text[start:end]`` (an
    event trigger) closest to it, or ``None``."""
    sentence_start, sentence_end = _sentence_bounds(text, start, end)
    same_sentence = [
        t for t in timexes
        if t.type in ("DATE", "TIME") and t.begin is not None
        and sentence_start <= t.start and t.end <= sentence_end
    ]
    if not same_sentence:
        return None
    return min(same_sentence, key=lambda t: min(abs(t.start - end), abs(start - t.end)))


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for m in _SENTENCE_BREAK.finditer(text, 0, start):
        left = m.end()
    right_match = _SENTENCE_BREAK.search(text, end)
    return left, right_match.start() + 1 if right_match else len(text)


def event_date_fields(tx: Timex) -> tuple[str | None, str | None, str]:
    """``(date, date_end, precision)`` for an Event dated by ``tx``: the ISO day,
    month (YYYY-MM) or year the value names, the open or closed end of a range."""
    if tx.begin is None:
        return None, None, "unknown"
    precision = tx.precision
    if precision == "day":
        first = tx.begin.isoformat()
    elif precision == "month":
        first = tx.begin.isoformat()[:7]
    elif precision == "year" and tx.until is not None and (tx.until - tx.begin).days >= 364:
        first = str(tx.begin.year)
    else:
        first = tx.begin.isoformat()
    last = tx.until.isoformat() if tx.until is not None and tx.until != tx.begin else None
    if precision in ("month", "year") and last is not None and tx.value[:4].isdigit() and len(tx.value) <= 7:
        last = None  # a whole month or year is said by the partial date itself
    return first, last, precision


def tense_at(text: str, start: int, end: int, doc: "Doc | None" = None) -> str:
    """Tense of the clause around ``text[start:end]``: past | future | present | unknown."""
    if doc is not None:
        tense = _tense_from_doc(doc, start, end)
        if tense != "unknown":
            return tense
    return _tense_from_words(text, start, end)


# --------------------------------------------------------------------------
# Tense / direction
# --------------------------------------------------------------------------


def _tense_from_doc(doc: "Doc", start: int, end: int) -> str:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return "unknown"
    token = span.root
    for _ in range(6):  # climb to the governing verb
        if token.pos_ in ("VERB", "AUX") or token.head is token:
            break
        token = token.head
    if token.pos_ not in ("VERB", "AUX"):
        return "unknown"
    return _verb_tense(token)


def _verb_tense(verb) -> str:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    for aux in auxes:
        if aux.lower_ in ("will", "'ll", "shall", "wo"):
            return "future"
    if verb.lower_ in ("will", "'ll", "shall"):
        return "future"
    if any(c.lower_ == "to" and c.dep_ == "aux" for c in verb.children) and verb.head.lower_ in PLANNING_VERBS:
        if any(c.lower_ == "had" for c in verb.head.children if c.dep_ in ("aux", "auxpass")):
            return "past"  # "had been scheduled to expire Friday": a plan already past
        return "future"
    for tok in [verb, *auxes]:
        if "Past" in tok.morph.get("Tense"):
            return "past"
    for tok in [verb, *auxes]:
        if "Pres" in tok.morph.get("Tense"):
            return "present"
    return "unknown"


def _tense_from_words(text: str, start: int, end: int) -> str:
    left = text[max(0, start - _CLAUSE_WINDOW):start]
    breaks = list(_SENTENCE_BREAK.finditer(left))
    if breaks:
        left = left[breaks[-1].end():]
    right = text[end:end + 40]
    brk = _SENTENCE_BREAK.search(right)
    if brk:
        right = right[:brk.start()]
    context = left + " " + right
    if _FUTURE_WORDS.search(context):
        return "future"
    if _PAST_WORDS.search(context):
        return "past"
    if _WEAK_FUTURE_WORDS.search(context):
        return "future"
    return "unknown"


# --------------------------------------------------------------------------
# Candidate selection
# --------------------------------------------------------------------------


@dataclass
class _Candidate:
    start: int
    end: int
    pattern: _Pattern
    match: re.Match


def _candidates(text: str, every_pattern: bool = False) -> list[_Candidate]:
    """Pattern matches bounded by non-word characters; ``every_pattern`` skips the cue
    check (the tests compare both ways)."""
    found: list[_Candidate] = []
    cues = _text_cues(text)
    for pattern in PATTERNS:
        if not every_pattern and pattern.cues is not None and pattern.cues.isdisjoint(cues):
            continue
        for m in pattern.regex.finditer(text):
            if m.end() > m.start() and _word_bounded(text, m.start(), m.end()):
                found.append(_Candidate(m.start(), m.end(), pattern, m))
    return found


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _select(cands: list[_Candidate], accepts: Callable[[_Candidate], bool]) -> list[_Candidate]:
    """Keep the longest (then highest-priority) non-overlapping candidates that
    ``accepts``; a rejected one ("a year" that is no duration) leaves its span
    to the next ("a year" as a rate)."""
    cands.sort(key=lambda c: (-(c.end - c.start), -c.pattern.priority, c.start))
    taken: list[_Candidate] = []
    for c in cands:
        if all(c.end <= t.start or c.start >= t.end for t in taken) and accepts(c):
            taken.append(c)
    return sorted(taken, key=lambda c: c.start)


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------


@dataclass
class _Context:
    text: str
    dct: date | None
    doc: "Doc | None"
    last_quarter: tuple[int, int] | None = None  # (year, quarter) last mentioned
    last_date: Timex | None = None  # the last calendar date or time named, for "that day"
    floating_clocks: set[int] = field(default_factory=set)  # starts of clock times without a day

    def tense(self, start: int, end: int) -> str:
        return tense_at(self.text, start, end, self.doc)


def number_value(raw: str) -> float | None:
    """'nine' -> 9, 'twenty-four' -> 24, '3' -> 3, 'several' -> None (vague)."""
    raw = raw.lower().strip()
    half = 0.0
    if raw.endswith("and a half"):
        half, raw = 0.5, raw[: -len("and a half")].strip()
    if raw == "a half" or re.fullmatch(r"half\s+an?", raw):
        return 0.5
    raw = re.sub(r"\s+", " ", raw)
    if raw in ("a couple of", "couple of", "a couple"):
        return 2
    if raw in VAGUE_QUANTITIES:
        return None
    m = re.match(r"^(\d+)\s+1/2$", raw)
    if m:
        return int(m[1]) + 0.5
    try:
        return float(raw) + half
    except ValueError:
        pass
    total = 0.0
    for part in re.split(r"[- ]+", raw):
        if part in ("hundred", "thousand"):  # "a hundred years", "two thousand years"
            total = (total or 1) * (100 if part == "hundred" else 1000)
        elif part in SMALL_NUMBERS:
            total += SMALL_NUMBERS[part]
        elif part in TENS:
            total += TENS[part]
        else:
            return None
    return total + half


def _unit_key(unit: str) -> str:
    unit = unit.lower()
    if unit.startswith("centur"):
        return "century"
    return unit[:-1] if unit.endswith("s") else unit


def _duration_value(num: float | None, unit: str) -> str:
    key = _unit_key(unit)
    if key == "quarter":  # TimeML writes quarters as their own unit: P2Q
        return "PXQ" if num is None else f"P{_fmt(num)}Q"
    if key == "weekend":
        return "P2D" if num in (None, 1) else f"P{_fmt(num * 2)}D"
    if key == "decade":
        return "PXDE" if num is None else f"P{_fmt(num * 10)}Y"
    if key == "century":
        return "PXCE" if num is None else f"P{_fmt(num * 100)}Y"
    letter, is_time = UNITS.get(key, ("X", False))
    prefix = "PT" if is_time else "P"
    if num is None:
        return f"{prefix}X{letter}"
    if num != int(num) and is_time and key == "minute":
        return f"PT{int(num)}M{int(round((num - int(num)) * 60))}S"
    if num != int(num) and num > 1 and letter in ("Y", "D", "H") :
        sub = {"Y": ("M", 12), "D": ("H", 24), "H": ("M", 60)}[letter]
        rest = f"{_fmt(round((num - int(num)) * sub[1], 2))}{sub[0]}"
        if letter == "D":
            return f"P{int(num)}DT{rest}"
        return f"{prefix}{int(num)}{letter}{rest}"
    if num != int(num):
        smaller = {"Y": (12, "M"), "D": (24, "H"), "H": (60, "M"), "W": (7, "D"), "M": (30, "D")}.get(letter)
        if smaller and not is_time:
            if smaller[1] == "H":
                return f"PT{_fmt(num * smaller[0])}H"
            return f"P{_fmt(num * smaller[0])}{smaller[1]}"
    return f"{prefix}{_fmt(num)}{letter}"


def _fmt(num: float) -> str:
    return str(int(num)) if num == int(num) else str(num)


def _iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _month_number(raw: str) -> int:
    return MONTHS[raw.lower().rstrip(".")]


# A past-tense clause may still name a date a little ahead ("set a deadline of
# Dec. 7", "payable Dec. 1"), so a past tense only rules out dates further ahead.
_NEAR_FUTURE_DAYS = 100
_WRONG_DIRECTION_DAYS = 366
# Future cues ("will", "next") are rarely wrong: a future clause always looks ahead.
_WRONG_FUTURE_DAYS = 366


# "the quarter ended Sept. 30": a reporting period that has closed
_ENDED_LEFT = re.compile(r"\bended\s+$", re.I)


def _year_for_month(month: int, day: int | None, ctx: _Context, start: int, end: int) -> int:
    """Year of a month (and day) written without one: the dct's year, moved one
    back for a past-tense clause when the date would lie after the dct, or one
    forward for a future-tense clause when it would lie before it."""
    dct = ctx.dct
    assert dct is not None
    tense = ctx.tense(start, end)

    if _ENDED_LEFT.search(ctx.text[max(0, start - 10):start]):
        tense = "ended"
    slack = _NEAR_FUTURE_DAYS if tense == "past" else 0

    def cost(year: int) -> int:
        when = _safe_date(year, month, day or 15) or date(year, month, 28)
        distance = abs((when - dct).days)
        if day is None and (year, month) == (dct.year, dct.month):
            return 0
        if tense in ("past", "ended") and (when - dct).days > slack:
            distance += _WRONG_DIRECTION_DAYS
        if tense == "future" and when < dct:
            distance += _WRONG_FUTURE_DAYS
        return distance

    return min((dct.year - 1, dct.year, dct.year + 1), key=cost)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# (type, value), or (type, value, characters to drop from the left of the extent
# [, characters to drop from its right]): "the third-quarter results", "three days
# later"; a negative count widens the extent ("twice a week", "a three-year period").
Result = tuple[str, str] | tuple[str, str, int] | tuple[str, str, int, int] | None


def _n_iso(c: _Candidate, ctx: _Context) -> Result:
    d = _safe_date(int(c.match["y"]), int(c.match["m"]), int(c.match["d"]))
    return ("DATE", d.isoformat()) if d else None


def _n_slash(c: _Candidate, ctx: _Context) -> Result:
    a, b = int(c.match["a"]), int(c.match["b"])
    if a > 12 and b <= 12:
        day, month = a, b
    elif b > 12 and a <= 12:
        month, day = a, b
    elif a <= 12 and b <= 12 and c.match["y"]:
        month, day = a, b  # ambiguous: US order, the usual one in English wire news
    else:
        return None
    raw_year = c.match["y"]
    if raw_year:
        year = int(raw_year) + (0 if len(raw_year) == 4 else (1900 if int(raw_year) > 50 else 2000))
    elif ctx.dct:
        year = _year_for_month(month, day, ctx, c.start, c.end)
    else:
        return ("DATE", f"XXXX-{month:02d}-{day:02d}") if _safe_date(2000, month, day) else None
    d = _safe_date(year, month, day)
    return ("DATE", d.isoformat()) if d else None


def _day_month_value(mon: str, day: int, year_raw: str | None, c: _Candidate, ctx: _Context) -> str | None:
    month = _month_number(mon)
    if year_raw:
        # A full date: dateutil does the parsing.
        try:
            parsed = date_parser.parse(f"{month} {day} {year_raw}", dayfirst=False).date()
        except (ValueError, OverflowError):
            return None
        return parsed.isoformat()
    if ctx.dct is None:
        return f"XXXX-{month:02d}-{day:02d}" if _safe_date(2000, month, day) else None
    year = _year_for_month(month, day, ctx, c.start, c.end)
    d = _safe_date(year, month, day)
    return d.isoformat() if d else None


def _n_mdy(c: _Candidate, ctx: _Context) -> Result:
    day = int(c.match["d"])
    if not 1 <= day <= 31:
        return None
    value = _day_month_value(c.match["mon"], day, c.match["y"], c, ctx)
    return ("DATE", value) if value else None


def _n_month_year(c: _Candidate, ctx: _Context) -> Result:
    raw = c.match["y"]
    year = int(raw) if raw.isdigit() else _spelled_year(raw)
    return ("DATE", f"{year:04d}-{_month_number(c.match['mon']):02d}") if year else None


def _n_month(c: _Candidate, ctx: _Context) -> Result:
    mon = c.match["mon"]
    if mon.lower().rstrip(".") in ("may", "march", "mar", "jan", "dec", "sep") and not c.match["mod"]:
        if not _looks_like_month(ctx.text, c.start, c.end):
            return None
    month = _month_number(mon)
    if ctx.dct is None:
        return ("DATE", f"XXXX-{month:02d}")
    mod = (c.match["mod"] or "").lower()
    year = ctx.dct.year
    if mod in ("last", "past", "previous"):
        year = year if month < ctx.dct.month else year - 1
    elif mod in ("next", "coming"):
        year = year if month > ctx.dct.month else year + 1
    elif mod != "this":
        year = _year_for_month(month, None, ctx, c.start, c.end)
    return ("DATE", f"{year:04d}-{month:02d}")


_MONTH_CONTEXT = re.compile(r"(?:\b(?:in|since|until|by|of|from|to|through|early|late|mid-?|last|next|this|during)\s+$)", re.I)


def _looks_like_month(text: str, start: int, end: int) -> bool:
    """'May' and 'March' are also a verb/modal and a noun: accept them as months
    only after a temporal preposition or before a year/day."""
    return bool(_MONTH_CONTEXT.search(text[max(0, start - 12):start])) or bool(
        re.match(r"\s*,?\s*(?:\d|of\s+\d)", text[end:end + 8])
    )


def _n_decade(c: _Candidate, ctx: _Context) -> Result:
    words = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
             "seventies": 7, "eighties": 8, "nineties": 9}
    if c.match["w"]:
        if not c.match.group(0).lower().startswith("the"):
            return None  # "in his forties" is an age
        return ("DATE", f"19{words[c.match['w'].lower()]}")
    if c.match["c"] and c.match["d"] == "0" and int(c.match["c"]) < 20:
        return ("DATE", c.match["c"])  # "the 1800s" is the century, "the 2000s" a decade
    if c.match["c"]:
        return ("DATE", f"{c.match['c']}{c.match['d']}")
    return ("DATE", f"19{c.match['d2']}")


def _n_century(c: _Candidate, ctx: _Context) -> Result:
    return ("DATE", f"{int(c.match['n']) - 1:02d}")


def _n_year(c: _Candidate, ctx: _Context) -> Result:
    year = int(c.match["y"])
    if not c.match["mod"] and not _looks_like_year(ctx.text, c.start, c.end, year, ctx.dct):
        return None
    mod = (c.match["mod"] or "").lower()
    if "first half" in mod:
        return ("DATE", f"{year}-H1")
    if "second half" in mod:
        return ("DATE", f"{year}-H2")
    return ("DATE", str(year))


_YEAR_LEFT = re.compile(r"(?:\b(?:in|since|of|from|to|until|by|before|after|during|through|the|early|late|mid|fiscal|year|and|or|between|around|until|till|for|than|'s)\s+|[(,]\s*)$", re.I)
_NOT_YEAR_RIGHT = re.compile(r"^\s*(?:people|persons|troops|soldiers|men|women|children|votes|jobs|miles|feet|meters|tons|shares|cars|units|dollars|pounds|yen|marks|francs|points?|employees|workers|members|homes|deaths|years?|hours?)\b", re.I)


def _looks_like_year(text: str, start: int, end: int, year: int, dct: date | None) -> bool:
    if _NOT_YEAR_RIGHT.match(text[end:end + 15]):
        return False
    if dct is not None and year > dct.year + 30:
        return False
    left = text[max(0, start - 12):start]
    return bool(_YEAR_LEFT.search(left)) or year >= 1900


def _season_year(season: str, mod: str, ctx: _Context, start: int, end: int) -> int:
    dct = ctx.dct
    assert dct is not None
    season_start = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[season]
    current = dct.year
    mod = "last" if "past" in mod else mod.replace("the ", "")
    if mod in ("last", "past"):
        return current if season_start + 2 < dct.month else current - 1
    if mod in ("next", "coming"):
        return current if season_start > dct.month else current + 1
    if mod == "this":
        return current
    tense = ctx.tense(start, end)
    if tense == "past" and season_start > dct.month:
        return current - 1
    if tense == "future" and season_start + 2 < dct.month:
        return current + 1
    return current


# "the summer" is a date after a preposition ("into the summer", "of the early
# summer"); elsewhere it is often a name ("the Summer Palace").
_SEASON_LEFT = re.compile(r"\b(?:in|during|over|since|until|till|by|into|through|throughout|of|from|for|before|after)\s+$", re.I)


def _n_season(c: _Candidate, ctx: _Context) -> Result:
    season = SEASONS[c.match["s"].lower()]
    if c.match["y"]:
        return ("DATE", f"{c.match['y']}-{season}")
    mod = (c.match.groupdict().get("mod") or "").lower()
    if ctx.dct is None:
        return ("DATE", f"XXXX-{season}")
    if mod.startswith("the") and not _SEASON_LEFT.search(ctx.text[max(0, c.start - 12):c.start]):
        return None
    return ("DATE", f"{_season_year(season, mod, ctx, c.start, c.end)}-{season}")


def _relday_date(rel: str, dct: date) -> date:
    return dct + timedelta(days={"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "this": 0, "last": -1}[rel])


def _n_relday(c: _Candidate, ctx: _Context) -> Result:
    rel = c.match["rel"].lower()
    part = (c.match.groupdict().get("part") or "").lower()
    if rel == "last" and part != "night":
        return None if ctx.dct is None else ("TIME", f"{_relday_date('yesterday', ctx.dct).isoformat()}T{PARTS_OF_DAY[part]}")
    if ctx.dct is None:
        return ("DATE", "PRESENT_REF") if rel == "today" and not part else None
    day = _relday_date(rel, ctx.dct)
    if rel == "tonight":
        return ("TIME", f"{day.isoformat()}TNI")
    if part:
        return ("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[part]}")
    return ("DATE", day.isoformat())


def _weekday_date(wd: str, mod: str, c: _Candidate, ctx: _Context) -> date | None:
    if ctx.dct is None:
        return None
    weekday = WEEKDAYS[wd.lower()]
    if mod == "last":
        d = resolve_weekday(weekday, ctx.dct - timedelta(days=1), "past")
    elif mod in ("next", "coming"):
        d = resolve_weekday(weekday, ctx.dct + timedelta(days=1), "future")
    elif mod == "this":
        d = resolve_weekday(weekday, ctx.dct, "nearest")
    else:
        tense = ctx.tense(c.start, c.end)
        if tense != "future" and ctx.text[c.end:c.end + 2] in ("'s", "’s"):
            tense = "past"  # "Wednesday's attack": a reported event
        d = resolve_weekday(weekday, ctx.dct, tense)
    return d


def _n_weekday(c: _Candidate, ctx: _Context) -> Result:
    wd = c.match["wd"]
    mod = (c.match.groupdict().get("mod") or "").lower()
    part = (c.match.groupdict().get("part") or "").lower()
    if part.endswith("s"):  # "Tuesday nights": a recurring time
        return ("SET", f"XXXX-WXX-{WEEKDAYS[wd.lower()] + 1}T{PARTS_OF_DAY[part]}")
    d = _weekday_date(wd, mod, c, ctx)
    if d is None:
        suffix = f"T{PARTS_OF_DAY[part]}" if part else ""
        return ("TIME" if part else "DATE", f"XXXX-WXX-{WEEKDAYS[wd.lower()] + 1}{suffix}")
    if part:
        return ("TIME", f"{d.isoformat()}T{PARTS_OF_DAY[part]}")
    return ("DATE", d.isoformat())


def _shift(dct: date, num: float, unit: str, sign: int) -> date:
    key = _unit_key(unit)
    n = int(round(num))
    deltas = {
        "day": relativedelta(days=n), "week": relativedelta(weeks=n),
        "month": relativedelta(months=n), "year": relativedelta(years=n),
        "decade": relativedelta(years=10 * n), "century": relativedelta(years=100 * n),
        "quarter": relativedelta(months=3 * n), "weekend": relativedelta(weeks=n),
    }
    delta = deltas.get(key, relativedelta(days=0))
    return dct + delta if sign > 0 else dct - delta


def _granular(d: date, unit: str) -> str:
    """Render a shifted date at the granularity of the unit it was shifted by."""
    key = _unit_key(unit)
    if key in ("day", "hour", "minute", "second"):
        return d.isoformat()
    if key in ("week", "weekend"):
        return _iso_week(d)
    if key == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if key == "quarter":
        return f"{d.year:04d}-Q{_quarter_of(d)}"
    return f"{d.year:04d}"  # "a decade ago" names about a year, not the decade before


# "three days later", "two weeks before": measured from a time in the story, not
# from the dct, so TimeML marks "three days" as a DURATION and the rest as a signal.
# "a year earlier" in a results story is the comparison period, a DATE.
_NARRATIVE_DIRECTIONS = ("later", "after", "before", "previously")


def _n_ago(c: _Candidate, ctx: _Context) -> Result:
    num = number_value(c.match["num"])
    unit = c.match["unit"]
    direction = re.sub(r"\s+", " ", c.match["dir"].lower())
    sign = 1 if direction in ("later", "after", "from now", "hence") else -1
    key = _unit_key(unit)
    if direction in _NARRATIVE_DIRECTIONS or (direction == "earlier" and key not in ("year", "quarter")):
        signal = c.end - len(ctx.text[c.start:c.match.start("dir")].rstrip()) - c.start
        return ("DURATION", _duration_value(num, unit), 0, signal)
    if key in ("hour", "minute", "second"):
        return ("TIME", "PAST_REF" if sign < 0 else "FUTURE_REF")
    if num is None or ctx.dct is None:
        return ("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF")
    if key == "year" and num == 1 and ctx.last_quarter and direction in ("ago", "earlier"):
        year, quarter = ctx.last_quarter
        return ("DATE", f"{year - 1}-Q{quarter}")
    return ("DATE", _granular(_shift(ctx.dct, num, unit, sign), unit))


def _n_relunit(c: _Candidate, ctx: _Context) -> Result:
    rel = re.sub(r"\s+", " ", c.match["rel"].lower())
    unit = re.sub(r"\s+", " ", c.match["unit"].lower())
    has_the = bool(c.match.groupdict().get("the"))
    if unit == "fiscal year":
        unit = "year"
    dct = ctx.dct
    if rel in ("new",) and unit != "year":
        return None
    if rel == "recent" or (rel == "same" and unit != "quarter"):
        return ("DATE", "PAST_REF") if rel == "recent" else None
    if rel in ("year-ago", "year-earlier"):
        return _year_ago(ctx, unit)
    if unit in ("quarter", "period") or (unit == "half"):
        return _quarter_like(rel, unit, ctx)
    if dct is None:
        return ("DATE", "PRESENT_REF") if rel in ("this", "current") else None
    offset = {"last": -1, "past": -1, "previous": -1, "prior": -1, "this": 0, "current": 0, "current fiscal": 0,
              "fiscal": 0, "latest": 0, "same": 0, "next": 1, "coming": 1, "following": 1, "new": 1}.get(rel, 0)
    if unit == "week":
        return ("DATE", _iso_week(dct + timedelta(weeks=offset)))
    if unit == "weekend":
        base = dct + timedelta(weeks=offset)
        return ("DATE", _iso_week(base) + "-WE")
    if unit == "month":
        d = dct + relativedelta(months=offset)
        return ("DATE", f"{d.year:04d}-{d.month:02d}")
    if unit == "decade":
        return ("DURATION", "P10Y") if has_the or rel in ("past", "last") else ("DATE", str(dct.year // 10 + offset))
    if unit == "century":
        if has_the and rel in ("past", "last"):
            return ("DURATION", "P100Y")
        return ("DATE", f"{dct.year // 100 + offset:02d}")
    return ("DATE", str(dct.year + offset))


def _quarter_like(rel: str, unit: str, ctx: _Context) -> Result:
    if unit == "half":
        if ctx.dct is None:
            return None
        half = 1 if ctx.dct.month <= 6 else 2
        return ("DATE", f"{ctx.dct.year}-H{half}")
    # "the same quarter" / "this period" refer back to the quarter under discussion;
    # "the latest quarter" is the last completed one, "the current quarter" the dct's.
    if ctx.last_quarter and rel in ("same", "this", "fiscal", "comparable") or (ctx.last_quarter and unit == "period"):
        return ("DATE", f"{ctx.last_quarter[0]}-Q{ctx.last_quarter[1]}")
    if ctx.dct is None:
        return None
    year, quarter = ctx.dct.year, _quarter_of(ctx.dct)
    if rel in ("last", "past", "previous", "prior", "latest", "same", "comparable"):
        quarter -= 1
    elif rel in ("next", "coming", "following"):
        quarter += 1
    year, quarter = year + (quarter - 1) // 4, (quarter - 1) % 4 + 1
    return ("DATE", f"{year}-Q{quarter}")


def _year_ago(ctx: _Context, unit: str | None) -> Result:
    if ctx.last_quarter:
        return ("DATE", f"{ctx.last_quarter[0] - 1}-Q{ctx.last_quarter[1]}")
    if ctx.dct is None:
        return None
    return ("DATE", str(ctx.dct.year - 1))


def _n_year_ago_adj(c: _Candidate, ctx: _Context) -> Result:
    return _year_ago(ctx, c.match["unit"])


def _n_quarter(c: _Candidate, ctx: _Context) -> Result:
    unit = c.match["unit"].lower()
    rel = (c.match["rel"] or "").lower()
    yr = (c.match["yr"] or "").lower()
    if c.match["ord"] is None:
        return _quarter_without_ordinal(yr, rel, unit, ctx, bool(c.match["the"]))
    n = ORDINALS[c.match["ord"].lower()]
    if yr and ctx.dct is not None:
        year = int(yr) if yr.isdigit() else ctx.dct.year + {"this": 0, "last": -1, "next": 1}[yr.split()[0]]
    elif c.match["y"]:
        year = int(c.match["y"])
    elif c.match["rel_y"] and ctx.dct is not None:  # "the first quarter of next year"
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[c.match["rel_y"].lower()]
    elif ctx.dct is None:
        year = None
    else:
        year = ctx.dct.year
        if rel in ("year-ago", "year-earlier"):
            year -= 1
        elif unit == "quarter" and n > _quarter_of(ctx.dct) and ctx.tense(c.start, c.end) == "past":
            year -= 1
    prefix = f"{year:04d}" if year is not None else "XXXX"
    value = f"{prefix}-H{min(n, 2)}" if unit == "half" else f"{prefix}-Q{n}"
    whole = c.match.group(0)
    if re.search(r"-(?:quarter|half)$", whole, re.I) and whole.lower().startswith("the "):
        return ("DATE", value, 4)  # "the third-quarter results": the adjective alone
    return ("DATE", value)


_ENDED = re.compile(r"^\s+(?:ended|ending|to\s+date|ago)\b", re.I)


def _quarter_without_ordinal(yr: str, rel: str, unit: str, ctx: _Context, c_has_the: bool) -> Result:
    """'the 1988 quarter', "last year's quarter": the quarter under discussion, in that year;
    'the quarter', 'the latest period' with no year: see _quarter_like."""
    if unit == "half" or ctx.dct is None:
        return None
    if not yr:
        if not rel and not c_has_the:
            return None  # a bare "quarter" (of a mile, of the market)
        if unit == "period" and not rel:
            return None
        return _quarter_like(rel or "same", "quarter", ctx)
    year = int(yr) if yr.isdigit() else ctx.dct.year + {"this": 0, "last": -1, "next": 1}[yr.split()[0]]
    quarter = ctx.last_quarter[1] if ctx.last_quarter else None
    return ("DATE", f"{year}-Q{quarter}" if quarter else str(year))


def _n_the_unit(c: _Candidate, ctx: _Context) -> Result:
    """'the year', 'the week', 'the weekend': anaphoric units, taken to be those of the dct
    (a fiscal 'year ended June 30' is a one-year stretch)."""
    unit = c.match["unit"].lower()
    if ctx.dct is None:
        return None
    if _ENDED.match(ctx.text[c.end:c.end + 12]):
        return ("DURATION", _duration_value(1, unit)) if unit != "period" else None
    if unit == "year":
        return ("DATE", str(ctx.dct.year))
    if unit == "week":
        return ("DATE", f"{ctx.dct.year}-WXX")
    if unit == "weekend":
        tense = ctx.tense(c.start, c.end)
        saturday = resolve_weekday(5, ctx.dct, "future" if tense == "future" else "past")
        return ("DATE", _iso_week(saturday) + "-WE")
    if unit in ("quarter", "period"):
        if ctx.last_quarter:
            return ("DATE", f"{ctx.last_quarter[0]}-Q{ctx.last_quarter[1]}")
        return None
    return None


def _n_duration(c: _Candidate, ctx: _Context) -> Result:
    raw_num = c.match["num"].lower()
    det = (c.match.groupdict().get("the") or "").lower()
    rel = (c.match.groupdict().get("rel") or "").lower()
    approx = c.match.groupdict().get("approx")
    num = number_value(c.match["lo"] or raw_num)
    if raw_num in ("a", "an") and not (det or rel or approx) and not _duration_context(ctx.text, c.start):
        return None
    if raw_num in ("some", "many") and not rel:
        return None
    if num is not None and num > 1000:
        return None
    if num is None and re.sub(r"\s+", " ", raw_num) not in VAGUE_QUANTITIES:
        return None
    return ("DURATION", _duration_value(num, c.match["unit"]))


_DURATION_LEFT = re.compile(r"\b(?:for|in|within|over|after|about|nearly|than|of|past|last|lasted|lasting|take|takes|took|spent|spend|served|serve|entire|whole|full|least|almost|around|only|just|up\s+to)\s+$", re.I)


def _duration_context(text: str, start: int) -> bool:
    return bool(_DURATION_LEFT.search(text[max(0, start - 12):start]))


# "a three-year period", "the 18-month span": the whole noun phrase is the duration
_PERIOD_LEFT = re.compile(r"\b(?:a|an|the)\s+$", re.I)
_PERIOD_RIGHT = re.compile(r"\s+(?:period|span|stretch|interval|window)\b", re.I)


def _n_duration_adj(c: _Candidate, ctx: _Context) -> Result:
    raw = c.match["num"].lower()
    num = None if raw in ("several", "multi") else number_value(raw)
    if num is None and raw not in ("several", "multi"):
        return None
    value = _duration_value(num, c.match["unit"])
    noun = _PERIOD_RIGHT.match(ctx.text, c.end)
    det = _PERIOD_LEFT.search(ctx.text, max(0, c.start - 5), c.start)
    if noun and det:
        return ("DURATION", value, -(c.start - det.start()), -(noun.end() - c.end))
    return ("DURATION", value)


def _n_vague_plural(c: _Candidate, ctx: _Context) -> Result:
    rel = c.match["rel"].lower()
    unit = c.match["unit"]
    if rel == "recent" and not c.match["the"] and _unit_key(unit) == "year":
        return ("DATE", "PAST_REF")
    return ("DURATION", _duration_value(None, unit))


_BARE_LEFT = re.compile(r"\b(?:for|in|over|within|after|took|take|takes|lasted|last|spent)\s+$", re.I)


def _n_bare_plural(c: _Candidate, ctx: _Context) -> Result:
    if not _BARE_LEFT.search(ctx.text[max(0, c.start - 10):c.start]):
        return None
    return ("DURATION", _duration_value(None, c.match["unit"]))


def _n_set(c: _Candidate, ctx: _Context) -> Result:
    unit = c.match["unit"]
    low = unit.lower()
    num_raw = (c.match["num"] or "").lower()
    if low in WEEKDAYS:
        return ("SET", f"XXXX-WXX-{WEEKDAYS[low] + 1}")
    if low.rstrip(".") in MONTHS and unit[0].isupper():
        return ("SET", f"XXXX-{_month_number(unit):02d}")
    if low in ("night", "morning", "evening", "afternoon"):
        return ("SET", "P1D")  # "every night": once a day
    if num_raw == "other":
        num: float | None = 2
    elif num_raw:
        num = number_value(num_raw)
    else:
        num = 1
    if c.match["q"].lower() == "per" and num_raw:
        return None
    return ("SET", _duration_value(num if num is not None else 1, unit))


def _n_set_adv(c: _Candidate, ctx: _Context) -> Result:
    return ("SET", FREQUENCY_ADVERBS[c.match["adv"].lower()])


# Adjectives that are references only before the noun they date ("current market
# conditions", not "the current" of a river).
_REFERENCE_ADJECTIVES = ("current", "recent")


def _n_ref(c: _Candidate, ctx: _Context) -> Result:
    ref = re.sub(r"\s+", " ", c.match["ref"].lower())
    if ref in _REFERENCE_ADJECTIVES and not re.match(r"\s+[a-zA-Z]", ctx.text[c.end:c.end + 3]):
        return None
    value = REFERENCES.get(ref)
    return ("DATE", value) if value else None


_CLOCK_PARTS = {"morning": "am", "afternoon": "pm", "evening": "pm", "night": "night"}
# "4 in the morning" needs a clock preposition before it ("killed 4 in the morning raid" does not)
_CLOCK_LEFT = re.compile(r"\b(?:at|by|until|till|before|after|around|about|from|to|since|and|between)\s+$", re.I)


def _clock_value(raw: str) -> str | None:
    raw = re.sub(r"\s+", " ", raw.lower().strip())
    if raw in ("noon", "midday"):
        return "12:00"
    if raw == "midnight":
        return "24:00"
    m = re.match(r"(\d{1,2})(?::(\d\d))?\s*(?:(a\.?m\.?|p\.?m\.?)|(?:o'clock)?\s*(?:in the |at )?(morning|afternoon|evening|night)?)$", raw)
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    half = m[3] or _CLOCK_PARTS.get(m[4] or "", "")
    if half == "night":  # "11 at night" is 23:00, "2 at night" 02:00
        half = "pm" if hour >= 6 else "am"
    if hour > 24 or minute > 59 or (not half and not m[2] and "o'clock" not in raw):
        return None
    if half.startswith("p") and hour < 12:
        hour += 12
    if half.startswith("a") and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _date_of_rest(rest: str, c: _Candidate, ctx: _Context) -> str | None:
    rest_low = rest.lower()
    m = re.search(_MONTH + r"\s+(\d{1,2})" + _ORD + r"?(?:,?\s+(" + _YEAR + r"))?", rest, re.I)
    if m:
        mon = re.match(_MONTH, m.group(0), re.I)
        return _day_month_value(mon.group(0), int(m[1]), m[2], c, ctx) if mon else None
    first = rest_low.split()[0].strip(",")
    if first in WEEKDAYS:
        d = _weekday_date(first, "", c, ctx)
        return d.isoformat() if d else f"XXXX-WXX-{WEEKDAYS[first] + 1}"
    if first in ("yesterday", "today", "tomorrow", "tonight") and ctx.dct:
        return _relday_date(first, ctx.dct).isoformat()
    return None


def _n_clock(c: _Candidate, ctx: _Context) -> Result:
    raw = c.match["clock"]
    if re.search(r"\s(?:in|at)\s", raw) and not _CLOCK_LEFT.search(ctx.text[max(0, c.start - 10):c.start]):
        return None
    clock = _clock_value(raw)
    if clock is None:
        return None
    rest = c.match.groupdict().get("rest")
    day = _date_of_rest(rest, c, ctx) if rest else None
    if day is None:
        ctx.floating_clocks.add(c.start)  # dated later by a day named in its sentence
        day = ctx.dct.isoformat() if ctx.dct else "XXXX-XX-XX"
    return ("TIME", f"{day}T{clock}")


def _n_part_weekday(c: _Candidate, ctx: _Context) -> Result:
    d = _weekday_date(c.match["wd"], "", c, ctx)
    part = PARTS_OF_DAY[c.match["part"].lower()]
    day = d.isoformat() if d else f"XXXX-WXX-{WEEKDAYS[c.match['wd'].lower()] + 1}"
    return ("TIME", f"{day}T{part}")


def _n_partday_rel(c: _Candidate, ctx: _Context) -> Result:
    if ctx.dct is None:
        return None
    day = _relday_date(c.match["rel"].lower(), ctx.dct)
    return ("TIME", f"{day.isoformat()}T{PARTS_OF_DAY[c.match['part'].lower()]}")


_SPELLED_UNITS = {word: n for word, n in NUMBER_WORDS.items() if n < 10}  # "ninety-six": the six


def _spelled_year(raw: str) -> int | None:
    """'nineteen ninety-six' -> 1996, 'two thousand' -> 2000 (spoken-news transcripts)."""
    words = re.split(r"[-\s]+", raw.lower())
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        return 2000 + (SMALL_NUMBERS.get(rest[0], 0) if rest else 0)
    century = {"nineteen": 1900, "twenty": 2000}.get(words[0])
    if century is None:
        return None
    if words[1] == "hundred":
        return century
    tail = SMALL_NUMBERS.get(words[1]) or TENS.get(words[1], 0)
    if len(words) > 2:
        tail += _SPELLED_UNITS.get(words[2], 0)
    return century + int(tail)


def _n_spelled_year(c: _Candidate, ctx: _Context) -> Result:
    raw = c.match["sure"] or c.match["y"]
    year = _spelled_year(raw)
    sure = bool(c.match["sure"]) or c.match.group(0).lower().startswith("the year")
    if year is None or (not sure and not _YEAR_LEFT.search(ctx.text[max(0, c.start - 12):c.start])):
        return None
    return ("DATE", str(year))


def _n_month_rel_year(c: _Candidate, ctx: _Context) -> Result:
    if ctx.dct is None:
        return None
    year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[c.match["rel"].lower()]
    if c.match["d"]:  # "Feb. 24 last year"
        day = _safe_date(year, _month_number(c.match["mon"]), int(c.match["d"]))
        return ("DATE", day.isoformat()) if day else None
    return ("DATE", f"{year:04d}-{_month_number(c.match['mon']):02d}")


def _n_vague_adj(c: _Candidate, ctx: _Context) -> Result:
    return ("DURATION", _duration_value(None, c.match["unit"]))


def _n_and_a_half(c: _Candidate, ctx: _Context) -> Result:
    return ("DURATION", _duration_value(1.5, c.match["unit"]))


_HOW_OFTEN = re.compile(r"\b(?:once|twice|thrice|(?:\d+|" + _NUMWORD + r"|several|many)\s+times)\s+$", re.I)


def _n_set_a(c: _Candidate, ctx: _Context) -> Result:
    """'$5 million a year', 'three meals a day': a rate, i.e. a SET; 'twice a week'
    keeps its count in the extent (TimeML puts it in freq, not in the value)."""
    unit = c.match["unit"].lower()
    value = "P1D" if unit == "night" else _duration_value(1, unit)
    often = _HOW_OFTEN.search(ctx.text, max(0, c.start - 20), c.start)
    return ("SET", value, -(c.start - often.start())) if often else ("SET", value)


def _n_year_fiscal(c: _Candidate, ctx: _Context) -> Result:
    return ("DATE", c.match["y"])


_SHORT_YEAR_LEFT = re.compile(r"\b(?:in|of|since|until|by|from|to|early|late|mid)\s+$", re.I)


def _n_short_year(c: _Candidate, ctx: _Context) -> Result:
    """''05' is the year of that century closest to the dct, not far ahead of it."""
    if not _SHORT_YEAR_LEFT.search(ctx.text[max(0, c.start - 8):c.start]):
        return None  # a closing quote before a number
    yy = int(c.match["yy"])
    ref = ctx.dct.year if ctx.dct else 2000
    year = (ref // 100) * 100 + yy
    if year > ref + 10:
        year -= 100
    return ("DATE", str(year))


def _n_q_year(c: _Candidate, ctx: _Context) -> Result:
    return ("DATE", f"{c.match['y']}-Q{c.match['q1'] or c.match['q2']}")


def _holiday_date(name: str, year: int) -> date | None:
    """Fixed and rule-based (US) holidays; dateutil computes Easter."""
    from dateutil.easter import easter

    name = re.sub(r"\s+", " ", name.lower())
    fixed = {k.lower(): v for k, v in FIXED_HOLIDAYS.items()}
    if name in fixed:
        return date(year, *fixed[name])
    if name.startswith("easter"):
        return easter(year)
    if name == "good friday":
        return easter(year) - timedelta(days=2)
    if name.startswith("thanksgiving"):  # fourth Thursday of November
        return date(year, 11, 1) + relativedelta(weekday=3) + timedelta(weeks=3)
    if name == "labor day":  # first Monday of September
        return date(year, 9, 1) + relativedelta(weekday=0)
    if name == "memorial day":  # last Monday of May
        return date(year, 5, 31) + relativedelta(weekday=0, weeks=-1) if date(year, 5, 31).weekday() else date(year, 5, 31)
    if name == "election day":  # Tuesday after the first Monday of November
        return date(year, 11, 2) + relativedelta(weekday=1)
    return None


def _n_holiday(c: _Candidate, ctx: _Context) -> Result:
    name = c.match["h"]
    mod = (c.match["mod"] or "").lower()
    if ctx.dct is None:
        return None
    if "week" in name.lower():
        day = _holiday_date("easter", ctx.dct.year)
        return ("DATE", _iso_week(day)) if day else None
    tense = ctx.tense(c.start, c.end)
    if mod == "last":
        tense = "past"
    elif mod == "next":
        tense = "future"
    options = [d for d in (_holiday_date(name, y) for y in (ctx.dct.year - 1, ctx.dct.year, ctx.dct.year + 1)) if d]
    if tense == "past":
        options = [d for d in options if d <= ctx.dct] or options
    elif tense == "future":
        options = [d for d in options if d >= ctx.dct] or options
    day = min(options, key=lambda d: abs((d - ctx.dct).days))
    if mod.startswith("the day after"):
        day += timedelta(days=1)
    elif mod.startswith("the day before"):
        day -= timedelta(days=1)
    return ("DATE", day.isoformat())


def _n_part_mod(c: _Candidate, ctx: _Context) -> Result:
    if ctx.dct is None:
        return None
    return ("TIME", f"{ctx.dct.isoformat()}T{PARTS_OF_DAY[c.match['part'].lower()]}")


def _n_the_part(c: _Candidate, ctx: _Context) -> Result:
    if ctx.dct is None:
        return None
    if c.match["over"]:
        return ("TIME", f"{ctx.dct.isoformat()}TNI")
    return ("TIME", f"{ctx.dct.isoformat()}T{PARTS_OF_DAY[c.match['part'].lower()]}")


_ANAPHORIC_SHIFT = {"following": 1, "next": 1, "previous": -1, "prior": -1}


def _n_anaphoric(c: _Candidate, ctx: _Context) -> Result:
    """'that year', 'the following month', 'the next morning': the unit of the date
    last named (the dct when none was), shifted by one for following/previous."""
    unit = c.match["unit"].lower()
    shift = _ANAPHORIC_SHIFT.get(c.match["rel"].lower().split()[-1], 0)
    anchor = ctx.last_date
    if anchor is not None and anchor.begin is not None:
        day, precision = anchor.begin, anchor.precision
    elif ctx.dct is not None:
        day, precision = ctx.dct, "day"
    else:
        return None
    if unit == "year":
        return ("DATE", str(day.year + shift))
    if unit == "month" and precision in ("day", "week", "month"):
        d = day + relativedelta(months=shift)
        return ("DATE", f"{d.year:04d}-{d.month:02d}")
    if unit == "week" and precision in ("day", "week"):
        return ("DATE", _iso_week(day + timedelta(weeks=shift)))
    if precision != "day":
        return None
    d = day + timedelta(days=shift)
    if unit == "day":
        return ("DATE", d.isoformat())
    return ("TIME", f"{d.isoformat()}T{PARTS_OF_DAY[unit]}")


def _n_term(c: _Candidate, ctx: _Context) -> Result:
    return ("DATE", "FUTURE_REF")  # "the near/short/long term" always looks ahead


def _n_year_end(c: _Candidate, ctx: _Context) -> Result:
    if ctx.dct is None:
        return None
    w = c.match["w"].lower()
    if "month" in w:
        last = ctx.dct + relativedelta(day=31)
        return ("DATE", f"{last.year:04d}-{last.month:02d}")
    if "week" in w:
        return ("DATE", _iso_week(ctx.dct))
    return ("DATE", str(ctx.dct.year))  # TimeML: the year itself, with mod END


NORMALISERS: dict[str, Callable[[_Candidate, _Context], Result]] = {
    "iso": _n_iso, "slash": _n_slash, "mdy": _n_mdy, "dmy": _n_mdy, "month_year": _n_month_year,
    "month": _n_month, "decade": _n_decade, "century": _n_century, "year": _n_year, "season": _n_season,
    "season_year": _n_season, "relday": _n_relday, "this_part": _n_relday, "partday_rel": _n_partday_rel,
    "weekday": _n_weekday, "part_weekday": _n_part_weekday, "ago": _n_ago, "relunit": _n_relunit,
    "quarter": _n_quarter, "the_unit": _n_the_unit, "year_ago_adj": _n_year_ago_adj, "duration": _n_duration,
    "duration_adj": _n_duration_adj, "vague_plural": _n_vague_plural, "bare_plural": _n_bare_plural,
    "set": _n_set, "set_adv": _n_set_adv, "ref": _n_ref, "clock": _n_clock, "clock_date": _n_clock,
    "date_clock": _n_clock, "year_end": _n_year_end,
    "spelled_year": _n_spelled_year, "month_rel_year": _n_month_rel_year, "vague_adj": _n_vague_adj,
    "and_a_half": _n_and_a_half, "set_a": _n_set_a, "holiday": _n_holiday, "part_mod": _n_part_mod,
    "the_part": _n_the_part, "term": _n_term,     "anaphoric": _n_anaphoric,
    "year_fiscal": _n_year_fiscal, "short_year": _n_short_year, "q_year": _n_q_year,
}


def _states_current_quarter(cand: _Candidate) -> bool:
    """'the third quarter' names the quarter a report is about; 'the year-ago
    quarter' and 'the 1988 second quarter' only compare with it."""
    if cand.pattern.name != "quarter" or cand.match["ord"] is None or cand.match["yr"]:
        return False
    return (cand.match["rel"] or "").lower() not in ("year-ago", "year-earlier")


def _remember(value: str, ctx: _Context) -> None:
    """Track the quarter a financial report is about, for 'a year ago' and 'the quarter'."""
    m = re.match(r"^(\d{4})-Q(\d)$", value)
    if m:
        ctx.last_quarter = (int(m[1]), int(m[2]))


# While choosing candidates, anaphoric quarters ("the quarter") are accepted as if
# a quarter had been reported on; their real value is set in reading order.
_PROBE_QUARTER = (2000, 1)

_SINCE = re.compile(r"\b(?:since|from|starting|beginning|as\s+of)\s+(?:the\s+)?$", re.I)
_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|through|-|–|and)\s+$", re.I)


def _apply_ranges(timexes: list[Timex], text: str) -> None:
    """'since X' opens a range at X; 'from X to Y' sets both ends on X and Y."""
    for i, tx in enumerate(timexes):
        if tx.type not in ("DATE", "TIME") or tx.begin is None:
            continue
        left = text[max(0, tx.start - 20):tx.start]
        if not _SINCE.search(left):
            continue
        nxt = timexes[i + 1] if i + 1 < len(timexes) else None
        joined = nxt is not None and nxt.begin is not None and _RANGE_JOIN.match(text[tx.end:nxt.start] + " ")
        if nxt is not None and joined and not left.lower().rstrip().endswith("since"):
            begin, until = tx.begin, nxt.until
            tx.begin, tx.until, nxt.begin, nxt.until = begin, until, begin, until
        elif left.lower().rstrip().endswith(("since", "as of", "starting", "beginning")):
            tx.until = None


_DAY_VALUE = re.compile(r"^\d{4}-\d\d-\d\d$")
_CLOCK_DAY_REACH = 60  # characters between a clock time and the day that dates it


def _date_clock_times(timexes: list[Timex], text: str, floating: set[int]) -> None:
    """'at 10:35 a.m. (0735 GMT) Friday', 'on Friday ... at 6 a.m.': a clock time
    without its own day takes the day named next to it in its sentence, not the dct."""
    days = [t for t in timexes if _DAY_VALUE.match(t.value[:10]) and t.start not in floating]
    for tx in timexes:
        if tx.start not in floating or tx.type != "TIME":
            continue
        near = [d for d in days if _gap(tx, d) <= _CLOCK_DAY_REACH and not _SENTENCE_BREAK.search(_between(text, tx, d))]
        if near:
            day = min(near, key=lambda d: _gap(tx, d))
            tx.value = day.value[:10] + tx.value[tx.value.index("T"):]
            tx.begin, tx.until = value_bounds(tx.value)


def _gap(a: Timex, b: Timex) -> int:
    return max(b.start - a.end, a.start - b.end)


def _between(text: str, a: Timex, b: Timex) -> str:
    return text[min(a.end, b.end):max(a.start, b.start)]


_DAY_FRAME = re.compile(r"(?:\bthe\s+)?\b(?P<frame>week\s+of|day\s+before|day\s+after)\s+$", re.I)
_PART_OF = re.compile(r"\s+of\s+$", re.I)


def _frame_days(timexes: list[Timex], text: str) -> None:
    """'the week of March 6' is that ISO week, 'the day before Tuesday' the Monday:
    the frame belongs to the expression (TimeML marks the whole phrase). In 'the
    morning of March 3' the day stays its own DATE and gives the morning its day."""
    for i, tx in enumerate(timexes):
        if tx.type != "DATE" or not _DAY_VALUE.match(tx.value) or tx.begin is None:
            continue
        part = timexes[i - 1] if i else None
        if part is not None and part.type == "TIME" and _PART_OF.fullmatch(text[part.end:tx.start]) \
                and part.value[-3:-2] == "T" and part.value[-2:].isalpha():
            part.value = tx.value + part.value[-3:]
            part.begin, part.until = value_bounds(part.value)
            continue
        m = _DAY_FRAME.search(text, max(0, tx.start - 20), tx.start)
        if not m:
            continue
        frame = re.sub(r"\s+", " ", m["frame"].lower())
        if not date.min < tx.begin < date.max:
            continue
        day = tx.begin + timedelta(days={"day before": -1, "day after": 1}.get(frame, 0))
        tx.value = _iso_week(day) if frame == "week of" else day.isoformat()
        tx.start, tx.text = m.start(), text[m.start():tx.end]
        tx.precision = precision_of(tx.value)
        tx.begin, tx.until = value_bounds(tx.value)


def _normalise(cand: _Candidate, ctx: _Context) -> Result:
    try:
        return NORMALISERS[cand.pattern.name](cand, ctx)
    except (ValueError, OverflowError):  # a date beyond the calendar ("two thousand years ago" from year 1)
        return None


def tag(text: str, dct: date | None, doc: "Doc | None" = None) -> list[Timex]:
    """Temporal expressions in ``text`` with TIMEX3 values relative to ``dct``.

    ``doc`` (a spaCy Doc of the same text) lets the tense of the governing verb
    decide whether "Wednesday" or "in March" points back or forward; without it
    nearby words are used.
    """
    ctx = _Context(text=text, dct=dct, doc=doc)
    # Candidates are chosen longest first, but normalised in reading order, since
    # "the quarter" and "a year ago" refer back to the quarter last reported on.
    probe = _Context(text=text, dct=dct, doc=doc, last_quarter=_PROBE_QUARTER)
    chosen = _select(_candidates(text), lambda c: _normalise(c, probe) is not None)
    timexes: list[Timex] = []
    for cand in chosen:
        result = _normalise(cand, ctx)
        if result is None:
            continue
        kind, value = result[0], result[1]
        if len(result) > 2:
            cand.start += result[2]
        if len(result) > 3:
            cand.end -= result[3]
        if _states_current_quarter(cand):
            _remember(value, ctx)
        begin, until = value_bounds(value) if kind in ("DATE", "TIME") else (None, None)
        timexes.append(Timex(cand.start, cand.end, text[cand.start:cand.end], kind, value,
                             precision_of(value) if kind in ("DATE", "TIME") else "unknown", begin, until))
        if begin is not None:
            ctx.last_date = timexes[-1]
    _date_clock_times(timexes, text, ctx.floating_clocks)
    _frame_days(timexes, text)
    _apply_ranges(timexes, text)
    return timexes
