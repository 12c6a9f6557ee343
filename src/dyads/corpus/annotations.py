"""The annotated corpus: documents, sentences and event mentions with character spans.

Two kinds of file hold it (the format is in ``corpus/README.md``; how to annotate in
``docs/annotation.md``):

* **written** documents (``corpus/written/*.jsonl``), whose text the project wrote: each
  sentence is given with its events, spans quoted as the words of the sentence;
* **real-text** annotations (``corpus/real-*/*.jsonl``) of articles in ``../shared/corpora``,
  stored as article id and character offsets only (the text stays where it is).

Both are read into one model: a ``CorpusDoc`` whose ``article`` is what the pipeline
codes and whose ``sentences`` carry ``Mention``s with offsets into ``article.body``.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterator

import pycountry

from dyads.events.ontology import Ontology
from dyads.ingest.records import normalise
from dyads.models import FACTUALITY, Article

SECTORS = frozenset("GOV MIL COP JUD LEG PTY OPP REB UAF CRM SPY BUS MED CVL REF ELI EDU HLH LAB AGR REL ENV NGO".split())
NEGATIVE_KINDS = frozenset("sports markets economy weather disaster disease accident business culture science "
                           "figurative background procedure crime other".split())
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class Argument:
    """An actor or recipient: the words naming it (None when the sentence has none) and its code."""

    span: tuple[int, int] | None
    code: str | None
    sector: str | None = None
    org: str | None = None


@dataclass(frozen=True)
class Mention:
    trigger: tuple[int, int]
    type: str
    mode: str | None
    actors: tuple[Argument, ...]
    recipients: tuple[Argument, ...]
    factuality: str = "asserted"
    symmetric: bool = False
    date: str | None = None
    place: tuple[int, int] | None = None
    derived: str | None = None  # "intent": an AGREE derived from a stated future act (docs/annotation.md §5)


@dataclass
class AnnotatedSentence:
    start: int  # offsets into the document's article.body
    end: int
    mentions: list[Mention]
    negative: str | None = None  # the kind of hard negative ("sports", "markets", ...)


@dataclass
class CorpusDoc:
    id: str
    article: Article
    sentences: list[AnnotatedSentence]  # only the annotated ones (real text: a sample)
    origin: str
    meta: dict = field(default_factory=dict)

    @property
    def split(self) -> str:
        return split_of(self.id)


class AnnotationProblem(Exception):
    """One thing wrong with one record; the reader reports it with file:line and goes on."""


def split_of(doc_id: str) -> str:
    """The fixed split of a written document, from its id alone: 80 % train, 10 % dev, 10 % test."""
    bucket = int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) % 10
    return "test" if bucket == 0 else "dev" if bucket == 1 else "train"


# -- vocabularies -------------------------------------------------------------------

@cache
def _ontology() -> Ontology:
    return Ontology.load()


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | {"XKX"}


def check_code(code, where: str) -> None:
    if code is None or code in ("IGO", "NGO"):
        return
    if not isinstance(code, str) or code not in country_codes():
        raise AnnotationProblem(f"{where}: {code!r} is no ISO 3166-1 alpha-3 country code, IGO or NGO")


def check_event_fields(ev: dict, where: str) -> None:
    ontology = _ontology()
    etype = ev.get("type")
    if etype not in ontology.types:
        raise AnnotationProblem(f"{where}: type {etype!r} is no PLOVER 2.0 type")
    mode = ev.get("mode")
    if mode is not None and mode not in ontology.types[etype].modes:
        known = ", ".join(ontology.types[etype].modes) or "none"
        raise AnnotationProblem(f"{where}: mode {mode!r} is not a mode of {etype} ({known})")
    if ev.get("factuality", "asserted") not in FACTUALITY:
        raise AnnotationProblem(f"{where}: factuality {ev.get('factuality')!r} is not one of {', '.join(FACTUALITY)}")
    date = ev.get("date")
    if date is not None and not (isinstance(date, str) and DATE.match(date)):
        raise AnnotationProblem(f"{where}: date {date!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    if not isinstance(ev.get("symmetric", False), bool):
        raise AnnotationProblem(f"{where}: symmetric must be true or false")
    if ev.get("derived") not in (None, "intent"):
        raise AnnotationProblem(f"{where}: derived {ev.get('derived')!r} is not 'intent'")


def check_argument(arg: dict, where: str) -> None:
    if not isinstance(arg, dict):
        raise AnnotationProblem(f"{where}: an actor or recipient is an object or null")
    check_code(arg.get("code"), where)
    sector = arg.get("sector")
    if sector is not None and sector not in SECTORS:
        raise AnnotationProblem(f"{where}: sector {sector!r} is not one of {' '.join(sorted(SECTORS))}")
    if arg.get("code") is None and sector is None and arg.get("text") is None:
        raise AnnotationProblem(f"{where}: an argument needs words, a code or a sector (or write null)")


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# -- quoted spans -----------------------------------------------------------------------

def find_quote(sentence: str, quote, occurrence: int, where: str) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th appearance (1-based) of ``quote`` in the sentence."""
    if not isinstance(quote, str) or not quote.strip():
        raise AnnotationProblem(f"{where}: expected the words as a non-empty string, got {quote!r}")
    start = -1
    for _ in range(max(1, int(occurrence or 1))):
        start = _find_words(sentence, quote, start + 1)
        if start < 0:
            raise AnnotationProblem(f"{where}: {quote!r} is not in the sentence" + (f" {occurrence} times" if occurrence and occurrence > 1 else ""))
    return start, start + len(quote)


