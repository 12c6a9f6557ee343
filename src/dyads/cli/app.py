"""The typer application every command module registers on."""
from __future__ import annotations

import functools
import sys
from typing import Callable

import typer
from rich.console import Console
from rich.table import Table

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


def print_rows(header: list[str], rows: list[list[str]], title: str = "", wide: str = "evidence") -> None:
    """A table with one record per line: cells are cut with an ellipsis, never wrapped, and
    the ``wide`` column (the evidence sentence) takes the width left. Piped output is 200
    columns wide, not 80, so files and pagers get whole lines."""
    console = out if out.is_terminal else Console(width=200)
    table = Table(header_style="bold", box=None, expand=wide in header, pad_edge=False, title=title or None)
    for name in header:
        if name == wide:
            table.add_column(name, no_wrap=True, overflow="ellipsis", ratio=1, min_width=16)
        else:
            table.add_column(name, no_wrap=True, overflow="ellipsis", min_width=min(len(name), 10), max_width=28)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def narrow_terminal(limit: int = 110) -> bool:
    """True when stdout is a terminal narrower than ``limit`` columns."""
    return out.is_terminal and out.width < limit
