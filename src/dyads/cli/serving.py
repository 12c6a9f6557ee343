"""`dyads serve` (the workbench) and `dyads review export`."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import List

import typer

from dyads.cli.app import app, note, user_errors
from dyads.errors import DyadsError, StoreError
from dyads.store import DEFAULT_DB, Store

WILDCARDS = ("0.0.0.0", "::", "")  # bind addresses that are no host name a client would use
review_app = typer.Typer(help="Human reviews of coded events.", no_args_is_help=True)
app.add_typer(review_app, name="review")


@app.command()
@user_errors
def serve(
    db: str = typer.Option(DEFAULT_DB, "--db", help="DuckDB file of the store (the server owns it while it runs)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    token: str = typer.Option(None, "--token", help="Token for write endpoints (default: $DYADS_TOKEN, else a new one)."),
    allow_host: List[str] = typer.Option([], "--allow-host", metavar="NAME",
                                         help="Also answer requests for this host name (repeatable; '*' for any). "
                                              "Requests naming another host in their Host header are refused, "
                                              "so web pages cannot reach the server through DNS rebinding."),
) -> None:
    """Run the workbench: JSON API, review log and dashboard on http://HOST:PORT/."""
    import uvicorn

    from dyads.serve.app import create_app
    from dyads.serve.guards import allowed_hosts

    generated = not (token or os.environ.get("DYADS_TOKEN"))
    token = token or os.environ.get("DYADS_TOKEN") or secrets.token_urlsafe(24)
    if not Path(db).exists():
        note(f"note: {db} does not exist yet; starting with an empty store")
    application = create_app(db, token, allowed_hosts=allowed_hosts(host, allow_host))
    note(f"dyads workbench on http://{host}:{port}/  (store: {db})")
    if host in WILDCARDS and not allow_host:
        note(f"note: {host} listens on every address, but only requests for 127.0.0.1 or localhost are "
             "answered: name the host others reach this machine by with --allow-host NAME")
    if generated:
        note(f"write token (for reviews and POST /api/articles): {token}")
    uvicorn.run(application, host=host, port=port, log_level="warning")


@review_app.command("export")
@user_errors
def review_export(
    output: Path = typer.Option(..., "-o", "--output", help="Gold JSONL file to write."),
    db: str = typer.Option(DEFAULT_DB, "--db", help="DuckDB file of the store."),
) -> None:
    """Write reviewed events as dyads gold JSONL (accepted and corrected; rejected left out)."""
    from dyads.serve.reviews import export_gold

    if not Path(db).exists():
        raise DyadsError(f"no database at {db}")
    try:
        store = Store(db, read_only=True)
    except StoreError as exc:
        raise StoreError(f"{exc}\n(if `dyads serve` has the file open, stop it first or download "
                         "http://HOST:PORT/api/reviews/export)") from None
    with store:
        if not store.has_reviews():
            raise DyadsError(f"{db} has no reviews yet: review events in the workbench (dyads serve --db {db})")
        docs, events = export_gold(store, output)
    note(f"wrote {docs} documents with {events} reviewed events to {output}  (score with: dyads eval {output})")
