"""Features for the learned coder: what the trained models see of a word, a pair of
words and the rules' reading of them.

Three kinds of example, each a list of feature strings:

* a **trigger candidate** (a verb, an event noun, a word the rules or training took as a
  trigger): its words, its place in the parse, its arguments' sectors, what the lexicon
  and the rules make of it;
* a **role candidate** (an event's trigger and one actor mention of its sentence): the
  dependency path between them, the mention's kind and sector, the rules' role for it;
* the **factuality** and **mode** of an event: negation, modals, governing verbs, means.

Features are strings so that models are readable and a user can see which ones carried
a decision (``dyads explain``). The rule coder's output enters as features (``rule=…``):
the rules stay, as evidence the models learn how far to trust.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from spacy.tokens import Doc, Token

from dyads.actors.resolve import ActorIndex, ActorMention, names_a_place
from dyads.events.coder import Candidate, Modality
from dyads.events.lexicon import Lexicon
from dyads.models import Actor, Place
from dyads.nlp import Words, sentences_of, token_range, words_of

SCORE = re.compile(r"^\d{1,3}-\d{1,3}$")
CHILD_DEPS = frozenset("dobj prt neg aux auxpass nsubj nsubjpass agent attr xcomp ccomp dative compound amod poss acomp oprd".split())
ARG_DEPS = frozenset("nsubj nsubjpass dobj pobj dative agent poss attr appos conj compound nmod npadvmod".split())
GOVERNING = frozenset("xcomp ccomp advcl acl relcl pcomp conj".split())
MAX_PATH = 6
CONTENT = frozenset(("NOUN", "VERB", "ADJ", "PROPN"))
MEASURE_LABELS = frozenset(("MONEY", "PERCENT", "QUANTITY", "ORDINAL"))


@dataclass
class DocContext:
    """What every pass may read about one document: its parse, actor mentions, the rules'
    candidates indexed by token, and the lexicon. Built once per document, passed
    explicitly; nothing is kept between documents."""

    doc: Doc
    index: ActorIndex
    lexicon: Lexicon
    rules: list[Candidate]
    trigger_words: frozenset[str] = frozenset()  # words seen as triggers in training
    rule_at: dict[int, list[Candidate]] = field(default_factory=dict)
    in_title: int = -1  # end (token index) of the headline, -1 when none
    main_country: tuple[str, int] | None = None  # the country the document names most, and from which token it counts
    rule_factuality: Callable[[Token], str] | None = None  # the rules' reading of any word's factuality
    rule_intent: Callable[[Token], Token | None] | None = None  # the word stating the actor's intent to do this, if any
    rule_attempt: Callable[[Token], bool] | None = None  # does the rules' reading find an attempt ("sought to")?
    places: dict = field(default_factory=dict)  # token index -> Place the geoparser anchored there

    sentence_cues: dict = field(default_factory=dict)  # sentence start -> its cue features (built once)
    sentence_mentions: dict = field(default_factory=dict)  # sentence start -> its actor mentions
    _title: list[str] | None = None
    _readings: dict = field(default_factory=dict)
    words: Words = field(init=False)

    def __post_init__(self) -> None:
        self.words = words_of(self.doc)
        for cand in self.rules:
            for tok in {t.i for t in cand.trigger_tokens} | {cand.trigger.i}:
                self.rule_at.setdefault(tok, []).append(cand)

    def sent_of(self, token: Token):
        """The token's sentence (``token.sent``, read from the document's ``Sentences``)."""
        return sentences_of(self.doc).of(token)

    def factuality_reading(self, token: Token) -> str | None:
        """The rules' reading of the word's factuality, once per word."""
        if self.rule_factuality is None:
            return None
        found = self._readings.get(token.i)
        if found is None:
            found = self._readings[token.i] = self.rule_factuality(token)
        return found

    def title_cues(self) -> list[str]:
        """The headline's content words, as features of every later sentence."""
        if self._title is None:
            self._title = sorted({f"tw={t.lemma_.lower()}" for t in self.doc[: self.in_title + 1]
                                  if t.pos_ in CONTENT and not t.is_stop})
        return self._title


def span_root(tokens: list[Token]) -> Token:
    """The token of a span whose head lies outside it (a verb preferred): 'fired' of 'fired tear gas'."""
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in roots if t.pos_ in ("VERB", "AUX")]
    return (verbs or roots or tokens)[0]


# -- trigger candidates ---------------------------------------------------------------------

