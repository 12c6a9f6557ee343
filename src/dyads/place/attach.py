"""Stage 6 — place: locate each event at the place its words put it.

The place governed by the event in the same clause ("an attack in Beersheba",
"opened a field hospital near Lviv", "the Beersheba attack") is the event's
location; otherwise there is none. The location is never more precise than the
text: a country name gives a country.
"""
from __future__ import annotations

import functools
from pathlib import Path

from spacy.tokens import Doc, Token

from dyads.models import Actor, Place
from dyads.nlp import token_range
from dyads.wordlists import read_word_lists

WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "places" / "words.yml"


@functools.lru_cache(maxsize=1)
def place_words() -> dict[str, frozenset[str]]:
    """The lists of ``data/places/words.yml`` by name (``where``, ``motion``,
    ``before_names``, ``before_misread_names``, ``place_nouns``; what each means is
    written there)."""
    return read_word_lists(WORDS_FILE)  # type: ignore[return-value]


def abbreviation_names_owner(token: Token) -> bool:
    """A name in capitals before a noun says whose it is, not where: news abbreviates owners
    ("US airstrikes", "UK officials") and spells out places ("a Gaza attack"). In a headline
    set all in capitals the noun is in capitals too, and the name says nothing either way."""
    return token.is_upper and token.dep_ in ("compound", "nmod") and not token.head.is_upper


def not_organisation_names(doc: Doc, places: list[Place], index) -> list[Place]:
    """Places that are not the whole name of an organisation the actors stage knows: "the
    MIM" is an Indian party, not Mim in Ghana (the geoparser reads names before the actors
    stage has found whose they are)."""
    kept = []
    for place in places:
        tokens = token_range(doc, place.start, place.end) if place.start is not None else None
        mention = index.mention_at_index(tokens[0]) if tokens is not None and tokens[1] > tokens[0] else None
        if mention is not None and mention.entity.kind == "group" and (mention.start, mention.end) == tokens:
            continue
        kept.append(place)
    return kept


def anchor_places(doc: Doc, places: list[Place]) -> dict[int, Place]:
    """token index of the governing verb/noun -> place."""
    anchored: dict[int, Place] = {}
    preps = place_words()
    for place in places:
        if place.start is None:
            continue
        span = doc.char_span(place.start, place.end, alignment_mode="expand")
        if span is None:
            continue
        root = _area_named(span.root, preps["place_nouns"])
        area = root.i != span.root.i  # the name completes a place noun
        if area and root.dep_ == "dobj" and root.head.pos_ == "VERB":
            anchored.setdefault(root.head.i, place)  # "shelled the outskirts of Kharkiv"
            continue
        if root.dep_ == "compound" or root.dep_ == "nmod":  # "the Beersheba attack"
            if not abbreviation_names_owner(root):
                anchored.setdefault(root.head.i, place)
            continue
        if root.dep_ == "pobj" and root.head.dep_ == "prep":
            prep = root.head
            # "on" names a party ("sanctions on Iran") but a place before a place noun ("on the outskirts of Kabul")
            if prep.lower_ in preps["where"] or prep.lower_ == "on" and area:
                anchored.setdefault(prep.head.i, place)
                # "a hospital near Lviv" attached to the object noun: the verb is located too
                if prep.head.dep_ in ("dobj", "pobj") and prep.head.head.pos_ == "VERB":
                    anchored.setdefault(prep.head.head.i, place)
            elif prep.lower_ in preps["motion"]:
                anchored.setdefault(-prep.head.i - 1, place)  # motion targets kept apart
    return anchored


def _area_named(name: Token, place_nouns: frozenset[str]) -> Token:
    """The place noun a name's "of" phrase completes ("the outskirts of Kharkiv", "the
    centre of the town of Baidoa"): it stands in the sentence where the name would."""
    for _ in range(2):
        noun = name.head.head
        if name.dep_ != "pobj" or name.head.lower_ != "of" or noun.lemma_.lower() not in place_nouns or noun.i == name.i:
            break
        name = noun
    return name


def attach_places(candidates, anchored: dict[int, Place]) -> None:
    for cand in candidates:
        place = None
        for tok in cand.trigger_tokens:
            place = anchored.get(tok.i)
            if place is not None:
                break
        if place is None and cand.mode == "visit":
            place = anchored.get(-cand.trigger.i - 1)
        if place is None and (_is_light_object(cand.trigger) or _is_event_subject(cand.trigger)):
            place = anchored.get(cand.trigger.head.i)
        cand.place = place
        if place is not None and cand.entry.location_is_recipient and not any(cand.recipients) and place.country:
            cand.recipients = [
                Actor(code=place.country, sector=None, entity_text=place.text or place.name, name=place.name, start=place.start, end=place.end, certainty=0.6)
            ]
            cand.path += "+location-recipient"


def _is_event_subject(token: Token) -> bool:
    """'A car bomb exploded in Baghdad': the noun event happened where its verb did."""
    return token.dep_ in ("nsubj", "nsubjpass") and token.pos_ in ("NOUN", "VERB") and token.head.pos_ == "VERB"


def _is_light_object(token: Token) -> bool:
    return token.dep_ in ("dobj",) and token.head.pos_ == "VERB"
