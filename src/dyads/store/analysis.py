"""Analytics over the store as pandas DataFrames: dyad timelines, contacts, stats, network edges.

Every function takes the same ``EventFilter`` as ``dyads events``. They count *clustered*
events — one row per real-world event (``merge.clusters``): the cluster's lead event (both
sides known, text-dated, most confident) stands for it, with the cluster's ``n_mentions``,
``n_articles`` and ``n_sources``. Events not yet clustered count as their own cluster. The
filter applies to the lead event's fields.
"""
from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from dyads.errors import DyadsError
from dyads.store.filters import EventFilter
from dyads.store.schema import EVENT_COLUMNS, ensure_clusters_readable

PERIODS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y", "week": "%G-W%V"}
BY_COLUMNS = {"month": None, "year": None, "day": None, "week": None, "type": "e.event", "actor": "e.actor_code",
              "recipient": "e.recipient_code", "quad": "e.quad_code", "mode": "e.mode", "country": "e.loc_country"}
_STAT_COLS = "e.event, e.date_start, e.actor_code, e.recipient_code, e.quad_code, e.mode, e.loc_country, e.goldstein"
_EVENT_COLS = ", ".join(f"e.{c}" for c in EVENT_COLUMNS if c != "cluster_id")


class AnalysisError(DyadsError):
    exit_code = 2


def clustered_sql(flt: EventFilter | None, extra: str = "TRUE", columns: str | None = None) -> tuple[str, list]:
    """``SELECT`` of one row per cluster (the lead event's columns, alias ``e``, plus ``n_mentions``,
    ``n_articles``, ``n_sources`` and ``cluster``), filtered; events not clustered yet count as their
    own cluster. ``columns``: the event columns wanted (default all)."""
    cols = columns or _EVENT_COLS
    where, params = (flt or EventFilter()).where("e")
    sql = f"""SELECT {cols}, e.n_mentions, e.n_articles, e.n_sources, e.cluster_id AS cluster
        FROM clusters e WHERE {where} AND {extra}
        UNION ALL
        SELECT {cols}, 1 AS n_mentions, 1 AS n_articles, 1 AS n_sources, e.id AS cluster
        FROM events e WHERE e.cluster_id IS NULL AND {where} AND {extra}"""
    return sql, params + params


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    ensure_clusters_readable(con)
    return con.execute(sql, params).df()


def dyad_timeline(con: duckdb.DuckDBPyConnection, a: str, b: str, flt: EventFilter | None = None) -> pd.DataFrame:
    """Every clustered event between ``a`` and ``b`` (either direction), oldest first.

    ``a``/``b``: codes (RUS), code+sector (RUSGOV), names or countries."""
    sub = replace(flt or EventFilter(), dyad=(a, b))
    cols = ("e.event, e.date, e.date_start, e.date_precision, e.date_source, e.actor_code, e.actor_sector, "
            "e.actor_name, e.recipient_code, e.recipient_sector, e.recipient_name, e.mode, e.goldstein, e.quad_code, "
            "e.text, e.article_id")
    sql, params = clustered_sql(sub, columns=cols)
    return _frame(con, f"""SELECT event AS type, date, date_precision, date_source,
        concat_ws(' ', actor_code || coalesce(actor_sector, ''), actor_name) AS actor,
        concat_ws(' ', recipient_code || coalesce(recipient_sector, ''), recipient_name) AS recipient,
        mode, goldstein, quad_code, text AS evidence, article_id, n_mentions, n_articles, n_sources, cluster
        FROM ({sql}) ORDER BY date_start NULLS LAST, cluster""", params)


