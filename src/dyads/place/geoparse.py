"""Offline geoparsing: find place mentions in a spaCy Doc and resolve each to one
gazetteer entry, using the rest of the document as context.

Mentions: GPE/LOC/FAC/NORP entities (a group entity of several demonyms, "Bosnian
Serb", as each of them); ORG/PERSON entities that name a country, a region (or its
acronym: "the EU"), a large state or (ORG) a large town outright ("Washington said"),
that end in a spot word ("Northwestern Memorial Hospital"), that NER calls a place
elsewhere in the text, or (PERSON) that are a sizeable town's name and never part of a
longer person name ("Abuja"); a country, state, region, demonym or large town inside
the name of an organisation, event, law, work, product or sum of money ("U.S. Army",
"the Mexican Senate", "the Toronto Transit Commission", "the Ukrainian Law on
Corruption", "8,000 Egyptian pounds"), a region by one of its names opening one ("EU
Aviation Strategy", "Pacific equatorial"), and a spot its owner names ("Harare's Third
Street"); capitalised names after a locative preposition ("near Lviv"), also when NER
took them for a person ("in Kent"), and an unknown one ending in a spot word ("at
Windsor Castle"); the name after a place noun and "of" ("the small town of Kasba
Bonli"); country and region demonyms, country names and large states' names NER left
unlabelled; a name NER calls a place, or found after a locative preposition, elsewhere
in the document, when NER left it unlabelled, took it for a person, or it sits inside
an organisation's name ("the Beverly Hills Police Department"); and datelines ("BEIRUT
(AP) -", "SOUTH WAZIRISTAN, April 5"), with the state after their comma ("OAKLAND,
Calif."), over any piece of them NER found ("ST" of "ST. LOUIS"). A one-word name that
is the surname of someone named in full in the document ("Narendra Modi" ... "Modi")
is no place, nor a lone demonym heading its phrase ("many Chinese are", "printed in
Portuguese."), which names a people or a language. A seat of government standing for
its occupants ("the White House said", ``dyads.place.literal.names_occupants``) is not
reported.

Candidates: the gazetteer's readings of the name (demonyms first), else of the name
less a unit word ("Guma LGA"), the part before a comma, the name less a direction
("northern Syria"), or the place inside a facility's name ("Manila Cathedral").

Resolution ranks each candidate with a linear model (``dyads.place.rank``; weights in
``data/places/rank_model.json``, refitted by ``dyads train-geo``) over ``candidate_features``:
  prior    - feature class, log population, own vs alternate name, national capital,
             an acronym read as a town; (filters) a country name means the country, a
             large ADM1's own name shadows smaller same-named towns, small towns only by
             their own names;
  context  - the countries and ADM1 areas of the document's *other* names (each reading
             counting by how clearly it beat readings in other countries), closeness to
             the document's other towns, a container right after a comma ("Paris,
             Texas", checked by codes), which also makes the container an area, the
             feature class of the names listed with it ("California or Washington"), and,
             for a name that is a country's and a state's ("Georgia"), the other states
             named. Context counts less for alternate names and small towns.
Spots: a name with no reading at all (a street, a building, a venue) that may be a spot
(given as a place, ending in a spot word, or after "in"/"at" and no owner: "in Modi's
cabinet" is not) is placed in the town that holds it: the one named right after it
("... in Beijing"), its owner ("Harare's ..."), else the document's home town (in the
country the document names most, the town with the most towns read near it).
Passes: each name is first resolved alone; each later pass resolves it again in the
context of the previous pass's readings of the other names, until nothing changes
(at most ``CONTEXT_PASSES`` times), so one wrong first reading ("Kent" the US town)
does not keep misleading the rest of an English article.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.attrs import ENT_IOB, POS
from spacy.parts_of_speech import PROPN

from dyads.ingest.wire import find_dateline
from dyads.models import Place
from dyads.nlp import entities_of, text_of, words_of
from dyads.place.attach import place_words
from dyads.place.gazetteer import Candidate, Gazetteer, haversine_km, name_parts, name_words, normalise, own_name_key
from dyads.place.literal import names_occupants
from dyads.place.rank import RankModel, feature_shape, load_model, log_pop

ENTITY_LABELS = {"GPE", "LOC", "FAC", "NORP"}
# Labels spaCy often gives to metonymic place names ("Washington said", "Liverpool won"):
# kept only when the whole entity names a country, ADM1, region or a large town.
METONYMY_LABELS = {"ORG", "PERSON"}
# Names that may hold a place's name: "the Zimbabwe Electoral Commission", "the Dubai World
# Cup", "the Ukrainian Law on Corruption", "the Hungarian Rhapsody", "8,000 Egyptian pounds"
EMBEDDING_LABELS = {"ORG", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT", "MONEY"}
# After a locative preposition the small model also takes towns for products and works
# ("tear gas in Rennes": PRODUCT)
MISREAD_AFTER_PREPOSITION = METONYMY_LABELS | {"PRODUCT", "WORK_OF_ART"}
METONYMY_MIN_TOWN_POP = 50_000
METONYMY_MIN_ADM1_POP = 300_000  # (summed town population) "Montana said", not "Nelson said"
LOCATABLE_MIN_POP = 5_000  # a town NER took for a person, found after "in"/"at"
PERSON_TOWN_MIN_POP = 20_000  # a lone "person" that is a town: "Abuja", not "McGregor" (a surname first)
LOWER_DATELINE_MIN_POP = 20_000  # "ayodhya: " opens a scraped lower-case story; "note: " does not
ALIAS_LOCATABLE_MIN_POP = 1_000_000  # ... or by another of its names ("in Bangalore", "in Bombay")
INNER_MIN_POP = 50_000
# ... away from the name's start or a connector, only a city: "King's Mercedes-Benz", "the 57th
# Independence anniversary", "the Royal Wedding" name no town
INNER_AWAY_MIN_POP = 500_000
CITY_SUFFIX_MIN_POP = 100_000  # "New York" is New York City's own name; "Montana" is not Montana City's
SMALL_TOWN_POP = 10_000
_TRAILING = re.compile(r"(['’]s|['’])$")
# An upper-case name at the start of a paragraph, then a comma, "(AP)", a dash or a sentence.
_DATELINE = re.compile(r"(?:^|\n|\. )\(?(?P<name>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})\)?"
                       r"(?=,| \(| ?[—–]| -| [A-Z][a-z])")
# "PLEASANTON, Calif.--", "CAMP MURRAY, Wash. -": the state or country after a dateline's name
_DATELINE_CONTAINER = re.compile(r", ?(?P<name>[A-Z][A-Za-z]*\.?(?: [A-Z][A-Za-z]*\.?)?)(?= ?[—–(]| ?-)")
_PARAGRAPH = re.compile(r"\n\s*")
_OWNER_GAP = re.compile(r"['’]s (?:[a-z]+ ){0,3}")  # "Harare's ", "Cairo's gated suburb of "
_STANCE_PREFIX = re.compile(r"^(?i:anti|pro|non|all|pan|ex)-(?=[A-Z])")  # "pro-Russian", "anti-American"

ADM1_SHADOW_POP = 100_000  # towns smaller than this give way to a same-named large ADM1
ADM1_SHADOW_MIN_SIZE = 1_000_000  # (summed town population, an undercount) ADM1s that shadow small towns
NEAR_KM, REGION_KM = 50.0, 250.0  # "near" and "same region" for the ranker
CONTEXT_PASSES = 3
CLEAR_LEAD = 2.0  # score lead over the best reading elsewhere at which a reading counts fully as context
PEER_AREAS_FULL = 3  # other ADM1s of the same country read in the document
_FEATURE_CLASS = {"town": "town", "adm2": "area", "adm1": "area", "country": "country", "region": "region",
                  "spot": "spot"}
# What may follow a demonym used as a modifier ("Chinese imports", "Russian Foreign
# Minister"), and the hyphens of compounds ("Asian-Pacific")
_MODIFIED_POS = {"NOUN", "PROPN", "ADJ", "NUM"}
_HYPHENS = {"-", "‐", "–"}
_IN_ENTITY = (1, 3)  # spaCy's ENT_IOB codes of I and B
_LIST_GAPS = {", ", ",", " and ", " or ", ", and ", ", or ", " & ", "/", " / ", "; "}


@dataclass(frozen=True, slots=True)
class Mention:
    """A stretch of text that may name a place."""

    text: str
    start: int
    end: int
    label: str = ""  # spaCy label, "" when unknown


@dataclass
class _Context:
    """What the rest of the document says: each country's evidence (0..1: its readings'
    summed weight, capped at 1, times its share of the main country's), the weight of
    each ADM1 (capped at 1), the towns read elsewhere, and the feature classes of the
    names listed with this one."""

    countries: dict[str, float]
    adm1s: dict[tuple[str | None, str], float]
    points: tuple[tuple[float, float], ...] = ()
    sibling_features: dict[str, float] = field(default_factory=dict)
    peer_areas: dict[str, int] = field(default_factory=dict)  # ISO3 -> distinct ADM1 areas read


_EMPTY = _Context({}, {})


@dataclass(frozen=True, slots=True)
class _Reading:
    """A mention's current reading and how much the rest of the document may trust it."""

    cand: Candidate | None
    weight: float = 1.0  # how far the reading leads readings in other countries (0..1)
    adjectival: bool = False  # a demonym ("Texan ranchers"): says which country, not where
    area_weight: float = 1.0  # how far it leads readings in other ADM1 areas (0..1)


