"""Options shared by the commands that read inputs (`dyads code`, `dyads watch`)."""
from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import IO, Iterator

import typer

from dyads.errors import DyadsError, UsageError
from dyads.ingest import IngestOptions
from dyads.ingest.language import known_languages
from dyads.ingest.screen import MAX_CHARS_CEILING


def ingest_options(max_chars: int, languages: str, published_field: str | None = None) -> IngestOptions:
    """IngestOptions from the command line; unknown language codes are a usage error."""
    codes = tuple(c.strip().lower() for c in languages.split(",") if c.strip())
    unknown = sorted(set(codes) - set(known_languages()) - {"any"})
    if unknown or not codes:
        raise UsageError(f"--languages: unknown language code(s) {', '.join(unknown) or '(none given)'}: "
                         "give ISO 639-1 codes such as en,fr or 'any'")
    if published_field is not None and not published_field.strip():
        raise UsageError("--published-field needs a field name, such as date or pubDate")
    return IngestOptions(max_chars=max_chars, languages=() if "any" in codes else codes,
                         published_field=published_field.strip() if published_field else None)


SpacyModelOption = typer.Option(None, "--spacy-model", help="Any installed spaCy pipeline (default: en_core_web_sm).")
CoderModelOption = typer.Option(None, "--model", help="The trained coder: a model directory made by `dyads train`, or "
                                                     "'rules' for the rule coder alone (default: the model shipped with dyads).")

MaxCharsOption = typer.Option(IngestOptions.max_chars, "--max-chars", min=1000, max=MAX_CHARS_CEILING,
                              help="Articles longer than this many characters are coded in parts (ID#part1, ...).")
LanguagesOption = typer.Option(",".join(IngestOptions.languages), "--languages",
                               help="Languages to code (ISO 639-1, comma-separated); others are skipped with "
                                    "a reason. 'any' turns the language check off.")
PublishedFieldOption = typer.Option(None, "--published-field", metavar="NAME",
                                    help="The JSONL/CSV field holding the publication date, for records that "
                                         "keep it under another name than 'published' (date, pubDate, ...).")
SkipLogOption = typer.Option(None, "--skip-log", help="Write every skipped input (input, reason, kind) to this JSONL file.")


@contextlib.contextmanager
def skip_log_file(path: Path | None, mode: str = "w") -> Iterator[IO[str] | None]:
    """The --skip-log file, open for the run ("a" appends: a watcher's polls, cron runs)."""
    if path is None:
        yield None
        return
    try:
        fh = open(path, mode, encoding="utf-8")
    except OSError as exc:
        raise DyadsError(f"--skip-log: cannot write {path}: {exc.strerror or exc}") from None
    with fh:
        yield fh


def date_option(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD option value, or a user error naming the option."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


# --- output formats: one vocabulary for every command that writes records ---------------

TABLE_FORMATS = ("table", "json", "jsonl", "csv", "parquet")  # events, dyad, contacts, stats, clusters
NETWORK_FORMATS = ("graphml", "gexf", "json")  # network (json: node-link)
FORMAT_OF_SUFFIX = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet",
                    ".graphml": "graphml", ".gexf": "gexf"}


def format_help(choices: tuple[str, ...], default: str) -> str:
    return f"{', '.join(choices[:-1])} or {choices[-1]} (default: from -o FILE's extension, else {default})."


def output_format(given: str | None, output: Path | None, choices: tuple[str, ...], default: str,
                  as_json: bool = False) -> str:
    """The format to write: --format, else -o FILE's extension, else ``default``. A --format that
    contradicts the extension (``--format graphml -o net.gexf``) is a usage error."""
    fmt = given.strip().lower() if given else None
    if fmt is not None and fmt not in choices:
        raise UsageError(f"--format: unknown format {given!r}; choose from {', '.join(choices)}")
    if as_json:
        if fmt not in (None, "json"):
            raise UsageError(f"--json and --format {fmt} contradict each other: give one")
        fmt = "json"
    by_suffix = FORMAT_OF_SUFFIX.get(output.suffix.lower()) if output is not None else None
    if by_suffix not in choices:
        by_suffix = None
    if fmt is not None and by_suffix is not None and fmt != by_suffix:
        raise UsageError(f"--format {fmt} contradicts the extension of -o {output} ({by_suffix}): "
                         "drop --format or change the file name")
    return fmt or by_suffix or default


def file_format(fmt: str, output: Path | None) -> None:
    """Tables are for the terminal, parquet is for files: check the pair makes sense."""
    if fmt == "parquet" and output is None:
        raise UsageError("--format parquet needs -o FILE")
    if fmt == "table" and output is not None:
        raise UsageError(f"-o {output}: say which file format to write (--format json, jsonl, csv or parquet, "
                         "or a file name ending in .json, .jsonl, .csv or .parquet)")


FormatOption = typer.Option(None, "--format", help=format_help(TABLE_FORMATS, "table"))
OutputOption = typer.Option(None, "-o", "--output", help="File to write (its extension picks --format).")
JsonOption = typer.Option(False, "--json", help="Print JSON (for machines); the same as --format json.")
PublishedOption = typer.Option(None, "--published", help="Publication date (YYYY-MM-DD) for texts that carry none.")
ActorsOption = typer.Option([], "--actors", help="Extra actor YAML file(s) extending the knowledge base (repeatable).")
LexiconOption = typer.Option([], "--lexicon", help="Extra lexicon YAML file(s) (repeatable).")


def renamed(new_value, old_value, old: str, new: str):
    """The value of an option given under its old name (hidden, deprecated): a note, and the
    two names together are a usage error when they disagree."""
    if old_value in (None, [], ()):
        return new_value
    from dyads.cli.app import note

    note(f"note: {old} is deprecated; use {new}")
    if new_value not in (None, [], ()):
        if isinstance(new_value, list):
            return [*new_value, *old_value]
        if new_value != old_value:
            raise UsageError(f"{new} and {old} (its old name) disagree: give {new} only")
    return old_value
