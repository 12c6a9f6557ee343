"""The store's reading API: what the CLI, the workbench and Python users all call.

Filters are an ``EventFilter`` and/or its fields as keywords (``actor="RUS"``,
``type="CONSULT"``, ``since="2022-03-01"``; ``factuality=None`` for negated and
hypothetical events too: by default only asserted events count). Tables come back as
pandas DataFrames; ``as_dicts=True`` gives JSON-ready dicts instead (for the web API).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

import duckdb
import pandas as pd

from dyads.store import analysis as sa
from dyads.store import events as se
from dyads.store.filters import EventFilter, make_filter

if TYPE_CHECKING:
    import networkx as nx


def _by(by: str | list[str] | None) -> list[str] | None:
    return [b.strip() for b in by.split(",") if b.strip()] if isinstance(by, str) else by


class ReadsMixin:
    con: duckdb.DuckDBPyConnection

    # --- events ----------------------------------------------------------------------

    def events(self, flt: EventFilter | None = None, *, limit: int | None = None, offset: int = 0,
               sort: str = "date_start", descending: bool = False, **filters: Any) -> pd.DataFrame:
        """Stored events (one flat row each, every mention of an event counted), sorted by ``sort``."""
        return se.events_frame(self.con, make_filter(flt, **filters), limit, offset, sort, descending)

    def count_events(self, flt: EventFilter | None = None, **filters: Any) -> int:
        return se.count_events(self.con, make_filter(flt, **filters))

    def records(self, flt: EventFilter | None = None, *, limit: int | None = None, offset: int = 0,
                sort: str = "date_start", descending: bool = False, **filters: Any) -> Iterator[dict]:
        """Events as nested PLOVER-style records with their evidence, streamed (flat memory)."""
        return se.event_records(self.con, make_filter(flt, **filters), limit, offset, sort, descending)

    def event(self, event_id: str) -> dict | None:
        """One event as a nested record, or None."""
        return se.event_record(self.con, event_id)

    # --- articles and actors ---------------------------------------------------------

    def articles(self, search: str | None = None, limit: int | None = None, offset: int = 0,
                 as_dicts: bool = False) -> pd.DataFrame | list[dict]:
        """Stored articles (id, title, published, source, url, number of events), newest first;
        ``search``: words in the title or text."""
        cur = se.articles_query(self.con, search, limit, offset)
        return se.plain_rows(cur) if as_dicts else cur.df()

    def count_articles(self, search: str | None = None) -> int:
        return se.count_articles(self.con, search)

    def article(self, article_id: str) -> dict | None:
        """One article with its text and annotations, or None."""
        return se.article_record(self.con, article_id)

    def actors(self, flt: EventFilter | None = None, as_dicts: bool = False, **filters: Any) -> pd.DataFrame | list[dict]:
        """Actor codes with their counts as actor and as recipient, most frequent first."""
        cur = se.actors_query(self.con, make_filter(flt, **filters))
        return se.plain_rows(cur) if as_dicts else cur.df()

    # --- analytics over clustered events (one row per real-world event) -----------------

    def dyad(self, a: str, b: str, flt: EventFilter | None = None, **filters: Any) -> pd.DataFrame:
        """Timeline of the events between ``a`` and ``b``, either direction, oldest first."""
        return sa.dyad_timeline(self.con, a, b, make_filter(flt, **filters))

    def contacts(self, actor: str, flt: EventFilter | None = None, **filters: Any) -> pd.DataFrame:
        """Every CONSULT contact of ``actor`` with ``gap_days`` since the last one with that partner."""
        return sa.contacts(self.con, actor, make_filter(flt, **filters))

    def stats(self, by: str | list[str] | None = None, flt: EventFilter | None = None, **filters: Any) -> pd.DataFrame:
        """Counts grouped by ``by``: month, year, week, day, type, actor, recipient, quad, mode, country
        (a list, or a comma-separated string; default month and type)."""
        return sa.stats(self.con, _by(by), make_filter(flt, **filters))

    def conflict_cooperation(self, period: str = "month", flt: EventFilter | None = None, **filters: Any) -> pd.DataFrame:
        """Per period and dyad: Goldstein sum and counts per quad class."""
        return sa.conflict_cooperation(self.con, period, make_filter(flt, **filters))

    def network(self, flt: EventFilter | None = None, **filters: Any) -> pd.DataFrame:
        """Directed actor -> recipient edges: source, target, weight (events), goldstein, types."""
        return sa.network_edges(self.con, make_filter(flt, **filters))

    def network_graph(self, flt: EventFilter | None = None, **filters: Any) -> "nx.DiGraph":
        """The same edges as a networkx DiGraph (for graphml/gexf/json)."""
        from dyads.analysis import graph_of

        return graph_of(self.network(flt, **filters))

    def clusters(self, flt: EventFilter | None = None, min_articles: int = 1, **filters: Any) -> pd.DataFrame:
        """Clusters (reports of one event) with their mention, article and source counts, biggest first."""
        return sa.clusters_frame(self.con, make_filter(flt, **filters), min_articles)