class Geoparser:
    """Resolve place names against a ``Gazetteer`` (built once by the caller)."""

    def __init__(self, gazetteer: Gazetteer, model: RankModel | None = None) -> None:
        self.gazetteer = gazetteer
        self.model = model or load_model()
        # _plausible's answers, remembered: they depend on the gazetteer only, and every
        # context pass asks again for every mention
        self._plausible_readings = functools.lru_cache(maxsize=1 << 14)(lambda *key: tuple(self._plausible(*key)))
        # a name's reading before any context, remembered likewise: names recur across documents
        self._readings_alone = functools.lru_cache(maxsize=1 << 14)(
            lambda name, label, container, admin_role: self._reading(name, label, _EMPTY, container, admin_role))
        # what a name inside or standing for another is, remembered likewise (pure functions of the words)
        self._names_metonym = functools.lru_cache(maxsize=1 << 14)(self._metonymic)
        self._names_area = functools.lru_cache(maxsize=1 << 14)(self._is_area_name)
        self._inner_place = functools.lru_cache(maxsize=1 << 14)(lambda words, towns: self._inner_part(list(words), towns))

    # -- public API ---------------------------------------------------------
    def parse(self, doc) -> list[Place]:
        """Places named in a spaCy Doc, each resolved to one gazetteer entry."""
        mentions = self.find_mentions(doc)
        text = text_of(doc)
        places = self.resolve_mentions(mentions, text)
        return [p for p in places if p is not None and not _implausible(p)
                and not names_occupants(p, text, self.gazetteer)]

    def resolve(self, name: str, context_countries: set[str] | frozenset[str] = frozenset()) -> Place | None:
        """One name, optionally with the ISO3 codes of countries known to be in context."""
        ctx = _Context({c: 1.0 for c in context_countries}, {})
        cand = self._best(name, ctx, container=None)
        return None if cand is None else _to_place(cand, name, None, None)

    def find_mentions(self, doc) -> list[Mention]:
        """GPE/LOC/FAC/NORP entities, places inside or standing for organisations,
        capitalised names after locative prepositions or place nouns, and datelines."""
        mentions = []
        placed = _placed_names(doc)
        for ent in entities_of(doc):
            parts = self._demonym_parts(ent) if ent.label_ == "NORP" else []
            if parts:
                mentions += parts
            elif ent.label_ == "NORP" and self._names_people_or_language(ent):
                continue
            elif ent.label_ in ENTITY_LABELS or (ent.label_ in METONYMY_LABELS | EMBEDDING_LABELS
                                               and self._names_metonym(ent.text, ent.label_)):
                mentions.append(Mention(ent.text, ent.start_char, ent.end_char, ent.label_))
            else:
                inner = self._embedded_place(ent) if ent.label_ in EMBEDDING_LABELS else None
                if inner is None and ent.label_ in ("ORG", "EVENT", "FAC"):
                    inner = _inner_named_elsewhere(ent, placed)
                if inner is not None:
                    mentions.append(Mention(inner.text, inner.start_char, inner.end_char, "GPE"))
                    mentions += _owned_spot(ent, inner)
                elif ent.label_ in METONYMY_LABELS and _ends_in_spot_word(ent.text):
                    # "Northwestern Memorial Hospital", "Craven Cottage" is not: NER often
                    # calls a building an organisation or a person
                    mentions.append(Mention(ent.text, ent.start_char, ent.end_char, "FAC"))
        located = self._after_prepositions(doc, {m.start for m in mentions})
        located += self._after_place_nouns(doc, {m.start for m in mentions + located})
        mentions += located
        # one sense per discourse: a name NER calls a place, or one found after "in"/"at"
        # ("nearby in Riverdale"), is a place elsewhere in the text too ("the Riverdale area")
        placed |= {normalise(_TRAILING.sub("", m.text)) for m in located}
        found = {m.start for m in mentions}
        mentions += [m for m in self._places_taken_for_agents(doc, placed) if m.start not in found]
        mentions += self._loose_demonyms(doc)
        taken = [(m.start, m.end) for m in mentions]
        mentions += [m for m in self._loose_areas(doc)
                     if not any(m.start < end and start < m.end for start, end in taken)]
        taken = [(m.start, m.end) for m in mentions]
        mentions += [m for m in _named_place_elsewhere(doc, placed)
                     if not any(m.start < end and start < m.end for start, end in taken)]
        datelines = self._datelines(text_of(doc))
        # a dateline's whole name over a piece of it NER found ("ST" of "ST. LOUIS -")
        mentions = [m for m in mentions if not any(_inside(m, d) for d in datelines)]
        taken = [(m.start, m.end) for m in mentions]
        mentions += [m for m in datelines if not any(m.start < end and start < m.end for start, end in taken)]
        surnames, text = _surnames(doc), text_of(doc)
        return sorted((m for m in mentions if not _names_person(m, surnames, text)), key=lambda m: m.start)

    def _after_prepositions(self, doc, found: set[int]) -> list[Mention]:
        """"near Lviv": capitalised words after a locative preposition that the gazetteer
        knows, including a name spaCy took for a person, organisation or product ("in Kent",
        "in Rennes")."""
        starts = {e.start: e for e in entities_of(doc)}
        covered = {i for e in entities_of(doc) for i in range(e.start, e.end)}
        mentions = []
        before_names = place_words()["before_names"]
        words = words_of(doc)
        for tok, low in zip(words.tokens, words.lower):
            if low not in before_names or tok.i + 1 >= len(doc):
                continue
            ent = starts.get(tok.i + 1)
            if ent is not None:
                if ent.label_ in MISREAD_AFTER_PREPOSITION and ent.start_char not in found and self._locatable(tok, ent.text):
                    mentions.append(Mention(ent.text, ent.start_char, ent.end_char, "GPE"))
                continue
            span_end = tok.i + 1
            while span_end < len(doc) and doc[span_end].is_title and span_end not in covered:
                span_end += 1
            if span_end == tok.i + 1:
                continue
            span = doc[tok.i + 1:span_end]
            if not any(t.pos_ == "PROPN" for t in span) or self._names_people_or_language(span):
                continue  # "written in Portuguese."
            if self.gazetteer.knows(span.text):
                mentions.append(Mention(span.text, span.start_char, span.end_char, "GPE"))
            elif tok.lower_ in place_words()["before_misread_names"] and _ends_in_spot_word(span.text):
                # "at Windsor Castle", "in Zzyzx Square": a building or street
                mentions.append(Mention(span.text, span.start_char, span.end_char, "FAC"))
        return mentions

    def _after_place_nouns(self, doc, found: set[int]) -> list[Mention]:
        """"the small town of Kasba Bonli", "the outskirts of Kharkiv", "Cairo's suburb of
        Madinaty": the capitalised name after a place noun and "of" (``place_nouns``) is a
        place, whatever NER took it for. A name the gazetteer does not know is given as a
        place (no label), so it may stand as a spot in the town that holds it. The noun
        must be lower-case: "Center of Excellence" is a name, not a place noun."""
        starts = {e.start: e for e in entities_of(doc)}
        covered = {i for e in entities_of(doc) for i in range(e.start, e.end)}
        nouns = place_words()["place_nouns"]
        mentions = []
        words = words_of(doc)
        for tok in words.tokens[1:-1]:
            noun = words.tokens[tok.i - 1]
            if words.lower[tok.i] != "of" or noun.text != words.lower[noun.i] or words.lower[noun.i] not in nouns:
                continue
            ent = starts.get(tok.i + 1)
            if ent is not None:
                span = ent if ent.label_ in ("PERSON", "ORG", "GPE", "LOC", "FAC") else None
            else:
                end = tok.i + 1
                while end < len(doc) and doc[end].is_title and end not in covered:
                    end += 1
                span = doc[tok.i + 1:end] if end > tok.i + 1 else None
            if span is None or span.start_char in found or _is_acronym(span.text):
                continue
            known = self.gazetteer.knows(_TRAILING.sub("", span.text))
            mentions.append(Mention(span.text, span.start_char, span.end_char, "GPE" if known else ""))
        return mentions

    def _demonym_parts(self, ent) -> list[Mention]:
        """"Bosnian Serb", "Austro-Hungarian": a group entity of several capitalised words
        that is no demonym as a whole: each word that is a demonym names its own place;
        [] otherwise."""
        text = _TRAILING.sub("", ent.text)
        if self.gazetteer.demonym(_STANCE_PREFIX.sub("", text), plural=True) is not None:
            return []  # "Pro-Russian" is one (``candidates`` drops the stance)
        words = list(re.finditer(r"[A-Z][\w’']+", text))
        found = [m for m in words if self.gazetteer.demonym(m.group(), plural=False) is not None]
        if len(words) < 2 or not found:
            return []
        return [Mention(m.group(), ent.start_char + m.start(), ent.start_char + m.end(), "NORP") for m in found]

    def _loose_demonyms(self, doc) -> list[Mention]:
        """Capitalised country and region demonyms NER left unlabelled ("Salvadoran
        migrants", "a European Education Area")."""
        covered = {i for e in entities_of(doc) for i in range(e.start, e.end)}
        mentions = []
        words = words_of(doc)
        for tok, pos in zip(words.tokens, words.pos):
            if tok.i in covered or not tok.is_title or pos not in ("ADJ", "PROPN", "NOUN"):
                continue
            dem = self.gazetteer.demonym(tok.text, plural=False)
            if (dem is not None and dem.feature in ("country", "region")
                    and not self._names_people_or_language(doc[tok.i:tok.i + 1])):
                mentions.append(Mention(tok.text, tok.idx, tok.idx + len(tok.text), "NORP"))
        return mentions

    def _names_people_or_language(self, span) -> bool:
        """"many Chinese are", "a passionate Nigerian who", "printed in Chinese",
        "studying Portuguese.": a lone demonym that is no adjective but the head of its
        phrase (no noun, adjective or number follows it) names a people or a language,
        not a place; "Chinese imports", "an Asian-Pacific forum" and a demonym ending
        the text still say where."""
        word = span[-1]
        if len(span) != 1 or word.pos_ == "ADJ" or word.i + 1 >= len(word.doc):
            return False
        after = word.doc[word.i + 1]
        if after.pos_ in _MODIFIED_POS or after.text in _HYPHENS:
            return False
        return self.gazetteer.demonym(_TRAILING.sub("", span.text), plural=False) is not None

    def _places_taken_for_agents(self, doc, placed: set[str]) -> list[Mention]:
        """"Abuja", "Owerri", "Samos": a person or organisation entity that is never part
        of a longer person name in the document (a person is named in full somewhere:
        "Mohamed Salah" ... "Salah"; a town is not) and that NER calls a place elsewhere in
        the same document ("in Samos" ... "Samos": ``placed``), or a person entity that is a
        town's own name (of PERSON_TOWN_MIN_POP)."""
        ents = entities_of(doc)
        people = [e for e in ents if e.label_ == "PERSON"]
        full_names = {normalise(e.text) for e in people if len(e) > 1}
        mentions = []
        for ent in ents:
            key = normalise(_TRAILING.sub("", ent.text))
            if (ent.label_ not in METONYMY_LABELS or _is_acronym(ent.text)
                    or any(f != key and f" {key} " in f" {f} " for f in full_names)):
                continue
            if key in placed or ent.label_ == "PERSON" and any(
                    c.feature == "town" and c.population >= PERSON_TOWN_MIN_POP and _is_own_name(c, key)
                    for c in self.gazetteer.lookup(ent.text)):
                mentions.append(Mention(ent.text, ent.start_char, ent.end_char, "GPE"))
        return mentions

    def _loose_areas(self, doc) -> list[Mention]:
        """Country names ("Vietnam", "UAE", "U.S.") and the own names of large states
        ("Massachusetts") that NER left unlabelled: runs of up to three capitalised proper
        nouns outside any entity, the longest first."""
        return _unlabelled_runs(doc, lambda span: self._names_area(span.text))

    def _is_area_name(self, text: str) -> bool:
        key = normalise(_TRAILING.sub("", text))
        if key in name_parts().common_words:
            return False
        return any(c.feature == "country" or c.feature == "adm1" and c.population >= METONYMY_MIN_ADM1_POP
                   and _is_own_name(c, key) for c in self.gazetteer.lookup(text))

    def _locatable(self, preposition, name: str) -> bool:
        """After "in"/"near"/"outside"/"at", a name NER took for a person or organisation
        is a place if the gazetteer has it as an area or as the own name of a town of
        LOCATABLE_MIN_POP, or by the first words of that name ("in Matias Romero", Matías
        Romero Avendaño); by another of its names only if it is a city of
        ALIAS_LOCATABLE_MIN_POP ("in Hamas" is not Hamm, "in Google" not Topeka)."""
        parts = name_parts()
        if preposition.lower_ not in place_words()["before_misread_names"] or _is_acronym(name) or normalise(name) in parts.common_words:
            return False
        key = normalise(name)
        return any(c.feature not in ("town", "spot") or c.population >= ALIAS_LOCATABLE_MIN_POP
                   or c.population >= LOCATABLE_MIN_POP and (_is_own_name(c, key) or _opens_own_name(c, key))
                   for c in self.gazetteer.lookup(name))

    def _datelines(self, text: str) -> list[Mention]:
        """"BEIRUT (AP) -", "COLUMBUS, Ohio -", "LONDON The Latest", "NEW DELHI: ",
        "lucknow: ": a place name opening a paragraph, which NER tends to miss. The wire
        stage's datelines (``find_dateline``) and, looser, any upper-case name opening a
        paragraph or a sentence."""
        found = [(m.group("name"), m.start("name"), m.end("name")) for m in _DATELINE.finditer(text)]
        found += [(c.group("name"), c.start("name"), c.end("name")) for _, _, end in list(found)
                  for c in [_DATELINE_CONTAINER.match(text, end)] if c is not None]
        for dateline in _paragraph_datelines(text):
            place = text[dateline.place_start:dateline.place_end]
            name = place.split(",")[0]
            found.append((name, dateline.place_start, dateline.place_start + len(name)))
            found += _dateline_container(place, dateline.place_start)
        mentions, seen = [], set()
        for name, start, end in sorted(found, key=lambda f: f[1]):
            if start in seen or len(name) <= 3:
                continue
            # a lower-case opening ("note: ...") is a dateline only for a sizeable place
            least = LOWER_DATELINE_MIN_POP if name.islower() else 0
            # a district opens a dateline as well as a town does ("SOUTH WAZIRISTAN, April 5")
            if any(c.feature in ("adm1", "adm2", "country") or c.feature == "town" and c.population >= least
                   for c in self.gazetteer.lookup(name)):
                seen.add(start)
                mentions.append(Mention(name, start, end, "GPE"))
        return mentions

    def resolve_mentions(self, mentions: list[Mention], text: str = "") -> list[Place | None]:
        """Resolve mentions of one document together (the document is the context).

        The context for a mention comes from the previous pass's readings of the *other*
        names in the document (never from mentions of the same name)."""
        readings = self._passes(mentions, text)
        cands = [r.cand or self._located_by_document(i, mentions, readings, text) for i, r in enumerate(readings)]
        return [None if c is None else _to_place(c, m.text, m.start, m.end) for m, c in zip(mentions, cands)]

    def _located_by_document(self, i: int, mentions: list[Mention], readings: list[_Reading],
                             text: str) -> Candidate | None:
        """A name the gazetteer has no reading of at all ("Royal Street", "Barclays Center",
        "the Supreme People's Court in Beijing") is a spot in the town that holds it: the
        town named right after it ("... in Beijing") or as its owner just before it
        ("Harare's Third Street"), else the document's home town (``_document_town``).
        None when the document reads no town, or when the mention may not be a spot
        (``_may_be_spot``, ``_after_locative``)."""
        mention = mentions[i]
        if (not (_may_be_spot(mention) or _after_locative(mention, text))
                or self._plausible_readings(mention.text, None, mention.label)):
            return None
        host = (_town_after(i, mentions, readings, text) or _town_owning(i, mentions, readings, text)
                or _document_town(readings))
        if host is None:
            return None
        return Candidate(None, mention.text.strip(), "spot", host.country, host.adm1, host.lat, host.lon, 0)

    def candidate_table(self, mentions: list[Mention], text: str = "") -> list[list[tuple[dict[str, float], Candidate]]]:
        """Per mention, its candidates with the ranker's features, in the context of this
        parser's final readings of the other mentions (what ``dyads train-geo`` fits)."""
        containers, admin_role, siblings = self._relations(mentions, text)
        readings = self._passes(mentions, text)
        keys = [normalise(m.text) for m in mentions]
        table = []
        for m, c, a, k, sib in zip(mentions, containers, admin_role, keys, siblings):
            ctx = self._context([r for key, r in zip(keys, readings) if key != k])
            table.append(self._featured(m.text, _with_siblings(ctx, [readings[j] for j in sib]), c, m.label, a))
        return table

    def _passes(self, mentions: list[Mention], text: str) -> list[_Reading]:
        containers, admin_role, siblings = self._relations(mentions, text)
        keys = [normalise(m.text) for m in mentions]
        readings = [self._readings_alone(m.text, m.label, c, a) for m, c, a in zip(mentions, containers, admin_role)]
        # a wire dateline without a state or country is a place known worldwide ("KINGSTON
        # (Reuters) -" is Jamaica's capital), whatever else the story names: read alone, and
        # the story's "Kingston" is the same town
        alone = _bare_datelines(text)
        dateline = {k: r for m, c, k, r in zip(mentions, containers, keys, readings) if m.start in alone and c is None}
        fixed = [k in dateline and c is None for c, k in zip(containers, keys)]
        readings = [dateline[k] if keep else r for k, r, keep in zip(keys, readings, fixed)]
        for _ in range(CONTEXT_PASSES):
            contexts = {key: self._context([r for k, r in zip(keys, readings) if k != key]) for key in set(keys)}
            # a name repeated with the same context and no listed names reads the same: read once a pass
            alike: dict[tuple, _Reading] = {}
            updated = []
            for m, c, a, k, sib, r, keep in zip(mentions, containers, admin_role, keys, siblings, readings, fixed):
                if keep:
                    updated.append(r)
                    continue
                if sib:
                    ctx = _with_siblings(contexts[k], [readings[j] for j in sib])
                    updated.append(self._reading(m.text, m.label, ctx, c, a))
                    continue
                same = (m.text, m.label, k, c, a)
                if same not in alike:
                    alike[same] = self._reading(m.text, m.label, contexts[k], c, a)
                updated.append(alike[same])
            if updated == readings:
                break
            readings = updated
        return readings

    # -- internals ----------------------------------------------------------
    def _metonymic(self, text: str, label: str = "ORG") -> bool:
        """Does an ORG/PERSON entity name a place outright: a country by any name, a
        region by its own name or acronym ("the EU"), a large state or province by its
        own name, or (ORG) a large town by its own name ("Washington said")? Everyday
        words ("the Centre") and small areas ("Nelson", a person more often) do not count."""
        if self.gazetteer.demonym(text, plural=False) is not None:
            return True
        clean = _TRAILING.sub("", text)
        key = normalise(clean)
        if key in name_parts().common_words:
            return False
        for cand in self.gazetteer.lookup(clean):
            if cand.feature == "country" or cand.feature == "region" and _is_acronym(clean):
                return True
            if not _is_own_name(cand, key):
                continue
            if (cand.feature == "region" or cand.feature == "adm1" and cand.population >= METONYMY_MIN_ADM1_POP
                    or label == "ORG" and cand.feature == "town" and cand.population >= METONYMY_MIN_TOWN_POP):
                return True
        return False

    def _embedded_place(self, ent):
        """A country, ADM1, region, demonym or (of INNER_MIN_POP, by its own name) town
        inside an organisation's or event's name ("U.S. Army", "Zimbabwe Electoral
        Commission", "University of California", "the Toronto Transit Commission",
        "the Dubai World Cup")."""
        found = self._inner_place(tuple(t.text for t in ent), True)
        return None if found is None else ent[found[0]:found[1]]

    def candidates(self, name: str, label: str = "") -> list[Candidate]:
        """Gazetteer readings of a name; a demonym reading ("Canadian") comes first.
        Failing an exact match: the name less a trailing unit word ("Guma LGA"), the
        part before a comma, the name less a leading direction ("northern Syria"),
        and last the place inside a facility's or organisation's name."""
        clean = _STANCE_PREFIX.sub("", _TRAILING.sub("", name.strip()).strip())
        dem = self.gazetteer.demonym(clean, plural=label != "NORP")
        if label == "NORP":  # a nationality or group; else only a place it may stand for ("Tunis", not "BA")
            return [dem] if dem else [c for c in self.gazetteer.lookup(clean) if _norp_place(c, clean)]
        cands = self.gazetteer.lookup(clean)
        if dem is not None and dem not in cands:
            cands = [dem, *cands]
        if not cands:
            cands = self._without_unit_word(clean)
        if not cands and "," in clean:
            cands = self.gazetteer.lookup(clean.split(",")[0])
        if not cands:
            cands = self._without_direction(clean, label)
        if not cands:
            words = _words(clean)
            found = self._inner_place(tuple(words), True)
            cands = [] if found is None else list(found[2])
        return cands

    def _without_unit_word(self, name: str) -> list[Candidate]:
        """"Orange County", "Guma Local Government Area" -> the area whose own name is
        what precedes the unit word."""
        key = normalise(name)
        for unit in name_parts().admin_units:
            if key.endswith(" " + unit):
                stripped = key[:-len(unit) - 1]
                found = [c for c in self.gazetteer.lookup(stripped)
                         if c.feature not in ("town", "spot") and normalise(c.name).startswith(stripped)]
                if found:
                    return found
        return []

    def _without_direction(self, name: str, label: str) -> list[Candidate]:
        """"northern Syria", "the Western US", "South-east Asia" -> the place named after the direction."""
        words = _words(name)
        if words and words[0].lower() == "the":
            words = words[1:]
        if len(words) < 2 or normalise(words[0]) not in name_parts().directions:
            return []
        rest = " ".join(words[1:])
        return [c for c in self.candidates(rest, label) if c.feature != "town" or _is_own_name(c, normalise(rest))]

    def _inner_part(self, words: list[str], towns: bool) -> tuple[int, int, list[Candidate]] | None:
        """The longest run of words inside a facility's or organisation's name that names
        a place: a demonym, a country by any of its names, an area or region by its own
        name or (opening the name) a region by any of its names ("EU Aviation Strategy"), or
        (``towns``) a town of INNER_MIN_POP by its own name. The run must open
        the name or follow a connector ("University of California", "Mexican Senate")
        to be an area; runs elsewhere are tried next. A run followed by a unit that
        makes the whole another place ("Washington Township", "Franklin Street") does
        not count. Returns (start, end, candidates) or None."""
        parts = name_parts()
        for anchored, i, j in _runs(words):
            part = " ".join(words[i:j])
            after = normalise(words[j]) if j < len(words) else ""
            if (after in parts.distinct_units or not part[:1].isupper() or part[-1] in "-–—"
                    or part.lower() in parts.common_words):
                continue
            found = self._names_place(part, towns, anchored)
            if found:
                return i, j, found
        return None

    def _names_place(self, part: str, towns: bool, anchored: bool) -> list[Candidate]:
        """Readings of a run of words inside a longer name; away from the name's start
        ("Marjory Stoneman Douglas ...") only countries, demonyms and cities of INNER_AWAY_MIN_POP."""
        dem = self.gazetteer.demonym(part, plural=False)
        if dem is not None:
            return [dem]
        key = normalise(part)
        return [c for c in self.gazetteer.lookup(part)
                if c.feature == "country"
                or anchored and c.feature == "region"  # "EU Aviation Strategy", "Pacific equatorial waters"
                or _is_own_name(c, key) and (anchored and c.feature in ("adm1", "region")
                                             or anchored and c.feature == "adm2" and " " in key
                                             or towns and c.feature == "town"
                                             and c.population >= (INNER_MIN_POP if anchored else INNER_AWAY_MIN_POP))]

    def _best(self, name: str, ctx: _Context, container: Candidate | None, label: str = "",
              admin_role: bool = False) -> Candidate | None:
        ranked = self._ranked(name, ctx, container, label, admin_role)
        return ranked[0][1] if ranked else None

    def _ranked(self, name: str, ctx: _Context, container: Candidate | None, label: str = "",
                admin_role: bool = False) -> list[tuple[float, Candidate]]:
        """Plausible candidates with the ranker's scores, best first."""
        scored = [(self.model.score(f), c) for f, c in self._featured(name, ctx, container, label, admin_role)]
        return sorted(scored, key=lambda sc: -sc[0])

    def _featured(self, name: str, ctx: _Context, container: Candidate | None, label: str = "",
                  admin_role: bool = False) -> list[tuple[dict[str, float], Candidate]]:
        """Plausible candidates, each with the ranker's features."""
        cands = self._plausible_readings(name, container, label)
        key = normalise(_TRAILING.sub("", name.strip()))
        acronym = _is_acronym(name)
        country_named = any(c.feature == "country" for c in cands)
        top_town = max((log_pop(c.population) for c in cands if c.feature == "town"), default=0.0)
        return [(candidate_features(c, ctx, container, _is_own_name(c, key), acronym, admin_role, country_named,
                                    top_town), c) for c in cands]

    def _reading(self, name: str, label: str, ctx: _Context, container: Candidate | None, admin_role: bool) -> _Reading:
        """The best reading, trusted as context by its lead over the best reading in
        another country: "Boston" (the US city by far) vouches for Massachusetts, a
        near tie such as "Cambridge" vouches for little."""
        ranked = self._ranked(name, ctx, container, label, admin_role)
        if not ranked:
            return _Reading(None, 0.0)
        score, best = ranked[0]
        adjectival = best == self.gazetteer.demonym(_TRAILING.sub("", name.strip()), plural=True)
        return _Reading(best, _lead(ranked, lambda c: c.country), adjectival,
                        _lead(ranked, lambda c: (c.country, c.adm1)))

    def _plausible(self, name: str, container: Candidate | None, label: str = "") -> list[Candidate]:
        """The candidates worth scoring: a country's name means the country, a large
        state's own name the state, and small towns count only by their own names."""
        cands = self.candidates(name, label)
        if not cands:
            return []
        if container is None and any(c.feature == "country" for c in cands):
            # a country's name means the country ("Mexico"), unless a named container says otherwise
            cands = [c for c in cands if c.feature not in ("town", "spot")]
        key = normalise(_TRAILING.sub("", name.strip()))
        if container is None and any(c.feature == "adm1" and c.population >= ADM1_SHADOW_MIN_SIZE
                                     and _is_own_name(c, key) for c in cands):
            # a state/province's own name means it over a smaller town of that name
            # ("California", "Wyoming", "Wales"), but not over a city ("New York")
            cands = [c for c in cands if c.feature not in ("town", "spot") or c.population >= ADM1_SHADOW_POP]
        # a small town is not known by its alternate names ("Western" for Cuba City), nor a spot
        return [c for c in cands if c.feature not in ("town", "spot") or c.population >= SMALL_TOWN_POP
                or _is_own_name(c, key)]

    def _relations(self, mentions: list[Mention], text: str):
        """Per mention: its container ("Paris, Texas" -> Texas), whether it is itself
        a container (so an area), and the mentions listed with it ("A, B and C")."""
        n = len(mentions)
        containers: list[Candidate | None] = [None] * n
        admin_role = [False] * n
        siblings: list[list[int]] = [[] for _ in range(n)]
        for i in range(n - 1):
            gap = text[mentions[i].end:mentions[i + 1].start] if text else None
            if gap not in _LIST_GAPS:
                continue
            container = self._container_of(mentions[i], mentions[i + 1]) if gap.strip() == "," else None
            if container is not None:
                containers[i], admin_role[i + 1] = container, True
            else:
                siblings[i].append(i + 1)
                siblings[i + 1].append(i)
        return containers, admin_role, siblings

    def _container_of(self, inner: Mention, outer: Mention) -> Candidate | None:
        """The largest country/ADM1/ADM2 reading of ``outer`` that holds a place called
        ``inner`` by its own name ("Springfield, Illinois"; "Snetterton, Norfolk"; not
        "Washington, New York" for Watervliet, once called Washington), or None."""
        key = normalise(_TRAILING.sub("", inner.text.strip()))
        inner_cands = [c for c in self.candidates(inner.text, inner.label)
                       if c.feature in ("town", "adm2", "adm1") and _is_own_name(c, key)]
        holders = [c for c in self.candidates(outer.text, outer.label)
                   if c.feature in ("country", "adm1", "adm2")
                   and any(_holds(c, x) for x in inner_cands)]
        return max(holders, key=lambda c: c.population) if holders else None

    def _context(self, readings: list[_Reading]) -> _Context:
        countries: dict[str, float] = {}
        adm1s: dict[tuple[str | None, str], float] = {}
        for r in readings:
            cand = r.cand
            if cand is None:
                continue
            if cand.country:
                countries[cand.country] = countries.get(cand.country, 0.0) + r.weight
            if cand.adm1 and cand.feature in ("town", "adm1", "adm2") and not r.adjectival:
                key = (cand.country, cand.adm1)
                adm1s[key] = min(1.0, adm1s.get(key, 0.0) + r.area_weight)
        top = max(countries.values(), default=0.0)
        # how sure the rest of the text is of a country, and how it compares with the main one
        shares = {c: min(1.0, w) * w / top for c, w in countries.items()} if top else {}
        points = tuple((r.cand.lat, r.cand.lon) for r in readings
                       if r.cand is not None and r.cand.feature == "town" and r.area_weight >= 0.5)
        peers: dict[str, int] = {}  # a plain count: a Counter costs more to build than this counts
        for country, _ in {(r.cand.country, r.cand.adm1) for r in readings
                           if r.cand is not None and r.cand.feature == "adm1" and not r.adjectival}:
            peers[country] = peers.get(country, 0) + 1
        return _Context(shares, adm1s, points, peer_areas=peers)