def is_trigger_candidate(tok: Token, ctx: DocContext) -> bool:
    """A word the models should weigh: one the rules read as an event, a word of the
    lexicon, or a word seen as a trigger in training (every verb, before there is one)."""
    if tok.i in ctx.rule_at:
        return True
    if tok.is_punct or tok.is_space or tok.like_num:
        return False
    words = ctx.words
    lemma, pos = words.lemma[tok.i], words.pos[tok.i]
    if lemma in ctx.trigger_words or words.lower[tok.i] in ctx.trigger_words:
        return True
    if pos == "VERB":
        return not ctx.trigger_words or bool(ctx.lexicon.lookup(lemma, "verb"))
    return pos in ("NOUN", "PROPN", "ADJ") and bool(ctx.lexicon.lookup(lemma, "noun"))


def trigger_features(tok: Token, ctx: DocContext, sentence: bool = True) -> list[str]:
    """The word's features; with ``sentence`` its sentence's cues too (coding adds their
    weights once per sentence instead, see ``learned.type_triggers``)."""
    words, i = ctx.words, tok.i
    lemma, lower, pos, head_lemma = words.lemma[i], words.lower[i], words.pos[i], words.lemma[words.head[i]]
    f = ["bias", f"w={lower}", f"l={lemma}", f"p={pos}", f"t={tok.tag_}", f"d={words.dep[i]}",
         f"l+p={lemma}|{pos}", f"hl={head_lemma}", f"d+hl={words.dep[i]}|{head_lemma}"]
    if i <= ctx.in_title:
        f.append("title")
    prev = words.lower[i - 1] if i > 0 else "<s>"
    nxt = words.lower[i + 1] if i + 1 < len(words.lower) else "</s>"
    f += [f"w-1={prev}", f"w+1={nxt}", f"l+w+1={lemma}|{nxt}"]
    for c in words.children[i]:  # by token index: no Token made per child
        dep = words.dep[c]
        if dep in CHILD_DEPS:
            cl = words.lemma[c]
            f.append(f"c:{dep}={cl}")
            if dep in ("dobj", "prt", "compound", "amod", "attr"):
                f.append(f"l+c:{dep}={lemma}|{cl}")
            elif dep in ("xcomp", "ccomp"):
                f.append(f"l+{dep}={lemma}")  # "sought to avoid" is an attempt, "sought asylum" a request
            mention = ctx.index.mention_at_index(c)
            if dep in ("nsubj", "nsubjpass", "dobj", "agent", "poss", "dative") or mention is not None:
                f += _mention_features(f"c:{dep}", c, ctx)
        elif dep == "prep":
            for o in words.children[c]:
                if words.dep[o] == "pobj":
                    f.append(f"prep={words.lower[c]}|{words.lemma[o]}")
                    f.append(f"l+prep={lemma}|{words.lower[c]}")
                    f += _mention_features(f"pobj:{words.lower[c]}", o, ctx)
    for entry in ctx.lexicon.lookup(lemma, "verb" if pos in ("VERB", "AUX") else "noun")[:4]:
        f.append(f"lex={entry.type}")
    for cand in ctx.rule_at.get(tok.i, ()):
        role = "root" if cand.trigger.i == tok.i else "part"
        f += [f"rule={cand.entry.type}", f"rule:{role}={cand.entry.type}", f"rulefac={cand.factuality}",
              f"ruleargs={int(any(cand.actors))}{int(any(cand.recipients))}"]
    if sentence:
        f += sentence_features(ctx.sent_of(tok), ctx)
    return f


def _mention_features(prefix: str, i: int, ctx: DocContext) -> list[str]:
    """Features of the word at token index ``i`` as an argument: its actor mention, else its entity type."""
    mention = ctx.index.mention_at_index(i)
    if mention is None:
        return [f"{prefix}:ent={ctx.words.ent_type[i] or '-'}"]
    entity = mention.entity
    return [f"{prefix}:kind={entity.kind}", f"{prefix}:sector={entity.sector or '-'}", f"{prefix}:how={mention.how}"]


def sentence_features(sent, ctx: DocContext) -> list[str]:
    """Whole-sentence cues, computed once per sentence: a score ('2-1'), money and percent
    figures, how many actors the sentence names, and the sentence's and the headline's
    content words — what the story is about ("goalkeeper", "wickets", "snowfall" make a
    sports or weather story of "fired", "shuts")."""
    found = ctx.sentence_cues.get(sent.start)
    if found is not None:
        return found
    score, labels, heads, words = False, set(), set(), set()
    doc_words = ctx.words
    for i in range(sent.start, sent.end):
        t = doc_words.tokens[i]
        score = score or (t.like_num is False and "-" in t.text and SCORE.match(t.text) is not None)
        if doc_words.ent_type[i]:
            labels.add(doc_words.ent_type[i])
        mention = ctx.index.mention_at_index(i)
        if mention is not None:
            heads.add(mention.head)
        if doc_words.pos[i] in CONTENT and not t.is_stop:
            words.add(doc_words.lemma[i])
    found = (["s:score"] if score else []) + [f"s:ent={label}" for label in sorted(labels & MEASURE_LABELS)]
    found.append(f"s:actors={min(len(heads), 3)}")
    found += [f"sw={w}" for w in sorted(words)]
    if 0 <= ctx.in_title < sent.start:
        found += ctx.title_cues()
    ctx.sentence_cues[sent.start] = found
    return found


