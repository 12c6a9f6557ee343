"""Stage 4 — events: PLOVER events from the dependency parse, driven by the lexicon.

For each token whose lemma the lexicon lists, the coder checks the entry's
constraints (particle, object lemmas), then finds the arguments along the parse:

* verbs: subject -> actor, direct object / dative / listed prepositions -> recipient;
  passives swap them (``was attacked by``); an infinitive, participle or
  coordinated verb without a subject takes its governor's (``sought to mediate``,
  ``agreed to withdraw``); a relative clause takes its head noun.
* nouns: possessor, country modifier or ``by`` -> actor; listed prepositions and
  ``of`` -> recipient; a noun that is the object of a light verb (``held talks``,
  ``launched an attack``) takes the light verb's subject and recipients.

Factuality comes from negation, modals, conditionals and governing words listed
in ``data/lexicon/_modality.yml`` (``refuses requests to supply aid``: the aid is
not asserted). Confidence combines the entry weight, how the arguments were
found and how sure the actor resolution is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml
from spacy.tokens import Doc, Token

from dyads.actors.resolve import PLACE_NOUNS, SIDE_NOUNS, ActorIndex, names_a_place
from dyads.errors import LexiconError
from dyads.events.lexicon import LexEntry, Lexicon
from dyads.models import Actor
from dyads.nlp import FACTUALITY_MEMO, Words, sentence_of, words_of
from dyads.place.attach import abbreviation_names_owner

SUBJECTS = ("nsubj", "csubj")
CLAUSE_LINKS = ("xcomp", "ccomp", "advcl", "conj", "acl", "relcl", "pcomp", "dobj", "pobj", "prep", "attr", "oprd", "appos", "npadvmod", "nsubj", "nsubjpass", "dep", "agent", "dative", "advmod")
LIGHT_VERB_ROLES = ("dobj", "attr", "nsubjpass", "oprd")
# A governing word ("refuse", "plan", "requests") scopes over what it takes as a complement.
COMPLEMENT_EDGES = ("xcomp", "ccomp", "acl", "relcl", "pcomp", "advcl")
# A verb that carries its own tense heads its own clause: "did not mention the shootings and
# chided the youth" — the negation of the first conjunct does not reach the second.
FINITE_TAGS = ("VBD", "VBZ", "VBP")
# The AGREE event made from a stated intent to act (see EventCoder._intents).
INTENT_ENTRY = LexEntry(id="agree.intent", type="AGREE", lemmas=(), cameo="030", weight=0.7, source="coder")
REFUSAL_ENTRY = LexEntry(id="reject.refusal", type="REJECT", lemmas=(), cameo="120", weight=0.65, source="coder")
ALLEGATION_ENTRY = LexEntry(id="accuse.allegation-of-act", type="ACCUSE", lemmas=(), cameo="112", mode="allege", weight=0.6, source="coder")
THREAT_ENTRY = LexEntry(id="threaten.intent", type="THREATEN", lemmas=(), cameo="130", weight=0.65, source="coder")
# The REQUEST made from "X said Y must ..." (see EventCoder._deontic_requests).
BLAME_ENTRY = LexEntry(id="accuse.held-responsible", type="ACCUSE", lemmas=(), cameo="112", mode="allege", weight=0.6, source="coder")
DEONTIC_ENTRY = LexEntry(id="request.must", type="REQUEST", lemmas=(), cameo="100", weight=0.6, source="coder")


@dataclass
class Modality:
    negating_governors: frozenset[str] = frozenset()
    negation_markers: frozenset[str] = frozenset()
    possibility_modals: frozenset[str] = frozenset()
    presupposed_types: frozenset[str] = frozenset()
    negation_made_types: frozenset[str] = frozenset()
    presupposing_governors: frozenset[str] = frozenset()
    hypothetical_governors: frozenset[str] = frozenset()
    request_governors: frozenset[str] = frozenset()
    future_markers: frozenset[str] = frozenset()
    future_governors: frozenset[str] = frozenset()
    hypothetical_markers: frozenset[str] = frozenset()
    attempt_governors: frozenset[str] = frozenset()
    intent_governors: frozenset[str] = frozenset()
    deontic_markers: frozenset[str] = frozenset()
    blame_predicates: frozenset[str] = frozenset()
    judgement_verbs: frozenset[str] = frozenset()
    reporting_verbs: frozenset[str] = frozenset()
    circumstance_prepositions: frozenset[str] = frozenset()
    generic_heads: frozenset[str] = frozenset()
    about_prepositions: frozenset[str] = frozenset()
    ordinals: frozenset[str] = frozenset()
    quantity_nouns: frozenset[str] = frozenset()
    modal_auxiliaries: frozenset[str] = frozenset()
    factuality_adverbs: frozenset[str] = frozenset()
    factuality_noun_modifiers: frozenset[str] = frozenset()
    object_control_verbs: frozenset[str] = frozenset()
    allegation_governors: frozenset[str] = frozenset()
    failure_governors: frozenset[str] = frozenset()
    stative_participles: frozenset[str] = frozenset()
    actorless_types: frozenset[str] = frozenset()
    domestic_recipient_types: frozenset[str] = frozenset()
    domestic_place_types: frozenset[str] = frozenset()
    foreign_missions: frozenset[str] = frozenset()
    complement_modes: dict = field(default_factory=dict)
    means_prepositions: frozenset[str] = frozenset()
    means_modes: dict = field(default_factory=dict)
    information_nouns: frozenset[str] = frozenset()
    information_verbs: frozenset[str] = frozenset()
    natural_agents: frozenset[str] = frozenset()
    private_persons: frozenset[str] = frozenset()

    @classmethod
    @cache
    def load(cls) -> "Modality":
        path = resources.files("dyads") / "data" / "lexicon" / "_modality.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        values = {}
        for key, value in (data or {}).items():
            if key == "complement_modes":
                values[key] = {k.upper(): {t.upper(): m for t, m in v.items()} for k, v in value.items()}
            elif key == "means_modes":
                values[key] = {k.upper(): {str(w).lower(): m for w, m in v.items()} for k, v in value.items()}
            elif key in ("actorless_types", "domestic_recipient_types", "domestic_place_types", "presupposed_types",
                         "negation_made_types"):
                values[key] = frozenset(str(w).upper() for w in value)
            elif key in cls.__dataclass_fields__:
                values[key] = frozenset(str(w).lower() for w in value)
            else:  # a list the coder would silently ignore
                raise LexiconError(f"{path}: unknown key {key!r}")
        return cls(**values)


@dataclass
class Candidate:
    """An event found in one sentence, before dating, locating and merging."""

    entry: LexEntry
    trigger: Token
    trigger_tokens: list[Token]
    actors: list[Actor | None]
    recipients: list[Actor | None]
    factuality: str = "asserted"
    confidence: float = 0.5
    path: str = ""
    mode: str | None = None
    # filled by the time and place stages
    timex: object | None = None
    date_inherited: bool = False
    place: object | None = None
    pairs: list[tuple[Actor, Actor]] | None = None  # reciprocal events: the actor-recipient pairs
    extra: dict = field(default_factory=dict)

    def dyads(self) -> list[tuple[Actor | None, Actor | None]]:
        if self.pairs:
            return list(self.pairs)
        return [(a, r) for a in self.actors for r in self.recipients]


class EventCoder:
    def __init__(self, lexicon: Lexicon, modality: Modality | None = None, quad_class=None) -> None:
        self.lexicon = lexicon
        self.quad_class = quad_class or (lambda event_type: 0)  # ontology's quad class of a type
        self.modality = modality or Modality.load()
        self._index: ActorIndex | None = None  # the document being coded (set by find)
        self._compound_heads = lexicon.compound_heads("noun")  # nouns worth testing for a compound entry
        self._ranking: dict[tuple[str, str], tuple[LexEntry, ...]] = {}  # see _ranked

    # -- finding triggers ----------------------------------------------------------
    def find(self, doc: Doc, actors: ActorIndex) -> list[Candidate]:
        self._index = actors
        found: list[Candidate] = []
        claimed: set[int] = set()  # object tokens used by a light-verb entry
        words = words_of(doc)
        for token in words.tokens:
            pos = _pos_class(token, words)
            if pos is None or token.i in claimed:
                continue
            if pos == "verb" and token.tag_ == "VBG" and token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") \
                    and self.lexicon.lookup(token.lower_, "noun"):
                pos = "noun"  # "Fighting between X and Y killed 12": a gerund standing as a noun
            if words.dep[token.i] == "compound" and self.lexicon.lookup(f"{words.lemma[token.i]} {words.lemma[words.head[token.i]]}", "noun"):
                continue  # "hunger" in "hunger strike": the head carries the event
            skip: set[str] = set()
            while True:
                entry, obj = self._match(token, pos, skip)
                if entry is None:
                    break
                if obj is not None and self._qualified_noun(obj, entry):
                    skip.add(entry.id)  # "held joint exercises": the qualified noun says what happened
                    continue
                cand = self._arguments(token, entry, obj, actors)
                if cand is not None and not _sectors_fit(entry, cand):
                    skip.add(entry.id)  # "UN troops withdrew": a military withdrawal, not leaving a treaty
                    continue
                if obj is not None:
                    claimed.add(obj.i)
                    # A nominal candidate already made from the object yields to the light verb.
                    found = [c for c in found if c.trigger.i != obj.i]
                if cand is not None:
                    found.append(cand)
                break
        words = self.modality
        found = _fold_verbs_into_subject_nouns(_fold_nouns_into_verbs(_drop_objects_of_events(found, words.about_prepositions), words.quantity_nouns))
        found = _fold_demands_into_protests(found, self.modality.quantity_nouns)
        found += self._deontic_requests(doc, actors, found)
        return found

    def _deontic_requests(self, doc: Doc, index: ActorIndex, found: list[Candidate]) -> list[Candidate]:
        """Judgements a speaker states about another actor in a that-clause: 'Russia said Sudan
        must return the helicopter' is a REQUEST to Sudan (the clause's own action stays
        hypothetical); 'Vietnam said China was responsible for the collision' an ACCUSE."""
        made = []
        taken = {c.trigger.i for c in found if c.entry.type in ("REQUEST", "ACCUSE")}
        words = words_of(doc)
        for tok, dep in zip(words.tokens, words.dep):
            if dep == "aux" and words.lower[tok.i] in self.modality.deontic_markers:
                entry, verb = DEONTIC_ENTRY, tok.head
            elif dep == "acomp" and words.lemma[tok.i] in self.modality.blame_predicates and tok.head.lemma_ == "be":
                entry, verb = BLAME_ENTRY, tok.head
            else:
                continue
            report = verb.head
            if verb.dep_ != "ccomp" or report.lemma_.lower() not in self.modality.judgement_verbs or report.i in taken:
                continue
            speakers = [a for c in report.children if c.dep_ in SUBJECTS for a in _actors_at(c, index)]
            addressees = [a for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for a in _actors_at(c, index, deep=False)]
            addressees = [a for a in addressees if not _same_actor(a, speakers)]
            if not speakers or not addressees:
                continue
            cand = Candidate(entry=entry, trigger=verb if entry is DEONTIC_ENTRY else tok, trigger_tokens=sorted({tok.i: tok, verb.i: verb}.values(), key=lambda t: t.i),
                             actors=speakers, recipients=addressees, path="reported:nsubj+ccomp-subject", mode=entry.mode)
            cand.confidence = _confidence(entry, cand, cand.path, False)
            made.append(cand)
            taken.add(report.i)
        return made

    def complete(self, found: list[Candidate], conflicts=None, on=None, countries: set[str] = frozenset()) -> None:
        """After dating and locating: recipients that only the embedded event names,
        and sides that only the conflicts knowledge supplies."""
        self._complements(found)
        self._means(found)
        _conjunct_recipients(found)
        self._recipients_in_phrase(found)
        self._intents(found)
        self._allegations(found)
        self.domestic_targets(found)
        if conflicts is not None:
            for cand in found:
                if cand.entry.conflict:
                    _complete_from_conflict(cand, conflicts, on, countries)

    def _means(self, found: list[Candidate]) -> None:
        """The mode a means phrase gives an event whose words give none ("spoke by phone")."""
        for cand in found:
            modes = self.modality.means_modes.get(cand.entry.type)
            if cand.mode or not modes:
                continue
            # on the trigger, or misattached to its partner ("spoke with Blinken on the phone")
            near = [cand.trigger, *(o for c in cand.trigger.children if c.dep_ == "prep" for o in _pobjs(c))]
            preps = [c for t in near for c in t.children if c.dep_ == "prep" and c.lower_ in self.modality.means_prepositions]
            cand.mode = next((modes[p.lemma_.lower()] for prep in preps for p in prep.children
                              if p.dep_ == "pobj" and p.lemma_.lower() in modes), None)

    def _recipients_in_phrase(self, found: list[Candidate]) -> None:
        """No recipient found on the usual paths: the first other actor named inside the
        event's own phrase ("contribute troops to a force in Liberia"), else the country of
        the place the event is located in ("evacuate settlements in the Gaza Strip")."""
        for cand in found:
            if any(cand.recipients) or self._index is None:
                continue
            codes = {a.code for a in cand.actors if a is not None}
            subjects = {t.i for c in cand.trigger.children if c.dep_ in SUBJECTS + ("agent",) for t in c.subtree}
            # Repression at home ("imposed a curfew in the town of Cizre in southeastern Turkey")
            # targets the actor's own country.
            domestic = cand.entry.type in self.modality.domestic_place_types
            home = None
            for tok in cand.trigger.subtree:
                if tok.i in subjects or tok.i == cand.trigger.i:
                    continue
                mention = self._index.mention_at(tok)
                if mention is None or mention.head != tok.i:
                    continue
                others = [a for a in self._index.actors(mention) if a.code and a.code not in codes]
                # "talks in Abuja": a capital where the act happens is its place, not a party to it
                where = mention.entity.kind == "metonym" and names_a_place(tok)
                if others and not where:
                    cand.recipients = [_weaker(a, 0.6) for a in others[:1]]
                    cand.path += "+in-phrase"
                    break
                if domestic and home is None and mention.entity.kind in ("country", "metonym") and mention.how != "pronoun":
                    home = self._index.actors(mention)[0]
            else:
                place = cand.place
                # A meeting or a truce is between parties, not with the country that hosts it.
                if (place is not None and place.country and (place.country not in codes or domestic) and any(cand.actors)
                        and not cand.entry.symmetric):
                    cand.recipients = [Actor(code=place.country, entity_text=place.text or place.name, name=place.name,
                                             start=place.start, end=place.end, certainty=0.5)]
                    cand.path += "+place"
                elif home is not None and any(cand.actors):
                    cand.recipients = [_weaker(Actor(**{**home.__dict__, "sector": None}), 0.6)]
                    cand.path += "+home"

    def _intents(self, found: list[Candidate]) -> None:
        """PLOVER's AGREE: the actor's stated intent to act ("will give Tanzania a grant",
        "offered to hand over", "is willing to withdraw") is itself an event; the action
        stays future or hypothetical."""
        agree_at = {c.trigger.i: c for c in found if c.entry.type in ("AGREE", "THREATEN", "REJECT")}
        for cand in list(found):
            refusal = self._refusal(cand)
            if refusal is not None and refusal.trigger.i not in agree_at:
                found.append(refusal)
                agree_at[refusal.trigger.i] = refusal
                continue
            if cand.entry.type in ("AGREE", "THREATEN") or cand.factuality not in ("future", "hypothetical") or not any(cand.actors):
                continue
            cue = self.intent_cue(cand.trigger)
            if cue is None or not self._intends_itself(cue, cand):
                continue
            if cue.i in agree_at:  # "agreed to withdraw": the AGREE takes the action's recipient
                existing = agree_at[cue.i]
                if not any(existing.recipients) and any(cand.recipients):
                    existing.recipients = cand.recipients
                    existing.path += f"+complement:{cand.entry.id}"
                continue
            trigger = cand.trigger if cue.dep_ == "aux" else cue
            # Intent to cooperate is AGREE; intent to coerce or attack is THREATEN, and so is
            # any act made conditional on the other side ("will withdraw unless ...").
            conditional = _condition_subjects(cand.trigger, self._index)
            entry = THREAT_ENTRY if self.quad_class(cand.entry.type) in (3, 4) or _has_ultimatum(cand.trigger) else INTENT_ENTRY
            if entry is THREAT_ENTRY and conditional and not any(cand.recipients):
                cand.recipients = conditional
            intent = Candidate(
                entry=entry, trigger=trigger, trigger_tokens=sorted({cue.i: cue, cand.trigger.i: cand.trigger}.values(), key=lambda t: t.i),
                actors=cand.actors, recipients=cand.recipients, pairs=cand.pairs, factuality="asserted",
                confidence=round(cand.confidence * 0.9, 3), path=cand.path + f"+intent:{cand.entry.id}",
                timex=cand.timex, place=cand.place,
            )
            found.append(intent)
            agree_at[cue.i] = intent

    def _allegations(self, found: list[Candidate]) -> None:
        """'The US claimed that ISIL had attacked Iraq': alleging a hostile act is an ACCUSE
        of its perpetrator (the act itself stays unasserted)."""
        accusing = {c.trigger.i for c in found if c.entry.type == "ACCUSE"}
        for cand in list(found):
            if cand.factuality != "hypothetical" or self.quad_class(cand.entry.type) not in (3, 4) or not any(cand.actors):
                continue
            cue = self._factuality_with_cue(cand.trigger)[2]
            if cue is None or cue.i in accusing or cue.lemma_.lower() not in self.modality.allegation_governors or cue.pos_ != "VERB":
                continue
            speakers = [a for c in cue.children if c.dep_ in SUBJECTS for a in _actors_at(c, self._index)] if self._index else []
            accused = [a for a in cand.actors if a is not None and not _same_actor(a, speakers)]
            if not speakers or not accused:
                continue
            accuse = Candidate(entry=ALLEGATION_ENTRY, trigger=cue, trigger_tokens=[cue], actors=speakers, recipients=accused,
                               confidence=round(cand.confidence * 0.9, 3), path=f"nsubj+allegation:{cand.entry.id}",
                               timex=cand.timex, place=cand.place)
            found.append(accuse)
            accusing.add(cue.i)

    def _intends_itself(self, cue: Token, cand: Candidate) -> bool:
        """'Turkey said it would consider Sweden's request': the intent is Turkey's, so it
        makes no event of Sweden's request; an intent belongs to its clause's subject."""
        verb = cue.head if cue.dep_ == "aux" else cue
        subjects = [a for c in verb.children if c.dep_ in SUBJECTS for a in _actors_at(c, self._index)] if self._index else []
        codes = {a.code for a in cand.actors if a is not None}
        return not subjects or any(a.code in codes or _same_actor(a, cand.actors) for a in subjects)

    def domestic_targets(self, found: list[Candidate]) -> None:
        """Protests with no stated target are aimed at the protesters' own authorities
        (or, failing a country, those of the place they happen in); protesters the text
        does not place, against a government it names, are that country's people
        ("fundamentalists continued their hunger strike to demand the resignation of the
        Algerian president") unless the protest happens in another country."""
        for cand in found:
            if cand.entry.type in self.modality.domestic_recipient_types and not any(a.code for a in cand.actors if a is not None):
                target = next((r for r in cand.recipients if r is not None and r.code not in (None, "IGO", "NGO")), None)
                abroad = cand.place is not None and cand.place.country and target is not None and cand.place.country != target.code
                envoy = target is not None and any(w in self.modality.foreign_missions for w in target.entity_text.lower().split())
                if target is not None and target.sector in (None, "GOV") and not abroad and not envoy:
                    # protesters the text does not place ("students", or no words at all) keep their sector
                    known = [a for a in cand.actors if a is not None]
                    cand.actors = [Actor(**{**a.__dict__, "code": target.code, "certainty": 0.4}) for a in known] or [
                        Actor(code=target.code, entity_text="", name=target.code, certainty=0.4)]
                    cand.path += "+domestic-actor"
            if cand.entry.type not in self.modality.domestic_recipient_types or any(cand.recipients):
                continue
            code = next((a.code for a in cand.actors if a is not None and a.code), None)
            if code is None and cand.place is not None:
                code = cand.place.country
            if code:
                cand.recipients = [Actor(code=code, sector="GOV", entity_text="", name=code, certainty=0.5)]
                cand.path += "+domestic"

    def _refusal(self, cand: Candidate) -> Candidate | None:
        """'He would not provide support', 'Iran will not release the ship': a stated
        refusal to act is REJECT (mode from what is refused)."""
        if cand.factuality != "negated" or not any(cand.actors):
            return None
        cue = self._factuality_with_cue(cand.trigger)[2]
        if cand.entry.type == "AGREE" and cue is not None and cue.lemma_.lower() in self.modality.failure_governors:
            # "failed to reach agreement": PLOVER's REJECT of the other side
            pairs = cand.pairs or (reciprocal_pairs([a for a in cand.actors if a is not None]) if len({a.code for a in cand.actors if a is not None}) >= 2 else None)
            return Candidate(entry=REFUSAL_ENTRY, trigger=cue, trigger_tokens=sorted({cue.i: cue, cand.trigger.i: cand.trigger}.values(), key=lambda t: t.i),
                             actors=cand.actors, recipients=cand.recipients, pairs=pairs or None, factuality="asserted",
                             confidence=round(cand.confidence * 0.9, 3), path=cand.path + f"+failed:{cand.entry.id}",
                             timex=cand.timex, place=cand.place)
        verb = cand.trigger if cand.trigger.pos_ in ("VERB", "AUX") else cand.trigger.head
        aux = [c for c in verb.children if c.dep_ == "aux" and (c.lower_ in self.modality.future_markers or c.lower_ in ("would", "wo"))]
        if not aux or not any(c.dep_ == "neg" for c in verb.children):
            return None
        modes = self.modality.complement_modes.get("REJECT", {})
        refusal = Candidate(
            entry=REFUSAL_ENTRY, trigger=verb, trigger_tokens=sorted({aux[0].i: aux[0], verb.i: verb}.values(), key=lambda t: t.i),
            actors=cand.actors, recipients=cand.recipients, factuality="asserted",
            confidence=round(cand.confidence * 0.9, 3), path=cand.path + f"+refusal:{cand.entry.id}",
            mode=modes.get(cand.entry.type), timex=cand.timex, place=cand.place,
        )
        return refusal

    def keeps(self, event_type: str, has_actor: bool) -> bool:
        """Events need an actor, except types reported without one (attacks by unknown perpetrators)."""
        return has_actor or event_type in self.modality.actorless_types

    def _qualified_noun(self, obj: Token, entry: LexEntry) -> bool:
        """Does the light verb's object carry a two-word entry of another type ('joint
        exercise', 'hunger strike')? Then the noun, not the light verb, decides the type."""
        for mod in (c for c in obj.lefts if c.dep_ in ("compound", "amod")):
            found = self.lexicon.lookup(f"{mod.lemma_.lower()} {obj.lemma_.lower()}", "noun")
            if found and found[0].type != entry.type:
                return True
        return False

    def _ranked(self, word: str, pos: str) -> tuple[LexEntry, ...]:
        """The lexicon's entries for a word, most specific first: particle, object and actor
        constraints beat a bare lemma. Ranked once per word (the lexicon does not change)."""
        key = (word, pos)
        if key not in self._ranking:
            entries = self.lexicon.lookup(word, pos)
            if not entries:
                return ()  # words the lexicon lacks are not kept: the cache stays the lexicon's size
            self._ranking[key] = tuple(sorted(entries, key=lambda e: (-(bool(e.particle) + bool(e.objects) + bool(e.actor_sectors)), -e.weight)))
        return self._ranking[key]

    def _match(self, token: Token, pos: str, skip: set[str] = frozenset()) -> tuple[LexEntry | None, Token | None]:
        # A compound noun entry ("hunger strike", "air strike") beats its head word's.
        lemma = token.lemma_.lower()
        if pos == "noun" and lemma in self._compound_heads:
            for child in token.lefts:
                if child.dep_ in ("compound", "amod"):
                    compound = self.lexicon.lookup(f"{child.lemma_.lower()} {lemma}", pos)
                    if compound:
                        return compound[0], None
        ranked = self._ranked(lemma, pos)
        if not ranked and token.lower_ != lemma:
            ranked = self._ranked(token.lower_, pos)
        if not ranked:
            return None, None
        foreign_particle = None  # asked once, only if an entry without a particle comes up
        for entry in ranked:
            if entry.id in skip:
                continue
            if entry.particle and not _has_particle(token, entry.particle):
                continue
            if not entry.particle and pos == "verb":
                if foreign_particle is None:
                    foreign_particle = _has_foreign_particle(token)
                if foreign_particle:
                    continue
            if entry.objects:
                obj = _object_with_lemma(token, entry.objects, self.modality.generic_heads)
                if obj is None:
                    continue
                return entry, obj
            return entry, None
        return None, None

    # -- arguments -------------------------------------------------------------------
    def _arguments(self, token: Token, entry: LexEntry, obj: Token | None, index: ActorIndex) -> Candidate | None:
        if entry.pos == "noun" and obj is None:
            actors, recipients, path = self._noun_arguments(token, entry, index)
        else:
            actors, recipients, path = self._verb_arguments(token, entry, obj, index)
        if entry.reverse:  # "X received aid from Y": Y gave, X received
            actors, recipients = recipients, actors
            path += "+reversed"
        pairs = None
        if entry.symmetric and not recipients and len(actors) >= 2:  # "A, B and C met": every pair
            pairs = reciprocal_pairs(actors)
            path += "+reciprocal"
        elif entry.symmetric and not actors and len(recipients) >= 2:  # "talks between the sides"
            pairs = reciprocal_pairs(recipients)
            path += "+reciprocal"
        if entry.own_action and not clause_about_actor(token, actors, index):
            return None
        if entry.object_must_be_actor and not recipients:
            recipients = _clause_subjects(token, index, infinitive=True)  # "allowed [Hamas leaders to travel]"
            if not recipients:
                return None
            path += "+clause-subject"
        factuality, attempt = self._factuality(token)
        recipients = [r for r in recipients if not _same_actor(r, actors)]
        trigger_tokens = [token] + ([obj] if obj is not None else []) + [
            c for c in token.children if c.dep_ == "prt"
        ]
        cand = Candidate(
            entry=entry,
            trigger=token,
            trigger_tokens=sorted(trigger_tokens, key=lambda t: t.i),
            actors=actors or [None],
            recipients=recipients or [None],
            factuality=factuality,
            path=path,
            mode=entry.mode,
        )
        if pairs:
            cand.actors, cand.recipients = [pairs[0][0]], [pairs[0][1]]
            cand.pairs = pairs
        cand.confidence = _confidence(entry, cand, path, attempt)
        return cand

    def _verb_arguments(self, verb: Token, entry: LexEntry, obj: Token | None, index: ActorIndex):
        # "soldiers killed in Ukraine", "the homes demolished by the army": a participle
        # modifying a noun is passive; the noun undergoes the event. (A noun that heads the
        # whole sentence is the parser misreading a main verb: "A newspaper called on ...".)
        participle = verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.dep_ != "ROOT"
        passive = participle or any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        stative = passive and not participle and verb.lemma_.lower() in self.modality.stative_participles and not any(
            c.dep_ == "agent" for c in verb.children)  # "Vietnam is committed to opening": Vietnam commits
        actors: list[Actor] = []
        recipients: list[Actor] = []
        path = []
        if participle and entry.object_is_recipient and obj is None:
            recipients += _actors_at(verb.head, index)
            path.append("participle-head")
        for child in verb.children:
            if child.dep_ in SUBJECTS and not passive or stative and child.dep_ == "nsubjpass":
                actors += _actors_at(child, index)
                path.append("nsubj")
            elif child.dep_ == "agent":
                for pobj in _pobjs(child):
                    actors += _actors_at(pobj, index)
                path.append("agent")
            elif child.dep_ == "nsubjpass" and entry.object_is_recipient and not stative:
                recipients += _actors_at(child, index)
                path.append("nsubjpass")
            elif child.dep_ == "dative" and child.pos_ == "ADP":  # "gave back the tanker to Britain"
                for pobj in _pobjs(child):
                    recipients += _actors_at(pobj, index)
                path.append("dative:to")
            elif child.dep_ in ("dobj", "dative") and entry.object_is_recipient and (obj is None or child.i != obj.i):
                found = _actors_at(child, index, deep=child.dep_ == "dobj")
                if not found and child.dep_ == "dobj":
                    found = _owner_of(child, index)  # "rejected calls by Kofi Annan", "welcomed Reagan's statement"
                recipients += found
                path.append(child.dep_)
            elif child.dep_ == "prep" and child.lower_ in entry.preps:
                for pobj in _pobjs(child):
                    recipients += _actors_at(pobj, index)
                path.append(f"prep:{child.lower_}")
            elif entry.particle and child.lower_ == entry.particle and child.dep_ in ("prep", "advmod"):
                for sub in child.children:  # "pulled out of the treaty": "of" hangs under "out"
                    if sub.dep_ == "prep" and (sub.lower_ in entry.preps or not entry.preps):
                        for pobj in _pobjs(sub):
                            recipients += _actors_at(pobj, index)
                        path.append(f"particle-prep:{sub.lower_}")
                if child.dep_ == "prep" and child.lower_ in ("on", "upon", "to", "with", "against"):
                    for pobj in _pobjs(child):  # "called on Russia": the particle's object
                        recipients += _actors_at(pobj, index)
                    path.append(f"particle:{child.lower_}")
        if obj is not None and not recipients and entry.recipient_from_complement:
            recipients += _owner_of(obj, index)  # "rejected a United Nations appeal"
        if obj is not None:
            for child in obj.children:
                if child.dep_ == "prep" and (child.lower_ in entry.preps or child.lower_ in ("to", "for", "against", "on", "with", "of")):
                    for pobj in _pobjs(child):
                        recipients += _actors_at(pobj, index)
                    path.append(f"obj-prep:{child.lower_}")
        if not recipients and entry.object_is_recipient:
            # "lamented the support from Jerusalem": the parser often hangs the object's
            # "from/of" phrase on the verb.
            dobj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            for child in verb.children:
                if dobj is not None and child.dep_ == "prep" and child.lower_ in ("from", "of") and child.i > dobj.i:
                    for pobj in _pobjs(child):
                        recipients += _actors_at(pobj, index)
                    path.append(f"obj-prep:{child.lower_}")
        if not actors and verb.pos_ == "ADJ" and verb.dep_ in ("acomp", "attr"):
            actors += [a for c in verb.head.children if c.dep_ in SUBJECTS for a in _actors_at(c, index)]
            path.append("copula")  # "Syria is willing to ..."
        if not actors and not participle:
            inherited, how = _inherited_subject(verb, index, self.modality.object_control_verbs)
            actors += inherited
            if how:
                path.append(how)
        if not actors and verb.dep_ == "ROOT" and not any(c.dep_ in SUBJECTS + ("nsubjpass", "expl") for c in verb.children):
            actors += _subject_before(verb, index)  # "With the signing of X, the government and Y have agreed"
            if actors:
                path.append("subject-before")
        return actors, recipients, "+".join(path)

    def _noun_arguments(self, noun: Token, entry: LexEntry, index: ActorIndex):
        if noun.dep_ == "compound" and noun.head.lemma_.lower() in self.modality.generic_heads:
            # "launched a mediation effort between X and Y": the frame noun carries the arguments
            actors, recipients, path = self._noun_arguments(noun.head, entry, index)
            return actors, recipients, f"frame:{noun.head.lemma_}" + (f"({path})" if path else "")
        actors: list[Actor] = []
        recipients: list[Actor] = []
        path = []
        for child in noun.children:
            if child.dep_ == "poss":
                actors += _actors_at(child, index)
                path.append("poss")
            elif child.dep_ in ("amod", "compound", "nmod"):
                found = _actors_at(child, index)
                if found and _is_place_only(child, index):
                    continue  # "the Beersheba attack": a place, dealt with by the place stage
                if not found and child.dep_ == "amod":  # "an Israeli airstrike"
                    found = _owner_of(noun, index)[:1] if index.kb.country_of_adjective(child.text) else []
                if not found and child.dep_ == "compound":  # "US Predator attacks": a compound chain
                    found = [a for g in child.children if g.dep_ in ("compound", "amod", "nmod") for a in _actors_at(g, index, deep=False)]
                actors += found
                if found:
                    path.append(child.dep_)
            elif child.dep_ == "prep":
                prep = child.lower_
                targets = [a for p in _pobjs(child) for a in _actors_at(p, index)]
                if prep == "by" or prep == "of" and entry.of_is == "actor" or prep == "from" and entry.type in ("AID", "REQUEST", "ACCUSE", "THREATEN", "SUPPORT"):
                    actors += targets
                elif prep in entry.preps or prep == "of" and entry.of_is == "recipient" or prep == "between":
                    recipients += targets
                else:
                    continue
                if targets:
                    path.append(f"prep:{prep}")
        if not actors:
            gov = _light_verb(noun, self.modality.quantity_nouns)
            if gov is not None:
                sub_actors, sub_recipients, sub_path = self._verb_arguments(gov, entry, noun, index)
                actors += sub_actors
                if not recipients:
                    recipients += sub_recipients
                path.append(f"light:{gov.lemma_}" + (f"({sub_path})" if sub_path else ""))
            elif noun.dep_ == "attr" and noun.head.lemma_ == "be":
                for c in noun.head.children:
                    if c.dep_ in SUBJECTS:
                        actors += _actors_at(c, index)
                        path.append("copula")
        return actors, recipients, "+".join(path)

    # -- factuality ------------------------------------------------------------------
    def _factuality(self, token: Token) -> tuple[str, bool]:
        """asserted | negated | hypothetical | future, and whether it is an attempt."""
        factuality, attempt, _ = self._factuality_with_cue(token)
        return factuality, attempt

    def factuality_of(self, token: Token) -> str:
        """Asserted, negated, hypothetical or future, as the rules read the word's clause."""
        return self._factuality_with_cue(token)[0]

    def is_attempt(self, token: Token) -> bool:
        """Is the word's clause an attempt ("sought to mediate", "tried to storm")?"""
        return self._factuality_with_cue(token)[1]

    def intent_cue(self, token: Token) -> Token | None:
        """The word expressing the actor's intent to do this ('will', 'offered', 'willing')."""
        factuality, _, cue = self._factuality_with_cue(token)
        if cue is None or factuality not in ("future", "hypothetical"):
            return None
        if factuality == "future" and cue.dep_ == "aux":
            return cue
        if cue.dep_ == "aux" and cue.lower_ == "would" and cue.head.dep_ == "ccomp" \
                and cue.head.head.lemma_.lower() in self.modality.judgement_verbs:
            return cue  # "said they would boycott": future in the past
        return cue if cue.lemma_.lower() in self.modality.intent_governors else None

    def _factuality_with_cue(self, token: Token) -> tuple[str, bool, Token | None]:
        """The word's factuality, whether an attempt governs it, and the cue word: read once per
        word of a document (the rules, the learned coder's features and its intent and attempt
        tests each ask; ``nlp.forget_cached`` drops the memo with the doc's other caches)."""
        owner, memo = token.doc.user_data.get(FACTUALITY_MEMO, (None, None))
        if owner is not self:
            memo = {}
            token.doc.user_data[FACTUALITY_MEMO] = (self, memo)
        found = memo.get(token.i)
        if found is None:
            found = memo[token.i] = self._read_factuality(token)
        return found

    def _read_factuality(self, token: Token) -> tuple[str, bool, Token | None]:
        m = self.modality
        attempt = False
        node = token
        first = True
        edge = ""
        prev = token
        own_clause = False  # reached from a finite conjunct: this word's negation and auxiliaries are not its
        for _ in range(8):
            children = list(node.children)
            if not first:
                governed = self._governed(node, edge, prev)
                if governed is not None:
                    return governed, attempt, node
            lowers = {c.lower_ for c in children}
            if own_clause:
                children, lowers = [c for c in children if c.dep_ not in ("neg", "aux", "auxpass", "mark")], set()
            # "did not attack", "never met"; "no talks were held", "neither side withdrew"
            if any(c.dep_ == "neg" for c in children) or any(c.dep_ == "det" and c.lower_ in m.negation_markers for c in children):
                return "negated", attempt, None
            modal = next((c for c in children if c.dep_ == "aux" and c.lower_ in m.hypothetical_markers), None)
            if modal is not None:
                return "hypothetical", attempt, modal
            if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in children):
                return "hypothetical", attempt, None
            if not first and edge == "pcomp" and node.lower_ == "against":  # "warned Russia against invading"
                return "hypothetical", attempt, None
            if any(c.dep_ in ("amod", "advmod") and c.lower_ in m.hypothetical_markers for c in children):
                return "hypothetical", attempt, None
            future = next((c for c in children if c.dep_ == "aux" and c.lower_ in m.future_markers), None)
            if future is not None:
                return "future", attempt, future
            if any(c.dep_ == "amod" and c.lower_ in m.future_markers for c in children):
                return "future", attempt, None
            if "going" in lowers and node.tag_ == "VB":
                return "future", attempt, None
            if not first and (edge in COMPLEMENT_EDGES or edge == "dobj"):
                lemma = node.lemma_.lower()
                if lemma in m.negating_governors:
                    return "negated", attempt, node
                if lemma in m.hypothetical_governors or lemma in m.request_governors or lemma in m.intent_governors:
                    return "hypothetical", attempt, node
                if lemma in m.future_governors and edge == "xcomp":  # "is scheduled to attend"
                    return "future", attempt, node
                if lemma in m.attempt_governors:
                    attempt = True
            if node.dep_ not in CLAUSE_LINKS or node.head.i == node.i or self._outside_scope(node):
                break
            parent = node.head
            # a conjunct with its own tense or its own subject ("... and farmers have been protesting")
            own_clause = node.dep_ == "conj" and parent.tag_ in ("VB", "VBG", "VBN") and (
                node.tag_ in FINITE_TAGS or any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children))
            if parent.lemma_.lower() in m.allegation_governors and node.dep_ == "ccomp":
                return "hypothetical", attempt, parent  # "claimed that ISIL had attacked": alleged
            if parent.lemma_.lower() in m.reporting_verbs and node.dep_ in ("ccomp", "parataxis", "dep"):
                break
            edge = node.dep_
            prev, node = node, parent
            first = False
        return "asserted", attempt, None

    def _outside_scope(self, node: Token) -> bool:
        """Adjuncts the governing clause's negation, modals and governors do not reach: a
        participle of the same subject's own act ("would not allow troops in, rejecting a US
        proposal"; "blocked the gate, demanding pay"), a past participle that describes a noun
        ("rejected the package offered by Singh"), and what a preposition of circumstance
        introduces ("refused to resign after a day of protests")."""
        if node.dep_ == "advcl" and node.tag_ in ("VBG", "VBN"):
            return not any(c.dep_ in ("mark", "aux") for c in node.children)
        if node.dep_ == "acl" and node.tag_ == "VBN":
            return True
        return node.dep_ == "pobj" and node.head.lower_ in self.modality.circumstance_prepositions

    def _governed(self, node: Token, edge: str, prev: Token) -> str | None:
        """What a governing word does to the event below it, reached from ``prev`` by ``edge``:
        'an agreement to increase trade' (an infinitive of a noun has not happened),
        'blamed Israel for the bombing', 'accused of spying' (the reason is alleged), and
        'reiterated its demand that Israel ease' (the demand governs its that-clause)."""
        m = self.modality
        if edge == "acl" and prev.tag_ == "VB" and node.pos_ in ("NOUN", "PROPN") and any(
                c.dep_ in ("aux", "mark") and c.lower_ == "to" for c in prev.children) and not any(
                c.lower_ in m.ordinals or c.tag_ == "JJS" for c in node.children):  # "the first leader to meet Putin" did
            return "hypothetical"
        if node.lemma_.lower() in m.allegation_governors and edge == "prep" and prev.lower_ in ("for", "of", "with", "over"):
            return "hypothetical"
        if edge == "ccomp":
            for obj in (c for c in node.children if c.dep_ == "dobj"):
                lemma = obj.lemma_.lower()
                if lemma in m.negating_governors:
                    return "negated"
                if lemma in m.request_governors or lemma in m.hypothetical_governors:
                    return "hypothetical"
        return None

    # -- complements: recipients found in the embedded event --------------------------
    def _complements(self, found: list[Candidate]) -> None:
        for cand in found:
            if not cand.entry.recipient_from_complement or any(cand.recipients):
                continue
            # The party a that-clause names comes first ("demanded that the US cancel plans
            # to sell weapons to Taiwan": the US is asked, not Taiwan); a threat's target is
            # whoever its condition is about ("threatened to ban voting if Hamas ran").
            named = _clause_subjects(cand.trigger, self._index) if self._index else []
            if cand.entry.type == "THREATEN":
                named = [a for v in [cand.trigger, *(c for c in cand.trigger.children if c.dep_ == "xcomp")]
                         for a in _condition_subjects(v, self._index)] or named
            addressees = [a for a in named if not _same_actor(a, cand.actors)]
            if addressees:
                cand.recipients = addressees
                cand.path += "+clause-subject"
            subtree = {t.i for c in cand.trigger.children if c.dep_ in COMPLEMENT_ROLES for t in c.subtree}
            for other in found:
                if other is cand or other.trigger.i not in subtree:
                    continue
                targets = [r for r in other.recipients if r is not None]
                if targets and addressees:  # the embedded action still gives the mode
                    cand.extra["complement"] = other
                    cand.mode = self.modality.complement_modes.get(cand.entry.type, {}).get(other.entry.type) or cand.mode
                    break
                if targets:
                    cand.recipients = targets
                    cand.extra["complement"] = other
                    cand.path += f"+complement:{other.entry.id}"
                    modes = self.modality.complement_modes.get(cand.entry.type, {})
                    cand.mode = modes.get(other.entry.type) or cand.mode
                    break
                if other.entry.location_is_recipient:
                    cand.extra["complement"] = other
                    cand.path += f"+complement:{other.entry.id}"
            if not any(cand.recipients) and self._index is not None:
                # The refused or requested action is no lexicon event ("requests to send
                # tanks to Ukraine"): its beneficiary or target is the recipient.
                targets = _complement_targets(cand.trigger, self._index)
                if targets:
                    cand.recipients = targets
                    cand.path += "+complement-args"


