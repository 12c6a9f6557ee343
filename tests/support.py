"""Test support: real web servers on 127.0.0.1 (a site whose pages the test sets, and the
workbench under uvicorn), and reading the store."""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb


def db_rows(db, sql: str) -> list[tuple]:
    """Rows of a query on the store file, read-only (the CLI or a watcher may write it next)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


class Page:
    """What the local site answers for a path: status, body, type, and a delay before answering."""

    def __init__(self, body: bytes | str = b"", status: int = 200, content_type: str = "text/html; charset=utf-8",
                 delay: float = 0.0) -> None:
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.status, self.content_type, self.delay = status, content_type, delay


class LocalSite:
    """A threading HTTP server on 127.0.0.1 whose pages the test sets (and changes between polls)."""

    def __init__(self) -> None:
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Workbench:
    """uvicorn serving the workbench in a thread; stop() releases the DuckDB file."""

    def __init__(self, db, pipeline, token: str) -> None:
        import uvicorn

        from dyads.serve.app import create_app

        self.port = _free_port()
        app = create_app(db, token, pipeline_factory=lambda: pipeline)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started and time.time() < deadline:
            time.sleep(0.05)
        assert self.server.started, "uvicorn did not start"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
