"""Exports that the field's tools read: real dates in JSONL/CSV/Parquet, GDELT 2.0 event files
read by position, POLECAT and ICEWS files read by their column names. One store coded from
the bundled demo articles by the real pipeline; every file written by the real `dyads` CLI
and read back with pandas/pyarrow as a user would."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dyads.cli.coding import RunSummary, code_into_store, demo_articles
from dyads.export import date_range
from dyads.ingest import read_inputs
from dyads.store import Store

# The GDELT 2.0 event codebook's 61 columns, in file order (kept here, not imported, so the
# test checks the export against the codebook rather than against itself).
GDELT_CODEBOOK = """
GlobalEventID SQLDATE MonthYear Year FractionDate
Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code
Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code
Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code
Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code
IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions NumSources
NumArticles AvgTone
Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code Actor1Geo_Lat
Actor1Geo_Long Actor1Geo_FeatureID
Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code Actor2Geo_ADM2Code Actor2Geo_Lat
Actor2Geo_Long Actor2Geo_FeatureID
ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code ActionGeo_Lat
ActionGeo_Long ActionGeo_FeatureID
DATEADDED SOURCEURL
""".split()

# POLECAT's released event files (ngecEvents*.txt), header in file order.
POLECAT_HEADER = [
    "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title",
    "Actor Name Raw", "Wikipedia Actor ID",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
    "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID",
    "Raw Placename", "Feature Type", "Source", "Publication Date", "Story People", "Story Organizations",
    "Story Locations", "Language", "Version",
]

# ICEWS coded event data (events.YYYY.*.tab), header in file order.
ICEWS_HEADER = [
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
]

MONTH_EVENT = "Bennett flew to Moscow earlier this month and met Putin at the Kremlin."


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, rules_pipeline) -> Path:
    db = tmp_path_factory.mktemp("exports") / "demo.duckdb"
    with Store(db) as store:
        code_into_store(rules_pipeline, store, read_inputs(demo_articles()), RunSummary())
    return db


@pytest.fixture(scope="module")
def files(demo_db, dyads, tmp_path_factory) -> dict[str, Path]:
    """Every export of the demo store, written once by the CLI."""
    folder = tmp_path_factory.mktemp("files")
    paths = {}
    for fmt in ("jsonl", "csv", "parquet"):
        paths[fmt] = folder / f"events.{fmt}"
        proc = dyads("events", "--db", demo_db, "--all", "--format", fmt, "-o", paths[fmt])
        assert proc.returncode == 0, proc.stderr_text
    for fmt in ("gdelt", "gdelt-extended", "polecat", "icews"):
        paths[fmt] = folder / f"{fmt}.tsv"
        proc = dyads("export", "--db", demo_db, "--format", fmt, "-o", paths[fmt])
        assert proc.returncode == 0, proc.stderr_text
        assert "wrote" in proc.stderr_text
    return paths


def _gdelt(path: Path, columns: list[str] = GDELT_CODEBOOK) -> pd.DataFrame:
    """Read as GDELT's users do: by position, no header, every field a string."""
    df = pd.read_csv(path, sep="\t", header=None, dtype=str)
    assert df.shape[1] == len(columns)
    df.columns = columns
    return df


# -- 1. dates tools can read -----------------------------------------------------------------

def test_csv_dates_parse_with_pandas_and_cover_the_written_period(files):
    df = pd.read_csv(files["csv"], parse_dates=["date_start", "date_end"], date_format="%Y-%m-%d")
    assert pd.api.types.is_datetime64_any_dtype(df["date_start"])
    assert pd.api.types.is_datetime64_any_dtype(df["date_end"])
    month = df[df["text"] == MONTH_EVENT].iloc[0]
    assert (month["date"], month["date_precision"]) == ("2022-03", "month")  # as written, kept beside
    assert month["date_start"] == pd.Timestamp("2022-03-01") and month["date_end"] == pd.Timestamp("2022-03-31")
    days = df[df["date_precision"] == "day"]
    assert len(days) > 10 and (days["date_start"] == days["date_end"]).all()
    assert (days["date_start"].dt.strftime("%Y-%m-%d") == days["date"]).all()
    with pytest.raises((ValueError, TypeError)):  # why the real columns are needed
        pd.to_datetime(df["date"], format="%Y-%m-%d")


