"""The learned coder: trained models decide what the rules propose, and more.

The passes, in order (``PASSES``), each a plain function of the events found so far and
the document's ``DocContext`` (nothing is kept on an object between documents):

1. ``propose_triggers``  — every verb, event noun and word seen as a trigger in training;
2. ``type_triggers``     — the trigger model gives each its PLOVER type or NONE;
3. ``fold_one_event``    — words of one event phrase ("held" + "talks") become one event;
   ``drop_acts_of_nature`` — "locusts invaded", "floods destroyed" code nothing;
   ``drop_information_given`` — giving words ("gave him his assessments") is no AID;
   ``drop_refusals_to_say`` — declining to say ("refused to elaborate") is no REJECT;
4. ``assign_roles``      — the role model picks the actor and recipient among the
   sentence's actor mentions;
5. ``prefer_rule_arguments`` — where the rules read the same event and the role model
   is unsure, the rules' actor and recipient stand;
   ``read_bare_participles_as_passive`` — "Two US soldiers killed" (a headline), "an
   official murdered in Baghdad": the noun is what was done to, the recipient;
   ``read_place_modifiers_as_where`` — "the Baghdad car bombs": the city is where, not who;
   ``read_mobilized_forces_as_actor`` — "police were deployed": the force is the actor's own;
   ``read_attackers_named_on_the_attack`` — "killed in an Israeli airstrike", "strikes by the
   coalition killed": the attacker;
   ``drop_recipients_in_coordinate_clauses`` — "France suspended aid, and the EU froze
   loans": the EU is no recipient of the suspension; nor Ireland of "condemned the attack
   and said Ireland expected an inquiry";
6. ``fill_implicit``     — an argument no words of the sentence give (an inherited
   subject, the protesters' own government, a side of the event before) is chosen among
   implicit candidates by the implicit model;
   ``drop_deployments_at_home`` — "security was stepped up in Delhi" by India's own
   forces: the place says where, no recipient;
   ``drop_outcomes_warned_of`` — a warning that something could happen, not by the
   warner's hand, is no THREATEN;
7. ``state_sectors``     — a country or an IGO named as a side acts as a state (GOV),
   or as the corpus mostly has it for this type of event (MIL for an attacker);
   ``choose_sectors``    — the sector model reads a side's sector from the act and the
   words where it is sure of another ("Zimbabwe sent troops": its military);
   ``drop_private_crime`` — "a man stabbed eight children": a crime, no political event;
8. ``judge_factuality``  — asserted, negated, hypothetical or future;
9. ``corefer_definite_mentions`` — "the arrests" after an arrest is a mention of it;
10. ``derive_intents``    — an actor's own future cooperative act is also its AGREE,
   its own future hostile act its THREATEN (PLOVER's stated intention);
11. ``choose_modes``      — the PLOVER mode;
12. ``user_overrides``    — events from a user's ``--lexicon`` entries are coded as the
   user wrote them, whatever the models say.

The result is the same ``Candidate`` the rule coder makes, so dating, locating, merging
and storing work unchanged; each keeps the model's scores for ``dyads explain``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from spacy.tokens import Token

from dyads.actors.resolve import PLACE_NOUNS, WHERE_WORDS, ActorMention
from dyads.events.coder import Candidate, Modality, clause_about_actor, content_clauses, reciprocal_pairs
from dyads.events.features import (DocContext, argument_candidates, factuality_features, implicit_candidates,
                                   implicit_features, is_trigger_candidate, mode_features, place_of, role_features,
                                   rule_roles_for, sector_features, sentence_features, span_root, state_kind,
                                   trigger_features)
from dyads.events.lexicon import LexEntry
from dyads.events.model import CoderModel, softmax
from dyads.events.ontology import symmetric_types
from dyads.models import Actor
from dyads.nlp import token_range

BUILTIN_LEXICON = "dyads/data/lexicon/"
COUNTRY_SOURCES = frozenset(("actor-home", "main", "place"))  # implicit sides that are a country, no one in it


@dataclass
class Proposed:
    """An event the learned coder is building."""

    trigger: Token
    type: str = "NONE"
    probability: float = 0.0
    tokens: list[Token] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    recipients: list[Actor] = field(default_factory=list)
    factuality: str = "asserted"
    mode: str | None = None
    rule: Candidate | None = None  # the rules' reading of the same words, when they have one
    scores: dict = field(default_factory=dict)  # what explain shows
    forced: bool = False


def propose_triggers(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    return [Proposed(tok) for tok in ctx.words.tokens if is_trigger_candidate(tok, ctx)]


def type_triggers(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    # Sentence cues are the same for every word of a sentence: their weights are added once.
    shared: dict[int, np.ndarray] = {}
    added = []
    for event in events:
        sent = ctx.sent_of(event.trigger)
        if sent.start not in shared:
            shared[sent.start] = model.trigger.weight_of(sentence_features(sent, ctx))
        added.append(shared[sent.start])
    probs = model.trigger.scores([trigger_features(e.trigger, ctx, sentence=False) for e in events],
                                 np.array(added) if added else None)
    labels = model.trigger.labels
    floor = model.thresholds.get("trigger", 0.5)
    # A type the rules read on the word needs less evidence from the model (the rules' prior).
    rule_floor = model.thresholds.get("rule_trigger", floor)
    novel_floor = model.thresholds.get("novel_trigger", floor)
    keep_rule_types = model.thresholds.get("keep_rule_types", 0) > 0
    kept = []
    for event, row in zip(events, probs):
        best = int(row.argmax())
        ruled = [labels.index(c.entry.type) for c in ctx.rule_at.get(event.trigger.i, ()) if c.entry.type in labels]
        backed = max(ruled, key=lambda j: row[j], default=None)
        if backed is not None and keep_rule_types and row[backed] >= rule_floor:
            best = backed  # the model keeps or drops the rules' reading, never changes its type
        elif backed is not None and row[backed] >= rule_floor and (labels[best] == "NONE" or row[best] < floor or best == backed):
            best = backed
        elif labels[best] == "NONE" or row[best] < floor:
            continue
        elif not ctx.rule_at.get(event.trigger.i) and row[best] < novel_floor:
            continue  # a word the rules do not read as an event needs more evidence
        event.type, event.probability = labels[best], float(row[best])
        event.scores["type"] = {labels[j]: round(float(row[j]), 3) for j in row.argsort()[::-1][:3]}
        event.tokens = [event.trigger]
        event.rule = next((c for c in ctx.rule_at.get(event.trigger.i, ()) if c.entry.type == event.type), None)
        kept.append(event)
    return kept


def fold_one_event(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """One phrase, one event: a typed word whose head is a typed word of the same type
    through an object or compound link ('held talks', 'fired tear gas'), or which shares a
    rule candidate with it, joins the more probable one."""
    by_token = {e.trigger.i: e for e in events}
    dropped: set[int] = set()
    for event in sorted(events, key=lambda e: e.probability):
        tok = event.trigger
        partner = None
        if tok.dep_ in ("dobj", "compound", "attr", "nsubjpass", "amod", "oprd", "xcomp", "pobj") and tok.head.i in by_token:
            partner = by_token[tok.head.i]
        for c in tok.children:
            if partner is None and c.dep_ in ("dobj", "compound", "attr", "nsubjpass", "oprd") and c.i in by_token:
                partner = by_token[c.i]
        if event.rule is not None and partner is None:
            partner = next((by_token[t.i] for t in event.rule.trigger_tokens if t.i in by_token and t.i != tok.i), None)
        if partner is None or partner.type != event.type or partner.trigger.i in dropped:
            continue
        keep, drop = (partner, event) if partner.probability >= event.probability else (event, partner)
        keep.tokens = sorted({t.i: t for t in keep.tokens + drop.tokens}.values(), key=lambda t: t.i)
        keep.rule = keep.rule or drop.rule
        dropped.add(drop.trigger.i)
    return [e for e in events if e.trigger.i not in dropped]


def drop_acts_of_nature(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """Weather, disasters, disease and pests act on no one's behalf: "locusts invaded
    farmland" is no ASSAULT, whatever the words (``natural_agents`` in
    data/lexicon/_modality.yml; docs/annotation.md §2)."""
    agents = Modality.load().natural_agents
    return [e for e in events if not any(c.dep_ == "nsubj" and c.lemma_.lower() in agents for c in e.trigger.children)]


def drop_information_given(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """Giving words is no AID: "gave Bennett his assessments", "providing the premier with
    an update" (``information_nouns`` in data/lexicon/_modality.yml). The rules' own AID
    readings stand."""
    nouns = Modality.load().information_nouns
    return [e for e in events if e.type != "AID" or e.rule is not None or not _gives(e.trigger, nouns)]


def drop_refusals_to_say(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """Declining to say is no REJECT: "he refused to elaborate", "police declined to give
    details" (``information_verbs`` and ``information_nouns`` in data/lexicon/_modality.yml)."""
    modality = Modality.load()
    return [e for e in events if e.type != "REJECT" or not _refuses_to_say(e.trigger, modality)]


