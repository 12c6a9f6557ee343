"""The dashboard in a real headless Chromium against a real uvicorn server on
127.0.0.1 over a DuckDB file coded from the demo articles: filter a dyad, read an
article with its highlighted evidence, correct an event, export the review."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from dyads.cli.coding import RunSummary, code_into_store, demo_articles
from dyads.ingest import read_inputs
from dyads.store import Store
from support import Workbench

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "browser-token"


@pytest.fixture(scope="module")
def pipeline(rules_pipeline):
    return rules_pipeline  # the workbench on the rules' fixed reading of the demo articles (conftest.rules_pipeline)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def served(tmp_path, pipeline):
    db = tmp_path / "demo.duckdb"
    with Store(db) as store:
        code_into_store(pipeline, store, read_inputs(demo_articles()), RunSummary())
    server = Workbench(db, pipeline, TOKEN)
    yield server, db
    server.stop()


def test_review_a_dyad_in_the_browser_and_export_gold(browser, served, dyads, tmp_path):
    server, db = served
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url)
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#events-table tbody tr").count() == 25  # first page of the demo events

    # filter to one dyad: Russia -> Israel
    page.fill("#filters input[name=actor]", "RUS")
    page.fill("#filters input[name=recipient]", "ISR")
    page.click("#filters button[type=submit]")
    expected = httpx.get(f"{server.url}/api/events", params={"actor": "RUS", "recipient": "ISR"}).json()["total"]
    page.wait_for_function(f"document.querySelector('#events-summary').textContent === '{expected} events'")
    rows = page.locator("#events-table tbody tr")
    assert rows.count() == expected
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert cells.nth(3).inner_text().startswith("RUS") and cells.nth(4).inner_text().startswith("ISR")

    # open the article of the Putin-Bennett call: its trigger is highlighted and focused
    page.locator("#events-table tbody tr", has_text="held a telephone call").locator("td.evidence a").click()
    page.wait_for_selector("#view-article:not([hidden])")
    trigger = page.locator("mark.trigger", has_text="held a telephone call")
    assert trigger.is_visible()
    assert "CONSULT" in trigger.locator(".label").inner_text().upper()
    assert "focus" in trigger.get_attribute("class")
    assert page.locator("#article h2").inner_text().startswith("Putin and Bennett")
    assert page.locator("mark.actor", has_text="Vladimir Putin").count() >= 1
    assert page.locator("mark.time", has_text="Wednesday").count() >= 1
    assert page.locator("mark.place", has_text="Beersheba").count() == 1

    # linked both ways: click a trigger -> its event card is highlighted
    condolences = page.locator("mark.trigger", has_text="offered his condolences")
    condolences.click()
    card = page.locator("#article-events li.focus")
    assert card.count() == 1 and "offered condolences" in card.inner_text()
    event_id = card.get_attribute("data-event-id")

    # correct its type: SUPPORT -> CONSULT; a wrong token is refused, the right one saves
    card.locator("select.type-select").select_option("CONSULT")
    card.locator("button.change").click()
    page.fill("#token-dialog input[name=token]", "wrong")
    page.fill("#token-dialog input[name=reviewer]", "tester")
    page.click("#token-dialog button[value=ok]")
    page.wait_for_function("document.querySelector('#toast').textContent.includes('wrong token')")
    card = page.locator(f'#article-events li[data-event-id="{event_id}"]')
    card.locator("select.type-select").select_option("CONSULT")
    card.locator("button.change").click()
    page.fill("#token-dialog input[name=token]", TOKEN)
    page.click("#token-dialog button[value=ok]")
    page.wait_for_selector(f'#article-events li[data-event-id="{event_id}"] .badge.changed')
    assert page.locator(f'#article-events li[data-event-id="{event_id}"] .head').inner_text().startswith("CONSULT")
    stored = httpx.get(f"{server.url}/api/events/{event_id}").json()
    assert stored["event"] == "SUPPORT" and stored["reviewed"]["type"] == "CONSULT"
    assert stored["reviews"][0]["reviewer"] == "tester"

    # accept the call itself from the events table
    page.click("#tabs button[data-view=events]")
    page.wait_for_selector("#view-events:not([hidden])")
    row = page.locator("#events-table tbody tr", has_text="held a telephone call")
    row.locator("button.accept").click()
    page.wait_for_selector("#events-table tbody tr .badge.accepted")
    assert not errors, errors
    page.close()

    # export: the server lets go of the file, then the CLI writes gold that `dyads eval` reads
    server.stop()
    gold = tmp_path / "gold.jsonl"
    proc = dyads("review", "export", "-o", gold, "--db", db)
    assert proc.returncode == 0, proc.stderr_text
    docs = {d["id"]: d for d in map(json.loads, gold.read_text().splitlines())}
    required = [e for e in docs["demo-01-putin-bennett-call"]["events"] if e["required"]]
    assert {(e["type"], e["actor"], e["recipient"], e["mode"]) for e in required} == {
        ("CONSULT", "RUS", "ISR", None), ("CONSULT", "RUS", "ISR", "phone")}
    assert dyads("eval", gold).returncode == 0


def test_article_text_is_escaped_and_charts_draw(browser, served):
    server, _ = served
    hostile = {"id": "xss", "title": "<img src=x onerror=alert(1)> Talks",
               "text": "<script>window.pwned=1</script> Russian President Vladimir Putin met Israeli Prime Minister "
                       "Naftali Bennett in Moscow on Saturday.", "published": "2022-03-05"}
    resp = httpx.post(f"{server.url}/api/articles", json=hostile, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert resp.status_code == 200, resp.text
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(server.url)
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#filters input[name=search]", "pwned")
    page.click("#filters button[type=submit]")
    found = httpx.get(f"{server.url}/api/events", params={"search": "pwned"}).json()["total"]
    assert found >= 1
    page.wait_for_function(f"document.querySelector('#events-summary').textContent === '{found} events'")
    page.locator("#events-table tbody tr td.evidence a").first.click()
    page.wait_for_selector("#view-article:not([hidden]) mark.trigger")
    page.wait_for_function("document.querySelector('#article h2').textContent.includes('Talks')")
    assert "<img src=x" in page.locator("#article h2").inner_text()
    assert "<script>" in page.locator("#article .body").inner_text()
    assert page.locator("#article img, #article script").count() == 0
    assert page.evaluate("window.pwned === undefined")

    page.click("#tabs button[data-view=timeline]")
    page.wait_for_selector("#timeline circle.dot")
    assert page.locator("#timeline circle.dot").count() >= 8
    page.click("#tabs button[data-view=network]")
    page.fill("#filters input[name=search]", "")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#network svg g.node")
    assert page.locator("#network g.node", has_text="RUS").count() == 1
    page.click("#tabs button[data-view=map]")
    page.wait_for_selector("#map path.country")
    page.wait_for_function("document.querySelector('#map').dataset.points > 0")
    assert cluster_total(page) == int(page.get_attribute("#map", "data-points"))
    assert "Moscow" in page.evaluate("() => pointLayer.getLayers().map((m) => m.options.title)")
    page.close()


# ---------- a store of 200+ actors and 1,300 events, written through the Store API ----------

TOWNS = [("Kyiv", "UKR", 50.45, 30.52), ("Irpin", "UKR", 50.52, 30.25), ("Bucha", "UKR", 50.55, 30.21),
         ("Kharkiv", "UKR", 49.99, 36.23), ("Moscow", "RUS", 55.75, 37.62), ("Paris", "FRA", 48.86, 2.35),
         ("Nairobi", "KEN", -1.29, 36.82), ("Lima", "PER", -12.05, -77.04), ("Tokyo", "JPN", 35.68, 139.69)]
REGION = ("Middle East", "region", None, 29.0, 45.0)


def synthetic_event(k: int, codes: list[str]):
    from dyads.models import Actor, Event, Evidence, Place

    from datetime import date, timedelta

    if k < 60:  # one heavy link, the rest spread over every actor
        source, target = codes[0], codes[1]
    else:
        # each round over the actors pairs them with other partners: links of one event
        n = len(codes)
        source, target = codes[k % n], codes[(k + 1 + 13 * (k // n)) % n]
    place = None
    if k % 10 == 9:
        place = Place(REGION[0], REGION[1], REGION[2], lat=REGION[3], lon=REGION[4])
    elif k % 10 != 7:
        name, country, lat, lon = TOWNS[k % len(TOWNS)]
        place = Place(name, "town", country, lat=lat, lon=lon)
    actor = Actor("IGO", org="UN", name="United Nations") if k % 10 == 8 else Actor(source, name=f"Actor {source}")
    text = f"{source} met {target} (synthetic event {k})."
    conflict = k % 2 == 1
    return Event(id=f"syn-ev-{k:05d}", article_id=f"syn-{k // 10:04d}", event="ASSAULT" if conflict else "CONSULT",
                 actor=actor, recipient=Actor(target, name=f"Actor {target}"), quad_code=4 if conflict else 1,
                 goldstein=-8.0 if conflict else 1.0, date=(date(2024, 1, 1) + timedelta(days=k % 300)).isoformat(),
                 date_precision="day", date_source="text", event_loc=place, confidence=0.9, event_text="met", text=text,
                 evidence=[Evidence(f"syn-{k // 10:04d}", text, 0, len(text), (4, 7))])


def build_synthetic(db: Path, n_actors: int = 220, n_events: int = 1300) -> None:
    from dyads.models import Article
    from dyads.pipeline import CodedArticle

    from datetime import date

    codes = [f"X{a}{b}" for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"][:n_actors]
    events = [synthetic_event(k, codes) for k in range(n_events)]
    with Store(db) as store:
        for start in range(0, n_events, 10):
            group = events[start:start + 10]
            article = Article(id=group[0].article_id, title=f"Synthetic article {start // 10}",
                              text=" ".join(e.text for e in group), published=date(2024, 1, 1))
            store.save(CodedArticle(article, group, sentences=len(group), tokens=10 * len(group)), replace=False)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    db = tmp_path_factory.mktemp("synthetic") / "synthetic.duckdb"
    build_synthetic(db)
    server = Workbench(db, None, TOKEN)
    yield server
    server.stop()


def open_page(browser, url: str):
    """A page that records script errors and refuses (and records) any request off this machine."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page.errors, page.external = [], []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))

    def only_local(route):
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            page.external.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    return page


