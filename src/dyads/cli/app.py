"""The typer application every command module registers on.

Every value the user gave (paths, names, options) and every value read from data is printed
through ``rich.markup.escape`` or as a ``Text``: a file named ``a[/x]b.txt`` must print as
itself, not raise a MarkupError or lose its brackets."""
from __future__ import annotations

import functools
import sys
from importlib import metadata
from typing import Callable, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperOption

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

_display_type_rich = getattr(TyperOption, "display_type_rich", None)


def _flags_take_no_value(self: TyperOption, ctx) -> Optional[str]:
    """Typer (0.2x) labels every flag ``<bool>`` in rich help screens (even --help), as if it
    took a value; no declaration avoids it, so flags get no type label here."""
    return None if self.is_flag else _display_type_rich(self, ctx)


if _display_type_rich is not None:  # typer versions without the hook have no such label
    TyperOption.display_type_rich = _flags_take_no_value


def version() -> str:
    try:
        return metadata.version("dyads")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        from dyads import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        out.print(f"dyads {version()}", highlight=False, markup=False)
        raise typer.Exit(0)


@app.callback()
def _main(
    show_version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                      help="Print the version and exit."),
) -> None:
    """Code political events (who did what to whom, when and where) from news text."""


def user_errors(fn: Callable) -> Callable:
    """Turn a DyadsError into a one-line message and its exit code (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DyadsError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, markup=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper


def note(message: str, console: Console | None = None) -> None:
    """A plain line (on stderr unless told): no markup, no highlighting, so user values print as given."""
    (console or err).print(message, highlight=False, markup=False, soft_wrap=True)


def print_rows(header: list[str], rows: list[list[str]], title: str = "", wide: str = "evidence") -> None:
    """A table with one record per line: cells are cut with an ellipsis, never wrapped, and
    the ``wide`` column (the evidence sentence) takes the width left. Piped output is 200
    columns wide, not 80, so files and pagers get whole lines. Cells and title are text,
    never markup (an evidence sentence may hold "[sic]")."""
    console = wide_out()
    table = Table(header_style="bold", box=None, expand=wide in header, pad_edge=False,
                  title=Text(title) if title else None)
    for name in header:
        if name == wide:
            table.add_column(name, no_wrap=True, overflow="ellipsis", ratio=1, min_width=16)
        else:
            table.add_column(name, no_wrap=True, overflow="ellipsis", min_width=min(len(name), 10), max_width=28)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def wide_out() -> Console:
    """stdout; when piped, 200 columns wide rather than 80, so files and pagers get whole lines."""
    return out if out.is_terminal else Console(width=200)


def narrow_terminal(limit: int = 110) -> bool:
    """True when stdout is a terminal narrower than ``limit`` columns."""
    return out.is_terminal and out.width < limit