def test_parquet_dates_are_date32(files):
    schema = pq.read_schema(files["parquet"])
    assert schema.field("date_start").type == pa.date32() and schema.field("date_end").type == pa.date32()
    assert schema.field("date").type == pa.string()
    df = pd.read_parquet(files["parquet"])
    month = df[df["text"] == MONTH_EVENT].iloc[0]
    assert (month["date_start"], month["date_end"]) == (date(2022, 3, 1), date(2022, 3, 31))
    assert pd.to_datetime(df["date_start"]).notna().all()


def test_jsonl_dates_are_iso_days(files):
    recs = [json.loads(line) for line in files["jsonl"].read_text(encoding="utf-8").splitlines()]
    month = next(r for r in recs if r["text"] == MONTH_EVENT)
    assert (month["date"], month["date_start"], month["date_end"]) == ("2022-03", "2022-03-01", "2022-03-31")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["date_start"]) for r in recs)


@pytest.mark.parametrize("written, end, expected", [
    ("2022-W12", None, (date(2022, 3, 21), date(2022, 3, 27))),  # ISO week: Monday to Sunday
    ("2024-02", None, (date(2024, 2, 1), date(2024, 2, 29))),  # leap February
    ("2022-Q4", None, (date(2022, 10, 1), date(2022, 12, 31))),
    ("2022", None, (date(2022, 1, 1), date(2022, 12, 31))),
    ("2022-03-20", "2022-03-25", (date(2022, 3, 20), date(2022, 3, 25))),  # a range's written end
    ("2022-03-20", "2022-04", (date(2022, 3, 20), date(2022, 4, 30))),
    ("PAST_REF", None, (None, None)),  # vague: no dates rather than a guess
])
def test_period_bounds_of_each_precision(written, end, expected):
    assert date_range(written, end) == expected


# -- 2. GDELT 2.0 -----------------------------------------------------------------------------

def test_gdelt_file_is_the_61_column_codebook_read_by_position(files):
    df = _gdelt(files["gdelt"])
    assert len(df) > 20
    first_line = files["gdelt"].read_text(encoding="utf-8").splitlines()[0]
    assert not first_line.startswith("GlobalEventID")  # no header: GDELT files have none
    ids = df["GlobalEventID"].astype("int64")
    assert (ids > 0).all() and ids.is_unique
    # dates: YYYYMMDD, YYYYMM, YYYY, YYYY.FFFF, YYYYMMDDHHMMSS
    assert pd.to_datetime(df["SQLDATE"], format="%Y%m%d").notna().all()
    assert (df["MonthYear"] == df["SQLDATE"].str[:6]).all() and (df["Year"] == df["SQLDATE"].str[:4]).all()
    assert df["FractionDate"].str.fullmatch(r"\d{4}\.\d{4}").all()
    assert pd.to_datetime(df["DATEADDED"], format="%Y%m%d%H%M%S").notna().all()
    # CAMEO codes are strings with their leading zeros
    assert df["EventCode"].str.fullmatch(r"\d{3,4}").all()
    assert (df["EventCode"].str[:3] == df["EventBaseCode"]).all() and (df["EventCode"].str[:2] == df["EventRootCode"]).all()
    assert {"04", "05"} <= set(df["EventRootCode"])
    # numbers parse
    assert df["QuadClass"].astype(int).between(1, 4).all()
    assert df["GoldsteinScale"].astype(float).between(-10, 10).all()
    for col in ("NumMentions", "NumSources", "NumArticles"):
        assert (df[col].astype(int) >= 1).all()
    for col in ("ActionGeo_Lat", "ActionGeo_Long"):
        pd.to_numeric(df[col])
    for block in ("Actor1", "Actor2", "Action"):
        assert df[f"{block}Geo_Type"].astype(int).isin([0, 1, 2, 3, 4, 5]).all()
    # what dyads does not know stays empty
    for col in ("AvgTone", "IsRootEvent", "Actor1EthnicCode", "Actor1Religion1Code", "Actor2Type2Code",
                "Actor1Geo_FullName", "ActionGeo_ADM2Code"):
        assert df[col].isna().all(), col
    assert df["SOURCEURL"].str.startswith("https://").all()


