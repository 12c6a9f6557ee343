"""`dyads watch` against servers that misbehave: drip-feeding bytes, redirecting too often
or to ftp://, sending endless bodies, pointing at this machine; and a server that answers
conditional GETs. Real http.server instances on 127.0.0.1, each path answered by a
function of the request."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pytest

from dyads.ingest.feeds import AddressPolicy, read_feed
from dyads.ingest.web import not_public
from dyads.watch import Watcher
from newsfixtures import STORIES, rss, story_page
from support import db_rows as rows

RSS = "application/rss+xml"
LOCAL = AddressPolicy(allow_private=True)
DRIP_BYTES = 60  # one every half second: a drip-fed response would take 30 s


class Server:
    """A threading HTTP server on 127.0.0.1; ``routes`` maps a path to a function of the handler."""

    def __init__(self) -> None:
        server = self
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) of every request

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path, lambda h: send(h, "not found", status=404, content_type="text/plain"))
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):  # the client hung up: what these tests expect
                    pass

            def log_message(self, *args) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.http.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def server():
    local = Server()
    yield local
    local.close()


def send(handler, body: str | bytes, status: int = 200, content_type: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> None:
    data = body.encode("utf-8") if isinstance(body, str) else body
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


def serve(body: str, **kw) -> Callable:
    return lambda handler: send(handler, body, **kw)


def redirect(location: str) -> Callable:
    return lambda handler: send(handler, "", status=302, content_type="text/plain", headers={"Location": location})


def drip_body(handler) -> None:
    """Headers at once, then the body a byte every half second (each wait far shorter than the time-out)."""
    handler.send_response(200)
    handler.send_header("Content-Type", RSS)
    handler.send_header("Content-Length", str(DRIP_BYTES))
    handler.end_headers()
    for _ in range(DRIP_BYTES):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.5)


def drip_headers(handler) -> None:
    """The status line, then a header a byte every half second."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    for _ in range(DRIP_BYTES):
        handler.wfile.write(b"a")
        handler.wfile.flush()
        time.sleep(0.5)


def endless(handler) -> None:
    """A body with no Content-Length that never ends."""
    handler.send_response(200)
    handler.send_header("Content-Type", RSS)
    handler.end_headers()
    block = b"<!-- padding -->" * 4096
    while True:
        handler.wfile.write(block)


