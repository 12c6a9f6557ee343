"""`dyads geo` and `dyads eval-geo`: the offline geoparser and its evaluation."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import typer

from dyads.cli.app import app, out, print_rows, user_errors
from dyads.nlp import load_pipeline


def _load_nlp():
    return load_pipeline(disable=["lemmatizer"])


@app.command("geo")
@user_errors
def geo(text: str = typer.Argument(..., help="Text to geoparse."),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON array instead of a table.")) -> None:
    """Find and resolve the places named in TEXT (GeoNames, offline)."""
    from dyads.place.gazetteer import load_gazetteer
    from dyads.place.geoparse import Geoparser

    places = Geoparser(load_gazetteer()).parse(_load_nlp()(text))
    if as_json:
        out.print_json(json.dumps([asdict(place) for place in places]))
        return
    rows = [[p.text, p.name, p.feature, p.country or "", str(p.geonameid or ""),
             f"{p.lat:.4f}" if p.lat is not None else "", f"{p.lon:.4f}" if p.lon is not None else ""] for p in places]
    print_rows(["text", "name", "feature", "country", "geonameid", "lat", "lon"], rows, f"{len(places)} place(s)")


@app.command("eval-geo")
@user_errors
def eval_geo(file: Path = typer.Argument(..., help="Gold JSONL (GeoWebNews format)."),
             limit: Optional[int] = typer.Option(None, "--limit", help="Score only the first N documents."),
             as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON.")) -> None:
    """Score toponym resolution (gold spans) and end-to-end geoparsing on FILE."""
    from dyads.evaluate.geo_eval import evaluate_geo, read_gold, render_geo_report

    read_gold(file, limit)  # fail fast on a malformed file, before loading spaCy
    result = evaluate_geo(file, limit=limit, nlp=_load_nlp())
    if as_json:
        out.print_json(json.dumps(result))
    else:
        render_geo_report(result, out)
