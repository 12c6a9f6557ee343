"""The typer application every command module registers on."""
from __future__ import annotations

import functools
import sys
from typing import Callable

import typer
from rich.console import Console

from dyads.errors import DyadsError

app = typer.Typer(
    name="dyads",
    help="Code political events (who did what to whom, when and where) from news text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)  # one message, one line (greppable)
out = Console()


def user_errors(fn: Callable) -> Callable:
    """Turn a DyadsError into a one-line message and its exit code (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DyadsError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper
