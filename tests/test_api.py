"""The workbench API over a real DuckDB file coded from the demo articles, through
FastAPI's TestClient (the real app, in process)."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

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
    # Host: localhost, as a browser on this machine sends it (the app refuses other hosts)
    with TestClient(app, base_url="http://localhost") as c:
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
    too_many = client.post("/api/articles", json=[{"text": "x"}] * 101, headers=AUTH)
    assert too_many.status_code == 413 and "at most 100" in too_many.json()["detail"]
    huge_body = json.dumps([{"id": "big", "text": "word " * 30_000}] * 20).encode()
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


# -- edges: no client input gives a 500 (issue 15) -------------------------------------

def test_paging_out_of_range_is_422(client):
    from dyads.serve.limits import MAX_OFFSET

    for path, params in (("/api/events", {"offset": 2**63}), ("/api/articles", {"offset": 2**63}),
                         ("/api/events", {"offset": 2**64 + 1}), ("/api/articles", {"offset": -1}),
                         ("/api/events", {"limit": 1001}), ("/api/network", {"min_weight": 2**63}),
                         ("/api/events", {"min_confidence": "nan"}), ("/api/events", {"min_confidence": "inf"})):
        resp = client.get(path, params=params)
        assert resp.status_code == 422, (path, params, resp.text)
        assert resp.json()["detail"][0]["loc"][-1] in params
    last = client.get("/api/articles", params={"offset": MAX_OFFSET})
    assert last.status_code == 200 and last.json()["items"] == []
    assert client.get("/api/events", params={"offset": MAX_OFFSET}).json()["items"] == []


_PARAMS = ("limit", "offset", "min_weight", "min_confidence", "since", "until", "actor", "recipient", "type",
           "factuality", "all", "search", "article_id", "sort", "desc", "by", "a", "b")
_GETS = ("/api/events", "/api/articles", "/api/actors", "/api/dyad", "/api/contacts", "/api/stats",
         "/api/network", "/api/events/{}", "/api/articles/{}")


def _query_value():
    from hypothesis import strategies as st

    return st.one_of(st.integers(min_value=-2**70, max_value=2**70).map(str), st.text(max_size=40),
                     st.sampled_from(["nan", "inf", "-inf", "1e309", "", "0", "RUS", "ISR", "2022-03-01", "9999-12-31",
                                      "0001-01-01", "%", "_", "'", "true", "month", "asserted", CALL]))


def test_query_parameters_never_give_500(client):
    from hypothesis import HealthCheck, given, settings, strategies as st

    @settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(path=st.sampled_from(_GETS), segment=_query_value(),
           params=st.lists(st.tuples(st.sampled_from(_PARAMS), _query_value()), max_size=6))
    def probe(path, segment, params):
        url = path.format(quote(segment, safe="") or "x")
        resp = client.get(url, params=params)
        assert resp.status_code < 500, (url, params, resp.text[:300])

    probe()


def test_nan_and_infinity_in_a_posted_body_become_null(client):
    raw = b'[{"id": "api-nan", "text": "Greece and Turkey held talks in Athens.", "score": NaN, ' \
          b'"nested": {"values": [1.5, Infinity, -Infinity]}}, {"id": "api-fine", "text": "Spain met Italy.", "n": 2}]'
    resp = client.post("/api/articles", content=raw, headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["articles"] == 2
    con = client.app.state.bench.store.con
    stored = dict(con.execute("SELECT id, extra FROM articles WHERE id IN ('api-nan', 'api-fine')").fetchall())

    def strict(text):  # a JSON reader that refuses NaN/Infinity, as browsers' and DuckDB's do
        return json.loads(text, parse_constant=lambda word: pytest.fail(f"{word} stored"))

    assert strict(stored["api-nan"]) == {"score": None, "nested": {"values": [1.5, None, None]}}
    assert strict(stored["api-fine"]) == {"n": 2}


def test_host_header_must_name_this_server(client):
    evil = client.get("/api/types", headers={"Host": "rebound.example.com"})
    assert evil.status_code == 400 and "--allow-host" in evil.json()["detail"]
    assert client.post("/api/articles", json={"text": "x"}, headers={**AUTH, "Host": "evil:80"}).status_code == 400
    for host in ("localhost", "LOCALHOST:8000", "127.0.0.1:8000", "[::1]:8000", "localhost."):
        assert client.get("/api/types", headers={"Host": host}).status_code == 200, host


def test_long_texts_are_coded_in_passes_of_bounded_size(client, pipeline, monkeypatch):
    """Memory per request follows the characters in one pass of the pipeline: longer
    texts are coded in parts (as `dyads code --max-chars` does) and short ones grouped
    up to the same size, never the whole body at once."""
    import dyads.serve.app as served

    passes: list[int] = []

    class Counting:  # the real pipeline, with the size of every pass it is given noted
        model_name = pipeline.model_name

        def code(self, articles):
            articles = list(articles)
            passes.append(sum(len(a.body) for a in articles))
            return pipeline.code(articles)

    monkeypatch.setattr(served, "MAX_TEXT", 2000)
    monkeypatch.setattr(client.app.state.bench, "_pipeline", Counting())
    talks = "Greece and Turkey held talks in Athens on Monday. "
    body = [{"id": f"api-short-{n}", "text": talks * 15} for n in range(3)] + [{"id": "api-long", "text": talks * 110}]
    resp = client.post("/api/articles", json=body, headers=AUTH)
    assert resp.status_code == 200, resp.text
    ids = [item["id"] for item in resp.json()["items"]]
    assert ids[:3] == [f"api-short-{n}" for n in range(3)]
    assert ids[3:] == [f"api-long#part{n}" for n in (1, 2, 3)]  # 5,500 characters in parts of at most 2,000
    assert len(passes) >= 4 and max(passes) <= 2000 and sum(passes) >= 3 * 700 + 5000
    assert client.get("/api/articles/api-long#part2".replace("#", "%23")).json()["text"].startswith("Greece")


def test_passes_keep_to_the_budget():
    from dyads.models import Article
    from dyads.pipeline import bounded_batches

    articles = [Article(id=str(n), text="x" * size) for n, size in enumerate([300, 300, 500, 1000, 50, 50, 50])]
    runs = [[a.id for a in run] for run in bounded_batches(articles, 2, 1000)]
    assert runs == [["0", "1"], ["2"], ["3"], ["4", "5"], ["6"]]
    assert list(bounded_batches([], 2, 1000)) == []


_NASTY_BODIES = {
    "NaN as the text": b'{"text": NaN}',
    "Infinity as the id": b'{"id": Infinity, "text": "Greece met Turkey."}',
    "lone surrogate in the title": b'{"title": "\\udc00 x", "text": "Greece met Turkey."}',
    "lone surrogate in the id": b'{"id": "\\ud800", "text": "Greece met Turkey."}',
    "lone surrogate as a field name": b'{"text": "Greece met Turkey.", "\\ud800": 1}',
    "nesting past the recursion limit": b'{"text": "Greece met Turkey.", "e": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "a number of 5000 digits": b'{"text": "Greece met Turkey.", "e": ' + b"9" * 5000 + b"}",
    "bytes that are not UTF-8": b'{"text": "Greece met Turkey \xff\xfe."}',
    "a list of nulls": b"[null, null]",
}


@pytest.mark.parametrize("name", sorted(_NASTY_BODIES))
def test_malformed_bodies_are_refused_with_a_reason_not_a_500(client, name):
    resp = client.post("/api/articles", content=_NASTY_BODIES[name], headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code in (400, 422), resp.text
    assert resp.json()["detail"]


@pytest.mark.parametrize("body", [b'{"action": "accept", "reviewer": "\\ud800"}',
                                  b'{"action": "change", "reviewer": "ann", "type": NaN}'])
def test_malformed_reviews_are_422_not_500(client, body):
    event_id = _call_event(client)["id"]
    resp = client.post(f"/api/events/{event_id}/review", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code == 422, resp.text