# -- helpers ------------------------------------------------------------------------

def _pos_class(token: Token, words: Words) -> str | None:
    if words.ent_type[token.i] in ("DATE", "TIME"):  # "in March" is not a march
        return None
    pos = words.pos[token.i]
    if pos in ("VERB", "AUX"):
        return "verb"
    if pos == "NOUN" or pos == "PROPN" and token.is_lower:
        return "noun"
    if pos == "ADJ":
        return "adj"
    return None


def _has_particle(token: Token, particle: str) -> bool:
    """spaCy tags many particles as prepositions or adverbs ("pulled out of", "stepped down");
    a preposition that only dates the act ("called Zelensky on Tuesday") is no particle."""
    return any(c.dep_ in ("prt", "prep", "advmod") and c.lower_ == particle and not _dates_only(c)
               for c in token.children)


def _dates_only(prep: Token) -> bool:
    objects = list(_pobjs(prep))
    return bool(objects) and all(o.ent_type_ in ("DATE", "TIME") for o in objects)


def _has_foreign_particle(token: Token) -> bool:
    """'call off' is not 'call': a verb with a particle only matches entries naming it."""
    return any(c.dep_ == "prt" and c.lower_ not in ("up",) for c in token.children)


def _object_with_lemma(token: Token, lemmas: tuple[str, ...], generic_heads: frozenset[str]) -> Token | None:
    for child in token.children:
        if child.dep_ in LIGHT_VERB_ROLES and _lemma_in(child, lemmas):
            return child
        if child.dep_ in LIGHT_VERB_ROLES and child.lemma_.lower() in generic_heads and any(
                c.dep_ == "compound" and _lemma_in(c, lemmas) for c in child.children):
            return child  # "suspended aid deliveries", "ended mediation efforts"
        if child.dep_ in LIGHT_VERB_ROLES:  # "25,000 tons of food aid", "a package of sanctions"
            for pobj in (p for prep in child.children if prep.dep_ == "prep" and prep.lower_ == "of" for p in _pobjs(prep)):
                if _lemma_in(pobj, lemmas):
                    return pobj
        if child.dep_ in LIGHT_VERB_ROLES:
            for conj in child.conjuncts:
                if _lemma_in(conj, lemmas):
                    return conj
        if child.dep_ == "prep" and child.lower_ in ("with", "for", "on", "in"):
            for pobj in _pobjs(child):
                if _lemma_in(pobj, lemmas):
                    return pobj
    return None