def contacts(con: duckdb.DuckDBPyConnection, actor: str, flt: EventFilter | None = None) -> pd.DataFrame:
    """Every CONSULT contact of ``actor`` (as actor or recipient): partner, date, mode, and
    ``gap_days`` since the previous contact with the same partner (NaN for the first)."""
    base = flt or EventFilter()
    rows = []
    for role, other in (("actor", "recipient"), ("recipient", "actor")):
        sql, params = clustered_sql(replace(base, **{role: actor, "type": ["CONSULT"]}))
        rows.append(_frame(con, f"""SELECT cluster, date, date_start, date_precision, mode,
            {other}_code AS partner_code, coalesce({other}_name, {other}_text) AS partner, text AS evidence,
            n_mentions, n_articles FROM ({sql})""", params))
    df = pd.concat(rows, ignore_index=True).drop_duplicates("cluster")
    df = df.sort_values(["date_start", "cluster"], na_position="last").reset_index(drop=True)
    key = df["partner_code"].fillna(df["partner"].fillna(""))
    prev = df.groupby(key)["date_start"].shift(1)
    df["gap_days"] = (pd.to_datetime(df["date_start"]) - pd.to_datetime(prev)).dt.days.astype("Int64")
    return df.drop(columns=["date_start"])


def _group_exprs(by: list[str]) -> list[tuple[str, str]]:
    exprs = []
    for name in by:
        if name not in BY_COLUMNS:
            raise AnalysisError(f"cannot group by {name!r}: try month, type, actor, recipient, quad")
        exprs.append((name, BY_COLUMNS[name] or f"strftime(e.date_start, '{PERIODS[name]}')"))
    return exprs


def stats(con: duckdb.DuckDBPyConnection, by: list[str] | None = None, flt: EventFilter | None = None) -> pd.DataFrame:
    """Counts of clustered events (and their mentions/articles) grouped by ``by`` (month, type, ...)."""
    exprs = _group_exprs(by or ["month", "type"])
    sql, params = clustered_sql(flt, columns=_STAT_COLS)
    cols = ", ".join(f"{x} AS {n}" for n, x in exprs)
    # Articles are counted once per group: one article reporting five clustered events is one
    # article, not five (a sum of per-cluster counts would say five).
    return _frame(con, f"""WITH grouped AS (
            SELECT {cols}, count(*) AS events, sum(e.n_mentions)::BIGINT AS mentions, list(e.cluster) AS members
            FROM ({sql}) e GROUP BY ALL),
        numbered AS (SELECT *, row_number() OVER () AS gid FROM grouped),
        reports AS (SELECT m.cluster_id AS cluster, x.article_id FROM cluster_members m
                    JOIN mentions x ON x.event_id = m.event_id
                    UNION ALL SELECT e.id, e.article_id FROM events e WHERE e.cluster_id IS NULL),
        counted AS (SELECT u.gid, count(DISTINCT r.article_id)::BIGINT AS articles
                    FROM (SELECT gid, unnest(members) AS cluster FROM numbered) u JOIN reports r USING (cluster)
                    GROUP BY u.gid)
        SELECT n.* EXCLUDE (members, gid), coalesce(c.articles, 0)::BIGINT AS articles
        FROM numbered n LEFT JOIN counted c USING (gid) ORDER BY ALL""", params)


def conflict_cooperation(con: duckdb.DuckDBPyConnection, period: str = "month",
                         flt: EventFilter | None = None) -> pd.DataFrame:
    """Per period and dyad (actor, recipient codes): Goldstein sum and counts per quad class
    (q1 verbal cooperation, q2 material cooperation, q3 verbal conflict, q4 material conflict)."""
    if period not in PERIODS:
        raise AnalysisError(f"--period must be one of {', '.join(PERIODS)}")
    sql, params = clustered_sql(flt, columns=_STAT_COLS)
    return _frame(con, f"""SELECT strftime(e.date_start, '{PERIODS[period]}') AS period, e.actor_code AS actor,
        e.recipient_code AS recipient, count(*) AS events, round(sum(coalesce(e.goldstein, 0)), 2) AS goldstein,
        count(*) FILTER (quad_code = 0) AS q0, count(*) FILTER (quad_code = 1) AS q1,
        count(*) FILTER (quad_code = 2) AS q2, count(*) FILTER (quad_code = 3) AS q3,
        count(*) FILTER (quad_code = 4) AS q4
        FROM ({sql}) e GROUP BY ALL ORDER BY ALL""", params)


