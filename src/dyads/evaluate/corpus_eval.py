"""Scoring the coder on the annotated corpus, sentence by sentence.

Each annotated sentence is one unit: its gold events are its asserted mentions (one per
type and country dyad, as elsewhere in ``dyads eval``); the coded events of a sentence are
those with a mention (evidence) in it, after the whole document was coded, so that
coreference and headline merging work as they do for a user. Besides precision, recall
and F1 at three levels, it reports false alarms per 100 sentences without any event.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dyads.corpus.annotations import CorpusDoc, Mention, first_record
from dyads.evaluate.events_eval import EvalReport, GoldDoc, GoldEvent, Predicted, _distinct, _org_class, score
from dyads.models import Article


def is_corpus(path: Path) -> bool:
    """A folder, or a JSONL file whose first record is a written document or a real-text annotation."""
    if path.is_dir():
        return True
    if path.suffix != ".jsonl" or not path.is_file():
        return False
    rec = first_record(path)
    return rec is not None and ("paragraphs" in rec or "corpus" in rec)


def gold_events(mention_list: list[Mention]) -> list[GoldEvent]:
    events = []
    for m in mention_list:
        if m.factuality != "asserted":
            continue
        actors = m.actors or (None,)
        recipients = m.recipients or (None,)
        for a in actors:
            for r in recipients:
                events.append(GoldEvent(
                    type=m.type, actor=_org_class(a.code) if a else None, recipient=_org_class(r.code) if r else None,
                    date=m.date, mode=m.mode, symmetric=m.symmetric,
                    actor_sector=a.sector if a else None, recipient_sector=r.sector if r else None,
                ))
    return _distinct(events)


@dataclass
class CorpusReport:
    report: EvalReport
    sentences: int
    no_event_sentences: int
    false_alarms_on_no_event: int

    @property
    def false_alarms_per_100(self) -> float:
        return round(100 * self.false_alarms_on_no_event / self.no_event_sentences, 2) if self.no_event_sentences else 0.0

    def as_dict(self) -> dict:
        return {**self.report.as_dict(), "sentences": self.sentences, "no_event_sentences": self.no_event_sentences,
                "false_alarms_on_no_event": self.false_alarms_on_no_event, "false_alarms_per_100_no_event": self.false_alarms_per_100}


def evaluate_corpus(docs: list[CorpusDoc], pipeline) -> CorpusReport:
    """Code the documents with the pipeline and score them sentence by sentence."""
    return evaluate_corpus_each(docs, pipeline, [pipeline.coder_model])[0]


def evaluate_corpus_each(docs: list[CorpusDoc], pipeline, models: list) -> list[CorpusReport]:
    """One report for each of ``models`` (coder models; None for the rules alone), all
    coded from one parse of the documents (``dyads eval --compare``)."""
    by_id = {d.article.id: d for d in docs}
    pairs: list[list] = [[] for _ in models]
    for coded_each in pipeline.code_each((d.article for d in docs), models):
        for found, coded in zip(pairs, coded_each):
            found.append((by_id[coded.article.id], coded))
    return [score_coded(found) for found in pairs]


def score_coded(pairs) -> CorpusReport:
    """Score (annotated document, coded article) pairs sentence by sentence."""
    units: list[GoldDoc] = []
    predictions: dict[str, list[Predicted]] = {}
    no_event = fa_no_event = 0
    for doc, coded in pairs:
        for sent in doc.sentences:
            uid = f"{doc.id}@{sent.start}"
            text = doc.article.body[sent.start:sent.end]
            units.append(GoldDoc(Article(id=uid, text=text), gold_events(sent.mentions)))
            predicted = [Predicted.from_event(e) for e in coded.events if e.factuality == "asserted"
                         and any(sent.start <= ev.trigger[0] < sent.end for ev in e.evidence)]
            predictions[uid] = predicted
            if not sent.mentions:
                no_event += 1
                fa_no_event += len(predicted)
    return CorpusReport(score(units, predictions, document_of=lambda unit: unit.rsplit("@", 1)[0]),
                        len(units), no_event, fa_no_event)