def query_of(page) -> dict:
    from urllib.parse import parse_qs, urlparse

    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_filters_and_selection_live_in_the_url(browser, served):
    server, _ = served
    page = open_page(browser, server.url)
    page.fill("#filters input[name=actor]", "RUS")
    page.fill("#filters input[name=recipient]", "ISR")
    page.click("#filters button[type=submit]")
    expected = httpx.get(f"{server.url}/api/events", params={"actor": "RUS", "recipient": "ISR"}).json()["total"]
    page.wait_for_function(f"document.querySelector('#events-summary').textContent === '{expected} events'")
    assert query_of(page) == {"view": "events", "actor": "RUS", "recipient": "ISR"}

    page.locator("#events-table tbody tr", has_text="held a telephone call").locator("td.evidence a").click()
    page.wait_for_selector("#view-article:not([hidden]) #article-events li.focus")
    state = query_of(page)
    assert state["view"] == "article" and state["article"] == "demo-01-putin-bennett-call" and state["event"]
    link = page.url

    # back: the filtered table again, the form filled in; forward: the article again
    page.go_back()
    page.wait_for_selector("#view-events:not([hidden])")
    page.wait_for_function(f"document.querySelector('#events-summary').textContent === '{expected} events'")
    assert page.input_value("#filters input[name=actor]") == "RUS"
    assert page.input_value("#filters input[name=recipient]") == "ISR"
    assert page.locator("#events-table tbody tr").count() == expected
    page.go_forward()
    page.wait_for_selector("#view-article:not([hidden]) #article-events li.focus")
    page.close()

    # the link, opened in a new tab, shows the same article with the same event selected
    other = open_page(browser, link)
    other.wait_for_selector("#article-events li.focus")
    assert other.locator("#article h2").inner_text().startswith("Putin and Bennett")
    assert other.locator("#article-events li.focus").get_attribute("data-event-id") == state["event"]
    assert "focus" in other.locator("mark.trigger", has_text="held a telephone call").get_attribute("class")
    # back to the events tab: the filters of the link apply
    other.click("#tabs button[data-view=events]")
    other.wait_for_function(f"document.querySelector('#events-summary').textContent === '{expected} events'")
    assert other.input_value("#filters input[name=actor]") == "RUS"
    assert not other.errors and not other.external, (other.errors, other.external)
    other.close()


