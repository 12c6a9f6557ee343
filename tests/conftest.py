"""Shared fixtures: one real spaCy pipeline per session, the fixture folder, and a CLI runner."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DYADS = Path(sys.executable).parent / "dyads"


@pytest.fixture(scope="session")
def pipeline():
    from dyads.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def run_dyads(*args, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real `dyads` command as a subprocess; stdout/stderr decoded as text."""
    proc = subprocess.run([str(DYADS), *map(str, args)], input=input, capture_output=True, cwd=cwd, timeout=300)
    proc.stdout_text = proc.stdout.decode("utf-8", "replace")
    proc.stderr_text = proc.stderr.decode("utf-8", "replace")
    return proc


@pytest.fixture(scope="session")
def dyads():
    return run_dyads


# -- a real web server on 127.0.0.1 for feeds and pages ------------------------------

class Page:
    """What the local site answers for a path: status, body, type, and a delay before answering."""

    def __init__(self, body: bytes | str = b"", status: int = 200, content_type: str = "text/html; charset=utf-8",
                 delay: float = 0.0) -> None:
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.status, self.content_type, self.delay = status, content_type, delay


class LocalSite:
    """A threading HTTP server on 127.0.0.1 whose pages the test sets (and changes between polls)."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        site = self
        self.pages: dict[str, Page] = {}
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site.requests.append(self.path)
                page = site.pages.get(self.path, Page("not found", status=404, content_type="text/plain"))
                if page.delay:
                    time.sleep(page.delay)
                try:
                    self.send_response(page.status)
                    self.send_header("Content-Type", page.content_type)
                    self.send_header("Content-Length", str(len(page.body)))
                    self.end_headers()
                    self.wfile.write(page.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a time-out test)
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    local = LocalSite()
    yield local
    local.close()


# -- fuzzing: hypothesis settings and a count of the inputs fuzzed ------------------------

from hypothesis import settings as _hypothesis_settings  # noqa: E402

# CI runs the same examples every time (a failure there is reproducible); locally they vary.
_hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
_hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
_hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

FUZZED = {"run": 0, "passed": 0}


@pytest.fixture(scope="session")
def fuzzed() -> dict:
    """Count each fuzzed input: ``run`` when it starts, ``passed`` when it went through without raising."""
    return FUZZED


def pytest_terminal_summary(terminalreporter) -> None:
    if FUZZED["run"]:
        raised = FUZZED["run"] - FUZZED["passed"]
        terminalreporter.write_line(f"fuzzed inputs: {FUZZED['run']} run through ingest and the pipeline, {raised} raised")