def _lemma_in(token: Token, lemmas: tuple[str, ...]) -> bool:
    return token.lemma_.lower() in lemmas or token.lower_ in lemmas


def _pobjs(prep: Token) -> list[Token]:
    out = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    return out + [conj for p in out for conj in p.conjuncts if conj.dep_ == "conj"]


def _actors_at(token: Token, index: ActorIndex, deep: bool = True) -> list[Actor]:
    """Actors at an argument token, its coordinated siblings and (one step) what it is 'of'."""
    found: list[Actor] = []
    for tok in [token] + _list_members(token, index):
        mention = index.mention_at(tok)
        if mention is not None:
            found += index.actors(mention)
            continue
        if tok.pos_ in ("DET", "PRON") and tok.dep_ in ("nsubj", "nsubjpass"):
            continue
        named = [index.mention_at(c) for c in tok.children if c.dep_ == "appos"]
        named = [m for m in named if m is not None]
        if named:  # "the US commander in Iraq, General David Petraeus,"
            found += index.actors(named[0])
            continue
        if tok.pos_ == "VERB" and tok.dep_ in SUBJECTS:  # "The Red Cross operating in Iraq said": a misread subject
            found += [a for c in tok.children if c.dep_ == "nsubj" for a in _actors_at(c, index, deep=False)]
            continue
        owners = _named_by_compound(tok, index)
        if owners:  # "the Islamic Jihad movement", "the al-Qaeda terror network"
            found += owners
            continue
        if deep:
            found += _actors_beneath(tok, index)
    return found


