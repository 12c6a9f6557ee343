"""The workbench as users run it: a real `dyads serve` process on 127.0.0.1, spoken to
over real HTTP, and `dyads code --server` as a real process (issue 15: NaN records,
body limits on chunked uploads, out-of-range paging, the Host header check)."""
from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from support import db_rows

DYADS = Path(sys.executable).parent / "dyads"
TOKEN = "server-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MAX_BODY = 2 * 1024 * 1024  # what docs/workbench.md promises


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`dyads serve` in its own process; stop() ends it (and releases the DuckDB file)."""

    def __init__(self, db: Path, *options: str) -> None:
        self.port = _free_port()
        self.log = db.with_suffix(".log")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([str(DYADS), "serve", "--db", str(db), "--port", str(self.port),
                                          "--token", TOKEN, *options], stdout=log, stderr=log)
        self._wait()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait(self) -> None:
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"dyads serve exited {self.proc.returncode}: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/api/types", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"dyads serve did not answer: {self.log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = Served(tmp_path_factory.mktemp("served") / "served.duckdb", "--allow-host", "dyads.test")
    yield served
    served.stop()


def _chunks(total: int, size: int = 64 * 1024):
    """``total`` bytes as a generator: httpx sends it chunked, with no Content-Length."""
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        sent += n
        yield b" " * n


def _strict(text: str | bytes):
    """JSON as browsers and DuckDB's JSON functions read it: NaN and Infinity refused."""
    return json.loads(text, parse_constant=lambda word: pytest.fail(f"{word} in {text[:80]!r}"))


# -- item 9: limits over real HTTP ----------------------------------------------------

def test_a_chunked_body_over_the_limit_is_413(server):
    url = f"{server.url}/api/articles"
    headers = {**AUTH, "Content-Type": "application/json"}
    for total in (MAX_BODY + 1, 20 * MAX_BODY):
        resp = httpx.post(url, content=_chunks(total), headers=headers, timeout=60)
        assert resp.status_code == 413, (total, resp.text)
        assert "larger than" in resp.json()["detail"]
    declared = httpx.post(url, content=b" " * (MAX_BODY + 1), headers=headers, timeout=60)
    assert declared.status_code == 413 and "larger than" in declared.json()["detail"]
    # a chunked body within the limit reaches the endpoint, which reads it whole
    small = httpx.post(url, content=(part for part in (b'{"text": ', b'"  "}')), headers=headers, timeout=60)
    assert small.status_code == 422 and "text" in small.text
    assert httpx.get(f"{server.url}/api/articles").status_code == 200  # the server goes on


def test_out_of_range_paging_is_422(server):
    for path in ("/api/events", "/api/articles"):
        resp = httpx.get(f"{server.url}{path}", params={"offset": 2**63})
        assert resp.status_code == 422, resp.text
        assert resp.json()["detail"][0]["loc"] == ["query", "offset"]
    assert httpx.get(f"{server.url}/api/network", params={"min_weight": 10**30}).status_code == 422


def test_requests_for_another_host_are_refused(server):
    def status(host: str) -> int:
        return httpx.get(f"{server.url}/api/types", headers={"Host": host}).status_code

    assert status("rebinding.attacker.example") == 400  # a page under another name, pointed at 127.0.0.1
    assert status(f"attacker.example:{server.port}") == 400
    refused = httpx.get(f"{server.url}/api/types", headers={"Host": "attacker.example"})
    assert "--allow-host" in refused.json()["detail"]
    assert status(f"127.0.0.1:{server.port}") == 200
    assert status(f"localhost:{server.port}") == 200
    assert status(f"dyads.test:{server.port}") == 200  # --allow-host dyads.test


def test_a_raw_body_with_nan_is_coded_with_null(server):
    raw = b'{"id": "raw-nan", "text": "Greece and Turkey held talks in Athens.", "score": NaN, "rank": -Infinity}'
    resp = httpx.post(f"{server.url}/api/articles", content=raw, timeout=300,
                      headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["articles"] == 1
    assert httpx.get(f"{server.url}/api/articles/raw-nan").status_code == 200


# -- item 5: dyads code --server with NaN in a record ---------------------------------

def test_code_through_a_server_sends_nan_as_null_and_codes_every_record(tmp_path, dyads):
    records = tmp_path / "scores.jsonl"
    records.write_text(
        '{"id": "nan-a", "text": "Greece and Turkey held talks in Athens.", "score": NaN}\n'
        '{"id": "nan-b", "text": "Germany and France held talks in Paris.", "score": 0.5}\n'
        '{"id": "nan-c", "text": "Spain and Italy held talks in Rome.", "meta": {"weights": [1, Infinity, -Infinity]}}\n',
        encoding="utf-8")
    db = tmp_path / "served.duckdb"
    served = Served(db)
    try:
        proc = dyads("code", records, "--server", served.url, "--token", TOKEN)
        assert proc.returncode == 0, proc.stderr_text
        assert "Traceback" not in proc.stderr_text
        assert "coded 3 articles" in proc.stderr_text
        assert "2 records held NaN or Infinity values (not JSON): sent as null" in proc.stderr_text
        for rec_id in ("nan-a", "nan-b", "nan-c"):
            assert httpx.get(f"{served.url}/api/articles/{rec_id}").status_code == 200, rec_id
    finally:
        served.stop()
    stored = dict(db_rows(db, "SELECT id, extra FROM articles"))
    assert {rec_id: _strict(extra) for rec_id, extra in stored.items()} == {"nan-a": {"score": None}, "nan-b": {"score": 0.5}, "nan-c": {"meta": {"weights": [1, None, None]}}}


# -- the client sizes its requests by the server's limits -----------------------------

def test_client_batches_stay_under_the_body_limit_and_skip_what_cannot_fit():
    from dyads.serve.client import BATCH, BATCH_BYTES, _bodies

    total: dict = {"nulled": 0}
    skipped: list[tuple[str, str]] = []
    records = [{"id": f"r{n}", "text": "word " * 40_000, "x": math.nan} for n in range(12)]  # 200 KB each
    records.insert(5, {"id": "huge", "text": "w" * (MAX_BODY + 10)})
    records += [{"id": f"s{n}", "text": "short"} for n in range(BATCH + 5)]
    bodies = list(_bodies(records, total, lambda rec_id, reason: skipped.append((rec_id, reason))))
    sent = [rec for body in bodies for rec in _strict(body)]
    assert [r["id"] for r in sent] == [r["id"] for r in records if r["id"] != "huge"]
    assert all(len(body) <= BATCH_BYTES for body in bodies)
    assert all(len(json.loads(body)) <= BATCH for body in bodies)
    assert [rec_id for rec_id, _ in skipped] == ["huge"] and "--max-chars" in skipped[0][1]
    assert total["nulled"] == 12 and all(r.get("x", None) is None for r in sent)
