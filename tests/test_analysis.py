"""Dyad timelines, contacts, stats, networks and exports over clustered demo events."""
from __future__ import annotations

import csv
import json
from datetime import date
from importlib import resources
from pathlib import Path

import networkx as nx
import pytest

from dyads import analysis as an
from dyads.cli.coding import RunSummary, code_into_store
from dyads.export_formats import export_frame
from dyads.ingest import read_inputs
from dyads.merge.clusters import update_clusters
from dyads.query import EventFilter
from dyads.store import Store

DEMO = Path(str(resources.files("dyads") / "data" / "demo" / "articles.jsonl"))
SEED = ["demo-01-putin-bennett-call", "demo-02-kremlin-readout", "demo-03-jerusalem-report",
        "demo-04-bennett-moscow-visit"]



@pytest.fixture(scope="module")
def pipeline(rules_pipeline):
    return rules_pipeline  # the stages after coding, on the rules' fixed reading (conftest.rules_pipeline)

@pytest.fixture(scope="module")
def db(pipeline, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("analysis") / "seed.duckdb"
    articles = [a for a in read_inputs([str(DEMO)]) if a.id in SEED]
    with Store(path) as store:
        code_into_store(pipeline, store, articles, RunSummary())
        update_clusters(store.con, SEED)
    return path


@pytest.fixture(scope="module")
def con(db):
    store = Store(db, read_only=True)
    yield store.con
    store.close()


def test_putin_bennett_timeline_has_the_visit_and_two_calls_with_their_reports(con):
    df = an.dyad_timeline(con, "Putin", "Bennett")
    assert df["date"].tolist() == ["2022-03-05", "2022-03-14", "2022-03-23"]
    assert df["type"].tolist() == ["CONSULT", "CONSULT", "CONSULT"]
    assert df["n_articles"].tolist() == [2, 2, 3]
    assert df["mode"].tolist()[::2] == ["visit", "phone"]
    assert "telephone call" in df.loc[2, "evidence"]


def test_a_visit_to_the_capital_that_met_the_leader_names_the_leader(con):
    """'visited Moscow ... and met Putin' is one event whose recipient is Putin, not 'Moscow'."""
    visit = an.contacts(con, "Bennett").iloc[0]
    assert (visit["date"], visit["mode"], visit["partner"]) == ("2022-03-05", "visit", "Vladimir Putin")


def test_country_dyad_timeline_either_direction_has_three_contacts_in_march(con):
    df = an.dyad_timeline(con, "ISR", "RUS", EventFilter(type=["CONSULT"]))
    assert df["date"].tolist() == ["2022-03-05", "2022-03-14", "2022-03-23"]
    assert df["n_articles"].tolist() == [2, 2, 3]
    assert df.loc[0, "mode"] == "visit"
    assert an.dyad_timeline(con, "RUS", "ISR", EventFilter(type=["CONSULT"]))["date"].tolist() == df["date"].tolist()


def test_first_call_in_nine_days_is_derivable_from_contacts(con):
    df = an.contacts(con, "Putin")
    bennett = df[df["partner"] == "Naftali Bennett"]
    assert bennett["date"].tolist() == ["2022-03-05", "2022-03-14", "2022-03-23"]
    assert bennett["gap_days"].tolist()[1:] == [9, 9]


def test_contacts_of_israel_count_each_real_meeting_once(con):
    df = an.contacts(con, "ISR", EventFilter(since=None))
    russia = df[df["partner_code"] == "RUS"]
    assert russia["date"].tolist() == ["2022-03-05", "2022-03-14", "2022-03-23"]
    assert russia["gap_days"].tolist()[1:] == [9, 9]


def test_monthly_stats_count_clustered_events_not_reports(con):
    df = an.stats(con, ["month", "type"], EventFilter(dyad=("RUS", "ISR"), type=["CONSULT"]))
    assert df.to_dict("records") == [
        {"month": "2022-03", "type": "CONSULT", "events": 3, "mentions": int(df["mentions"][0]), "articles": 4}
    ]  # the four seed articles, each counted once though three of them report two of the contacts


def test_stats_count_each_article_once(pipeline, tmp_path):
    """One article reporting several CONSULT contacts is one article in every row of the stats."""
    [article] = [a for a in read_inputs([str(DEMO)]) if a.id == "demo-03-jerusalem-report"]
    with Store(tmp_path / "one.duckdb") as store:
        code_into_store(pipeline, store, [article], RunSummary())
        update_clusters(store.con, [article.id])
        df = an.stats(store.con, ["type"])
    consult = df[df["type"] == "CONSULT"].iloc[0]
    assert consult["events"] >= 2 and consult["articles"] == 1
    assert set(df["articles"]) == {1}


def test_conflict_cooperation_series_for_the_dyad(con):
    df = an.conflict_cooperation(con, "month", EventFilter(dyad=("Putin", "Bennett")))
    assert len(df) == 2  # one row per directed dyad and month
    row = df[df["actor"] == "RUS"].iloc[0]
    assert (row["period"], row["actor"], row["recipient"], row["events"], row["q1"], row["q4"]) == (
        "2022-03", "RUS", "ISR", 2, 2, 0)
    assert row["goldstein"] == pytest.approx(2.0)  # two calls, CONSULT at 1.0 each
    visit = df[df["actor"] == "ISR"].iloc[0]
    assert (visit["events"], visit["q1"]) == (1, 1)  # Bennett's visit to Putin


def test_bad_grouping_is_a_one_line_user_error(con):
    with pytest.raises(an.AnalysisError, match="cannot group by 'planet'"):
        an.stats(con, ["planet"])


def test_network_edges_weighted_by_clustered_events_and_written_three_ways(con, tmp_path):
    graph = an.network(con, EventFilter(type=["CONSULT"]), since=None)
    assert graph["RUS"]["ISR"]["weight"] == 2  # the March 14 and March 23 calls
    assert graph["ISR"]["RUS"]["weight"] == 1  # the March 5 visit
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        an.write_network(graph, fmt, tmp_path / f"g.{fmt}")
        back = reader(tmp_path / f"g.{fmt}")
        assert back["RUS"]["ISR"]["weight"] == 2
    an.write_network(graph, "json", tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    assert {"source": "RUS", "target": "ISR"}.items() <= next(
        link for link in data["links"] if link["source"] == "RUS" and link["target"] == "ISR").items()
    since = an.network(con, EventFilter(type=["CONSULT"]), since=date(2022, 3, 20))
    assert since["RUS"]["ISR"]["weight"] == 1 and not since.has_edge("ISR", "RUS")


def test_gdelt_export_has_one_row_per_cluster_with_counts(con):
    df = export_frame(con, "gdelt", EventFilter(dyad=("Putin", "Bennett")))
    assert df["SQLDATE"].tolist() == ["20220305", "20220314", "20220323"]
    assert df["NumArticles"].tolist() == [2, 2, 3]
    assert df["NumSources"].tolist() == [2, 2, 3]
    assert df["EventRootCode"].tolist() == ["04", "04", "04"]
    assert df["Actor1Code"].tolist() == ["ISRGOV", "RUSGOV", "RUSGOV"]
    assert df["GlobalEventID"].is_unique


def test_cli_dyad_json_and_export(db, dyads, tmp_path):
    proc = dyads("dyad", "Putin", "Bennett", "--db", db, "--json")
    assert proc.returncode == 0, proc.stderr_text
    rows = json.loads(proc.stdout_text)
    assert [(r["date"], r["n_articles"]) for r in rows] == [("2022-03-05", 2), ("2022-03-14", 2), ("2022-03-23", 3)]

    proc = dyads("contacts", "Putin", "--db", db, "--format", "csv")
    rows = [r for r in csv.DictReader(proc.stdout_text.splitlines()) if r["partner"] == "Naftali Bennett"]
    assert [r["gap_days"] for r in rows] == ["", "9", "9"]

    out = tmp_path / "events.tsv"
    proc = dyads("export", "--format", "polecat", "-o", out, "--db", db, "--type", "CONSULT", "--actor", "Putin")
    assert proc.returncode == 0, proc.stderr_text
    rows = list(csv.DictReader(out.open(), delimiter="\t"))  # POLECAT's files are tab-separated
    assert [(r["Event Date"], r["Event Type"]) for r in rows] == [("2022-03-14", "CONSULT"), ("2022-03-23", "CONSULT")]

    proc = dyads("clusters", "--db", db, "--min-articles", "3", "--json")
    assert [(r["date"], r["n_articles"], r["n_sources"]) for r in json.loads(proc.stdout_text)] == [("2022-03-23", 3, 3)]

    proc = dyads("stats", "--by", "planet", "--db", db)
    assert proc.returncode == 2 and proc.stderr_text.count("\n") == 1 and "cannot group by" in proc.stderr_text

    proc = dyads("network", "--format", "gexf", "-o", tmp_path / "n.gexf", "--db", db, "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout_text)["edges"] >= 2
