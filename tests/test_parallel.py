"""Scale: worker processes, a Dask LocalCluster and a killed-and-resumed run all
store exactly the events of the single-process run. Real processes, real signals,
a real cluster; the corpus is written here (sentences made up for these tests)."""
from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import psutil
import pytest

from dyads.distributed import attach_parquet, code_on_cluster, code_shard
from dyads.pipeline import PipelineConfig
from dyads.store import Store

DYADS = [str(Path(sys.executable).with_name("dyads"))]

TEXTS = [
    "Russian troops shelled the Ukrainian city of Kharkiv on Monday.",
    "French President Emmanuel Macron met German Chancellor Olaf Scholz in Berlin to discuss energy.",
    "Thousands of protesters marched in Tehran against the Iranian government.",
    "The United States imposed new sanctions on Iran over its nuclear programme.",
    "China warned Taiwan against any move toward independence.",
    "Japan pledged humanitarian aid to the Philippines after the typhoon.",
    "India and Pakistan agreed to a ceasefire along the Line of Control.",
    "Police in Nairobi arrested dozens of opposition supporters on Tuesday.",
    "Turkey accused Greece of violating its airspace.",
    "Brazil signed a trade agreement with Argentina.",
    "Israeli warplanes bombed Hamas positions in Gaza overnight.",
    "Germany rejected Poland's demand for war reparations.",
    "The European Union called on Serbia to recognise Kosovo.",
    "Egypt hosted talks between Israeli and Palestinian officials in Cairo.",
    "Rebels attacked an army convoy in northern Mali, killing five soldiers.",
    "South Korea deployed troops to the border with North Korea.",
    "Canada expelled two Russian diplomats on Friday.",
    "Nigeria's army withdrew from the town of Baga.",
    "Mexico asked the United States for help fighting drug cartels.",
    "Australia praised New Zealand's response to the crisis.",
]
MONTHS = ["2021-01-15", "2021-02-10", "2021-03-05"]


def article(i: int, text: str) -> dict:
    return {"id": f"fx-{i:04d}", "title": "", "text": text, "published": MONTHS[i % 3], "source": "test"}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def dyads(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*DYADS, *args], capture_output=True, text=True, timeout=300)


