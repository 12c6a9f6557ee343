"""The gazetteer's on-disk index: one SQLite file, written once and then only read.

Tables:

* ``places`` - one row per place (``row`` is the place's number): GeoNames id, name,
  feature (an index into ``FEATURES``), ISO3 country, admin1 code, coordinates,
  population, capital flag and a 1-degree grid ``cell`` (for ``nearest``);
* ``names`` - normalised name -> place rows (own names, alternate names, ASCII
  transliterations), the table every candidate lookup reads;
* ``demonyms`` - normalised demonym -> one place row ("texan" -> Texas);
* ``short_areas`` - an ADM2's name less its unit word -> rows ("miami dade");
* ``meta`` - what the index was built from, its schema version and its size.

A writer builds the whole index into a temporary file of its own beside the target,
fsyncs it and renames it over the target: a reader sees the old index or the whole new
one, never a part, and processes building at once never write into one file.
"""
from __future__ import annotations

import math
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

SCHEMA_VERSION = "2"
FEATURES = ("town", "adm1", "country", "region", "adm2", "spot")
FEATURE_CODE = {name: i for i, name in enumerate(FEATURES)}

_SCHEMA = """
CREATE TABLE places (row INTEGER PRIMARY KEY, gid INTEGER, name TEXT NOT NULL, feat INTEGER NOT NULL,
                     cc3 TEXT, adm1 TEXT, lat REAL, lon REAL, pop INTEGER NOT NULL DEFAULT 0,
                     capital INTEGER NOT NULL DEFAULT 0, cell INTEGER);
CREATE TABLE names (key TEXT NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (key, row)) WITHOUT ROWID;
CREATE TABLE demonyms (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE short_areas (key TEXT NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (key, row)) WITHOUT ROWID;
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
"""
# Made after the bulk insert: building an index once is faster than keeping it up row by row.
_INDEXES = """
CREATE INDEX IF NOT EXISTS places_gid ON places (gid);
CREATE INDEX places_cell ON places (cell) WHERE feat = 0;
CREATE INDEX places_country ON places (cc3) WHERE feat = 2;
"""


def grid_cell(lat: float | None, lon: float | None) -> int | None:
    """The 1-degree cell of a point as one integer (None without coordinates)."""
    if lat is None or lon is None:
        return None
    return (math.floor(lat) + 90) * 360 + (math.floor(lon) + 180)


class IndexWriter:
    """Rows into a new index file (a temporary one; ``commit`` puts it in place)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._next_row = 0

    def add_place(self, entry: tuple, keys: Iterable[str]) -> int:
        """``entry`` = (gid, name, feature code, ISO3, admin1, lat, lon, population, capital)."""
        row = self._next_row
        self._next_row += 1
        gid, name, feat, cc3, adm1, lat, lon, pop, capital = entry
        self.conn.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                          (row, gid, name, feat, cc3, adm1, lat, lon, int(pop or 0), int(capital or 0),
                           grid_cell(lat, lon)))
        self.add_names(row, keys)
        return row

    def add_names(self, row: int, keys: Iterable[str]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)", ((k, row) for k in set(keys) if k))

    def add_places(self, rows: list[tuple]) -> None:
        """Many rows at once: (row, gid, name, feat, cc3, adm1, lat, lon, pop, capital, cell)."""
        self.conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)

    def skip_rows(self, n: int) -> None:
        """Rows 0..n-1 were written by ``add_places``: number new places after them."""
        self._next_row = max(self._next_row, n)

    def next_row(self) -> int:
        row = self._next_row
        self._next_row += 1
        return row

    def set_demonym(self, key: str, row: int) -> None:
        self.conn.execute("INSERT OR REPLACE INTO demonyms VALUES (?, ?)", (key, row))

    def add_short_area(self, key: str, row: int) -> None:
        self.conn.execute("INSERT OR IGNORE INTO short_areas VALUES (?, ?)", (key, row))

    def set_meta(self, **values: object) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", ((k, str(v)) for k, v in values.items()))


@contextmanager
def new_index(path: Path) -> Iterator[IndexWriter]:
    """Write an index to ``path``: into a temporary file of this process's own in the same
    folder, then (when the block ends without error) fsynced and renamed over ``path``.
    On an error the temporary file is removed and any old index stays as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            # one writer on a private file: no journal, the fsync below makes it durable
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.executescript(_SCHEMA)
            writer = IndexWriter(conn)
            yield writer
            conn.executescript(_INDEXES)
            writer.set_meta(schema=SCHEMA_VERSION, places=_count(conn, "places"), names=_count(conn, "names"))
            conn.commit()
            conn.execute("VACUUM")
        finally:
            conn.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())  # the data on disk before the rename makes it the index
        os.chmod(tmp, 0o644)  # mkstemp's file is private; the index is readable as open() makes files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):  # the build failed: leave no stray temporary file
            os.unlink(tmp)


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def read_meta(path: Path) -> dict[str, str] | None:
    """The index's meta table, or None if ``path`` is no index of this schema."""
    try:
        conn = open_readonly(path)
    except sqlite3.Error:
        return None
    try:
        meta = dict(conn.execute("SELECT k, v FROM meta").fetchall())
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return meta if meta.get("schema") == SCHEMA_VERSION else None


def open_readonly(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise sqlite3.OperationalError(f"no index at {path}")
    # immutable: the file is never written once in place, so SQLite may skip locking
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only = 1")
    return conn
