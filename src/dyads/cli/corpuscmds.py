"""`dyads corpus check|stats`: the annotated corpus the coder learns from."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

import typer

from dyads.cli.app import app, err, out, user_errors
from dyads.errors import EXIT_SKIPPED, DyadsError, UsageError

corpus_app = typer.Typer(help="Check and summarise annotated corpus files (docs/annotation.md).", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

SharedOption = typer.Option(Path("../shared"), "--shared", help="The folder holding corpora/ for real-text annotations.")


def _read(paths: list[Path], shared: Path):
    from dyads.corpus.annotations import read_corpus

    try:
        return read_corpus(paths, shared)
    except FileNotFoundError as exc:
        raise UsageError(f"{exc.args[0]}: no such file or folder") from None


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
        out.print(f"{key:36} {stats[key]}", highlight=False, markup=False)
    for key in ("types", "factuality", "decades", "styles", "negative_kinds", "sentences_by_split"):
        out.print(f"{key:36} " + ", ".join(f"{k} {v}" for k, v in stats[key].items()), highlight=False, markup=False)


@corpus_app.command("agree")
@user_errors
def agree_command(
    first: Path = typer.Argument(..., help="One annotation pass (corpus files or a folder)."),
    second: Path = typer.Argument(..., help="The other pass over the same sentences."),
    shared: Path = SharedOption,
    disagreements: int = typer.Option(0, "--disagreements", help="List the first N sentences the passes code differently."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Agreement of two independent passes: kappa, F1 at three levels, sector agreement."""
    from dyads.corpus.agreement import agreement
    from dyads.events.ontology import Ontology

    a, b = _read([first], shared), _read([second], shared)
    for origin, reason in a.problems + b.problems:
        err.print(f"{origin}: {reason} (skipped)", highlight=False, markup=False)
    result = agreement(a.docs, b.docs, tuple(Ontology.load().types))
    if not result["sentences"]:
        raise DyadsError("the two passes share no sentence")
    if as_json:
        out.print_json(json.dumps({**result, "disagreements": result["disagreements"][:disagreements]}))
        return
    out.print(f"{result['sentences']} sentences in both passes", highlight=False, markup=False)
    out.print(f"kappa, event / no event per sentence   {result['kappa_event_sentence']}", highlight=False, markup=False)
    out.print(f"kappa, type present per sentence       {result['kappa_type_cells']}", highlight=False, markup=False)
    for level, f1 in result["f1"].items():
        out.print(f"F1 {level:<36}{f1}", highlight=False, markup=False)
    out.print(f"F1 type, any factuality                {result['f1_type_all_factuality']}", highlight=False, markup=False)
    out.print(f"sector agreement (type-matched)        actor {result['sector_agreement']['actor']}, "
              f"recipient {result['sector_agreement']['recipient']}", highlight=False, markup=False)
    for d in result["disagreements"][:disagreements]:
        out.print(f"{d['doc']}@{d['start']}: {d['text']}\n   first only: {', '.join(d['first']) or '-'}\n   second only: {', '.join(d['second']) or '-'}",
                  highlight=False, markup=False)
