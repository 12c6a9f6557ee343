"""`dyads train`: rebuild the coder's models from the annotated corpus, or train your own."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dyads.cli.app import app, err, note, out, user_errors
from dyads.cli.options import SpacyModelOption
from dyads.errors import EXIT_SKIPPED, DyadsError, UsageError

DEFAULT_CORPUS = (Path("corpus/written"), Path("corpus/real-train"))


@app.command("train")
@user_errors
def train_command(
    corpus: List[Path] = typer.Option([], "--corpus", help="Annotated corpus files or folders "
                                      "(default: corpus/written and corpus/real-train of a dyads checkout)."),
    add: List[Path] = typer.Option([], "--add", help="More annotated documents to train on: corpus files, or the gold "
                                   "JSONL of `dyads review export` (reviewed events with their evidence)."),
    output: Path = typer.Option(Path("dyads-model"), "-o", "--output", help="The model directory to write."),
    shared: Path = typer.Option(Path("../shared"), "--shared", help="The folder holding corpora/ for real-text annotations."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed (training is deterministic for a given seed and corpus; "
                                                           "default: the shipped model's)."),
    members: Optional[int] = typer.Option(None, "--members", min=1, max=9, help="Hidden layers of the trigger model, trained "
                                          "from seeds seed, seed+1, ... and averaged (default: the shipped model's, 3; 1: a "
                                          "third of the model's size and of that part's time)."),
    spacy_model: Optional[str] = SpacyModelOption,
    as_json: bool = typer.Option(False, "--json", help="Print the training report as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Train the event coder's models (type, roles, factuality, mode); code with them
    using `dyads code --model DIR`."""
    from dyads.corpus.annotations import read_corpus
    from dyads.pipeline import Pipeline, PipelineConfig
    from dyads.train import TrainSettings, select, train
    from dyads.train.gold import read_additions

    paths = list(corpus) or [p for p in DEFAULT_CORPUS if p.exists()]
    if not paths and not add:
        raise DyadsError("no corpus: give --corpus FOLDER or --add FILE (corpus/ is in a dyads checkout)")
    for p in [*paths, *add]:
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
    read = read_corpus(paths, shared) if paths else None
    problems = list(read.problems) if read else []
    extra, extra_problems = read_additions(add, shared)
    problems += extra_problems
    for origin, reason in problems:
        err.print(f"{origin}: {reason} (skipped)", highlight=False, markup=False)
    try:
        train_docs, dev_docs = select(read.docs if read else [], extra)
    except ValueError as exc:
        raise DyadsError(str(exc)) from None
    if not train_docs:
        raise DyadsError("nothing to train on: no annotated documents were read")
    pipeline = Pipeline(PipelineConfig(spacy_model=spacy_model, coder="rules"))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=quiet or as_json, transient=True) as bar:
        task = bar.add_task("analyse", total=len(train_docs) + len(dev_docs))

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        settings = TrainSettings() if seed is None else TrainSettings(seed=seed)
        if members is not None:
            settings.models["trigger"]["members"] = members
        result = train(pipeline, train_docs, dev_docs, settings, progress)
        result.model.save(output)
    report = {"output": str(output), **result.counts, "seconds": result.seconds,
              "thresholds": result.model.thresholds, "skipped": len(problems)}
    if "dev" in result.model.meta["trained"]:
        report["dev"] = result.model.meta["trained"]["dev"]
    if as_json:
        out.print_json(json.dumps(report))
    else:
        note(f"model written to {output} ({result.counts['train_documents']} training documents, "
             f"{result.counts['train_sentences']} sentences; {sum(result.seconds.values()):.0f} s)", out)
        for level, f1 in report.get("dev", {}).items():
            if level in ("type", "type+actor", "type+dyad"):
                out.print(f"dev {level:<10} F1 {f1:.3f}", highlight=False)
        if "dev" in report:
            out.print(f"dev false alarms per 100 no-event sentences: {report['dev']['false_alarms_per_100_no_event']}", highlight=False)
    if problems:
        raise typer.Exit(EXIT_SKIPPED)
