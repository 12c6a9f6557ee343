"""Cross-article clustering: reports of one real-world event in many articles become one cluster.

Two stored events are reports of the same event when they have the same PLOVER type and
factuality, a compatible dyad (equal codes; CONSULT/COOPERATE/AGREE in either direction; an
unknown side compatible with anything), compatible dates and a compatible place (same country
or unknown). Dates are compared within the precision they carry:

* two day-precision text dates must be equal;
* a month (week, year) precision text date contains its days;
* a publication-date fallback is compatible with a text date within one day of it.

The result is a pure function of the *set* of events, whatever order articles arrive in:

1. Events are blocked by ``(type, month of date_start)``; a block is always recomputed as a
   whole, from what is stored, so re-running a block gives the same answer.
2. *Anchors* — both codes known and a day-precision text date — are joined into connected
   components of the (equality-like) anchor compatibility relation.
3. Every other event (unknown side, publication fallback, coarse date) joins the one anchor
   component it is compatible with (among several, the unique one sharing its mode: a "March"
   visit joins the March 5 visit, not the March 14 call); when it fits none, or several, it does
   not bridge them: such events group only with events
   of the same type, factuality, dyad, date and precision.
4. The cluster id is the smallest event id in the cluster (canonical, order-free).

``update_clusters(con, article_ids)`` recomputes only the blocks touched by those articles'
events (and blocks whose stored members were deleted by re-coding). Known limitation: a
publication fallback on the 1st of a month does not meet a text date on the last day of the
previous month (different blocks).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

import duckdb
import networkx as nx
import pandas as pd

SYMMETRIC_TYPES = {"CONSULT", "COOPERATE", "AGREE"}

# One row per cluster: the counts, then the lead event's own columns (``id`` = lead event id),
# so analytics read clusters without joining events.
SCHEMA = """
CREATE TABLE IF NOT EXISTS clusters AS
SELECT ''::VARCHAR AS cluster_id, ''::VARCHAR AS block, 0::INTEGER AS n_events, 0::INTEGER AS n_mentions,
    0::INTEGER AS n_articles, 0::INTEGER AS n_sources, NULL::DATE AS first_seen, NULL::DATE AS last_seen,
    e.* EXCLUDE (cluster_id)
FROM events e LIMIT 0;
CREATE TABLE IF NOT EXISTS cluster_members (event_id VARCHAR, cluster_id VARCHAR, block VARCHAR);
CREATE INDEX IF NOT EXISTS cluster_members_block ON cluster_members(block);
CREATE INDEX IF NOT EXISTS clusters_block ON clusters(block);
"""

_BLOCK_SQL = "e.event || '|' || coalesce(strftime(e.date_start, '%Y-%m'), '-')"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the ``clusters`` and ``cluster_members`` tables (``events.cluster_id`` is the store's).

    Clusters are derived data: a table of an older layout is dropped and recreated; returns True
    then (the caller must recluster everything)."""
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'clusters'").fetchall()}
    stale = bool(columns) and "id" not in columns
    if stale:
        con.execute("DROP TABLE clusters; DROP TABLE IF EXISTS cluster_members")
    con.execute(SCHEMA)
    return stale


@dataclass(frozen=True)
class _Ev:
    id: str
    event: str
    factuality: str
    actor: str | None
    recipient: str | None
    first: date | None
    last: date | None
    precision: str
    source: str  # text | publication
    country: str | None
    mode: str | None

    @property
    def anchor(self) -> bool:
        return bool(self.actor and self.recipient and self.precision == "day" and self.source == "text")


def _span(start: date | None, precision: str) -> tuple[date | None, date | None]:
    if start is None:
        return None, None
    if precision == "month":
        return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == "week":
        return start, start + timedelta(days=6)
    if precision == "year":
        return start, date(start.year, 12, 31)
    return start, start


def _nz(value):
    return None if value is None or (isinstance(value, float) and value != value) or value is pd.NaT else value


def _from_row(r: dict) -> _Ev:
    start = None if pd.isna(r["date_start"]) else pd.Timestamp(r["date_start"]).date()
    first, last = _span(start, r["date_precision"] or "unknown")
    return _Ev(r["id"], r["event"], r["factuality"] or "", _nz(r["actor_code"]), _nz(r["recipient_code"]), first, last,
               r["date_precision"] or "unknown", r["date_source"] or "publication", _nz(r["loc_country"]), _nz(r["mode"]))


