"""Stage 3 — actors: find actor mentions in a parsed document and resolve them.

Two passes over the document. The first finds names the knowledge base knows
(PhraseMatcher over its aliases) and named people it does not know (NER plus
their title descriptors: "Ukrainian President Volodymyr Zelensky"). The second
resolves, in reading order, what refers back to them: surnames, titles and
descriptive noun phrases ("the Russian leader", "the Israeli premier"),
possessives, pronouns and plurals ("the two leaders", "both countries").
Sector words with a country cue ("Ukrainian lawmakers", "Knesset lawmakers")
become generic actors.
"""
from __future__ import annotations

import bisect
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from dyads.actors.organisations import sector_of_name
from dyads.actors.kb import Entity, KnowledgeBase
from dyads.models import Actor
from dyads.nlp import entities_of, sentence_of, sentences_of, text_of, token_range, words_of
from dyads.place.attach import place_words
from dyads.wordlists import read_word_lists

WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "actors" / "words.yml"
_WORDS = read_word_lists(WORDS_FILE)  # what each list means is written in the file
PERSON_PRONOUNS: dict[str, str] = _WORDS["person_pronouns"]
THING_PRONOUNS: frozenset[str] = _WORDS["thing_pronouns"]
PLURAL_PRONOUNS: frozenset[str] = _WORDS["plural_pronouns"]
PAIR_WORDS: frozenset[str] = _WORDS["pair_words"]
SET_NOUNS: dict[str, str] = _WORDS["set_nouns"]
MILITARY_RANKS: frozenset[str] = _WORDS["military_ranks"]
SOON_AFTER = 60  # tokens: a headline's bare word is the lede's, not the last paragraph's
NAME_TITLES: frozenset[str] = _WORDS["name_titles"]
AFFILIATION_WORDS: frozenset[str] = _WORDS["affiliation_words"]
PLACE_NOUNS: frozenset[str] = place_words()["place_nouns"]
WHERE_WORDS: frozenset[str] = place_words()["where"]
SIDE_NOUNS: frozenset[str] = _WORDS["side_nouns"]
FORMER_WORDS: frozenset[str] = _WORDS["former_words"]
ELSEWHERE_WORDS: frozenset[str] = _WORDS["elsewhere_words"]
REGION_WORDS: frozenset[str] = _WORDS["region_words"]
STATE_NOUNS: frozenset[str] = _WORDS["state_nouns"]
AGENT_ADJECTIVES: frozenset[str] = _WORDS["agent_adjectives"]
UNKNOWN_PERSON = "doc:person:"  # a person the knowledge base lacks is keyed by the last word of the name
NAMES_READ_AS_WORDS: frozenset[str] = _WORDS["names_read_as_words"]
THE_CENTRE: dict[str, list[str]] = _WORDS["the_centre"]
SPEAKS_FOR_WORDS: frozenset[str] = _WORDS["speaks_for_words"]
ABSTRACT_SENSES: frozenset[str] = _WORDS["abstract_senses"]
ABSTRACT_DETERMINERS: frozenset[str] = _WORDS["abstract_determiners"]


@dataclass
class DocEntity:
    """An actor as this document knows it."""

    key: str
    name: str
    kind: str  # person | country | igo | group | institution | metonym | generic | set
    country: str | None = None
    sector: str | None = None
    org: str | None = None
    kb: Entity | None = None
    gender: str | None = None
    titles: set[str] = field(default_factory=set)
    members: tuple["DocEntity", ...] = ()
    certainty: float = 1.0
    text_titles: set[str] = field(default_factory=set)  # titles the text itself gives ("President X")
    title_sectors: set[str] = field(default_factory=set)  # sectors of the words before a name ("opposition leader X")
    country_from: str = ""  # why the entity has its country, when the context gave it (dyads actor --context)
    how_typed: str = ""  # why it has its sector, when its name gave it

    def actor(self, kb: KnowledgeBase, on: date | None, text: str, start: int, end: int, dated: bool = True) -> Actor:
        """The actor on date ``on``; ``dated`` False: neither the article nor its text gives a
        date, so a person keeps their country without a dated post."""
        country, sector = self.country, self.sector
        if self.kb is not None and self.kb.kind == "person" and not dated:
            country, sector = kb.undated_code(self.kb, self.text_titles, _title_matches)
        elif self.kb is not None and self.kb.kind == "person":
            country, sector = kb.code_on(self.kb, on)
            if sector == "ELI" and self.text_titles:
                # The text calls them by an office they held ("President Boris Yeltsin"): the
                # report is from their time in it, whatever date the article carries.
                role = next((r for r in self.kb.roles if _title_matches(r.title.lower(), self.text_titles)), None)
                country, sector = (role.country, role.sector) if role else (country, sector)
            if sector == "ELI" and "OPP" in self.title_sectors:
                sector = "OPP"  # a former official the text calls the opposition's: "opposition leader Viktor Yushchenko"
            country, sector = country or self.country, sector or self.sector
        return Actor(
            code=country,
            sector=sector,
            entity_text=text,
            name=self.name,
            kb_id=self.kb.id if self.kb else None,
            org=self.org,
            start=start,
            end=end,
            certainty=self.certainty,
        )


@dataclass
class ActorMention:
    start: int  # token indices [start, end)
    end: int
    head: int
    entity: DocEntity
    how: str  # kb | ner | descriptor | title | surname | pronoun | plural | possessive


class ActorIndex:
    """The actor mentions of one document, addressable by token."""

    def __init__(self, doc: Doc, kb: KnowledgeBase, on: date | None, place_country=None, text_dates=None) -> None:
        # An undated article (``text_dates``, time.attach.TextDates): roles are looked up at
        # the dates its text states, sentence by sentence, else at none.
        self.text_dates = text_dates
        self.doc, self.kb, self.on = doc, kb, on if text_dates is None else text_dates.article
        self.place_country = place_country or (lambda name: None)  # "Karachi" -> PAK (gazetteer)
        self.mentions: list[ActorMention] = []
        self._by_token: dict[int, ActorMention] = {}
        self.quiet: set[int] = set()  # tokens that name no actor (a dateline, an agency tag)
        self.located: dict[int, str] = {}  # token -> country of the place the geoparser read there
        self._sent_starts: list[int] | None = None
        self._paragraph_starts: list[int] | None = None
        self._settled: dict[int, tuple[ActorMention, tuple[Actor, ...]]] | None = None  # see settle()

    def settle(self) -> None:
        """The resolver is done: no mention or entity changes any more, so a mention's actors
        are made once (the coder, the document's countries and the annotations each ask)."""
        self._settled = {}

    @property
    def paragraph_starts(self) -> list[int]:
        """Token index of each paragraph's start (the token after a line break), computed once."""
        if self._paragraph_starts is None:
            lower = words_of(self.doc).lower  # a line break is in the text as in its lower case
            self._paragraph_starts = [0] + [i + 1 for i, low in enumerate(lower) if "\n" in low and i + 1 < len(lower)]
        return self._paragraph_starts

    @property
    def sent_starts(self) -> list[int]:
        """Token index of each sentence's start."""
        if self._sent_starts is None:
            self._sent_starts = [s.start for s in sentences_of(self.doc).spans]
        return self._sent_starts

    def add(self, mention: ActorMention) -> None:
        """Add a mention; a descriptor whose cue words are already mentions keeps only its own words."""
        if mention.head in self._by_token or mention.head in self.quiet:
            return
        while mention.start < mention.head and mention.start in self.quiet:  # "AFP - Sudanese rebels": the rebels only
            mention.start += 1
        covered = [i for i in range(mention.start, mention.head) if i in self._by_token]
        if covered:  # "The US commander": the descriptor keeps the words after "US"
            mention.start = max(covered) + 1
        if any(i in self._by_token for i in range(mention.start, mention.end)):
            return
        self.mentions.append(mention)
        for i in range(mention.start, mention.end):
            self._by_token[i] = mention

    def replace(self, old: ActorMention, new: ActorMention) -> None:
        """Put a wider reading in place of a mention ('US and British forces' for 'British forces')."""
        self.mentions.remove(old)
        for i in range(old.start, old.end):
            self._by_token.pop(i, None)
        if any(i in self._by_token for i in range(new.start, new.end)):
            new.start = old.start
        self.mentions.append(new)
        for i in range(new.start, new.end):
            self._by_token[i] = new

    def mention_at(self, token: Token) -> ActorMention | None:
        return self._by_token.get(token.i)

    def mention_at_index(self, i: int) -> ActorMention | None:
        return self._by_token.get(i)

    def actors(self, mention: ActorMention) -> list[Actor]:
        """One Actor per member (a plural mention yields each member)."""
        if self._settled is None:
            return self._make_actors(mention)
        found = self._settled.get(id(mention))
        if found is None:  # (the mention is kept with its actors: its id stays its own)
            found = self._settled[id(mention)] = (mention, tuple(self._make_actors(mention)))
        return list(found[1])

    def _make_actors(self, mention: ActorMention) -> list[Actor]:
        # offsets from the tokens and text sliced from the document: a Span per call costs more
        first, last = self.doc[mention.start], self.doc[mention.end - 1]
        start, end = first.idx, last.idx + len(last)
        text = text_of(self.doc)[start:end]
        entities = mention.entity.members or (mention.entity,)
        on = self.on
        if self.text_dates is not None:
            on = self.text_dates.on(self.sent_starts[bisect.bisect_right(self.sent_starts, mention.start) - 1])
        dated = self.text_dates is None or on is not None
        return [e.actor(self.kb, on, text, start, end, dated) for e in entities]

    @property
    def has_date(self) -> bool:
        """False for an article with no publication date whose text states none either."""
        return self.text_dates is None or self.text_dates.article is not None


