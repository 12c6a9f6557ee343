"""Analytics over the store as pandas DataFrames: dyad timelines, contacts, stats, networks.

The queries live in ``dyads.store.analysis`` (their docstring says what they count: clustered
events); this module re-exports them for callers holding a connection, and turns network
edges into a networkx graph and its files.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd

from dyads.store.analysis import (BY_COLUMNS, PERIODS, AnalysisError, clustered_sql, clusters_frame,
                                  conflict_cooperation, contacts, dyad_timeline, network_edges, stats)
from dyads.store.filters import EventFilter, make_filter
from dyads.store.schema import ensure_clusters_readable as ensure_schema_if_writable

NETWORK_FORMATS = ("graphml", "gexf", "json")

__all__ = ["AnalysisError", "BY_COLUMNS", "PERIODS", "NETWORK_FORMATS", "clustered_sql", "clusters_frame",
           "conflict_cooperation", "contacts", "dyad_timeline", "ensure_schema_if_writable", "graph_of",
           "network", "stats", "write_network"]


def graph_of(edges: pd.DataFrame) -> nx.DiGraph:
    """A directed graph of network edges (source, target, weight, goldstein, types); nodes labelled."""
    graph = nx.from_pandas_edgelist(edges, edge_attr=["weight", "goldstein", "types"], create_using=nx.DiGraph)
    for node in graph.nodes:
        graph.nodes[node]["label"] = node
    return graph


def network(con: duckdb.DuckDBPyConnection, flt: EventFilter | None = None, since=None) -> nx.DiGraph:
    """Directed actor -> recipient graph (country/IGO codes); edge ``weight`` = clustered events,
    plus per-type counts and the Goldstein sum."""
    base = flt or EventFilter()
    if since is not None:
        base = make_filter(base, since=since)
    return graph_of(network_edges(con, base))


def write_network(graph: nx.DiGraph, fmt: str, path: str | Path) -> None:
    """Write a graph as graphml, gexf or json (node-link)."""
    if fmt == "graphml":
        nx.write_graphml(graph, path)
    elif fmt == "gexf":
        nx.write_gexf(graph, path)
    elif fmt == "json":
        Path(path).write_text(json.dumps(nx.node_link_data(graph, edges="links"), default=str))
    else:
        raise AnalysisError(f"--format must be one of {', '.join(NETWORK_FORMATS)}")