# -- role candidates ------------------------------------------------------------------------

def argument_candidates(trigger: Token, ctx: DocContext) -> list[ActorMention]:
    """The actor mentions of the trigger's sentence, each once, the trigger's own words aside."""
    sent = ctx.sent_of(trigger)
    found = ctx.sentence_mentions.get(sent.start)
    if found is None:
        seen, found = set(), []
        for i in range(sent.start, sent.end):
            mention = ctx.index.mention_at_index(i)
            if mention is not None and id(mention) not in seen:
                seen.add(id(mention))
                found.append(mention)
        ctx.sentence_mentions[sent.start] = found
    return [m for m in found if not m.start <= trigger.i < m.end]


def dependency_path(a: Token, b: Token) -> tuple[str, int]:
    """The path from token a to token b in the parse: up-steps ('^dep') to their lowest
    common ancestor, then down-steps ('vdep', with the preposition's word for 'prep')."""
    words = words_of(a.doc)  # walked by token index: no Token made per step
    head, dep = words.head, words.dep
    up_a, node = [], a.i
    ancestors = {node: 0}
    while head[node] != node and len(up_a) < 12:
        up_a.append(node)
        node = head[node]
        ancestors[node] = len(up_a)
    node, down = b.i, []
    while node not in ancestors and head[node] != node and len(down) < 12:
        down.append(node)
        node = head[node]
    if node not in ancestors:
        return "far", 99
    ups = up_a[: ancestors[node]]
    steps = [f"^{dep[t]}" for t in ups] + [f"v{dep[t]}" + (f":{words.lower[t]}" if dep[t] in ("prep", "agent") else "")
                                            for t in reversed(down)]
    length = len(steps)
    if length > MAX_PATH:
        return "long", length
    return "".join(steps) or "self", length


def role_features(trigger: Token, etype: str, mention: ActorMention, ctx: DocContext, rule_roles: dict) -> list[str]:
    words, h = ctx.words, mention.head  # read by token index: no Token made per reading
    head = words.tokens[h]
    path, length = dependency_path(trigger, head)
    entity = mention.entity
    lemma = words.lemma[trigger.i]
    side = "before" if h < trigger.i else "after"
    head_dep = words.dep[h]
    via = f"{head_dep}:{words.lower[words.head[h]]}" if head_dep == "pobj" else head_dep
    passive = any(words.dep[c] in ("auxpass", "nsubjpass") for c in words.children[trigger.i])
    f = ["bias", f"T={etype}", f"path={path}", f"T+path={etype}|{path}", f"l+path={lemma}|{path}",
         f"len={min(length, 7)}", f"side={side}", f"T+side={etype}|{side}", f"via={via}", f"T+via={etype}|{via}",
         f"kind={entity.kind}", f"how={mention.how}", f"sector={entity.sector or '-'}", f"T+sector={etype}|{entity.sector or '-'}",
         f"hd={head_dep}", f"pass={int(passive)}", f"pass+path={int(passive)}|{path}", f"ent={words.ent_type[h] or '-'}"]
    if entity.kind == "country" and names_a_place(head):
        f.append("locative-place")
    role = rule_roles.get(mention.head)
    f.append(f"rule={role or 'none'}")
    if role:
        f.append(f"T+rule={etype}|{role}")
    dist = abs(mention.head - trigger.i)
    f.append(f"dist={min(dist, 10) if dist < 10 else '10+'}")
    word = words.lemma[h]
    f += [f"ml={word}", f"T+ml={etype}|{word}", f"T+via+sector={etype}|{via}|{entity.sector or '-'}"]
    return f


def rule_roles_for(trigger: Token, etype: str, ctx: DocContext) -> dict[int, str]:
    """Token index of each actor mention head -> the role the rules gave it for this trigger."""
    roles: dict[int, str] = {}
    for cand in ctx.rule_at.get(trigger.i, ()):
        for role, actors in (("actor", cand.actors), ("recipient", cand.recipients)):
            for a in actors:
                if a is None or a.start is None:
                    continue
                for i in range(*(token_range(ctx.doc, a.start, a.end) or (0, 0))):
                    mention = ctx.index.mention_at_index(i)
                    if mention is not None:
                        roles.setdefault(mention.head, role)
    return roles


