"""`dyads eval`: precision, recall and F1 of the event coder on gold data."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table
from rich.text import Text

from dyads.cli.app import app, err, note, out, print_rows, user_errors, wide_out
from dyads.cli.options import (ActorsOption, CoderModelOption, LexiconOption, PublishedOption, SpacyModelOption,
                               date_option)
from dyads.evaluate.corpus_eval import CorpusReport
from dyads.evaluate.events_eval import LEVELS, PARTS, EvalReport, compare_reports, evaluate_each
from dyads.errors import DyadsError, UsageError
from dyads.pipeline import Pipeline, PipelineConfig, coder_model


@app.command("eval")
@user_errors
def eval_command(
    gold: Path = typer.Argument(..., help="dyads gold JSONL, PLOVER gold-standard JSON, PETRARCH validation XML, "
                                          "or annotated corpus files or folders (corpus/README.md)."),
    spacy_model: Optional[str] = SpacyModelOption,
    model: Optional[str] = CoderModelOption,
    compare: Optional[str] = typer.Option(None, "--compare", help="Also code the gold with this coder (a model "
                                          "directory, or 'rules'; 'shipped' for the model shipped with dyads) and "
                                          "report its F1 minus --model's, with a paired bootstrap interval over documents."),
    lexicon: List[Path] = LexiconOption,
    actors: List[Path] = ActorsOption,
    limit: Optional[int] = typer.Option(None, help="Only the first N documents."),
    part: str = typer.Option("all", help=f"Which records: {' | '.join(PARTS)} (dev = even-numbered, held-out = odd-numbered)."),
    errors: int = typer.Option(15, help="How many misses and false alarms to list."),
    as_json: bool = typer.Option(False, "--json", help="Write the whole report as JSON."),
    split: str = typer.Option("all", help="Annotated corpus: which split of written documents (all | train | dev | test)."),
    shared: Path = typer.Option(Path("../shared"), "--shared", help="Annotated corpus: the folder holding corpora/ for real-text annotations."),
) -> None:
    """Score event coding against gold events (three levels, per type, confusions), each F1
    with its 95 % bootstrap interval over documents."""

    pipeline = Pipeline(PipelineConfig(spacy_model=spacy_model, coder=None if model == "shipped" else model,
                                       lexicons=tuple(lexicon), actor_files=tuple(actors)))
    models = [pipeline.coder_model]
    if compare is not None:  # the second coder codes the same parse: spaCy is loaded and run once
        models.append(coder_model(None if compare == "shipped" else compare))
    results = score_gold(gold, pipeline, models, split, shared, limit, part)
    if compare is not None:
        print_comparison(*results, model or "shipped", compare, as_json)
        return
    [result] = results
    if as_json:
        out.print_json(json.dumps(result.as_dict(), default=str))
    else:
        print_report(result.report if isinstance(result, CorpusReport) else result, errors)
        if isinstance(result, CorpusReport):
            out.print(f"{result.sentences} sentences, {result.no_event_sentences} without events: "
                      f"{result.false_alarms_per_100} false alarms per 100 of them", highlight=False)


def score_gold(gold: Path, pipeline, models: list, split: str, shared: Path, limit, part: str) -> list[EvalReport | CorpusReport]:
    """The report of each coder on a gold file: an annotated corpus is scored sentence by sentence."""
    from dyads.corpus.annotations import SPLITS, read_corpus
    from dyads.evaluate.corpus_eval import evaluate_corpus_each, is_corpus

    if not is_corpus(gold):
        return evaluate_each(gold, pipeline, models, limit, part)
    if split not in ("all", *SPLITS):
        raise UsageError(f"--split: choose one of all, {', '.join(SPLITS)}")
    read = read_corpus([gold], shared)
    for origin, reason in read.problems:
        err.print(f"{origin}: {reason} (skipped)", highlight=False, markup=False)
    docs = [d for d in read.docs if split == "all" or "corpus" in d.meta or d.split == split][:limit]
    return evaluate_corpus_each(docs, pipeline, models)


def print_comparison(a, b, name_a: str, name_b: str, as_json: bool) -> None:
    """Both coders' F1 and the paired difference, level by level."""
    report_a = a.report if isinstance(a, CorpusReport) else a
    report_b = b.report if isinstance(b, CorpusReport) else b
    differences = compare_reports(report_a, report_b)
    if as_json:
        out.print_json(json.dumps({"model": name_a, "compare": name_b, "a": a.as_dict(), "b": b.as_dict(),
                                   "difference": {lvl: d.as_dict() for lvl, d in differences.items()}}, default=str))
        return
    documents = len(set(report_a.document_counts[LEVELS[0]]) | set(report_b.document_counts[LEVELS[0]]))
    table = Table(title=f"{name_b} against {name_a}: paired bootstrap over {documents} documents", header_style="bold")
    table.caption = "F1 of each coder; difference: the second's minus the first's"
    for col in ("level", name_a, name_b, "difference", "95 % interval", "not better"):
        table.add_column(col, justify="left" if col == "level" else "right")
    for lvl, d in differences.items():
        interval = "-" if d.low is None else f"{d.low:+.3f}..{d.high:+.3f}"
        share = "-" if d.b_not_better is None else f"{d.b_not_better:.1%}"
        table.add_row(lvl, f"{report_a.overall[lvl]['f1']:.3f}", f"{report_b.overall[lvl]['f1']:.3f}",
                      f"{d.difference:+.3f}", interval, share)
    out.print(table)
    out.print("not better: the share of resampled gold sets on which the second coder's F1 was not higher",
              highlight=False)
    if isinstance(a, CorpusReport):
        out.print(f"false alarms per 100 sentences without events: {name_a} {a.false_alarms_per_100}, "
                  f"{name_b} {b.false_alarms_per_100}", highlight=False)


