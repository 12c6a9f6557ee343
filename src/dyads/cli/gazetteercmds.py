"""`dyads gazetteer info` and `dyads gazetteer import`: which gazetteer is in use, and
the full GeoNames gazetteer from dumps the user downloaded."""
from __future__ import annotations

from pathlib import Path

import typer

from dyads.cli.app import app, err, out, user_errors
from dyads.errors import EXIT_SKIPPED

gazetteer_app = typer.Typer(help="The offline gazetteer: what is in use, and importing full GeoNames dumps.",
                            no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


@gazetteer_app.command("info")
@user_errors
def info() -> None:
    """Say which gazetteer index is in use (imported or embedded), where, and its size."""
    from dyads.place.gazetteer import imported_path, load_gazetteer
    from dyads.place.index import read_meta

    gaz = load_gazetteer()
    meta = read_meta(gaz.path) or {}
    out.print(f"gazetteer: {gaz.source} ({meta.get('built_from', '?')})", highlight=False, soft_wrap=True)
    out.print(f"index: {gaz.path} ({gaz.path.stat().st_size / 1e6:.1f} MB)", highlight=False, soft_wrap=True)
    out.print(f"places: {len(gaz):,}  names: {gaz.names_count():,}", highlight=False, soft_wrap=True)
    if gaz.source == "embedded":
        out.print(f"no imported index at {imported_path()} (`dyads gazetteer import` builds one)", highlight=False, soft_wrap=True)


@gazetteer_app.command("import")
@user_errors
def import_(paths: list[Path] = typer.Argument(..., help="GeoNames dumps: allCountries.zip, a country file "
                                               "(FR.zip, FR.txt), alternateNamesV2.zip, or a folder of them."),
            quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar.")) -> None:
    """Build the full gazetteer index from GeoNames dumps; used from then on instead of
    the embedded one. Bad lines are reported (file:line) and skipped (exit code 3)."""
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                               TransferSpeedColumn)

    from dyads.place.geonames_import import import_dumps

    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                        TimeRemainingColumn(), console=err, disable=quiet, transient=False)
    with progress:
        report = import_dumps(paths, progress=progress,
                              on_bad=lambda bad: err.print(f"bad line: {bad}", highlight=False, markup=False))
    out.print(f"imported {report.places_read:,} place lines ({report.places_added:,} new places) and "
              f"{report.alternate_names:,} alternate names into {report.path}", highlight=False, soft_wrap=True)
    out.print(f"gazetteer now: {report.places_total:,} places, {report.names_total:,} names", highlight=False, soft_wrap=True)
    if report.bad:
        err.print(f"{len(report.bad)} bad line(s) skipped", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_SKIPPED)