def network_edges(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None) -> pd.DataFrame:
    """Directed actor -> recipient edges (country/IGO codes): ``weight`` = clustered events,
    the Goldstein sum and the event types, heaviest first."""
    sql, params = clustered_sql(flt, "e.actor_code IS NOT NULL AND e.recipient_code IS NOT NULL", _STAT_COLS)
    return _frame(con, f"""SELECT actor_code AS source, recipient_code AS target, count(*) AS weight,
        round(sum(coalesce(goldstein, 0)), 2) AS goldstein, string_agg(DISTINCT event, ',' ORDER BY event) AS types
        FROM ({sql}) GROUP BY ALL ORDER BY weight DESC, source, target""", params)


def clusters_frame(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None, min_articles: int = 1) -> pd.DataFrame:
    """Clusters with their counts (GDELT's NumMentions/NumArticles/NumSources), biggest first."""
    sql, params = clustered_sql(flt)
    return _frame(con, f"""SELECT cluster, event, date, mode, actor_code, actor_name, recipient_code, recipient_name,
        n_mentions, n_articles, n_sources, text AS evidence FROM ({sql}) WHERE n_articles >= {int(min_articles)}
        ORDER BY n_articles DESC, n_mentions DESC, date_start, cluster""", params)


# One row per cluster: the lead event, its article, and the place as the article wrote it
# (the text of the place span of the lead event's first mention naming one).
LEAD_SQL = """
WITH e AS ({inner}),
p AS (  -- only the exported events' mentions: the article bodies are cut for those alone
    SELECT m.event_id, arg_min(substring(ar.body, m.place_start + 1, m.place_end - m.place_start), m.trigger_start)
        AS raw_place
    FROM mentions m JOIN e ON e.id = m.event_id JOIN articles ar ON ar.id = m.article_id
    WHERE m.place_start IS NOT NULL AND m.place_end > m.place_start
    GROUP BY m.event_id
)
SELECT e.cluster AS cluster, e.date AS date, e.date_end AS date_end, e.date_precision AS date_precision,
    e.event AS event, e.mode AS mode, array_to_string(e.context, ';') AS contexts,
    e.actor_code, e.actor_sector, e.actor_org, e.actor_name, e.actor_text,
    e.recipient_code, e.recipient_sector, e.recipient_org, e.recipient_name, e.recipient_text,
    e.cameo, e.goldstein, e.quad_code, e.loc_name, e.loc_feature, e.loc_country, e.loc_adm1, e.loc_lat, e.loc_lon,
    e.loc_geonameid, e.confidence, e.text AS evidence, e.schema_version, e.n_mentions, e.n_sources, e.n_articles,
    e.article_id, strftime(a.published, '%Y-%m-%d') AS published, a.source AS publisher, a.url AS url,
    strftime(a.coded_at, '%Y%m%d%H%M%S') AS coded_at, p.raw_place AS raw_place
FROM e
LEFT JOIN articles a ON a.id = e.article_id
LEFT JOIN p ON p.event_id = e.id
ORDER BY e.date_start NULLS LAST, e.cluster
"""


def cluster_leads(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None) -> list[dict]:
    """One dict per cluster (the lead event's fields, report counts, article, raw place name),
    oldest first; plain Python values (a pandas frame would turn integer columns with gaps into
    floats). What the GDELT, POLECAT and ICEWS exports are built from."""
    ensure_clusters_readable(con)
    inner, params = clustered_sql(flt)
    cur = con.execute(LEAD_SQL.format(inner=inner), params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values)) for values in cur.fetchall()]
