"""Speed and memory of place resolution with the embedded and an imported gazetteer
(issue 17, item 5).

    python scripts/bench_geo.py                       # synthetic dump of 200,000 places
    python scripts/bench_geo.py --places 1000000      # a larger synthetic dump
    python scripts/bench_geo.py --dump ~/geonames/allCountries.zip ~/geonames/alternateNamesV2.zip

For each index, a fresh process (its own cache folder, so the user's is never touched)
opens the gazetteer and resolves every gold toponym of GeoWebNews (the gold spans, each
document as the context of its names, as `dyads eval-geo` does). Reported: places
resolved per second (first pass, cold answers), the time to open the index, the peak
resident set size of that process, and the index's size. The imported index is built
first with `dyads gazetteer import` (its time and peak RSS are reported too) from the
dumps given, or from a synthetic GeoNames-format dump of random places (the index's
size is what matters for lookups, not which places it holds).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "geo_gwn.jsonl"

_CHILD = """
import json, resource, sys, time
from dyads.evaluate.geo_eval import read_gold
from dyads.place.gazetteer import load_gazetteer
from dyads.place.geoparse import Geoparser, Mention
docs = read_gold(sys.argv[1])
start = time.perf_counter()
gaz = load_gazetteer()
opened = time.perf_counter() - start
parser = Geoparser(gaz)
start = time.perf_counter()
n = resolved = 0
for doc in docs:
    places = parser.resolve_mentions([Mention(t.text, t.start, t.end) for t in doc.toponyms], doc.text)
    n += len(places)
    resolved += sum(p is not None for p in places)
took = time.perf_counter() - start
print(json.dumps({"source": gaz.source, "places_in_index": len(gaz), "index_mb": gaz.path.stat().st_size / 1e6,
                  "open_s": opened, "toponyms": n, "resolved": resolved, "places_per_s": n / took,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def synthetic_dump(folder: Path, places: int, seed: int = 17) -> Path:
    """A GeoNames-format country file of random places (towns and features) in 19 columns."""
    rng = random.Random(seed)
    path = folder / "XX.txt"
    kinds = [("P", "PPL"), ("H", "STM"), ("T", "MT"), ("S", "BLDG"), ("L", "AREA")]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(places):
            name = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 11))).title()
            fclass, fcode = rng.choice(kinds)
            fh.write("\t".join([str(20_000_000 + i), name, name, f"{name} {fcode.title()}",
                                f"{rng.uniform(-60, 70):.5f}", f"{rng.uniform(-180, 180):.5f}", fclass, fcode,
                                rng.choice(["FR", "NG", "US", "IN", "BR"]), "", "01", "", "", "",
                                str(rng.choice([0, 0, 120, 800])), "", "0", "UTC", "2024-01-01"]) + "\n")
    return path


def run(cmd: list[str], cache: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    """A child process's result, wall time and peak RSS (MB; the largest child so far)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode not in (0, 3):  # 3: an import that skipped bad lines
        sys.exit(f"{' '.join(cmd[:4])}... failed:\n{done.stderr}")
    return done, took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD, help="GeoWebNews-format gold JSONL.")
    ap.add_argument("--dump", type=Path, nargs="*", help="GeoNames dumps to import (default: synthetic).")
    ap.add_argument("--places", type=int, default=200_000, help="Places in the synthetic dump.")
    args = ap.parse_args()

    from dyads.place.gazetteer import embedded_path, load_gazetteer

    load_gazetteer()  # the embedded index, built once in the user's cache
    with tempfile.TemporaryDirectory(prefix="bench-geo-") as tmp:
        tmp_path = Path(tmp)
        rows = []
        for kind in ("embedded", "imported"):
            cache = tmp_path / kind
            (cache / "dyads").mkdir(parents=True)
            shutil.copy(embedded_path(), cache / "dyads" / embedded_path().name)
            if kind == "imported":
                dumps = args.dump or [synthetic_dump(tmp_path, args.places)]
                _, took, rss = run([sys.executable, "-c", "from dyads.cli import main; main()", "gazetteer",
                                    "import", "--quiet", *map(str, dumps)], cache)
                print(f"import of {', '.join(p.name for p in dumps)}: {took:.1f} s, peak RSS {rss:.0f} MB")
            done, _, _ = run([sys.executable, "-c", _CHILD, str(args.gold)], cache)
            rows.append(json.loads(done.stdout))
    print(f"{'index':10s} {'places':>10s} {'MB':>6s} {'open s':>7s} {'toponyms':>9s} {'resolved':>9s} "
          f"{'places/s':>9s} {'peak RSS MB':>12s}")
    for r in rows:
        print(f"{r['source']:10s} {r['places_in_index']:>10,} {r['index_mb']:>6.0f} {r['open_s']:>7.2f} "
              f"{r['toponyms']:>9,} {r['resolved']:>9,} {r['places_per_s']:>9.0f} {r['peak_rss_mb']:>12.0f}")


if __name__ == "__main__":
    main()
