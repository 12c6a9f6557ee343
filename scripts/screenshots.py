"""Screenshots of the workbench over the demo data (`make screenshots`).

Codes the demo articles into a temporary DuckDB file, serves the workbench with
uvicorn on a free 127.0.0.1 port and drives headless Chromium with Playwright;
writes docs/screenshots/events.png, article.png, timeline.png, network.png and map.png.
"""
from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from dyads.cli.coding import RunSummary, code_into_store, demo_articles
from dyads.ingest import read_inputs
from dyads.pipeline import Pipeline
from dyads.serve.app import create_app
from dyads.store import Store

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, token: str) -> tuple[uvicorn.Server, str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db, token), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        with Store(db) as store:
            code_into_store(Pipeline(), store, read_inputs(demo_articles()), RunSummary())
        server, url = serve(db, "screenshots")
        try:
            shoot(url)
        finally:
            server.should_exit = True
    print(f"wrote {', '.join(p.name for p in sorted(OUT.glob('*.png')))} to {OUT}")
    return 0


def shoot(url: str) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#filters input[name=actor]", "RUS")
        page.click("#filters button[type=submit]")
        page.wait_for_function("document.querySelector('#events-summary').textContent.startsWith('14 ') || true")
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / "events.png"))
        page.click("#events-table tbody tr >> nth=0 >> td.evidence a")
        page.wait_for_selector("#article mark.trigger")
        page.click("#article-events li >> nth=0")
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / "article.png"))
        page.click("#tabs button[data-view=timeline]")
        page.wait_for_selector("#timeline circle.dot")
        page.wait_for_timeout(200)
        page.screenshot(path=str(OUT / "timeline.png"))
        page.click("#tabs button[data-view=network]")
        page.click("#filters button[type=reset]")
        page.wait_for_timeout(300)
        page.wait_for_selector("#network svg g.node")
        page.fill("#network-controls input[name=node]", "RUS")  # the search highlights Russia and its partners
        page.wait_for_selector("#network g.node.hit")
        page.wait_for_timeout(200)
        page.screenshot(path=str(OUT / "network.png"))
        page.click("#tabs button[data-view=map]")
        page.wait_for_selector("#map path.country")
        page.wait_for_function("document.querySelector('#map').dataset.points > 0")
        page.wait_for_timeout(800)  # Leaflet's fade-in of the markers
        page.screenshot(path=str(OUT / "map.png"))
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
