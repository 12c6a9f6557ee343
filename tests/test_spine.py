"""The spine, end to end through the real CLI: code fixture articles into a real DuckDB
file, read events back in every export format, filter them, re-code idempotently."""
from __future__ import annotations

import csv
import io
import json

import duckdb
import pyarrow.parquet as pq
import pytest

PUBLISHED = "2022-03-10"  # a Thursday: "Wednesday" is 2022-03-09, "Monday" 2022-03-07


def code(dyads, db, *paths, extra=()):
    proc = dyads("code", *paths, "--published", PUBLISHED, "--db", db, "--workers", 1, *extra)
    assert "Traceback" not in proc.stderr_text, proc.stderr_text
    assert proc.returncode == 0, proc.stderr_text
    return proc


def events(dyads, db, *args) -> list[dict]:
    proc = dyads("events", "--db", db, "--format", "jsonl", *args)
    assert proc.returncode == 0, proc.stderr_text
    return [json.loads(line) for line in proc.stdout_text.splitlines() if line.strip()]


def dyad(rec: dict) -> tuple:
    def code_of(a):
        return (a["code"], a["sector"]) if a else (None, None)

    return (rec["event"], *code_of(rec["actor"]), *code_of(rec["recipient"]))


def find(records, sentence_start: str) -> list[dict]:
    return [r for r in records if r["text"].startswith(sentence_start)]