def test_paging_past_a_thousand_rows_and_downloads_of_the_whole_view(browser, synthetic, tmp_path):
    api = f"{synthetic.url}/api/events"
    total = httpx.get(api, params={"type": "CONSULT"}).json()["total"]
    assert total > 600
    everything = httpx.get(api).json()["total"]
    assert everything > 1000
    # a link to page 45 of the unfiltered table, sorted by actor, newest-first
    page = open_page(browser, f"{synthetic.url}/?view=events&offset=1100&sort=actor_code&desc=true")
    page.wait_for_function(f"document.querySelector('#page-info').textContent === '1101–1125 of {everything}'")
    first_shown = page.locator("#events-table tbody tr").first.get_attribute("data-event-id")
    expected = httpx.get(api, params={"offset": 1100, "limit": 1, "sort": "actor_code", "desc": "true"}).json()["items"][0]
    assert first_shown == expected["id"]
    page.click("#next")
    page.wait_for_function(f"document.querySelector('#page-info').textContent === '1126–1150 of {everything}'")
    assert query_of(page)["offset"] == "1125"
    page.go_back()
    page.wait_for_function(f"document.querySelector('#page-info').textContent === '1101–1125 of {everything}'")

    # the download buttons give every row of the view, not one page
    with page.expect_download() as info:
        page.click("#download-csv")
    csv_file = tmp_path / "events.csv"
    info.value.save_as(csv_file)
    import csv as csvlib

    rows = list(csvlib.DictReader(csv_file.open(encoding="utf-8")))
    assert len(rows) == everything
    assert [r["id"] for r in rows[1100:1101]] == [expected["id"]]  # in the view's order
    assert {"actor_code", "recipient_code", "event", "loc_name", "reviewed_status"} <= set(rows[0])

    page.select_option("#filters select[name=type]", "CONSULT")
    page.click("#filters button[type=submit]")
    page.wait_for_function(f"document.querySelector('#events-summary').textContent === '{total} events'")
    with page.expect_download() as info:
        page.click("#download-jsonl")
    jsonl_file = tmp_path / "events.jsonl"
    info.value.save_as(jsonl_file)
    records = [json.loads(line) for line in jsonl_file.read_text().splitlines()]
    assert len(records) == total and {r["event"] for r in records} == {"CONSULT"}
    assert not page.errors and not page.external, (page.errors, page.external)
    page.close()


