"""Offline geoparsing: find place mentions in a spaCy Doc and resolve each to one
gazetteer entry, using the rest of the document as context.

Mentions: GPE/LOC/FAC/NORP entities; ORG/PERSON entities that name a country,
ADM1, region or (ORG) a large town outright ("Washington said"); a country, ADM1 or
demonym inside an organisation's name ("U.S. Army"); capitalised names after a
locative preposition ("near Lviv") that the gazetteer knows.

Resolution scores each candidate by
  prior    - feature class (a country name means the country; region > ADM1 > ADM2;
             a large ADM1's own name shadows smaller same-named towns) and, for
             towns, log population (small towns only by their own names), with
             bonuses when the text is the place's own name (not an alternate or
             historic one) and for national capitals;
  context  - the countries and ADM1 areas of the document's *other* names (a country
             boosts its towns, a town boosts its country and ADM1), closeness to the
             document's other towns, and an explicit container right after the name
             ("Paris, Texas"). Context weighs less for alternate names and small towns.
Two passes: each name is first resolved alone; the second pass resolves it again
in the context of the first-pass readings of the other names.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from dyads.models import Place
from dyads.place.gazetteer import Candidate, Gazetteer, haversine_km, normalise

ENTITY_LABELS = {"GPE", "LOC", "FAC", "NORP"}
# Labels spaCy often gives to metonymic place names ("Washington said", "Liverpool won"):
# kept only when the whole entity names a country, ADM1, region or a large town.
METONYMY_LABELS = {"ORG", "PERSON"}
METONYMY_MIN_TOWN_POP = 100_000
INNER_MIN_POP = 50_000
CITY_SUFFIX_MIN_POP = 100_000  # "New York" is New York City's own name; "Montana" is not Montana City's
_NOT_PLACE_WORDS = {"university", "state", "city", "county", "north", "south", "east", "west",
                    "central", "new", "saint", "street", "the", "of", "and", "college", "center",
                    "centre", "hall", "house", "school", "church", "park", "river", "lake",
                    "western", "eastern", "northern", "southern", "union", "republic", "embassy"}
SMALL_TOWN_POP = 10_000
SMALL_TOWN_CONTEXT_WEIGHT = 0.5  # context helps small towns against each other, less against big places
LOCATIVE_PREPOSITIONS = {"in", "near", "outside", "at", "from", "to", "across", "around"}
_TRAILING = re.compile(r"(['’]s|['’])$")
_GENERIC_SUFFIX = re.compile(r"\s+(county|province|region|district|city|state|oblast|governorate)$", re.I)

FEATURE_PRIOR = {"country": 13.0, "region": 10.0}
ADM1_MAX_PRIOR = 6.5  # a big city outranks its same-named ADM1 ("New York")
ADM1_SIZE_BONUS = 1.0
ADM1_SHADOW_POP = 100_000  # towns smaller than this give way to a same-named large ADM1
ADM1_SHADOW_MIN_SIZE = 1_000_000  # (summed town population) ADM1s that shadow small towns  # its population (summed over its towns) undercounts an ADM1
ADM2_MAX_PRIOR = 6.0  # a county/district: below ADM1, level with a mid-sized town
CAPITAL_BONUS = 2.0
PRIMARY_NAME_BONUS = 1.5  # the place's own name, not an alternate/historic one
ALTERNATE_CONTEXT_WEIGHT = 0.5  # context counts half for alternate-name readings
ACRONYM_PENALTY = 3.0  # "EU", "SA": an all-caps short mention is rarely a small town
COUNTRY_CONTEXT = 2.5
ADM1_CONTEXT = 4.5
CONTAINER_BONUS = 8.0
NEAR_KM, NEAR_BONUS = 50.0, 2.0
REGION_KM, REGION_BONUS = 250.0, 1.0


@dataclass(frozen=True, slots=True)
class Mention:
    """A stretch of text that may name a place."""

    text: str
    start: int
    end: int
    label: str = ""  # spaCy label, "" when unknown


@dataclass
class _Context:
    countries: Counter
    adm1s: Counter
    points: tuple[tuple[float, float], ...] = ()  # towns resolved elsewhere in the document


class Geoparser:
    """Resolve place names against a ``Gazetteer`` (built once by the caller)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    # -- public API ---------------------------------------------------------
    def parse(self, doc) -> list[Place]:
        """Places named in a spaCy Doc, each resolved to one gazetteer entry."""
        mentions = self.find_mentions(doc)
        places = self.resolve_mentions(mentions, doc.text)
        return [p for p in places if p is not None and not _implausible(p)]

    def resolve(self, name: str, context_countries: set[str] | frozenset[str] = frozenset()) -> Place | None:
        """One name, optionally with the ISO3 codes of countries known to be in context."""
        ctx = _Context(Counter({c: 1 for c in context_countries}), Counter())
        cand = self._best(name, ctx, container=None)
        return None if cand is None else _to_place(cand, name, None, None)

    def find_mentions(self, doc) -> list[Mention]:
        """GPE/LOC/FAC/NORP entities, plus capitalised names after locative prepositions."""
        mentions = []
        for ent in doc.ents:
            if ent.label_ in ENTITY_LABELS or (ent.label_ in METONYMY_LABELS
                                               and self._metonymic(ent.text, ent.label_)):
                mentions.append(Mention(ent.text, ent.start_char, ent.end_char, ent.label_))
            elif ent.label_ == "ORG":
                inner = self._embedded_place(ent)
                if inner is not None:
                    mentions.append(Mention(inner.text, inner.start_char, inner.end_char, "GPE"))
        covered = {i for e in doc.ents for i in range(e.start, e.end)}
        for tok in doc:
            if tok.lower_ not in LOCATIVE_PREPOSITIONS or tok.i + 1 >= len(doc):
                continue
            span_end = tok.i + 1
            while span_end < len(doc) and doc[span_end].is_title and span_end not in covered:
                span_end += 1
            if span_end == tok.i + 1:
                continue
            span = doc[tok.i + 1:span_end]
            if self.gazetteer.knows(span.text) and any(t.pos_ == "PROPN" for t in span):
                mentions.append(Mention(span.text, span.start_char, span.end_char, "GPE"))
        return sorted(mentions, key=lambda m: m.start)

    def resolve_mentions(self, mentions: list[Mention], text: str = "") -> list[Place | None]:
        """Resolve mentions of one document together (the document is the context).

        The context for a mention comes from the first-pass readings of the *other*
        names in the document (never from mentions of the same name)."""
        containers = [self._container(m, mentions, text) for m in mentions]
        keys = [normalise(m.text) for m in mentions]
        empty = _Context(Counter(), Counter())
        first = [self._best(m.text, empty, c, m.label) for m, c in zip(mentions, containers)]
        contexts: dict[str, _Context] = {}
        for key in set(keys):
            contexts[key] = self._context([f for k, f in zip(keys, first) if k != key])
        second = [self._best(m.text, contexts[k], c, m.label)
                  for m, c, k in zip(mentions, containers, keys)]
        return [None if cand is None else _to_place(cand, m.text, m.start, m.end)
                for m, cand in zip(mentions, second)]

    # -- internals ----------------------------------------------------------
    def _metonymic(self, text: str, label: str = "ORG") -> bool:
        """Does an ORG/PERSON entity name a country, ADM1, region (or, for ORG, a large
        town) by its own name outright?"""
        if self.gazetteer.demonym(text, plural=False) is not None:
            return True
        clean = _TRAILING.sub("", text)
        key = normalise(clean)
        for cand in self.gazetteer.lookup(clean):
            if cand.feature == "country":
                return True
            if not _is_own_name(cand, key):
                continue
            if cand.feature not in ("town", "adm2") or (
                    label == "ORG" and cand.feature == "town" and cand.population >= METONYMY_MIN_TOWN_POP):
                return True
        return False

    def _embedded_place(self, ent):
        """A country, ADM1, region or demonym inside an organisation's name
        ("U.S. Army", "Zimbabwe Electoral Commission", "University of California")."""
        for size in range(min(3, len(ent) - 1), 0, -1):
            for i in range(len(ent) - size + 1):
                span = ent[i:i + size]
                if not span[0].is_title and not span[0].is_upper:
                    continue
                if self.gazetteer.demonym(span.text, plural=False) is not None:
                    return span
                key = normalise(span.text)
                if any(c.feature not in ("town", "adm2") and (c.feature == "country" or _is_own_name(c, key))
                       for c in self.gazetteer.lookup(span.text)):
                    return span
        return None

    def candidates(self, name: str, label: str = "") -> list[Candidate]:
        """Gazetteer readings of a name; a demonym reading ("Canadian") comes first."""
        clean = _TRAILING.sub("", name.strip()).strip()
        dem = self.gazetteer.demonym(clean, plural=label != "NORP")
        if label == "NORP":
            return [dem] if dem else self.gazetteer.lookup(clean)
        cands = self.gazetteer.lookup(clean)
        if dem is not None and dem not in cands:
            cands = [dem, *cands]
        if not cands:
            stripped = _GENERIC_SUFFIX.sub("", clean)
            if stripped != clean:  # "Orange County" -> a place whose own name is "Orange"
                key = normalise(stripped)
                cands = [c for c in self.gazetteer.lookup(stripped) if normalise(c.name) == key]
        if not cands and "," in clean:
            cands = self.gazetteer.lookup(clean.split(",")[0])
        if not cands:
            cands = self._inner_place(clean)
        return cands

    def _inner_place(self, name: str) -> list[Candidate]:
        """For a facility or organisation ("Manila Cathedral", "University of California"),
        the longest word sequence inside it that names a place by its own name."""
        words = [w for w in re.split(r"[\s/]+", name) if w]
        for size in range(len(words) - 1, 0, -1):
            for i in range(len(words) - size + 1):
                part = " ".join(words[i:i + size])
                if not part[:1].isupper() or part.lower() in _NOT_PLACE_WORDS:
                    continue
                key = normalise(part)
                found = [c for c in self.gazetteer.lookup(part)
                         if normalise(c.name) == key and c.feature != "adm2"
                         and (c.feature != "town" or c.population >= INNER_MIN_POP)]
                if found:
                    return found
        return []

    def _best(self, name: str, ctx: _Context, container: Candidate | None, label: str = "") -> Candidate | None:
        cands = self.candidates(name, label)
        if not cands:
            return None
        if container is None and any(c.feature == "country" for c in cands):
            # a country's name means the country ("Mexico"), unless a named container says otherwise
            cands = [c for c in cands if c.feature != "town"]
        clean = _TRAILING.sub("", name.strip())
        key = normalise(clean)
        if container is None and any(c.feature == "adm1" and c.population >= ADM1_SHADOW_MIN_SIZE
                                     and _is_own_name(c, key) for c in cands):
            # a state/province's own name means it over a smaller town of that name
            # ("California", "Wyoming", "Wales"), but not over a city ("New York")
            cands = [c for c in cands if c.feature != "town" or c.population >= ADM1_SHADOW_POP]
        # a small town is not known by its alternate names ("Western" for Cuba City)
        cands = [c for c in cands if c.feature != "town" or c.population >= SMALL_TOWN_POP
                 or _is_own_name(c, key)]
        if not cands:
            return None
        acronym = clean.replace(".", "").isupper() and len(clean.replace(".", "")) <= 4
        return max(cands, key=lambda c: _score(c, ctx, container, _is_own_name(c, key))
                   - (ACRONYM_PENALTY if acronym and c.feature == "town" else 0.0))

    def _container(self, mention: Mention, mentions: list[Mention], text: str) -> Candidate | None:
        """The country/ADM1 named right after ", " ("Paris, Texas"), if any."""
        for other in mentions:
            if other.start > mention.end and text[mention.end:other.start] in (", ", ","):
                cands = [c for c in self.candidates(other.text, other.label)
                         if c.feature in ("country", "adm1")]
                return max(cands, key=lambda c: c.population) if cands else None
        return None

    def _context(self, cands: list[Candidate | None]) -> _Context:
        countries: Counter = Counter()
        adm1s: Counter = Counter()
        for cand in cands:
            if cand is None:
                continue
            if cand.country:
                countries[cand.country] += 1
            if cand.adm1 and cand.feature in ("town", "adm1", "adm2"):
                adm1s[(cand.country, cand.adm1)] += 1
        points = tuple((c.lat, c.lon) for c in cands if c is not None and c.feature == "town")
        return _Context(countries, adm1s, points)