def _codes_ok(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def dyads_compatible(x: _Ev, y: _Ev) -> bool:
    if _codes_ok(x.actor, y.actor) and _codes_ok(x.recipient, y.recipient):
        return True
    return x.event in SYMMETRIC_TYPES and _codes_ok(x.actor, y.recipient) and _codes_ok(x.recipient, y.actor)


def dates_compatible(x: _Ev, y: _Ev) -> bool:
    """Within the precision each date carries; publication fallbacks meet text dates within a day."""
    if x.first is None or y.first is None:
        return False
    if x.source == "publication" and y.source == "publication":
        return x.first == y.first
    if x.source == "publication" or y.source == "publication":
        pub, txt = (x, y) if x.source == "publication" else (y, x)
        return txt.first - timedelta(days=1) <= pub.first <= txt.last + timedelta(days=1)
    if x.precision == "day" and y.precision == "day":
        return x.first == y.first
    return x.first <= y.last and y.first <= x.last  # a coarse date contains the other's days


def compatible(x: _Ev, y: _Ev) -> bool:
    return (x.event == y.event and x.factuality == y.factuality and dyads_compatible(x, y)
            and dates_compatible(x, y) and _codes_ok(x.country, y.country))


def _exact_key(e: _Ev) -> tuple:
    pair = tuple(sorted((e.actor or "", e.recipient or ""))) if e.event in SYMMETRIC_TYPES else (e.actor, e.recipient)
    return (e.event, e.factuality, pair, e.first, e.precision, e.source)


def _pair(e: _Ev) -> tuple:
    return tuple(sorted((e.actor or "", e.recipient or "")))


def _anchor_components(anchors: list[_Ev]) -> list[list[str]]:
    """Connected components of anchors; only anchors with the same code pair and day can match."""
    graph = nx.Graph()
    groups: dict[tuple, list[_Ev]] = {}
    for e in anchors:
        graph.add_node(e.id)
        groups.setdefault((_pair(e), e.first), []).append(e)
    for group in groups.values():
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if compatible(x, y):
                    graph.add_edge(x.id, y.id)
    return sorted(sorted(c) for c in nx.connected_components(graph))


def _candidates(e: _Ev, components: list[list[str]], by_code: dict[str, set[int]]) -> list[int]:
    known = [c for c in (e.actor, e.recipient) if c]
    if not known:
        return list(range(len(components)))
    sets = [by_code.get(c, set()) for c in known]
    return sorted(set.intersection(*sets))


def cluster_block(events: list[_Ev]) -> dict[str, str]:
    """event id -> cluster id (min event id) for one block; independent of input order."""
    events = sorted(events, key=lambda e: e.id)
    by_id = {e.id: e for e in events}
    components = _anchor_components([e for e in events if e.anchor])
    by_code: dict[str, set[int]] = {}
    for i, comp in enumerate(components):
        for m in comp:
            for code in (by_id[m].actor, by_id[m].recipient):
                by_code.setdefault(code, set()).add(i)
    graph = nx.Graph()
    graph.add_nodes_from(by_id)
    for comp in components:
        nx.add_path(graph, comp)
    loose: dict[tuple, str] = {}
    for e in (e for e in events if not e.anchor):
        fits = [components[i] for i in _candidates(e, components, by_code)
                if any(compatible(e, by_id[m]) for m in components[i]) and _mode_fits(e, components[i], by_id)]
        if len(fits) > 1 and e.mode:  # several fit: the one sharing the mention's mode, if unique
            fits = [c for c in fits if e.mode in {by_id[m].mode for m in c}] or fits
        if len(fits) == 1:
            graph.add_edge(e.id, fits[0][0])
        else:
            key = _exact_key(e)
            if key in loose:
                graph.add_edge(e.id, loose[key])
            else:
                loose[key] = e.id
    return {m: min(c) for c in nx.connected_components(graph) for m in c}


def _mode_fits(e: _Ev, component: list[str], by_id: dict[str, _Ev]) -> bool:
    modes = {by_id[m].mode for m in component} - {None}
    return e.mode is None or not modes or e.mode in modes


def _touched_blocks(con: duckdb.DuckDBPyConnection, article_ids: list[str] | None) -> list[str]:
    if article_ids is None:
        new = con.execute(f"SELECT DISTINCT {_BLOCK_SQL} FROM events e").fetchall()
        old = con.execute("SELECT DISTINCT block FROM cluster_members").fetchall()
    else:
        new = con.execute(f"SELECT DISTINCT {_BLOCK_SQL} FROM events e WHERE e.article_id IN (SELECT unnest(?::VARCHAR[]))",
                          [list(article_ids)]).fetchall()
        old = con.execute("SELECT DISTINCT m.block FROM cluster_members m ANTI JOIN events e ON e.id = m.event_id").fetchall()
    return sorted({b for (b,) in new} | {b for (b,) in old})


def update_clusters(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str] | None = None) -> int:
    """Recluster the blocks touched by these articles (all blocks when ``None``); returns clusters written."""
    if ensure_schema(con):
        article_ids = None
    blocks = _touched_blocks(con, None if article_ids is None else list(article_ids))
    if not blocks:
        return 0
    pred, params = _block_predicate(blocks, "e")
    frame = con.execute(f"SELECT e.*, {_BLOCK_SQL} AS block FROM events e WHERE {pred}", params).df()
    assign: dict[str, str] = {}
    for _, part in frame.groupby("block", sort=True):
        assign.update(cluster_block([_from_row(r) for r in part.to_dict("records")]))
    members = pd.DataFrame({"event_id": list(assign), "cluster_id": list(assign.values())})
    members["block"] = members["event_id"].map(dict(zip(frame["id"], frame["block"])))
    _write(con, blocks, members, frame.drop(columns=["block"]))
    return members["cluster_id"].nunique()