def test_events_as_csv_from_the_api(synthetic):
    api = f"{synthetic.url}/api/events"
    flt = {"actor": "XAA", "recipient": "XAB"}
    total = httpx.get(api, params=flt).json()["total"]
    assert total >= 50
    resp = httpx.get(api, params=flt, headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    lines = resp.text.splitlines()
    assert lines[0].startswith("id,date,") and len(lines) == total + 1
    assert all(",XAA," in line and ",XAB," in line for line in lines[1:])
    limited = httpx.get(api, params={**flt, "format": "csv", "limit": 5, "offset": 10}).text.splitlines()
    assert len(limited) == 6
    assert httpx.get(api, params={"format": "xml"}).status_code == 422


def cluster_total(page) -> int:
    """Events the map shows: the numbers on the cluster circles plus the single points."""
    return page.evaluate("""() => [...document.querySelectorAll('#map .marker-cluster')]
        .reduce((n, c) => n + parseInt(c.textContent, 10), 0) + document.querySelectorAll('#map .place-marker').length""")


def test_map_draws_countries_and_clusters_points(browser, synthetic):
    items = []
    for offset in range(0, 2000, 1000):
        items += httpx.get(f"{synthetic.url}/api/events", params={"limit": 1000, "offset": offset}).json()["items"]
    points = [e for e in items if e["event_loc"] and e["event_loc"]["feature"] != "region" and e["actor"]["code"] != "IGO"]
    assert 0 < len(points) < len(items)
    page = open_page(browser, f"{synthetic.url}/?view=map")
    page.wait_for_selector("#map path.country")
    page.wait_for_function(f"document.querySelector('#map').dataset.points === '{len(points)}'")
    assert page.locator("#map path.country").count() >= 170  # Natural Earth's 110m countries
    assert cluster_total(page) == len(points)
    # many events, few circles: Kyiv, Irpin and Bucha are one cluster at world zoom
    assert page.locator("#map .marker-cluster").count() + page.locator("#map .place-marker").count() <= len(TOWNS)
    assert "in a region or continent" in page.inner_text("#map-summary")
    # zooming in on Kyiv splits its cluster; hovering a place names it
    page.evaluate("() => worldMap.setView([50.5, 30.4], 9, {animate: false})")
    page.wait_for_function("document.querySelectorAll('#map .marker-cluster').length >= 2")  # Kyiv | Irpin+Bucha
    page.locator("#map .marker-cluster").first.click()  # the last zoom: the cluster spreads out into its points
    page.wait_for_selector("#map .place-marker")
    page.locator("#map .place-marker").first.hover()
    page.wait_for_selector(".leaflet-tooltip")
    assert page.inner_text(".leaflet-tooltip").split()[0] in {"Kyiv", "Irpin", "Bucha"}
    assert not page.errors and not page.external, (page.errors, page.external)
    page.close()


def test_network_of_two_hundred_actors_with_weight_filter_and_search(browser, synthetic):
    graph = httpx.get(f"{synthetic.url}/api/network").json()
    assert len(graph["nodes"]) >= 200
    page = open_page(browser, f"{synthetic.url}/?view=network")
    page.wait_for_function(f"document.querySelector('#network').dataset.nodes === '{len(graph['nodes'])}'")
    assert page.locator("#network g.node").count() == len(graph["nodes"])
    labels = page.locator("#network g.node text")
    visible = sum(1 for i in range(labels.count()) if labels.nth(i).is_visible())
    assert visible == 30  # the biggest actors only: 200 labels would cover each other

    # the search box picks out one actor and its partners
    partners = {e["target"] for e in graph["edges"] if e["source"] == "XBC"} | \
               {e["source"] for e in graph["edges"] if e["target"] == "XBC"}
    page.fill("#network-controls input[name=node]", "xbc")
    page.wait_for_selector('#network g.node.hit[data-id="XBC"]')
    assert page.locator('#network g.node.hit[data-id="XBC"] text').is_visible()
    near = page.eval_on_selector_all("#network g.node.near", "gs => gs.map(g => g.dataset.id)")
    assert set(near) == partners - {"XBC"}
    assert query_of(page)["node"] == "XBC"

    # links of at least 3 events: fewer actors, the heavy pair stays
    heavy = httpx.get(f"{synthetic.url}/api/network", params={"min_weight": 3}).json()
    assert 2 <= len(heavy["nodes"]) < len(graph["nodes"])
    page.eval_on_selector("#network-controls input[name=min_weight]",
                          "r => { r.value = 3; r.dispatchEvent(new Event('change')); }")
    page.wait_for_function(f"document.querySelector('#network').dataset.nodes === '{len(heavy['nodes'])}'")
    assert page.locator('#network g.node[data-id="XAA"]').count() == 1
    assert query_of(page)["min_weight"] == "3"
    page.go_back()
    page.wait_for_function(f"document.querySelector('#network').dataset.nodes === '{len(graph['nodes'])}'")
    assert not page.errors and not page.external, (page.errors, page.external)
    page.close()


def test_docs_is_swagger_ui_served_offline(browser, synthetic):
    page = open_page(browser, f"{synthetic.url}/")
    page.goto(f"{synthetic.url}/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock-summary-path", has_text="/api/events").count() >= 1
    assert "dyads workbench" in page.inner_text(".swagger-ui .title")
    assert not page.errors and not page.external, (page.errors, page.external)
    page.close()
