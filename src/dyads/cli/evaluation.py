"""`dyads eval`: precision, recall and F1 of the event coder on gold data."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from dyads.cli.options import CoderModelOption, SpacyModelOption
from dyads.cli.app import app, err, out, user_errors
from dyads.cli.options import date_option
from dyads.evaluate.events_eval import LEVELS, PARTS, EvalReport, evaluate
from dyads.errors import DyadsError
from dyads.pipeline import Pipeline, PipelineConfig


@app.command("eval")
@user_errors
def eval_command(
    gold: Path = typer.Argument(..., help="dyads gold JSONL, PLOVER gold-standard JSON, PETRARCH validation XML, "
                                          "or annotated corpus files or folders (corpus/README.md)."),
    spacy_model: Optional[str] = SpacyModelOption,
    model: Optional[str] = CoderModelOption,
    lexicon: List[Path] = typer.Option([], "--lexicon", help="Extra lexicon YAML file(s)."),
    actors: List[Path] = typer.Option([], "--actors", help="Extra actor YAML file(s)."),
    limit: Optional[int] = typer.Option(None, help="Only the first N documents."),
    part: str = typer.Option("all", help=f"Which records: {' | '.join(PARTS)} (dev = even-numbered, held-out = odd-numbered)."),
    errors: int = typer.Option(15, help="How many misses and false alarms to list."),
    as_json: bool = typer.Option(False, "--json", help="Write the whole report as JSON."),
    split: str = typer.Option("all", help="Annotated corpus: which split of written documents (all | train | dev | test)."),
    shared: Path = typer.Option(Path("../shared"), "--shared", help="Annotated corpus: the folder holding corpora/ for real-text annotations."),
) -> None:
    """Score event coding against gold events (three levels, per type, confusions)."""
    from dyads.evaluate.corpus_eval import is_corpus

    pipeline = Pipeline(PipelineConfig(spacy_model=spacy_model, coder=model, lexicons=tuple(lexicon), actor_files=tuple(actors)))
    if is_corpus(gold):
        print_corpus_report(gold, pipeline, split, shared, limit, errors, as_json)
        return
    report = evaluate(gold, pipeline, limit, part)
    if as_json:
        out.print_json(json.dumps(report.as_dict(), default=str))
        return
    print_report(report, errors)


def print_corpus_report(gold: Path, pipeline, split: str, shared: Path, limit, errors: int, as_json: bool) -> None:
    from dyads.corpus.annotations import SPLITS, read_corpus
    from dyads.evaluate.corpus_eval import evaluate_corpus

    if split not in ("all", *SPLITS):
        raise DyadsError(f"--split: choose one of all, {', '.join(SPLITS)}")
    read = read_corpus([gold], shared)
    for origin, reason in read.problems:
        err.print(f"{origin}: {reason} (skipped)", highlight=False, markup=False)
    docs = [d for d in read.docs if split == "all" or "corpus" in d.meta or d.split == split][:limit]
    result = evaluate_corpus(docs, pipeline)
    if as_json:
        out.print_json(json.dumps(result.as_dict(), default=str))
        return
    print_report(result.report, errors)
    out.print(f"{result.sentences} sentences, {result.no_event_sentences} without events: "
              f"{result.false_alarms_per_100} false alarms per 100 of them", highlight=False)


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
    spacy_model: Optional[str] = SpacyModelOption,
    model: Optional[str] = CoderModelOption,
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
    coded = Pipeline(PipelineConfig(spacy_model=spacy_model, coder=model)).code_one(article)
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
            if ev.scores:
                out.print(f"      model: {describe_scores(ev.scores)}", highlight=False, markup=False)


def describe_scores(scores: dict) -> str:
    """'ASSAULT 0.85 (NONE 0.07, PROTEST 0.03); actor 0.68; recipient 0.92; asserted 0.99'."""
    parts = []
    ranked = list((scores.get("type") or {}).items())
    if ranked:
        head, *rest = ranked
        parts.append(f"{head[0]} {head[1]:.2f}" + (f" ({', '.join(f'{t} {p:.2f}' for t, p in rest)})" if rest else ""))
    for key in ("actor", "recipient", "factuality"):
        if key in scores:
            parts.append(f"{key} {scores[key]:.2f}")
    if "forced_by" in scores:
        parts.append(f"forced by {scores['forced_by']}")
    return "; ".join(parts)
