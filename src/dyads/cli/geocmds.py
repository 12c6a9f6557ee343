"""`dyads geo` and `dyads eval-geo`: the offline geoparser and its evaluation."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import typer

from dyads.cli.app import app, note, out, print_rows, user_errors
from dyads.nlp import load_pipeline


RankModelOption = typer.Option(None, "--rank-model", help="A candidate ranker written by `dyads train-geo` "
                               "(default: the one dyads ships).")


def _ranker(path: Optional[Path]):
    from dyads.place.rank import load_model

    return load_model(str(path) if path else None)


def _load_nlp():
    return load_pipeline(disable=["lemmatizer"])


@app.command("geo")
@user_errors
def geo(text: str = typer.Argument(..., help="Text to geoparse."),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON array instead of a table."),
        rank_model: Optional[Path] = RankModelOption) -> None:
    """Find and resolve the places named in TEXT (GeoNames, offline); "literal" says
    whether a name stands for the place itself, not its government or team ("Moscow said")."""
    from dyads.place.gazetteer import load_gazetteer
    from dyads.place.geoparse import Geoparser
    from dyads.place.literal import is_literal

    gazetteer = load_gazetteer()
    places = Geoparser(gazetteer, _ranker(rank_model)).parse(_load_nlp()(text))
    literal = [is_literal(p, text, gazetteer) for p in places]
    if as_json:
        out.print_json(json.dumps([{**asdict(p), "literal": lit} for p, lit in zip(places, literal)]))
        return
    rows = [[p.text, p.name, p.feature, p.country or "", str(p.geonameid or ""),
             f"{p.lat:.4f}" if p.lat is not None else "", f"{p.lon:.4f}" if p.lon is not None else "",
             "yes" if lit else "no"] for p, lit in zip(places, literal)]
    print_rows(["text", "name", "feature", "country", "geonameid", "lat", "lon", "literal"], rows,
               f"{len(places)} place(s)")


@app.command("eval-geo")
@user_errors
def eval_geo(file: Path = typer.Argument(..., help="Gold JSONL (GeoWebNews format)."),
             limit: Optional[int] = typer.Option(None, "--limit", help="Score only the first N documents."),
             as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
             part: str = typer.Option("all", "--part", help="Which documents: all | dev (even-numbered) | held-out (odd)."),
             rank_model: Optional[Path] = RankModelOption) -> None:
    """Score toponym resolution (gold spans), the literal/non-literal decision and
    end-to-end geoparsing on FILE."""
    from dyads.evaluate.geo_eval import evaluate_geo, read_gold, render_geo_report, select

    select(read_gold(file), part)  # fail fast on a malformed file or part, before loading spaCy
    model = _ranker(rank_model)
    result = evaluate_geo(file, limit=limit, nlp=_load_nlp(), part=part, model=model)
    if as_json:
        out.print_json(json.dumps(result))
    else:
        render_geo_report(result, out)


@app.command("train-geo")
@user_errors
def train_geo(file: Path = typer.Argument(..., help="Gold JSONL (GeoWebNews format) to learn from."),
              part: str = typer.Option("dev", "--part", help="Which documents: all | dev (even-numbered) | held-out (odd)."),
              output: Optional[Path] = typer.Option(None, "-o", "--output",
                                                    help="Where to write the ranker (default: the one dyads ships).")) -> None:
    """Fit the geoparser's candidate ranker on gold toponyms and write it as JSON weights."""
    from dyads.errors import GoldFormatError, UsageError
    from dyads.evaluate.geo_eval import read_gold
    from dyads.place.rank import MODEL_FILE, write_model
    from dyads.place.train_rank import train_ranker

    try:
        read_gold(file)  # a missing file or bad line: say where, exit 2
        trained = train_ranker(file, part)
    except GoldFormatError as exc:
        raise UsageError(str(exc)) from None
    target = output or MODEL_FILE
    write_model(trained.model, target)
    chosen = "the prior weights" if trained.pull is None else f"pull {trained.pull:g}"
    note(f"{target}: ranker from {trained.rows} candidate rows ({chosen}); on the {part} documents "
         f"acc@161 {trained.acc161:.3f}, exact id {trained.exact_id:.3f}")