def _find_words(text: str, quote: str, begin: int) -> int:
    """The next match of ``quote`` that starts and ends at word boundaries ("war" not in "warned")."""
    pos = text.find(quote, begin)
    while pos >= 0:
        before = text[pos - 1] if pos > 0 else " "
        after = text[pos + len(quote)] if pos + len(quote) < len(text) else " "
        if not (before.isalnum() and quote[0].isalnum()) and not (after.isalnum() and quote[-1].isalnum()):
            return pos
        pos = text.find(quote, pos + 1)
    return -1


def quoted_mention(ev: dict, sentence: str, offset: int, where: str) -> Mention:
    """A mention whose spans are quoted words of ``sentence`` (which starts at ``offset``)."""
    if not isinstance(ev, dict):
        raise AnnotationProblem(f"{where}: an event is a JSON object")
    check_event_fields(ev, where)

    def span(quote, n=1, what="trigger"):
        s, e = find_quote(sentence, quote, n, f"{where} {what}")
        return s + offset, e + offset

    def arguments(key):
        made = []
        for i, arg in enumerate(as_list(ev.get(key))):
            check_argument(arg, f"{where} {key}")
            words = arg.get("text")
            made.append(Argument(span(words, arg.get("text_n", 1), key) if words is not None else None,
                                 arg.get("code"), arg.get("sector"), arg.get("org")))
        return tuple(made)

    place = ev.get("place")
    return Mention(
        trigger=span(ev.get("trigger"), ev.get("trigger_n", 1)),
        type=ev["type"], mode=ev.get("mode"), actors=arguments("actor"), recipients=arguments("recipient"),
        factuality=ev.get("factuality", "asserted"), symmetric=bool(ev.get("symmetric", False)),
        date=ev.get("date"), place=span(place, 1, "place") if isinstance(place, str) else None, derived=ev.get("derived"),
    )


# -- written documents --------------------------------------------------------------------

