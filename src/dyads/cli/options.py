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
        raise DyadsError(f"--languages: unknown language code(s) {', '.join(unknown) or '(none given)'}: "
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