class ActorResolver:
    """Builds an ActorIndex for each document; owns the alias matcher."""

    def __init__(self, kb: KnowledgeBase, vocab, conflicts=None, is_place=None, event_nouns=frozenset(), place_country=None) -> None:
        self.kb = kb
        self.place_country = place_country  # the country of a town or region name, for "police in Karachi"
        self.conflicts = conflicts  # ConflictBook: "the sides" of a war in the document
        self.is_place = is_place or (lambda name: False)  # NER calls some towns people
        self.event_nouns = event_nouns  # "Turkish strikes" are events, not Turkish people
        self.matcher = PhraseMatcher(vocab, attr="ORTH")
        self.lower_matcher = PhraseMatcher(vocab, attr="LOWER")
        # Names matched only as written ("VHP", "Vajpayee"), for text that arrives lower-cased.
        self.lowered_matcher = PhraseMatcher(vocab, attr="LOWER")
        self._entities: dict[str, Entity] = {}
        exact: dict[str, list] = {}
        lower: dict[str, list] = {}
        make = vocab.strings.add
        for alias, entity in kb.aliases():
            if not alias.strip():
                continue
            self._entities[entity.id] = entity
            bucket = exact if kb.is_case_sensitive(alias) else lower
            bucket.setdefault(entity.id, []).append(alias)
        from spacy.lang.en import English

        tok = English().tokenizer
        for key, aliases in exact.items():
            make(key)
            self.matcher.add(key, [tok(a) for a in aliases])
            lowered = [a for a in aliases if len(a) > 2 and a.lower() not in NAMES_READ_AS_WORDS
                       and not (" " in a and kb.declared_case_sensitive(a))]
            if lowered:
                self.lowered_matcher.add(key, [tok(a) for a in lowered])
        for key, aliases in lower.items():
            make(key)
            self.lower_matcher.add(key, [tok(a) for a in aliases])

    # -- pass 1 -----------------------------------------------------------------
    def resolve(self, doc: Doc, on: date | None, places: list = (), quiet: list[tuple[int, int]] = (),
                text_dates=None) -> ActorIndex:
        """The document's actor mentions; ``places`` (the geoparser's, with offsets) lend
        their countries to sector words that name none ("police" in a Kisumu story);
        ``quiet`` character spans (datelines, agency tags, bylines) name no actor;
        ``text_dates``: an undated article's own dates, for dated roles."""
        index = ActorIndex(doc, self.kb, on, self.place_country, text_dates)
        place_tokens = _place_tokens(doc, places)
        index.located = {i: code for start, end, code in place_tokens for i in range(start, end)}
        for start, end in quiet:
            tokens = token_range(doc, start, end)
            if tokens is not None:
                index.quiet.update(range(*tokens))
        # Organisations typed by their names come before the knowledge base's shorter
        # names inside them ("Congress" in "Zimbabwe Congress of Trade Unions").
        named_orgs = []
        for ent in entities_of(doc):
            if ent.label_ in ("ORG", "FAC", "NORP"):
                first = next((i for i in range(ent.start, ent.end) if i not in index.quiet and doc[i].dep_ != "det"), ent.end)
                span = doc[first:ent.end] if first < ent.end else None  # "KAMPALA - The Uganda Law Society": the society
                if span is not None and sector_of_name(span.text):
                    named_orgs.append(span)
        doc_entities: dict[str, DocEntity] = {}
        for span in self._kb_spans(doc, on):
            if any(o.start <= span.start and span.end <= o.end and (o.start, o.end) != (span.start, span.end) for o in named_orgs):
                continue
            entity = self._entities[doc.vocab.strings[span.label]]
            if self._foreign_modifier(span, entity):
                continue
            de = doc_entities.setdefault(entity.id, _from_kb(entity))
            span = _extend_with_descriptors(span, self.kb, de)
            if de.sector == "PTY" and _called_opposition(span, self.kb):
                de.sector = "OPP"  # docs/annotation.md: an opposition party "when the text calls it that"
            index.add(ActorMention(span.start, span.end, span.root.i, de, "kb"))
        # organisations before people: "Nationalist Congress Party leader Jagannath Mishra" speaks for the party
        for org in named_orgs:
            if not any(index.mention_at(t) for t in org):
                self._add_named_organisation(index, doc_entities, org)
        for ent in entities_of(doc):
            if ent.label_ == "PERSON" and (len(ent) == 1 and (self.is_place(ent.text) or self.kb.sector_of_word(ent.text.lower()))
                                           or self.kb.country_of_adjective(ent[-1].text)):
                continue  # NER calls some towns and demonyms people ("Bosnian Croats")
            if (ent.label_ == "PERSON" or self._titled_name(ent)) and not any(index.mention_at(t) for t in ent):
                self._add_unknown_person(index, doc_entities, ent)
        self._second_pass(index, doc_entities)
        index.mentions.sort(key=lambda m: m.start)
        _countries_for_titled_strangers(index, place_tokens)
        _federal_governments_called_the_centre(index, place_tokens)
        _local_institutions(index, place_tokens)
        _countries_for_context_descriptors(index, place_tokens)
        _parties_named_by_a_sector_word(index)
        index.settle()
        return index

    def _kb_spans(self, doc: Doc, on: date | None) -> list[Span]:
        """Knowledge-base names; the longest match wins, then the leftmost. A one-word name
        is no person yet to enter public life at the article's date."""
        spans = [Span(doc, s, e, label=m) for m, s, e in self.matcher(doc)]
        # Case-insensitive aliases only match capitalised text, unless the whole text is
        # lower-cased (some corpora are): keeps "turkey" the bird out of normal text.
        loose = self.lower_matcher(doc)
        capitalised = [doc[s].text[:1].isupper() for _, s, _ in loose]
        lowered = _mostly_lowercase(doc)
        spans += [Span(doc, s, e, label=m) for (m, s, e), cap in zip(loose, capitalised) if cap or lowered]
        if lowered:  # there "vhp" and "vajpayee" are the names, "bush" and "who" still words
            spans += [Span(doc, s, e, label=m) for m, s, e in self.lowered_matcher(doc) if doc[s].is_lower]
        # "Maurice Bishop" is not the knowledge base's Julie Bishop, nor is "Bishop" alone anywhere in that document
        others = {sp.text for sp in spans if self._another_persons_surname(sp)}
        spans = [sp for sp in spans if not self._inside_longer_name(sp) and not (len(sp) == 1 and sp.text in others
                                                                               and self._is_person_alias(sp))
                 and not (len(sp) == 1 and self._not_yet_public(sp, on))]
        # Of two bodies one name may be ("RAF": Britain's air force, India's Rapid Action
        # Force), the one the document also names otherwise comes first. (Countries keep the
        # knowledge base's order: "Congo" is the DR Congo though "Congo Republic" is named.)
        named = Counter(sp.label for sp in spans if not self._is_country(sp))
        spans.sort(key=lambda sp: (-(sp.end - sp.start), sp.start, -named[sp.label]))
        taken: set[int] = set()
        chosen = []
        for sp in spans:
            if taken.isdisjoint(range(sp.start, sp.end)):
                chosen.append(sp)
                taken.update(range(sp.start, sp.end))
        return sorted(chosen, key=lambda sp: sp.start)

    def _foreign_modifier(self, span: Span, entity: Entity) -> bool:
        """'Serbian Labour Minister': a country's institution named after another country's
        demonym is a word of that other country's title, not the institution. Parties and
        unions too: "Kenyan Labour Minister" is no word of Britain's Labour Party."""
        if entity.kind not in ("institution", "metonym") and not (entity.kind == "group" and entity.sector in ("PTY", "LAB")):
            return False
        doc, i = span.doc, span.start - 1
        while i >= 0 and doc[i].dep_ in ("amod", "compound") and i < doc[i].head.i < span.end + 1:
            code = self.kb.country_of_adjective(doc[i].text)  # "Nigerian Labour Congress"
            if code:
                return code != entity.country
            i -= 1
        # "Peru's Congress": a possessor country that is not the institution's own
        for child in span.root.children:
            if child.dep_ == "poss" and child.i < span.start:
                code = self.kb.country_of_name(child.text) or self.kb.country_of_adjective(child.text)
                if code:
                    return code != entity.country
        return False

    def _inside_longer_name(self, span: Span) -> bool:
        """'Ahmed' in 'Ahmed Ben Bella' is not the person the knowledge base calls Ahmed:
        a person alias must end where the name ends."""
        entity = self._entity_of(span)
        if entity is None or entity.kind != "person":
            return False
        last = span.doc[span.end - 1]
        return last.ent_type_ == "PERSON" and span.end < len(span.doc) and span.doc[span.end].ent_iob_ == "I"

    def _titled_name(self, ent: Span) -> bool:
        """'government spokeswoman Yolande Makolo': a name NER calls an organisation, right
        after a title word and typed by no organisation word, is a person's."""
        before = ent.doc[ent.start - 1] if ent.start > 0 else None
        return (ent.label_ == "ORG" and before is not None and before.dep_ == "compound" and len(ent) <= 3
                and all(t.pos_ == "PROPN" for t in ent) and sector_of_name(ent.text) is None
                and (before.lemma_.lower() in SPEAKS_FOR_WORDS or self.kb.is_leader_title(before.lemma_.lower())))

    def _entity_of(self, span: Span) -> Entity | None:
        """The knowledge-base entity a matched span's label names."""
        return self._entities.get(span.doc.vocab.strings[span.label])

    def _not_yet_public(self, span: Span, on: date | None) -> bool:
        entity = self._entity_of(span)
        return entity is not None and not self.kb.in_public_life(entity, on)

    def _is_country(self, span: Span) -> bool:
        entity = self._entity_of(span)
        return entity is not None and entity.kind == "country"

    def _is_person_alias(self, span: Span) -> bool:
        entity = self._entity_of(span)
        return entity is not None and entity.kind == "person"

    def _another_persons_surname(self, span: Span) -> bool:
        """'Bishop' in 'Maurice Bishop' is not the Julie Bishop the knowledge base knows: a
        surname after a given name the knowledge base does not know for that person
        ("Vladimir V. Putin" is still Putin: the initials and the known names agree)."""
        entity = self._entity_of(span)
        doc = span.doc
        if entity is None or entity.kind != "person" or len(span) != 1 or doc[span.start].ent_iob_ != "I":
            return False
        given = []
        for i in range(span.start - 1, -1, -1):
            if doc[i].lower_.rstrip(".") not in NAME_TITLES:
                given.append(doc[i].lower_.rstrip("."))
            if doc[i].ent_iob_ != "I":
                break
        known = self.kb.given_names(entity)
        if not given or not known:
            return False
        return not any(g in known or (len(g) == 1 and any(k.startswith(g) for k in known)) for g in given)

    def _add_unknown_person(self, index: ActorIndex, entities: dict[str, DocEntity], ent: Span) -> None:
        words = [t for t in ent if t.lower_.rstrip(".") not in NAME_TITLES]
        if not words:
            return
        name = " ".join(t.text for t in words).replace(" 's", "").replace(" ’s", "")
        key = f"{UNKNOWN_PERSON}{words[-1].lower_}"
        de = entities.get(key)
        if de is None:
            de = DocEntity(key=key, name=name, kind="person", certainty=0.8)
            entities[key] = de
        ranks = [t for t in _titles_before(ent) + list(ent) if t.lower_.rstrip(".") in MILITARY_RANKS]
        if ranks and de.sector is None:  # "Lt. Gen. Prosper Avril"
            de.sector = "MIL"
            de.titles.add(ranks[-1].lower_.rstrip("."))
        span = _extend_with_descriptors(ent, self.kb, de)
        self._what_the_title_says(index, de, ent, span)
        index.add(ActorMention(span.start, span.end, ent.root.i, de, "ner"))

    def _what_the_title_says(self, index: ActorIndex, de: DocEntity, ent: Span, span: Span) -> None:
        """Country and sector from the words around a name the knowledge base lacks: the
        organisation or country in its modifier chain ("Arab League Secretary-General X",
        "Congress Party leader X"), a title in apposition ("X, a police spokesman"), what the
        title speaks for ("ANC spokesman X" is the party's), and the opposition."""
        # the organisation or country in the name's modifier chain ("Congress Party leader X")
        owner = next((m for m in map(index.mention_at, reversed(ent.doc[max(0, span.start - 6) : ent.start]))
                      if m is not None and _modifies(ent.doc[m.head], span.start, ent.end)), None)
        if owner is not None and owner.entity.country and de.country is None:  # "Arab League Secretary-General Chedli Klibi"
            de.country, de.org = owner.entity.country, owner.entity.org
            de.sector = de.sector or ("GOV" if owner.entity.kind in ("igo", "country") else owner.entity.sector)
        title: list[Token] = list(ent.doc[span.start:ent.start])
        appos = _apposed_title(ent)
        if appos is not None and de.sector is None and (sector := _title_sector(self.kb, appos)):
            # "Jagannath Mishra, a senior leader of the Nationalist Congress Party", "shiv sena
            # leader, uddhav thackeray": the title stands beside the name
            de.sector = sector
            title = [appos]
            owner = next((m for m in map(index.mention_at, _owner_words(appos)) if m is not None), owner)
            if owner is not None and owner.entity.country and de.country is None:
                de.country = owner.entity.country
        if de.sector == "GOV" and owner is not None and _speaks_for(owner, title):
            de.sector = owner.entity.sector  # "ANC spokesman Jackson Mthembu": the party's, not the government's
        if de.sector in (None, "GOV", "LEG") and _called_opposition(span, self.kb):
            de.sector = "OPP"  # "Opposition leader Morgan Tsvangirai", "an opposition lawmaker" (docs/annotation.md §8)

    def _add_named_organisation(self, index: ActorIndex, entities: dict[str, DocEntity], ent: Span) -> None:
        """An organisation the knowledge base lacks, typed by its name (data/actors/organisations.yml);
        its country is a country word of the name, else the context's (_countries_for_context_descriptors)."""
        pattern = sector_of_name(ent.text)
        if pattern is None:
            return
        words = [t.text for t in ent] + [f"{a.text} {b.text}" for a, b in zip(ent, ent[1:])]  # "South African"
        country = next((code for w in words for code in (self.kb.country_of_adjective(w), self.kb.country_of_name(w)) if code), None)
        if country is None:  # "Brazil's Workers' Party", "the Workers' Party of Brazil"
            country = _country_cue(index, ent.root)[0]
        if pattern.sector == "NGO":
            country = "NGO"
        key = f"org:{ent.text.lower()}"
        de = entities.setdefault(key, DocEntity(key=key, name=ent.text, kind="institution", country=country,
                                                sector=pattern.sector, certainty=0.7))
        de.country_from = de.country_from or (f"the name's word ({country})" if country else "")
        de.how_typed = f"name {pattern.at} with '{pattern.words}'"
        index.add(ActorMention(ent.start, ent.end, ent.root.i, de, "name"))

    # -- pass 2 -----------------------------------------------------------------
    def _second_pass(self, index: ActorIndex, entities: dict[str, DocEntity]) -> None:
        doc = index.doc
        people = [e for e in entities.values() if e.kind == "person"]
        merged = _known_by_surname(index, people)
        people = [e for e in people if e.key not in merged]
        surnames = {e.name.split()[-1].lower(): e for e in people if e.name}
        # Family names come first in some languages ("Xi Jinping" -> "Xi"); a first token
        # unambiguous among this document's people refers to them too.
        firsts: dict[str, list] = {}
        for e in people:
            if e.name and len(e.name.split()) >= 2:
                firsts.setdefault(e.name.split()[0].lower(), []).append(e)
        for first, found in firsts.items():
            if len(found) == 1 and first not in surnames:
                surnames[first] = found[0]
        words = words_of(doc)
        for token, low, pos, ent_type in zip(words.tokens, words.lower, words.pos, words.ent_type):
            mention = index.mention_at(token)
            if mention is not None:
                if mention.head == token.i and mention.how == "kb" and mention.entity.kind == "institution":
                    self._coordinated_institution(index, entities, token, mention)  # "US and British forces"
                continue
            if pos == "PROPN" and low in surnames and (ent_type in ("PERSON", "") or _lone_org_word(token)):
                index.add(ActorMention(token.i, token.i + 1, token.i, surnames[low], "surname"))
            elif pos == "PRON":
                self._pronoun(index, token)
            elif pos in ("NOUN", "PROPN"):
                self._descriptor(index, entities, token)
            elif pos == "ADJ" or ent_type == "NORP":
                self._adjective_actor(index, entities, token)

    def _descriptor(self, index: ActorIndex, entities: dict[str, DocEntity], token: Token) -> None:
        """A noun phrase headed by a sector word, a title or a set noun."""
        kb, lemma = self.kb, _common_lemma(self.kb, token)
        compound = _compound_lemma(token)
        sector = kb.sector_of_word(compound) or _modifier_sector(kb, token) or kb.sector_of_word(lemma)
        if sector is not None and (compound == lemma or not kb.sector_of_word(compound)) and _abstract_sense(kb, token):
            return  # "demanded justice", "used excessive force" name no one; "security force" does
        set_kind = SET_NOUNS.get(lemma)
        if (sector or set_kind or token.tag_ in ("NNS", "NNPS")) and self._coordinated_countries(index, entities, token, sector):
            return
        if token.tag_ in ("NNS", "NNPS") and set_kind and _is_pair(token):
            members = self._conflict_sides(index, token) if lemma in ("side", "party") else []
            members = members or _recent_distinct(index, token.i, set_kind, 2, parties=lemma in ("side", "party"),
                                                  skip=_subject_words(token))
            if len(members) == 2:
                de = DocEntity(key=f"set:{token.i}", name=token.text, kind="set", members=tuple(members), certainty=0.7)
                index.add(ActorMention(_np_start(token), token.i + 1, token.i, de, "plural"))
            return
        if sector is None:
            if self._led_by_country(index, entities, token):
                return
            if not self._people_of_country(index, entities, token):
                self._adjective_actor(index, entities, token)  # "Young Algerians"
            return
        movement = _stateless_movement(index, token)
        if movement is not None:  # "Al Qaeda fighters" are al-Qaeda's, of no country the story names
            index.add(ActorMention(_np_start(token), token.i + 1, token.i, movement, "descriptor"))
            return
        country, cue_tokens = _country_cue(index, token)
        start = min([token.i, _np_start(token)] + [t.i for t in cue_tokens])
        # "opposition leaders", "the union leader", "student leaders": the leaders of a body the
        # words name, not the state's leader; a person holds only that very title
        state_title = kb.is_leader_title(compound) or kb.is_leader_title(lemma) and sector == "GOV"
        if _is_titled(kb, token):
            title = compound if kb.is_leader_title(compound) or not state_title else lemma
            person = _person_with_title(index, token.i, country, title)
            if person is not None and token.tag_ not in ("NNS", "NNPS"):
                index.add(ActorMention(start, token.i + 1, token.i, person, "title"))
                return
        if country is None and state_title and not _stands_alone(token, titled=True):
            return  # "the first foreign leader to meet Putin": a title without its country names no one
        # ("the king", "the prime minister" alone are the story's own: their country comes from the context)
        if country is None:
            # "security forces", "protesters": the country comes from the context (see
            # _countries_for_context_descriptors); the sector is known now.
            de = DocEntity(key=f"generic:?:{sector}:{token.i}", name=sector, kind="generic", sector=sector, certainty=0.4)
            index.add(ActorMention(start, token.i + 1, token.i, de, "sector"))
            return
        if sector == "NGO":
            country = "NGO"  # "a British charity": non-governmental organisations are coded NGO (docs/annotation.md)
        cue = index.mention_at(cue_tokens[0]) if cue_tokens else None
        org = cue.entity.org if cue is not None and country == "IGO" else None  # "EU foreign ministers"
        if cue is not None and sector == "GOV" and _speaks_for(cue, [token]):
            sector = cue.entity.sector  # "ANC spokesman", "BJP leaders": the organisation's, not the government's
        key = f"generic:{org or country}:{sector}"
        de = entities.setdefault(key, DocEntity(key=key, name=f"{org or country} {sector}", kind="generic", country=country,
                                                sector=sector, org=org, certainty=0.8))
        index.add(ActorMention(start, token.i + 1, token.i, de, "descriptor"))

    def _coordinated_countries(self, index: ActorIndex, entities: dict[str, DocEntity], token: Token, sector: str | None) -> bool:
        """'Hungarian and Romanian officials', 'the Turkish and Greek sides', 'U.S. and Russian
        negotiators': one actor per country named by coordinated modifiers. A movement
        named among them speaks for itself: 'Saudi and Houthi officials' are Saudi Arabia's
        government and the Houthis."""
        sides: list[str | DocEntity] = []
        first = token.i
        for child in token.lefts:
            if child.dep_ not in ("amod", "compound", "nmod") or not child.conjuncts:
                continue  # "Bosnian Serb commanders" is one people, "Hungarian and Romanian officials" two
            for mod in [child, *child.conjuncts]:
                movement = _body_named(index, mod, kinds=("group",))
                side = self._modifier_country(index, mod) or (movement.entity if movement else None)
                if side and side not in sides:
                    sides.append(side)
                    first = min(first, mod.left_edge.i)
        if len(sides) < 2:
            return False
        if sector is None and token.tag_ in ("NNS", "NNPS") and token.lemma_.lower() not in SET_NOUNS:
            sector = "CVL"  # "Serbian and Croatian villagers"
        members = tuple(
            side if isinstance(side, DocEntity) else
            entities.setdefault(f"generic:{side}:{sector}", DocEntity(key=f"generic:{side}:{sector}", name=f"{side} {sector or ''}".strip(),
                                                                      kind="generic", country=side, sector=sector, certainty=0.7))
            for side in sides
        )
        de = DocEntity(key=f"set:{token.i}", name=token.text, kind="set", members=members, certainty=0.7)
        index.add(ActorMention(first, token.i + 1, token.i, de, "plural"))
        return index.mention_at(token) is not None

    def _modifier_country(self, index: ActorIndex, mod: Token) -> str | None:
        """The country a modifier names: a demonym (with its compound words: 'Sierra Leonean')
        or a country mention ('U.S.')."""
        words = [t for t in mod.lefts if t.dep_ == "compound"] + [mod]
        code = self.kb.country_of_adjective(" ".join(t.text for t in words)) or self.kb.country_of_adjective(mod.text)
        if code:
            return code
        mention = index.mention_at(mod)
        if mention is not None:
            return mention.entity.country if mention.entity.kind in ("country", "metonym") else None
        return None

    def _coordinated_institution(self, index: ActorIndex, entities: dict[str, DocEntity], token: Token, mention: ActorMention) -> None:
        """'US and British forces' matched as 'British forces': one actor per country, same sector."""
        if not any(m.dep_ in ("amod", "compound", "nmod") and m.conjuncts for m in token.lefts):
            return
        codes = []
        for child in (c for c in token.lefts if c.dep_ in ("amod", "compound", "nmod")):
            for mod in [child, *child.conjuncts]:
                code = self._modifier_country(index, mod)
                if code and code not in codes:
                    codes.append(code)
        if len(codes) < 2 or mention.entity.country not in codes:
            return
        sector = mention.entity.sector
        members = tuple(entities.setdefault(f"generic:{c}:{sector}", DocEntity(key=f"generic:{c}:{sector}", name=f"{c} {sector}",
                                                                               kind="generic", country=c, sector=sector, certainty=0.8))
                        for c in codes)
        start = min(t.left_edge.i for t in token.lefts if t.dep_ in ("amod", "compound", "nmod"))
        index.replace(mention, ActorMention(start, mention.end, token.i, DocEntity(key=f"set:{token.i}", name=token.text, kind="set",
                                                                                   members=members, certainty=0.8), "plural"))

    def _conflict_sides(self, index: ActorIndex, token: Token) -> list[DocEntity]:
        """'the sides' of the one war active in the document, if there is one."""
        if self.conflicts is None:
            return []
        countries = {m.entity.country for m in index.mentions if m.entity.country}
        countries |= {index.kb.code_on(m.entity.kb, index.on)[0] for m in index.mentions if m.entity.kb is not None and m.entity.kind == "person"}
        sides = self.conflicts.sides(index.on, {c for c in countries if c})
        if not sides:
            return []
        return [DocEntity(key=f"country:{c}", name=c, kind="country", country=c, certainty=0.6) for c in sides]

    def _people_of_country(self, index: ActorIndex, entities: dict[str, DocEntity], token: Token) -> bool:
        """A plural people-noun with a demonym ("Iraqi Kurds", "Russian oligarchs") is that
        country's civilians when no sector word says otherwise."""
        if token.tag_ not in ("NNS", "NNPS") or token.ent_type_ in ("DATE", "TIME", "MONEY", "QUANTITY", "CARDINAL"):
            return False
        if token.lemma_.lower() in self.event_nouns:
            return False
        for child in token.lefts:
            if child.dep_ == "amod":
                code = self.kb.country_of_adjective(child.text)
                if code:
                    key = f"generic:{code}:CVL"
                    de = entities.setdefault(key, DocEntity(key=key, name=f"{code} CVL", kind="generic", country=code, sector="CVL", certainty=0.6))
                    index.add(ActorMention(child.i, token.i + 1, token.i, de, "descriptor"))
                    return True
        return False

    def _led_by_country(self, index: ActorIndex, entities: dict[str, DocEntity], token: Token) -> bool:
        """'the Saudi-led coalition', 'a US-led force': a body led by a country acts for it
        (a 'US-backed' force does not: it is backed, not led)."""
        if not self.kb.is_group_noun(token.lemma_.lower()):
            return False
        for led in (t for t in token.lefts if t.dep_ == "amod" and t.lower_ == "led"):
            for cue in (c for c in led.children if c.dep_ in ("npadvmod", "compound", "nmod", "amod")):
                code = self._modifier_country(index, cue)
                if code:
                    return self._add_led_body(index, entities, token, cue.text, code)
        # "the U.S.-led coalition": the tokenizer keeps an abbreviation's "-led" on it
        for led in (t for t in token.lefts if t.dep_ == "amod" and t.lower_.endswith(".-led")):
            cue = led.text[:-4]
            code = self.kb.country_of_name(cue) or self.kb.country_of_adjective(cue)
            if code:
                return self._add_led_body(index, entities, token, cue, code)
        return False

    def _add_led_body(self, index: ActorIndex, entities: dict[str, DocEntity], token: Token, cue: str, code: str) -> bool:
        key = f"generic:{code}:"
        de = entities.setdefault(key, DocEntity(key=key, name=f"{cue}-led {token.text}", kind="generic",
                                                country=code, certainty=0.7))
        index.add(ActorMention(_np_start(token), token.i + 1, token.i, de, "descriptor"))
        return True

    def _adjective_actor(self, index: ActorIndex, entities: dict[str, DocEntity], token: Token) -> None:
        """A bare demonym standing as a noun phrase ("the Israelis")."""
        modifier = ("amod", "compound", "nmod")
        if token.dep_ in modifier and token.head.lemma_.lower() in self.event_nouns:
            self._country_of_event(index, entities, token)  # "an Israeli airstrike": the country acts
            return
        if token.dep_ in modifier or token.dep_ == "conj" and token.head.dep_ in modifier:
            return  # "Beninese and Nigerien traders": modifiers of the head noun
        if token.dep_ == "npadvmod" and token.head.lower_ == "led":
            return  # "Saudi-led": the body it leads is the actor
        if token.pos_ != "PROPN" and token.tag_ not in ("NNPS", "NNS"):
            return
        words = [t for t in token.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]  # "Sierra Leonean"
        country = (words and self.kb.country_of_adjective(" ".join(t.text for t in [*words, token]))) or self.kb.country_of_adjective(token.text)
        # A people named with their country of residence ("Bosnian Serbs", "Kosovo Albanians")
        # belong to it; "ethnic Albanians" names an ethnic group, not a country's people.
        residence = [c for c in (self._modifier_country(index, m) for m in token.lefts if m.dep_ in ("amod", "compound")) if c] if country else []
        if country and (residence or any(m.lower_ == "ethnic" for m in token.lefts)):
            country, words = (residence[0] if residence else None), []
        if country:
            # "Sierra Leonean and Liberian refugees" read as "[Sierra Leonean] and [Liberian refugees]":
            # the bare demonym shares its conjunct's sector.
            sector = next((self.kb.sector_of_word(c.lemma_.lower()) for c in token.conjuncts if self.kb.sector_of_word(c.lemma_.lower())), None) or "CVL"
            key = f"generic:{country}:{sector}"
            de = entities.setdefault(key, DocEntity(key=key, name=token.text, kind="generic", country=country, sector=sector, certainty=0.7))
            start = words[0].i if words and self.kb.country_of_adjective(" ".join(t.text for t in [*words, token])) else token.i
            index.add(ActorMention(start, token.i + 1, token.i, de, "descriptor"))

    def _country_of_event(self, index: ActorIndex, entities: dict[str, DocEntity], token: Token) -> None:
        """A demonym modifying an event noun names the country that acts ("an Israeli
        airstrike", "Russian shelling", "the U.S.-led invasion" aside)."""
        country = self.kb.country_of_adjective(token.text)
        if not country:
            return
        key = f"country-of-event:{country}"
        de = entities.setdefault(key, DocEntity(key=key, name=token.text, kind="country", country=country, certainty=0.7))
        index.add(ActorMention(token.i, token.i + 1, token.i, de, "descriptor"))

    def _pronoun(self, index: ActorIndex, token: Token) -> None:
        low = token.lower_
        if low in PERSON_PRONOUNS:
            want, gender = {"person"}, PERSON_PRONOUNS[low]
        elif low in THING_PRONOUNS:
            if token.dep_ == "nsubj" and token.head.lemma_ == "be" and not _predicates_of_agents(token.head):
                return  # "It was the first call ...", "it is clear that": expletive or an event, not an actor
            want, gender = {"country", "igo", "group", "institution", "metonym"}, None
        elif low in PLURAL_PRONOUNS:
            want, gender = {"set", "group", "generic"}, None
        else:
            return
        exclude = _clause_subject(index, token) if token.dep_ in ("dobj", "dative", "pobj") else None
        best = _salient(index, token, want, gender, exclude)
        if best is not None:
            index.add(ActorMention(token.i, token.i + 1, token.i, best, "pronoun"))


