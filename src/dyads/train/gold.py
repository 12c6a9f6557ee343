"""A user's own annotated documents for `dyads train --add`.

Two kinds of file are read:

* corpus files (``corpus/README.md``), as the project's own corpus;
* the gold JSONL that `dyads review export` writes from the workbench: each reviewed
  event carries ``evidence`` (its sentence and the offsets of its trigger, actor and
  recipient in the article). A sentence counts as annotated when every event coded in it
  was reviewed: accepted and corrected events are its mentions, rejected events teach
  that their words were no event. Sentences with an unreviewed event are left out.
"""
from __future__ import annotations

from pathlib import Path

from dyads.corpus.annotations import (AnnotatedSentence, AnnotationProblem, Argument, CorpusDoc, Mention, check_code,
                                      first_record, jsonl_records, read_corpus)
from dyads.errors import DyadsError
from dyads.ingest.records import article_from_record


def read_additions(paths: list[Path], shared: Path) -> tuple[list[CorpusDoc], list[tuple[str, str]]]:
    docs, problems = [], []
    for path in paths:
        files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            if _is_review_gold(file):
                found, bad = read_review_gold(file)
            else:
                read = read_corpus([file], shared)
                found, bad = read.docs, read.problems
            docs += found
            problems += bad
    return docs, problems


def _is_review_gold(path: Path) -> bool:
    rec = first_record(path)
    return rec is not None and "events" in rec and "paragraphs" not in rec and "corpus" not in rec


def read_review_gold(path: Path) -> tuple[list[CorpusDoc], list[tuple[str, str]]]:
    docs, problems = [], []
    for rec, origin, error in jsonl_records(path):
        if error:
            problems.append((origin, error))
            continue
        try:
            doc = review_doc(rec, origin)
        except (AnnotationProblem, KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append((origin, f"not a reviewed gold document ({exc})"))
            continue
        except DyadsError as exc:  # the record's own fields (an InputError from ingest)
            problems.append((origin, str(exc)))
            continue
        if doc is None:
            problems.append((origin, "no event carries evidence offsets (export it again with this dyads)"))
        elif doc.sentences:
            docs.append(doc)
    return docs, problems


def review_doc(rec: dict, origin: str) -> CorpusDoc | None:
    article = article_from_record(rec, origin, rec.get("id") or origin)
    sentences: dict[tuple[int, int], list] = {}
    unknown: set[tuple[int, int]] = set()
    with_evidence = 0
    for key, required in (("events", None), ("rejected", False)):
        for ev in rec.get(key) or []:
            evidence = ev.get("evidence")
            if not evidence or evidence.get("trigger") is None:
                continue
            with_evidence += 1
            where = (int(evidence["sentence_start"]), int(evidence["sentence_end"]))
            sentences.setdefault(where, [])
            if key == "events" and not ev.get("required", True):
                unknown.add(where)
            elif key == "events":
                sentences[where].append(_mention(ev, evidence))
    if not with_evidence:
        return None
    body_len = len(article.body)
    annotated = [AnnotatedSentence(s, e, mentions) for (s, e), mentions in sorted(sentences.items())
                 if (s, e) not in unknown and 0 <= s < e <= body_len]
    return CorpusDoc(article.id, article, annotated, origin, {"source": "review"})


def _mention(ev: dict, evidence: dict) -> Mention:
    for side in ("actor", "recipient"):
        check_code(ev.get(side), side)
    span = lambda key: tuple(evidence[key]) if evidence.get(key) else None  # noqa: E731
    actor = Argument(span("actor_span"), ev.get("actor")) if ev.get("actor") or evidence.get("actor_span") else None
    recipient = Argument(span("recipient_span"), ev.get("recipient")) if ev.get("recipient") or evidence.get("recipient_span") else None
    return Mention(trigger=tuple(evidence["trigger"]), type=str(ev["type"]).upper(), mode=ev.get("mode"),
                   actors=(actor,) if actor else (), recipients=(recipient,) if recipient else ())
