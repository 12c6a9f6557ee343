"""Stage 5 — time: date each event from the words that date it.

A temporal expression dates the event whose predicate or noun governs it in the
same clause ("last spoke on March 14", "Wednesday's attack", "the invasion began
on February 24"). An event in a subordinate clause without its own expression
takes its governor's ("a speech in which he lamented ..." on Sunday). Otherwise
the event takes the publication date and says so (``date_source = publication``, or
``url`` / ``file name`` when ingest read that date from the article's address or file
name). An article without one invents none: its undated events say ``date_source = none``,
and ``text_dates`` gives the actor stage the dates its own text states instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from spacy.tokens import Doc, Token

from dyads.models import Timex
from dyads.nlp import sentence_of, text_of
from dyads.time.timex import ASPECTUAL_VERBS, number_value, tag

# Dependencies a temporal expression climbs through to reach what it modifies.
_CLIMB = {"pobj", "prep", "npadvmod", "nummod", "compound", "amod", "quantmod", "det", "nmod", "appos", "advmod", "case", "pcomp", "nsubj"}
_DATE_TYPES = ("DATE", "TIME")
_NOUN_MODIFIERS = ("nummod", "compound", "amod")
GAP_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}


def find_timexes(doc: Doc, published: date | None) -> list[tuple[Timex, Token]]:
    """Temporal expressions of the document, each with the token it attaches to."""
    found = []
    for timex in tag(text_of(doc), published, doc=doc):
        span = doc.char_span(timex.start, timex.end, alignment_mode="expand")
        if span is None or timex.type not in _DATE_TYPES and not timex.value.startswith("P"):
            continue
        if _bounds_only(span.root):
            continue  # "the first call since mid-March": a bound, not the event's date
        found.append((timex, _anchor(span.root)))
    return found


def _bounds_only(token: Token) -> bool:
    """An expression after since/until/before/after bounds a period; it does not date a point event."""
    return token.dep_ == "pobj" and token.head.lower_ in ("since", "until", "till", "before", "after")


def _anchor(token: Token) -> Token:
    """Climb from the expression to the verb or noun it modifies."""
    node = token
    for _ in range(6):
        if node.dep_ == "poss":  # "Wednesday's call"
            return node.head
        if node.dep_ not in _CLIMB or node.head.i == node.i:
            return node.head if node.dep_ != "ROOT" else node
        node = node.head
        if node.pos_ in ("VERB", "AUX") or node.pos_ == "NOUN" and node.dep_ not in ("pobj",) and node.i != token.i:
            return node
        if node.pos_ == "NOUN" and node.i == token.head.i and token.dep_ in _NOUN_MODIFIERS:
            return node  # "for the 1983 killing": the year is the killing's, wherever the killing stands
    return node


def attach_dates(candidates, timexes: list[tuple[Timex, Token]]) -> None:
    """Give each candidate the expression anchored on its trigger (or its governors)."""
    by_anchor: dict[int, Timex] = {}
    for timex, anchor in timexes:
        if timex.type in _DATE_TYPES or timex.begin is not None:
            by_anchor.setdefault(anchor.i, timex)
    for cand in candidates:
        trig = cand.trigger
        own = [by_anchor.get(t.i) for t in cand.trigger_tokens]
        timex = next((t for t in own if t is not None), None)
        if timex is None and trig.pos_ in ("NOUN", "PROPN"):
            timex = _via_governor(trig, by_anchor)
            governor = trig.head if trig.dep_ in ("dobj", "nsubjpass") and trig.head.pos_ == "VERB" else None
            if timex is None and governor is not None:  # "held talks" in a clause dated above it
                timex = _inherited(governor, by_anchor)
                cand.date_inherited = timex is not None
        elif timex is None:
            timex = _inherited(trig, by_anchor)
            cand.date_inherited = timex is not None
        cand.timex = timex


def _via_governor(noun: Token, by_anchor: dict[int, Timex]) -> Timex | None:
    """'held talks on Monday', 'the invasion began on February 24'."""
    head = noun.head
    if noun.dep_ in ("dobj", "nsubjpass", "attr") and head.pos_ in ("VERB", "AUX"):
        return by_anchor.get(head.i)
    if noun.dep_ == "nsubj" and head.lemma_.lower() in ASPECTUAL_VERBS:
        return by_anchor.get(head.i)
    return None


def _inherited(token: Token, by_anchor: dict[int, Timex]) -> Timex | None:
    """From the nearest governor in the same sentence that has its own expression; shifted by
    the gap a clause states ("on Friday, a day after troops invaded": the invasion was on
    Thursday). A clause that only orders the two acts ("after troops invaded") is not dated."""
    node, gap = token, None
    sent = sentence_of(token)
    while node.head.i != node.i and sent.start <= node.head.i < sent.end:
        if node.dep_ in ("ccomp",) and node.head.lemma_.lower() in ("say", "report", "tell", "add"):
            return None
        order = _ordering_word(node)
        if order is not None:
            if gap is not None:
                return None  # two ordering clauses: too far to count
            gap = _stated_gap(node, order)
            if gap is None:
                return None
        node = node.head
        if node.i in by_anchor:
            return by_anchor[node.i] if gap is None else _shift(by_anchor[node.i], gap)
    return None


def _ordering_word(node: Token) -> Token | None:
    """'after'/'before' introducing the clause or phrase of node ('after troops invaded',
    'before invading')."""
    if node.dep_ == "advcl":
        return next((c for c in node.children if c.dep_ == "mark" and c.lower_ in ("after", "before")), None)
    if node.dep_ == "pcomp" and node.head.lower_ in ("after", "before"):
        return node.head
    return None


def _stated_gap(node: Token, order: Token) -> relativedelta | None:
    """The gap 'a day', 'two weeks' before an ordering word, signed so that adding it to the
    governor's date gives this clause's date; None when no gap is stated."""
    for measure in (c for t in (node, order) for c in t.children if c.dep_ == "npadvmod"):
        unit = GAP_UNITS.get(measure.lemma_.lower())
        count_words = [c for c in measure.children if c.dep_ in ("nummod", "det")]
        count = number_value(count_words[0].text) if count_words else None  # "a day", "two weeks"
        if unit and count:
            sign = -1 if order.lower_ == "after" else 1
            return relativedelta(**{unit: sign * int(count)})
    return None


def _shift(timex: Timex, gap: relativedelta) -> Timex | None:
    """A day-precise expression moved by the gap; coarser ones cannot be counted from."""
    if timex.precision != "day" or timex.begin is None or timex.type != "DATE":
        return None
    day = timex.begin + gap
    return Timex(timex.start, timex.end, timex.text, "DATE", day.isoformat(), "day", day, day)


def date_fields(timex: Timex | None, published: date | None, published_from: str = "publication") -> dict:
    """The event's date, end, precision and source (``published_from``: where the
    article's date came from: publication, url, file name)."""
    if timex is not None and (timex.begin is not None or timex.precision != "unknown"):
        value = timex.value
        if timex.type == "DATE" and timex.precision == "day" and timex.begin is not None:
            value = timex.begin.isoformat()
        elif timex.type == "TIME" and timex.begin is not None:
            value = timex.begin.isoformat()
        elif timex.precision == "week" and timex.begin is not None:
            value = timex.value
        return {
            "date": value if timex.precision != "unknown" else (timex.begin.isoformat() if timex.begin else None),
            "date_end": timex.until.isoformat() if timex.until and timex.until != timex.begin else None,
            "date_precision": timex.precision if timex.precision != "unknown" else "day",
            "date_source": "text",
        }
    if published is not None:
        return {"date": published.isoformat(), "date_end": None, "date_precision": "day", "date_source": published_from}
    return {"date": None, "date_end": None, "date_precision": "unknown", "date_source": "none"}


@dataclass(frozen=True)
class TextDates:
    """The dates an undated article's own text states: each sentence's first, and the
    article's first. Dated roles are looked up at these (a leader's post in the year the
    text speaks of), never at a guessed publication date."""

    by_sentence: dict[int, date]  # token index of a sentence's start -> its first date
    article: date | None

    def on(self, sent_start: int) -> date | None:
        """The date of the sentence starting at token ``sent_start``, else the article's."""
        return self.by_sentence.get(sent_start, self.article)


def text_dates(doc: Doc, timexes: list[tuple[Timex, Token]]) -> TextDates:
    """The calendar dates stated in the text (day, month or year; relative ones such as
    "Monday" cannot be placed without a publication date), by sentence."""
    by_sentence: dict[int, date] = {}
    first = None
    for timex, anchor in sorted(timexes, key=lambda t: t[0].start):
        if timex.type != "DATE" or timex.begin is None:
            continue
        # the middle of what it covers: "in 2011" is mid-2011 rather than New Year's Day
        day = timex.begin + (timex.until - timex.begin) / 2 if timex.until else timex.begin
        by_sentence.setdefault(sentence_of(anchor).start, day)
        first = first or day
    return TextDates(by_sentence, first)