def written_doc(rec: dict, origin: str) -> CorpusDoc:
    """A document the project wrote: its sentences, joined as the pipeline joins an article."""
    if not isinstance(rec, dict):
        raise AnnotationProblem("a document is a JSON object")
    doc_id = rec.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise AnnotationProblem("no 'id'")
    published = rec.get("published")
    if published is not None and not (isinstance(published, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", published)):
        raise AnnotationProblem(f"{doc_id}: published {published!r} is not YYYY-MM-DD or null")
    paragraphs = rec.get("paragraphs")
    if not isinstance(paragraphs, list) or not paragraphs or not all(isinstance(p, list) and p for p in paragraphs):
        raise AnnotationProblem(f"{doc_id}: 'paragraphs' must be a non-empty list of non-empty lists of sentences")
    title = rec.get("title")
    units = ([title] if title is not None else []) + [s for p in paragraphs for s in p]
    for i, unit in enumerate(units):
        if not isinstance(unit, dict) or not isinstance(unit.get("text"), str) or not unit["text"].strip():
            raise AnnotationProblem(f"{doc_id}: sentence {i}: expected {{\"text\": ..., \"events\": [...]}}")
        if unit["text"] != normalise(unit["text"]) or "\n" in unit["text"]:
            raise AnnotationProblem(f"{doc_id}: sentence {i}: stray whitespace or control characters in {unit['text'][:40]!r}")
        if not isinstance(unit.get("events"), list):
            raise AnnotationProblem(f"{doc_id}: sentence {i}: 'events' must be a list ([] for none)")
        negative = unit.get("negative")
        if negative is not None and negative not in NEGATIVE_KINDS:
            raise AnnotationProblem(f"{doc_id}: sentence {i}: negative {negative!r} is not one of {' '.join(sorted(NEGATIVE_KINDS))}")
        if negative is not None and unit["events"]:
            raise AnnotationProblem(f"{doc_id}: sentence {i}: a sentence marked negative has events")
    text = "\n\n".join(" ".join(s["text"] for s in p) for p in paragraphs)
    article = Article(id=doc_id, title=title["text"] if title else "", text=text,
                      published=_date(published), source=rec.get("source"), origin=origin)
    sentences, offset = [], 0
    body = article.body
    for i, unit in enumerate(units):
        start = body.index(unit["text"], offset)
        mentions = [quoted_mention(ev, unit["text"], start, f"{doc_id}: sentence {i} event {j}")
                    for j, ev in enumerate(unit["events"])]
        sentences.append(AnnotatedSentence(start, start + len(unit["text"]), mentions, unit.get("negative")))
        offset = start + len(unit["text"])
    meta = {k: rec.get(k) for k in ("style", "source", "countries", "decade") if rec.get(k) is not None}
    return CorpusDoc(doc_id, article, sentences, origin, meta)


def _date(value):
    from datetime import date

    return date.fromisoformat(value) if value else None


# -- real text, by offsets --------------------------------------------------------------------

SHARED_CORPORA = {"ag_news_world_2004": "ag_news_world_2004.jsonl", "india_police_events_2002": "india_police_events_2002.jsonl"}


@cache
def _shared_records(path: str) -> dict[str, dict]:
    records = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            records[rec["id"]] = rec
    return records


def shared_record(shared: Path, corpus: str, doc: str) -> dict:
    if corpus not in SHARED_CORPORA:
        raise AnnotationProblem(f"unknown corpus {corpus!r} (one of {', '.join(SHARED_CORPORA)})")
    path = Path(shared) / "corpora" / SHARED_CORPORA[corpus]
    if not path.is_file():
        raise AnnotationProblem(f"{path}: not found (real-text annotations need ../shared beside the repository)")
    rec = _shared_records(str(path)).get(doc)
    if rec is None:
        raise AnnotationProblem(f"{corpus}: no article {doc!r}")
    return rec


def real_article(rec: dict, corpus: str) -> Article:
    from dyads.ingest.records import article_from_record, parse_published

    return article_from_record(rec, f"{corpus}:{rec['id']}", rec["id"], parse_published(rec.get("published"), rec["id"]))


def sentence_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def real_docs(records: list[tuple[dict, str]], shared: Path) -> Iterator[CorpusDoc | tuple[str, str]]:
    """Real-text annotations grouped into documents; a bad record yields (origin, reason)."""
    by_doc: dict[tuple[str, str], list[tuple[dict, str]]] = {}
    for rec, origin in records:
        by_doc.setdefault((rec.get("corpus"), rec.get("doc")), []).append((rec, origin))
    for (corpus, doc_id), group in by_doc.items():
        try:
            source = shared_record(shared, corpus, doc_id)
        except AnnotationProblem as exc:
            for _, origin in group:
                yield origin, str(exc)
            continue
        article = real_article(source, corpus)
        sentences = []
        for rec, origin in group:
            try:
                sentences.append(real_sentence(rec, source, article))
            except AnnotationProblem as exc:
                yield origin, str(exc)
        if sentences:
            sentences.sort(key=lambda s: s.start)
            tasks = [rec.get("task", "") for rec, _ in group]
            yield CorpusDoc(f"{corpus}:{doc_id}", article, sentences, group[0][1], {"corpus": corpus, "tasks": tasks})


def real_sentence(rec: dict, source: dict, article: Article) -> AnnotatedSentence:
    """An annotated sentence of a shared article: raw offsets into its field, mapped onto the
    normalised article body the pipeline codes (mojibake repaired, whitespace tidied)."""
    fieldname = rec.get("field", "text")
    raw = source.get(fieldname) or ""
    start, end = rec.get("start"), rec.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw)):
        raise AnnotationProblem(f"offsets {start}-{end} lie outside the article's {fieldname}")
    if rec.get("sha1") and sentence_hash(raw[start:end]) != rec["sha1"]:
        raise AnnotationProblem("the sentence at these offsets is not the one annotated (the source file changed?)")
    body = article.body
    sentence_norm = normalise(raw[start:end]).replace("\n\n", " ")
    base = _locate(body, sentence_norm, rec.get("task", ""))

    def mapped(span, what):
        if span is None:
            return None
        s, e = span
        if not (start <= s < e <= end):
            raise AnnotationProblem(f"{what} span {s}-{e} lies outside the sentence {start}-{end}")
        words = normalise(raw[s:e]).replace("\n\n", " ")
        guess = len(normalise(raw[start:s] + "x").replace("\n\n", " ")) - 1
        at = _nearest(sentence_norm, words, guess)
        if at < 0:  # a quote cut inside a mojibake sequence ("shiv senaÂ"): its clean core
            words = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", words)
            at = _nearest(sentence_norm, words, guess) if words else -1
        if at < 0:
            raise AnnotationProblem(f"{what} {raw[s:e]!r} not found in the normalised sentence")
        return base + at, base + at + len(words)

    mentions = []
    for ev in rec.get("events", []):
        check_event_fields(ev, rec.get("task", ""))
        args = {}
        for key in ("actor", "recipient"):
            args[key] = tuple(Argument(mapped(a.get("span") and tuple(a["span"]), key), a.get("code"), a.get("sector"), a.get("org"))
                              for a in as_list(ev.get(key)))
        mentions.append(Mention(
            trigger=mapped(tuple(ev["trigger"]), "trigger"), type=ev["type"], mode=ev.get("mode"),
            actors=args["actor"], recipients=args["recipient"], factuality=ev.get("factuality", "asserted"),
            symmetric=bool(ev.get("symmetric", False)), date=ev.get("date"),
            place=mapped(ev.get("place") and tuple(ev["place"]), "place"), derived=ev.get("derived"),
        ))
    return AnnotatedSentence(base, base + len(sentence_norm), mentions, rec.get("negative"))