# -- factuality and mode -----------------------------------------------------------------------

def factuality_features(trigger: Token, etype: str, ctx: DocContext) -> list[str]:
    words = Modality.load()  # the word lists of data/lexicon/_modality.yml
    f = ["bias", f"T={etype}", f"t={trigger.tag_}", f"l={trigger.lemma_.lower()}"]
    node, depth = trigger, 0
    while depth < 3:
        for c in node.children:
            if c.dep_ == "neg":
                f.append(f"neg@{depth}")
            elif c.dep_ in ("aux", "auxpass") and c.lower_ in words.modal_auxiliaries:
                f.append(f"modal@{depth}={c.lower_}")
            elif c.dep_ == "aux" and c.lower_ == "to":
                f.append(f"to@{depth}")
            elif c.dep_ == "mark":
                f.append(f"mark@{depth}={c.lower_}")
            elif c.dep_ == "advmod" and c.lower_ in words.factuality_adverbs:
                f.append(f"adv@{depth}={c.lower_}")
        if node.dep_ not in GOVERNING and not (node.dep_ in ("dobj", "pobj", "nsubj") and depth == 0 and node.pos_ == "NOUN"):
            break
        f.append(f"gov@{depth}={node.dep_}|{node.head.lemma_.lower()}")
        node, depth = node.head, depth + 1
    if trigger.pos_ == "NOUN":
        for c in trigger.children:
            if c.dep_ in ("amod", "compound") and c.lower_ in words.factuality_noun_modifiers:
                f.append(f"nmod={c.lower_}")
        det = next((c.lower_ for c in trigger.children if c.dep_ == "det"), "-")
        f.append(f"det={det}")
    for cand in ctx.rule_at.get(trigger.i, ()):
        f.append(f"rulefac={cand.factuality}")
    reading = ctx.factuality_reading(trigger)
    if reading is not None:
        f += [f"rulereading={reading}", f"T+rulereading={etype}|{reading}"]
    return f


def mode_features(trigger: Token, etype: str, ctx: DocContext) -> list[str]:
    lemma = trigger.lemma_.lower()
    f = ["bias", f"T={etype}", f"T+l={etype}|{lemma}"]
    for c in trigger.children:
        if c.dep_ in ("dobj", "compound", "amod", "prt", "nsubjpass"):
            f.append(f"T+{c.dep_}={etype}|{c.lemma_.lower()}")
            for cc in c.children:
                if cc.dep_ in ("compound", "amod"):
                    f.append(f"T+{c.dep_}+mod={etype}|{cc.lemma_.lower()}")
        elif c.dep_ == "prep":
            for o in c.children:
                if o.dep_ == "pobj":
                    f.append(f"T+prep={etype}|{c.lower_}|{o.lemma_.lower()}")
        elif c.dep_ in ("nsubj", "agent"):
            f.append(f"T+subj={etype}|{c.lemma_.lower()}")
    for cand in ctx.rule_at.get(trigger.i, ()):
        if cand.mode:
            f.append(f"T+rulemode={etype}|{cand.mode}")
    return f


def state_kind(code: str | None, kb_id: str | None) -> str | None:
    """'country' or 'igo' for a side named by a country's or an international
    organisation's own name ("China", "the EU"), which says nothing of its sector."""
    if code == "IGO":
        return "igo"
    return "country" if (kb_id or "").startswith("country:") else None


# -- implicit arguments ------------------------------------------------------------------------

@dataclass(frozen=True)
class Implicit:
    """An argument no words of the sentence give: where it comes from, and who it is."""

    source: str  # rule | actor-home | main | place | previous-actor | previous-recipient
    actor: Actor
    previous_type: str | None = None  # the type of the event a previous-* candidate is a side of