# -- helpers --------------------------------------------------------------------

def _lone_org_word(token: Token) -> bool:
    """A one-word name the NER calls an organisation ("Bishop's execution" after "Maurice
    Bishop"): a surname of the document's people is that person."""
    doc = token.doc
    return token.ent_type_ == "ORG" and token.ent_iob_ == "B" and (token.i + 1 == len(doc) or doc[token.i + 1].ent_iob_ != "I")


def _from_kb(entity: Entity) -> DocEntity:
    kind = entity.kind
    return DocEntity(
        key=entity.id,
        name=entity.name,
        kind=kind,
        country=entity.country,
        sector=entity.sector,
        org=entity.org,
        kb=entity,
        gender=entity.gender,
        titles={r.title for r in entity.roles},
    )


def _abstract_sense(kb: KnowledgeBase, token: Token) -> bool:
    """Is the sector word used as an abstract noun ("demanded justice", "a state of
    emergency", "no authority"), naming no one (``abstract_senses`` in words.yml)?"""
    if token.lemma_.lower() not in ABSTRACT_SENSES or token.tag_ != "NN" or token.dep_ == "compound":
        return False
    if any(c.dep_ == "prep" and c.lower_ == "of" and any(o.pos_ == "NOUN" and not kb.sector_of_word(o.lemma_.lower())
                                                         for o in c.children) for c in token.children):
        return True  # "a state of emergency", not "a force of 3,000 troops"
    determiners = [c for c in token.children if c.dep_ in ("det", "poss")]
    return all(d.lower_ in ABSTRACT_DETERMINERS for d in determiners)


