"""`dyads corpus check|stats`: the annotated corpus the coder learns from."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

import typer

from dyads.cli.app import app, err, out, user_errors
from dyads.errors import EXIT_SKIPPED, DyadsError

corpus_app = typer.Typer(help="Check and summarise annotated corpus files (docs/annotation.md).", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

SharedOption = typer.Option(Path("../shared"), "--shared", help="The folder holding corpora/ for real-text annotations.")


def _read(paths: list[Path], shared: Path):
    from dyads.corpus.annotations import read_corpus

    try:
        return read_corpus(paths, shared)
    except FileNotFoundError as exc:
        raise DyadsError(f"{exc.args[0]}: no such file or folder") from None


@corpus_app.command("check")
@user_errors
def check_command(
    paths: List[Path] = typer.Argument(..., help="Corpus files or folders (*.jsonl)."),
    shared: Path = SharedOption,
) -> None:
    """Report every bad record with file:line and reason; exit 3 if there is one."""
    read = _read(paths, shared)
    for origin, reason in read.problems:
        err.print(f"{origin}: {reason}", highlight=False, markup=False)
    sentences = sum(len(d.sentences) for d in read.docs)
    mentions = sum(len(s.mentions) for d in read.docs for s in d.sentences)
    out.print(f"{len(read.docs)} documents, {sentences} sentences, {mentions} mentions; {len(read.problems)} problems",
              highlight=False)
    if read.problems:
        raise typer.Exit(EXIT_SKIPPED)


@corpus_app.command("stats")
@user_errors
def stats_command(
    paths: List[Path] = typer.Argument(..., help="Corpus files or folders (*.jsonl)."),
    shared: Path = SharedOption,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Documents, sentences, mentions per type, factuality, countries, decades, negatives."""
    from dyads.corpus.stats import corpus_stats

    read = _read(paths, shared)
    stats = corpus_stats(read.docs)
    stats["problems"] = len(read.problems)
    if as_json:
        out.print_json(json.dumps(stats))
        return
    for key in ("documents", "sentences", "mentions", "asserted", "no_event_sentences", "no_event_share",
                "hard_negatives", "mentions_with_actor_and_recipient", "countries", "problems"):
        out.print(f"{key:36} {stats[key]}", highlight=False)
    for key in ("types", "factuality", "decades", "styles", "negative_kinds", "sentences_by_split"):
        out.print(f"{key:36} " + ", ".join(f"{k} {v}" for k, v in stats[key].items()), highlight=False)
