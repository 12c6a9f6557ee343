"""Peak memory of `dyads code` on one long article (issue 15: memory follows --max-chars,
never the size of an input).

    python scripts/bench_memory.py            # 0.2, 1, 5 and 20 MB
    python scripts/bench_memory.py 0.2 1      # chosen sizes (MB)
    python scripts/bench_memory.py 20 --only txt   # one form (jsonl or txt): a 20 MB run takes an hour

Each size is written as one JSONL line and as one .txt file, from sentences written for
this script, and coded by a real `dyads code --workers 1` process; the largest resident
set size of any one process of the run (sampled every 0.1 s with psutil) is reported
with the wall time and the number of parts stored. The target is under 1.5 GB.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import psutil

DYADS = str(Path(sys.executable).with_name("dyads"))
PARAGRAPHS = [
    "Police in the capital arrested twelve protesters on Tuesday after a march against rising fuel prices, "
    "a spokesman for the interior ministry said.",
    "The foreign minister met her counterpart from the neighbouring republic to discuss the disputed border "
    "and promised further talks next month.",
    "Rebels attacked an army post near the northern town overnight, killing three soldiers, the military said "
    "in a statement on Wednesday.",
    "The opposition party demanded that the prime minister resign over the corruption inquiry, while the "
    "government rejected the call as a political stunt.",
    "Local football fans celebrated late into the night after the home side beat its rivals two goals to one.",
    "Parliament approved a budget that raises spending on schools and hospitals, and the president signed it "
    "into law on Friday.",
]


def article_text(megabytes: float) -> str:
    size = int(megabytes * 1_000_000)
    parts, length, i = [], 0, 0
    while length < size:
        paragraph = PARAGRAPHS[i % len(PARAGRAPHS)]
        parts.append(paragraph)
        length += len(paragraph) + 2
        i += 1
    return "\n\n".join(parts)[:size]


def peak_rss(proc: subprocess.Popen) -> int:
    """Largest RSS (bytes) of any process of the run, sampled until it ends."""
    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            for p in [root, *root.children(recursive=True)]:
                peak = max(peak, p.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.1)
    return peak


def measure(path: Path, db: Path) -> dict:
    start = time.monotonic()
    proc = subprocess.Popen([DYADS, "code", str(path), "--db", str(db), "--workers", "1", "--json", "--published",
                             "2020-01-01"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = peak_rss(proc)
    out = proc.stdout.read()
    with duckdb.connect(str(db), read_only=True) as con:
        parts = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    return {"input": path.name, "exit": proc.returncode, "seconds": round(time.monotonic() - start, 1),
            "parts": parts, "events": json.loads(out)["events"] if out.strip() else None,
            "peak_rss_mb": round(peak / 2**20)}


def main(sizes: list[float], forms: tuple[str, ...] = ("jsonl", "txt")) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for mb in sizes:
            text = article_text(mb)
            jsonl = folder / f"long-{mb}mb.jsonl"
            jsonl.write_text(json.dumps({"id": f"long-{mb}", "text": text}) + "\n", encoding="utf-8")
            txt = folder / f"long-{mb}mb.txt"
            txt.write_text(text, encoding="utf-8")
            for path in (p for p in (jsonl, txt) if p.suffix[1:] in forms):
                print(json.dumps({"megabytes": mb, **measure(path, folder / f"{path.stem}-{path.suffix[1:]}.duckdb")}),
                      flush=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Peak RSS of dyads code on one long article.")
    parser.add_argument("sizes", nargs="*", type=float, default=[0.2, 1.0, 5.0, 20.0], help="sizes in MB")
    parser.add_argument("--only", choices=["jsonl", "txt"], help="measure one input form only")
    args = parser.parse_args()
    main(args.sizes, (args.only,) if args.only else ("jsonl", "txt"))