def _compound_lemma(token: Token) -> str:
    """'foreign minister', 'prime minister': the sector word with its compound/amod modifiers."""
    # a demonym is the country cue, not part of the title ("Indian border guards")
    mods = [c for c in token.lefts if (c.dep_ in ("compound", "amod") and c.pos_ != "PROPN" or c.lower_ == "prime")
            and not _is_demonym(c)]
    if mods:
        return " ".join([m.lower_ for m in mods] + [token.lemma_.lower()])
    return token.lemma_.lower()


def _apposed_title(ent: Span) -> Token | None:
    """The noun in apposition to a name, after it ("X, a police spokesman") or before it
    ("shiv sena leader, uddhav thackeray")."""
    root = ent.root
    if root.dep_ == "appos" and root.head.i < ent.start:
        return root.head
    return next((c for c in root.children if c.dep_ == "appos" and c.i > root.i), None)


def _owner_words(title: Token) -> list[Token]:
    """Words that may name whom a title speaks for: 'leader of the party', 'the party leader'."""
    of = [w for p in title.children if p.dep_ == "prep" and p.lower_ == "of" for w in p.children if w.dep_ == "pobj"]
    mods = sorted((c for c in title.lefts if c.dep_ in ("compound", "poss", "nmod")), key=lambda t: -t.i)
    return of + mods


