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
   component it is compatible with; a mention with a mode (visit, phone, ...) joins only a
   component with that mode, and events with two different modes never merge (a "March" visit
   joins the March 5 visit, not the March 14 call); when it fits none, or several, it does
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

from dyads.events.ontology import symmetric_types
from dyads.store.clusters import block_events, touched_blocks, write_clusters
from dyads.store.schema import CLUSTERS_SCHEMA, ensure_clusters_schema


# The tables and their SQL live in the store (``dyads.store.clusters``); this module decides
# which events are reports of the same event.
SCHEMA = CLUSTERS_SCHEMA
ensure_schema = ensure_clusters_schema


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
    return x.event in symmetric_types() and _codes_ok(x.actor, y.recipient) and _codes_ok(x.recipient, y.actor)


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
    # A visit and a phone call between the same leaders are two contacts, however close their dates.
    return (x.event == y.event and x.factuality == y.factuality and dyads_compatible(x, y)
            and dates_compatible(x, y) and _codes_ok(x.country, y.country) and _codes_ok(x.mode, y.mode))


def _exact_key(e: _Ev) -> tuple:
    pair = tuple(sorted((e.actor or "", e.recipient or ""))) if e.event in symmetric_types() else (e.actor, e.recipient)
    return (e.event, e.factuality, pair, e.first, e.precision, e.source, e.mode)


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
    """A loose mention that says how the contact happened joins only a component that says the
    same: "Bennett traveled to Moscow this month" (a visit) must not vanish into a March 14 call
    whose report names no mode."""
    return e.mode is None or e.mode in {by_id[m].mode for m in component}


def update_clusters(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str] | None = None) -> int:
    """Recluster the blocks touched by these articles (all blocks when ``None``); returns clusters written."""
    if ensure_schema(con):
        article_ids = None
    blocks = touched_blocks(con, None if article_ids is None else list(article_ids))
    if not blocks:
        return 0
    frame = block_events(con, blocks)
    assign: dict[str, str] = {}
    for _, part in frame.groupby("block", sort=True):
        assign.update(cluster_block([_from_row(r) for r in part.to_dict("records")]))
    members = pd.DataFrame({"event_id": list(assign), "cluster_id": list(assign.values())})
    members["block"] = members["event_id"].map(dict(zip(frame["id"], frame["block"])))
    write_clusters(con, blocks, members, frame.drop(columns=["block"]))
    return members["cluster_id"].nunique()


def rebuild_clusters(con: duckdb.DuckDBPyConnection) -> int:
    """Recluster the whole store (same result as any sequence of incremental updates)."""
    return update_clusters(con, None)


def cluster_after_save(store, article_ids: Iterable[str]) -> int:
    """For the coding loop: after ``store.save`` of these articles, update their clusters."""
    return store.update_clusters(list(article_ids))
