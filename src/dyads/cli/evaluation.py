"""`dyads eval`: precision, recall and F1 of the event coder on gold data."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from dyads.cli.app import app, err, out, user_errors
from dyads.evaluate.events_eval import LEVELS, EvalReport, evaluate
from dyads.pipeline import Pipeline, PipelineConfig


@app.command("eval")
@user_errors
def eval_command(
    gold: Path = typer.Argument(..., help="dyads gold JSONL, PLOVER gold-standard JSON, or PETRARCH validation XML."),
    model: Optional[str] = typer.Option(None, help="spaCy pipeline to use."),
    lexicon: List[Path] = typer.Option([], "--lexicon", help="Extra lexicon YAML file(s)."),
    actors: List[Path] = typer.Option([], "--actors", help="Extra actor YAML file(s)."),
    limit: Optional[int] = typer.Option(None, help="Only the first N documents."),
    errors: int = typer.Option(15, help="How many misses and false alarms to list."),
    as_json: bool = typer.Option(False, "--json", help="Write the whole report as JSON."),
) -> None:
    """Score event coding against gold events (three levels, per type, confusions)."""
    pipeline = Pipeline(PipelineConfig(model=model, lexicons=tuple(lexicon), actor_files=tuple(actors)))
    report = evaluate(gold, pipeline, limit)
    if as_json:
        out.print_json(json.dumps(report.as_dict(), default=str))
        return
    print_report(report, errors)


def print_report(report: EvalReport, errors: int) -> None:
    table = Table(title=f"{report.documents} documents, {report.gold_events} required gold events", header_style="bold")
    for col in ("level", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(col, justify="right" if col != "level" else "left")
    for lvl in LEVELS:
        s = report.overall[lvl]
        table.add_row(lvl, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["tp"]), str(s["fp"]), str(s["fn"]))
    out.print(table)
    per = Table(title="per type (F1 at each level)", header_style="bold")
    per.add_column("type")
    for lvl in LEVELS:
        per.add_column(lvl, justify="right")
    per.add_column("gold", justify="right")
    for etype, levels in report.per_type.items():
        gold_n = levels["type"]["tp"] + levels["type"]["fn"]
        per.add_row(etype, *(f"{levels[l]['f1']:.2f}" for l in LEVELS), str(gold_n))
    out.print(per)
    a = report.actors
    out.print(
        f"actors (type-matched pairs: {a['pairs']}): actor country {a['actor_country']}, recipient country "
        f"{a['recipient_country']}, actor country+sector {a['actor_country_sector']}, recipient country+sector {a['recipient_country_sector']}",
        highlight=False,
    )
    d = report.dates
    out.print(f"dates: {d['date_correct']}/{d['dated_matches']} dated matches correct", highlight=False)
    confusions = {k: v for k, v in report.confusion.items() if k.split("->")[0] != k.split("->")[1]}
    if confusions:
        out.print("confusions (gold->coded): " + ", ".join(f"{k} {v}" for k, v in sorted(confusions.items(), key=lambda kv: -kv[1])[:20]), highlight=False)
    for title, rows in (("misses", report.misses), ("false alarms", report.false_alarms)):
        if rows and errors:
            out.print(f"[bold]{title}[/bold] ({len(rows)}):")
            for r in rows[:errors]:
                extra = r.get("note") or r.get("trigger") or ""
                out.print(f"  {r['doc']}: {r['type']} {r['actor']}->{r['recipient']} {r['date'] or ''}  {extra}", highlight=False, markup=False)