def _locate(body: str, sentence: str, task: str) -> int:
    at = body.find(sentence)
    if at < 0:
        raise AnnotationProblem(f"{task}: the sentence is not in the article as the pipeline reads it")
    return at


def _nearest(text: str, words: str, guess: int) -> int:
    hits = [m.start() for m in re.finditer(re.escape(words), text)]
    return min(hits, key=lambda h: abs(h - guess)) if hits else -1


# -- reading files ---------------------------------------------------------------------------

@dataclass
class CorpusRead:
    docs: list[CorpusDoc]
    problems: list[tuple[str, str]]  # (file:line, reason)


def jsonl_records(path: Path) -> Iterator[tuple[dict | None, str, str | None]]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            origin = f"{path}:{lineno}"
            try:
                yield json.loads(line), origin, None
            except json.JSONDecodeError as exc:
                yield None, origin, f"not JSON ({exc.msg} at column {exc.colno})"


def first_record(path: Path) -> dict | None:
    """The first JSON object of a JSONL file (None when it has none): what kind of file it is."""
    with open(path, encoding="utf-8") as fh:
        first = next((line for line in fh if line.strip()), "")
    try:
        rec = json.loads(first)
    except json.JSONDecodeError:
        return None
    return rec if isinstance(rec, dict) else None