def rebuild_clusters(con: duckdb.DuckDBPyConnection) -> int:
    """Recluster the whole store (same result as any sequence of incremental updates)."""
    return update_clusters(con, None)


_SUMMARY_SQL = """
WITH m AS (SELECT * FROM new_members),
lead AS (
    SELECT m.cluster_id, e.*, row_number() OVER (PARTITION BY m.cluster_id ORDER BY
        (e.actor_code IS NOT NULL AND e.recipient_code IS NOT NULL) DESC, (e.date_source = 'text') DESC,
        (e.date_precision = 'day') DESC, e.confidence DESC, e.id) AS rank
    FROM m JOIN block_events e ON e.id = m.event_id
),
counts AS (
    SELECT m.cluster_id, count(DISTINCT m.event_id) AS n_events, count(x.event_id) AS n_mentions,
        count(DISTINCT x.article_id) AS n_articles, count(DISTINCT coalesce(a.source, x.article_id)) AS n_sources,
        min(a.published) AS first_seen, max(a.published) AS last_seen
    FROM m LEFT JOIN mentions x ON x.event_id = m.event_id LEFT JOIN articles a ON a.id = x.article_id
    GROUP BY m.cluster_id
)
SELECT l.* EXCLUDE (rank, cluster_id, cluster_id_1), l.cluster_id, m.block,
    c.n_events, c.n_mentions, c.n_articles, c.n_sources, c.first_seen, c.last_seen
FROM lead l JOIN counts c USING (cluster_id) JOIN m ON m.event_id = l.id
WHERE l.rank = 1
"""


def _block_predicate(blocks: list[str], alias: str) -> tuple[str, list]:
    """SQL for "event in one of these blocks", as type + date ranges (cheap on DuckDB's zone maps)."""
    clauses, params = [], []
    for block in blocks:
        kind, month = block.split("|", 1)
        if month == "-":
            clauses.append(f"({alias}.event = ? AND {alias}.date_start IS NULL)")
            params.append(kind)
        else:
            first = date.fromisoformat(month + "-01")
            nxt = (first + timedelta(days=32)).replace(day=1)
            clauses.append(f"({alias}.event = ? AND {alias}.date_start >= ? AND {alias}.date_start < ?)")
            params += [kind, first, nxt]
    return "(" + " OR ".join(clauses) + ")", params


def _write(con: duckdb.DuckDBPyConnection, blocks: list[str], members: pd.DataFrame, rows: pd.DataFrame) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("new_members", members)
        con.register("block_events", rows)
        con.execute("DELETE FROM clusters WHERE block IN (SELECT unnest(?::VARCHAR[]))", [blocks])
        con.execute("DELETE FROM cluster_members WHERE block IN (SELECT unnest(?::VARCHAR[]))", [blocks])
        con.execute("INSERT INTO cluster_members SELECT event_id, cluster_id, block FROM new_members")
        con.execute(f"INSERT INTO clusters BY NAME {_SUMMARY_SQL}")
        pred, params = _block_predicate(blocks, "events")
        con.execute(f"UPDATE events SET cluster_id = m.cluster_id FROM new_members m WHERE events.id = m.event_id AND {pred}",
                    params)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("new_members")
        con.unregister("block_events")


def cluster_after_save(store, article_ids: Iterable[str]) -> int:
    """For the coding loop: after ``store.save`` of these articles, update their clusters."""
    return update_clusters(store.con, list(article_ids))