def _prior(cand: Candidate, primary: bool) -> float:
    if cand.feature in FEATURE_PRIOR:
        return FEATURE_PRIOR[cand.feature]
    size = math.log10(cand.population + 10)
    if cand.feature == "adm1":
        return min(ADM1_MAX_PRIOR, size + ADM1_SIZE_BONUS)
    if cand.feature == "adm2":
        return min(ADM2_MAX_PRIOR, size)
    if primary:
        size += PRIMARY_NAME_BONUS + (CAPITAL_BONUS if cand.capital else 0.0)
    return size


def _proximity(cand: Candidate, ctx: _Context) -> float:
    if cand.feature != "town" or not ctx.points or cand.lat is None:
        return 0.0
    nearest = min(haversine_km(cand.lat, cand.lon, lat, lon) for lat, lon in ctx.points)
    if nearest <= NEAR_KM:
        return NEAR_BONUS
    return REGION_BONUS if nearest <= REGION_KM else 0.0


def _score(cand: Candidate, ctx: _Context, container: Candidate | None, primary: bool = True) -> float:
    weight = 1.0 if primary or cand.feature == "country" else ALTERNATE_CONTEXT_WEIGHT
    if cand.feature == "town" and cand.population < SMALL_TOWN_POP:
        weight *= SMALL_TOWN_CONTEXT_WEIGHT
    return _prior(cand, primary) + weight * _context_score(cand, ctx, container)


