"""``dyads gazetteer import``: the full GeoNames gazetteer from dumps a user downloaded.

Inputs (any mix, given as files or as a folder holding them):

* place tables - ``allCountries.zip``, a country file such as ``FR.zip`` or ``FR.txt``,
  ``cities500.zip``...: GeoNames' 19 tab-separated columns (geonameid, name, asciiname,
  alternatenames, latitude, longitude, feature class, feature code, country code, cc2,
  admin1, admin2, admin3, admin4, population, elevation, dem, timezone, modification date);
* alternate names - ``alternateNamesV2.zip`` / ``.txt`` (alternateNameId, geonameid,
  isolanguage, alternate name, flags...), whose Latin-script names are added to the
  places they name.

The index holds the embedded gazetteer (countries, demonyms, regions, curated
coordinates of areas) plus every place of the dumps it lacks, each under its name, its
ASCII name and its Latin-script alternate names. Files are streamed line by line and
written in batches: memory stays bounded whatever the dump's size. A line that cannot
be read is reported (file:line and why) and skipped; the rest is imported. The index is
built into a temporary file and renamed over the old one only once complete.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from dyads.errors import GazetteerError, UsageError
from dyads.place.gazetteer import (Gazetteer, _latin_alternates, geonames_conventions, imported_path,
                                   load_gazetteer, normalise)
from dyads.place.index import FEATURE_CODE, grid_cell, new_index

PLACE_COLUMNS = 19
BATCH = 5_000


@dataclass(frozen=True, slots=True)
class BadLine:
    origin: str  # "file:line" (or the file alone when the whole file is unreadable)
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class ImportReport:
    path: Path
    places_read: int = 0  # place lines read from the dumps
    places_added: int = 0  # of those, places the embedded gazetteer lacked
    alternate_names: int = 0  # alternate names attached to places of the index
    bad: list[BadLine] = field(default_factory=list)
    places_total: int = 0
    names_total: int = 0


class _Progress:
    """What the import tells its caller: a task per file, advanced by bytes read."""

    def __init__(self, progress=None) -> None:
        self.progress = progress
        self.task = None

    def start(self, label: str, total: int) -> None:
        if self.progress is not None:
            self.task = self.progress.add_task(label, total=total)

    def advance(self, n: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, n)


def dump_files(paths: list[Path]) -> list[Path]:
    """The files to import: each path, or the .zip/.txt files of a folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in (".zip", ".txt"))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    if not found:
        raise GazetteerError("no GeoNames dump to import (give .zip or .txt files, or a folder holding them)")
    return found


def _is_alternate_names(path: Path) -> bool:
    return path.name.lower().startswith("alternatenames")


def _lines(path: Path, bad: list[BadLine], progress: _Progress) -> Iterator[tuple[str, str]]:
    """(origin "file:line", text) of each line of a dump (inside a zip or not); lines that
    are not UTF-8 and an archive that breaks off are reported in ``bad``."""
    skip = {m.lower() for m in geonames_conventions().get("skip_members") or ()}
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.infolist() if m.filename.lower().endswith(".txt")
                           and Path(m.filename).name.lower() not in skip
                           and not Path(m.filename).name.lower().startswith("iso-languagecodes")]
                for member in members:
                    progress.start(f"{path.name}:{member.filename}", member.file_size)
                    with zf.open(member) as fh:
                        yield from _decoded(f"{path}:{member.filename}", fh, bad, progress)
        elif path.suffix.lower() == ".zip":
            bad.append(BadLine(str(path), "not a zip archive (a partial download?)"))
        else:
            progress.start(path.name, path.stat().st_size)
            with open(path, "rb") as fh:
                yield from _decoded(str(path), fh, bad, progress)
    except OSError as exc:
        bad.append(BadLine(str(path), f"cannot read ({exc.strerror or exc})"))


