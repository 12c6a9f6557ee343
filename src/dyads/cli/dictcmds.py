"""`dyads dict import` (PETRARCH/TABARI dictionaries -> dyads YAML) and `dyads actor`."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import List, Optional

import typer

from dyads.cli.app import app, note, out, user_errors
from dyads.cli.options import ActorsOption, date_option, renamed
from dyads.errors import DyadsError

dict_app = typer.Typer(name="dict", help="Actor dictionaries: import PETRARCH/TABARI files.", no_args_is_help=True)
app.add_typer(dict_app, name="dict")


@dict_app.command("import")
@user_errors
def import_cmd(
    files: List[Path] = typer.Argument(..., help="PETRARCH/TABARI actor or agent dictionary files."),
    output: Path = typer.Option(..., "-o", "--output", help="YAML file to write (use it with --actors)."),
) -> None:
    """Convert PETRARCH/TABARI actor and agent dictionaries to a dyads knowledge-base YAML file."""
    from dyads.actors.dictionaries import import_petrarch, merge_imports, parse_yaml_text, write_yaml
    from dyads.actors.kb import KnowledgeBase

    cameo = KnowledgeBase.load()._cameo_iso  # CAMEO country codes -> ISO3
    docs = [import_petrarch(f, cameo_iso=cameo) for f in files]
    data = merge_imports(docs)
    path = write_yaml(data, output)
    parse_yaml_text(path.read_text(encoding="utf-8"), str(path))  # the file we wrote must load back
    counts = ", ".join(f"{len(v)} {k}" for k, v in data.items())
    note(f"wrote {path} ({counts or 'nothing found'})")


@app.command("actor")
@user_errors
def actor_cmd(
    name: str = typer.Argument(..., help="A name, alias, adjective or word to look up."),
    on: Optional[str] = typer.Option(None, "--date", "--published",
                                     help="Code the actor as of this date (YYYY-MM-DD), as for an article "
                                          "published then; a party's governing status is shown for it."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    kb_files: List[Path] = ActorsOption,
    old_kb: List[Path] = typer.Option([], "--kb", hidden=True, help="Old name of --actors."),
    context: Optional[str] = typer.Option(None, "--context", help="A text holding NAME: show how the mention is "
                                                                   "resolved there, and why."),
) -> None:
    """Show what the actor knowledge base knows about NAME (and its code on --date), or
    with --context how NAME is resolved in a text."""
    from dyads.actors.kb import KnowledgeBase

    kb_files = renamed(kb_files, old_kb, "--kb", "--actors")
    when = date_option(on, "--date")
    if context is not None:
        show_in_context(name, context, when, kb_files, as_json)
        return
    kb = KnowledgeBase.load(kb_files)
    rows = []
    for ent in kb.lookup(name):
        country, sector = kb.code_on(ent, when)
        rows.append({
            "id": ent.id, "kind": ent.kind, "name": ent.name, "country": country, "sector": sector,
            "code": (country or "") + (sector or ""), "title": kb.title_on(ent, when), "org": ent.org,
            "gender": ent.gender, "cameo": ent.cameo,
            "governing": kb.is_governing(ent, when) if when else None,
            "government": [{"start": s.isoformat() if s else None, "end": e.isoformat() if e else None}
                           for s, e in ent.government],
            "roles": [{"country": r.country, "sector": r.sector, "title": r.title,
                       "start": r.start.isoformat() if r.start else None,
                       "end": r.end.isoformat() if r.end else None} for r in ent.roles],
        })
    extra = {
        "adjective_of": kb.country_of_adjective(name),
        "country_of_name": kb.country_of_name(name),
        "sector_of_word": kb.sector_of_word(name),
        "leader_title": kb.is_leader_title(name),
    }
    if as_json:
        out.print_json(json.dumps({"query": name, "date": on, "entities": rows, **extra}))
        return
    if not rows and not any(extra.values()):
        note(f"nothing known about {name!r}")
        raise typer.Exit(1)
    for r in rows:
        line = f"{r['name']}  [{r['id']}]  {r['code'] or '-'}"
        if r["title"]:
            line += f"  ({r['title']})"
        out.print(line, highlight=False, markup=False)
        for role in r["roles"]:
            out.print(f"    {role['country']}{role['sector']}  {role['title']}  "
                      f"{role['start'] or '…'} – {role['end'] or 'now'}", highlight=False, markup=False)
        _print_government(r, on)
    if extra["adjective_of"]:
        note(f"adjective of {extra['adjective_of']}", out)
    if extra["country_of_name"] and not rows:
        note(f"names country {extra['country_of_name']}", out)
    if extra["sector_of_word"]:
        note(f"sector word: {extra['sector_of_word']}" + (" (leader title)" if extra["leader_title"] else ""), out)


def _print_government(row: dict, on: str | None) -> None:
    """A party's status on the date asked, then its periods in national government."""
    if not row["government"]:
        return
    if row["governing"] is not None:
        status = "governing" if row["governing"] else "not in government (opposition or outside parliament)"
        out.print(f"    on {on}: {status}", highlight=False, markup=False)
    for p in row["government"]:
        out.print(f"    in government  {p['start'] or '…'} – {p['end'] or 'now'}", highlight=False, markup=False)


def show_in_context(name: str, text: str, when, kb_files: List[Path], as_json: bool) -> None:
    """The actor mentions of TEXT that overlap NAME: code, kind, and the evidence for both."""
    from dyads.models import Article
    from dyads.pipeline import Pipeline, PipelineConfig

    where = [m.start() for m in re.finditer(re.escape(name), text, re.I)]
    if not where:
        raise DyadsError(f"--context: {name!r} does not occur in the text")
    pipeline = Pipeline(PipelineConfig(actor_files=tuple(kb_files), coder="rules"))
    article = Article(id="context", text=text, published=when)
    doc, _ = next(pipeline.parsed([article]))
    index = pipeline.analyse(doc, article).context.index
    rows = []
    for mention in index.mentions:
        span = doc[mention.start:mention.end]
        if not any(span.start_char < w + len(name) and w < span.end_char for w in where):
            continue
        e = mention.entity
        for actor in index.actors(mention):
            rows.append({"text": span.text, "code": actor.full_code or None, "country": actor.code, "sector": actor.sector,
                         "kind": e.kind, "found_by": mention.how, "kb_id": actor.kb_id,
                         "governing": pipeline.kb.is_governing(e.kb, when) if e.kb is not None and when else None,
                         "country_from": e.country_from or ("knowledge base" if e.kb is not None else ""),
                         "sector_from": e.how_typed or ("knowledge base" if e.kb is not None else "")})
    if as_json:
        out.print_json(json.dumps({"query": name, "context": text, "mentions": rows}))
        return
    if not rows:
        note(f"{name!r} is no actor mention in this text")
        raise typer.Exit(1)
    for r in rows:
        out.print(f"{r['text']}  ->  {r['code'] or '-'}  ({r['kind']}, found by {r['found_by']})", highlight=False, markup=False)
        if r["governing"] is not None:
            out.print(f"    {'governing' if r['governing'] else 'not in government'} on {when}", highlight=False, markup=False)
        if r["country_from"]:
            out.print(f"    country from {r['country_from']}", highlight=False, markup=False)
        if r["sector_from"]:
            out.print(f"    sector from {r['sector_from']}", highlight=False, markup=False)