def declares_a_terabyte(handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", RSS)
    handler.send_header("Content-Length", str(10**12))
    handler.end_headers()
    handler.wfile.write(b"<rss/>")


def item(server: Server, key: str, link: str | None = None, **extra) -> dict:
    return {"title": STORIES[key][0], "link": link or server.url(f"/news/{key}"), **extra}


def feed_of(*items: dict) -> Callable:
    return serve(rss(list(items)), content_type=RSS)


def stored(db) -> set[str]:
    return {r[0] for r in rows(db, "SELECT id FROM articles")}


def reasons(summary) -> dict[str, tuple[str, str]]:
    return {s.origin: (s.kind, s.reason) for s in summary.skipped}


def test_a_drip_feeding_server_is_cut_off_at_the_deadline(server, pipeline, tmp_path):
    server.routes["/drip.rss"] = drip_body
    server.routes["/f.rss"] = feed_of(item(server, "borno", server.url("/news/slow-headers")), item(server, "call"))
    server.routes["/news/slow-headers"] = drip_headers
    server.routes["/news/call"] = serve(story_page("call"))
    watcher = Watcher(str(tmp_path / "w.duckdb"), pipeline, timeout=1.5, addresses=LOCAL)
    started = time.monotonic()
    summary = watcher.poll([server.url("/drip.rss"), server.url("/f.rss")])
    elapsed = time.monotonic() - started
    # Each drip would take 30 s; cut at 1.5 s each (with coding, on a slow machine, well under 30 s in all).
    assert elapsed < 20, elapsed
    found = reasons(summary)
    assert found[server.url("/drip.rss")] == ("fetch", "timed out after 1.5 s")
    assert found[server.url("/news/slow-headers")] == ("fetch", "timed out after 1.5 s; the feed has no text for it either")
    assert (summary.feeds_failed, summary.feeds_read, summary.articles) == (1, 1, 1)  # the other item is coded
    assert stored(watcher.db) == {server.url("/news/call")}


def test_redirects_are_followed_five_times_and_only_to_http(server, pipeline, tmp_path):
    for hop in range(6):  # /five/0 -> ... -> /five/5 (the feed): five redirects, the relative way
        server.routes[f"/five/{hop}"] = redirect(f"/five/{hop + 1}")
        server.routes[f"/six/{hop}"] = redirect(server.url(f"/six/{hop + 1}"))
    server.routes["/five/5"] = feed_of(item(server, "call"), item(server, "borno", server.url("/go/ftp")))
    server.routes["/six/6"] = feed_of(item(server, "sanctions"))
    server.routes["/to-ftp.rss"] = redirect(f"ftp://127.0.0.1:{server.port}/f.rss")
    server.routes["/go/ftp"] = redirect("ftp://127.0.0.1/news/borno")
    server.routes["/news/call"] = serve(story_page("call"))
    feeds = [server.url("/five/0"), server.url("/six/0"), server.url("/to-ftp.rss")]
    watcher = Watcher(str(tmp_path / "w.duckdb"), pipeline, timeout=5, addresses=LOCAL)

    summary = watcher.poll(feeds)
    found = reasons(summary)
    assert (summary.feeds_read, summary.feeds_failed) == (1, 2)
    assert found[feeds[1]] == ("fetch", "more than 5 redirects")
    assert "/six/6" not in server.paths()
    assert found[feeds[2]] == ("refused", f"refused: redirected to ftp://127.0.0.1:{server.port}/f.rss "
                                          "(only http and https are followed)")
    assert found[server.url("/go/ftp")][0] == "refused"
    assert stored(watcher.db) == {server.url("/news/call")}
    # What dyads refuses is settled: the item is not fetched again on the next poll.
    again = watcher.poll(feeds[:1])
    assert (again.seen_items, again.new_items) == (2, 0)
    assert server.paths().count("/go/ftp") == 1


def test_hosts_on_this_machine_are_refused_at_every_hop(server, pipeline, tmp_path):
    """Only 127.0.0.1 is allowed (--allow-host): links and redirects to other names of this
    machine are refused before anything is sent, and the rest of the feed goes on."""
    decimal = str(0x7F000001)  # 2130706433: 127.0.0.1 written as one number
    server.routes["/f.rss"] = feed_of(
        item(server, "call"),
        item(server, "borno", server.url("/go/localhost")),
        item(server, "defence", server.url("/news/defence", host="localhost")),
        item(server, "sanctions", server.url("/news/sanctions", host=decimal)),
    )
    server.routes["/news/call"] = serve(story_page("call"))
    server.routes["/go/localhost"] = redirect(server.url("/news/borno", host="localhost"))
    watcher = Watcher(str(tmp_path / "w.duckdb"), pipeline, timeout=5,
                      addresses=AddressPolicy(allowed_hosts=frozenset({"127.0.0.1"})))
    summary = watcher.poll([server.url("/f.rss")])
    found = reasons(summary)
    assert summary.articles == 1 and stored(watcher.db) == {server.url("/news/call")}
    for link in (server.url("/go/localhost"), server.url("/news/defence", host="localhost")):
        kind, reason = found[link]
        assert kind == "refused" and reason.startswith("refused: localhost (") and "a loopback address" in reason
    assert found[server.url("/news/sanctions", host=decimal)] == (
        "refused", f"refused: {decimal} (127.0.0.1) is a loopback address (--allow-private fetches from such "
                   "addresses); the feed has no text for it either")
    assert not {"/news/borno", "/news/defence", "/news/sanctions"} & set(server.paths())


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "a loopback"), ("::1", "a loopback"), ("::ffff:127.0.0.1", "a loopback"),
    ("10.1.2.3", "a private"), ("172.16.0.1", "a private"), ("192.168.1.1", "a private"), ("fd00::2", "a private"),
    ("169.254.169.254", "a link-local"), ("fe80::1%eth0", "a link-local"), ("0.0.0.0", "an unspecified"),
    ("224.0.0.1", "a multicast"), ("240.0.0.1", "a reserved"), ("100.64.0.1", "a non-global"),
    ("93.184.216.34", None), ("2606:4700:4700::1111", None),
])
def test_every_kind_of_non_public_address_is_named(address, kind):
    assert not_public(address) == kind


def test_responses_over_the_size_cap_are_not_read_whole(server, pipeline, tmp_path):
    server.routes["/endless.rss"] = endless
    server.routes["/declared.rss"] = declares_a_terabyte
    watcher = Watcher(str(tmp_path / "w.duckdb"), pipeline, timeout=120, addresses=LOCAL)  # the default cap, 10 MB
    summary = watcher.poll([server.url("/endless.rss"), server.url("/declared.rss")])
    found = reasons(summary)
    assert found[server.url("/endless.rss")] == ("too large", "larger than 10,000,000 bytes")
    assert found[server.url("/declared.rss")] == ("too large", "larger than 10,000,000 bytes "
                                                               "(Content-Length 1,000,000,000,000)")


