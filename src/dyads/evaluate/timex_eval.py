"""Score the temporal tagger against TimeML gold, the way TempEval-3 does.

Gold is JSONL, one document a line:
``{doc_id, dct: "YYYY-MM-DD", text, timex: [{start, end, text, type, value}]}``.

* strict extent: exact offsets; relaxed extent: any overlap (each gold and each
  system expression matched at most once);
* type and value are scored over relaxed matches; "value F1" counts the
  matches whose value is right against all system and all gold expressions
  (TempEval-3's attribute F1).
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from dyads.errors import GoldFormatError
from dyads.time.timex import tag

TYPES = ("DATE", "TIME", "DURATION", "SET")


@dataclass
class GoldDoc:
    doc_id: str
    dct: date | None
    text: str
    timex: list[dict[str, Any]]


def read_gold(path: str | Path, limit: int | None = None) -> Iterator[GoldDoc]:
    """Gold documents from a JSONL file; a bad line raises GoldFormatError naming it."""
    path = Path(path)
    if not path.is_file():
        raise GoldFormatError(f"{path}: no such gold file")
    with path.open(encoding="utf-8") as fh:
        count = 0
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if limit is not None and count >= limit:
                return
            yield _parse_gold_line(line, f"{path}:{lineno}")
            count += 1


def _parse_gold_line(line: str, origin: str) -> GoldDoc:
    try:
        rec = json.loads(line)
        text = rec["text"]
        dct = date.fromisoformat(rec["dct"]) if rec.get("dct") else None
        timex = [
            {"start": int(t["start"]), "end": int(t["end"]), "text": t.get("text", text[int(t["start"]):int(t["end"])]),
             "type": str(t["type"]), "value": str(t.get("value", ""))}
            for t in rec["timex"]
        ]
    except json.JSONDecodeError as exc:
        raise GoldFormatError(f"{origin}: not JSON ({exc.msg})") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise GoldFormatError(f"{origin}: bad gold record ({exc.__class__.__name__}: {exc})") from None
    return GoldDoc(str(rec.get("doc_id", origin)), dct, text, timex)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _match_relaxed(gold: list[dict], system: list[dict]) -> list[tuple[int, int]]:
    """Pairs (gold index, system index): exact matches first, then largest overlaps."""
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_s: set[int] = set()
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            if si not in used_s and s["start"] == g["start"] and s["end"] == g["end"]:
                pairs.append((gi, si)); used_g.add(gi); used_s.add(si)
                break
    for gi, g in enumerate(gold):
        if gi in used_g:
            continue
        best, best_len = None, 0
        for si, s in enumerate(system):
            if si in used_s or not _overlap(g, s):
                continue
            length = min(g["end"], s["end"]) - max(g["start"], s["start"])
            if length > best_len:
                best, best_len = si, length
        if best is not None:
            pairs.append((gi, best)); used_g.add(gi); used_s.add(best)
    return pairs


def _prf(correct: int, n_system: int, n_gold: int) -> dict[str, float]:
    p = correct / n_system if n_system else 0.0
    r = correct / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


_WEEK_NUMBER = re.compile(r"-W0?(\d)")


def _same_value(gold: str, system: str) -> bool:
    """Values compare as strings, except that ISO week numbers compare as numbers
    (some TimeBank annotations write 2000-W7 for 2000-W07)."""
    return gold == system or _WEEK_NUMBER.sub(r"-W\1", gold) == _WEEK_NUMBER.sub(r"-W\1", system)


def _load_nlp(use_parse: bool):
    if not use_parse:
        return None
    from dyads.errors import ModelNotFound
    from dyads.nlp import load_pipeline

    try:
        return load_pipeline(disable=["ner", "lemmatizer"])
    except ModelNotFound:  # no model: fall back to the word-based tense cues
        return None


def evaluate_timex(path: str | Path, limit: int | None = None, use_parse: bool = True) -> dict[str, Any]:
    """TempEval-3 style scores of :func:`dyads.time.timex.tag` on a gold JSONL file."""
    nlp = _load_nlp(use_parse)
    started = time.perf_counter()
    n_gold = n_sys = strict = relaxed = type_ok = value_ok = docs = 0
    per_type: dict[str, Counter] = {t: Counter() for t in TYPES}
    errors: list[dict[str, Any]] = []
    for gd in read_gold(path, limit):
        docs += 1
        doc = nlp(gd.text) if nlp is not None else None
        system = [t.__dict__ for t in tag(gd.text, gd.dct, doc)]
        gold = gd.timex
        n_gold += len(gold)
        n_sys += len(system)
        strict += sum(1 for g in gold for s in system if g["start"] == s["start"] and g["end"] == s["end"])
        pairs = _match_relaxed(gold, system)
        relaxed += len(pairs)
        for g in gold:
            per_type.setdefault(g["type"], Counter())["gold"] += 1
        for s in system:
            per_type.setdefault(s["type"], Counter())["system"] += 1
        for gi, si in pairs:
            g, s = gold[gi], system[si]
            type_ok += g["type"] == s["type"]
            ok = _same_value(g["value"], s["value"])
            value_ok += ok
            if g["type"] == s["type"]:
                per_type[g["type"]]["type_ok"] += 1
                per_type[g["type"]]["value_ok"] += ok
            if not ok or g["type"] != s["type"]:
                errors.append(_error("wrong", gd, g, s))
        matched_g = {gi for gi, _ in pairs}
        matched_s = {si for _, si in pairs}
        errors += [_error("miss", gd, g, None) for gi, g in enumerate(gold) if gi not in matched_g]
        errors += [_error("false_alarm", gd, None, s) for si, s in enumerate(system) if si not in matched_s]
    return {
        "file": str(path),
        "documents": docs,
        "gold": n_gold,
        "system": n_sys,
        "strict": _prf(strict, n_sys, n_gold),
        "relaxed": _prf(relaxed, n_sys, n_gold),
        "type": {**_prf(type_ok, n_sys, n_gold), "accuracy": round(type_ok / relaxed, 4) if relaxed else 0.0},
        "value": {**_prf(value_ok, n_sys, n_gold), "accuracy": round(value_ok / relaxed, 4) if relaxed else 0.0},
        "per_type": {t: _per_type_scores(c) for t, c in per_type.items()},
        "seconds": round(time.perf_counter() - started, 2),
        "parsed": nlp is not None,
        "errors": errors,
    }


def _per_type_scores(c: Counter) -> dict[str, Any]:
    return {
        "gold": c["gold"], "system": c["system"],
        "type": _prf(c["type_ok"], c["system"], c["gold"]),
        "value": _prf(c["value_ok"], c["system"], c["gold"]),
    }


def _error(kind: str, gd: GoldDoc, g: dict | None, s: dict | None) -> dict[str, Any]:
    anchor = g or s
    assert anchor is not None
    lo, hi = max(0, anchor["start"] - 50), min(len(gd.text), anchor["end"] + 50)
    return {
        "kind": kind, "doc_id": gd.doc_id, "dct": gd.dct.isoformat() if gd.dct else None,
        "gold": {k: g[k] for k in ("start", "end", "text", "type", "value")} if g else None,
        "system": {k: s[k] for k in ("start", "end", "text", "type", "value")} if s else None,
        "context": gd.text[lo:hi].replace("\n", " "),
    }


def print_report(result: dict[str, Any], console=None, errors: int = 0) -> None:
    """Print the scores (and the first ``errors`` errors) as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=f"Temporal tagging: {result['file']} ({result['documents']} docs, "
                        f"{result['gold']} gold, {result['system']} system, {result['seconds']}s)")
    for col in ("measure", "P", "R", "F1", "accuracy"):
        table.add_column(col, justify="right" if col != "measure" else "left")
    for name in ("strict", "relaxed", "type", "value"):
        row = result[name]
        acc = f"{row['accuracy']:.3f}" if "accuracy" in row else ""
        table.add_row(f"{name}{' extent' if name in ('strict', 'relaxed') else ''}",
                      f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", acc)
    console.print(table)
    by_type = Table(title="Per type (type and value F1 over relaxed matches)")
    for col in ("type", "gold", "system", "type F1", "value F1"):
        by_type.add_column(col, justify="right" if col != "type" else "left")
    for t, row in result["per_type"].items():
        by_type.add_row(t, str(row["gold"]), str(row["system"]), f"{row['type']['f1']:.3f}", f"{row['value']['f1']:.3f}")
    console.print(by_type)
    if errors:
        _print_errors(result["errors"][:errors], console)


def _print_errors(errs: list[dict[str, Any]], console) -> None:
    from rich.table import Table

    table = Table(title=f"First {len(errs)} errors")
    for col in ("kind", "doc", "dct", "gold", "system", "context"):
        table.add_column(col, overflow="fold")
    fmt = lambda t: f"{t['text']!r} {t['type']} {t['value']}" if t else ""  # noqa: E731
    for e in errs:
        table.add_row(e["kind"], e["doc_id"], e["dct"] or "", fmt(e["gold"]), fmt(e["system"]), e["context"])
    console.print(table)