def _named_by_compound(token: Token, index: ActorIndex) -> list[Actor]:
    """An organisation noun named by the organisation in front of it ("the Hamas movement")."""
    if not index.kb.is_group_noun(token.lemma_.lower()):
        return []
    compounds = [c for c in token.lefts if c.dep_ == "compound"]
    compounds += [g for c in compounds for g in c.lefts if g.dep_ == "compound"]
    for c in sorted(compounds, key=lambda t: -t.i):
        mention = index.mention_at(c)
        if mention is not None and mention.entity.kind in ("group", "igo", "institution"):
            return index.actors(mention)
    return []


def _owner_of(token: Token, index: ActorIndex) -> list[Actor]:
    """Who made the thing a noun names: 'a United Nations appeal', 'calls by Kofi Annan',
    "Russia's proposal", 'an Indian proposal', 'an appeal from President Gbagbo'."""
    # Modifiers nearest first, through compound chains ("US Predator attacks").
    modifiers = [c for c in token.children if c.dep_ in ("poss", "compound", "amod", "nmod")]
    modifiers += [g for c in modifiers if c.dep_ == "compound" for g in c.children if g.dep_ in ("compound", "amod", "nmod")]
    for child in modifiers:
        if child.tag_ == "PRP$":  # "its prisoners", "his counterpart": not an owner to target
            continue
        mention = index.mention_at(child)
        if mention is not None:
            return index.actors(mention)
        code = index.kb.country_of_adjective(child.text)
        if code:
            return [_country_of_word(child, code, 0.7)]
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            for pobj in _pobjs(child):
                mention = index.mention_at(pobj)
                if mention is not None:
                    return index.actors(mention)
        if child.dep_ == "acl" and child.tag_ == "VBN":  # "a curfew imposed by the army"
            for agent in (c for c in child.children if c.dep_ == "agent"):
                found = [a for p in _pobjs(agent) for a in _actors_at(p, index, deep=False)]
                if found:
                    return found
    return []