def test_watch_command_refuses_this_machine_and_reads_local_files(dyads, server, tmp_path):
    """A feed file's http links to 127.0.0.1 and a web feed on 127.0.0.1 are refused without
    --allow-private (nothing is requested); its file:/// links are read; --max-bytes caps pages."""
    (tmp_path / "story one.html").write_text(story_page("defence"), encoding="utf-8")
    local_link = (tmp_path / "story one.html").as_uri()  # file:///…/story%20one.html
    feed = tmp_path / "saved.rss"
    feed.write_text(rss([item(server, "call"), item(server, "defence", local_link)]), encoding="utf-8")
    server.routes["/news/call"] = serve(story_page("call"))
    server.routes["/web.rss"] = feed_of(item(server, "diplomats"))
    db = tmp_path / "w.duckdb"
    proc = dyads("watch", feed, server.url("/web.rss"), "--once", "--json", "--db", db)
    assert "Traceback" not in proc.stderr_text, proc.stderr_text
    assert proc.returncode == 3
    summary = json.loads(proc.stdout_text)
    assert (summary["feeds_read"], summary["feeds_failed"], summary["articles"]) == (1, 1, 1)
    assert summary["skipped_by_kind"] == {"refused": 2}
    assert (f"skipped {server.url('/web.rss')}: refused: 127.0.0.1 is a loopback address "
            "(--allow-private fetches from such addresses)") in proc.stderr_text
    assert f"skipped {server.url('/news/call')}: refused: 127.0.0.1 is a loopback address" in proc.stderr_text
    assert server.requests == []
    assert stored(db) == {local_link}

    # With --allow-private the web feed is read; its page, over --max-bytes, is not.
    big_page = story_page("diplomats") + "<!-- padding -->" * 1000
    server.routes["/news/diplomats"] = serve(big_page)
    proc = dyads("watch", server.url("/web.rss"), "--once", "--db", db, "--allow-private", "--max-bytes", "10000")
    assert proc.returncode == 3
    assert (f"skipped {server.url('/news/diplomats')}: larger than 10,000 bytes (Content-Length {len(big_page):,}); "
            "the feed has no text for it either") in proc.stderr_text
    assert server.paths() == ["/web.rss", "/news/diplomats"]
    assert stored(db) == {local_link}


def conditional_feed(server: Server, version: dict) -> Callable:
    """A feed that answers 304 when the client already has its current version."""
    def answer(handler) -> None:
        etag, modified = f'"v{version["number"]}"', "Thu, 04 May 2023 08:00:00 GMT"
        if handler.headers.get("If-None-Match") == etag:
            send(handler, "", status=304, headers={"ETag": etag})
        else:
            send(handler, rss(version["items"]), content_type=RSS, headers={"ETag": etag, "Last-Modified": modified})
    return answer


def test_conditional_get_between_cron_runs(dyads, server, pipeline, tmp_path):
    version = {"number": 1, "items": [item(server, "call")]}
    server.routes["/c.rss"] = conditional_feed(server, version)
    server.routes["/news/call"] = serve(story_page("call"))
    server.routes["/news/defence"] = serve(story_page("defence"))
    db = tmp_path / "w.duckdb"
    args = ("watch", server.url("/c.rss"), "--once", "--json", "--db", db, "--allow-private")

    first = dyads(*args)
    assert first.returncode == 0, first.stderr_text
    assert json.loads(first.stdout_text)["articles"] == 1
    assert "If-None-Match" not in server.requests[0][1]

    second = dyads(*args)  # a new process: the store remembers the feed's ETag and Last-Modified
    assert second.returncode == 0, second.stderr_text
    summary = json.loads(second.stdout_text)
    assert (summary["feeds_unchanged"], summary["feeds_read"], summary["new_items"]) == (1, 0, 0)
    path, headers = server.requests[-1]
    assert path == "/c.rss"
    assert (headers["If-None-Match"], headers["If-Modified-Since"]) == ('"v1"', "Thu, 04 May 2023 08:00:00 GMT")
    assert server.paths().count("/news/call") == 1

    # The feed changes: a 200 with the new version, its new item coded, the new ETag sent next.
    version.update(number=2, items=[item(server, "call"), item(server, "defence")])
    watcher = Watcher(str(db), pipeline, addresses=LOCAL)
    third = watcher.poll([server.url("/c.rss")])
    assert (third.feeds_read, third.new_items, third.articles) == (1, 1, 1)
    assert watcher.poll([server.url("/c.rss")]).feeds_unchanged == 1
    assert server.requests[-1][1]["If-None-Match"] == '"v2"'
    assert stored(db) == {server.url("/news/call"), server.url("/news/defence")}


def test_a_feed_with_an_item_to_retry_is_read_whole_next_poll(server, pipeline, tmp_path):
    version = {"number": 1, "items": [item(server, "call")]}
    server.routes["/c.rss"] = conditional_feed(server, version)
    server.routes["/news/call"] = serve("busy", status=503, content_type="text/plain")
    watcher = Watcher(str(tmp_path / "w.duckdb"), pipeline, timeout=5, addresses=LOCAL)
    assert watcher.poll([server.url("/c.rss")]).articles == 0  # the page failed: to be fetched again
    server.routes["/news/call"] = serve(story_page("call"))
    second = watcher.poll([server.url("/c.rss")])
    assert "If-None-Match" not in server.requests[-2][1]  # the feed was read whole, so the item was retried
    assert (second.feeds_read, second.articles) == (1, 1)
    assert watcher.poll([server.url("/c.rss")]).feeds_unchanged == 1


def test_read_feed_keeps_the_validators_of_a_304(server):
    server.routes["/c.rss"] = conditional_feed(server, {"number": 7, "items": [item(server, "call")]})
    first = read_feed(server.url("/c.rss"), 5, 100_000, policy=LOCAL)
    assert first.validators.etag == '"v7"' and not first.not_modified
    second = read_feed(server.url("/c.rss"), 5, 100_000, policy=LOCAL, validators=first.validators)
    assert second.not_modified and second.items == [] and second.validators == first.validators