def _title_sector(kb: KnowledgeBase, token: Token) -> str | None:
    """The sector of a title noun: 'a police spokesman' COP, 'an army officer' MIL, 'a
    senior leader' GOV (a word that speaks for others takes its modifier's sector)."""
    sector = kb.sector_of_word(_compound_lemma(token)) or _modifier_sector(kb, token) or kb.sector_of_word(token.lemma_.lower())
    if sector == "GOV" and token.lemma_.lower() in SPEAKS_FOR_WORDS:
        mods = (kb.sector_of_word(c.lemma_.lower()) for c in token.lefts if c.dep_ in ("compound", "amod"))
        sector = next((m for m in mods if m), sector)
    return sector


def _is_demonym(token: Token) -> bool:
    return token.ent_type_ == "NORP" and token.pos_ == "ADJ"


def _stateless_movement(index: ActorIndex, token: Token) -> DocEntity | None:
    """The movement of no one country a noun's modifier names ('Al Qaeda' of 'Al Qaeda fighters')."""
    for child in token.lefts:
        movement = _body_named(index, child, kinds=("group",)) if child.dep_ in ("compound", "amod", "nmod") else None
        if movement is not None and movement.entity.country is None:
            return movement.entity
    return None


def _known_by_surname(index: ActorIndex, people: list[DocEntity]) -> set[str]:
    """'Former PM Musa', 'Musa denies wrongdoing': a bare surname NER found is the person
    the knowledge base knows by that full name in this document ("Said Musa"), when only
    one has it. Returns the keys of the unknown people so merged."""
    merged: set[str] = set()
    known: dict[str, list[DocEntity]] = {}
    for e in people:
        if e.kb is not None and e.name and len(e.name.split()) > 1:
            known.setdefault(e.name.split()[-1].lower(), []).append(e)
    for mention in index.mentions:
        e = mention.entity
        surname = e.key.removeprefix(UNKNOWN_PERSON)
        if e.kind == "person" and e.kb is None and surname != e.key and len(known.get(surname, ())) == 1 \
                and index.doc[mention.start:mention.end].text.split()[-1].lower() == surname:
            mention.entity = known[surname][0]
            merged.add(e.key)
    return merged


def _titles_before(ent: Span) -> list[Token]:
    """The ranks and titles right in front of a name ("Lt. Gen. Prosper Avril"), not words
    a few tokens back ("the general election to Dean Barrow")."""
    found: list[Token] = []
    for i in range(ent.start - 1, max(-1, ent.start - 5), -1):
        word = ent.doc[i].lower_.rstrip(".")
        if word and word not in MILITARY_RANKS and word not in NAME_TITLES:  # ("Col" "." as two tokens)
            break
        found.insert(0, ent.doc[i])
    return found


def _modifier_sector(kb: KnowledgeBase, token: Token) -> str | None:
    """A group noun takes its sector from a modifier: 'opposition groups', 'police officials'."""
    if not kb.is_group_noun(token.lemma_.lower()):
        return None
    for mod in sorted((c for c in token.lefts if c.dep_ in ("compound", "amod")), key=lambda t: -t.i):
        sector = kb.sector_of_word(mod.lemma_.lower()) or kb.sector_of_word(mod.lower_)
        if sector:
            return sector
    return None


def _common_lemma(kb: KnowledgeBase, token: Token) -> str:
    """A noun's lemma; a plural sector word the tagger took for a name ("Rebels in Darfur
    accused ...", first in the sentence: no lemma but itself) is read as the noun it is."""
    lemma = token.lemma_.lower()
    if token.pos_ == "PROPN" and lemma.endswith("s") and not kb.sector_of_word(lemma) and kb.sector_of_word(lemma[:-1]):
        return lemma[:-1]
    return lemma


def _np_start(token: Token) -> int:
    lefts = [c.i for c in token.lefts if c.dep_ in ("det", "amod", "compound", "nummod", "poss", "predet", "quantmod")]
    return min(lefts + [token.i])


def _is_pair(token: Token) -> bool:
    words = {c.lower_ for c in token.lefts}
    return bool(words & PAIR_WORDS) or token.lemma_ == "side" and any(c.lower_ in ("the", "both") for c in token.lefts)


def _country_cue(index: ActorIndex, token: Token) -> tuple[str | None, list[Token]]:
    """The nearest country cue of a descriptor: modifier, possessor, compound (at any
    depth of the noun phrase: 'the U.N. war crimes court') or 'of X'."""
    kb = index.kb
    # the subtree's part left of the token, without walking the whole subtree
    left = [t for t in token.doc[token.left_edge.i : token.i]
            if t.dep_ in ("amod", "compound", "poss", "nmod") and token.is_ancestor(t)]
    demonyms = [t for t in left if kb.country_of_adjective(t.text) and not t.conjuncts]
    if len({kb.country_of_adjective(t.text) for t in demonyms}) > 1 and demonyms[0].i > 0 and token.doc[demonyms[0].i - 1].lower_ != "ethnic":
        first = min(demonyms, key=lambda t: t.i)  # "Bosnian Serb commanders": the country they live in
        return kb.country_of_adjective(first.text), [first]
    for child in sorted(left, key=lambda t: -t.i):
        if child.dep_ in ("amod", "compound", "poss", "nmod"):
            mention = index.mention_at(child)
            if mention and mention.entity.country:
                return mention.entity.country, [child]
            code = kb.country_of_adjective(child.text) or kb.country_of_name(child.text) or _place_country(index, child)
            if code and child.i > 0 and child.doc[child.i - 1].lower_ == "ethnic":
                continue  # "ethnic Albanian rebels": an ethnic group, not Albania's
            if code:
                return code, [child]
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "from", "in", "throughout", "across", "inside", "within"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    code = _country_of_place_phrase(index, pobj)
                    if code:
                        return code, []
                    body = _body_named(index, pobj) if child.lower_ in ("of", "from") else None
                    if body is not None and body.entity.country:
                        return body.entity.country, [pobj]  # "officials from the African Union"
        # "workers affiliated with the Serbian union", "a group based in Trinidad",
        # "militants loyal to Iraq's al-Qaeda leader"
        if child.dep_ in ("acl", "amod") and child.lower_ in AFFILIATION_WORDS:
            for prep in (c for c in child.children if c.dep_ == "prep"):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    code = _country_of_place_phrase(index, pobj) or _country_of_named(index, pobj)
                    if code:
                        return code, []
    return None, []


