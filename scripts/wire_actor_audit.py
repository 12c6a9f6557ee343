"""How many coded events take their actor or recipient from a wire convention: the
dateline city, the agency or a byline name? The target is none.

    .venv/bin/python scripts/wire_actor_audit.py [CORPUS.jsonl ...] [--sample 300] [--src DIR] [--work DIR]

Codes each corpus (default: every .jsonl in ../shared/corpora) with the real `dyads code
--workers 1` (the shipped coder unless --model is given) into a DuckDB store under --work, then counts the events whose actor or recipient text equals
(case folded) the article's dateline city, agency or byline name, as this checkout's
``dyads.ingest.wire`` finds them ("from_wire": this also counts a later sentence that
names the city itself, "force Paris to revoke"), and those whose actor or recipient
words lie inside the dateline, agency tag, byline, credit line, press-release header or
contact block ("inside_wire_spans": taken from the convention itself). ``--src`` codes with another checkout's sources (the
"before" of a change); the conventions are always found by this checkout's, so before and
after are counted the same way. A store already in --work is reused (recount only).

A sample of --sample articles per corpus (a fixed seed) keeps a run in minutes on a
shared machine; --sample 0 codes the whole corpus.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dyads.ingest import Skipped, read_inputs  # noqa: E402  (this checkout's, after the path is set)
from dyads.ingest.wire import quiet_spans, wire_names  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="*", type=Path)
    ap.add_argument("--sample", type=int, default=300, help="articles per corpus (0: all)")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the dyads sources to code with")
    ap.add_argument("--work", type=Path, default=None, help="folder for the samples and stores (kept)")
    ap.add_argument("--model", default=None, help="dyads code --model (default: the shipped coder)")
    ap.add_argument("--examples", type=int, default=5)
    ap.add_argument("--code-only", action="store_true", help="code the samples, count nothing")
    args = ap.parse_args()
    corpora = args.corpora or sorted((ROOT.parent / "shared" / "corpora").glob("*.jsonl"))
    work = args.work or Path(tempfile.mkdtemp(prefix="wire-audit-"))
    work.mkdir(parents=True, exist_ok=True)
    report = {}
    for corpus in corpora:
        sample = _sample(corpus, args.sample, work)
        db = work / f"{sample.stem}.duckdb"
        if not db.exists():
            _code(sample, db, args.src, args.model)
        if args.code_only:
            continue
        report[corpus.name] = _count(sample, db, args.examples)
    print(json.dumps({"src": str(args.src), "sample": args.sample, "work": str(work), "corpora": report}, indent=2))


def _sample(corpus: Path, n: int, work: Path) -> Path:
    """A fixed-seed sample of the corpus's lines, written once."""
    out = work / f"{corpus.stem}.sample{n}.jsonl"
    if not out.exists():
        lines = corpus.read_text(encoding="utf-8").splitlines()
        if n and n < len(lines):
            lines = [lines[i] for i in sorted(random.Random(0).sample(range(len(lines)), n))]
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _code(sample: Path, db: Path, src: Path, model: str | None) -> None:
    cmd = [sys.executable, "-c", "from dyads.cli import main; main()", "code", str(sample), "--db", str(db),
           "--workers", "1", "--quiet"] + (["--model", model] if model else [])
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 3):  # 3: some inputs skipped, the rest coded
        sys.exit(f"dyads code failed ({proc.returncode}): {proc.stderr[-2000:]}")


def _count(sample: Path, db: Path, n_examples: int) -> dict:
    names, spans = {}, {}
    for article in read_inputs([str(sample)], options=None):
        if not isinstance(article, Skipped):
            names[article.id] = wire_names(article.title, article.body)
            spans[article.id] = quiet_spans(article.title, article.body)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT article_id, event, actor_text, recipient_text, text FROM events").fetchall()
    sides = con.execute("SELECT DISTINCT event_id, article_id, actor_start, actor_end, recipient_start, recipient_end "
                        "FROM mentions").fetchall()
    con.close()
    inside = {event_id for event_id, article_id, *ends in sides
              if any(a is not None and a < end and b > start
                     for a, b in (ends[:2], ends[2:]) for start, end in spans.get(article_id, ()))}
    hits: Counter = Counter()
    examples = []
    for article_id, event, actor, recipient, text in rows:
        found = names.get(article_id.split("#")[0], {})
        kinds = {kind for kind, values in found.items() for side in (actor, recipient)
                 if side and _fold(side) in {_fold(v) for v in values}}
        for kind in kinds:
            hits[kind] += 1
        if kinds:
            hits["events"] += 1
            if len(examples) < n_examples:
                examples.append(f"{article_id}: {event} {actor!r} -> {recipient!r} ({', '.join(sorted(kinds))})")
    return {"articles": len(names), "events": len(rows), "from_wire": hits["events"], "inside_wire_spans": len(inside),
            "by_kind": {k: hits[k] for k in ("dateline", "agency", "byline")}, "examples": examples}


def _fold(text: str) -> str:
    text = text.casefold().strip()
    return text[4:] if text.startswith("the ") else text


if __name__ == "__main__":
    main()
