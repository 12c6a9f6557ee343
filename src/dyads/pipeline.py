"""The pipeline: ingest -> nlp -> actors -> events -> time -> place -> merge.

``Pipeline`` owns the loaded resources (spaCy model, knowledge base, lexicon,
ontology, gazetteer), built once and passed explicitly; ``code`` streams
Articles through spaCy's batched ``nlp.pipe`` and yields one ``CodedArticle``
each, ready for the store.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import Doc

from dyads.actors.conflicts import ConflictBook
from dyads.actors.kb import KnowledgeBase
from dyads.actors.resolve import ActorIndex, ActorResolver, main_country
from dyads.events.coder import Candidate, EventCoder
from dyads.events.features import DocContext
from dyads.events.learned import code_events
from dyads.events.model import CoderModel, load_shipped
from dyads.events.lexicon import Lexicon
from dyads.events.ontology import Ontology
from dyads.merge import merge_article_events
from dyads.ingest.wire import quiet_spans
from dyads.models import Article, Event, Evidence
from dyads.nlp import HeadlineCasing, forget_cached, load_pipeline, remember_text, sentence_of, sentences_of, span_text, words_of
from dyads.place.attach import anchor_places, attach_places, not_organisation_names
from dyads.place.gazetteer import load_gazetteer
from dyads.place.geoparse import Geoparser
from dyads.time.attach import attach_dates, date_fields, find_timexes, text_dates


@dataclass
class PipelineConfig:
    spacy_model: str | None = None  # the spaCy pipeline (None: en_core_web_sm)
    lexicons: tuple[Path, ...] = ()
    actor_files: tuple[Path, ...] = ()
    batch_size: int = 32  # articles parsed together
    batch_chars: int = 100_000  # and at most about this many characters: the parser's memory grows with them
    coder: str | None = None  # a trained coder model directory; None: the shipped one; "rules": no model


@dataclass
class CodedArticle:
    article: Article
    events: list[Event]
    sentences: int
    tokens: int
    annotations: list[dict] = field(default_factory=list)  # spans for the article view


class Pipeline:
    def __init__(self, config: PipelineConfig | None = None) -> None:
        self.config = config or PipelineConfig()
        self.nlp = load_pipeline(self.config.spacy_model)
        self.kb = KnowledgeBase.load(self.config.actor_files)
        self.conflicts = ConflictBook.load(self.config.actor_files)
        gazetteer = load_gazetteer()
        self.geoparser = Geoparser(gazetteer)
        self.lexicon = Lexicon.load(self.config.lexicons)
        self.resolver = ActorResolver(self.kb, self.nlp.vocab, self.conflicts, is_place=_town_not_person(gazetteer, self.kb),
                                      event_nouns=self.lexicon.lemmas("noun"), place_country=_place_country(gazetteer))
        self.ontology = Ontology.load()
        self.coder = EventCoder(self.lexicon, quad_class=self.ontology.quad_class)
        self.coder_model = coder_model(self.config.coder)
        self.casing = HeadlineCasing.load(self.nlp)

    @property
    def model_name(self) -> str:
        return f"{self.nlp.meta.get('lang', 'xx')}_{self.nlp.meta.get('name', '?')}-{self.nlp.meta.get('version', '?')}"

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        for batch in bounded_batches(articles, self.config.batch_size, self.config.batch_chars):
            for doc, article in self.parsed(batch, batch_size=len(batch)):
                yield self.code_doc(doc, article)

    def parsed(self, items: Iterable, batch_size: int | None = None, article_of=lambda item: item) -> Iterator[tuple[Doc, object]]:
        """(parsed Doc, item) for each item (an Article, or what ``article_of`` reads one
        from): a Title Case headline is parsed with its ordinary words lower-cased
        (``HeadlineCasing``), and the Doc remembers the article's own text."""
        pairs = ((self.casing.text_for_parser(article_of(item).title, article_of(item).body), item) for item in items)
        for doc, item in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size or self.config.batch_size):
            remember_text(doc, article_of(item).body)
            yield doc, item

    def code_each(self, articles: Iterable[Article], models: list[CoderModel | None]) -> Iterator[list[CodedArticle]]:
        """Each article coded by each of several coders (None: the rules alone) from one parse
        and one analysis, as training weighs its models (``dyads eval --compare``)."""
        for batch in bounded_batches(articles, self.config.batch_size, self.config.batch_chars):
            for doc, article in self.parsed(batch, batch_size=len(batch)):
                analysis = self.analyse(doc, article)
                coded = []
                for model in models:
                    analysis.context.trigger_words = model.trigger_words if model else frozenset()
                    coded.append(self.events_of(analysis, article, model))
                forget_cached(doc)
                yield coded

    def code_one(self, article: Article) -> CodedArticle:
        return next(self.code([article]))

    def analyse(self, doc: Doc, article: Article) -> Analysis:
        """Everything the event coder reads about a parsed article: actor mentions, dates,
        places and the rules' candidates (dated, located and completed)."""
        places = self.geoparser.parse(doc)
        quiet = quiet_spans(article.title, article.body)
        timexes = find_timexes(doc, article.published)
        undated = text_dates(doc, timexes) if article.published is None else None
        actors = self.resolver.resolve(doc, article.published, places, quiet, undated)
        places = not_organisation_names(doc, places, actors)
        rules = outside(self.coder.find(doc, actors), quiet)
        attach_dates(rules, timexes)
        anchors = anchor_places(doc, places)
        attach_places(rules, anchors)
        self.coder.complete(rules, self.conflicts, article.published, _document_countries(actors, self.kb))
        context = DocContext(doc, actors, self.lexicon, rules,
                             trigger_words=self.coder_model.trigger_words if self.coder_model else frozenset(),
                             in_title=_title_end(doc, article), main_country=main_country(actors, places), places=anchors,
                             rule_factuality=self.coder.factuality_of, rule_intent=self.coder.intent_cue,
                             rule_attempt=self.coder.is_attempt)
        return Analysis(context, timexes, places, anchors, quiet)

    def code_doc(self, doc: Doc, article: Article) -> CodedArticle:
        coded = self.events_of(self.analyse(doc, article), article, self.coder_model)
        forget_cached(doc)
        return coded

    def events_of(self, analysis: Analysis, article: Article, model: CoderModel | None) -> CodedArticle:
        """The events of an analysed article, coded by ``model`` (the rules alone when None),
        dated, located and merged. Training calls it again with each model it weighs."""
        doc = analysis.context.doc
        actors, timexes, places = analysis.context.index, analysis.timexes, analysis.places
        candidates = analysis.context.rules
        if model is not None:
            candidates = outside(code_events(analysis.context, model), analysis.quiet)
            attach_dates([c for c in candidates if c.timex is None], timexes)
            attach_places([c for c in candidates if c.place is None], analysis.anchors)
        events, orphans = [], []
        for cand in candidates:
            made = [e for e in self._events(cand, article) if self.coder.keeps(e.event, e.actor is not None)]
            events += made
            if not made and not any(cand.actors) and not any(cand.recipients):
                orphans.append(cand)
        events = merge_article_events(events, _lede_end(article))
        _attach_orphans(events, orphans, article)
        annotations = _annotations(actors, timexes, places, events)
        return CodedArticle(article, events, sentences=len(sentences_of(doc).spans), tokens=len(doc), annotations=annotations)

    def _events(self, cand: Candidate, article: Article) -> Iterator[Event]:
        entry = cand.entry
        sent = sentence_of(cand.trigger)
        sentence = _sentence_fields(sent)
        cameo = self.ontology.cameo(entry.cameo) if entry.cameo else None
        if cameo is None:
            cameo = self.ontology.nearest_cameo(entry.type, cand.mode, entry.context)
        first, last = cand.trigger_tokens[0], cand.trigger_tokens[-1]
        trigger_span = (first.idx, last.idx + len(last.text))
        dates = date_fields(cand.timex, article.published, article.published_from)
        day = _dated_away(cand.timex, article.published)
        for actor, recipient in cand.dyads():
            actor, recipient = _informative(actor), _informative(recipient)
            if day is not None:
                actor, recipient = self.kb.person_on(actor, day), self.kb.person_on(recipient, day)
            if actor is None and recipient is None:
                continue
            evidence = Evidence(
                article_id=article.id,
                **sentence,
                trigger=trigger_span,
                actor_span=(actor.start, actor.end) if actor and actor.start is not None else None,
                recipient_span=(recipient.start, recipient.end) if recipient and recipient.start is not None else None,
                time_span=(cand.timex.start, cand.timex.end) if cand.timex is not None else None,
                place_span=(cand.place.start, cand.place.end) if cand.place is not None and cand.place.start is not None else None,
                rule=entry.id,
                path=cand.path,
                scores=cand.extra.get("model"),
            )
            key = f"{article.id}|{trigger_span}|{entry.type}|{actor and actor.code}|{recipient and recipient.code}"
            yield Event(
                id=hashlib.sha1(key.encode()).hexdigest()[:16],
                article_id=article.id,
                event=entry.type,
                actor=actor,
                recipient=recipient,
                mode=cand.mode,
                context=list(entry.context),
                cameo=cameo.code if cameo else None,
                goldstein=cameo.goldstein if cameo else None,
                quad_code=self.ontology.quad_class(entry.type),
                event_loc=cand.place,
                factuality=cand.factuality,
                confidence=cand.confidence,
                event_text=" ".join(t.text for t in cand.trigger_tokens),
                text=sentence["sentence"],
                evidence=[evidence],
                **dates,
            )


