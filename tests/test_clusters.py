"""Cross-article clustering on the real pipeline: one real-world event, many reports."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from dyads.cli.coding import RunSummary, code_into_store
from dyads.ingest import read_inputs
from dyads.merge.clusters import cluster_after_save, rebuild_clusters, update_clusters
from dyads.store import Store

DEMO = Path(str(resources.files("dyads") / "data" / "demo" / "articles.jsonl"))
CALL = ["demo-01-putin-bennett-call", "demo-02-kremlin-readout", "demo-03-jerusalem-report"]
SEED = CALL + ["demo-04-bennett-moscow-visit"]


def demo_articles(ids: list[str]) -> list:
    by_id = {a.id: a for a in read_inputs([str(DEMO)])}
    return [by_id[i] for i in ids]


def code_incrementally(pipeline, path: Path, articles: list) -> Store:
    """Code one article at a time and update clusters after each save, as the coding loop does."""
    store = Store(path)
    for article in articles:
        code_into_store(pipeline, store, [article], RunSummary())
        cluster_after_save(store, [article.id])
    return store


def cluster_rows(con, sql_where: str = "TRUE") -> list[tuple]:
    return con.execute(
        f"""SELECT cluster_id, event, date, n_mentions, n_articles, n_sources,
               (SELECT list(DISTINCT x.article_id ORDER BY x.article_id) FROM cluster_members m
                JOIN mentions x ON x.event_id = m.event_id WHERE m.cluster_id = c.cluster_id) AS articles
            FROM clusters c WHERE {sql_where} ORDER BY cluster_id"""
    ).fetchall()


def membership(con) -> list[tuple]:
    return con.execute("SELECT id, cluster_id FROM events ORDER BY id").fetchall()



@pytest.fixture(scope="module")
def pipeline(rules_pipeline):
    return rules_pipeline  # the stages after coding, on the rules' fixed reading (conftest.rules_pipeline)

@pytest.fixture(scope="module")
def seed_store(pipeline, tmp_path_factory):
    store = code_incrementally(pipeline, tmp_path_factory.mktemp("seed") / "seed.duckdb", demo_articles(SEED))
    yield store
    store.close()


PUTIN_BENNETT = ("event = 'CONSULT' AND ((actor_code = 'RUS' AND recipient_code = 'ISR') "
                 "OR (actor_code = 'ISR' AND recipient_code = 'RUS'))")


def test_the_march_23_call_is_one_cluster_reported_by_three_articles(seed_store):
    rows = cluster_rows(seed_store.con, f"{PUTIN_BENNETT} AND date = '2022-03-23'")
    assert len(rows) == 1
    _, event, day, n_mentions, n_articles, n_sources, articles = rows[0]
    assert (event, day, n_articles, n_sources) == ("CONSULT", "2022-03-23", 3, 3)
    assert articles == sorted(CALL)
    stored = seed_store.con.execute(
        "SELECT count(*) FROM mentions x JOIN cluster_members m ON m.event_id = x.event_id WHERE m.cluster_id = ?",
        [rows[0][0]]).fetchone()[0]
    assert n_mentions == stored >= 3


def test_the_march_14_call_the_articles_recall_stays_separate(seed_store):
    rows = cluster_rows(seed_store.con, f"{PUTIN_BENNETT} AND date = '2022-03-14'")
    assert len(rows) == 1
    assert rows[0][4] == 2 and rows[0][6] == ["demo-01-putin-bennett-call", "demo-03-jerusalem-report"]


def test_the_moscow_visit_joins_the_readout_that_says_earlier_this_month(seed_store):
    rows = cluster_rows(seed_store.con, f"{PUTIN_BENNETT} AND date = '2022-03-05'")
    assert len(rows) == 1
    assert rows[0][6] == ["demo-02-kremlin-readout", "demo-04-bennett-moscow-visit"]
    # the three Putin–Bennett contacts are three clusters, not one "March" blob
    assert len(cluster_rows(seed_store.con, PUTIN_BENNETT + " AND date LIKE '2022-03%'")) == 3


def test_every_mention_keeps_its_article_source_sentence_and_offsets(seed_store):
    (cid,) = seed_store.con.execute(f"SELECT cluster_id FROM clusters WHERE {PUTIN_BENNETT} AND date = '2022-03-23'").fetchone()
    rows = seed_store.con.execute(
        """SELECT a.source, a.body, x.sentence, x.sentence_start, x.sentence_end FROM mentions x
           JOIN cluster_members m ON m.event_id = x.event_id JOIN articles a ON a.id = x.article_id
           WHERE m.cluster_id = ?""", [cid]).fetchall()
    assert {r[0] for r in rows} == {"Demo Wire", "Eastern Desk", "Levant Bulletin"}
    for _, body, sentence, start, end in rows:
        assert body[start:end] == sentence


def test_cluster_id_is_the_smallest_member_event_id(seed_store):
    bad = seed_store.con.execute(
        "SELECT count(*) FROM (SELECT cluster_id, min(event_id) AS m FROM cluster_members GROUP BY 1) WHERE m <> cluster_id"
    ).fetchone()[0]
    assert bad == 0
    assert seed_store.con.execute("SELECT count(*) FROM events WHERE cluster_id IS NULL").fetchone()[0] == 0


def test_clusters_do_not_depend_on_the_order_articles_arrive_in(pipeline, tmp_path, seed_store):
    reverse = code_incrementally(pipeline, tmp_path / "reverse.duckdb", demo_articles(SEED[::-1]))
    shuffled = code_incrementally(pipeline, tmp_path / "shuffled.duckdb",
                                  demo_articles(["demo-03-jerusalem-report", "demo-04-bennett-moscow-visit",
                                                 "demo-01-putin-bennett-call", "demo-02-kremlin-readout"]))
    try:
        expected = cluster_rows(seed_store.con)
        assert cluster_rows(reverse.con) == expected
        assert cluster_rows(shuffled.con) == expected
        assert membership(reverse.con) == membership(seed_store.con)
        rebuild_clusters(reverse.con)  # from scratch == incremental
        assert cluster_rows(reverse.con) == expected
    finally:
        reverse.close()
        shuffled.close()


def test_recoding_an_article_updates_only_its_clusters(pipeline, tmp_path):
    store = code_incrementally(pipeline, tmp_path / "recode.duckdb", demo_articles(CALL))
    try:
        before = cluster_rows(store.con)
        code_into_store(pipeline, store, demo_articles(["demo-02-kremlin-readout"]), RunSummary())
        update_clusters(store.con, ["demo-02-kremlin-readout"])
        assert cluster_rows(store.con) == before
        # drop an article: its mentions leave the call cluster, which now has two articles
        store._delete_article("demo-02-kremlin-readout")
        update_clusters(store.con, [])
        rows = cluster_rows(store.con, f"{PUTIN_BENNETT} AND date = '2022-03-23'")
        assert [r[4] for r in rows] == [2]
    finally:
        store.close()


OWN_WORDS = [
    {"id": "own-paris-a", "published": "2023-05-10", "source": "Paper A",
     "title": "Macron hosts Scholz",
     "text": "French President Emmanuel Macron met German Chancellor Olaf Scholz in Paris on Tuesday."},
    {"id": "own-paris-b", "published": "2023-05-10", "source": "Paper B",
     "title": "Scholz in Paris",
     "text": "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Tuesday."},
    {"id": "own-berlin", "published": "2023-05-20", "source": "Paper A",
     "title": "Scholz hosts Macron",
     "text": "German Chancellor Olaf Scholz met French President Emmanuel Macron in Berlin on Friday."},
]


def test_a_symmetric_meeting_reported_either_way_round_is_one_cluster(pipeline, tmp_path):
    src = tmp_path / "own.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in OWN_WORDS) + "\n")
    store = code_incrementally(pipeline, tmp_path / "own.duckdb", list(read_inputs([str(src)])))
    try:
        rows = store.con.execute(
            """SELECT date, n_articles, n_sources FROM clusters WHERE event = 'CONSULT'
               AND list_sort([actor_code, recipient_code]) = ['DEU', 'FRA'] ORDER BY date""").fetchall()
        assert rows == [("2023-05-09", 2, 2), ("2023-05-19", 1, 1)]
    finally:
        store.close()


# -- the reference article: a visit is not a phone call -----------------------------------

SEED_GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "gold.jsonl"


@pytest.mark.skipif(not SEED_GOLD.exists(), reason="../shared/seed not present")
def test_the_reference_articles_moscow_visit_is_its_own_event(pipeline, tmp_path):
    """'He even traveled earlier this month to Moscow' (CONSULT, visit, 2022-03) is a contact of
    its own: not merged into the March 14 call, so `dyad` and `contacts` list it."""
    store = code_incrementally(pipeline, tmp_path / "ref.duckdb", list(read_inputs([str(SEED_GOLD)])))
    visits = store.con.execute(f"SELECT cluster_id, date FROM events WHERE {PUTIN_BENNETT} AND mode = 'visit'").fetchall()
    assert visits and all(day == "2022-03" for _, day in visits)
    calls = store.con.execute(f"SELECT cluster_id FROM events WHERE {PUTIN_BENNETT} AND coalesce(mode, '') <> 'visit'").fetchall()
    assert {c for c, _ in visits}.isdisjoint({c for c, in calls})
    timeline = store.dyad("RUS", "ISR")
    assert "visit" in set(timeline["mode"]) and {"2022-03", "2022-03-14"} <= set(timeline["date"])
    assert "visit" in set(store.contacts("ISR")["mode"])
    store.close()


def test_mentions_with_different_modes_never_merge(pipeline, tmp_path):
    from dyads.merge.clusters import _Ev, cluster_block
    from datetime import date

    def ev(i, mode, day, precision="day"):
        return _Ev(i, "CONSULT", "asserted", "ISR", "RUS", day, day, precision, "text", None, mode)

    call, visit = ev("a", "phone", date(2022, 3, 5)), ev("b", "visit", date(2022, 3, 5))
    assert len(set(cluster_block([call, visit]).values())) == 2
    unknown = ev("c", None, date(2022, 3, 14))
    month_visit = _Ev("d", "CONSULT", "asserted", "ISR", "RUS", date(2022, 3, 1), date(2022, 3, 31), "month", "text", None, "visit")
    assert cluster_block([unknown, month_visit])["d"] == "d"