def corpus_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(path.rglob("*.jsonl"))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(path)
    return files


def read_corpus(paths: list[Path], shared: Path | None = None) -> CorpusRead:
    """Read written and real-text annotation files; every bad record is a problem with its
    file:line, every good one is kept."""
    docs, problems, real = [], [], []
    seen: dict[str, str] = {}
    for path in corpus_files(paths):
        for rec, origin, error in jsonl_records(path):
            if error:
                problems.append((origin, error))
                continue
            if isinstance(rec, dict) and "corpus" in rec:
                real.append((rec, origin))
                continue
            try:
                doc = written_doc(rec, origin)
            except AnnotationProblem as exc:
                problems.append((origin, str(exc)))
                continue
            if doc.id in seen:
                problems.append((origin, f"id {doc.id!r} already used at {seen[doc.id]}"))
                continue
            seen[doc.id] = origin
            docs.append(doc)
    if real:
        for item in real_docs(real, Path(shared or "../shared")):
            if isinstance(item, CorpusDoc):
                docs.append(item)
            else:
                problems.append(item)
    return CorpusRead(docs, problems)


# -- from quoted words to offsets (real-text annotation) ---------------------------------------

def anchor_annotation(task: dict, annotation: dict) -> dict:
    """A real-text record with offsets from an annotation that quotes words of the task's
    sentence: annotators read the sentence and quote it, the repository keeps offsets only."""
    sentence, base = task["sentence"], task["start"]
    where = annotation.get("task", "?")
    events = []
    for j, ev in enumerate(annotation.get("events") or []):
        at = f"{where} event {j}"
        if not isinstance(ev, dict):
            raise AnnotationProblem(f"{at}: an event is a JSON object")
        check_event_fields(ev, at)

        def span(quote, n, what):
            s, e = find_quote(sentence, quote, n, f"{at} {what}")
            return [base + s, base + e]

        made = {"trigger": span(ev.get("trigger"), ev.get("trigger_n", 1), "trigger"), "type": ev["type"], "mode": ev.get("mode")}
        for key in ("actor", "recipient"):
            made[key] = []
            for arg in as_list(ev.get(key)):
                check_argument(arg, f"{at} {key}")
                words = arg.get("text")
                made[key].append({"span": span(words, arg.get("text_n", 1), key) if words is not None else None,
                                  **{k: arg.get(k) for k in ("code", "sector", "org") if arg.get(k) is not None}})
        made.update(factuality=ev.get("factuality", "asserted"), symmetric=bool(ev.get("symmetric", False)), date=ev.get("date"),
                    place=span(ev["place"], 1, "place") if isinstance(ev.get("place"), str) else None)
        if ev.get("derived"):
            made["derived"] = ev["derived"]
        events.append(made)
    negative = annotation.get("negative")
    if negative is not None and negative not in NEGATIVE_KINDS:
        raise AnnotationProblem(f"{where}: negative {negative!r} is not one of {' '.join(sorted(NEGATIVE_KINDS))}")
    record = {k: task[k] for k in ("task", "corpus", "doc", "field", "start", "end", "sha1")}
    record["events"] = events
    if negative and not events:
        record["negative"] = negative
    return record