@dataclass
class Analysis:
    context: DocContext
    timexes: list
    places: list
    anchors: dict
    quiet: list = field(default_factory=list)  # character spans kept out of coding (wire.quiet_spans)


def outside(candidates: list[Candidate], quiet: list[tuple[int, int]]) -> list[Candidate]:
    """Candidates whose trigger is not in a byline, press-release header, contact block or
    editors' note ("For more information, contact ..." is no CONSULT)."""
    if not quiet:
        return candidates
    return [c for c in candidates if not any(s <= c.trigger.idx < e for s, e in quiet)]


def bounded_batches(articles: Iterable[Article], max_articles: int, max_chars: int) -> Iterator[list[Article]]:
    """Articles in batches of at most ``max_articles`` and, unless one article alone is longer,
    ``max_chars`` characters. (spaCy's batchers bound one measure; the parser's memory needs both.)"""
    batch: list[Article] = []
    chars = 0
    for article in articles:
        size = len(article.body)
        if batch and (len(batch) >= max_articles or chars + size > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(article)
        chars += size
    if batch:
        yield batch


def coder_model(choice: str | None) -> CoderModel | None:
    """The trained coder: a user's model directory, the shipped one, or none ("rules")."""
    if choice == "rules":
        return None
    if choice:
        return CoderModel.load(choice)
    return load_shipped()


def _title_end(doc: Doc, article: Article) -> int:
    """Index of the headline's last token (-1 without a headline)."""
    if not article.title:
        return -1
    end = len(article.title)
    last = -1
    for tok in doc:
        if tok.idx >= end:
            break
        last = tok.i
    return last


def _sentence_fields(sent) -> dict:
    """A sentence's evidence fields: its text without surrounding space, and its offsets."""
    text = span_text(sent)
    return {"sentence": text.strip(), "sentence_start": sent.start_char,
            "sentence_end": sent.start_char + len(text.rstrip())}


def _dated_away(timex, published: date | None) -> date | None:
    """The first day the text dates an event on, where that date does not hold the article's
    own ("in 1983" in a 2009 story; not "this year" nor "in March" of the article's month):
    people's posts are looked up there (``KnowledgeBase.person_on``)."""
    if timex is None or published is None or timex.begin is None or timex.precision == "unknown":
        return None
    first, last = (d.date() if isinstance(d, datetime) else d for d in (timex.begin, timex.until or timex.begin))
    return None if first <= published <= last else first


def _informative(actor):
    """An actor with neither country nor sector tells nothing: unknown."""
    return actor if actor is not None and (actor.code or actor.sector) else None


def _place_country(gazetteer, min_population: int = 20000):
    """The country of a sizeable place of that name, when the name is not shared by a
    sizeable place in another country ("Karachi" -> PAK; "Georgia" is ambiguous)."""

    def country(name: str) -> str | None:
        big = [c for c in gazetteer.lookup(name) if c.population >= min_population and c.country]
        countries = {c.country for c in big}
        return big[0].country if len(countries) == 1 else None

    return country


def _town_not_person(gazetteer, kb):
    """A one-word 'person' that is a known town and no known person is a town."""

    def is_place(name: str) -> bool:
        return gazetteer.knows(name) and not any(e.kind == "person" for e in kb.lookup(name))

    return is_place


def _document_countries(actors: ActorIndex, kb: KnowledgeBase) -> set[str]:
    codes = set()
    for m in actors.mentions:
        for a in actors.actors(m):
            if a.code and a.code not in ("IGO", "NGO"):
                codes.add(a.code)
    return codes


def _lede_end(article: Article) -> int:
    """End of the first body paragraph: headline, sub-headline and lede restate the main event."""
    head = len("\n\n".join(p for p in (article.title, article.dek) if p))
    first_para = article.text.split("\n\n", 1)[0]
    return head + (2 if head else 0) + len(first_para)


def _attach_orphans(events: list[Event], orphans: list[Candidate], article: Article) -> None:
    """A nominal mention naming no one ("the invasion began on February 24", "Wednesday's
    call") refers back to the article's event of that type: it adds evidence, dates it when
    that event had only the publication date, and gives it a mode it lacked (a call: phone)."""
    for cand in orphans:
        if cand.trigger.pos_ not in ("NOUN", "PROPN") or cand.factuality != "asserted":
            continue
        dates = date_fields(cand.timex, article.published, article.published_from)
        same_type = [e for e in events if e.event == cand.entry.type and e.factuality == "asserted"]
        same_rule = [e for e in same_type if any(ev.rule == cand.entry.id for ev in e.evidence)]
        if dates["date_source"] == "text":  # a dated mention: the event of that date, else an undated one of its kind
            fitting = [e for e in same_type if e.date_source == "text" and e.date == dates["date"]] or [
                e for e in same_rule if e.date_source != "text"]
        else:  # the event its own words were read as, else the article's other one of its type
            fitting = same_rule or same_type
        if not fitting:
            continue
        before = [e for e in fitting if e.evidence[0].trigger[0] <= cand.trigger.idx]
        target = before[-1] if before else fitting[0]
        first, last = cand.trigger_tokens[0], cand.trigger_tokens[-1]
        target.evidence.append(Evidence(
            article_id=article.id, **_sentence_fields(sentence_of(cand.trigger)), trigger=(first.idx, last.idx + len(last.text)),
            time_span=(cand.timex.start, cand.timex.end) if cand.timex is not None else None,
            rule=cand.entry.id, path="coreferent-mention",
        ))
        if target.date_source != "text" and dates["date_source"] == "text":
            target.date, target.date_end = dates["date"], dates["date_end"]
            target.date_precision, target.date_source = dates["date_precision"], "text"
        target.mode = target.mode or cand.mode


def _annotations(actors: ActorIndex, timexes, places, events: list[Event]) -> list[dict]:
    """Character spans for highlighting: actors, triggers, dates, places."""
    tokens = words_of(actors.doc).tokens  # a mention's characters from its first and last tokens: no Span made
    spans = []
    for m in actors.mentions:
        first = next(iter(actors.actors(m)), None)
        label = first.full_code if first else ""
        last = tokens[m.end - 1]
        spans.append({"kind": "actor", "start": tokens[m.start].idx, "end": last.idx + len(last), "label": label, "how": m.how})
    for timex, _ in timexes:
        spans.append({"kind": "time", "start": timex.start, "end": timex.end, "label": timex.value})
    for place in places:
        if place.start is not None:
            spans.append({"kind": "place", "start": place.start, "end": place.end, "label": f"{place.name} ({place.country})"})
    for event in events:
        for ev in event.evidence:
            spans.append({"kind": "trigger", "start": ev.trigger[0], "end": ev.trigger[1], "label": event.event, "event_id": event.id})
    return sorted(spans, key=lambda s: (s["start"], s["end"]))