def _body_named(index: ActorIndex, token: Token, kinds=("igo", "group", "institution")) -> ActorMention | None:
    """The mention of an organisation, movement or institution the word names ('Houthi' of
    'Houthi officials', 'the African Union' of 'officials from the African Union')."""
    mention = index.mention_at(token)
    return mention if mention is not None and mention.entity.kind in kinds else None


def _country_of_named(index: ActorIndex, token: Token) -> str | None:
    """The country of whatever a noun phrase names: its own mention, or a country word
    among its modifiers ('the Serbian Workers' Union', "Iraq's al-Qaeda frontman")."""
    mention = index.mention_at(token)
    if mention is not None and mention.entity.country not in (None, "IGO", "NGO"):
        return mention.entity.country
    for mod in sorted((t for t in token.subtree if t.i < token.i and t.dep_ in ("amod", "compound", "poss", "nmod")), key=lambda t: -t.i):
        found = index.mention_at(mod)
        if found is not None and found.entity.country not in (None, "IGO", "NGO") and found.entity.kind in ("country", "metonym"):
            return found.entity.country
        code = index.kb.country_of_adjective(mod.text)
        if code:
            return code
    return None


def _country_of_place_phrase(index: ActorIndex, pobj: Token, depth: int = 0) -> str | None:
    """'in Iraq', 'of Karachi', 'of the northern West Bank city of Nablus': the country a
    place phrase names, looking into place nouns' own modifiers and 'of' phrases."""
    mention = index.mention_at(pobj)
    if mention and mention.entity.country and mention.entity.kind in ("country", "metonym"):
        return mention.entity.country
    code = index.kb.country_of_name(pobj.text) or _place_country(index, pobj)
    if code or depth > 1 or pobj.lemma_.lower() not in PLACE_NOUNS:
        return code
    for mod in (c for c in pobj.lefts if c.dep_ in ("compound", "amod", "nmod")):
        found = index.mention_at(mod)
        if found and found.entity.country and found.entity.kind in ("country", "metonym"):
            return found.entity.country
        code = index.kb.country_of_adjective(mod.text) or _place_country(index, mod)
        if code:
            return code
    for prep in (c for c in pobj.children if c.dep_ == "prep" and c.lower_ in ("of", "in")):
        for inner in (c for c in prep.children if c.dep_ == "pobj"):
            code = _country_of_place_phrase(index, inner, depth + 1)
            if code:
                return code
    return None


def _place_country(index: ActorIndex, token: Token) -> str | None:
    """The country of a place name ('police in Karachi', 'Gaza residents'): the geoparser's
    reading (which finds places NER takes for people: 'police in Bangalore'), else the gazetteer's."""
    if token.i in index.located:
        return index.located[token.i]
    if token.ent_type_ not in ("GPE", "LOC", "FAC") or token.pos_ != "PROPN":
        return None
    ent = next((e for e in entities_of(index.doc) if e.start <= token.i < e.end), None)
    return index.place_country(ent.text if ent is not None else token.text)


def _person_with_title(index: ActorIndex, before: int, country: str | None, title: str) -> DocEntity | None:
    """The person this document has described with that title (and country), most recent first."""
    kb = index.kb
    seen = []
    for mention in index.mentions:
        e = mention.entity
        if e.kind != "person":
            continue
        code = e.country
        if e.kb is not None:
            code = kb.code_on(e.kb, index.on)[0] or code
        if country and code != country:
            continue
        role = kb.title_on(e.kb, index.on) if e.kb is not None and index.has_date else None
        titles = {t.lower() for t in e.titles} | ({role.lower()} if role else set())
        generic = title in ("leader", "head of state", "chief")
        if generic and (titles or e.sector == "GOV") or _title_matches(title, titles):
            seen.append((mention.start < before, mention.start, e))
    if not seen:
        return None
    # Prefer earlier mentions closest before; else the first after (headline titles).
    before_list = [s for s in seen if s[0]]
    pool = before_list or seen
    chosen = max(pool, key=lambda s: s[1]) if before_list else min(pool, key=lambda s: s[1])
    candidates = {id(s[2]) for s in pool}
    if country is None and len(candidates) > 1 and title in ("leader",):
        return None
    return chosen[2]


TITLE_SYNONYMS = {
    "premier": {"prime minister", "premier", "pm"},
    "pm": {"prime minister", "premier", "pm"},
    "prime minister": {"prime minister", "premier", "pm"},
    "president": {"president"},
}


def _title_matches(title: str, titles: set[str]) -> bool:
    wanted = TITLE_SYNONYMS.get(title, {title})
    return any(t in wanted or any(w in t for w in wanted) for t in titles)


def _extend_with_descriptors(span: Span, kb: KnowledgeBase, de: DocEntity) -> Span:
    """Take in title words and country adjectives before a name; teach them to the entity."""
    doc = span.doc
    start = span.start
    for tok in span[:-1]:  # a title the alias itself holds: "President Bush" is a knowledge-base name
        if kb.is_leader_title(tok.lemma_.lower()) and not any(doc[j].lower_ in FORMER_WORDS for j in range(max(tok.i - 2, 0), tok.i)):
            de.text_titles.add(tok.lemma_.lower())
    i = span.start - 1
    # The whole modifier chain of the name is read ("Nigerian junior foreign minister",
    # "British Defence Secretary"); words that are neither title nor country ("junior",
    # "Defence") are stepped over, and the span ends at the last word understood.
    while i >= 0 and doc[i].dep_ in ("compound", "amod") and i < doc[i].head.i <= span.end:
        tok = doc[i]
        low = tok.lemma_.lower()
        if i + 1 < span.start and (phrase := kb.sector_of_word(f"{low} {doc[i + 1].lemma_.lower()}")):
            _learn_title_sector(de, phrase)
            start = i  # first word of a title: "Foreign Minister", "Defence Secretary"
        elif kb.sector_of_word(low) or kb.is_leader_title(low) or low == "prime":
            if kb.is_leader_title(low) or low in ("minister",):
                title = _compound_lemma_words(doc, i, span.start)
                de.titles.add(title)
                if not any(doc[j].lower_ in FORMER_WORDS for j in range(max(i - 2, 0), span.start)):
                    de.text_titles.add(title)
            word_sector = kb.sector_of_word(low)
            if word_sector:
                _learn_title_sector(de, word_sector)
                de.sector = de.sector or word_sector
            start = i
        elif kb.country_of_adjective(tok.text):
            de.country = de.country or kb.country_of_adjective(tok.text)
            start = i
        i -= 1
    if de.kind == "person" and de.kb is None and de.sector is None and de.country:
        de.sector = "GOV" if de.titles else None
    return doc[start : span.end]


def _learn_title_sector(de: DocEntity, sector: str) -> None:
    """Keep the sector the words before a name give, for ``DocEntity.actor`` to weigh
    against the knowledge base's post."""
    de.title_sectors.add(sector)
    if sector == "OPP" and de.kb is not None and de.kind == "person":
        de.how_typed = "the words before the name (opposition), where the knowledge base gives only a former post"


def _speaks_for(organisation: ActorMention, title: Span | list[Token]) -> bool:
    """Do the title words ("spokesman", "leaders", "general secretary") make someone speak
    for a party, union or armed group rather than for a government?"""
    if organisation.entity.kind not in ("group", "institution") or organisation.entity.sector in (None, "GOV"):
        return False
    words = {t.lemma_.lower() for t in title} | {_compound_lemma(t) for t in title}
    return bool(SPEAKS_FOR_WORDS & words)


def _called_opposition(span: Span, kb: KnowledgeBase) -> bool:
    """Does the text call this party the opposition: 'opposition party Chadema', 'the
    Social Democratic Front, the main opposition party', 'the opposition SDF'?"""
    doc = span.doc
    words = [t for t in span if t.dep_ in ("compound", "amod")]  # descriptors the mention took in
    i = span.start - 1
    while i >= 0 and doc[i].dep_ in ("compound", "amod") and i < doc[i].head.i <= span.end:
        words.append(doc[i])
        i -= 1
    root = span.root
    for appos in [c for c in root.children if c.dep_ == "appos"] + ([root.head] if root.dep_ == "appos" else []):
        words += [t for t in appos.subtree if t.i < span.start or t.i >= span.end]
    return any(kb.sector_of_word(t.lemma_.lower()) == "OPP" for t in words)


def _compound_lemma_words(doc: Doc, i: int, stop: int) -> str:
    words = [doc[j].lemma_.lower() for j in range(i, stop) if doc[j].pos_ in ("NOUN", "PROPN", "ADJ")]
    words = [w for w in words if w not in ("russian",)]
    text = " ".join(w for w in words)
    return "prime minister" if "prime" in text and "minister" in text else doc[i].lemma_.lower()


def _recent_distinct(index: ActorIndex, before: int, kind: str, n: int, parties: bool = False,
                     skip: frozenset[int] = frozenset()) -> list[DocEntity]:
    """The n most recently mentioned distinct entities of a kind before a token, the mentions
    headed at ``skip`` aside. Places ("signed in Pretoria") are not parties; "the two sides"
    may be armed groups as well as countries."""
    found: list[DocEntity] = []
    for mention in sorted(index.mentions, key=lambda m: -m.start):
        if mention.start >= before or mention.head in skip:
            continue
        e = mention.entity
        if parties and e.kind in ("group", "generic", "institution") and not names_a_place(index.doc[mention.head]):
            if all(f.key != e.key for f in found):  # "the government and the TPLF": one country, two sides
                found.append(e)
        elif kind == "person":
            if e.kind == "person" and e not in found:
                found.append(e)
        elif e.kind in ("country", "metonym", "person", "generic", "institution") and not names_a_place(index.doc[mention.head]):
            country = index.kb.code_on(e.kb, index.on)[0] if e.kb is not None and e.kind == "person" else e.country
            if country and not any(f.country == country and f.kind == "country" for f in found):
                found.append(DocEntity(key=f"country:{country}", name=country, kind="country", country=country, certainty=0.7))
        if len(found) == n:
            break
    return found


