"""`dyads code`, `dyads events`, `dyads demo`."""
from __future__ import annotations

import json
import os
import sys
import threading
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, List, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from dyads.cli.app import app, err, narrow_terminal, note, out, print_rows, user_errors
from dyads.cli.filters import event_types, resolve_filter
from dyads.cli.options import (TABLE_FORMATS, ActorsOption, CoderModelOption, FormatOption, JsonOption,
                               LanguagesOption, LexiconOption, MaxCharsOption, OutputOption, PublishedFieldOption, PublishedOption,
                               SkipLogOption, SpacyModelOption, date_option, file_format, ingest_options,
                               output_format, skip_log_file)
from dyads.errors import EXIT_SKIPPED, UsageError
from dyads.export import write_json, write_records
from dyads.ingest import Skipped, read_inputs
from dyads.models import Article
from dyads.parallel import ParallelCoder
from dyads.pipeline import Pipeline, PipelineConfig
from dyads.query import EventFilter
from dyads.run import Coder, RunSummary, articles_only, code_records
from dyads.store import DEFAULT_DB, Store

DbOption = typer.Option(DEFAULT_DB, "--db", help="DuckDB file of the store.")
MAX_PRINTED = 50  # skipped inputs listed on stderr; --skip-log keeps every one


def _progress(quiet: bool, force: bool = False) -> Progress:
    console = Console(stderr=True, force_terminal=True) if force and not err.is_terminal else err
    return Progress(
        TextColumn("coding"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]} articles/s"),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=console, disable=quiet or not console.is_terminal, transient=True,
    )


def _count_in_background(bar: Progress, task, count: Callable[[], int]) -> None:
    """Give the bar its total (and so an ETA) once ``count`` has read the inputs through,
    without holding up the coding meanwhile."""

    def run() -> None:
        try:
            total = count()
        except Exception:  # noqa: BLE001 - the count only feeds the bar; the run itself reports input errors
            return
        bar.update(task, total=total)

    threading.Thread(target=run, name="count-inputs", daemon=True).start()


def code_into_store(pipeline: Coder, store: Store, records: Iterable, summary: RunSummary,
                    quiet: bool = True, skip_unchanged: bool = False, progress: bool = False,
                    count: Callable[[], int] | None = None) -> None:
    """``run.code_records`` with a progress bar on a terminal; ``count`` (the number of articles
    the records hold, when the inputs can be read twice) gives the bar a total and an ETA."""
    with _progress(quiet, progress) as bar:
        task = bar.add_task("coding", total=None, rate="0.0")
        if count is not None and not bar.disable:
            _count_in_background(bar, task, count)

        def advance(_coded) -> None:
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(task, completed=summary.articles + summary.unchanged, rate=f"{summary.articles / elapsed:.1f}")

        code_records(pipeline, store, records, summary, skip_unchanged=skip_unchanged, on_saved=advance)


def article_count(paths: list[str], published, options, exclude) -> Callable[[], int] | None:
    """A function counting the articles of PATHS (read a second time), or None for stdin."""
    if "-" in paths:
        return None
    return lambda: sum(isinstance(r, Article) for r in read_inputs(paths, published, options, exclude=exclude))


def check_paths(paths: list[str]) -> None:
    """Every path given must exist: a typo is a usage error, not a run that codes nothing."""
    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")


def print_summary(summary: RunSummary, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
    elif summary.articles == 0 and summary.unchanged and not summary.skipped_total:
        note(f"nothing to code: all {summary.unchanged} articles are already coded "
             "with the same content (--no-resume recodes them)")
    else:
        note(
            f"coded {summary.articles} articles, {summary.sentences} sentences, {summary.events} events"
            + (f" ({summary.undated} undated, {summary.publication_dated} dated by the publication date only, "
               f"{summary.unlocated} unlocated)" if summary.events and summary.workers else "")  # counted where coded here
            + (f"; {summary.unchanged} already coded, unchanged, skipped" if summary.unchanged else "")
            + (f"; skipped {summary.skipped_total} inputs ({_kinds(summary)}):" if summary.skipped_total else "")
        )
        if summary.undated_articles:  # one line per run: their events carry no date and leaders no dated post
            err.print(f"warning: {summary.undated_articles} articles had no publication date (none in the record, its URL "
                      "or file name): their events are dated only by their text; give --published or "
                      "--published-field", highlight=False, markup=False)
        for s in summary.skipped[:MAX_PRINTED]:
            note(f"  skipped {s.origin}: {s.reason}")
        if summary.skipped_total > MAX_PRINTED:
            more = summary.skipped_total - MAX_PRINTED
            where = f"in {summary.skip_log.name}" if summary.skip_log else "with --skip-log FILE"
            note(f"  … and {more} more (all of them {where})")


def _kinds(summary: RunSummary) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in summary.skipped_by_kind.most_common())


