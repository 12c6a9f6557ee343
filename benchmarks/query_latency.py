"""Query latency on a synthetic store of 1,000,000 clustered events.

    .venv/bin/python benchmarks/query_latency.py [--events 1000000] [--runs 7] [--db PATH]

Generates events (and one cluster per ~1.5 events) with DuckDB SQL in a fresh store, then
reports the median latency of a dyad timeline, a monthly stats query and a network export
(build + graphml write). Target: each under 200 ms.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from dyads import analysis as an
from dyads.merge.clusters import ensure_schema
from dyads.query import EventFilter
from dyads.store import Store

CODES = ["RUS", "UKR", "ISR", "USA", "CHN", "DEU", "FRA", "GBR", "TUR", "IRN", "IND", "JPN", "SAU", "ARE", "EGY",
         "SYR", "IRQ", "AFG", "PAK", "KOR", "PRK", "BRA", "MEX", "ZAF", "ETH", "NGA", "KEN", "POL", "ITA", "ESP",
         "IGO", "YEM", "LBN", "QAT", "JOR", "AZE", "ARM", "GEO", "BLR", "KAZ"]
TYPES = ["CONSULT", "COOPERATE", "AGREE", "AID", "SUPPORT", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST",
         "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "RETREAT", "CONCEDE"]

GENERATE = """
INSERT INTO events (id, article_id, event, mode, actor_code, actor_sector, actor_name, recipient_code,
    recipient_sector, recipient_name, cameo, goldstein, quad_code, date, date_start, date_precision, date_source,
    factuality, confidence, text, cluster_id)
SELECT printf('%016x', i), 'a' || (i // 3), t.types[1 + (hash(i, 1) % len(t.types))::INT], NULL,
    t.codes[1 + (hash(i, 2) % len(t.codes))::INT], 'GOV', NULL,
    t.codes[1 + (hash(i, 4) % len(t.codes))::INT], 'GOV', NULL,
    '040', (hash(i, 6) % 200) / 10.0 - 10.0, (hash(i, 7) % 5)::INT,
    strftime(DATE '2015-01-01' + (hash(i, 8) % 3650)::INT, '%Y-%m-%d'), DATE '2015-01-01' + (hash(i, 8) % 3650)::INT,
    'day', 'text', 'asserted', 0.8, 'synthetic event ' || i, printf('%016x', i - i % 3 * (hash(i, 9) % 2)::BIGINT)
FROM range(?) r(i), (SELECT ?::VARCHAR[] AS codes, ?::VARCHAR[] AS types) t
"""

CLUSTERS = """
INSERT INTO clusters BY NAME
SELECT e.* EXCLUDE (cluster_id), e.cluster_id, 'synthetic' AS block, k.n AS n_events, 2 * k.n AS n_mentions,
    k.n AS n_articles, k.n AS n_sources
FROM events e JOIN (SELECT cluster_id, count(*) AS n FROM events GROUP BY ALL) k ON k.cluster_id = e.id
"""


def build(path: Path, n: int) -> None:
    with Store(path) as store:
        ensure_schema(store.con)
        t0 = time.perf_counter()
        store.con.execute(GENERATE, [n, CODES, TYPES])
        store.con.execute(CLUSTERS)
        print(f"generated {n:,} events in {time.perf_counter() - t0:.1f} s")


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", type=Path, default=None, help="Store to create (default: a temporary file).")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dyads-bench-"))
    path = args.db or tmp / "bench.duckdb"
    path.unlink(missing_ok=True)
    build(path, args.events)
    with Store(path, read_only=True) as store:
        con = store.con
        checks = {
            "dyad timeline RUS-ISR": lambda: an.dyad_timeline(con, "RUS", "ISR"),
            "stats by month,type": lambda: an.stats(con, ["month", "type"]),
            "network export (graphml)": lambda: an.write_network(
                an.network(con, EventFilter(), since=None), "graphml", tmp / "net.graphml"),
        }
        for name, fn in checks.items():
            ms = median_ms(fn, args.runs)
            print(f"{name:28s} {ms:8.1f} ms  {'OK' if ms < 200 else 'over 200 ms'}")
    shutil.rmtree(tmp, ignore_errors=True) if args.db is None else None


if __name__ == "__main__":
    main()
