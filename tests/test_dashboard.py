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
    page.wait_for_selector("#map circle.place")
    assert page.locator("#map text", has_text="Moscow").count() >= 1
    page.close()
