"""Literal or not: does a resolved place name stand for the place, or for its people,
government or team ("Moscow said", "the Texas Rangers", "French wine")?

A name is read as non-literal when it is a demonym, when it follows an opponent word
("against Louisville") or a title and "of" ("Crown Prince of Dubai"), when it opens a
longer capitalised name ("New York Times"), or when the next word makes it an agent or an
institution's modifier (cues in ``data/places/literal.yml``). Anything else, and any name left unresolved,
counts as literal: the place itself.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from dyads.models import Place
from dyads.place.gazetteer import Gazetteer, normalise
from dyads.wordlists import read_word_lists

LITERAL_FILE = Path(__file__).resolve().parent.parent / "data" / "places" / "literal.yml"
_NEXT_WORD = re.compile(r"(?P<gap>[ \t]*)(?P<word>[\w’'.-]+)")
_WORDS_BEFORE = re.compile(r"([\w’'.-]+)[ \t]+(?:(of)[ \t]+(?:the[ \t]+)?)?$")


@dataclass(frozen=True, slots=True)
class LiteralCues:
    agent_verbs: frozenset[str]
    institution_nouns: frozenset[str]
    opponent_words: frozenset[str]
    title_words: frozenset[str]
    occupied_seats: frozenset[str]


@functools.lru_cache(maxsize=1)
def literal_cues() -> LiteralCues:
    lists = read_word_lists(LITERAL_FILE)
    return LiteralCues(*(lists.get(key, frozenset()) for key in ("agent_verbs", "institution_nouns", "opponent_words", "title_words",
                                                                 "occupied_seats")))


def is_literal(place: Place | None, text: str, gazetteer: Gazetteer) -> bool:
    """Is this resolved mention (``place.start``/``end`` in ``text``) the place itself?"""
    if place is None or place.start is None or place.end is None:
        return True
    mention = text[place.start:place.end]
    if _is_demonym(mention, place, gazetteer):
        return False
    if _held_or_opposed(text[:place.start]):
        return False
    match = _NEXT_WORD.match(text, place.end)
    if match is None:
        return True
    word = match.group("word").rstrip(".")
    if match.group("gap") == " " and word[:1].isupper():
        return False  # the first word of a longer name: "Texas Rangers", "New York Times"
    cues = literal_cues()
    word = word.casefold()
    return word not in cues.agent_verbs and word not in cues.institution_nouns


def names_occupants(place: Place, text: str, gazetteer: Gazetteer) -> bool:
    """"The White House said", "Kremlin aides": a seat of government used for the people
    in it names an institution, not a place (``occupied_seats`` in literal.yml)."""
    return place.name.casefold() in literal_cues().occupied_seats and not is_literal(place, text, gazetteer)


def _is_demonym(mention: str, place: Place, gazetteer: Gazetteer) -> bool:
    """"French", "Texans": the name of a people, not of their place."""
    return (normalise(mention) != normalise(place.name)
            and gazetteer.demonym(mention.strip(), plural=True) is not None)


def _held_or_opposed(before: str) -> bool:
    """"... against Louisville" (a team), "Crown Prince of Dubai" (a realm)."""
    match = _WORDS_BEFORE.search(before[-60:])
    if match is None:
        return False
    word, cues = match.group(1).casefold().rstrip("."), literal_cues()
    return word in cues.title_words if match.group(2) else word in cues.opponent_words