def _country_of_word(token: Token, code: str, certainty: float) -> Actor:
    """A country an adjective names ("Syrian" in "a Syrian village")."""
    return Actor(code=code, entity_text=token.text, name=code, start=token.idx, end=token.idx + len(token.text), certainty=certainty)


def _actors_beneath(token: Token, index: ActorIndex) -> list[Actor]:
    """'members of Bennett's coalition', 'support from Jerusalem': look one or two steps in.

    A group noun possessed by an actor ("Bennett's coalition") is that actor's country,
    not the actor himself."""
    for child in token.children:
        if child.dep_ == "poss" and (index.kb.sector_of_word(token.lemma_.lower()) or token.lemma_.lower() in SIDE_NOUNS):
            mention = index.mention_at(child)
            if mention is not None:
                sector = index.kb.sector_of_word(token.lemma_.lower())
                return [
                    Actor(code=a.code, sector=sector or a.sector, entity_text=f"{a.entity_text} {token.text}",
                          name=f"{a.name} {token.text}", start=a.start, end=token.idx + len(token.text), certainty=a.certainty * 0.9)
                    for a in index.actors(mention)
                ]
    if token.lemma_.lower() in PLACE_NOUNS:  # "the Somali town of Baidoa", "a Syrian village"
        for mod in (c for c in token.lefts if c.dep_ in ("amod", "compound")):
            code = index.kb.country_of_adjective(mod.text)
            if code:
                return [_country_of_word(mod, code, 0.6)]
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "from"):
            for pobj in _pobjs(child):
                mention = index.mention_at(pobj)
                if mention is not None:  # "scores of Sierra Leonean and Liberian refugees": each member
                    return _actors_at(pobj, index, deep=False)
                deeper = _actors_beneath(pobj, index)
                if deeper:
                    return deeper
    return []