def test_gdelt_row_of_the_putin_bennett_call(files):
    df = _gdelt(files["gdelt"])
    call = df[(df["SQLDATE"] == "20220323") & (df["Actor1Name"] == "Vladimir Putin")
              & (df["Actor2Name"] == "Naftali Bennett")].iloc[0]
    assert (call["Actor1Code"], call["Actor1CountryCode"], call["Actor1Type1Code"]) == ("RUSGOV", "RUS", "GOV")
    assert (call["Actor2Code"], call["Actor2CountryCode"]) == ("ISRGOV", "ISR")
    assert (call["EventCode"], call["EventBaseCode"], call["EventRootCode"], call["QuadClass"]) == ("041", "041", "04", "1")
    assert (call["NumArticles"], call["NumSources"]) == ("3", "3")


def test_gdelt_geography_uses_fips_country_codes(files):
    df = _gdelt(files["gdelt"])
    placed = df[df["ActionGeo_Type"] != "0"]
    by_place = placed.drop_duplicates("ActionGeo_FullName").set_index("ActionGeo_FullName")
    # ISO TUR/DEU/RUS are FIPS TU/GM/RS; ADM1 codes are the FIPS country code and the division's
    assert by_place.loc["Istanbul, Türkiye", ["ActionGeo_CountryCode", "ActionGeo_ADM1Code"]].tolist() == ["TU", "TU34"]
    assert by_place.loc["Berlin, Germany", "ActionGeo_CountryCode"] == "GM"
    assert by_place.loc["Sochi, Russian Federation", "ActionGeo_CountryCode"] == "RS"
    assert (placed["ActionGeo_Type"] == "4").all()  # cities outside the US
    assert placed["ActionGeo_CountryCode"].str.fullmatch(r"[A-Z]{2}").all()
    assert (placed["ActionGeo_ADM1Code"].str[:2] == placed["ActionGeo_CountryCode"]).all()
    assert df.loc[df["ActionGeo_Type"] == "0", "ActionGeo_CountryCode"].isna().all()


def test_gdelt_geography_of_a_us_city_is_a_us_city_with_its_state(rules_pipeline, dyads, tmp_path):
    article = {"id": "us-1", "title": "Police clash with protesters in Houston", "published": "2022-05-03",
               "url": "https://example.org/us-1", "source": "Test Wire",
               "text": "Police arrested dozens of protesters in Houston, Texas, on Monday, officials said."}
    src = tmp_path / "us.jsonl"
    src.write_text(json.dumps(article) + "\n", encoding="utf-8")
    db = tmp_path / "us.duckdb"
    with Store(db) as store:
        code_into_store(rules_pipeline, store, read_inputs([str(src)]), RunSummary())
    proc = dyads("export", "--db", db, "--format", "gdelt", "-o", tmp_path / "us.tsv")
    assert proc.returncode == 0, proc.stderr_text
    df = _gdelt(tmp_path / "us.tsv")
    houston = df[df["ActionGeo_FullName"].fillna("").str.startswith("Houston")].iloc[0]
    # GDELT: type 3 = US city; FIPS US; ADM1 = US + the state's postal code
    assert (houston["ActionGeo_Type"], houston["ActionGeo_CountryCode"], houston["ActionGeo_ADM1Code"]) == (
        "3", "US", "USTX")
    assert houston["Actor1CountryCode"] == "USA"  # actors keep ISO/CAMEO alpha-3 codes