def _lead(ranked: list[tuple[float, Candidate]], where) -> float:
    """How clearly the best reading beats the best one elsewhere (``where`` differs):
    1.0 for no rival or a lead of CLEAR_LEAD, less for a closer call."""
    best_score, best = ranked[0]
    rival = next((sc for sc, c in ranked[1:] if where(c) != where(best)), None)
    return 1.0 if rival is None else min(1.0, (best_score - rival) / CLEAR_LEAD)


def _paragraph_datelines(text: str) -> list:
    """The wire stage's dateline (``find_dateline``) opening each paragraph, where it names a place."""
    found = (find_dateline(text, start) for start in [0] + [m.end() for m in _PARAGRAPH.finditer(text)])
    return [d for d in found if d is not None and d.place_start is not None]


def _bare_datelines(text: str) -> set[int]:
    """Where each paragraph's dateline name starts, when no state or country follows it."""
    return {d.place_start for d in _paragraph_datelines(text) if "," not in text[d.place_start:d.place_end]}


def _dateline_container(place: str, start: int) -> list[tuple[str, int, int]]:
    """"OAKLAND, Calif. (AP)": the state or country after a dateline's comma names a
    place too (the caller checks that the gazetteer knows it)."""
    head, comma, rest = place.partition(",")
    name = rest.strip()
    if not comma or not name:
        return []
    offset = start + len(head) + 1 + (len(rest) - len(rest.lstrip()))
    return [(name, offset, offset + len(name))]


