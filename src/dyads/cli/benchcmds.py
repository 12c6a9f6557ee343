"""`dyads bench`: coding throughput and memory against spaCy's parse alone."""
from __future__ import annotations

import json
import os
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from dyads.bench import BenchResult, run_bench
from dyads.cli.options import CoderModelOption, SpacyModelOption
from dyads.cli.app import app, note, out, user_errors
from dyads.pipeline import PipelineConfig


@app.command()
@user_errors
def bench(
    corpus: str = typer.Argument(..., help="A corpus file (.jsonl, .jsonl.gz, .csv) or folder."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-w", min=1, help="Worker processes (1 = in this process)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many articles."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Articles per spaCy batch and per worker chunk."),
    spacy_model: Optional[str] = SpacyModelOption,
    model: Optional[str] = CoderModelOption,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Time dyads coding and spaCy's parse alone over the same texts; show throughput, ratio and peak memory."""
    note(f"benchmarking {corpus} with {workers} worker(s), batch size {batch_size} ...")
    result = run_bench(corpus, PipelineConfig(spacy_model=spacy_model, coder=model, batch_size=batch_size), workers=workers, limit=limit)
    if as_json:
        out.print_json(json.dumps(result.as_dict()))
    else:
        print_bench(result)


def print_bench(r: BenchResult) -> None:
    table = Table(title=Text(f"{r.corpus}: {r.articles} articles, {r.tokens} tokens, {r.workers} worker(s), {r.model}"),
                  header_style="bold")
    for col in ("", "seconds", "CPU seconds", "articles/s", "tokens/s"):
        table.add_column(col, justify="right" if col else "left")
    table.add_row("spaCy parse alone", f"{r.spacy_seconds:.2f}", f"{r.spacy_cpu_seconds:.2f}", f"{r.spacy_articles_per_s:.1f}", f"{r.spacy_tokens_per_s:.0f}")
    table.add_row("dyads coding", f"{r.dyads_seconds:.2f}", f"{r.dyads_cpu_seconds:.2f}", f"{r.dyads_articles_per_s:.1f}", f"{r.dyads_tokens_per_s:.0f}")
    out.print(table)
    out.print(f"dyads / spaCy throughput ratio: {r.ratio:.2f} (in CPU time: {r.cpu_ratio:.2f})", highlight=False)
    out.print("peak RSS per worker: " + ", ".join(f"{mb:.0f} MB" for mb in r.peak_rss_mb), highlight=False)
    out.print(f"load average when timing began: {r.load_average:.2f} (other work on the machine skews the figures)", highlight=False)
