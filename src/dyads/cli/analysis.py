"""`dyads dyad`, `dyads contacts`, `dyads stats`, `dyads network`, `dyads clusters`, `dyads export`.

All count clustered events (one per real-world event) and take the filters of `dyads events`."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import pandas as pd
import typer

from dyads import analysis as an
from dyads.cli.app import app, note, out, print_rows, user_errors
from dyads.cli.coding import DbOption, filter_options
from dyads.cli.filters import resolve_actor, resolve_filter
from dyads.cli.options import (NETWORK_FORMATS, TABLE_FORMATS, FormatOption, JsonOption, OutputOption, file_format,
                               format_help, output_format)
from dyads.errors import UsageError
from dyads.export_formats import EXPORT_FORMATS, write_export
from dyads.store import Store

ActorOpt = typer.Option(None, "--actor", help="Actor code (RUS), code+sector (RUSGOV) or name (Russia, Putin).")
RecipientOpt = typer.Option(None, "--recipient", help="Recipient code, code+sector or name.")
TypeOpt = typer.Option([], "--type", help="PLOVER event type(s) (repeatable).")
SinceOpt = typer.Option(None, "--since", help="Events on or after YYYY-MM-DD.")
UntilOpt = typer.Option(None, "--until", help="Events on or before YYYY-MM-DD.")
ConfOpt = typer.Option(0.0, "--min-confidence", help="Only events at or above this confidence.")
AllOpt = typer.Option(False, "--all", help="Also negated, hypothetical and future events.")


HIDDEN_IN_TABLE = {"cluster", "article_id", "date_precision", "date_source", "quad_code", "n_sources", "partner_code"}


def _emit(df: pd.DataFrame, fmt: str, output: Optional[Path], title: str = "") -> None:
    """The frame as a table on the terminal, or as json (one array), jsonl, csv or parquet
    on stdout or in -o FILE."""
    file_format(fmt, output)
    if fmt == "table":
        df = df[[c for c in df.columns if c not in HIDDEN_IN_TABLE]]
        rows = [["" if pd.isna(v) else str(v) for v in row] for row in df.itertuples(index=False)]
        print_rows([str(c) for c in df.columns], rows, title)
        note(f"{len(df)} rows")
        return
    if fmt == "parquet":
        df.to_parquet(output, index=False)
    elif fmt == "csv":
        df.to_csv(output or sys.stdout, index=False)
    else:
        text = df.to_json(orient="records", date_format="iso", force_ascii=False, lines=fmt == "jsonl")
        (output.write_text(text + "\n", encoding="utf-8") if output else sys.stdout.write(text.rstrip("\n") + "\n"))
    if output is not None:
        note(f"wrote {len(df)} rows to {output}")


def _table_format(fmt: Optional[str], output: Optional[Path], as_json: bool) -> str:
    return output_format(fmt, output, TABLE_FORMATS, "table", as_json)


@app.command()
@user_errors
def dyad(
    a: str = typer.Argument(..., help="One side: code (RUS), code+sector (RUSGOV) or name (Putin)."),
    b: str = typer.Argument(..., help="The other side."),
    db: str = DbOption, actor: Optional[str] = ActorOpt, recipient: Optional[str] = RecipientOpt,
    types: List[str] = TypeOpt, since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
    min_confidence: float = ConfOpt, all_factuality: bool = AllOpt, as_json: bool = JsonOption, fmt: Optional[str] = FormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """Timeline of events between A and B, both directions, one row per clustered event."""
    fmt = _table_format(fmt, output, as_json)
    flt = filter_options(actor, recipient, types, since, until, min_confidence, all_factuality)
    with Store(db, read_only=True) as store:
        flt = resolve_filter(store.con, flt)
        a, b = resolve_actor(store.con, a, "A"), resolve_actor(store.con, b, "B")
        _emit(store.dyad(a, b, flt), fmt, output, f"{a} – {b}")


@app.command()
@user_errors
def contacts(
    name: str = typer.Argument(..., help="Actor: code, code+sector or name."),
    db: str = DbOption, types: List[str] = TypeOpt, since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
    min_confidence: float = ConfOpt, all_factuality: bool = AllOpt, as_json: bool = JsonOption, fmt: Optional[str] = FormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """Every CONSULT contact of an actor with partner, mode and days since the previous contact."""
    fmt = _table_format(fmt, output, as_json)
    flt = filter_options(None, None, types, since, until, min_confidence, all_factuality)
    with Store(db, read_only=True) as store:
        name = resolve_actor(store.con, name, "NAME")
        _emit(store.contacts(name, flt), fmt, output, f"contacts of {name}")


@app.command()
@user_errors
def stats(
    by: List[str] = typer.Option([], "--by", help=f"Group by (repeatable): {', '.join(an.BY_COLUMNS)}."),
    series: bool = typer.Option(False, "--series", help="Conflict/cooperation series: Goldstein sum and quad-class "
                                "counts per period (the first --by, default month) and dyad."),
    db: str = DbOption, actor: Optional[str] = ActorOpt, recipient: Optional[str] = RecipientOpt,
    types: List[str] = TypeOpt, since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
    min_confidence: float = ConfOpt, all_factuality: bool = AllOpt, as_json: bool = JsonOption, fmt: Optional[str] = FormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """Counts of clustered events by month, type, actor, ... (or a conflict/cooperation series)."""
    fmt = _table_format(fmt, output, as_json)
    flt = filter_options(actor, recipient, types, since, until, min_confidence, all_factuality)
    with Store(db, read_only=True) as store:
        flt = resolve_filter(store.con, flt)
        if series:
            df = store.conflict_cooperation(by[0] if by else "month", flt)
        else:
            df = store.stats(by or ["month", "type"], flt)
        _emit(df, fmt, output)


@app.command()
@user_errors
def network(
    output: Path = typer.Option(..., "-o", "--output", help="File to write (its extension picks --format)."),
    net_format: Optional[str] = typer.Option(None, "--format", help=format_help(NETWORK_FORMATS, "graphml")),
    db: str = DbOption, actor: Optional[str] = ActorOpt, recipient: Optional[str] = RecipientOpt,
    types: List[str] = TypeOpt, since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
    min_confidence: float = ConfOpt, all_factuality: bool = AllOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the summary (nodes, edges, file, format) as JSON."),
) -> None:
    """Actor -> recipient network of clustered events (edge weight = events) as graphml, gexf or json."""
    net_format = output_format(net_format, output, NETWORK_FORMATS, "graphml")
    flt = filter_options(actor, recipient, types, since, until, min_confidence, all_factuality)
    with Store(db, read_only=True) as store:
        graph = store.network_graph(resolve_filter(store.con, flt))
    an.write_network(graph, net_format, output)
    summary = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "output": str(output),
               "format": net_format}
    if as_json:
        out.print_json(data=summary)
    else:
        note(f"wrote {summary['nodes']} nodes, {summary['edges']} edges to {output} ({net_format})")


@app.command()
@user_errors
def clusters(
    rebuild: bool = typer.Option(False, "--rebuild", help="Recluster the whole store first (opens it for writing)."),
    min_articles: int = typer.Option(1, "--min-articles", min=1, help="Only clusters reported by this many articles."),
    db: str = DbOption, actor: Optional[str] = ActorOpt, recipient: Optional[str] = RecipientOpt,
    types: List[str] = TypeOpt, since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
    min_confidence: float = ConfOpt, all_factuality: bool = AllOpt, as_json: bool = JsonOption, fmt: Optional[str] = FormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """List event clusters (one real-world event, many reports) with mention, article and source counts."""
    fmt = _table_format(fmt, output, as_json)
    flt = filter_options(actor, recipient, types, since, until, min_confidence, all_factuality)
    with Store(db, read_only=not rebuild) as store:
        flt = resolve_filter(store.con, flt)
        if rebuild:
            n = store.rebuild_clusters()
            note(f"reclustered: {n} clusters")
        _emit(store.clusters(flt, min_articles), fmt, output)


@app.command("export")
@user_errors
def export_cmd(
    export_format: str = typer.Option(
        ..., "--format", metavar="FORMAT",
        help="gdelt: GDELT 2.0 event file (61 columns, tab-separated, no header); gdelt-extended: the same "
             "then PLOVER type/mode, dates and evidence; polecat: POLECAT event file; icews: ICEWS event file "
             "(both tab-separated with a header). Columns: docs/export-formats.md. For JSONL/CSV/Parquet of "
             "every event: dyads events --format."),
    output: Path = typer.Option(..., "-o", "--output", help="File to write."),
    db: str = DbOption, actor: Optional[str] = ActorOpt, recipient: Optional[str] = RecipientOpt,
    types: List[str] = TypeOpt, since: Optional[str] = SinceOpt, until: Optional[str] = UntilOpt,
    min_confidence: float = ConfOpt, all_factuality: bool = AllOpt, as_json: bool = JsonOption,
) -> None:
    """Export clustered events (one row per real-world event) as GDELT 2.0, POLECAT or ICEWS event files."""
    if export_format not in EXPORT_FORMATS:
        raise UsageError(f"--format: unknown format {export_format!r}; choose from {', '.join(EXPORT_FORMATS)}")
    flt = filter_options(actor, recipient, types, since, until, min_confidence, all_factuality)
    with Store(db, read_only=True) as store:
        n = write_export(store.con, export_format, output, resolve_filter(store.con, flt))
    if as_json:
        out.print_json(data={"rows": n, "output": str(output), "format": export_format})
    else:
        note(f"wrote {n} events to {output}")