def print_report(report: EvalReport, errors: int) -> None:
    table = Table(title=f"{report.documents} documents, {report.gold_events} required gold events", header_style="bold")
    for col in ("level", "precision", "recall", "F1", "F1 95 % interval", "tp", "fp", "fn"):
        table.add_column(col, justify="right" if col != "level" else "left")
    for lvl in LEVELS:
        s = report.overall[lvl]
        interval = report.intervals.get(lvl)
        table.add_row(lvl, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
                      f"{interval[0]:.3f}-{interval[1]:.3f}" if interval else "-", str(s["tp"]), str(s["fp"]), str(s["fn"]))
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
    text: str = typer.Argument(..., help="A sentence or article text, @FILE to read a .txt article, or with --db "
                                          "the id of a stored event."),
    published: Optional[str] = PublishedOption,
    db: Optional[str] = typer.Option(None, "--db", help="Explain the stored event whose id is TEXT, from this "
                                                        "store (as it was coded then), instead of coding TEXT."),
    spacy_model: Optional[str] = SpacyModelOption,
    model: Optional[str] = CoderModelOption,
    lexicon: List[Path] = LexiconOption,
    actors: List[Path] = ActorsOption,
    all_factuality: bool = typer.Option(True, "--all/--asserted", help="Show non-asserted events too (default)."),
    as_json: bool = typer.Option(False, "--json", help="Print the events and their evidence as JSON."),
) -> None:
    """Code a text and show why each event was coded (rule, parse path, factuality, scores)."""
    if db is not None:
        explain_stored(text, db, as_json)
        return
    article = _article_of(text, date_option(published, "--published"))
    config = PipelineConfig(spacy_model=spacy_model, coder=model, lexicons=tuple(lexicon), actor_files=tuple(actors))
    coded = Pipeline(config).code_one(article)
    events = [e for e in coded.events if all_factuality or e.factuality == "asserted"]
    if as_json:
        out.print_json(json.dumps([e.to_record() for e in events], default=str))
        return
    rows = [_event_row(n, e.event, e.mode, e.actor.full_code if e.actor else None,
                       e.recipient.full_code if e.recipient else None, e.date, e.date_source, e.factuality,
                       e.confidence, f"{e.event_loc.name}/{e.event_loc.country}" if e.event_loc else "", e.event_text)
            for n, e in enumerate(events, start=1)]
    evidence = [[(n, f"{ev.rule} via {ev.path}", coded.article.body[ev.trigger[0]:ev.trigger[1]], ev.sentence,
                  describe_scores(ev.scores) if ev.scores else "") for ev in e.evidence]
                for n, e in enumerate(events, start=1)]
    _print_explained(rows, evidence, "in this text" + ("" if all_factuality else " (asserted)"))


