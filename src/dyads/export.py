"""Export: event records to JSONL, CSV or Parquet (and a terminal table)."""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import IO, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from dyads.errors import DyadsError
from dyads.time.timex import value_bounds

FORMATS = ("table", "jsonl", "csv", "parquet")

# Flat columns for CSV and Parquet: PLOVER names, nested actors spread out. ``date`` is the
# date as written (2022-03, 2022-W12, 2022-03-23: one string column no date parser reads);
# ``date_start``/``date_end`` are the first and last day it covers, real dates.
FLAT_COLUMNS = [
    "id", "date", "date_start", "date_end", "date_precision", "date_source", "event", "mode", "context",
    "actor_code", "actor_sector", "actor_name", "actor_text", "recipient_code", "recipient_sector",
    "recipient_name", "recipient_text", "quad_code", "cameo", "goldstein", "factuality", "confidence",
    "loc_name", "loc_feature", "loc_country", "loc_lat", "loc_lon", "event_text", "text", "article_id",
    "n_mentions", "evidence", "schema_version",
]


def date_range(written: str | None, written_end: str | None = None) -> tuple[date | None, date | None]:
    """First and last day of an event's date as written (a day, ISO week, month, quarter,
    season or year) and of its written end, if any: ``("2022-03", None)`` is March 1-31.
    ``(None, None)`` for an undated or vague date."""
    start, end = value_bounds(written) if written else (None, None)
    if written_end:
        end = value_bounds(written_end)[1] or end
    return start, end


def with_dates(record: dict) -> dict:
    """The record with ``date_start`` and ``date_end`` as real dates (``date`` kept as written)."""
    start, end = date_range(record.get("date"), record.get("date_end"))
    return {**record, "date_start": start, "date_end": end}


def jsonl_line(record: dict) -> str:
    """One JSONL line; dates as ISO YYYY-MM-DD."""
    return json.dumps(with_dates(record), ensure_ascii=False, default=str) + "\n"


def write_json(records: Iterable[dict], fh: IO[str], lines: bool) -> int:
    """Records as JSON lines or as one JSON array on an open text stream; how many."""
    n = 0
    for n, rec in enumerate(records, start=1):
        if lines:
            fh.write(jsonl_line(rec))
        else:
            fh.write(("[" if n == 1 else ",\n") + json.dumps(with_dates(rec), ensure_ascii=False, default=str))
    if not lines:
        fh.write("]\n" if n else "[]\n")
    return n


def flatten(record: dict) -> dict:
    record = with_dates(record)
    flat = {k: record.get(k) for k in FLAT_COLUMNS if k in record}
    for role in ("actor", "recipient"):
        a = record.get(role) or {}
        for f, key in (("code", "code"), ("sector", "sector"), ("name", "name"), ("text", "entity_text")):
            flat[f"{role}_{f}"] = a.get(key)
    loc = record.get("event_loc") or {}
    for f in ("name", "feature", "country", "lat", "lon"):
        flat[f"loc_{f}"] = loc.get(f)
    flat["context"] = ";".join(record.get("context") or [])
    flat["n_mentions"] = len(record.get("evidence") or [])
    flat["evidence"] = json.dumps(record.get("evidence") or [], ensure_ascii=False)
    return {k: flat.get(k) for k in FLAT_COLUMNS}


def write_records(records: Iterable[dict], fmt: str, path: Path) -> int:
    """Write records; returns how many were written."""
    if fmt not in ("jsonl", "csv", "parquet"):
        raise DyadsError(f"unknown export format {fmt!r}: use jsonl, csv or parquet")
    n = 0
    if fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as fh:
            return write_json(records, fh, lines=True)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=FLAT_COLUMNS)
            writer.writeheader()
            for rec in records:
                writer.writerow(flatten(rec))  # csv writes a date as its ISO YYYY-MM-DD
                n += 1
        return n
    rows = [flatten(r) for r in records]
    table = pa.Table.from_pylist(rows, schema=_parquet_schema()) if rows else _parquet_schema().empty_table()
    pq.write_table(table, path)
    return len(rows)


def _parquet_schema() -> pa.Schema:
    types = {"goldstein": pa.float64(), "confidence": pa.float64(), "quad_code": pa.int64(), "n_mentions": pa.int64(),
             "loc_lat": pa.float64(), "loc_lon": pa.float64(), "date_start": pa.date32(), "date_end": pa.date32()}
    return pa.schema([(c, types.get(c, pa.string())) for c in FLAT_COLUMNS])
