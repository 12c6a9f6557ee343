"""`dyads watch`: poll RSS/Atom feeds and code each new item's page."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from dyads.cli.options import CoderModelOption, SpacyModelOption
from dyads.cli.app import app, err, user_errors
from dyads.cli.coding import DbOption
from dyads.cli.options import (ActorsOption, LanguagesOption, LexiconOption, MaxCharsOption, SkipLogOption,
                               ingest_options, skip_log_file)
from dyads.errors import EXIT_SKIPPED
from dyads.ingest.feeds import MAX_RESPONSE_BYTES, AddressPolicy
from dyads.ingest.web import host_name
from dyads.parallel import ParallelCoder
from dyads.pipeline import PipelineConfig
from dyads.watch import PollSummary, Watcher, watch


@app.command("watch")
@user_errors
def watch_command(
    sources: List[str] = typer.Argument(..., help="Feed URLs (http/https) or feed files, RSS or Atom."),
    interval: float = typer.Option(900.0, "--interval", min=0.0, help="Seconds between polls."),
    once: bool = typer.Option(False, "--once", help="Poll once and exit (for cron)."),
    polls: Optional[int] = typer.Option(None, "--polls", min=1, help="Stop after this many polls."),
    timeout: float = typer.Option(20.0, "--timeout", min=0.1,
                                  help="Seconds allowed for each feed or page, in all (redirects, headers, body)."),
    max_bytes: int = typer.Option(MAX_RESPONSE_BYTES, "--max-bytes", min=1000,
                                  help="Feeds and pages larger than this many bytes are skipped, not read whole."),
    allow_private: bool = typer.Option(False, "--allow-private",
                                       help="Also fetch from loopback, private and link-local addresses "
                                            "(refused by default: a feed must not reach into this machine's network)."),
    allow_hosts: List[str] = typer.Option([], "--allow-host",
                                          help="Fetch from this host even if its address is private (repeatable): "
                                               "narrower than --allow-private."),
    db: str = DbOption,
    spacy_model: Optional[str] = SpacyModelOption,
    model: Optional[str] = CoderModelOption,
    lexicon: List[Path] = LexiconOption,
    actors: List[Path] = ActorsOption,
    max_chars: int = MaxCharsOption,
    languages: str = LanguagesOption,
    skip_log: Optional[Path] = SkipLogOption,
    as_json: bool = typer.Option(False, "--json", help="Print each poll's summary as one JSON line on stdout."),
) -> None:
    """Poll feeds, fetch and code each new item's page, store it; items seen before are not recoded.
    Quiet: only problems (feeds or pages that failed, items skipped) are printed, on stderr."""
    options = ingest_options(max_chars, languages)
    config = PipelineConfig(spacy_model=spacy_model, coder=model, lexicons=tuple(lexicon), actor_files=tuple(actors))
    with skip_log_file(skip_log, mode="a") as log, ParallelCoder(config, workers=1) as coder:
        addresses = AddressPolicy(allow_private, frozenset(host_name(h) for h in allow_hosts))
        watcher = Watcher(db, coder, timeout=timeout, options=options, skip_log=log, max_bytes=max_bytes,
                          addresses=addresses)
        try:
            skipped = watch(watcher, sources, interval, polls=1 if once else polls,
                            on_poll=lambda s: _report(s, as_json))
        except KeyboardInterrupt:
            return
    if skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _report(summary: PollSummary, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    for s in summary.skipped:
        err.print(f"poll {summary.poll}: skipped {s.origin}: {s.reason}", highlight=False, markup=False)