def _placed_names(doc) -> set[str]:
    """The names NER labels a place (GPE/LOC) somewhere in the document."""
    return {normalise(_TRAILING.sub("", e.text)) for e in entities_of(doc) if e.label_ in ("GPE", "LOC")}


def _inner_named_elsewhere(ent, placed: set[str]):
    """"in Beverly Hills ... the Beverly Hills Police Department": the longest run of
    capitalised words inside a longer name that NER labels a place elsewhere in the
    document (a town too small for ``_embedded_place`` counts then), or None."""
    words = [t for t in ent if t.lower_ != "the"]
    if len(words) < 2:
        return None
    for size in range(min(3, len(words) - 1), 0, -1):
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            if all(t.text[:1].isupper() for t in run) and run[-1].i - run[0].i == size - 1:
                span = ent.doc[run[0].i:run[-1].i + 1]
                if normalise(_TRAILING.sub("", span.text)) in placed:
                    return span
    return None


def _named_place_elsewhere(doc, placed: set[str]) -> list[Mention]:
    """"in Riverdale ... the Riverdale station": a run of capitalised proper nouns NER
    left unlabelled is a place when the same name is one elsewhere in the document
    (``placed``: one sense per discourse)."""
    return _unlabelled_runs(doc, lambda span: normalise(_TRAILING.sub("", span.text)) in placed)


