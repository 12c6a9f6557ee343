"""The learned coder: trained models decide what the rules propose, and more.

The passes, in order (``PASSES``), each a plain function of the events found so far and
the document's ``DocContext`` (nothing is kept on an object between documents):

1. ``propose_triggers``  — every verb, event noun and word seen as a trigger in training;
2. ``type_triggers``     — the trigger model gives each its PLOVER type or NONE;
3. ``fold_one_event``    — words of one event phrase ("held" + "talks") become one event;
4. ``assign_roles``      — the role model picks the actor and recipient among the
   sentence's actor mentions;
5. ``fill_from_rules``   — an argument no mention of the sentence gives (an inherited
   subject, the protesters' own government, a side of a known conflict) comes from the
   rules' reading of the same event;
6. ``judge_factuality``  — asserted, negated, hypothetical or future;
7. ``choose_modes``      — the PLOVER mode;
8. ``user_overrides``    — events from a user's ``--lexicon`` entries are coded as the
   user wrote them, whatever the models say.

The result is the same ``Candidate`` the rule coder makes, so dating, locating, merging
and storing work unchanged; each keeps the model's scores for ``dyads explain``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from dyads.actors.resolve import ActorMention
from dyads.events.coder import Candidate
from dyads.events.features import (DocContext, argument_candidates, factuality_features, is_trigger_candidate,
                                   mode_features, role_features, rule_roles_for, trigger_features)
from dyads.events.lexicon import LexEntry
from dyads.events.model import CoderModel
from dyads.models import Actor

BUILTIN_LEXICON = "dyads/data/lexicon/"


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
    return [Proposed(tok) for tok in ctx.doc if is_trigger_candidate(tok, ctx)]


def type_triggers(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    probs = model.trigger.scores([trigger_features(e.trigger, ctx) for e in events])
    labels = model.trigger.labels
    floor = model.thresholds.get("trigger", 0.5)
    kept = []
    for event, row in zip(events, probs):
        best = int(row.argmax())
        if labels[best] == "NONE" or row[best] < floor:
            continue
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


def _conjoined(a: ActorMention, b: ActorMention, ctx: DocContext) -> bool:
    """'Russia and China vetoed': mention a is coordinated with mention b."""
    head_a, head_b = ctx.doc[a.head], ctx.doc[b.head]
    return (head_a.dep_ == "conj" and head_a.head.i in (head_b.i, *[t.i for t in head_b.conjuncts])) or head_a in head_b.conjuncts


def _no_self_dyad(event: Proposed) -> None:
    """One mention cannot be both sides; a recipient that is the actor itself is dropped."""
    spans = {(a.start, a.end) for a in event.actors}
    event.recipients = [r for r in event.recipients if (r.start, r.end) not in spans]


def fill_from_rules(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """Arguments the sentence's mentions cannot give — an inherited subject, a default
    domestic target, a side from the conflicts knowledge — come from the rules' reading."""
    for event in events:
        rule = event.rule
        if rule is None:
            continue
        if not event.actors:
            event.actors = [a for a in rule.actors if a is not None]
        if not event.recipients:
            event.recipients = [r for r in rule.recipients if r is not None]
            _no_self_dyad(event)
    return events


def judge_factuality(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    probs = model.factuality.scores([factuality_features(e.trigger, e.type, ctx) for e in events])
    for event, row in zip(events, probs):
        best = int(row.argmax())
        event.factuality = model.factuality.labels[best]
        event.scores["factuality"] = round(float(row[best]), 3)
    return events


def choose_modes(events: list[Proposed], ctx: DocContext, model: CoderModel, modes_of=None) -> list[Proposed]:
    probs = model.mode.scores([mode_features(e.trigger, e.type, ctx) for e in events])
    labels = model.mode.labels
    valid = model.meta.get("modes", {})
    for event, row in zip(events, probs):
        allowed = [j for j, label in enumerate(labels) if label == "-" or label in valid.get(event.type, ())]
        best = max(allowed, key=lambda j: row[j]) if allowed else None
        event.mode = labels[best] if best is not None and labels[best] != "-" else None
    return events


def user_overrides(events: list[Proposed], ctx: DocContext, model: CoderModel) -> list[Proposed]:
    """A user's own lexicon entry (``--lexicon``) forces its code: the rules' event from it
    replaces whatever the models made of the same words."""
    forced = [c for c in ctx.rules if c.entry.source and not c.entry.source.startswith(BUILTIN_LEXICON) and c.entry.source != "coder"]
    if not forced:
        return events
    taken = {t.i for c in forced for t in c.trigger_tokens} | {c.trigger.i for c in forced}
    kept = [e for e in events if not ({t.i for t in e.tokens} & taken)]
    for c in forced:
        kept.append(Proposed(trigger=c.trigger, type=c.entry.type, probability=1.0, tokens=list(c.trigger_tokens),
                             actors=[a for a in c.actors if a is not None], recipients=[r for r in c.recipients if r is not None],
                             factuality=c.factuality, mode=c.mode, rule=c, forced=True, scores={"forced_by": c.entry.source}))
    return kept


PASSES = (propose_triggers, type_triggers, fold_one_event, assign_roles, fill_from_rules, judge_factuality, choose_modes, user_overrides)


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
    cand.extra["model"] = event.scores
    if rule is not None and event.rule is rule and rule.entry.type == event.type:
        cand.timex, cand.place = rule.timex, rule.place
    return cand
