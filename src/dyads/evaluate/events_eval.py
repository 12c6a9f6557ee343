"""`dyads eval`: score the event coder against gold events.

Gold formats: dyads gold JSONL (documents with ``events``), the PLOVER
gold-standard JSON (PLOVER 0.5 types mapped to 2.0) and PETRARCH validation XML
(CAMEO codes mapped to PLOVER with the ontology's CAMEO table). Three levels:
type; type + actor country; type + actor and recipient countries. Events marked
``required: false`` count neither as misses nor as false alarms. Only asserted
events are scored (negated, hypothetical and future ones did not happen). Each F1 comes
with its 95 % bootstrap interval over documents (``dyads.evaluate.bootstrap``).
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import numpy as np

from dyads.errors import GoldFormatError
from dyads.evaluate.bootstrap import Difference, f1_difference, f1_interval
from dyads.ingest import article_from_record, normalise
from dyads.models import Article, Event

PLOVER05_TO_20 = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
LEVELS = ("type", "type+actor", "type+dyad")


@dataclass
class GoldEvent:
    type: str
    actor: str | None
    recipient: str | None
    date: str | None = None
    mode: str | None = None
    required: bool = True
    symmetric: bool = False
    actor_sector: str | None = None
    recipient_sector: str | None = None
    note: str = ""


@dataclass
class GoldDoc:
    article: Article
    events: list[GoldEvent]
    no_events: bool = False


@dataclass
class Predicted:
    type: str
    actor: str | None
    recipient: str | None
    date: str | None
    actor_sector: str | None
    recipient_sector: str | None
    text: str
    event_id: str

    @classmethod
    def from_event(cls, e: Event) -> "Predicted":
        return cls(
            e.event, _scored_code(e.actor), _scored_code(e.recipient), e.date,
            e.actor.sector if e.actor else None, e.recipient.sector if e.recipient else None,
            e.event_text, e.id,
        )


def _scored_code(actor) -> str | None:
    if actor is None:
        return None
    return _org_class(actor.code)


def _org_class(code: str | None) -> str | None:
    """Gold sets call international NGOs IGO as often as NGO (Amnesty, the Red Cross are
    IGO; "a human rights group" is NGO); both sides score them as one class, IGO."""
    return "IGO" if code == "NGO" else code


# CAMEO role (sector) codes: the first of these after the country or organisation code
# is the actor's sector ("IRQGOVMIL" -> GOV, "PSEGZACVL" -> CVL, "IGOUNOMIL" -> MIL);
# region, religion and ethnic codes ("GZA", "MUS", "alb") are not sectors.
CAMEO_SECTORS = frozenset("GOV MIL COP JUD LEG REB INS SEP OPP PTY BUS MED CVL REF ELI EDU HLH LAB AGR CRM SPY UAF DEV HRI ENV REL".split())
# Gold typos: CAMEO has no CIV; civilians are CVL.
SECTOR_ALIASES = {"CIV": "CVL"}


def _gold_sector(value: str | None) -> str | None:
    """A gold sector field compared on its CAMEO role code: 'CVLalb' is CVL (an ethnic
    sub-code follows); '***' (the coder could not tell) and codes that are no role
    ('MOS', a religion) leave no sector to score."""
    code = (value or "").strip()[:3].upper()
    code = SECTOR_ALIASES.get(code, code)
    return code if code in CAMEO_SECTORS else None


# -- reading gold ------------------------------------------------------------------

def read_gold(path: Path, cameo_to_iso=lambda c: c, cameo_to_plover=None) -> list[GoldDoc]:
    if not path.exists():
        raise GoldFormatError(f"{path}: no such file")
    name = path.name.lower()
    if name.endswith(".xml"):
        docs = _read_petrarch(path, cameo_to_iso, cameo_to_plover)
    elif name.endswith(".json"):
        docs = _read_plover(path, cameo_to_iso)
    else:
        docs = _read_dyads(path)
    return _unique_ids(docs)


def _unique_ids(docs: list[GoldDoc]) -> list[GoldDoc]:
    """Predictions are filed by document id; a repeated id (the PLOVER file has one)
    gets a '#2' suffix so two records never share one set of predictions."""
    seen: Counter = Counter()
    for doc in docs:
        seen[doc.article.id] += 1
        if seen[doc.article.id] > 1:
            doc.article.id = f"{doc.article.id}#{seen[doc.article.id]}"
    return docs


def _read_dyads(path: Path) -> list[GoldDoc]:
    docs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        try:
            rec = json.loads(line)
            article = article_from_record(rec, origin, f"gold-{lineno}")
            events = [
                GoldEvent(
                    type=e["type"].upper(), actor=e.get("actor"), recipient=e.get("recipient"), date=e.get("date"),
                    mode=e.get("mode"), required=e.get("required", True), symmetric=e.get("symmetric", False),
                    note=e.get("note", ""),
                )
                for e in rec.get("events", [])
            ]
        except (json.JSONDecodeError, KeyError, AttributeError, TypeError) as exc:
            raise GoldFormatError(f"{origin}: not a dyads gold document ({exc})") from None
        except Exception as exc:  # InputError and friends
            raise GoldFormatError(f"{origin}: {exc}") from None
        docs.append(GoldDoc(article, events))
    return docs


def _plover_actors(value, cameo_to_iso) -> list[tuple[str | None, str | None]]:
    if not value:
        return [(None, None)]
    if isinstance(value, (str, dict)):  # a few records give one actor, or a bare code
        value = [value if isinstance(value, dict) else {"code": value}]
    out = []
    for a in value:
        code = (a.get("code") or "").strip()
        if not re.fullmatch(r"[A-Z]{3}", code):  # a misplaced field ("target": "diplomatic") names no actor
            out.append((None, None))
            continue
        out.append((_org_class(cameo_to_iso(code)) if code not in ("IGO", "NGO") else _org_class(code), _gold_sector(a.get("sector"))))
    return out or [(None, None)]


def _read_plover(path: Path, cameo_to_iso) -> list[GoldDoc]:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GoldFormatError(f"{path}:{exc.lineno}: malformed JSON ({exc.msg})") from None
    docs = []
    for rec in records:
        etype = (rec.get("event") or "").upper()
        if etype in ("", "DOCUMENT"):
            continue
        etype = PLOVER05_TO_20.get(etype, etype)
        # The file's dates are placeholders (one date for stories from decades apart): coded
        # undated, so no one's role is judged on a day the story did not happen.
        article = Article(id=rec["id"], text=normalise(rec.get("text", "")), published=None, origin=str(path))
        sources = _plover_actors(rec.get("source"), cameo_to_iso)
        targets = _plover_actors(rec.get("target"), cameo_to_iso)
        if len({c for c, _ in sources}) >= 2 and targets == [(None, None)]:
            # "The United States and Jordan agreed": a reciprocal event among the sources,
            # scored as symmetric pairs (dyads codes it as A->B, either direction).
            events = [
                GoldEvent(etype, a, r, mode=rec.get("mode") or None, actor_sector=asec, recipient_sector=rsec, symmetric=True,
                          note="reciprocal sources")
                for i, (a, asec) in enumerate(sources) for (r, rsec) in sources[i + 1 :] if a != r
            ]
        else:
            events = [
                GoldEvent(etype, a, r, mode=rec.get("mode") or None, actor_sector=asec, recipient_sector=rsec)
                for a, asec in sources for r, rsec in targets
            ]
        docs.append(GoldDoc(article, _distinct(events)))
    return docs


def _distinct(events: list[GoldEvent]) -> list[GoldEvent]:
    """Scoring is by type and countries, and a coder reports one event per type and
    country dyad in a sentence; gold sets list such an event once per actor they name
    ("the government and the rebels agreed": SDN-GOV and SDN-REB), so it counts once."""
    seen, out = set(), []
    for g in events:
        key = (g.type, g.actor, g.recipient, g.required)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def _parse_day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _petrarch_actor(code: str | None, cameo_to_iso) -> tuple[str | None, str | None]:
    """A CAMEO actor code is 3-letter units: a country (or IGO/NGO, or --- for none),
    then organisation, region, religion and role units; the first role unit is the sector."""
    code = (code or "").strip()
    units = [code[i : i + 3] for i in range(0, len(code) - len(code) % 3, 3)]
    if not units or not re.fullmatch(r"[A-Z]{3}|---", units[0]):
        return None, None
    sector = next((u for u in units[1:] if u in CAMEO_SECTORS and u not in ("IGO", "NGO")), None)
    if units[0] == "---":
        return None, sector
    if units[0] in ("IGO", "NGO"):
        return _org_class(units[0]), sector
    return _org_class(cameo_to_iso(units[0])), sector


def _read_petrarch(path: Path, cameo_to_iso, cameo_to_plover) -> list[GoldDoc]:
    raw = path.read_text(encoding="utf-8")
    # The file carries '#' comment banners outside elements; keep only the Sentences block.
    start, end = raw.find("<Sentences>"), raw.rfind("</Sentences>")
    if start < 0 or end < 0:
        raise GoldFormatError(f"{path}: no <Sentences> block")
    body = raw[start : end + len("</Sentences>")]
    # Records are written as <Sentence .../> followed by sibling elements; regroup them.
    docs = []
    chunks = re.split(r"(?=<Sentence\s)", body)
    for chunk in chunks[1:]:
        head = re.match(r"<Sentence\s([^>]*?)/?>", chunk)
        if not head:
            continue
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', head.group(1)))
        text_m = re.search(r"<Text>(.*?)</Text>", chunk, re.S)
        if not text_m:
            continue
        codings = re.findall(r"<EventCoding\s([^>]*?)/?>", chunk)
        events, no_events = [], False
        for c in codings:
            ca = dict(re.findall(r'(\w+)="([^"]*)"', c))
            if ca.get("noevents", "").lower() == "true":
                no_events = True
                continue
            ptype = cameo_to_plover(ca.get("eventcode", "")) if cameo_to_plover else None
            a, asec = _petrarch_actor(ca.get("sourcecode"), cameo_to_iso)
            r, rsec = _petrarch_actor(ca.get("targetcode"), cameo_to_iso)
            if ptype is None:  # CAMEO statements with no PLOVER type: not scored
                events.append(GoldEvent("NONE", a, r, required=False, note=ca.get("eventcode", "")))
                continue
            events.append(GoldEvent(ptype, a, r, actor_sector=asec, recipient_sector=rsec, note=ca.get("eventcode", "")))
        events = _distinct(_collapse_reciprocal(events))
        d = attrs.get("date", "")
        when = _parse_day(f"{d[:4]}-{d[4:6]}-{d[6:8]}") if len(d) == 8 else None
        text = html.unescape(" ".join(text_m.group(1).split()))
        article = Article(id=attrs.get("id", f"petr-{len(docs)}"), text=normalise(text), published=when, origin=str(path))
        docs.append(GoldDoc(article, events, no_events))
    if not docs:
        raise GoldFormatError(f"{path}: no <Sentence> records with <Text>")
    return docs


def _collapse_reciprocal(events: list[GoldEvent]) -> list[GoldEvent]:
    """A record coding A->B and B->A of one type is one reciprocal event (a symmetric pair)."""
    out: list[GoldEvent] = []
    for g in events:
        twin = next((o for o in out if o.type == g.type and o.actor == g.recipient and o.recipient == g.actor and not o.symmetric), None)
        if twin is not None and g.actor != g.recipient:
            twin.symmetric = True
            continue
        out.append(g)
    return out


# -- matching ------------------------------------------------------------------------

def _matches(g: GoldEvent, p: Predicted, level: str) -> bool:
    if g.type != p.type:
        return False
    if level == "type":
        return True
    if level == "type+actor":
        return g.actor == p.actor or g.symmetric and g.recipient == p.actor
    straight = g.actor == p.actor and g.recipient == p.recipient
    swapped = g.symmetric and g.actor == p.recipient and g.recipient == p.actor
    return straight or swapped


def _date_score(g: GoldEvent, p: Predicted) -> int:
    return int(g.date is not None and p.date is not None and str(p.date).startswith(g.date))


def match_doc(gold: list[GoldEvent], pred: list[Predicted], level: str):
    """One-to-one matching: required gold first, then optional gold absorbs the rest.

    Returns (pairs, misses, false_alarms); pairs are (gold, predicted)."""
    pairs = []
    free = list(pred)
    for required in (True, False):
        pool = [g for g in gold if g.required == required]
        # Prefer pairs that also agree on the dyad and the date, so ties resolve sensibly.
        candidates = sorted(
            ((g, p) for g in pool for p in free if _matches(g, p, level)),
            key=lambda gp: (-_matches(gp[0], gp[1], "type+dyad"), -_date_score(*gp)),
        )
        used_g, used_p = set(), set()
        for g, p in candidates:
            if id(g) in used_g or id(p) in used_p:
                continue
            used_g.add(id(g))
            used_p.add(id(p))
            if required:
                pairs.append((g, p))
        free = [p for p in free if id(p) not in used_p]
        if required:
            misses = [g for g in pool if id(g) not in used_g]
    return pairs, misses, free


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class EvalReport:
    overall: dict = field(default_factory=dict)
    per_type: dict = field(default_factory=dict)
    actors: dict = field(default_factory=dict)
    dates: dict = field(default_factory=dict)
    confusion: dict = field(default_factory=dict)
    misses: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)
    documents: int = 0
    gold_events: int = 0
    intervals: dict = field(default_factory=dict)  # level -> 95 % bootstrap interval of F1 over documents
    # level -> {document id: [tp, fp, fn]}: what the intervals and comparisons resample
    document_counts: dict = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "document_counts"}

    def counts_of(self, level: str, documents: list[str]) -> np.ndarray:
        """Per-document (tp, fp, fn) at ``level``, in the order given (zeros for a document without units)."""
        counts = self.document_counts[level]
        return np.array([counts.get(d, (0, 0, 0)) for d in documents], dtype=float).reshape(-1, 3)


def score(docs: list[GoldDoc], predictions: dict[str, list[Predicted]],
          document_of: Callable[[str], str] = lambda unit: unit) -> EvalReport:
    """Score predictions against gold, unit by unit (a unit is a GoldDoc: a record, or a
    corpus sentence). ``document_of`` names the document a unit belongs to: the bootstrap
    intervals resample whole documents."""
    report = EvalReport(documents=len(docs))
    by_document = {lvl: defaultdict(lambda: [0, 0, 0]) for lvl in LEVELS}
    tallies = {lvl: Tally() for lvl in LEVELS}
    per_type = defaultdict(lambda: {lvl: Tally() for lvl in LEVELS})
    confusion: Counter = Counter()
    actor_counts = Counter()
    date_counts = Counter()
    for doc in docs:
        gold = [g for g in doc.events if g.type != "NONE" or not g.required]
        pred = predictions.get(doc.article.id, [])
        report.gold_events += sum(g.required for g in gold)
        for level in LEVELS:
            pairs, misses, fas = match_doc(gold, pred, level)
            tallies[level].tp += len(pairs)
            tallies[level].fn += len(misses)
            tallies[level].fp += len(fas)
            counts = by_document[level][document_of(doc.article.id)]
            counts[0] += len(pairs)
            counts[1] += len(fas)
            counts[2] += len(misses)
            for g, _ in pairs:
                per_type[g.type][level].tp += 1
            for g in misses:
                per_type[g.type][level].fn += 1
            for p in fas:
                per_type[p.type][level].fp += 1
            if level == "type":
                _actor_accuracy(pairs, actor_counts)
                for g, p in pairs:
                    confusion[(g.type, p.type)] += 1
                # Unmatched gold against unmatched predicted: what the coder called it instead.
                for g, p in zip(misses, fas):
                    confusion[(g.type, p.type)] += 1
                for g in misses[len(fas):]:
                    confusion[(g.type, "(none)")] += 1
                for p in fas[len(misses):]:
                    confusion[("(none)", p.type)] += 1
            if level == "type+dyad":
                for g, p in pairs:
                    if g.date:
                        date_counts["dated"] += 1
                        date_counts["correct"] += _date_score(g, p)
                report.misses += [_gold_row(doc, g) for g in misses]
                report.false_alarms += [_pred_row(doc, p) for p in fas]
    report.overall = {lvl: t.scores() for lvl, t in tallies.items()}
    report.document_counts = {lvl: dict(counts) for lvl, counts in by_document.items()}
    report.intervals = {lvl: f1_interval(list(counts.values())) for lvl, counts in by_document.items()}
    report.per_type = {t: {lvl: v.scores() for lvl, v in d.items()} for t, d in sorted(per_type.items())}
    report.actors = {
        k: round(actor_counts[k] / actor_counts[k + "_n"], 4) if actor_counts[k + "_n"] else None
        for k in ("actor_country", "recipient_country", "actor_country_sector", "recipient_country_sector")
    } | {"pairs": actor_counts["pairs"]}
    report.dates = {"dated_matches": date_counts["dated"], "date_correct": date_counts["correct"],
                    "accuracy": round(date_counts["correct"] / date_counts["dated"], 4) if date_counts["dated"] else None}
    report.confusion = {f"{g}->{p}": n for (g, p), n in sorted(confusion.items())}
    return report


def _actor_accuracy(pairs, counts: Counter) -> None:
    for g, p in pairs:
        counts["pairs"] += 1
        # A symmetric gold pair is read in whichever direction the prediction agrees with more.
        swapped = g.symmetric and (g.actor == p.recipient) + (g.recipient == p.actor) > (g.actor == p.actor) + (g.recipient == p.recipient)
        sides = {"actor": (p.recipient, p.recipient_sector) if swapped else (p.actor, p.actor_sector),
                 "recipient": (p.actor, p.actor_sector) if swapped else (p.recipient, p.recipient_sector)}
        for role, (pc, ps) in sides.items():
            gc = getattr(g, role)
            counts[f"{role}_country_n"] += 1
            counts[f"{role}_country"] += gc == pc
            gs = getattr(g, f"{role}_sector")
            if gs:
                counts[f"{role}_country_sector_n"] += 1
                counts[f"{role}_country_sector"] += gc == pc and gs == ps


def _gold_row(doc: GoldDoc, g: GoldEvent) -> dict:
    return {"doc": doc.article.id, "type": g.type, "actor": g.actor, "recipient": g.recipient, "date": g.date,
            "note": g.note, "text": doc.article.body[:200]}


def _pred_row(doc: GoldDoc, p: Predicted) -> dict:
    return {"doc": doc.article.id, "type": p.type, "actor": p.actor, "recipient": p.recipient, "date": p.date,
            "trigger": p.text, "text": doc.article.body[:200]}


PARTS = ("all", "dev", "held-out")


def split(docs: list[GoldDoc], part: str = "all") -> list[GoldDoc]:
    """A fixed split of a gold set: 'dev' is records 0, 2, 4, ... (study their errors),
    'held-out' is records 1, 3, 5, ... (only measure them), 'all' is every record."""
    if part not in PARTS:
        raise GoldFormatError(f"unknown part {part!r}: choose one of {', '.join(PARTS)}")
    return docs if part == "all" else docs[PARTS.index(part) - 1 :: 2]


def evaluate(path: Path, pipeline, limit: int | None = None, part: str = "all") -> EvalReport:
    """Code the gold documents with the pipeline and score them."""
    return evaluate_each(path, pipeline, [pipeline.coder_model], limit, part)[0]


def evaluate_each(path: Path, pipeline, models: list, limit: int | None = None, part: str = "all") -> list[EvalReport]:
    """One report for each of ``models`` (coder models; None for the rules alone), all
    coded from one parse of the gold documents (``dyads eval --compare``)."""
    ontology = pipeline.ontology

    def to_plover(code: str) -> str | None:
        return ontology.plover_from_cameo(code)[0]

    docs = split(read_gold(path, pipeline.kb.cameo_to_iso, to_plover), part)[:limit]
    predictions: list[dict[str, list[Predicted]]] = [{} for _ in models]
    for coded_each in pipeline.code_each((d.article for d in docs), models):
        for found, coded in zip(predictions, coded_each):
            found[coded.article.id] = [Predicted.from_event(e) for e in coded.events if e.factuality == "asserted"]
    return [score(docs, found) for found in predictions]


def compare_reports(a: EvalReport, b: EvalReport) -> dict[str, Difference]:
    """F1 of report ``b`` minus report ``a`` at each level, paired over the documents both
    scored (the same gold coded two ways: another model, lexicon or setting)."""
    differences = {}
    for level in LEVELS:
        documents = sorted(set(a.document_counts[level]) | set(b.document_counts[level]))
        differences[level] = f1_difference(a.counts_of(level, documents), b.counts_of(level, documents))
    return differences