def _unlabelled_runs(doc, is_place) -> list[Mention]:
    """Runs of up to three capitalised proper nouns outside any entity that ``is_place``
    accepts, the longest run first."""
    # which tokens may be part of a run, read from the Doc's arrays at once: slicing the Doc
    # per token and size was a fifth of dyads' own time on wire copy
    tags = doc.to_array([POS, ENT_IOB])
    free = [bool(pos == PROPN and iob not in _IN_ENTITY and doc[i].text[:1].isupper())
            for i, (pos, iob) in enumerate(tags.tolist())]
    mentions, i = [], 0
    while i < len(free):
        if not free[i]:
            i += 1
            continue
        for size in (3, 2, 1):
            if i + size <= len(free) and all(free[i:i + size]) and is_place(span := doc[i:i + size]):
                mentions.append(Mention(span.text, span.start_char, span.end_char, "GPE"))
                i += size
                break
        else:
            i += 1
    return mentions


def _inside(inner: Mention, outer: Mention) -> bool:
    """Is ``inner`` a shorter stretch within ``outer``?"""
    return outer.start <= inner.start and inner.end <= outer.end and inner.end - inner.start < outer.end - outer.start


def _surnames(doc) -> set[str]:
    """The last words of the multi-word person names in a document ("Narendra Modi")."""
    return {normalise(_TRAILING.sub("", e[-1].text)) for e in entities_of(doc)
            if e.label_ == "PERSON" and len(e) > 1}


