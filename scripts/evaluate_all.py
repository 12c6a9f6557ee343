"""Run every evaluation on the shared benchmarks and print the figures as Markdown.

    .venv/bin/python scripts/evaluate_all.py [--shared ../shared]

docs/evaluation.md states the scoring rules and keeps the figures this prints.

Figures come from the same code paths as `dyads eval`, `dyads eval-time` and
`dyads eval-geo`; nothing here is tuned or filtered.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from dyads.evaluate.events_eval import LEVELS, PARTS, evaluate
from dyads.pipeline import Pipeline, PipelineConfig

EVENT_SETS = (
    ("seed/gold.jsonl", "Reference article (dyads gold)"),
    ("benchmarks/plover_gsr.json", "PLOVER gold standard (322 sentences)"),
    ("benchmarks/petr2_gsr.xml", "PETRARCH-2 validation (78 sentences)"),
)


def events_section(shared: Path, pipeline: Pipeline) -> list[str]:
    """Figures on each whole set and, for the benchmarks, on its development half (records
    0, 2, 4, ...: the half whose errors may be studied) and held-out half (1, 3, 5, ...)."""
    lines = ["## Event coding (`dyads eval`)", "",
             "| gold set | part | level | precision | recall | F1 |", "|---|---|---|---|---|---|"]
    actor_lines = ["", "### Actors (type-matched pairs)", "",
                   "| gold set | part | pairs | actor country | recipient country | actor country+sector | recipient country+sector |",
                   "|---|---|---|---|---|---|---|"]
    fmt = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    for rel, name in EVENT_SETS:
        for part in ("all",) if rel.startswith("seed/") else PARTS:
            report = evaluate(shared / rel, pipeline, part=part)
            for level in LEVELS:
                s = report.overall[level]
                lines.append(f"| {name} | {part} | {level} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
            a = report.actors
            actor_lines.append(f"| {name} | {part} | {a['pairs']} | {fmt(a['actor_country'])} | {fmt(a['recipient_country'])} | "
                               f"{fmt(a['actor_country_sector'])} | {fmt(a['recipient_country_sector'])} |")
            if part == "all" and report.dates["dated_matches"]:
                actor_lines.append(f"| {name} | dates: {report.dates['date_correct']}/{report.dates['dated_matches']} dated matches correct | | | | | |")
    return lines + actor_lines


CORPUS_SETS = (
    ("corpus/real-test", "all", "Real-text test set (714 sentences, AG News + Times of India)"),
    ("corpus/written", "test", "Written test split"),
    ("corpus/domestic-test", "all", "Domestic-politics set (120 documents, 88 countries)"),
)


def corpus_section(shared: Path, pipelines: dict) -> list[str]:
    """The annotated corpus, sentence by sentence, for each coder: held-out sets only."""
    from dyads.corpus.annotations import read_corpus
    from dyads.evaluate.corpus_eval import evaluate_corpus

    lines = ["## Event coding on the annotated corpus (`dyads eval corpus/...`)", "",
             "| set | coder | type | type+actor | type+dyad | false alarms per 100 no-event sentences |", "|---|---|---|---|---|---|"]
    for rel, split, name in CORPUS_SETS:
        docs = [d for d in read_corpus([Path(rel)], shared).docs if split == "all" or d.split == split]
        for coder, pipeline in pipelines.items():
            r = evaluate_corpus(docs, pipeline)
            f = {lvl: r.report.overall[lvl]["f1"] for lvl in LEVELS}
            lines.append(f"| {name} | {coder} | {f['type']:.3f} | {f['type+actor']:.3f} | {f['type+dyad']:.3f} | {r.false_alarms_per_100} |")
    return lines + [""]


def timex_section(shared: Path) -> list[str]:
    from dyads.evaluate.timex_eval import evaluate_timex

    r = evaluate_timex(shared / "benchmarks/timex_tbaq.jsonl")
    lines = ["", "## Temporal expressions (`dyads eval-time`, TimeBank + AQUAINT)", ""]
    lines.append("```")
    lines.append(_flat(r))
    lines.append("```")
    return lines


def geo_section(shared: Path) -> list[str]:
    from dyads.evaluate.geo_eval import evaluate_geo

    r = evaluate_geo(shared / "benchmarks/geo_gwn.jsonl")
    return ["", "## Toponyms (`dyads eval-geo`, GeoWebNews)", "", "```", _flat(r), "```"]


def _flat(result: dict, depth: int = 0) -> str:
    """Scalar figures of a nested result dict, one per line (lists of errors left out)."""
    out = []
    for key, value in result.items():
        if isinstance(value, dict):
            out.append("  " * depth + f"{key}:")
            out.append(_flat(value, depth + 1))
        elif isinstance(value, (int, float, str)) or value is None:
            out.append("  " * depth + f"{key}: {value}")
    return "\n".join(line for line in out if line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    args = parser.parse_args()
    started = time.time()
    pipeline = Pipeline()
    rules = Pipeline(PipelineConfig(coder="rules"))
    lines = ["# Evaluation", "", f"Generated by `scripts/evaluate_all.py` with model {pipeline.model_name}.", ""]
    lines += corpus_section(args.shared, {"learned": pipeline, "rules": rules})
    lines += events_section(args.shared, pipeline)
    lines += timex_section(args.shared)
    lines += geo_section(args.shared)
    lines += ["", f"(whole run: {time.time() - started:.0f} s)"]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
