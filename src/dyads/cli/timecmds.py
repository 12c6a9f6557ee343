"""`dyads time` (tag one text) and `dyads eval-time` (score against TimeML gold)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from dyads.cli.app import app, out, print_rows, user_errors
from dyads.cli.options import date_option, renamed


@app.command("time")
@user_errors
def time_command(
    text: str = typer.Argument(..., help="Text to tag."),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date (the document creation "
                                            "time relative dates count from), YYYY-MM-DD."),
    dct: Optional[str] = typer.Option(None, "--dct", hidden=True, help="Old name of --published."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    parse: bool = typer.Option(False, "--parse", help="Use the spaCy parse for tense."),
) -> None:
    """Find temporal expressions in TEXT and normalise them relative to --published."""
    from dyads.time.timex import tag

    doc = None
    if parse:
        from dyads.nlp import load_pipeline

        doc = load_pipeline()(text)
    published = renamed(published, dct, "--dct", "--published")
    found = tag(text, date_option(published, "--published"), doc)
    if as_json:
        rows = [{**t.__dict__, "begin": t.begin and t.begin.isoformat(), "until": t.until and t.until.isoformat()}
                for t in found]
        out.print_json(json.dumps(rows))
        return
    rows = [[str(t.start), str(t.end), t.text, t.type, t.value, t.precision, str(t.begin or ""), str(t.until or "")]
            for t in found]
    print_rows(["start", "end", "text", "type", "value", "precision", "begin", "until"], rows,
               f"{len(found)} temporal expressions")


@app.command("eval-time")
@user_errors
def eval_time_command(
    file: Path = typer.Argument(..., help="Gold JSONL: {doc_id, dct, text, timex: [...]} a line."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Score only the first N documents."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    errors: int = typer.Option(0, "--errors", help="Show the first N errors."),
    no_parse: bool = typer.Option(False, "--no-parse", help="Do not parse (word cues for tense only)."),
) -> None:
    """Score the temporal tagger TempEval-3 style (extent, type, value)."""
    from dyads.evaluate.timex_eval import evaluate_timex, print_report

    result = evaluate_timex(file, limit=limit, use_parse=not no_parse)
    if as_json:
        shown = {**result, "errors": result["errors"][:errors]}
        out.print_json(json.dumps(shown))
        return
    print_report(result, out, errors=errors)