def _article_of(text: str, pub):
    from dyads.ingest import read_inputs
    from dyads.models import Article

    if not text.startswith("@"):
        return Article(id="text", text=text, published=pub)
    path = text[1:]
    if not Path(path).is_file():
        raise UsageError(f"@{path}: no such file")
    records = list(read_inputs([path], pub))
    article = next((r for r in records if isinstance(r, Article)), None)
    if article is None:
        raise DyadsError(f"{path}: {records[0].reason if records else 'no article in it'}")
    return article


def _event_row(n: int, event, mode, actor, recipient, when, source, factuality, confidence, where, words) -> list[str]:
    return [str(n), event or "", mode or "", actor or "—", recipient or "—",
            f"{when or ''} {(source or '')[:3]}".strip(), factuality or "", f"{confidence:.2f}", where, words or ""]


EXPLAIN_HEADER = ["#", "event", "mode", "actor", "recipient", "date", "factuality", "conf", "where", "words"]


def _print_explained(rows: list[list[str]], evidence: list[list[tuple]], where: str) -> None:
    """The events as a table, then each one's evidence: rule, trigger, sentence, model scores."""
    if not rows:
        note(f"no events {where}")
        return
    print_rows(EXPLAIN_HEADER, rows, wide="words")
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    for name in ("#", "rule", "trigger", "sentence"):
        table.add_column(name, overflow="fold")
    for n_evidence in evidence:
        for n, rule, trigger, sentence, scores in n_evidence:
            table.add_row(Text(str(n)), Text(rule), Text(f"«{trigger}»"), Text(sentence))
            if scores:
                table.add_row(Text(""), Text("model"), Text(""), Text(scores))
    wide_out().print(table)
    note(f"{len(rows)} events {where}")


def explain_stored(event_id: str, db: str, as_json: bool) -> None:
    """A stored event with the evidence saved when it was coded."""
    from dyads.store import Store

    if not Path(db).exists():
        raise UsageError(f"--db {db}: no such file")
    with Store(db, read_only=True) as store:
        record = store.event(event_id)
    found = [record] if record else []
    if not found:
        raise UsageError(f"no event {event_id!r} in {db} (event ids: dyads events --db {db} --format jsonl)")
    r = found[0]
    if as_json:
        out.print_json(json.dumps(found, default=str))
        return
    code = lambda a: "".join(x for x in (a.get("code"), a.get("sector")) if x) if a else None  # noqa: E731
    loc = r.get("event_loc") or {}
    row = _event_row(1, r["event"], r["mode"], code(r["actor"]), code(r["recipient"]), r["date"], r["date_source"],
                     r["factuality"], r["confidence"] or 0.0,
                     f"{loc.get('name')}/{loc.get('country')}" if loc else "", r["event_text"])
    evidence = [(1, f"{m['rule']} via {m['path']}", _span(m), m["sentence"] or "", "") for m in r["evidence"]]
    _print_explained([row], [evidence], f"with id {event_id} (article {r['article_id']})")


def _span(mention: dict) -> str:
    """The trigger's words, cut from the mention's sentence (offsets are in the article body)."""
    trig, start = mention.get("trigger"), mention.get("sentence_start")
    if not trig or start is None or not mention.get("sentence"):
        return ""
    return mention["sentence"][trig[0] - start:trig[1] - start]


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
    for key in ("actor_sector", "recipient_sector"):
        if key in scores:
            parts.append(f"{key.replace('_', ' ')} {scores[key]}")
    if "forced_by" in scores:
        parts.append(f"forced by {scores['forced_by']}")
    return "; ".join(parts)