@app.command()
@user_errors
def code(
    paths: List[str] = typer.Argument(..., help="Files (.txt, .jsonl, .jsonl.gz, .csv, .html, .htm, .warc, .warc.gz), "
                                      "folders, or - for stdin; with --cluster also .parquet, globs and fsspec URLs."),
    published: Optional[str] = PublishedOption,
    published_field: Optional[str] = PublishedFieldOption,
    db: str = DbOption,
    max_chars: int = MaxCharsOption,
    languages: str = LanguagesOption,
    skip_log: Optional[Path] = SkipLogOption,
    spacy_model: Optional[str] = SpacyModelOption,
    model: Optional[str] = CoderModelOption,
    lexicon: List[Path] = LexiconOption,
    actors: List[Path] = ActorsOption,
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-w", min=1,
                                help="Worker processes, each with its own pipeline (1 = in this process; "
                                     "a small input is always coded in this process)."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Articles per spaCy batch and per worker chunk."),
    resume: bool = typer.Option(True, "--resume/--no-resume",
                                help="Skip articles already stored with the same id and content (default); "
                                     "--no-resume recodes them."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Dask scheduler address (tcp://host:8786) or 'local' "
                                          "(a LocalCluster of --workers processes); needs --out."),
    out_dir: Optional[str] = typer.Option(None, "--out", help="With --cluster: directory or fsspec URL for partitioned Parquet."),
    server: Optional[str] = typer.Option(None, "--server", help="URL of a running `dyads serve`: code through it, "
                                         "since it owns the store while it runs."),
    token: Optional[str] = typer.Option(None, "--token", envvar="DYADS_TOKEN",
                                        help="With --server: its write token (default: $DYADS_TOKEN)."),
    progress: bool = typer.Option(False, "--progress", help="Show the progress bar even when stderr is not a terminal."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
) -> None:
    """Code news articles into events and store them (resumable: a re-run codes only what is new)."""
    pub = date_option(published, "--published")
    config = PipelineConfig(spacy_model=spacy_model, coder=model, lexicons=tuple(lexicon), actor_files=tuple(actors), batch_size=batch_size)
    options = ingest_options(max_chars, languages, published_field)
    if (cluster is None) != (out_dir is None):
        raise UsageError("--cluster and --out go together: dyads code SHARDS --cluster local --out DIR")
    if cluster is None:  # a cluster run also reads globs and fsspec URLs
        check_paths(paths)
    with skip_log_file(skip_log) as log:
        summary = RunSummary(skip_log=log)
        if cluster is not None:
            from dyads.distributed import code_on_cluster

            code_on_cluster(paths, out_dir, cluster, config, workers=workers, published=pub, resume=resume,
                            options=options, summary=summary)
        else:
            exclude = [skip_log] if skip_log else []
            records = read_inputs(paths, pub, options, exclude=exclude)
            if server is not None:
                _code_through_server(records, server, token, summary)
            else:
                count = article_count(paths, pub, options, exclude)
                _code_locally(records, db, config, workers, resume, quiet, progress, summary, count)
        if not quiet or as_json:
            print_summary(summary, as_json)
    if summary.skipped_total:
        raise typer.Exit(EXIT_SKIPPED)


def _code_through_server(records: Iterable, url: str, token: str | None, summary: RunSummary) -> None:
    """Send the articles to the workbench, which codes and stores them (skipped inputs stay here)."""
    from dyads.serve.client import submit

    if not token:
        raise UsageError("--server needs the server's write token: --token TOKEN or DYADS_TOKEN")
    payload = ({"id": a.id, "title": a.title, "dek": a.dek, "text": a.text, "url": a.url, "source": a.source,
                "published": a.published.isoformat() if a.published else None, **a.extra}
               for a in articles_only(records, summary))
    result = submit(url, token, payload,
                    on_skip=lambda rec_id, reason: summary.skip(Skipped(rec_id, reason, "too large")))
    summary.articles += result["articles"]
    summary.events += result["events"]


def _code_locally(records: Iterable, db: str, config: PipelineConfig, workers: int, resume: bool,
                  quiet: bool, progress: bool, summary: RunSummary, count: Callable[[], int] | None) -> None:
    with Store(db) as store, ParallelCoder(config, workers) as coder:
        code_into_store(coder, store, records, summary, quiet=quiet, skip_unchanged=resume, progress=progress,
                        count=count)
        summary.workers = coder.workers_used


@app.command()
@user_errors
def attach(
    directory: str = typer.Argument(..., help="The --out directory (or URL) of a cluster run."),
    db: str = DbOption,
) -> None:
    """Make a cluster run's Parquet queryable from the store (views parquet_events, parquet_articles)."""
    from dyads.distributed import attach_parquet

    with Store(db) as store:
        counts = attach_parquet(store, directory)
    note(f"attached {directory}: " + ", ".join(f"{view} ({n} rows)" for view, n in counts.items()))


def filter_options(
    actor: Optional[str], recipient: Optional[str], types: List[str], since: Optional[str], until: Optional[str],
    min_confidence: float, all_factuality: bool,
) -> EventFilter:
    return EventFilter(
        actor=actor, recipient=recipient, type=event_types(types),
        since=date_option(since, "--since"), until=date_option(until, "--until"),
        min_confidence=min_confidence, factuality=[] if all_factuality else ["asserted"],
    )


@app.command()
@user_errors
def events(
    db: str = DbOption,
    actor: Optional[str] = typer.Option(None, help="Actor code (RUS), code+sector (RUSGOV) or name (Russia, Putin)."),
    recipient: Optional[str] = typer.Option(None, help="Recipient code, code+sector or name."),
    types: List[str] = typer.Option([], "--type", help="PLOVER event type(s) (repeatable)."),
    since: Optional[str] = typer.Option(None, help="Events on or after YYYY-MM-DD."),
    until: Optional[str] = typer.Option(None, help="Events on or before YYYY-MM-DD."),
    min_confidence: float = typer.Option(0.0, help="Only events at or above this confidence."),
    all_factuality: bool = typer.Option(False, "--all", help="Also negated, hypothetical and future events."),
    fmt: Optional[str] = FormatOption,
    output: Optional[Path] = OutputOption,
    as_json: bool = JsonOption,
    limit: Optional[int] = typer.Option(None, help="At most this many events."),
) -> None:
    """List or export coded events."""
    fmt = output_format(fmt, output, TABLE_FORMATS, "table", as_json)
    file_format(fmt, output)
    flt = filter_options(actor, recipient, types, since, until, min_confidence, all_factuality)
    with Store(db, read_only=True) as store:
        records = store.records(resolve_filter(store.con, flt), limit=limit)
        if fmt == "table":
            print_events_table(list(records))
            return
        n = _write_events(records, fmt, output)
    if output is not None:
        note(f"wrote {n} events to {output}")


def _write_events(records: Iterable[dict], fmt: str, output: Path | None) -> int:
    """Nested records as json (one array) or jsonl; flat columns as csv or parquet."""
    if fmt in ("json", "jsonl"):
        fh = open(output, "w", encoding="utf-8") if output is not None else sys.stdout
        try:
            return write_json(records, fh, lines=fmt == "jsonl")
        finally:
            if output is not None:
                fh.close()
    return write_records(records, fmt, output or Path("/dev/stdout"))


def _actor_label(actor: dict | None, with_name: bool = True) -> str:
    if not actor:
        return "—"
    code = "".join(x for x in (actor.get("code"), actor.get("sector")) if x) or "?"
    name = actor.get("name") or actor.get("entity_text") or ""
    return f"{code} {name}" if with_name and name and name != actor.get("code") else code


# How a date not stated by the text was found: the article's publication date, or a date in its URL or file name.
DATE_LABELS = {"publication": " (pub)", "url": " (url)", "file name": " (file)"}


def print_events_table(records: list[dict]) -> None:
    narrow = narrow_terminal()  # then: codes without names; no mode, place or confidence
    header = ["date", "event"] + ([] if narrow else ["mode"]) + ["actor", "recipient"]
    header += ([] if narrow else ["where", "conf"]) + ["evidence"]
    rows = []
    for r in records:
        loc = r.get("event_loc") or {}
        cells = {
            "date": (r["date"] or "") + (DATE_LABELS.get(r.get("date_source"), "") if r["date"] else ""),
            "event": r["event"], "mode": r["mode"] or "", "actor": _actor_label(r["actor"], not narrow),
            "recipient": _actor_label(r["recipient"], not narrow),
            "where": f"{loc.get('name')} {loc.get('country') or ''}" if loc else "",
            "conf": f"{r['confidence']:.2f}", "evidence": r["text"] or "",
        }
        rows.append([cells[name] for name in header])
    print_rows(header, rows)
    note(f"{len(records)} events")


def demo_articles() -> list[str]:
    folder = resources.files("dyads") / "data" / "demo"
    return sorted(str(p) for p in folder.iterdir() if p.name.endswith(".jsonl"))


@app.command()
@user_errors
def demo(
    db: str = typer.Option("dyads-demo.duckdb", "--db", help="Fresh database to code the demo articles into."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Code the bundled example articles into a fresh database and show the events."""
    path = Path(db)
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    pipeline = Pipeline()
    summary = RunSummary()
    with Store(db) as store:
        code_into_store(pipeline, store, read_inputs(demo_articles()), summary, quiet=quiet)
        records = list(store.records())
    print_events_table(records)
    print_summary(summary, False)
    note(f"database: {db}  (try: dyads events --db {db} --actor RUS)")