def _names_person(mention: Mention, surnames: set[str], text: str) -> bool:
    """"Narendra Modi ... Modi's cabinet", "Jeremy Allen ... said Allen": a one-word name
    that is the surname of someone named in full in the same document stands for that
    person, unless it follows "in"/"at"/"near"/"outside" ("George Washington ... in Washington")."""
    key = normalise(_TRAILING.sub("", mention.text.strip()))
    if " " in key or key not in surnames or _is_acronym(mention.text):  # "US" ends a misread "Henry Lazenby US"
        return False
    return not (_after_preposition(mention, text) or _after_place_noun(mention, text))


def _may_be_spot(mention: Mention) -> bool:
    """Can an unknown name be a street, building or venue? A span given as a place (no NER
    label) can; one NER labelled only when its last word says so ("Royal Street",
    "Barclays Center"): the unknown "places" NER finds are mostly people ("Modi")."""
    if not mention.label:
        return True
    return mention.label in ("GPE", "LOC", "FAC") and _ends_in_spot_word(mention.text)


def _after_locative(mention: Mention, text: str) -> bool:
    """"lived in Earlsheaton", "a studio at Rathbeggan": a name NER calls a place right
    after "in"/"at"/"near"/"outside" is one even when the gazetteer does not know it, but
    not an owner ("in Modi's cabinet", "in Tchaikovsky's concerto": a person's, mostly)."""
    if mention.label not in ("GPE", "LOC") or not text or mention.text.isupper():  # "in OT", "ICON"
        return False
    owner = _TRAILING.search(mention.text.strip()) or text[mention.end:mention.end + 2] in ("'s", "’s")
    return not owner and _after_preposition(mention, text)