def _refuses_to_say(verb: Token, modality: Modality) -> bool:
    said = [c for c in verb.children if c.dep_ == "xcomp" and c.lemma_.lower() in modality.information_verbs]
    # "give" and "provide" withhold words only when what they give is words
    return bool(said) and all(c.lemma_.lower() not in ("give", "provide") or _gives(c, modality.information_nouns)
                              for c in said)


def _gives(verb: Token, nouns: frozenset[str]) -> bool:
    """Is what the verb gives (its object, or what it provides someone with) one of ``nouns``?"""
    given = [o for c in verb.children if c.dep_ == "prep" and c.lower_ == "with" for o in c.children if o.dep_ == "pobj"]
    given = given or [c for c in verb.children if c.dep_ == "dobj"]
    return bool(given) and all(o.lemma_.lower() in nouns for o in given)


def assign_roles(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    floor = model.thresholds.get("role", 0.5)
    labels = model.role.labels
    for event in events:
        mentions = argument_candidates(event.trigger, ctx)
        if not mentions:
            continue
        rule_roles = {}
        for tok in event.tokens:
            rule_roles.update(rule_roles_for(tok, event.type, ctx))
        probs = model.role.scores([role_features(event.trigger, event.type, m, ctx, rule_roles) for m in mentions])
        for role, target in (("actor", event.actors), ("recipient", event.recipients)):
            j = labels.index(role)
            ranked = sorted(range(len(mentions)), key=lambda i: -probs[i, j])
            best = ranked[0]
            if probs[best, j] < floor or probs[best].argmax() != j:
                continue
            chosen = [mentions[best]] + [mentions[i] for i in ranked[1:]
                                         if probs[i, j] >= floor and probs[i].argmax() == j and _conjoined(mentions[i], mentions[best], ctx)]
            for mention in chosen:
                target.extend(ctx.index.actors(mention))
            event.scores[role] = round(float(probs[best, j]), 3)
        _no_self_dyad(event)
    return events


def prefer_rule_arguments(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """Where the rules read the same event (same words, same type) and the role model is
    less sure of its own pick than the ``rule_arguments`` cut-off, the rules' actor and
    recipient stand (they follow constructions the role model sees too rarely)."""
    cut = model.thresholds.get("rule_arguments", 0.0)
    if cut <= 0:
        return events
    for event in events:
        rule = event.rule
        if rule is None:
            continue
        for role, mine, theirs in (("actor", event.actors, rule.actors), ("recipient", event.recipients, rule.recipients)):
            theirs = [a for a in theirs if a is not None]
            if theirs and event.scores.get(role, 0.0) < cut:
                mine[:] = theirs
                event.scores[f"{role}_from_rules"] = True
        _no_self_dyad(event)
    return events


def read_bare_participles_as_passive(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """A past participle without auxiliary or object tells what was done to its noun: "a US
    official murdered in Baghdad", and in a headline "Two US soldiers killed" (headlines
    tell what someone does in the present, what was done in the bare participle). Where the
    role model made that noun the actor, it is the recipient and the actor is unnamed."""
    for event in events:
        patient = _bare_participle_patient(event.trigger, ctx)
        mention = ctx.index.mention_at(patient) if patient is not None else None
        if mention is None:
            continue
        done_to = ctx.index.actors(mention)
        if event.actors and all(_one_of(a, done_to) for a in event.actors):
            event.recipients, event.actors = event.actors, []
            event.scores["passive"] = "bare participle"
    return events


def read_place_modifiers_as_where(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """A city that names an event noun ("the Baghdad car bombs", "the Madrid train
    bombings", "the Cairo talks") says where it happened, not who did it: it is no actor
    (guidelines: a place is not a party). A country so placed stays ("US air strikes" are
    the US's), and so does a city the text makes a subject ("Moscow said")."""
    for event in events:
        if event.trigger.pos_ != "NOUN" or not event.actors:
            continue
        for child in event.trigger.children:
            mention = ctx.index.mention_at(child) if child.dep_ in ("compound", "nmod") else None
            if mention is not None and mention.entity.kind == "metonym":
                where = ctx.index.actors(mention)
                event.actors = [a for a in event.actors if not _one_of(a, where)]
    return events


def read_mobilized_forces_as_actor(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """What is deployed, reinforced or put on alert is the mobilising side's own force, not
    whom the act is aimed at: "16,000 police officers have been deployed", "the army
    reinforced its garrisons". The forces named as the verb's object or passive subject are
    the actor where none is named, and never the recipient (guidelines: MOBILIZE's
    recipient is the country it is aimed at, when the text names one)."""
    for event in events:
        if event.type != "MOBILIZE":
            continue
        forces = [c for c in event.trigger.children if c.dep_ in ("nsubjpass", "dobj")]
        mentions = [m for m in (ctx.index.mention_at(f) for f in forces) if m is not None]
        deployed = [a for m in mentions for a in ctx.index.actors(m)]
        moved = [r for r in event.recipients if _one_of(r, deployed)]
        if moved:
            event.recipients = [r for r in event.recipients if r not in moved]
            event.actors = event.actors or moved
            event.scores["mobilized"] = "the forces deployed"
    return events


def read_attackers_named_on_the_attack(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """"killed in an Israeli airstrike", "wounded in Russian shelling": the country's adjective
    on the attack itself is the attacker, where the sentence names no other. The role model
    rarely sees a side inside the trigger's own phrase. A country's name there says where
    ("Iraq bombings"), as in ``read_place_modifiers_as_where``."""
    for event in events:
        if event.type != "ASSAULT" or event.actors:
            continue
        attacks = [t for t in event.tokens if t.pos_ == "NOUN"]
        attacks += [c for c in event.trigger.children if c.dep_ == "nsubj" and c.pos_ == "NOUN"]  # "air strikes killed"
        attacks += [o for p in event.trigger.children if p.dep_ in ("prep", "agent") and p.lower_ in ("in", "by")
                    for o in p.children if o.dep_ == "pobj" and o.pos_ == "NOUN"]
        for noun in attacks:
            words = [c for c in noun.children if c.dep_ in ("amod", "compound") and c.i < noun.i
                     and (c.pos_ == "ADJ" or c.ent_type_ == "NORP")]
            mentions = [m for m in (ctx.index.mention_at(w) for w in words)
                        if m is not None and m.entity.kind == "country" and m.entity.country]
            # "strikes by the U.S.-led coalition": the attack's own agent
            mentions += [m for p in noun.children if p.dep_ == "prep" and p.lower_ == "by"
                         for m in (ctx.index.mention_at(o) for o in p.children if o.dep_ == "pobj") if m is not None]
            if mentions:
                event.actors = ctx.index.actors(mentions[0])
                _no_self_dyad(event)
                event.scores["attacker"] = "the country word on the attack" if mentions[0].head < noun.i else "the attack's agent"
                break
    return events


def drop_recipients_in_coordinate_clauses(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """A clause coordinated with the event's has its own sides: "France suspended aid, and
    the EU froze loans" (the EU froze, it was not suspended); "condemned the attack and said
    Ireland expected an inquiry" (Ireland is no side of the condemnation)."""
    for event in events:
        event.recipients = [r for r in event.recipients
                            if not _in_coordinate_clause(r, event.trigger, ctx) and not _in_words_said(r, event.trigger, ctx)]
    return events


def _in_words_said(actor: Actor, trigger: Token, ctx: DocContext) -> bool:
    """"rejected the accusation, saying their payments to Gaza were made with Israel's
    knowledge": what the actor says after the act names no side of it, once the act has
    its own object."""
    head = _mention_root(actor, ctx)
    if head is None or not any(c.dep_ == "dobj" for c in trigger.children):
        return False
    reporting = Modality.load().reporting_verbs
    return any(c.dep_ == "advcl" and c.lemma_.lower() in reporting and c.left_edge.i <= head.i <= c.right_edge.i
               for c in trigger.children)


def _mention_root(actor: Actor, ctx: DocContext) -> Token | None:
    """The root word of the side's own words, if the text names it."""
    tokens = token_range(ctx.doc, actor.start, actor.end) if actor.start is not None else None
    if not tokens or tokens[1] <= tokens[0]:
        return None
    return span_root(ctx.words.tokens[tokens[0]:tokens[1]])


def _in_coordinate_clause(actor: Actor, trigger: Token, ctx: DocContext) -> bool:
    head = _mention_root(actor, ctx)
    if head is None or head.i == trigger.i:
        return False
    verb = next((v for v in trigger.conjuncts if v.left_edge.i <= head.i <= v.right_edge.i), None)
    if verb is None:
        return False
    first, second = sorted((trigger, verb), key=lambda t: t.i)
    if not any(c.dep_ == "cc" and first.i < c.i < second.i for c in first.children):
        return False  # no "and" between them: a misparsed relative clause ("the debt Iraq owes")
    own = {c.dep_ for c in trigger.children}
    if head.head.i == verb.i and head.dep_ in ("nsubj", "nsubjpass"):
        # a verb with no subject of its own shares its coordinate's: "80 were killed and 100 wounded"
        return bool(own & {"nsubj", "nsubjpass"})
    # deeper in a later clause, once the event has its own object: "met and thanked him" shares one
    return verb.i > trigger.i and "dobj" in own and not (head.head.i == verb.i and head.dep_ in ("dobj", "dative"))


def _bare_participle_patient(verb: Token, ctx: DocContext) -> Token | None:
    if any(c.dep_ in ("aux", "auxpass", "dobj", "nsubjpass", "agent") for c in verb.children):
        return None
    if verb.tag_ == "VBN" and verb.dep_ == "acl":
        return verb.head
    if verb.i <= ctx.in_title and verb.tag_ in ("VBN", "VBD"):  # in_title: the headline's last token
        return next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return None


def _conjoined(a: ActorMention, b: ActorMention, ctx: DocContext) -> bool:
    """'Russia and China vetoed': mention a is coordinated with mention b."""
    head_a, head_b = ctx.doc[a.head], ctx.doc[b.head]
    return (head_a.dep_ == "conj" and head_a.head.i in (head_b.i, *[t.i for t in head_b.conjuncts])) or head_a in head_b.conjuncts


def _no_self_dyad(event: Proposed) -> None:
    """One mention cannot be both sides; a recipient that is the actor itself is dropped."""
    event.recipients = [r for r in event.recipients if not _one_of(r, event.actors)]


def _one_of(actor: Actor, group: list[Actor]) -> bool:
    """Is the actor the very mention, or the same known entity, as one of the group? The
    members of one mention ("the two sides": Guyana and Venezuela) are each other's others."""
    return any(actor.start is not None and (actor.start, actor.end, actor.code) == (g.start, g.end, g.code)
               or actor.kb_id and (actor.code, actor.name, actor.kb_id) == (g.code, g.name, g.kb_id) for g in group)


def fill_implicit(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """An actor or recipient no words of the sentence name ("talks resumed", "protesters
    demanded the release of ...") is chosen among the implicit candidates — the rules'
    reading, the actor's own government, the document's main country, the event's place,
    the sides of the events before it — when the implicit model finds one likely enough."""
    floor = model.thresholds.get("implicit", 0.5)
    yes = model.implicit.labels.index("yes") if "yes" in model.implicit.labels else None
    previous: list[tuple[str, list[Actor], list[Actor]]] = []
    for event in sorted(events, key=lambda e: e.trigger.i):
        # the event's place, walked once and only for an event with a side still unnamed
        place = None if event.actors and event.recipients else place_of(event.trigger, ctx)
        for role in ("recipient", "actor"):  # the victims of "an attack in Beersheba" first: then its attacker is not them
            if yes is None or (event.actors if role == "actor" else event.recipients):
                continue
            explicit = len(argument_candidates(event.trigger, ctx))
            other_side = event.recipients if role == "actor" else event.actors
            cands = [c for c in implicit_candidates(role, event.trigger, event.type, event.actors, event.rule, previous, place, ctx)
                     if not _one_of(c.actor, other_side)]  # one mention is never both sides
            if not cands:
                continue
            probs = model.implicit.scores([implicit_features(role, c, event.trigger, event.type, other_side, explicit, place, ctx)
                                           for c in cands])
            best = int(probs[:, yes].argmax())
            if probs[best, yes] >= floor:
                (event.actors if role == "actor" else event.recipients).append(_implicit_actor(cands[best], role, event.type, model))
                event.scores[f"{role}_implicit"] = f"{cands[best].source} {probs[best, yes]:.2f}"
        _no_self_dyad(event)
        previous.append((event.type, event.actors, event.recipients))
    return events


def drop_deployments_at_home(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """Forces deployed or security stepped up "in Delhi" by India's own authorities: a
    place in the actor's own country (the story's, when no actor is named) says where;
    a MOBILIZE has as recipient only the side it is aimed at (docs/annotation.md §4)."""
    for event in events:
        if event.type != "MOBILIZE" or not event.recipients:
            continue
        home = {a.code for a in event.actors if a.code} or ({ctx.main_country[0]} if ctx.main_country else set())
        event.recipients = [r for r in event.recipients if not (r.code in home and _named_as_where(r, ctx))]
    return events


def _named_as_where(actor: Actor, ctx: DocContext) -> bool:
    """Do the side's words hang under 'in', 'at', 'near' ... (as any dependent: the parser
    also reads "in delhi" as an adjective), or name a place's part ("the streets of Kampala")?"""
    root = _mention_root(actor, ctx)
    if root is None:
        return False
    prep = root.head
    return prep.dep_ == "prep" and (prep.lower_ in WHERE_WORDS or prep.lower_ == "of" and (prep.head.lemma_.lower() in PLACE_NOUNS or prep.head.lower_ in PLACE_NOUNS))


def drop_outcomes_warned_of(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """A warning is a THREATEN where the warner would do what it warns of ("warned that it
    could suspend aid"); a warning that something else could happen threatens nothing
    ("warned that the mediation could have negative repercussions"), nor does one that
    something could be done to someone ("Bennett could be seen as ..."): PLOVER THREATEN;
    the rules' ``own_action`` entries, read here with the ``possibility_modals``."""
    possible = Modality.load().possibility_modals
    return [e for e in events if e.type != "THREATEN" or not _warns_of_a_possibility(e.trigger, ctx, possible)
            or clause_about_actor(e.trigger, e.actors, ctx.index, subjects_of=("nsubj",))]


def drop_private_crime(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """Crime without a political or state actor is no event: "a man stabbed eight children",
    "the robber fired a round before snatching the bag". An attack whose every attacker is
    named as a private person (``private_persons`` in _modality.yml), on civilians or no
    one named, is dropped; mobs, gangs, gunmen and armed groups stay (guidelines)."""
    private = Modality.load().private_persons
    return [e for e in events if not (e.type == "ASSAULT" and e.actors and all(_is_private(a, e.trigger, ctx, private) for a in e.actors)
                                      and all(r.sector in (None, "CVL") for r in e.recipients))]


def _is_private(actor: Actor, trigger: Token, ctx: DocContext, private: frozenset[str]) -> bool:
    mention = _mention_in_sentence(actor, trigger, ctx)
    return mention is not None and ctx.doc[mention.head].lemma_.lower() in private


def _warns_of_a_possibility(verb: Token, ctx: DocContext, modals: frozenset[str]) -> bool:
    """Is the word a warning verb (an ``own_action`` THREATEN entry) whose content clause
    says only what could happen?"""
    entries = ctx.lexicon.lookup(verb.lemma_, "verb")
    if not any(entry.own_action and entry.type == "THREATEN" for entry in entries):
        return False
    return any(c.dep_ == "aux" and c.lower_ in modals for clause in content_clauses(verb) for c in clause.children)


def _implicit_actor(cand, role: str, etype: str, model: CoderModel) -> Actor:
    """A country chosen as an unnamed side takes the sector such sides of this type of
    event have in the corpus (the model's ``side_sectors``); a side taken from another
    event or from the rules keeps its own."""
    key = f"unnamed|{role}|{etype}"
    sectors = model.meta.get("side_sectors", {})
    if cand.source in COUNTRY_SOURCES and key in sectors:
        return replace(cand.actor, sector=sectors[key])
    return cand.actor


def state_sectors(events: list[Proposed], ctx: DocContext, model: CoderModel | None) -> list[Proposed]:
    """A country or an international organisation named as a side acts as a state:
    "China condemned ..." is CHN GOV, "the EU imposed ..." IGO GOV (docs/annotation.md §4),
    unless the corpus mostly gives such sides of this type of event another sector (the
    model's ``side_sectors``: "Israel bombed ..." is mostly ISR MIL)."""
    sectors = model.meta.get("side_sectors", {}) if model is not None else {}
    for event in events:
        for role, group in (("actor", event.actors), ("recipient", event.recipients)):
            for k, a in enumerate(group):
                kind = state_kind(a.code, a.kb_id)
                if a.sector is None and kind is not None:
                    group[k] = replace(a, sector=sectors.get(f"{kind}|{role}|{event.type}", "GOV"))
    return events


def choose_sectors(events: list[Proposed], ctx: DocContext, model: CoderModel | None) -> list[Proposed]:
    """A side's sector as the sector model reads it from the act and the words, where the
    model is surer than the ``sector`` cut-off of another sector than the words alone gave:
    "Zimbabwe sent troops" is Zimbabwe's military, not its government. A side no words of
    the sentence name is read from the act alone."""
    if model is None or model.sector is None:
        return events
    cut = model.thresholds.get("sector", 1.01)  # above any probability: off unless tuned
    # A person the knowledge base knows holds the post it gives for the article's date, or
    # none in an undated article (issue 14); a movement or an institution it knows is what
    # it says ("Houthi officials" are REB however they talk): the model does not guess one.
    sides = [(event, role, group, k, _mention_in_sentence(actor, event.trigger, ctx))
             for event in events for role, group in (("actor", event.actors), ("recipient", event.recipients))
             for k, actor in enumerate(group) if not (actor.kb_id or "").startswith(("person:", "group:", "inst:"))]
    if not sides:
        return events
    probs = model.sector.scores([sector_features(e.trigger, e.type, role, m, ctx) for e, role, _, _, m in sides])
    for (event, role, group, k, _), row in zip(sides, probs):
        best = int(row.argmax())
        sector = model.sector.labels[best]
        if row[best] >= cut and sector != group[k].sector:
            group[k] = replace(group[k], sector=sector)
            event.scores[f"{role}_sector"] = f"{sector} {row[best]:.2f}"  # for dyads explain
    return events


def _mention_in_sentence(actor: Actor, trigger: Token, ctx: DocContext):
    """The actor mention naming this side in the trigger's sentence, if words there name it."""
    sent = ctx.sent_of(trigger)
    if actor.start is None or not sent.start_char <= actor.start < sent.end_char:
        return None
    root = _mention_root(actor, ctx)
    return ctx.index.mention_at(root) if root is not None else None


def judge_factuality(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    probs = model.factuality.scores([factuality_features(e.trigger, e.type, ctx) for e in events])
    trust_rules = model.thresholds.get("rule_factuality", 0.0) > 0
    for event, row in zip(events, probs):
        best = int(row.argmax())
        event.factuality = model.factuality.labels[best]
        event.scores["factuality"] = round(float(row[best]), 3)
        # The rules read negation, conditions and governing verbs clause by clause: a
        # negation they find ("did not expel") always stands; their other readings ("if he
        # helps") stand when the dev documents showed that they help.
        reading = ctx.factuality_reading(event.trigger) or "asserted"
        presupposed = is_presupposed(event, ctx)
        happened = presupposed or is_taken_as_given(event.trigger)
        if reading == "negated" and happened:
            reading = "asserted"
        if reading == "negated" or trust_rules and reading != "asserted" and event.factuality == "asserted":
            if event.factuality != reading:
                event.factuality = reading
                event.scores["factuality_from_rules"] = True
        if happened or made_by_negating(event.trigger, event.type, ctx):
            event.factuality = "asserted"
        if presupposed:
            address_to_the_refuser(event, ctx)
    return events


def made_by_negating(verb: Token, etype: str, ctx: DocContext) -> bool:
    """"will not accept the agreement", "would not resign": the negation is the refusal, a
    REJECT that was made; "would not hesitate to strike" is a THREATEN made
    (``negation_made_types``). A word that itself means the act ("did not reject the
    offer", "did not threaten") is negated as written."""
    return (etype in Modality.load().negation_made_types and verb.pos_ == "VERB" and any(c.dep_ == "neg" for c in verb.children)
            and not any(e.type == etype for e in ctx.lexicon.lookup(verb.lemma_, "verb")))


def is_taken_as_given(noun: Token) -> bool:
    """An event noun a word takes as given (``presupposing_governors``): the subject or
    object of "halted the offensive", "keep up the rallies", "sanctions do not frighten us",
    or reached through a noun's or verb's "to", "of", "into", "about" or "on" ("a halt to
    the offensive", "had not known of the raid", "build on the exchange")."""
    if noun.pos_ != "NOUN":
        return False
    governors = Modality.load().presupposing_governors
    if noun.dep_ in ("dobj", "nsubj"):
        return noun.head.lemma_.lower() in governors
    prep = noun.head
    return noun.dep_ == "pobj" and prep.lower_ in ("to", "of", "into", "about", "on") and prep.head.lemma_.lower() in governors


def address_to_the_refuser(event: Proposed, ctx: DocContext) -> None:
    """"Israel refuses requests to supply Ukraine": the requests were made to Israel, not
    by it. The subject of the negating verb is the presupposed event's recipient, never
    its actor."""
    subject = next((c for c in event.trigger.head.children if c.dep_ == "nsubj"), None)
    mention = ctx.index.mention_at(subject) if subject is not None else None
    if mention is None:
        return
    refuser = ctx.index.actors(mention)
    # the refuser named, or filled in unnamed as the same country
    same = [a for a in event.actors if _one_of(a, refuser) or a.start is None and any(a.code == r.code for r in refuser)]
    if same:
        event.actors = [a for a in event.actors if a not in same]
        event.recipients = event.recipients if any(_one_of(r, refuser) for r in event.recipients) else refuser
        event.scores["addressed_to"] = "the refuser"


def is_presupposed(event: Proposed, ctx: DocContext) -> bool:
    """A demand, accusation, threat or offer that is the object of a negating verb was
    made: "rejected the opposition's demands", "denies the accusations" (``presupposed_types``
    in _modality.yml); "refused permission", "made no demands" state no act."""
    m = Modality.load()
    noun = event.trigger
    if event.type not in m.presupposed_types or noun.pos_ != "NOUN" or noun.dep_ != "dobj":
        return False
    if noun.head.lemma_.lower() not in m.negating_governors:
        return False
    children = list(noun.children)
    if any(c.dep_ == "neg" or c.lower_ in m.negation_markers for c in children):
        return False
    said = any(c.dep_ in ("poss", "det") or c.dep_ == "prep" and c.lower_ in ("by", "from") for c in children)
    return said or noun.tag_ == "NNS"


def corefer_definite_mentions(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """'Israeli troops arrested ten protesters ... before the arrests, witnesses said': a
    definite event noun whose sides no words of its sentence name refers back to an event
    already coded as having happened; it loses its implicit sides, so that merging adds it
    as a mention of that event instead of making a second one."""
    seen: set[str] = set()
    for event in sorted(events, key=lambda e: e.trigger.i):
        tok = event.trigger
        definite = tok.pos_ == "NOUN" and any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an") for c in tok.children)
        explicit = "actor" in event.scores or "recipient" in event.scores or event.forced
        if definite and not explicit and event.type in seen:
            event.actors, event.recipients = [], []
            event.scores["refers_back"] = True
        if event.factuality == "asserted":  # "the talks" after talks only planned are new ones
            seen.add(event.type)
    return events


INTENT_OF = {**dict.fromkeys(("CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"), "AGREE"),
             **dict.fromkeys(("PROTEST", "SANCTION", "COERCE", "ASSAULT"), "THREATEN")}


def derive_intents(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """PLOVER's stated intention: an actor's own future cooperative act ("Finland will give
    Tanzania a grant") is also an AGREE of that actor, asserted, and its own future hostile
    act ("they would blockade Paris") a THREATEN, unless the sentence already has one of that
    actor ("pledged to send aid": the pledge is the AGREE)."""
    derived = []
    for event in events:
        intent = INTENT_OF.get(event.type)
        if intent is None or event.factuality != "future" or not event.actors:
            continue
        if ctx.factuality_reading(event.trigger) == "hypothetical" and (ctx.rule_intent is None or ctx.rule_intent(event.trigger) is None):
            continue  # a need, a condition or a plan of others is no stated intention
        if event.trigger.dep_ == "relcl":
            continue  # "the first leader to meet Putin": a relative clause describes someone, it states no intention
        if ctx.rule_attempt is not None and ctx.rule_attempt(event.trigger):
            continue  # "has sought to help mediate": an effort reported, no pledge (docs/annotation.md §3)
        codes = {a.code for a in event.actors}
        sent = ctx.sent_of(event.trigger)
        if any(e.type == intent and ctx.sent_of(e.trigger) == sent and codes & {a.code for a in e.actors} for e in events + derived):
            continue
        derived.append(Proposed(trigger=event.trigger, type=intent, probability=event.probability, tokens=list(event.tokens),
                                actors=list(event.actors), recipients=list(event.recipients), factuality="asserted",
                                rule=None, scores={**event.scores, "derived": f"intent of {event.type}"}))
    return events + derived


def choose_modes(events: list[Proposed], ctx: DocContext, model: CoderModel, modes_of=None) -> list[Proposed]:
    probs = model.mode.scores([mode_features(e.trigger, e.type, ctx) for e in events])
    labels = model.mode.labels
    valid = model.meta.get("modes", {})
    floor = model.thresholds.get("mode", 0.7)
    for event, row in zip(events, probs):
        # The rules' mode comes from the trigger's own lexicon entry or a means phrase
        # ("spoke by phone"): when they read the same event, it stands.
        if event.rule is not None and event.rule.entry.type == event.type and event.rule.mode:
            event.mode = event.rule.mode
            continue
        allowed = [j for j, label in enumerate(labels) if label == "-" or label in valid.get(event.type, ())]
        best = max(allowed, key=lambda j: row[j]) if allowed else None
        event.mode = labels[best] if best is not None and labels[best] != "-" and row[best] >= floor else None
    return events


def user_overrides(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """A user's own lexicon entry (``--lexicon``) forces its code: the rules' event from it
    replaces whatever the models made of the same words. So does a built-in entry marked
    ``decisive``, whose words leave no doubt ("offered condolences" is SUPPORT, although
    "offered" alone is mostly AGREE in the corpus)."""
    forced = [c for c in ctx.rules if c.entry.decisive
              or c.entry.source and not c.entry.source.startswith(BUILTIN_LEXICON) and c.entry.source != "coder"]
    if not forced:
        return events
    taken = {t.i for c in forced for t in c.trigger_tokens} | {c.trigger.i for c in forced}
    kept = [e for e in events if not ({t.i for t in e.tokens} & taken)]
    for c in forced:
        kept.append(Proposed(trigger=c.trigger, type=c.entry.type, probability=1.0, tokens=list(c.trigger_tokens),
                             actors=[a for a in c.actors if a is not None], recipients=[r for r in c.recipients if r is not None],
                             factuality=c.factuality, mode=c.mode, rule=c, forced=True, scores={"forced_by": c.entry.source}))
    return kept


PASSES = (propose_triggers, type_triggers, fold_one_event, drop_acts_of_nature, drop_information_given, drop_refusals_to_say,
          assign_roles, prefer_rule_arguments,
          read_bare_participles_as_passive, read_place_modifiers_as_where, read_mobilized_forces_as_actor,
          read_attackers_named_on_the_attack, drop_recipients_in_coordinate_clauses, fill_implicit, drop_deployments_at_home,
          drop_outcomes_warned_of, state_sectors,
          choose_sectors, drop_private_crime, judge_factuality, corefer_definite_mentions, derive_intents, choose_modes, user_overrides)


def code_events(ctx: DocContext, model: CoderModel) -> list[Candidate]:
    """Run the passes over one document and return its candidates."""
    events: list[Proposed] = []
    for step in PASSES:
        events = step(events, ctx, model)
    return [to_candidate(e) for e in events]


def to_candidate(event: Proposed) -> Candidate:
    rule = event.rule
    if rule is not None and rule.entry.type == event.type:
        entry = rule.entry
    else:
        entry = LexEntry(id=f"model.{event.type.lower()}", type=event.type, lemmas=(), source="model")
    cand = Candidate(
        entry=entry, trigger=event.trigger, trigger_tokens=event.tokens or [event.trigger],
        actors=event.actors or [None], recipients=event.recipients or [None], factuality=event.factuality,
        confidence=round(event.probability * (0.5 + 0.5 * event.scores.get("actor", 0.5)), 3),
        path="forced:" + entry.id if event.forced else "model" + (f"; rule via {rule.path}" if rule is not None else ""), mode=event.mode,
    )
    if len(event.actors) >= 2 and not event.recipients and event.type in symmetric_types():
        # "the two leaders talked", "Russia and China agreed": each with the other
        cand.pairs = reciprocal_pairs(event.actors) or None
    cand.extra["model"] = event.scores
    if rule is not None and event.rule is rule and rule.entry.type == event.type:
        cand.timex, cand.place = rule.timex, rule.place
    return cand