def _decoded(name: str, fh: io.BufferedIOBase, bad: list[BadLine], progress: _Progress) -> Iterator[tuple[str, str]]:
    lineno = 0
    try:
        for raw in fh:
            lineno += 1
            progress.advance(len(raw))
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                bad.append(BadLine(f"{name}:{lineno}", "not UTF-8 text"))
                continue
            if text and not text.startswith("#"):
                yield f"{name}:{lineno}", text
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a truncated or damaged archive
        bad.append(BadLine(f"{name}:{lineno + 1}", f"archive damaged here, rest of the file skipped ({exc})"))


def _country_codes() -> dict[str, str]:
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


def _feature(fclass: str, fcode: str) -> int:
    table = geonames_conventions().get("features") or {}
    name = table.get(f"{fclass}.{fcode}") or table.get(fclass) or "spot"
    return FEATURE_CODE[name]


def parse_place(cols: list[str], iso3: dict[str, str]) -> tuple[tuple, list[str]]:
    """(entry, names) of one place line; ValueError says why a line is unusable."""
    if len(cols) != PLACE_COLUMNS:
        raise ValueError(f"expected {PLACE_COLUMNS} tab-separated columns, found {len(cols)}")
    gid, name, ascii_name, alternates = cols[0], cols[1].strip(), cols[2], cols[3]
    if not gid.isdigit():
        raise ValueError(f"geonameid is not a number: {gid[:30]!r}")
    if not name:
        raise ValueError("empty name")
    try:
        lat, lon = float(cols[4]), float(cols[5])
    except ValueError:
        raise ValueError(f"latitude/longitude not numbers: {cols[4][:20]!r}, {cols[5][:20]!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    pop_text = cols[14].strip()
    if pop_text and not pop_text.lstrip("-").isdigit():
        raise ValueError(f"population is not a number: {pop_text[:20]!r}")
    fclass, fcode = cols[6].strip(), cols[7].strip()
    capital = fcode in (geonames_conventions().get("capital_codes") or ())
    entry = (int(gid), name, _feature(fclass, fcode), iso3.get(cols[8].strip()), cols[10].strip() or None,
             lat, lon, max(0, int(pop_text or 0)), int(capital))
    return entry, [name, ascii_name, *_latin_alternates(alternates.replace(",", "|"))]


def import_dumps(paths: list[Path], target: Path | None = None, progress=None,
                 on_bad: Callable[[BadLine], None] | None = None) -> ImportReport:
    """Build the full index from GeoNames dumps into ``target`` (default: where
    ``load_gazetteer`` looks first). Raises GazetteerError, keeping any old index, when
    nothing at all could be imported."""
    files = dump_files(paths)
    report = ImportReport(target or imported_path())
    bar = _Progress(progress)
    seen_bad = 0

    def flush_bad() -> None:
        nonlocal seen_bad
        for item in report.bad[seen_bad:]:
            if on_bad is not None:
                on_bad(item)
        seen_bad = len(report.bad)

    embedded = load_gazetteer.__wrapped__(prefer_imported=False).path  # built into the cache if need be
    with new_index(report.path) as writer:
        known = _copy_index(writer, embedded)
        writer.conn.execute("CREATE TEMP TABLE alt (gid INTEGER NOT NULL, key TEXT NOT NULL)")
        for path in files:
            if _is_alternate_names(path):
                _read_alternate_names(path, writer, report, bar)
            else:
                _read_places(path, writer, known, report, bar)
            flush_bad()
        if report.places_read == 0 and report.alternate_names == 0:
            raise GazetteerError("nothing imported: no readable GeoNames line in "
                                 + ", ".join(str(p) for p in files) + "; the gazetteer in use is unchanged")
        _attach_alternate_names(writer)
        writer.set_meta(source="imported", built_from=", ".join(p.name for p in files),
                        bad_lines=len(report.bad))
    load_gazetteer.cache_clear()  # this process now reads the new index too
    gaz = Gazetteer(report.path, "imported")
    report.places_total, report.names_total = len(gaz), gaz.names_count()
    report.places_added = report.places_total - len(Gazetteer(embedded))  # after removing repeats
    return report


def _copy_index(writer, embedded: Path) -> set[int]:
    """The embedded index's rows into the new one (in SQL: no Python objects per row);
    returns the GeoNames ids it holds, whose entries the dumps do not replace."""
    conn = writer.conn
    conn.execute("ATTACH DATABASE ? AS embedded", (f"file:{embedded}?mode=ro",))
    for table in ("places", "names", "demonyms", "short_areas"):
        conn.execute(f"INSERT INTO main.{table} SELECT * FROM embedded.{table}")
    conn.commit()
    known = {gid for (gid,) in conn.execute("SELECT gid FROM embedded.places WHERE gid IS NOT NULL")}
    writer.skip_rows(conn.execute("SELECT max(row) + 1 FROM embedded.places").fetchone()[0] or 0)
    conn.execute("DETACH DATABASE embedded")
    return known


def _read_places(path: Path, writer, known: set[int], report: ImportReport, bar: _Progress) -> None:
    iso3 = _country_codes()
    places: list[tuple] = []
    names: list[tuple[str, int]] = []
    for origin, text in _lines(path, report.bad, bar):
        try:
            entry, entry_names = parse_place(text.split("\t"), iso3)
        except ValueError as exc:
            report.bad.append(BadLine(origin, str(exc)))
            continue
        report.places_read += 1
        if entry[0] in known:  # the embedded entry (curated coordinates, demonyms) stays
            continue
        row = writer.next_row()
        places.append((row, *entry, grid_cell(entry[5], entry[6])))
        names += [(key, row) for key in {normalise(n) for n in entry_names} if key]
        if len(places) >= BATCH:
            _flush(writer, places, names, report)
    _flush(writer, places, names, report)


def _flush(writer, places: list[tuple], names: list[tuple[str, int]], report: ImportReport) -> None:
    writer.add_places(places)
    writer.conn.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)", names)
    report.places_added += len(places)
    places.clear()
    names.clear()