def _subject_words(token: Token) -> frozenset[int]:
    """The words of the subject of the verb a noun is the object of: "Powell telephoned both
    governments", "the UN envoy for Yemen praised both sides" — the sides are the others."""
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") and verb.dep_ in ("pobj", "prep", "dobj", "conj", "appos") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return frozenset()
    return frozenset(t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree)


def names_a_place(token: Token) -> bool:
    """A name as the object of a locative preposition ('in Pretoria') names where, not who."""
    return token.dep_ == "pobj" and token.head.lower_ in WHERE_WORDS


def _predicates_of_agents(copula: Token) -> bool:
    return any(c.dep_ == "acomp" and c.lemma_.lower() in AGENT_ADJECTIVES for c in copula.children)


def _clause_subject(index: ActorIndex, token: Token) -> str | None:
    """An object pronoun does not refer to its own clause's subject ('He urged him')."""
    verb = token.head if token.dep_ != "pobj" else token.head.head
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            mention = index.mention_at(child)
            return mention.entity.key if mention else None
    return None


def _salient(index: ActorIndex, token: Token, want: set[str], gender: str | None, exclude: str | None = None) -> DocEntity | None:
    """Most salient earlier entity: recency, grammatical role and repetition."""
    sent_of = _sentence_number(index.sent_starts)
    here = sent_of(token.i)
    scores: dict[str, tuple[float, DocEntity]] = {}
    counts: dict[str, int] = {}
    for mention in index.mentions:
        if mention.start >= token.i:
            continue
        e = mention.entity
        if e.kind not in want or here - sent_of(mention.start) > 3:
            continue
        if gender and e.gender and e.gender != gender or e.key == exclude:
            continue
        head = index.doc[mention.head]
        role = {"nsubj": 3.0, "nsubjpass": 2.5, "dobj": 1.5, "dative": 1.5, "poss": 1.0}.get(head.dep_, 0.8)
        distance = here - sent_of(mention.start)
        score = role * (0.5 ** distance) + (0.3 if mention.how == "pronoun" else 0.0)
        best, count = scores.get(e.key, (0.0, e))[0], counts.get(e.key, 0) + 1
        counts[e.key] = count
        scores[e.key] = (max(best, score), e)
    # Recency and role decide; repetition only breaks near-ties.
    scores = {k: (v + 0.05 * counts[k], e) for k, (v, e) in scores.items()}
    if not scores:
        return None
    return max(scores.values(), key=lambda s: s[0])[1]


def _sentence_number(starts: list[int]):
    def number(i: int) -> int:
        return bisect.bisect_right(starts, i) - 1

    return number


def _countries_for_titled_strangers(index: ActorIndex, places: list[tuple[int, int, str]] = ()) -> None:
    """A titled person the knowledge base lacks ("President Yoweri Museveni") and whose
    descriptor names no country takes, with lower certainty: a country named on its own
    before it in its sentence ("In Uganda, President ..."; ``_scene_country``), else the
    dateline's ("KAMPALA (Reuters) - Opposition leader ..."), else the place heading its
    paragraph in a bulletin; else the document's main country (a story's own leaders go without their country: "President
    Benjamin Mkapa visited the scene and sent condolences to the United States" is
    Tanzania's); else the first country of the sentence, else of the document."""
    doc = index.doc
    main = None
    named = None
    for mention in index.mentions:
        e = mention.entity
        if e.kind != "person" or e.kb is not None or e.country or not (e.titles or e.sector):
            continue
        named = named if named is not None else _named_countries(index, places)[0]
        sent = sentence_of(doc[mention.head])
        main = main or main_country(index, places) or ("", len(doc))
        dateline = [c for start, end, c in places if sent.start <= start and end <= mention.start and c and start in index.quiet]
        code = (_scene_country(index, sent.start, mention.start) or (dateline[-1] if dateline else None)
                or _paragraph_label(index, named, mention.head) or (main[0] if main[1] <= sent.start else None)
                or _first_country(index, sent.start, sent.end) or _first_country(index, 0, len(doc)))
        if code:
            e.country, e.certainty = code, min(e.certainty, 0.5)
            e.sector = e.sector or "GOV"


def _federal_governments_called_the_centre(index: ActorIndex, places: list[tuple[int, int, str]]) -> None:
    """'The centre rejected the state's demand': in a story about a country whose English
    calls its federal government so (``the_centre`` in data/actors/words.yml), the word
    standing alone names that government."""
    main = None
    words = words_of(index.doc)
    for token, low in zip(words.tokens, words.lower):
        countries = THE_CENTRE.get(low)
        if not countries or index.mention_at(token) is not None or not _stands_alone(token):
            continue
        main = main or main_country(index, places) or ("", 0)
        if main[0] not in countries:
            return
        entity = DocEntity(key=f"generic:{main[0]}:GOV", name=token.text, kind="generic", country=main[0],
                           sector="GOV", certainty=0.6, country_from="the story's own country")
        index.add(ActorMention(token.i - 1, token.i + 1, token.i, entity, "descriptor"))


def _stands_alone(token: Token, titled: bool = False) -> bool:
    """'the centre' with nothing but its article (a possessive 's, or an 'of' the parser
    hung on it from the verb: 'accused the centre of betraying'), not where something
    happens ('in the centre') nor part of a name or a place ('a relief centre', 'the centre
    of the city', 'the centre of Ahmedabad'). A title's own words count as its own
    (``titled``: 'the prime minister')."""
    own = ("case", "compound") if titled else ("case",)
    kids = [c for c in token.children if c.dep_ not in own and not (c.dep_ == "prep" and c.lower_ == "of")]
    of_place = any(o.ent_type_ in ("GPE", "LOC", "FAC") or o.lemma_.lower() in PLACE_NOUNS
                   for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children)
    return (len(kids) == 1 and kids[0].dep_ == "det" and kids[0].lower_ == "the" and token.tag_ in ("NN", "NNP")
            and not of_place and token.dep_ not in ("compound", "amod") and not names_a_place(token))


def _is_titled(kb: KnowledgeBase, token: Token) -> bool:
    """Is the word (with its compound: 'prime minister') a leader's title?"""
    return kb.is_leader_title(_compound_lemma(token)) or kb.is_leader_title(token.lemma_.lower())


def _local_institutions(index: ActorIndex, places: list[tuple[int, int, str]]) -> None:
    """'LIMA -- Congress voted ...': an institution the knowledge base knows by a common name
    ("Congress", "Parliament", "the Supreme Court") belongs to the story's own country when
    the story is about another one and never names the knowledge base's country."""
    main = main_country(index, places)
    if main is None:
        return
    named = {m.entity.country for m in index.mentions if m.entity.kind != "institution"} | {p[2] for p in places}
    for mention in index.mentions:
        e = mention.entity
        if mention.how != "kb" or e.kind != "institution" or e.country in (None, main[0]) or e.country in named:
            continue
        words = index.doc[mention.start:mention.end].text.lower().removeprefix("the ").strip()
        sector = index.kb.sector_of_word(words)
        if sector is None:
            continue  # a proper name ("the Knesset", "the Pentagon") keeps its country
        mention.entity = DocEntity(key=f"generic:{main[0]}:{sector}", name=words, kind="generic", country=main[0],
                                   sector=sector, certainty=0.6, country_from="the story's own country")


def _countries_for_context_descriptors(index: ActorIndex, places: list[tuple[int, int, str]] = ()) -> None:
    """A sector word with no country in its phrase ("security forces opened fire",
    "protesters marched") takes, in order of evidence: the country the same word has
    elsewhere in the document ("Palestinian protesters" in the lede, "protesters" in the
    headline); the nearest country, institution, person or place named before it in its
    sentence, outside its own phrase ("In Kisumu, police fired ..."); the place its own
    clause happens in ("police arrested twenty students in Nairobi"); the place heading its
    paragraph in a bulletin ("NAURU: The Supreme Court ..."); the document's main
    country (``main_country``). A person the knowledge base does not know, whose name
    comes with no country, is taken the same way (news names a country's own people
    without saying whose they are). A country named only after it ("protesters rallied outside
    the Chinese embassy") is no evidence; without any the mention keeps its sector alone."""
    pending = [m for m in index.mentions if m.entity.country is None
               and (m.how in ("sector", "name") or m.how == "ner" and m.entity.kind == "person" and m.entity.kb is None)]
    if not pending:
        return
    doc = index.doc
    named, placed = _named_countries(index, places)
    main = main_country(index, places)
    # "the coup leaders" named again is the same body as before, whatever country the
    # sentence names first (one word alone, "protesters", may be another crowd)
    phrases: dict[str, str] = {}
    for mention in pending:
        head = doc[mention.head]
        if mention.entity.sector == "NGO":  # "aid workers", "a charity": non-governmental, whatever their country
            mention.entity.country = "NGO"
            continue
        if _from_elsewhere(index.kb, head):
            continue
        phrase = _phrase_words(doc, mention)
        if phrase in phrases:
            mention.entity.country = phrases[phrase]
            mention.entity.country_from = "the same words earlier in the document"
            continue
        same_word = placed.get(head.lemma_.lower())
        # A country named before in the sentence, unless it is another side of the same act or
        # names one ("Israel killed two militants", "US airstrikes killed ten militants": the
        # militants are not Israel's or the US's).
        sides = [(c.left_edge.i, c.i) for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "agent", "dative")] \
            if head.dep_ in ("dobj", "nsubjpass", "pobj", "dative") else []
        sent_start = sentence_of(head).start
        first = bisect.bisect_left(named, (sent_start,))  # named is sorted by start
        before = [code for start, end, code in named[first:bisect.bisect_left(named, (head.left_edge.i,))]
                  if end <= head.left_edge.i and not any(left <= start and end <= i + 1 for left, i in sides)]
        # a leader travels: "the prime minister will discuss it in Berlin" is not Germany's
        where = None if _is_titled(index.kb, head) else _where_it_acts(head, named)
        same = _same_word_before(doc, same_word, head) if same_word else None
        if same is not None:
            mention.entity.country = same.entity.country
            mention.entity.country_from = "the same word elsewhere in the document"
        elif before:
            mention.entity.country = before[-1]
            mention.entity.country_from = "the country named before it in its sentence"
        elif where:
            mention.entity.country = where
            mention.entity.country_from = "the place its clause happens in"
        elif label := _paragraph_label(index, named, head.i):
            mention.entity.country = label
            mention.entity.country_from = "the place that heads its paragraph"
        elif main and main[1] <= sent_start:  # from the sentence after a country named once (a dateline's)
            mention.entity.country = main[0]
            mention.entity.country_from = "the document's main country"
        if phrase and mention.entity.country:
            phrases[phrase] = mention.entity.country


