"""One consistent command line: the same --format words everywhere (and -o FILE's extension),
--published / --actors / --version, option values checked with the valid ones listed, missing
inputs refused, `dyads explain` on texts and stored events, progress with a total and an ETA,
small inputs coded without worker processes, the run summary's undated and unlocated counts,
and user values with rich markup in them printed as given. All through the real `dyads`."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import textwrap
from importlib import metadata
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from support import db_rows

ONE_LINE = re.compile(r"^error: .+$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _articles(path: Path, texts: list[str], published: str | None = "2022-03-01") -> Path:
    records = [{"id": f"a{i}", "text": text, **({"published": published} if published else {})}
               for i, text in enumerate(texts)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _usage_error(proc) -> str:
    """The one-line message of a usage error (exit 2, no traceback)."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr_text)
    assert "Traceback" not in proc.stderr_text
    lines = proc.stderr_text.strip().splitlines()
    assert len(lines) == 1 and ONE_LINE.match(lines[0]), proc.stderr_text
    return lines[0]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from conftest import run_dyads

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    proc = run_dyads("demo", "--db", db, "--quiet")
    assert proc.returncode == 0, proc.stderr_text
    return db


# -- 1. one --format vocabulary; -o FILE's extension picks the format -------------------------

def test_every_table_command_takes_the_same_format_words(dyads, demo_db, tmp_path):
    for command in (("events",), ("stats", "--by", "type"), ("clusters",), ("dyad", "RUS", "UKR")):
        as_json = dyads(*command, "--db", demo_db, "--format", "json")
        assert as_json.returncode == 0, as_json.stderr_text
        array = json.loads(as_json.stdout_text)
        lines = dyads(*command, "--db", demo_db, "--format", "jsonl").stdout_text.splitlines()
        assert [json.loads(line) for line in lines] == array and array, command
        rows = list(csv.DictReader(io.StringIO(dyads(*command, "--db", demo_db, "--format", "csv").stdout_text)))
        assert len(rows) == len(array), command
        assert json.loads(dyads(*command, "--db", demo_db, "--json").stdout_text) == array
        parquet = tmp_path / f"{command[0]}.parquet"  # the extension alone picks parquet
        assert dyads(*command, "--db", demo_db, "-o", parquet).returncode == 0
        assert len(pd.read_parquet(parquet)) == len(array)


def test_network_format_comes_from_the_file_name_and_a_contradiction_is_refused(dyads, demo_db, tmp_path):
    gexf, graphml = tmp_path / "net.gexf", tmp_path / "net.graphml"
    proc = dyads("network", "--db", demo_db, "-o", gexf)
    assert proc.returncode == 0, proc.stderr_text
    assert nx.read_gexf(gexf).number_of_edges() > 0  # GEXF, not GraphML in a .gexf file
    assert dyads("network", "--db", demo_db, "-o", graphml).returncode == 0
    assert nx.read_graphml(graphml).number_of_edges() == nx.read_gexf(gexf).number_of_edges()

    message = _usage_error(dyads("network", "--db", demo_db, "-o", tmp_path / "x.gexf", "--format", "graphml"))
    assert "--format graphml" in message and "x.gexf" in message
    assert not (tmp_path / "x.gexf").exists()
    message = _usage_error(dyads("events", "--db", demo_db, "-o", tmp_path / "e.json", "--format", "csv"))
    assert "--format csv" in message and "e.json" in message
    message = _usage_error(dyads("stats", "--db", demo_db, "--format", "xml"))
    assert all(word in message for word in ("table", "json", "jsonl", "csv", "parquet"))


# -- 2. --published and --actors everywhere, --version --------------------------------------------

def test_version_published_and_actors_are_the_same_everywhere(dyads, tmp_path):
    proc = dyads("--version")
    assert proc.returncode == 0 and proc.stdout_text.strip() == f"dyads {metadata.version('dyads')}"

    tagged = dyads("time", "yesterday", "--published", "2022-01-02", "--json")
    assert tagged.returncode == 0, tagged.stderr_text
    assert json.loads(tagged.stdout_text)[0]["value"] == "2022-01-01"
    old = dyads("time", "yesterday", "--dct", "2022-01-02", "--json")  # the old name still works, with a note
    assert json.loads(old.stdout_text) == json.loads(tagged.stdout_text) and "deprecated" in old.stderr_text

    mine = tmp_path / "mine.yml"
    mine.write_text(textwrap.dedent("""\
        people:
          - id: jane-roe
            name: Jane Roe
            roles:
              - {country: FRA, title: foreign minister, start: 2030-01-01, end: null}
        """), encoding="utf-8")
    found = dyads("actor", "Jane Roe", "--actors", mine, "--json")
    assert found.returncode == 0, found.stderr_text
    assert json.loads(found.stdout_text)["entities"][0]["code"] == "FRAGOV"

    for command in ("code", "explain", "eval", "watch", "actor", "time"):
        help_text = dyads(command, "--help").stdout_text
        assert "--kb" not in help_text and "--dct" not in help_text, command
    for command in ("code", "explain", "eval", "watch", "actor"):
        assert "--actors" in dyads(command, "--help").stdout_text, command
    for command in ("code", "explain", "time"):
        assert "--published" in dyads(command, "--help").stdout_text, command