def _context_score(cand: Candidate, ctx: _Context, container: Candidate | None) -> float:
    score = _proximity(cand, ctx)
    if cand.feature != "country" and cand.country and ctx.countries.get(cand.country):
        score += COUNTRY_CONTEXT
    if cand.feature == "country" and ctx.countries.get(cand.country):
        score += COUNTRY_CONTEXT
    if cand.adm1 and ctx.adm1s.get((cand.country, cand.adm1)):
        score += ADM1_CONTEXT
    if container is not None and cand.feature in ("town", "adm1", "adm2") and cand.country == container.country:
        if container.feature == "country" or cand.adm1 == container.adm1:
            score += CONTAINER_BONUS
    return score


def _is_own_name(cand: Candidate, key: str) -> bool:
    """Is ``key`` the place's own name ("New York" for "New York City"), not an alternate?"""
    own = normalise(cand.name)
    if own == key:
        return True
    return (cand.population >= CITY_SUFFIX_MIN_POP and own.startswith(key + " ")
            and own[len(key) + 1:] in ("city", "town"))


def _implausible(place: Place) -> bool:
    """A short all-caps mention resolved to a town ("BA", "P.A.") is usually an acronym."""
    letters = place.text.replace(".", "")
    return place.feature == "town" and letters.isupper() and len(letters) <= 3


def _to_place(cand: Candidate, text: str, start: int | None, end: int | None) -> Place:
    return Place(name=cand.name, feature=cand.feature, country=cand.country,
                 geonameid=cand.geonameid, adm1=cand.adm1, lat=cand.lat, lon=cand.lon,
                 start=start, end=end, text=text)