def test_gdelt_extended_is_the_61_columns_then_dyads_own(files):
    extras = ["PloverType", "PloverMode", "PloverContexts", "DateAsWritten", "DateStart", "DateEnd",
              "DatePrecision", "Confidence", "ClusterID", "Evidence"]
    ext = _gdelt(files["gdelt-extended"], GDELT_CODEBOOK + extras)
    plain = _gdelt(files["gdelt"])
    pd.testing.assert_frame_equal(ext[GDELT_CODEBOOK], plain)
    assert (pd.to_datetime(ext["DateStart"], format="%Y-%m-%d").dt.strftime("%Y%m%d") == ext["SQLDATE"]).all()
    assert set(ext["PloverType"]) >= {"CONSULT", "ASSAULT"}
    assert ext["Evidence"].str.len().gt(10).all()


# -- 3. POLECAT and ICEWS ---------------------------------------------------------------------

def test_polecat_file_has_polecats_columns(files):
    df = pd.read_csv(files["polecat"], sep="\t", dtype=str)
    assert df.columns.tolist() == POLECAT_HEADER
    assert pd.to_datetime(df["Event Date"], format="%Y-%m-%d").notna().all()
    assert pd.to_datetime(df["Publication Date"], format="%Y-%m-%d").notna().all()
    assert pd.to_numeric(df["Intensity"]).between(-10, 10).all()
    call = df[(df["Event Date"] == "2022-03-23") & (df["Actor Name"] == "Vladimir Putin")
              & (df["Recipient Name"] == "Naftali Bennett")].iloc[0]
    assert (call["Event Type"], call["Event Mode"], call["Actor Country"], call["Primary Actor Sector"]) == (
        "CONSULT", "phone", "RUS", "GOV")
    placed = df[df["Placename"].notna()]
    istanbul = placed[placed["Placename"] == "Istanbul"].iloc[0]
    assert (istanbul["City"], istanbul["Country"], istanbul["Raw Placename"], istanbul["Feature Type"]) == (
        "Istanbul", "TUR", "Istanbul", "town")
    assert placed["GeoNames ID"].str.fullmatch(r"\d+").all()


def test_icews_file_has_icews_columns(files):
    df = pd.read_csv(files["icews"], sep="\t", dtype=str)
    assert df.columns.tolist() == ICEWS_HEADER
    assert (df["Event ID"].astype("int64") > 0).all()
    assert pd.to_datetime(df["Event Date"], format="%Y-%m-%d").notna().all()
    assert df["CAMEO Code"].str.fullmatch(r"\d{3,4}").all() and df["CAMEO Code"].str.startswith("0").any()
    assert pd.to_numeric(df["Intensity"]).between(-10, 10).all()
    call = df[(df["Event Date"] == "2022-03-23") & (df["Source Name"] == "Vladimir Putin")
              & (df["Target Name"] == "Naftali Bennett")].iloc[0]
    assert (call["Source Country"], call["Target Country"], call["Source Sectors"]) == (
        "Russian Federation", "Israel", "GOV")  # countries by name, as ICEWS writes them
    assert (call["CAMEO Code"], call["Event Text"]) == ("041", "Discuss by telephone")
    assert call["Story ID"].startswith("demo-") and call["Publisher"]
    istanbul = df[df["City"] == "Istanbul"].iloc[0]
    assert istanbul["Country"] == "Türkiye" and pd.to_numeric(istanbul[["Latitude", "Longitude"]]).notna().all()


def test_export_help_lists_every_format_and_an_unknown_one_is_a_usage_error(dyads, demo_db, tmp_path):
    proc = dyads("export", "--help")
    assert proc.returncode == 0
    help_text = " ".join(proc.stdout_text.split())
    for fmt in ("gdelt", "gdelt-extended", "polecat", "icews"):
        assert f"{fmt}:" in help_text, fmt
    proc = dyads("export", "--format", "xml", "-o", tmp_path / "x", "--db", demo_db)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr_text
    assert len(proc.stderr_text.strip().splitlines()) == 1
    assert "gdelt, gdelt-extended, polecat, icews" in proc.stderr_text
    assert not (tmp_path / "x").exists()