def _from_elsewhere(kb: KnowledgeBase, head: Token) -> bool:
    """'foreign journalists', 'Western donors', 'Arab states': people the words place outside
    the story's country (not 'the foreign minister', a title of its own, nor a word of a name)."""
    lemma = head.lemma_.lower()
    return any((c.lower_ in ELSEWHERE_WORDS or c.lower_ in REGION_WORDS and lemma in STATE_NOUNS)
               and kb.sector_of_word(f"{c.lower_} {lemma}") is None and not (c.ent_type_ and c.ent_type_ != "NORP")
               for c in head.lefts if c.dep_ in ("amod", "compound", "nmod"))


def _phrase_words(doc: Doc, mention: ActorMention) -> str:
    """A descriptor's own words without its article ("coup leaders"), or "" for a single word."""
    words = [t.lemma_.lower() for t in doc[mention.start:mention.end] if t.dep_ not in ("det", "nummod", "poss")]
    return " ".join(words) if len(words) > 1 else ""


def _same_word_before(doc: Doc, same_word: list[ActorMention], head: Token) -> ActorMention | None:
    """Of the mentions of the same word with a country, the one a bare word refers back to:
    in the same number if there is one ("the governments of Venezuela and Cuba" are not "the
    Government"), the nearest before it, else the nearest soon after it (a headline's
    "protesters" are the lede's "Palestinian protesters"; the "special envoy" of Japan in the
    last paragraph is not the headline's "envoys" India sends)."""
    plural = head.tag_ in ("NNS", "NNPS")
    alike = [m for m in same_word if (doc[m.head].tag_ in ("NNS", "NNPS")) == plural] or same_word
    before = [m for m in alike if m.head < head.i]
    if before:
        return max(before, key=lambda m: m.head)
    soon = [m for m in alike if m.head - head.i <= SOON_AFTER]
    return min(soon, key=lambda m: m.head) if soon else None


def _paragraph_label(index: ActorIndex, named: list[tuple[int, int, str]], i: int) -> str | None:
    """A news bulletin heads each story with its place ("NAURU: The Supreme Court has
    adjourned ..."): the country of a place that opens the paragraph of token i, followed by
    a colon or a dash."""
    doc = index.doc
    starts = index.paragraph_starts
    start = starts[bisect.bisect_right(starts, i) - 1]
    for first, end, code in named[bisect.bisect_left(named, (start,)):]:
        if first != start:
            return None
        # "NAURU: ...", "TONGA - ...", not "Iran-backed militias"
        mark = doc[end] if end < len(doc) else None
        return code if mark is not None and (mark.text == ":" or mark.text in ("-", "--", "—") and bool(mark.whitespace_)) else None
    return None


def _parties_named_by_a_sector_word(index: ActorIndex) -> None:
    """'The Congress' in an Indian story is the Congress party, not a legislature: a sector
    word whose country has a party the knowledge base calls '<word> party' names that party."""
    for mention in index.mentions:
        e = mention.entity
        head = index.doc[mention.head]
        if e.kind != "generic" or e.country is None or head.tag_ in ("NNS", "NNPS"):
            continue
        party = next((p for p in index.kb.lookup(f"{head.lower_} party") if p.country == e.country and p.sector == "PTY"), None)
        if party is not None:
            mention.entity = _from_kb(party)


def _where_it_acts(head: Token, named: list[tuple[int, int, str]]) -> str | None:
    """The country of the place where the mention's own clause happens: 'police arrested
    twenty students in Nairobi' (police of the place they act in)."""
    verb = head.head if head.dep_ in ("nsubj", "nsubjpass", "dobj") else None
    if verb is None:
        return None
    starts = {start: code for start, _, code in named}
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in WHERE_WORDS:
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    for tok in pobj.subtree:
                        if tok.i in starts:
                            return starts[tok.i]
    return None


def _named_countries(index: ActorIndex, places) -> tuple[list[tuple[int, int, str]], dict[str, list[ActorMention]]]:
    """(start, end, country) of every country, institution, person and place the document
    names, in order; and the descriptors with a country cue by their head word."""
    # a pronoun names nothing again, and a stranger given the story's country names none
    named = [(m.start, m.end, m.entity.country) for m in index.mentions if m.entity.country not in (None, "IGO", "NGO")
             and m.entity.kind in ("country", "metonym", "institution", "person") and m.how != "pronoun"
             and not (m.entity.kind == "person" and m.entity.certainty <= 0.5)]
    # "Paris" is a metonym and a place, "Iranian" a place inside a mention: counted once
    taken = {i for m in index.mentions for i in range(m.start, m.end)}
    named = sorted(named + [p for p in places if p[2] and taken.isdisjoint(range(p[0], p[1]))])
    placed: dict[str, list[ActorMention]] = {}
    for m in index.mentions:
        if m.how == "descriptor" and m.entity.country not in (None, "IGO", "NGO"):
            placed.setdefault(index.doc[m.head].lemma_.lower(), []).append(m)
    return named, placed


def main_country(index: ActorIndex, places=()) -> tuple[str, int] | None:
    """The country the document names most (places and the dateline included; what its
    first sentence and its dateline name counts twice), and the token where it is first named; a country named once counts only from the next sentence
    on (returned with that sentence's start)."""
    if places and not isinstance(next(iter(places)), tuple):
        places = _place_tokens(index.doc, places)
    named, placed = _named_countries(index, places)
    counts: dict[str, int] = {}
    weights: dict[str, int] = {}
    first_at: dict[str, int] = {}
    opening = sentences_of(index.doc).spans[0].end if len(index.doc) else 0
    # "the US embassy": the embassy's country is the "US" already counted, not a second naming
    counted = {i for start, end, _ in named for i in range(start, end)}
    described = [(m.start, m.end, m.entity.country) for ms in placed.values() for m in ms
                 if not any(t.i in counted for t in _country_cue(index, index.doc[m.head])[1])]
    for start, _, code in named + described:
        counts[code] = counts.get(code, 0) + 1
        # the headline (or the lede) and the dateline say where the story is
        weights[code] = weights.get(code, 0) + (2 if start < opening or start in index.quiet else 1)
        first_at[code] = min(first_at.get(code, start), start)
    if not counts:
        return None
    code = max(counts, key=lambda c: (weights[c], -first_at[c]))
    valid_from = -1 if counts[code] > 1 else sentence_of(index.doc[first_at[code]]).end
    return code, valid_from


def _place_tokens(doc: Doc, places) -> list[tuple[int, int, str]]:
    """(first token, end token, country) of each located place of the document."""
    found = []
    for place in places:
        if place.start is None or not place.country:
            continue
        tokens = token_range(doc, place.start, place.end)
        if tokens is not None:
            found.append((*tokens, place.country))
    return found


def _scene_country(index: ActorIndex, start: int, end: int) -> str | None:
    """The first country named on its own between start and end ("In Uganda, President
    ..."): a country word that modifies another noun names that noun's country ("as French
    and German ministers were in town to press President Eyadema": his is not France)."""
    doc = index.doc
    for m in index.mentions:
        head = doc[m.head]
        if (start <= m.start < end and m.entity.kind in ("country", "metonym") and m.entity.country not in (None, "IGO", "NGO")
                and not (head.dep_ in ("amod", "compound", "poss", "nmod") and head.head.i >= end)):
            return m.entity.country
    return None


def _first_country(index: ActorIndex, start: int, end: int) -> str | None:
    for m in index.mentions:
        if start <= m.start < end and m.entity.kind in ("country", "metonym", "institution", "generic") and m.entity.country not in (None, "IGO", "NGO"):
            return m.entity.country
    for tok in index.doc[start:end]:
        code = index.kb.country_of_adjective(tok.text) if tok.pos_ in ("ADJ", "PROPN") else None
        if code:
            return code
    return None


def _modifies(token: Token, start: int, end: int) -> bool:
    """Is the token part of the noun phrase of the name at [start, end) (a modifier chain into it)?"""
    node = token
    for _ in range(5):
        if node.dep_ not in ("compound", "amod", "nmod", "poss", "npadvmod", "punct", "case"):
            return False
        node = node.head
        if start <= node.i < end:
            return True
        if node.i < token.i:
            return False
    return False


def _mostly_lowercase(doc: Doc) -> bool:
    """Some corpora arrive lower-cased (a dateline may still be capitalised): fewer than
    one capital in 100 letters (normal English prose has about one in 30)."""
    text = text_of(doc)
    upper = sum(map(text.count, string.ascii_uppercase))  # str.count per letter: far faster than a regex scan
    letters = upper + sum(map(text.count, string.ascii_lowercase))
    return letters > 0 and upper / letters < 0.01