def _after_preposition(mention: Mention, text: str) -> bool:
    """Does the word before the mention say a place follows ("in", "at", "near", ...:
    ``before_misread_names``)?"""
    before = text[max(0, mention.start - 12):mention.start].split()
    return bool(before) and before[-1].lower() in place_words()["before_misread_names"]


def _after_place_noun(mention: Mention, text: str) -> bool:
    """Do a lower-case place noun and "of" come right before the mention ("the suburb of")?"""
    before = text[max(0, mention.start - 30):mention.start].split()
    return (len(before) >= 2 and before[-1] == "of" and before[-2].islower()
            and before[-2] in place_words()["place_nouns"])


def _ends_in_spot_word(name: str) -> bool:
    """"Royal Street", "Barclays Center": the last word makes the name a spot in a town."""
    words = normalise(_TRAILING.sub("", name.strip())).split()
    return len(words) > 1 and words[-1] in name_parts().spot_words  # "Park" alone is a person


def _owned_spot(ent, owner) -> list[Mention]:
    """"Harare's Third Street", "Derry's Altnagelvin Hospital": after a place that owns it,
    the rest of an organisation's name that ends in a spot word is a place too."""
    rest = ent[owner.end - ent.start:]
    if owner.start != ent.start or not rest or rest[0].text not in ("'s", "’s"):
        return []
    spot = rest[1:]
    if not spot or not _ends_in_spot_word(spot.text):
        return []
    return [Mention(spot.text, spot.start_char, spot.end_char, "FAC")]


def _town_after(i: int, mentions: list[Mention], readings: list[_Reading], text: str) -> Candidate | None:
    """The town or district read right after mention ``i`` when the words between place
    it there ("the Palais des Nations in Geneva", "Craven Cottage, Fulham")."""
    j = i + 1
    if j >= len(mentions) or not text:
        return None
    host = readings[j].cand
    gap = text[mentions[i].end:mentions[j].start].strip(" ,")
    if host is None or host.feature not in ("town", "adm2") or "\n" in gap:
        return None
    return host if gap == "" or gap.lower() in place_words()["where"] else None


def _town_owning(i: int, mentions: list[Mention], readings: list[_Reading], text: str) -> Candidate | None:
    """The town or district read just before mention ``i`` as its owner: "Harare's Third
    Street", "Cairo's gated suburb of Madinaty"."""
    j = i - 1
    if j < 0 or not text:
        return None
    host = readings[j].cand
    if host is None or host.feature not in ("town", "adm2"):
        return None
    return host if _OWNER_GAP.fullmatch(text[mentions[j].end:mentions[i].start]) else None