def implicit_candidates(role: str, trigger: Token, etype: str, actors: list[Actor], rule: Candidate | None,
                        previous: list[tuple[str, list[Actor], list[Actor]]], place: Place | None,
                        ctx: DocContext) -> list[Implicit]:
    """Who an unnamed actor or recipient may be: the rules' reading of the event, the
    actor's own government (protests, demands), the document's main country, the country
    of the event's place (``place_of``), or a side of the events just before it
    (``previous``: their types and sides, in order)."""
    found: list[Implicit] = []
    if rule is not None:
        for a in (rule.actors if role == "actor" else rule.recipients):
            if a is not None and a.code:
                found.append(Implicit("rule", a))
    if role == "recipient":
        home = next((a.code for a in actors if a.code and a.code not in ("IGO", "NGO")), None)
        if home:
            found.append(Implicit("actor-home", Actor(code=home, sector="GOV", entity_text="", name=home, certainty=0.4)))
        if place is not None and place.country:
            found.append(Implicit("place", Actor(code=place.country, entity_text=place.text or place.name, name=place.name, certainty=0.4)))
    main = ctx.main_country
    if main is not None and main[1] <= trigger.i:
        found.append(Implicit("main", Actor(code=main[0], sector="GOV", entity_text="", name=main[0], certainty=0.3)))
    for i, (prev_type, prev_actors, prev_recipients) in enumerate(previous[-2:][::-1]):
        for which, group in (("previous-actor", prev_actors), ("previous-recipient", prev_recipients)):
            for a in group[:2]:
                if a.code:
                    found.append(Implicit(f"{which}{i}", a, prev_type))
    return found


def place_of(trigger: Token, ctx: DocContext) -> Place | None:
    """The place the geoparser anchored in the event's own phrase ('an attack in Beersheba'):
    found once per event, it is shared by its implicit candidates and their features."""
    return next((ctx.places[t.i] for t in trigger.subtree if t.i in ctx.places), None)


def implicit_features(role: str, cand: Implicit, trigger: Token, etype: str, other_side: list[Actor], explicit: int,
                      place: Place | None, ctx: DocContext) -> list[str]:
    """``other_side``: the event's sides of the other role known so far (its named actors
    for an unnamed recipient, all its recipients for an unnamed actor): "two US soldiers
    killed" has no US attacker."""
    a = cand.actor
    src = cand.source
    same = any(x.code == a.code for x in other_side)
    f = ["bias", f"R={role}", f"R+src={role}|{src}", f"R+T+src={role}|{etype}|{src}", f"R+l+src={role}|{trigger.lemma_.lower()}|{src}",
         f"R+sector={role}|{a.sector or '-'}", f"R+src+same={role}|{src}|{int(same)}", f"R+explicit={role}|{min(explicit, 3)}",
         f"R+T+same={role}|{etype}|{int(same)}", f"R+IGO={role}|{int(a.code in ('IGO', 'NGO'))}",
         f"R+T+other={role}|{etype}|{int(bool(other_side))}"]
    if place is not None and place.country:  # the victims of "an attack in Beersheba" are Israel's
        f.append(f"R+T+here={role}|{etype}|{int(place.country == a.code)}")
    if trigger.i <= ctx.in_title:
        f.append(f"R+title+src={role}|{src}")
    if cand.previous_type:
        # which event a side is taken from: the aid supplied after a refusal to supply aid goes
        # to the same recipient, not to the target of the sanctions named just before it
        f.append(f"R+T+prevT+src={role}|{etype}|{cand.previous_type}|{src}")
        f.append(f"R+sameT+src={role}|{int(cand.previous_type == etype)}|{src}")
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in trigger.children)
    f.append(f"R+pass+src={role}|{int(passive)}|{src}")
    f.append(f"R+p+src={role}|{trigger.pos_}|{src}")
    return f


# -- a side's sector ---------------------------------------------------------------------------

def sector_features(trigger: Token, etype: str, role: str, mention: ActorMention | None, ctx: DocContext) -> list[str]:
    """What tells a side's sector besides the words that name it: the act and what it is
    done with ("Zimbabwe sent troops" is its military, "Zimbabwe protested" its government),
    the kind of name, the sector those words resolve to, and the mention's own words.
    ``mention`` is None for a side no words of the sentence name."""
    lemma = trigger.lemma_.lower()
    f = ["bias", f"T+R={etype}|{role}", f"l+R={lemma}|{role}"]
    f += [f"R+obj={role}|{c.lemma_.lower()}" for c in trigger.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
    if mention is None:
        return f + [f"T+R+unnamed={etype}|{role}", f"l+R+unnamed={lemma}|{role}"]
    entity = mention.entity
    resolved = entity.sector or "-"
    f += [f"res={resolved}", f"T+R+res={etype}|{role}|{resolved}", f"kind+res={entity.kind}|{resolved}",
          f"how+res={mention.how}|{resolved}", f"l+R+res={lemma}|{role}|{resolved}",
          f"ml={ctx.doc[mention.head].lemma_.lower()}|{resolved}"]
    f += [f"w={t.lemma_.lower()}" for t in ctx.doc[mention.start:mention.end] if t.pos_ in ("NOUN", "ADJ", "VERB")]
    return f
