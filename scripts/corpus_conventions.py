"""Apply the corpus conventions that are mechanical to every annotation file, in place.

    python scripts/corpus_conventions.py [--shared ../shared] corpus/written corpus/real-train corpus/real-test

docs/annotation.md states them; annotators worked before some were settled, and the
rest need no annotator at all:

* signing or ratifying an agreement is SUPPORT (CAMEO 057), not AGREE;
* tear gas and water cannon to disperse a crowd are COERCE, not ASSAULT;
* an actor's own future cooperative act (CONSULT, SUPPORT, COOPERATE, AID, RETREAT,
  CONCEDE) is also an AGREE of that actor, asserted (PLOVER 2.0's stated intent), and its
  own future hostile act (PROTEST, SANCTION, COERCE, ASSAULT) a THREATEN: added with the
  act's trigger and ``"derived": "intent"`` when the sentence has no AGREE (THREATEN) of
  that actor.

Running it twice changes nothing the second time.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from dyads.corpus.annotations import shared_record

SIGNING = re.compile(r"\b(sign|signs|signed|signing|ratif\w*)\b", re.I)
CROWD_CONTROL = re.compile(r"tear.?gas|water.?cannon", re.I)
INTENT_OF = {**dict.fromkeys(("CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"), "AGREE"),
             **dict.fromkeys(("PROTEST", "SANCTION", "COERCE", "ASSAULT"), "THREATEN")}


def _codes(value) -> set:
    items = value if isinstance(value, list) else [value] if value else []
    return {a.get("code") for a in items if isinstance(a, dict) and a.get("code")}


def apply(events: list[dict], words) -> int:
    """Change one sentence's events; returns how many changes were made."""
    changed = 0
    for ev in events:
        text = words(ev)
        if ev["type"] == "AGREE" and not ev.get("derived") and SIGNING.search(text):
            ev["type"], ev["mode"] = "SUPPORT", None
            changed += 1
        elif ev["type"] == "ASSAULT" and CROWD_CONTROL.search(text):
            ev["type"], ev["mode"] = "COERCE", None
            changed += 1
    stated = {t: set().union(*[_codes(e.get("actor")) for e in events if e["type"] == t] or [set()]) for t in ("AGREE", "THREATEN")}
    for ev in list(events):
        intent = INTENT_OF.get(ev["type"])
        if intent is None or ev.get("factuality", "asserted") != "future" or not _codes(ev.get("actor")):
            continue
        if _codes(ev.get("actor")) & stated[intent]:
            continue
        events.append({"trigger": ev["trigger"], **({"trigger_n": ev["trigger_n"]} if "trigger_n" in ev else {}),
                       "type": intent, "mode": None, "actor": ev.get("actor"), "recipient": ev.get("recipient"),
                       "factuality": "asserted", "symmetric": bool(ev.get("symmetric", False)), "date": None,
                       "place": None, "derived": "intent"})
        stated[intent] |= _codes(ev.get("actor"))
        changed += 1
    return changed


def fix_file(path: Path, shared: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    out, changed = [], 0
    for line in lines:
        if not line.strip():
            continue
        rec = json.loads(line)
        if "paragraphs" in rec:
            units = ([rec["title"]] if rec.get("title") else []) + [s for p in rec["paragraphs"] for s in p]
            for unit in units:
                changed += apply(unit["events"], lambda ev: ev["trigger"])
        else:  # a real-text record: its words are read from the shared file it points into
            raw = shared_record(shared, rec["corpus"], rec["doc"]).get(rec.get("field", "text")) or ""
            changed += apply(rec["events"], lambda ev: raw[ev["trigger"][0]:ev["trigger"][1]])
        out.append(json.dumps(rec, ensure_ascii=False))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return changed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--shared", default="../shared", type=Path)
    args = ap.parse_args()
    for arg in args.paths:
        target = Path(arg)
        for path in sorted(target.rglob("*.jsonl")) if target.is_dir() else [target]:
            print(f"{path}: {fix_file(path, args.shared)} changes")


if __name__ == "__main__":
    main()
