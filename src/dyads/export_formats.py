"""Export clustered events (one row per real-world event) as GDELT-like or POLECAT-like tables.

See ``docs/export-formats.md`` for every column. Both take the same ``EventFilter`` as
``dyads events`` and write tab-separated text (GDELT) or CSV (POLECAT) with a header row.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from dyads.analysis import AnalysisError, clustered_sql, ensure_schema_if_writable
from dyads.query import EventFilter

EXPORT_FORMATS = ("gdelt", "polecat")

GDELT_SQL = """
SELECT e.cluster AS cluster, strftime(e.date_start, '%Y%m%d') AS Day, strftime(e.date_start, '%Y%m') AS MonthYear,
    year(e.date_start) AS Year,
    e.actor_code || coalesce(e.actor_org, '') || coalesce(e.actor_sector, '') AS Actor1Code,
    coalesce(e.actor_name, e.actor_text) AS Actor1Name,
    CASE WHEN e.actor_code = 'IGO' THEN NULL ELSE e.actor_code END AS Actor1CountryCode,
    e.actor_org AS Actor1KnownGroupCode, e.actor_sector AS Actor1Type1Code,
    e.recipient_code || coalesce(e.recipient_org, '') || coalesce(e.recipient_sector, '') AS Actor2Code,
    coalesce(e.recipient_name, e.recipient_text) AS Actor2Name,
    CASE WHEN e.recipient_code = 'IGO' THEN NULL ELSE e.recipient_code END AS Actor2CountryCode,
    e.recipient_org AS Actor2KnownGroupCode, e.recipient_sector AS Actor2Type1Code,
    e.cameo AS EventCode, left(e.cameo, 3) AS EventBaseCode, left(e.cameo, 2) AS EventRootCode,
    e.event AS PloverType, e.mode AS PloverMode,
    e.quad_code AS QuadClass, e.goldstein AS GoldsteinScale,
    e.n_mentions AS NumMentions, e.n_sources AS NumSources, e.n_articles AS NumArticles,
    CASE e.loc_feature WHEN 'country' THEN 1 WHEN 'adm1' THEN 5 WHEN 'town' THEN 4 ELSE NULL END AS ActionGeo_Type,
    e.loc_name AS ActionGeo_FullName, e.loc_country AS ActionGeo_CountryCode, e.loc_adm1 AS ActionGeo_ADM1Code,
    e.loc_lat AS ActionGeo_Lat, e.loc_lon AS ActionGeo_Long, e.loc_geonameid AS ActionGeo_FeatureID,
    strftime(a.coded_at, '%Y%m%d%H%M%S') AS DATEADDED, a.url AS SOURCEURL, e.text AS Evidence
FROM ({inner}) e LEFT JOIN articles a ON a.id = e.article_id
ORDER BY e.date_start NULLS LAST, e.cluster
"""

POLECAT_SQL = """
SELECT e.cluster AS "Event ID", strftime(a.published, '%Y-%m-%d') AS "Story Date", e.date AS "Event Date", e.event AS "Event Type",
    e.mode AS "Event Mode", array_to_string(e.context, ';') AS "Contexts",
    coalesce(e.actor_name, e.actor_text) AS "Actor Name", e.actor_code AS "Actor Country",
    e.actor_sector AS "Actor Sector", e.actor_org AS "Actor Org",
    coalesce(e.recipient_name, e.recipient_text) AS "Recipient Name", e.recipient_code AS "Recipient Country",
    e.recipient_sector AS "Recipient Sector", e.recipient_org AS "Recipient Org",
    e.loc_name AS "Placename", e.loc_adm1 AS "State", e.loc_country AS "Country",
    e.loc_lat AS "Latitude", e.loc_lon AS "Longitude", e.loc_geonameid AS "GeoNames ID",
    e.quad_code AS "Quad Code", e.goldstein AS "Goldstein", e.cameo AS "CAMEO",
    e.n_mentions AS "Num Mentions", e.n_articles AS "Num Articles", e.n_sources AS "Num Sources",
    e.confidence AS "Confidence", a.title AS "Headline", a.url AS "Source URL", e.text AS "Event Text"
FROM ({inner}) e LEFT JOIN articles a ON a.id = e.article_id
ORDER BY e.date_start NULLS LAST, e.cluster
"""


def global_event_id(cluster_id: str) -> int:
    """A stable positive 63-bit integer for a cluster id (GDELT's ids are integers)."""
    return int(hashlib.sha256(cluster_id.encode()).hexdigest()[:15], 16)


def export_frame(con: duckdb.DuckDBPyConnection, fmt: str, flt: EventFilter | None = None) -> pd.DataFrame:
    if fmt not in EXPORT_FORMATS:
        raise AnalysisError(f"--format must be one of {', '.join(EXPORT_FORMATS)}")
    ensure_schema_if_writable(con)
    inner, params = clustered_sql(flt)
    df = con.execute((GDELT_SQL if fmt == "gdelt" else POLECAT_SQL).format(inner=inner), params).df()
    if fmt == "gdelt":
        df.insert(0, "GlobalEventID", df.pop("cluster").map(global_event_id))
    return df


def write_export(con: duckdb.DuckDBPyConnection, fmt: str, path: str | Path, flt: EventFilter | None = None) -> int:
    """Write the table (GDELT: TSV, POLECAT: CSV); returns rows written."""
    df = export_frame(con, fmt, flt)
    df.to_csv(path, sep="\t" if fmt == "gdelt" else ",", index=False)
    return len(df)