def _read_alternate_names(path: Path, writer, report: ImportReport, bar: _Progress) -> None:
    """Alternate names into a staging table; ``_attach_alternate_names`` joins them to
    the places once all place files are in (on disk, not in memory)."""
    skip = set(geonames_conventions().get("skip_languages") or ())
    batch: list[tuple[int, str]] = []
    for origin, text in _lines(path, report.bad, bar):
        cols = text.split("\t")
        if len(cols) < 4 or not cols[1].isdigit():
            report.bad.append(BadLine(origin, f"not an alternate-name line ({len(cols)} columns, "
                                              "expected id, geonameid, language, name...)"))
            continue
        if cols[2] in skip or not _latin_alternates(cols[3]):
            continue
        key = normalise(cols[3])
        if key:
            batch.append((int(cols[1]), key))
            report.alternate_names += 1
        if len(batch) >= BATCH:
            writer.conn.executemany("INSERT INTO alt VALUES (?, ?)", batch)
            batch.clear()
    writer.conn.executemany("INSERT INTO alt VALUES (?, ?)", batch)


def _attach_alternate_names(writer) -> None:
    conn = writer.conn
    conn.execute("CREATE INDEX IF NOT EXISTS places_gid ON places (gid)")
    # A place given twice (allCountries.zip and FR.zip): the first stays. Done on disk,
    # not with a set of every id read, so memory does not grow with the dump.
    if conn.execute("SELECT 1 FROM places GROUP BY gid HAVING count(*) > 1 LIMIT 1").fetchone():
        conn.execute("DELETE FROM places WHERE row IN (SELECT later.row FROM places later JOIN places first "
                     "ON first.gid = later.gid AND first.row < later.row)")
        conn.execute("DELETE FROM names WHERE row NOT IN (SELECT row FROM places)")
    conn.execute("INSERT OR IGNORE INTO names SELECT alt.key, places.row FROM alt JOIN places ON places.gid = alt.gid")
    conn.execute("DROP TABLE alt")