# -- 3. --type and actor names checked; names resolved to codes ----------------------------------

def _ids(dyads, *args) -> list[str]:
    proc = dyads(*args, "--all", "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr_text
    return [json.loads(line)["id"] for line in proc.stdout_text.splitlines()]


def test_actor_names_find_what_their_codes_find(dyads, demo_db):
    by_code = _ids(dyads, "events", "--db", demo_db, "--actor", "RUS")
    assert by_code and _ids(dyads, "events", "--db", demo_db, "--actor", "Russia") == by_code
    assert _ids(dyads, "events", "--db", demo_db, "--recipient", "Ukraine") == \
        _ids(dyads, "events", "--db", demo_db, "--recipient", "UKR")
    named = dyads("dyad", "Russia", "Ukraine", "--db", demo_db, "--json").stdout_text
    assert json.loads(named) and json.loads(named) == json.loads(dyads("dyad", "RUS", "UKR", "--db", demo_db,
                                                                         "--json").stdout_text)


def test_unknown_types_and_actors_are_usage_errors_naming_the_valid_ones(dyads, demo_db):
    message = _usage_error(dyads("events", "--db", demo_db, "--type", "FOO"))
    assert "FOO" in message and "ASSAULT" in message and "CONSULT" in message
    message = _usage_error(dyads("stats", "--db", demo_db, "--actor", "Rusia"))
    assert "'Rusia'" in message and "did you mean Russia" in message
    message = _usage_error(dyads("dyad", "Russia", "Ukrane", "--db", demo_db))
    assert "Ukraine" in message
    assert _usage_error(dyads("events", "--db", demo_db, "--recipient", "QQQ"))


# -- 4. a missing input is a usage error -------------------------------------------------------------

def test_code_on_a_missing_path_says_which_and_exits_2(dyads, tmp_path):
    real = _articles(tmp_path / "real.jsonl", ["Russia accused Ukraine of shelling Donetsk."])
    db = tmp_path / "store.duckdb"
    message = _usage_error(dyads("code", real, tmp_path / "typo.jsonl", "--db", db))
    assert str(tmp_path / "typo.jsonl") in message and "no such file" in message and "coded" not in message
    assert not db.exists()


# -- 5. explain: no events, stored events, rich layout; no <bool> in help -----------------------------

def test_explain_says_no_events_and_explains_a_stored_event(dyads, demo_db):
    none = dyads("explain", "It was a sunny day in the valley.")
    assert none.returncode == 0, none.stderr_text
    assert none.stdout_text == "" and none.stderr_text.strip() == "no events in this text"

    stored = json.loads(dyads("events", "--db", demo_db, "--actor", "RUS", "--format", "json").stdout_text)[0]
    proc = dyads("explain", stored["id"], "--db", demo_db)
    assert proc.returncode == 0, proc.stderr_text
    header, row = proc.stdout_text.splitlines()[:2]
    assert header.split()[:5] == ["#", "event", "mode", "actor", "recipient"]  # a table, as `dyads events` prints
    assert stored["event"] in row and stored["actor"]["code"] in row
    assert stored["evidence"][0]["rule"] in proc.stdout_text
    assert stored["evidence"][0]["sentence"][:40] in proc.stdout_text
    as_json = json.loads(dyads("explain", stored["id"], "--db", demo_db, "--json").stdout_text)
    assert as_json[0]["id"] == stored["id"]

    message = _usage_error(dyads("explain", "no-such-event", "--db", demo_db))
    assert "no-such-event" in message


def test_explain_shows_where_the_sector_model_overruled_the_words():
    from dyads.cli.evaluation import describe_scores

    text = describe_scores({"type": {"AID": 0.8, "NONE": 0.1}, "actor": 0.9, "actor_sector": "MIL 0.93"})
    assert text == "AID 0.80 (NONE 0.10); actor 0.90; actor sector MIL 0.93"


def test_help_screens_show_no_bool_placeholder(dyads):
    for command in ((), ("code",), ("explain",), ("events",), ("stats",), ("network",), ("watch",), ("train",)):
        help_text = dyads(*command, "--help").stdout_text
        assert "--help" in help_text and "<bool>" not in help_text, command


# -- 6. progress with a total and an ETA; a small input without workers ------------------------------

def test_progress_shows_a_total_and_an_eta(dyads, tmp_path):
    texts = [f"Russia accused Ukraine of shelling the town of Donetsk on day {i}." for i in range(30)]
    corpus = _articles(tmp_path / "thirty.jsonl", texts)
    proc = dyads("code", corpus, "--db", tmp_path / "p.duckdb", "--workers", "1", "--progress")
    assert proc.returncode == 0, proc.stderr_text
    shown = ANSI.sub("", proc.stderr_text)  # the bar as a terminal shows it
    assert re.search(r"\b\d+/30 .* eta \d+:\d\d:\d\d", shown), shown[-500:]


def test_one_article_is_coded_in_this_process_whatever_workers_says(dyads, tmp_path):
    one = _articles(tmp_path / "one.jsonl", ["Russia accused Ukraine of shelling Donetsk on Monday."])
    proc = dyads("code", one, "--db", tmp_path / "one.duckdb", "--workers", "2", "--json")
    assert proc.returncode == 0, proc.stderr_text
    summary = json.loads(proc.stdout_text)
    assert summary["articles"] == 1 and summary["workers"] == 1


# -- 7. the summary counts undated and unlocated events -----------------------------------------------

def test_summary_says_how_many_events_are_undated_and_unlocated(dyads, tmp_path):
    texts = ["Russia accused Ukraine of lying about the talks.",
             "Russian troops shelled the Ukrainian city of Kharkiv on 3 March 2022."]
    corpus = _articles(tmp_path / "two.jsonl", texts, published=None)
    db = tmp_path / "two.duckdb"
    proc = dyads("code", corpus, "--db", db)
    assert proc.returncode == 0, proc.stderr_text
    undated, unlocated, total = db_rows(db, "SELECT count(*) FILTER (WHERE date IS NULL), "
                                           "count(*) FILTER (WHERE loc_name IS NULL), count(*) FROM events")[0]
    assert undated >= 1 and total > undated
    assert f"{total} events ({undated} undated," in proc.stderr_text
    assert f"{unlocated} unlocated)" in proc.stderr_text


# -- 8. user values with rich markup print as given ------------------------------------------------

def test_paths_with_markup_print_exactly_and_never_raise(dyads, demo_db, tmp_path):
    (tmp_path / "a[").mkdir()
    txt = tmp_path / "a[/x]b.txt"  # the folder "a[" and the file "x]b.txt"
    txt.write_text("Weather report\n\nIt was sunny all day in the valley and the farmers were glad of it.\n",
                   encoding="utf-8")
    jsonl = _articles(tmp_path / "[bold]x.jsonl", ["Russia accused Ukraine of shelling the town of Donetsk on Monday."])
    db = tmp_path / "[bold]s[x].duckdb"
    # French only: both inputs are skipped, and the summary names each one
    proc = dyads("code", txt, jsonl, "--db", db, "--languages", "fr")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr_text, proc.stderr_text
    assert f"skipped {txt}: language: en" in proc.stderr_text
    assert f"skipped {jsonl}:1: language: en" in proc.stderr_text

    missing = tmp_path / "[red]gone[/x].txt"
    assert str(missing) in _usage_error(dyads("code", missing, "--db", db))
    assert f"@{tmp_path / '[i]nothing.txt'}" in _usage_error(dyads("explain", f"@{tmp_path / '[i]nothing.txt'}"))

    store = tmp_path / "[bold]store[x].duckdb"
    shutil.copy(demo_db, store)
    for args, said in (
        (("events", "--db", store, "-o", tmp_path / "[b]e.csv"), f"to {tmp_path / '[b]e.csv'}"),
        (("network", "--db", store, "-o", tmp_path / "[b]n.gexf"), f"to {tmp_path / '[b]n.gexf'}"),
        (("stats", "--db", store, "-o", tmp_path / "[bold]s.json"), f"to {tmp_path / '[bold]s.json'}"),
    ):
        proc = dyads(*args)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr_text, proc.stderr_text
        assert said in proc.stderr_text, proc.stderr_text
    message = _usage_error(dyads("explain", "[bold]no-id", "--db", store))
    assert "'[bold]no-id'" in message and str(store) in message
    gone = tmp_path / "[bold]no[x].duckdb"
    proc = dyads("events", "--db", gone)
    assert proc.returncode != 0 and str(gone) in proc.stderr_text and "Traceback" not in proc.stderr_text
