"""The workbench API over a real DuckDB file coded from the demo articles, through
FastAPI's TestClient (the real app, in process)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dyads.cli.coding import RunSummary, code_into_store, demo_articles
from dyads.ingest import read_inputs
from dyads.store import Store

TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CALL = "demo-01-putin-bennett-call"



@pytest.fixture(scope="module")
def pipeline(rules_pipeline):
    return rules_pipeline  # the stages after coding, on the rules' fixed reading (conftest.rules_pipeline)

@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, pipeline) -> Path:
    db = tmp_path_factory.mktemp("api") / "demo.duckdb"
    with Store(db) as store:
        code_into_store(pipeline, store, read_inputs(demo_articles()), RunSummary())
    return db


@pytest.fixture(scope="module")
def client(demo_db, pipeline):
    from dyads.serve.app import create_app

    app = create_app(demo_db, TOKEN, pipeline_factory=lambda: pipeline)
    with TestClient(app) as c:
        yield c


def _call_event(client) -> dict:
    article = client.get(f"/api/articles/{CALL}").json()
    return next(e for e in article["events"] if e["event_text"] == "held call")


# -- reads ---------------------------------------------------------------------------

def test_events_filters_and_paging(client):
    everything = client.get("/api/events", params={"limit": 1000}).json()
    assert everything["total"] == len(everything["items"]) > 20
    dyad = client.get("/api/events", params={"actor": "RUS", "recipient": "ISR"}).json()
    assert dyad["total"] >= 5
    assert all(e["actor"]["code"] == "RUS" and e["recipient"]["code"] == "ISR" for e in dyad["items"])
    page = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert len(page["items"]) == 5 and page["total"] == everything["total"]
    assert [e["id"] for e in page["items"]] == [e["id"] for e in everything["items"][5:10]]
    consult = client.get("/api/events", params=[("type", "consult"), ("type", "SUPPORT"), ("limit", 1000)]).json()
    assert consult["total"] and {e["event"] for e in consult["items"]} <= {"CONSULT", "SUPPORT"}
    march = client.get("/api/events", params={"since": "2022-03-01", "until": "2022-03-31", "limit": 1000}).json()
    assert march["total"] and all(e["date"].startswith("2022-03") for e in march["items"])
    found = client.get("/api/events", params={"search": "Beersheba"}).json()
    assert found["total"] and all("Beersheba" in e["text"] for e in found["items"])
    confident = client.get("/api/events", params={"min_confidence": 0.8, "limit": 1000}).json()
    assert all(e["confidence"] >= 0.8 for e in confident["items"])
    with_all = client.get("/api/events", params={"all": "true"}).json()["total"]
    assert with_all > everything["total"]  # negated/hypothetical/future ones come back
    negated = client.get("/api/events", params={"factuality": "negated"}).json()
    assert all(e["factuality"] == "negated" for e in negated["items"])
    one = client.get("/api/events", params={"article_id": CALL, "limit": 1000}).json()
    assert one["total"] and {e["article_id"] for e in one["items"]} == {CALL}
    by_conf = client.get("/api/events", params={"sort": "confidence", "desc": "true"}).json()["items"]
    assert [e["confidence"] for e in by_conf] == sorted((e["confidence"] for e in by_conf), reverse=True)


def test_bad_query_parameters_are_422(client):
    assert client.get("/api/events", params={"sort": "drop table"}).status_code == 422
    assert client.get("/api/events", params={"since": "last week"}).status_code == 422
    assert client.get("/api/events", params={"limit": 0}).status_code == 422
    assert client.get("/api/events", params={"factuality": "maybe"}).status_code == 422
    assert client.get("/api/stats", params={"by": "colour"}).status_code == 422


def test_event_detail_has_evidence_and_404(client):
    event = _call_event(client)
    detail = client.get(f"/api/events/{event['id']}").json()
    assert detail["event"] == "CONSULT" and detail["mode"] == "phone"
    body = client.get(f"/api/articles/{CALL}").json()["body"]
    triggers = [body[slice(*ev["trigger"])] for ev in detail["evidence"]]
    assert "held a telephone call" in triggers  # the evidence points at the words in the text
    assert all(ev["sentence"] in body for ev in detail["evidence"])
    assert isinstance(detail["reviews"], list)
    assert client.get("/api/events/nope").status_code == 404


def test_articles_list_and_detail(client):
    listing = client.get("/api/articles", params={"limit": 3}).json()
    assert listing["total"] == 14 and len(listing["items"]) == 3
    assert client.get("/api/articles", params={"search": "Bennett"}).json()["total"] >= 3
    article = client.get(f"/api/articles/{CALL}").json()
    assert article["title"].startswith("Putin and Bennett")
    kinds = {a["kind"] for a in article["annotations"]}
    assert {"actor", "trigger", "time"} <= kinds
    assert article["events"] and all(e["article_id"] == CALL for e in article["events"])
    assert client.get("/api/articles/missing").status_code == 404


def test_actors_dyad_contacts_stats_network(client):
    actors = {a["code"]: a for a in client.get("/api/actors").json()["items"]}
    assert actors["RUS"]["events"] >= actors["ISR"]["events"] > 0
    dyad = client.get("/api/dyad", params={"a": "RUS", "b": "ISR"}).json()
    assert dyad["total"] >= 8
    assert {p["direction"] for p in dyad["points"]} == {"a->b", "b->a"}
    assert any(p["date"] == "2022-03-23" and p["event"] == "CONSULT" for p in dyad["points"])
    contacts = client.get("/api/contacts", params={"actor": "Vladimir Putin"}).json()["items"]
    with_bennett = [c for c in contacts if c["partner_code"] == "ISR" and c["date"] in ("2022-03-14", "2022-03-23")]
    assert [c["date"] for c in with_bennett] == ["2022-03-14", "2022-03-23"]
    assert with_bennett[1]["gap_days"] == 9  # "the first call in nine days"
    stats = client.get("/api/stats", params=[("by", "month"), ("by", "type")]).json()["items"]
    assert {"month", "type", "events", "articles"} <= set(stats[0])
    assert any(s["month"] == "2022-03" and s["type"] == "CONSULT" and s["events"] >= 3 and s["articles"] >= 5 for s in stats)
    network = client.get("/api/network").json()
    edge = next(e for e in network["edges"] if (e["source"], e["target"]) == ("RUS", "ISR"))
    assert edge["weight"] >= 2
    assert {"RUS", "ISR"} <= {n["id"] for n in network["nodes"]}


def test_openapi_and_dashboard_are_served(client):
    schema = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/articles", "/api/articles/{article_id}",
                 "/api/actors", "/api/dyad", "/api/contacts", "/api/stats", "/api/network",
                 "/api/events/{event_id}/review"):
        assert path in schema["paths"], path
    page = client.get("/")
    assert page.status_code == 200 and "dyads" in page.text
    assert client.get("/static/app.js").status_code == 200


# -- writes --------------------------------------------------------------------------

def test_writes_need_the_token(client):
    event = _call_event(client)
    body = {"action": "accept", "reviewer": "ann"}
    missing = client.post(f"/api/events/{event['id']}/review", json=body)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post(f"/api/events/{event['id']}/review", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert client.post("/api/articles", json={"text": "x"}).status_code == 401
    assert client.post("/api/articles", json={"text": "x"}, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get(f"/api/events/{event['id']}").json()["reviewed"] is None  # nothing was stored


def test_review_change_is_stored_beside_the_machine_code(client, demo_db):
    event = _call_event(client)
    url = f"/api/events/{event['id']}/review"
    changed = client.post(url, json={"action": "change", "type": "support", "reviewer": "ann"}, headers=AUTH)
    assert changed.status_code == 200
    reviewed = changed.json()["reviewed"]
    assert reviewed["status"] == "changed" and reviewed["type"] == "SUPPORT" and reviewed["reviewer"] == "ann"
    assert reviewed["actor"] == "RUS" and reviewed["recipient"] == "ISR"  # unchanged fields keep machine values
    assert changed.json()["event"] == "CONSULT"  # the machine code is not overwritten
    accepted = client.post(url, json={"action": "accept", "reviewer": "bob"}, headers=AUTH).json()
    assert accepted["reviewed"]["status"] == "accepted" and accepted["reviewed"]["type"] == "SUPPORT"
    assert [r["action"] for r in accepted["reviews"]] == ["change", "accept"]
    assert all(r["created_at"] for r in accepted["reviews"])
    listed = client.get("/api/events", params={"article_id": CALL, "limit": 100}).json()["items"]
    assert next(e for e in listed if e["id"] == event["id"])["reviewed"]["type"] == "SUPPORT"


def test_bad_reviews_are_422_or_404(client):
    event_id = _call_event(client)["id"]
    url = f"/api/events/{event_id}/review"
    for body in ({"action": "approve", "reviewer": "ann"}, {"action": "change", "reviewer": "ann"},
                 {"action": "change", "type": "DANCE", "reviewer": "ann"}, {"action": "accept"},
                 {"action": "change", "date": "yesterday", "reviewer": "ann"},
                 {"action": "accept", "type": "CONSULT", "reviewer": "ann"}):
        assert client.post(url, json=body, headers=AUTH).status_code == 422, body
    bad_json = client.post(url, content=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert bad_json.status_code == 422
    assert client.post("/api/events/nope/review", json={"action": "accept", "reviewer": "a"}, headers=AUTH).status_code == 404


def test_post_articles_codes_and_stores(client):
    record = {"id": "api-visit", "title": "Scholz visits Kyiv", "published": "2022-06-16", "source": "Test Wire",
              "text": "German Chancellor Olaf Scholz met Ukrainian President Volodymyr Zelensky in Kyiv on Thursday."}
    resp = client.post("/api/articles", json=record, headers=AUTH)
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert result["articles"] == 1 and result["events"] >= 1
    event = result["items"][0]["events"][0]
    assert event["event"] == "CONSULT" and event["actor"]["code"] == "DEU" and event["recipient"]["code"] == "UKR"
    assert client.get("/api/articles/api-visit").json()["source"] == "Test Wire"
    two = client.post("/api/articles", json=[{**record, "id": "api-a"}, {**record, "id": "api-b"}], headers=AUTH).json()
    assert two["articles"] == 2


def test_malformed_and_oversize_articles(client):
    assert client.post("/api/articles", json={"title": "no text"}, headers=AUTH).status_code == 422
    assert client.post("/api/articles", json={"text": "   "}, headers=AUTH).status_code == 422
    assert client.post("/api/articles", json=[], headers=AUTH).status_code == 422
    assert client.post("/api/articles", json={"text": "x", "published": "not a date"}, headers=AUTH).status_code == 422
    assert client.post("/api/articles", content=b"{broken", headers={**AUTH, "Content-Type": "application/json"}).status_code == 422
    huge_article = client.post("/api/articles", json={"id": "big", "text": "word " * 50_000}, headers=AUTH)
    assert huge_article.status_code == 413 and "limit" in huge_article.json()["detail"]
    huge_body = json.dumps([{"text": "word " * 30_000}] * 20).encode()
    assert len(huge_body) > 2 * 1024 * 1024
    resp = client.post("/api/articles", content=huge_body, headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code == 413 and "larger than" in resp.json()["detail"]
    assert client.get("/api/articles/big").status_code == 404


def test_review_export_writes_gold_that_eval_reads(client, demo_db, dyads, tmp_path):
    events = client.get("/api/events", params={"article_id": "demo-04-bennett-moscow-visit", "limit": 100}).json()["items"]
    keep, drop = events[0], events[1]
    client.post(f"/api/events/{keep['id']}/review", json={"action": "accept", "reviewer": "ann"}, headers=AUTH)
    client.post(f"/api/events/{drop['id']}/review", json={"action": "reject", "reviewer": "ann"}, headers=AUTH)
    # the server holds the file; export reads a copy as another process would after shutdown
    copy = tmp_path / "copy.duckdb"
    client.app.state.bench.store.con.execute("CHECKPOINT")
    copy.write_bytes(Path(demo_db).read_bytes())
    gold = tmp_path / "gold.jsonl"
    proc = dyads("review", "export", "-o", gold, "--db", copy)
    assert proc.returncode == 0, proc.stderr_text
    docs = {d["id"]: d for d in map(json.loads, gold.read_text().splitlines())}
    visit = docs["demo-04-bennett-moscow-visit"]
    required = [e for e in visit["events"] if e["required"]]
    assert len(required) == 1 and required[0]["type"] == keep["event"]
    assert visit["text"] and visit["published"] == "2022-03-06"
    assert all(set(e) >= {"type", "mode", "actor", "recipient", "date", "required"} for e in visit["events"])
    assert any(e["type"] == "SUPPORT" and e["required"] for e in docs[CALL]["events"])  # the earlier correction
    served = client.get("/api/reviews/export")
    assert served.status_code == 200
    assert [json.loads(line)["id"] for line in served.text.splitlines()] == list(docs)
    scored = dyads("eval", gold, "--json")
    assert scored.returncode == 0, scored.stderr_text
    # the same file trains: reviewed events carry their sentence and trigger offsets
    from dyads.train.gold import read_review_gold

    trained_on, problems = read_review_gold(gold)
    assert problems == []
    [visit_doc] = [d for d in trained_on if d.id == "demo-04-bennett-moscow-visit"]
    mentions = [m for s in visit_doc.sentences for m in s.mentions]
    assert [m.type for m in mentions] == [keep["event"]]
    assert list(mentions[0].trigger) == list(keep["evidence"][0]["trigger"])  # where the reviewed event's first mention is
    assert visit_doc.article.body[slice(*mentions[0].trigger)].strip()


# -- dyads code --server: the CLI codes through a running workbench -------------------

def test_code_through_a_running_server_stores_in_its_database(tmp_path, pipeline, dyads, fixtures_dir):
    import httpx
    from support import Workbench

    server = Workbench(tmp_path / "served.duckdb", pipeline, TOKEN)
    try:
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"id": "ok-1", "title": "Talks", "text": "Greece and Turkey held talks in Athens.", '
                       '"published": "2022-03-21"}\n{not json\n', encoding="utf-8")
        proc = dyads("code", fixtures_dir / "putin_bennett_call.txt", bad, "--published", "2022-03-23",
                     "--server", server.url, "--token", TOKEN)
        assert proc.returncode == 3, proc.stderr_text  # one bad line, the rest coded
        assert "bad.jsonl:2" in proc.stderr_text and "coded 2 articles" in proc.stderr_text
        events = httpx.get(f"{server.url}/api/events", params={"actor": "RUS", "recipient": "ISR"}).json()["items"]
        assert any(e["event"] == "CONSULT" and e["date"] == "2022-03-23" for e in events)
        assert httpx.get(f"{server.url}/api/articles/ok-1").status_code == 200

        wrong = dyads("code", bad, "--server", server.url, "--token", "not-the-token")
        assert wrong.returncode == 1 and "403: wrong token" in wrong.stderr_text and "Traceback" not in wrong.stderr_text
    finally:
        server.stop()


def test_code_through_a_server_needs_its_token(dyads, fixtures_dir, monkeypatch):
    monkeypatch.delenv("DYADS_TOKEN", raising=False)
    proc = dyads("code", fixtures_dir / "putin_bennett_call.txt", "--server", "http://127.0.0.1:9")
    assert proc.returncode == 2 and "--token" in proc.stderr_text and "Traceback" not in proc.stderr_text
