"""`dyads eval`: precision, recall and F1 of the event coder on gold data."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from dyads.cli.app import app, out, user_errors
from dyads.cli.options import date_option
from dyads.evaluate.events_eval import LEVELS, PARTS, EvalReport, evaluate
from dyads.errors import DyadsError
from dyads.pipeline import Pipeline, PipelineConfig


@app.command("eval")
@user_errors
def eval_command(
    gold: Path = typer.Argument(..., help="dyads gold JSONL, PLOVER gold-standard JSON, or PETRARCH validation XML."),
    model: Optional[str] = typer.Option(None, help="spaCy pipeline to use."),
    lexicon: List[Path] = typer.Option([], "--lexicon", help="Extra lexicon YAML file(s)."),
    actors: List[Path] = typer.Option([], "--actors", help="Extra actor YAML file(s)."),
    limit: Optional[int] = typer.Option(None, help="Only the first N documents."),
    part: str = typer.Option("all", help=f"Which records: {' | '.join(PARTS)} (dev = even-numbered, held-out = odd-numbered)."),
    errors: int = typer.Option(15, help="How many misses and false alarms to list."),
    as_json: bool = typer.Option(False, "--json", help="Write the whole report as JSON."),
) -> None:
    """Score event coding against gold events (three levels, per type, confusions)."""
    pipeline = Pipeline(PipelineConfig(model=model, lexicons=tuple(lexicon), actor_files=tuple(actors)))
    report = evaluate(gold, pipeline, limit, part)
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


@app.command()
@user_errors
def explain(
    text: str = typer.Argument(..., help="A sentence or article text, or @FILE to read a .txt article."),
    published: Optional[str] = typer.Option(None, help="Publication date YYYY-MM-DD."),
    model: Optional[str] = typer.Option(None, help="spaCy pipeline to use."),
    all_factuality: bool = typer.Option(True, "--all/--asserted", help="Show non-asserted events too."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Code a text and show why each event was coded (rule, parse path, factuality)."""
    from dyads.ingest import read_inputs
    from dyads.models import Article

    pub = date_option(published, "--published")
    if text.startswith("@"):
        records = [r for r in read_inputs([text[1:]], pub)]
        article = next((r for r in records if isinstance(r, Article)), None)
        if article is None:
            raise DyadsError(f"{text[1:]}: {records[0]}")
    else:
        article = Article(id="text", text=text, published=pub)
    coded = Pipeline(PipelineConfig(model=model)).code_one(article)
    events = [e for e in coded.events if all_factuality or e.factuality == "asserted"]
    if as_json:
        out.print_json(json.dumps([e.to_record() for e in events], default=str))
        return
    for e in events:
        a = e.actor.full_code if e.actor else "—"
        r = e.recipient.full_code if e.recipient else "—"
        loc = f" @{e.event_loc.name}/{e.event_loc.country}" if e.event_loc else ""
        out.print(
            f"{e.event:<9} {e.mode or '':<10} {a:>7} -> {r:<7} {e.date or '':<10} {e.date_source[:3]} "
            f"{e.factuality:<12} {e.confidence:.2f}{loc}  [{e.event_text}]",
            highlight=False, markup=False,
        )
        for ev in e.evidence:
            out.print(f"      {ev.rule} via {ev.path}  «{coded.article.body[ev.trigger[0]:ev.trigger[1]]}» in: {ev.sentence[:90]}", highlight=False, markup=False)