def _inherited_subject(verb: Token, index: ActorIndex, object_control: frozenset[str] = frozenset()) -> tuple[list[Actor], str]:
    """Subject of a governing verb for infinitives, participles and conjuncts; head noun for
    relatives; the object of object-control verbs ("urged Iran to", not "met Iran to")."""
    node = verb
    for _ in range(5):
        dep = node.dep_
        head = node.head
        if head.i == node.i:
            return [], ""
        if dep == "relcl" or dep == "acl" and node.tag_ in ("VBN", "VBG", "VB"):
            rel_subj = [c for c in node.children if c.dep_ in SUBJECTS and c.tag_ not in ("WDT", "WP")]
            if rel_subj or dep == "relcl" and any(c.dep_ in ("nsubjpass", "auxpass") for c in node.children):
                return [], ""  # "a Briton who was shot dead": the noun is the one shot, not the shooter
            found = _actors_at(head, index)
            if not found and node.tag_ == "VBG" and head.dep_ in ("dobj", "pobj"):
                # "issued a statement demanding ...": the issuer demands
                verb = head.head if head.dep_ == "dobj" else head.head.head
                found = [a for c in verb.children if c.dep_ in SUBJECTS for a in _actors_at(c, index)]
                return found, "acl-of-object"
            return found, "relcl-head"
        if dep == "acomp":  # "is willing to withdraw": the copula's subject
            subjects = [c for c in head.children if c.dep_ in SUBJECTS]
            return [a for s in subjects for a in _actors_at(s, index)], "inherit:copula"
        if dep not in ("xcomp", "conj", "advcl", "ccomp", "pcomp"):
            return [], ""
        if dep in ("advcl", "ccomp") and any(c.dep_ in SUBJECTS + ("nsubjpass",) for c in node.children):
            return [], ""
        if dep == "xcomp" and head.lemma_.lower() in object_control:  # "urged him to extend", "called on Russia to withdraw"
            objects = [a for c in head.children if c.dep_ in ("dobj", "dative") for a in _actors_at(c, index, deep=False)]
            objects = objects or [a for c in head.children if c.dep_ == "prep" and c.lower_ in ("on", "upon")
                                  for p in _pobjs(c) for a in _actors_at(p, index, deep=False)]
            if objects:
                return objects, "inherit:object-control"
        # "Obama is scheduled to attend", "was forced to resign": a passive governor's subject
        roles = SUBJECTS + ("nsubjpass",) if dep == "xcomp" else SUBJECTS
        subjects = [c for c in head.children if c.dep_ in roles]
        if subjects:
            actors = [a for s in subjects for a in _actors_at(s, index)]
            return actors, f"inherit:{dep}"
        node = head
    return [], ""