@pytest.fixture(scope="module")
def coded_db(dyads, fixtures_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("spine") / "spine.duckdb"
    code(dyads, db, fixtures_dir)
    return db


@pytest.fixture(scope="module")
def all_events(dyads, coded_db) -> list[dict]:
    return events(dyads, coded_db, "--all")


@pytest.fixture(scope="module")
def bodies(coded_db) -> dict[str, str]:
    con = duckdb.connect(str(coded_db), read_only=True)
    try:
        return dict(con.execute("SELECT id, body FROM articles").fetchall())
    finally:
        con.close()


# -- coding clear sentences ----------------------------------------------------------

def test_all_fixture_articles_are_stored(bodies):
    assert set(bodies) == {"putin_bennett_call", "hebron_arrests", "turkey_greece"}


def test_phone_call_is_consult_russia_to_israel_on_wednesday(all_events):
    [e] = find(all_events, "Russian President Vladimir Putin spoke with")
    assert dyad(e) == ("CONSULT", "RUS", "GOV", "ISR", "GOV")
    assert (e["date"], e["date_source"], e["date_precision"]) == ("2022-03-09", "text", "day")
    assert e["factuality"] == "asserted" and e["article_id"] == "putin_bennett_call"
    assert e["actor"]["entity_text"].endswith("Vladimir Putin")


def test_arrest_is_coerce_israeli_military_to_palestinian_civilians_on_monday(all_events):
    [e] = find(all_events, "Israeli troops arrested ten Palestinian protesters")
    assert dyad(e) == ("COERCE", "ISR", "MIL", "PSE", "CVL")
    assert (e["date"], e["date_source"]) == ("2022-03-07", "text")
    assert e["event_loc"]["name"] == "Hebron" and e["event_loc"]["country"] == "PSE"
    assert e["quad_code"] == 4 and e["cameo"]


def test_accusation_is_accuse_turkey_to_greece(all_events):
    found = [e for e in all_events if e["article_id"] == "turkey_greece" and e["event"] == "ACCUSE"]
    assert [(e["actor"]["code"], e["recipient"]["code"], e["factuality"]) for e in found] == [("TUR", "GRC", "asserted")]
    sentences = {ev["sentence"] for ev in found[0]["evidence"]}
    assert "Turkey accused Greece of violating its airspace." in sentences
    assert found[0]["date"] == PUBLISHED and found[0]["date_source"] == "publication"


def test_negated_event_is_stored_but_not_asserted(all_events):
    [e] = find(all_events, "Greece did not expel the Turkish ambassador")
    assert e["factuality"] == "negated"
    assert e["actor"]["code"] == "GRC" and e["recipient"]["code"] == "TUR"


# -- evidence offsets ------------------------------------------------------------------

def test_evidence_offsets_slice_the_article_body(all_events, bodies):
    assert all_events
    for e in all_events:
        body = bodies[e["article_id"]]
        assert e["evidence"], e
        for ev in e["evidence"]:
            assert body[ev["sentence_start"]:ev["sentence_end"]] == ev["sentence"]
            start, end = ev["trigger"]
            assert ev["sentence_start"] <= start < end <= ev["sentence_end"]
        words = e["event_text"].split()
        slices = [body[ev["trigger"][0]:ev["trigger"][1]] for ev in e["evidence"]]
        assert any(t.startswith(words[0]) and t.endswith(words[-1]) for t in slices), (slices, e["event_text"])
        primary = [ev for ev in e["evidence"] if ev["sentence"] == e["text"]]
        assert primary, e
        if e["actor"] and primary[0]["actor"]:
            assert body[primary[0]["actor"][0]:primary[0]["actor"][1]] == e["actor"]["entity_text"]


def test_putin_call_trigger_slices_to_spoke(all_events, bodies):
    [e] = find(all_events, "Russian President Vladimir Putin spoke with")
    [ev] = [ev for ev in e["evidence"] if ev["sentence"].startswith("Russian President Vladimir Putin spoke with")]
    body = bodies["putin_bennett_call"]
    assert body[ev["trigger"][0]:ev["trigger"][1]] == "spoke"
    assert body[ev["time"][0]:ev["time"][1]] == "Wednesday"


# -- idempotent re-code ------------------------------------------------------------------

def _rows(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (
            con.execute("SELECT id FROM articles").fetchall(),
            sorted(con.execute("SELECT id, event, text FROM events").fetchall()),
            con.execute("SELECT count(*) FROM mentions").fetchone()[0],
        )
    finally:
        con.close()


def test_recoding_the_same_article_is_idempotent(dyads, fixtures_dir, tmp_path):
    db = tmp_path / "r.duckdb"
    code(dyads, db, fixtures_dir / "hebron_arrests.txt")
    first = _rows(db)
    assert first[0] == [("hebron_arrests",)] and first[1]
    code(dyads, db, fixtures_dir / "hebron_arrests.txt", extra=("--no-resume",))
    assert _rows(db) == first
    again = code(dyads, db, fixtures_dir / "hebron_arrests.txt")  # resume: unchanged, nothing recoded
    assert "already coded" in " ".join(again.stderr_text.split())
    assert _rows(db) == first


def test_changed_text_replaces_the_old_events(dyads, fixtures_dir, tmp_path):
    db = tmp_path / "c.duckdb"
    code(dyads, db, fixtures_dir / "hebron_arrests.txt")
    _, old_events, _ = _rows(db)
    changed = tmp_path / "v2" / "hebron_arrests.txt"  # same article id, new content
    changed.parent.mkdir()
    changed.write_text("Israeli troops detain protesters\n\n"
                       "Israeli police arrested twenty Palestinian students in Nablus on Tuesday.\n", encoding="utf-8")
    code(dyads, db, changed)
    articles, new_events, _ = _rows(db)
    assert articles == [("hebron_arrests",)]
    assert new_events and not {e[0] for e in old_events} & {e[0] for e in new_events}
    assert not any("Hebron" in e[2] for e in new_events)
    assert any("Nablus" in e[2] for e in new_events)


# -- exports read back -------------------------------------------------------------------

@pytest.fixture(scope="module")
def exports(dyads, coded_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    paths = {}
    for fmt in ("jsonl", "csv", "parquet"):
        paths[fmt] = folder / f"events.{fmt}"
        proc = dyads("events", "--db", coded_db, "--all", "--format", fmt, "-o", paths[fmt])
        assert proc.returncode == 0, proc.stderr_text
    return paths


def test_jsonl_export(exports, all_events, bodies):
    lines = exports["jsonl"].read_text(encoding="utf-8").splitlines()
    recs = [json.loads(line) for line in lines]
    assert [r["id"] for r in recs] == [r["id"] for r in all_events]
    for r in recs:
        assert {"actor", "recipient", "evidence", "event", "date"} <= set(r)
        ev = r["evidence"][0]
        assert bodies[r["article_id"]][ev["sentence_start"]:ev["sentence_end"]] == ev["sentence"]


def test_csv_export(exports, all_events):
    with open(exports["csv"], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [r["id"] for r in all_events]
    by_id = {r["id"]: r for r in rows}
    for rec in all_events:
        row = by_id[rec["id"]]
        assert row["event"] == rec["event"]
        assert row["actor_code"] == ((rec["actor"] or {}).get("code") or "")
        assert row["recipient_code"] == ((rec["recipient"] or {}).get("code") or "")
        assert len(json.loads(row["evidence"])) == int(row["n_mentions"]) == len(rec["evidence"])


def test_csv_export_to_stdout(dyads, coded_db, all_events):
    proc = dyads("events", "--db", coded_db, "--all", "--format", "csv")
    assert proc.returncode == 0, proc.stderr_text
    rows = list(csv.DictReader(io.StringIO(proc.stdout_text)))
    assert [r["id"] for r in rows] == [r["id"] for r in all_events]


def test_parquet_export(exports, all_events):
    table = pq.read_table(exports["parquet"])
    assert table.num_rows == len(all_events)
    assert table.column("id").to_pylist() == [r["id"] for r in all_events]
    assert table.column("event").to_pylist() == [r["event"] for r in all_events]
    assert table.column("date").to_pylist() == [r["date"] for r in all_events]


def test_parquet_without_output_is_a_one_line_error(dyads, coded_db):
    proc = dyads("events", "--db", coded_db, "--format", "parquet")
    assert proc.returncode == 2  # a usage error
    assert "Traceback" not in proc.stderr_text
    assert len(proc.stderr_text.strip().splitlines()) == 1 and "-o" in proc.stderr_text


# -- filters ---------------------------------------------------------------------------

def test_default_listing_is_asserted_only_and_all_adds_the_rest(dyads, coded_db, all_events):
    asserted = events(dyads, coded_db)
    assert asserted and all(e["factuality"] == "asserted" for e in asserted)
    assert [e for e in all_events if e["factuality"] == "asserted"] == asserted
    hidden = [e for e in all_events if e["id"] not in {a["id"] for a in asserted}]
    assert hidden and all(e["factuality"] != "asserted" for e in hidden)
    assert any(e["text"].startswith("Greece did not expel") for e in hidden)


def test_filter_by_actor(dyads, coded_db, all_events):
    rus = events(dyads, coded_db, "--actor", "RUS")
    expected = [e["id"] for e in all_events if e["factuality"] == "asserted" and (e["actor"] or {}).get("code") == "RUS"]
    assert [e["id"] for e in rus] == expected and expected
    assert find(rus, "Russian President Vladimir Putin spoke with")
    isrmil = events(dyads, coded_db, "--actor", "ISRMIL")
    assert isrmil and all((e["actor"]["code"], e["actor"]["sector"]) == ("ISR", "MIL") for e in isrmil)
    assert find(isrmil, "Israeli troops arrested")


def test_filter_by_recipient(dyads, coded_db, all_events):
    pse = events(dyads, coded_db, "--recipient", "PSE")
    expected = [e["id"] for e in all_events
                if e["factuality"] == "asserted" and (e["recipient"] or {}).get("code") == "PSE"]
    assert [e["id"] for e in pse] == expected and expected
    assert {e["article_id"] for e in pse} == {"hebron_arrests"}


def test_filter_by_type(dyads, coded_db, all_events):
    accuse = events(dyads, coded_db, "--type", "ACCUSE")
    assert accuse and {e["event"] for e in accuse} == {"ACCUSE"}
    both = events(dyads, coded_db, "--type", "accuse", "--type", "COERCE")
    expected = [e["id"] for e in all_events if e["factuality"] == "asserted" and e["event"] in ("ACCUSE", "COERCE")]
    assert [e["id"] for e in both] == expected


def test_filter_by_date_range(dyads, coded_db, all_events):
    day = events(dyads, coded_db, "--since", "2022-03-09", "--until", "2022-03-09")
    assert find(day, "Russian President Vladimir Putin spoke with")
    assert {e["date"] for e in day} == {"2022-03-09"}
    early = events(dyads, coded_db, "--until", "2022-03-08")
    assert early and {e["date"] for e in early} == {"2022-03-07"}
    late = events(dyads, coded_db, "--since", "2022-03-10")
    assert late and all(e["date"] >= "2022-03-10" for e in late)
    asserted = [e for e in all_events if e["factuality"] == "asserted"]
    assert len(day) + len(early) + len(late) == len(asserted)


# -- demo ------------------------------------------------------------------------------

def test_demo_codes_and_prints_events(dyads, tmp_path):
    proc = dyads("demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    assert "Traceback" not in proc.stderr_text
    assert (tmp_path / "dyads-demo.duckdb").exists()
    con = duckdb.connect(str(tmp_path / "dyads-demo.duckdb"), read_only=True)
    n_events = con.execute("SELECT count(*) FROM events WHERE factuality = 'asserted'").fetchone()[0]
    con.close()
    assert n_events > 0
    assert f"{n_events} events" in proc.stderr_text
    assert any(t in proc.stdout_text for t in ("CONSULT", "ASSAULT", "COERCE", "ACCUSE", "AID", "SANCTION"))


# -- headlines, topics and restated ledes -------------------------------------------------

def test_topic_of_talks_is_not_a_recipient(all_events):
    call = [e for e in all_events if e["article_id"] == "putin_bennett_call"]
    assert call
    assert not [dyad(e) for e in call if (e["recipient"] or {}).get("code") == "UKR"]


def test_headline_restating_the_lede_is_one_event(all_events):
    coerce = [e for e in all_events if e["article_id"] == "hebron_arrests" and e["event"] == "COERCE"]
    assert len(coerce) == 1, [dyad(e) + (e["date"],) for e in coerce]
    assert coerce[0]["date"] == "2022-03-07"
    assert {ev["sentence"] for ev in coerce[0]["evidence"]} >= {
        "Israeli troops detain protesters in Hebron",
        "Israeli troops arrested ten Palestinian protesters in Hebron on Monday.",
    }


@pytest.mark.parametrize("args", [
    ("code", "nothing.txt", "--published", "23/03/2022"),
    ("explain", "Russia attacked Ukraine.", "--published", "2022-13-01"),
    ("time", "on Monday", "--published", "yesterday"),
    ("actor", "Putin", "--date", "2020/01/01"),
    ("events", "--since", "March"),
])
def test_a_date_option_that_is_no_date_is_a_usage_error(dyads, tmp_path, args):
    proc = dyads(*args, cwd=tmp_path)
    assert proc.returncode == 2  # a usage error, as click gives for a bad option
    lines = proc.stderr_text.strip().splitlines()
    assert len(lines) == 1 and args[-2] in lines[0] and "must be a date as YYYY-MM-DD" in lines[0], proc.stderr_text