def _document_town(readings: list[_Reading]) -> Candidate | None:
    """The document's home town: in the country the document names most often (by any
    name: towns, states, the country, its demonym) that has a town read in it, the town
    with the most town readings within NEAR_KM of it (itself included), then the one read
    most often (the first of equals), or None. A suburb's neighbours, each named once,
    outvote a far-off misreading named twice ("Santa Barbara", "Goleta", "Carpinteria"
    over two "Turtle Rock"s); a story from Cairo about Liverpool's academy there stays in
    Egypt."""
    towns = [r.cand for r in readings if r.cand is not None and r.cand.feature == "town"]
    if not towns:
        return None
    named = Counter(r.cand.country for r in readings if r.cand is not None)
    country = max(dict.fromkeys(c.country for c in towns), key=named.__getitem__)
    towns = [c for c in towns if c.country == country]
    counts = Counter(c.geonameid for c in towns)

    def neighbours(town: Candidate) -> int:
        return sum(1 for c in towns if haversine_km(town.lat, town.lon, c.lat, c.lon) <= NEAR_KM)

    return max(towns, key=lambda c: (neighbours(c), counts[c.geonameid]))  # max keeps the first of equals


def _with_siblings(ctx: _Context, listed: list[_Reading]) -> _Context:
    """``ctx`` plus the feature classes of the names listed with the mention."""
    found = [_FEATURE_CLASS[r.cand.feature] for r in listed if r.cand is not None]
    if not found:
        return ctx
    shares = {f: n / len(found) for f, n in Counter(found).items()}
    return _Context(ctx.countries, ctx.adm1s, ctx.points, shares, ctx.peer_areas)


def _holds(area: Candidate, place: Candidate) -> bool:
    """Does ``area`` (country/ADM1/ADM2) contain ``place``, as far as codes tell?"""
    if area is place or area.country != place.country or area.geonameid == place.geonameid:
        return False
    if area.feature == "country":
        return True
    if area.adm1 != place.adm1:
        return False
    return area.feature == "adm1" and place.feature != "adm1" or area.feature == "adm2" and place.feature == "town"


def _norp_place(cand: Candidate, text: str) -> bool:
    if cand.feature in ("country", "region"):
        return True
    if _is_acronym(text):
        return False
    return cand.feature in ("adm1", "adm2") or cand.feature == "town" and cand.population >= METONYMY_MIN_TOWN_POP


def _runs(words: list[str]):
    """(anchored, start, end) of the runs of up to four words inside a longer name,
    longest first: first those that open the name or follow a connector, then the rest."""
    connectors = name_words()["name_connectors"]
    for anchored in (True, False):
        for size in range(min(4, len(words) - 1), 0, -1):
            for i in range(len(words) - size + 1):
                if words[i].lower() not in connectors and anchored == (i == 0 or words[i - 1].lower() in connectors):
                    yield anchored, i, i + size


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s/]+", name) if w]


def _is_acronym(name: str) -> bool:
    letters = _TRAILING.sub("", name.strip()).replace(".", "")
    return letters.isupper() and len(letters) <= 4


def candidate_features(cand: Candidate, ctx: _Context, container: Candidate | None, own_name: bool,
                       acronym: bool = False, admin_role: bool = False, country_named: bool = False,
                       top_town: float = 0.0) -> dict[str, float]:
    """What the ranker weighs for one reading (see ``dyads.place.rank.FEATURES``);
    ``top_town`` is the log population of the largest town of that name."""
    town = cand.feature == "town"
    small = town and cand.population < SMALL_TOWN_POP
    shape = feature_shape()
    # context says less about alternate-name readings and small towns (data/places/rank_prior.yml)
    trust = (1.0 if own_name or cand.feature == "country" else shape.alternate_trust) * (shape.small_town_trust if small else 1.0)
    adm1 = ctx.adm1s.get((cand.country, cand.adm1), 0.0) if cand.adm1 and cand.feature != "country" else 0.0
    nearest = _nearest_km(cand, ctx)
    return {
        "is_country": float(cand.feature == "country"), "is_region": float(cand.feature == "region"),
        "is_adm1": float(cand.feature == "adm1"), "is_adm2": float(cand.feature == "adm2"),
        "is_spot": float(cand.feature == "spot"),
        "town_log_pop": log_pop(cand.population) if town else 0.0,
        "area_log_pop": min(shape.area_size_cap.get(cand.feature, math.inf), log_pop(cand.population))
        if cand.feature in ("adm1", "adm2") else 0.0,
        "small_town": float(small),
        # how far below the largest same-named town: "Portland" is Oregon's unless the text says otherwise
        "town_pop_gap": top_town - log_pop(cand.population) if town else 0.0,
        "own_name": float(own_name), "own_name_town": float(own_name and town),
        "capital": float(cand.capital and own_name),
        "acronym_local": float(acronym and cand.feature in ("town", "adm2")),
        "admin_role_area": float(admin_role and cand.feature not in ("town", "spot")),
        "country_ctx": trust * ctx.countries.get(cand.country, 0.0),
        "adm1_ctx": trust * adm1,
        "near_50km": trust * (nearest <= NEAR_KM), "near_250km": trust * (nearest <= REGION_KM),
        "sibling_class": trust * ctx.sibling_features.get(_FEATURE_CLASS[cand.feature], 0.0),
        "container_holds": trust * (container is not None and cand.feature in ("town", "adm1", "adm2")
                                    and _holds(container, cand)),
        "peer_areas": _peer_share(cand, ctx) if country_named else 0.0,
    }


def _nearest_km(cand: Candidate, ctx: _Context) -> float:
    """Distance to the closest town read elsewhere in the document (towns only)."""
    if cand.feature != "town" or not ctx.points or cand.lat is None:
        return math.inf
    return min(haversine_km(cand.lat, cand.lon, lat, lon) for lat, lon in ctx.points)


def _peer_share(cand: Candidate, ctx: _Context) -> float:
    """A name that is a country's and a state's ("Georgia"): how many other states of
    that state's country the text names (0..1)."""
    if cand.feature != "adm1":
        return 0.0
    return min(1.0, ctx.peer_areas.get(cand.country, 0) / PEER_AREAS_FULL)


def _is_own_name(cand: Candidate, key: str) -> bool:
    """Is ``key`` the place's own name ("New York" for "New York City"), not an alternate?"""
    own = own_name_key(cand.name)
    if own == key:
        return True
    return (cand.population >= CITY_SUFFIX_MIN_POP and own.startswith(key + " ")
            and own[len(key) + 1:] in ("city", "town"))


def _opens_own_name(cand: Candidate, key: str) -> bool:
    """Is ``key`` the first words of the place's own name ("matias romero" of "Matías Romero Avendaño")?"""
    return own_name_key(cand.name).startswith(key + " ")


def _implausible(place: Place) -> bool:
    """A short all-caps mention resolved to a town ("BA", "P.A.") is usually an acronym."""
    letters = place.text.replace(".", "")
    return place.feature == "town" and letters.isupper() and len(letters) <= 3


def _to_place(cand: Candidate, text: str, start: int | None, end: int | None) -> Place:
    return Place(name=cand.name, feature=cand.feature, country=cand.country,
                 geonameid=cand.geonameid, adm1=cand.adm1, lat=cand.lat, lon=cand.lon,
                 start=start, end=end, text=text)