def _light_verb(noun: Token, quantity_nouns: frozenset[str]) -> Token | None:
    """The verb a nominal event is the object of: 'held talks', 'launched an attack',
    'held a handful of calls'."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and (
        noun.head.head.lemma_.lower() in quantity_nouns or noun.head.head.dep_ == "dobj" and noun.head.head.like_num is False
        and any(c.dep_ == "nummod" for c in noun.head.head.children)
    ):
        return _light_verb(noun.head.head, quantity_nouns)  # "held a handful of calls", "sent 25,000 tons of aid"
    if noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ in ("VERB", "AUX"):
        return noun.head
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ == "VERB" and noun.head.lower_ in ("in", "to", "into", "under"):
        return noun.head.head  # "took part in talks", "agreed to talks", "put under house arrest"
    if noun.dep_ == "conj":
        return _light_verb(noun.head, quantity_nouns)
    return None


def _is_place_only(token: Token, index: ActorIndex) -> bool:
    """A country's full name before an event noun says where ("a Gaza attack", "the Iraq war");
    its abbreviation says whose ("US airstrikes", "UK officials"), as news writes it."""
    mention = index.mention_at(token)
    if mention is None or abbreviation_names_owner(token):
        return False
    return mention.entity.kind == "country" and token.ent_type_ == "GPE" and token.pos_ == "PROPN" and token.dep_ == "compound"


def _same_actor(recipient: Actor | None, actors: list[Actor | None]) -> bool:
    if recipient is None:
        return False
    for a in actors:
        if a is None:
            continue
        if a.kb_id and a.kb_id == recipient.kb_id:
            return True
        if a.start is not None and a.start == recipient.start and a.name == recipient.name:
            return True
    return False


def _confidence(entry: LexEntry, cand: Candidate, path: str, attempt: bool) -> float:
    certainties = [a.certainty for a in cand.actors + cand.recipients if a is not None]
    arg = sum(certainties) / len(certainties) if certainties else 0.4
    if not any(cand.actors) or not any(cand.recipients):
        arg *= 0.8
    path_factor = 0.85 if ("inherit" in path or "light" in path or "relcl" in path) else 1.0
    score = entry.weight * (0.5 + 0.5 * arg) * path_factor * (0.9 if attempt else 1.0)
    return round(max(0.05, min(0.99, score)), 3)


def _drop_objects_of_events(found: list[Candidate], about_prepositions: frozenset[str]) -> list[Candidate]:
    """'lamented the support from Jerusalem' is one ACCUSE, not also a SUPPORT: a nominal
    event that is the direct object of another event's verb belongs to that event."""
    verbs = {c.trigger.i for c in found if c.entry.pos == "verb"}

    def inside_object(t: Token) -> bool:
        if t.dep_ == "dobj" and t.head.i in verbs:
            return True
        # "reneged on its commitment", "protested against the occupation": what the verb is about
        if t.dep_ == "pobj" and t.head.lower_ in about_prepositions and t.head.head.i in verbs:
            return True
        # "blocked the EU sanctions package": a compound inside the object
        return t.dep_ == "compound" and t.head.dep_ == "dobj" and t.head.head.i in verbs

    return [c for c in found if not (c.entry.pos == "noun" and inside_object(c.trigger))]


def _complete_from_conflict(cand: Candidate, conflicts, on, countries: set[str]) -> None:
    """Fill a missing side from the conflict active in the document (lower certainty)."""
    event_day = cand.timex.begin if cand.timex is not None and getattr(cand.timex, "begin", None) else on
    actors = [a for a in cand.actors if a is not None]
    recipients = [r for r in cand.recipients if r is not None]
    if actors and recipients:
        return
    known = (actors or recipients)
    if known:
        code = known[0].code
        other = conflicts.opponent(code, event_day, countries) if code else None
        if other is None:
            sides = conflicts.sides(event_day, countries)
            if cand.entry.type == "CONSULT" and sides and code not in sides:  # a mediator between the sides
                cand.recipients = [_kb_actor(side) for side in sides]
                cand.path += "+conflict-sides"
            return
        filled = [_kb_actor(other)]
        if actors:
            cand.recipients = filled
        else:
            cand.actors = filled
        cand.path += "+conflict"


def _kb_actor(code: str) -> Actor:
    return Actor(code=code, sector=None, entity_text="", name=code, certainty=0.5)


def content_clauses(verb: Token) -> list[Token]:
    """The heads of what a saying verb says: its that-clause, or the sentence it is inserted in."""
    clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    if verb.dep_ == "parataxis":  # "..., they warned, Bennett could be seen ...": the content is the head
        clauses.append(verb.head)
    return clauses


def clause_about_actor(verb: Token, actors: list[Actor], index: ActorIndex, subjects_of: tuple[str, ...] = ("nsubj", "nsubjpass")) -> bool:
    """A that-clause complement is about the actor's own act: its subject (of the
    ``subjects_of`` relations) is the actor's country."""
    clauses = content_clauses(verb)
    if not clauses:
        return True
    codes = {a.code for a in actors if a is not None and a.code}
    for clause in clauses:
        subjects = [c for c in clause.children if c.dep_ in subjects_of]
        found = {a.code for s in subjects for a in _actors_at(s, index)}
        if codes & found:
            return True
    return False


def reciprocal_pairs(members: list[Actor]) -> list[tuple[Actor, Actor]]:
    """Each unordered pair of distinct members once (A->B stands for either direction)."""
    pairs = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a.code != b.code or a.name != b.name:
                pairs.append((a, b))
    return pairs


def _clause_subjects(trigger: Token, index: ActorIndex, infinitive: bool = False) -> list[Actor]:
    """The subject of a that-clause complement: the party asked, refused or warned
    ("demanded that the United States cancel ...", "its demand that Israel ease ..."); with
    ``infinitive``, only of a to-clause ("allowed [Hamas leaders to travel]")."""
    holders = [trigger] + [c for c in trigger.children if c.dep_ in ("dobj", "attr")]
    if trigger.dep_ == "dobj" and trigger.pos_ == "NOUN":
        holders.append(trigger.head)  # "reiterated its demand that Israel ease ...": the clause hangs on the verb
    for holder in holders:
        for clause in holder.children:
            if infinitive and not any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children):
                continue
            if clause.dep_ in ("ccomp", "acl") and clause.pos_ in ("VERB", "AUX"):
                subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
                found = [a for s in subjects for a in _actors_at(s, index, deep=False)]
                if found:
                    return found
    return []


