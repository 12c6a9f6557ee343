"""Stage 7 — merge: mentions of one event become one event with all its evidence.

Within an article, two event mentions are the same event when they have the same
type, compatible actors and recipients (equal codes, or one unknown; either
direction for symmetric types), and compatible dates: equal text dates, or a
publication-date fallback meeting an event dated that same day. Mentions in one
sentence with the same type and dyad are one event whatever their modes ("traveled
to Moscow ... to meet Putin"). An earlier event the article recalls ("last spoke
on March 14") keeps its own date and stays separate.
"""
from __future__ import annotations

from datetime import date

from dyads.events.ontology import symmetric_types
from dyads.models import Actor, Event
from dyads.time.timex import value_bounds


def _code(actor: Actor | None) -> str | None:
    return actor.code if actor is not None else None


def _compatible_codes(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _dyads_compatible(x: Event, y: Event) -> bool:
    xa, xr, ya, yr = _code(x.actor), _code(x.recipient), _code(y.actor), _code(y.recipient)
    straight = _compatible_codes(xa, ya) and _compatible_codes(xr, yr)
    if straight:
        return True
    if x.event in symmetric_types():
        return _compatible_codes(xa, yr) and _compatible_codes(xr, ya)
    return False


def _covers(value: str | None, day: str | None) -> bool:
    """Does a (possibly coarse) TIMEX3 date value contain that day?"""
    if not value or not day:
        return False
    first, last = value_bounds(value)
    try:
        d = date.fromisoformat(day[:10])
    except ValueError:
        return False
    return first is not None and first <= d <= (last or first)


def _in_lede(event: Event, lede_end: int) -> bool:
    return min(ev.sentence_start for ev in event.evidence) < lede_end


def _dates_compatible(x: Event, y: Event, lede_end: int | None) -> bool:
    """Text dates must agree. A mention dated only by publication joins a text-dated
    event only from the headline, sub-headline or lede (which restate the story's main
    event), with both sides known, and when the text date covers the publication day."""
    if x.date_source == "text" and y.date_source == "text":
        return x.date == y.date
    if x.date_source == y.date_source:  # both by publication: the same region, or the same words
        same_words = bool({ev.rule for ev in x.evidence} & {ev.rule for ev in y.evidence})
        return lede_end is None or same_words or _in_lede(x, lede_end) == _in_lede(y, lede_end)
    text, pub = (x, y) if x.date_source == "text" else (y, x)
    in_lede = lede_end is None or _in_lede(pub, lede_end)
    both_known = all(e is not None for e in (pub.actor, pub.recipient, text.actor, text.recipient))
    # Headlines speak in the present of events some days old ("troops detain protesters").
    recent = _days_before(text.date, pub.date)
    return in_lede and both_known and (_covers(text.date, pub.date) or recent is not None and 0 <= recent <= 7)


def _days_before(text_date: str | None, day: str | None) -> int | None:
    """Days from a day-precision text date to a later day (None when not both days)."""
    try:
        return (date.fromisoformat(day[:10]) - date.fromisoformat(text_date)).days if text_date and day and len(text_date) == 10 else None
    except ValueError:
        return None


def _modes_compatible(x: Event, y: Event) -> bool:
    return x.mode is None or y.mode is None or x.mode == y.mode


def same_event(x: Event, y: Event, same_sentence: bool = False, lede_end: int | None = None) -> bool:
    if x.event != y.event or x.factuality != y.factuality:
        return False
    if not _dyads_compatible(x, y):
        return False
    if not _dates_compatible(x, y, None if same_sentence else lede_end) and not (same_sentence and _undated_or_same_period(x, y)):
        return False
    if same_sentence:
        return True
    if not _modes_compatible(x, y):
        return False
    # Unknown on both sides of one role would merge unrelated events; a side the model
    # guessed (no words name it) is unknown here: a guess must not glue two events together,
    # and a mention whose every side is a guess ("progress of the operation") joins none.
    named = [(_named(e, "actor"), _named(e, "recipient")) for e in (x, y)]
    if any((e.actor or e.recipient) and not any(n) for e, n in zip((x, y), named)):
        return False
    if named[0][0] != named[1][0] and named[0][1] != named[1][1]:
        return False
    return True


def _named(event: Event, role: str) -> bool:
    """Does the text name this side of the event (in any of its mentions), rather than the
    implicit model guessing it (``events.learned.fill_implicit``)?"""
    return getattr(event, role) is not None and not all((ev.scores or {}).get(f"{role}_implicit") for ev in event.evidence)


def _undated_or_same_period(x: Event, y: Event) -> bool:
    """In one sentence, a mention the text does not date joins a dated one ("opened fire on
    Monday, killing one": the killing has no date words of its own); two text dates must agree."""
    return x.date_source != "text" or y.date_source != "text"


# How specific a resolved actor is, by its knowledge-base kind: a named person says more than
# the institution, "the Kremlin" or the country that another mention of the event used.
_KB_KIND_RANK = {"person": 4, "group": 3, "inst": 3, "igo": 3, "metonym": 2, "country": 1}


def _specificity(actor: Actor | None) -> int:
    if actor is None:
        return -1
    kind = (actor.kb_id or "").split(":", 1)[0]
    return _KB_KIND_RANK.get(kind, 1 if actor.sector else 0)


def _more_specific(current: Actor | None, other: Actor | None) -> bool:
    """``other`` names the same country's actor more precisely than ``current``."""
    return other is not None and current is not None and other.code == current.code and \
        _specificity(other) > _specificity(current)


def _absorb(into: Event, other: Event) -> None:
    """Fill what ``into`` lacks from ``other`` (or names more precisely) and keep all evidence."""
    if into.actor is None and other.actor is not None or _more_specific(into.actor, other.actor):
        into.actor = other.actor
    if into.recipient is None and other.recipient is not None:
        if other.recipient.code != _code(into.actor) or into.event not in symmetric_types():
            into.recipient = other.recipient
    elif _more_specific(into.recipient, other.recipient):
        into.recipient = other.recipient
    if into.date_source != "text" and other.date_source == "text":  # publication, url, file name or none
        into.date, into.date_end = other.date, other.date_end
        into.date_precision, into.date_source = other.date_precision, other.date_source
    into.mode = into.mode or other.mode
    into.context = sorted(set(into.context) | set(other.context))
    if into.event_loc is None:
        into.event_loc = other.event_loc
    into.confidence = round(max(into.confidence, other.confidence), 3)
    into.evidence.extend(other.evidence)


def _strength(event: Event) -> tuple:
    """Which mention leads a merged event: both roles known, text-dated, confident."""
    return (event.actor is not None, event.recipient is not None, event.date_source == "text", event.confidence)


def merge_article_events(events: list[Event], lede_end: int | None = None) -> list[Event]:
    """Merge mentions of the same event within one article (order-independent result).

    ``lede_end``: character offset where the article's lede (first body paragraph) ends."""
    # Text-dated mentions with both sides known lead, in reading order; the rest join them.
    ordered = sorted(events, key=lambda e: (e.date_source != "text", not all(_strength(e)[:2]), e.evidence[0].trigger))
    merged: list[Event] = []
    for event in ordered:
        sentence = event.evidence[0].sentence_start
        target = next(
            (m for m in merged if same_event(m, event, any(ev.sentence_start == sentence for ev in m.evidence), lede_end)),
            None,
        )
        if target is None:
            merged.append(event)
        else:
            _absorb(target, event)
    for event in merged:
        event.evidence.sort(key=lambda ev: ev.trigger)
    return sorted(merged, key=lambda e: e.evidence[0].trigger)