def events(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT * EXCLUDE (cluster_id) FROM events ORDER BY id").fetchall()


def dyad_rows(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT article_id, id, event, actor_code, recipient_code FROM events ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "fixture.jsonl", [article(i, t) for i, t in enumerate(TEXTS)])


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory) -> Path:
    """The single-process run."""
    db = tmp_path_factory.mktemp("ref") / "ref.duckdb"
    run = dyads("code", str(corpus), "--db", str(db), "--workers", "1", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["articles"] == len(TEXTS)
    assert events(db), "the fixture corpus should give events"
    return db


def test_two_workers_store_exactly_the_events_of_one(corpus: Path, reference: Path, tmp_path: Path) -> None:
    db = tmp_path / "w2.duckdb"
    run = dyads("code", str(corpus), "--db", str(db), "--workers", "2", "--json")
    assert run.returncode == 0, run.stderr
    assert events(db) == events(reference)


def test_rerun_of_a_finished_run_codes_nothing_and_says_so(corpus: Path, reference: Path) -> None:
    before = events(reference)
    run = dyads("code", str(corpus), "--db", str(reference), "--workers", "1")
    assert run.returncode == 0, run.stderr
    assert "nothing to code" in run.stderr and f"all {len(TEXTS)} articles" in run.stderr
    assert events(reference) == before


def test_dask_local_cluster_over_three_shards(corpus: Path, reference: Path, tmp_path: Path) -> None:
    records = [article(i, t) for i, t in enumerate(TEXTS)]
    shards = tmp_path / "shards"
    shards.mkdir()
    write_jsonl(shards / "a.jsonl", records[:7])
    with open(shards / "a.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "broken", "text": \n')  # line 8: reported, and the good records still coded
    with gzip.open(shards / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records[7:14])
    pd.DataFrame(records[14:]).to_parquet(shards / "c.parquet")
    out = tmp_path / "out"
    summary = code_on_cluster([str(shards / "*")], str(out), "local", PipelineConfig(), workers=2)
    assert summary.articles == len(TEXTS)
    assert [s.origin for s in summary.skipped] == [f"{shards / 'a.jsonl'}:8"]
    got = duckdb.sql(f"SELECT article_id, id, event, actor_code, recipient_code FROM read_parquet('{out}/events/*/*.parquet', "
                     "hive_partitioning = true) ORDER BY id").fetchall()
    assert got == dyad_rows(reference)
    months = {p.name for p in (out / "events").iterdir()}
    assert months <= {"month=2021-01", "month=2021-02", "month=2021-03", "month=unknown"} and len(months) >= 2
    with Store(tmp_path / "attached.duckdb") as store:
        assert attach_parquet(store, str(out)) == {"parquet_articles": len(TEXTS), "parquet_events": len(got)}
        assert {f"month={m}" for (m,) in store.con.execute("SELECT DISTINCT month FROM parquet_events").fetchall()} == months
    again = code_on_cluster([str(shards / "*")], str(out), "local", PipelineConfig(), workers=2)
    assert (again.articles, again.unchanged) == (0, len(TEXTS))


def test_killed_run_resumes_and_codes_each_article_exactly_once(corpus: Path, reference: Path, tmp_path: Path) -> None:
    n = 400
    # each copy in its own month, so the resumed run's clustering touches none of the killed run's blocks
    copies = [{**article(i % len(TEXTS), TEXTS[i % len(TEXTS)]), "id": f"fx-{i:04d}",
               "published": f"{1990 + i // 12}-{i % 12 + 1:02d}-15"} for i in range(n)]
    big = write_jsonl(tmp_path / "big.jsonl", copies)
    db = tmp_path / "killed.duckdb"
    proc = subprocess.Popen([*DYADS, "code", str(big), "--db", str(db), "--workers", "2", "--progress", "--batch-size", "4"],
                            stderr=subprocess.PIPE, text=True)
    stored = _wait_for_progress(proc, at_least=40)
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert 40 <= stored < n, "the kill should land part-way through the run"
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, "workers must exit when their parent dies"

    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 0 < before < n
    run = dyads("code", str(big), "--db", str(db), "--workers", "2", "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["articles"] + summary["unchanged"] == n and summary["unchanged"] == before
    with duckdb.connect(str(db), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT id FROM articles").fetchall()]
        got = con.execute("SELECT article_id, event, actor_code, recipient_code FROM events").fetchall()
    assert sorted(ids) == [f"fx-{i:04d}" for i in range(n)]
    expected = Counter((aid, ev, a, r) for aid, _, ev, a, r in dyad_rows(reference))
    coded = Counter((f"fx-{int(aid[3:]) % len(TEXTS):04d}", ev, a, r) for aid, ev, a, r in got)
    copies_of = Counter(f"fx-{i % len(TEXTS):04d}" for i in range(n))
    # every article has exactly the events of the article it repeats, as many times as it has them
    assert coded == Counter({key: count * copies_of[key[0]] for key, count in expected.items()})
    # and the store equals a clean run's, clusters included (the kill came before any clustering pass)
    clean = tmp_path / "clean.duckdb"
    assert dyads("code", str(big), "--db", str(clean), "--workers", "2").returncode == 0
    assert clustered(db) == clustered(clean)
    assert not any(cluster is None for *_, cluster in clustered(db)[0])


def clustered(db: Path) -> tuple[list[tuple], ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        return tuple(con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
                     for table in ("(SELECT id, cluster_id FROM events)", "cluster_members", "clusters"))


_COUNT = re.compile(r"(\d+)/(?:\?|\d+)")  # stored/total ("?" until the inputs are counted)


def _wait_for_progress(proc: subprocess.Popen, at_least: int, timeout: float = 120) -> int:
    """Read the progress bar on stderr until it shows at least this many articles stored."""
    seen = [0]

    def read() -> None:
        tail = ""
        for chunk in iter(lambda: proc.stderr.read(64), ""):
            tail = (tail + chunk)[-200:]
            counts = _COUNT.findall(tail)
            if counts:
                seen[0] = max(seen[0], int(counts[-1]))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while seen[0] < at_least:
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no progress seen on stderr"
        time.sleep(0.01)
    return seen[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_bench_times_both_passes_over_every_article(corpus: Path, pipeline, workers: int) -> None:
    run = dyads("bench", str(corpus), "--workers", str(workers), "--json")
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    assert (figures["articles"], figures["workers"]) == (len(TEXTS), workers)
    # both halves of the corpus are counted (the passes alternate over them)
    assert figures["tokens"] == sum(len(pipeline.nlp.make_doc(text)) for text in TEXTS)
    assert len(figures["peak_rss_mb"]) == workers and all(mb > 100 for mb in figures["peak_rss_mb"])
    assert figures["ratio"] == round(figures["spacy_seconds"] / figures["dyads_seconds"], 3) > 0


def test_a_killed_worker_is_replaced_and_its_articles_reported(corpus: Path, tmp_path: Path) -> None:
    n = 400  # over 20,000 characters: a smaller input is coded without workers
    big = write_jsonl(tmp_path / "big.jsonl",
                      [{**article(i % len(TEXTS), TEXTS[i % len(TEXTS)]), "id": f"w-{i:04d}"} for i in range(n)])
    for attempt in range(3):
        db, log = tmp_path / f"w{attempt}.duckdb", tmp_path / f"skips{attempt}.jsonl"
        proc = subprocess.Popen([*DYADS, "code", str(big), "--db", str(db), "--workers", "2", "--batch-size", "4",
                                 "--progress", "--json", "--skip-log", str(log)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for_progress(proc, at_least=20)
        workers = [c for c in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 2
        workers[0].send_signal(signal.SIGKILL)
        out = proc.stdout.read()
        code = proc.wait(timeout=300)
        summary = json.loads(out)
        # a worker killed between two chunks held no article: nothing is lost, try again
        if not (code == 0 and summary["articles"] == n and summary["skipped_total"] == 0):
            break
    assert code == 3, "a run that lost articles exits 3"
    lost = [json.loads(line) for line in log.read_text().splitlines()]
    assert lost and summary["skipped_by_kind"] == {"worker": len(lost)}
    assert summary["articles"] + len(lost) == n, "the other articles are all coded"
    for entry in lost:  # id and file:line of each article the dead worker held
        line = int(entry["input"].rsplit(":", 1)[1])
        assert entry["input"] == f"{big}:{line}" and f"article w-{line - 1:04d}" in entry["reason"]
        assert "killed by SIGKILL" in entry["reason"]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {r[0] for r in con.execute("SELECT id FROM articles").fetchall()}
    assert len(stored) == n - len(lost)
    again = dyads("code", str(big), "--db", str(db), "--workers", "2", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["articles"] == len(lost), "a re-run codes what the dead worker held"


def test_a_shard_dask_reruns_in_the_same_run_counts_as_coded_not_resumed(tmp_path: Path) -> None:
    """A finished task whose result died with its worker is rerun by Dask: its shard is this
    run's work (the user's "coded" count), only an earlier run's shard is "unchanged"."""
    shard = tmp_path / "s.jsonl"
    write_jsonl(shard, [article(i, TEXTS[i]) for i in range(3)])
    out, config = str(tmp_path / "out"), PipelineConfig(coder="rules")
    first = code_shard(0, str(shard), out, config, run="run-1")
    rerun = code_shard(0, str(shard), out, config, run="run-1")
    later = code_shard(0, str(shard), out, config, run="run-2")
    assert (first.resumed, rerun.resumed, later.resumed) == (False, False, True)
    assert first.articles == rerun.articles == later.articles == 3


def test_a_lost_dask_worker_loses_only_its_shard(tmp_path: Path) -> None:
    """With Dask retrying no task, a killed worker's shard is reported and the others coded."""
    shards = tmp_path / "shards"
    shards.mkdir()
    per_shard = 30
    for s in range(6):
        write_jsonl(shards / f"s{s}.jsonl", [{**article(i, TEXTS[i % len(TEXTS)]), "id": f"d{s}-{i}"} for i in range(per_shard)])
    out = tmp_path / "out"
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    proc = subprocess.Popen([*DYADS, "code", str(shards), "--cluster", "local", "--out", str(out), "--workers", "2", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 240
    while not (out / "_done").exists() or not any((out / "_done").iterdir()):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "no shard finished"
        time.sleep(0.2)
    workers = [p for p in psutil.Process(proc.pid).children(recursive=True) if "spawn_main" in " ".join(p.cmdline())
               and not p.children()]  # a nanny's worker process (the nanny is its parent)
    assert workers
    workers[0].send_signal(signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 3, stderr
    summary = json.loads(stdout)
    lost = [s for s in summary["skipped"] if s["kind"] == "worker"]
    assert lost and all("KilledWorker" in s["reason"] for s in lost)
    assert summary["articles"] + per_shard * len(lost) == 6 * per_shard