# The trigger's own dependents that hold what it refuses, asks or threatens (not its
# subject, its conjoined clauses or its adverbial clauses).
COMPLEMENT_ROLES = ("xcomp", "ccomp", "dobj", "dative", "prep", "attr", "acl", "oprd", "pcomp")


def _complement_targets(trigger: Token, index: ActorIndex) -> list[Actor]:
    """Actors in recipient positions inside the complement of a REJECT/REQUEST-like trigger:
    the object or beneficiary of the embedded action ("threatened to impose restrictions
    against German goods"), never a conjoined clause ("refused to deploy ... and urged its
    citizens ...")."""
    inside = sorted((t for c in trigger.children if c.dep_ in COMPLEMENT_ROLES for t in c.subtree), key=lambda t: t.i)
    found: list[Actor] = []
    for tok in inside:
        role = tok.dep_
        mention = index.mention_at(tok)
        if mention is not None and mention.how == "sector" and role == "dobj":
            continue  # "refused to deploy peacekeepers": what is sent, not to whom
        if role in ("dative", "dobj") and tok.head.pos_ == "VERB" or role == "pobj" and tok.head.lower_ in ("to", "for", "against", "with", "on"):
            if mention is not None:
                found += _actors_at(tok, index, deep=False)  # "blows to the United States and Israel": both
            else:
                found += _owner_of(tok, index)
        if found:
            break
    return found


def _list_members(token: Token, index: ActorIndex) -> list[Token]:
    """Coordinated members after a token; the parser reads 'The US, Russia, and Switzerland'
    as an apposition with a conjunct, so an apposed country with conjuncts counts too."""
    members = [c for c in token.conjuncts if c.i > token.i]
    mention = index.mention_at(token)
    if mention is not None:  # the parser may hang the conjunct on another word of the name
        span = token.doc[mention.start : mention.end]
        members += [c for t in span if t.i != token.i for c in t.conjuncts if c.i >= mention.end and c not in members]
    for child in token.children:
        if child.dep_ == "appos" and child.conjuncts and index.mention_at(child) is not None:
            kind = index.mention_at(child).entity.kind
            if kind in ("country", "igo", "metonym"):
                members += [child] + [c for c in child.conjuncts if c.i > child.i]
    return members


def _conjunct_recipients(found: list[Candidate]) -> None:
    """A second predicate that shares the first's subject and names no party of its own shares
    its recipient too: 'sent aid to Ukraine but declined to supply weapons' (to Ukraine)."""
    for cand in found:
        if any(cand.recipients) or cand.trigger.dep_ != "conj" or "inherit:conj" not in cand.path:
            continue
        if any(c.dep_ in ("dobj", "dative", "prep") for c in cand.trigger.children):
            continue  # "attacked Ukraine and seized the port": the second act has its own object
        for other in found:
            if other is not cand and cand.trigger.head in other.trigger_tokens and any(other.recipients):
                cand.recipients = [_weaker(r, 0.8) for r in other.recipients if r is not None]
                cand.path += "+conj-recipient"
                break


def _weaker(actor: Actor, factor: float) -> Actor:
    """The same actor found by a weaker path: lower certainty."""
    return Actor(**{**actor.__dict__, "certainty": round(actor.certainty * factor, 3)})


def _fold_nouns_into_verbs(found: list[Candidate], quantity_nouns: frozenset[str]) -> list[Candidate]:
    """'discuss Ukraine in a phone call': a nominal event on a verb event of the same type is
    that event; it lends its mode and words instead of making a second event."""
    verbs = {c.trigger.i: c for c in found if c.entry.pos == "verb"}
    kept = []
    for cand in found:
        gov = _light_verb(cand.trigger, quantity_nouns) if cand.entry.pos == "noun" else None
        host = verbs.get(gov.i) if gov is not None else None
        if host is not None and host.entry.type == cand.entry.type:
            host.mode = host.mode or cand.mode
            host.trigger_tokens = sorted({t.i: t for t in host.trigger_tokens + [cand.trigger]}.values(), key=lambda t: t.i)
            continue
        kept.append(cand)
    return kept


def _fold_verbs_into_subject_nouns(found: list[Candidate]) -> list[Candidate]:
    """'Turkish drone strikes killed six fighters', 'a bomb attack in Kabul killed five': an
    event noun that is the subject of a verb of the same type is one event; the noun names
    who acted, the verb whom it struck and whether it happened."""
    nouns = {c.trigger.i: c for c in found if c.entry.pos == "noun" and c.trigger.dep_ == "nsubj"}
    kept = []
    for cand in found:
        subject = next((nouns[c.i] for c in cand.trigger.children if c.i in nouns), None) if cand.entry.pos == "verb" else None
        if subject is None or subject.entry.type != cand.entry.type:
            kept.append(cand)
            continue
        if not any(subject.recipients):
            subject.recipients = cand.recipients
        if not any(subject.actors):
            subject.actors = cand.actors
        subject.factuality = cand.factuality
        subject.trigger_tokens = sorted({t.i: t for t in subject.trigger_tokens + cand.trigger_tokens}.values(), key=lambda t: t.i)
        subject.path += f"+verb:{cand.entry.id}"
    return kept


def _fold_demands_into_protests(found: list[Candidate], quantity_nouns: frozenset[str]) -> list[Candidate]:
    """'staged demonstrations to demand reforms', 'demonstrated ... calling for independence':
    the demand is what the protest is for, one PROTEST event; it lends its target."""
    anchors: dict[int, Candidate] = {}
    for cand in found:
        if cand.entry.type == "PROTEST":
            anchors[cand.trigger.i] = cand
            gov = _light_verb(cand.trigger, quantity_nouns) if cand.entry.pos == "noun" else None
            if gov is not None:
                anchors.setdefault(gov.i, cand)
    kept = []
    for cand in found:
        protest = anchors.get(cand.trigger.head.i) if cand.entry.type == "REQUEST" and cand.trigger.dep_ in ("advcl", "xcomp", "acl", "conj") else None
        if protest is None:
            kept.append(cand)
            continue
        if not any(protest.recipients) and any(cand.recipients):
            protest.recipients = cand.recipients
            protest.path += f"+demand:{cand.entry.id}"
    return kept


def _conditions(verb: Token) -> list[Token]:
    """Conditional clauses on a verb or the clause it heads ("... if Hamas runs", "unless ...")."""
    nodes = [verb] + ([verb.head] if verb.dep_ in ("xcomp", "ccomp") else [])
    return [c for n in nodes for c in n.children if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)]


def _has_ultimatum(verb: Token) -> bool:
    return any(m.lower_ == "unless" for c in _conditions(verb) for m in c.children if m.dep_ == "mark")


def _condition_subjects(verb: Token, index: ActorIndex | None) -> list[Actor]:
    if index is None:
        return []
    return [a for c in _conditions(verb) for s in c.children if s.dep_ in ("nsubj", "nsubjpass") for a in _actors_at(s, index, deep=False)]


def _sectors_fit(entry: LexEntry, cand: Candidate) -> bool:
    """An entry limited to some actor sectors ("troops withdrew") or barred from some
    ("troops arrived" is no diplomatic visit) applies only to actors that fit."""
    sectors = {a.sector for a in cand.actors if a is not None}
    if entry.actor_sectors and not sectors & set(entry.actor_sectors):
        return False
    return not (entry.not_actor_sectors and sectors & set(entry.not_actor_sectors))


def _subject_before(verb: Token, index: ActorIndex) -> list[Actor]:
    """A main verb the parser left without a subject (a fronted phrase swallowed it): the
    actors named between the last comma and the verb."""
    found: list[Actor] = []
    seen: set[int] = set()
    for tok in reversed(verb.doc[sentence_of(verb).start : verb.i]):
        if tok.dep_ in ("aux", "auxpass", "neg", "advmod") and tok.head.i == verb.i:
            continue
        if tok.is_punct and tok.text in (",", ";", ":", "(", ")"):
            break
        mention = index.mention_at(tok)
        if mention is not None and id(mention) not in seen:
            seen.add(id(mention))
            found = index.actors(mention) + found
    return found
