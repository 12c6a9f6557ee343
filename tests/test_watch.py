"""`dyads watch` against a real HTTP server on 127.0.0.1 whose feeds change between polls
and fail in between (HTTP 500, time-outs, malformed XML)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from dyads.errors import InputError
from dyads.ingest.feeds import AddressPolicy, read_feed
from dyads.watch import Watcher, watch
from newsfixtures import FRENCH, STORIES, atom, page, rss, story_page
from support import Page, db_rows as rows

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
LOCAL = AddressPolicy(allow_private=True)  # the test site is on 127.0.0.1, refused by default


def events_of(db) -> set[tuple]:
    return set(rows(db, "SELECT article_id, event, actor_code FROM events"))


def rss_item(site, key: str, **extra) -> dict:
    return {"title": STORIES[key][0], "link": site.url(f"/news/{key}"), "date": "Thu, 04 May 2023 08:00:00 GMT", **extra}


def publish(site, *keys: str) -> None:
    for key in keys:
        site.pages[f"/news/{key}"] = Page(story_page(key))


@pytest.fixture
def watcher(pipeline, tmp_path):
    return Watcher(str(tmp_path / "watch.duckdb"), pipeline, timeout=1.0, addresses=LOCAL)


def test_feeds_change_and_fail_between_polls(site, watcher, pipeline, tmp_path):
    publish(site, "nairobi", "sanctions", "diplomats", "borno")
    feeds = [site.url("/world.rss"), site.url("/world.atom")]
    site.pages["/world.rss"] = Page(rss([rss_item(site, "nairobi"), rss_item(site, "sanctions")]), content_type=RSS)
    site.pages["/world.atom"] = Page(atom([{"title": STORIES["diplomats"][0], "link": site.url("/news/diplomats")}]),
                                     content_type=ATOM)

    first = watcher.poll(feeds, 1)
    assert (first.feeds_read, first.new_items, first.articles, first.skipped_total) == (2, 3, 3, 0)
    url = site.url
    assert {(url("/news/nairobi"), "COERCE", "KEN"), (url("/news/sanctions"), "SANCTION", "IGO"),
            (url("/news/diplomats"), "SANCTION", "PAK")} <= events_of(watcher.db)
    assert dict(rows(watcher.db, "SELECT id, published FROM articles"))[url("/news/nairobi")] == date(2023, 5, 4)

    # Poll 2: the RSS feed answers 500, the Atom feed is cut mid-element.
    site.pages["/world.rss"] = Page("server error", status=500, content_type="text/plain")
    site.pages["/world.atom"] = Page("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><title>Cut",
                                     content_type=ATOM)
    second = watcher.poll(feeds, 2)
    assert (second.feeds_read, second.feeds_failed, second.articles) == (0, 2, 0)
    reasons = {s.origin: s.reason for s in second.skipped}
    assert reasons[feeds[0]] == "HTTP 500 Internal Server Error"
    assert reasons[feeds[1]].startswith("malformed feed")

    # Poll 3: the RSS feed is too slow; the Atom feed is back with the item already coded.
    site.pages["/world.rss"] = Page(rss([rss_item(site, "nairobi")]), content_type=RSS, delay=2.5)
    site.pages["/world.atom"] = Page(atom([{"title": STORIES["diplomats"][0], "link": url("/news/diplomats")}]),
                                     content_type=ATOM)
    third = watcher.poll(feeds, 3)
    assert (third.feeds_read, third.feeds_failed, third.seen_items, third.new_items, third.articles) == (1, 1, 1, 0, 0)
    assert "timed out" in third.skipped[0].reason

    # Poll 4: the RSS feed is back with one new item; nothing seen before is fetched again.
    site.pages["/world.rss"] = Page(rss([rss_item(site, k) for k in ("nairobi", "sanctions", "borno")]), content_type=RSS)
    fetched_before = len(site.requests)
    fourth = watcher.poll(feeds, 4)
    assert (fourth.new_items, fourth.seen_items, fourth.articles) == (1, 3, 1)
    assert [p for p in site.requests[fetched_before:] if p.startswith("/news/")] == ["/news/borno"]
    assert (url("/news/borno"), "ASSAULT", "NGA") in events_of(watcher.db)
    assert len(rows(watcher.db, "SELECT id FROM articles")) == 4


def test_a_restart_does_not_recode(site, pipeline, tmp_path):
    publish(site, "defence")
    site.pages["/f.rss"] = Page(rss([rss_item(site, "defence")]), content_type=RSS)
    db = str(tmp_path / "w.duckdb")
    assert Watcher(db, pipeline, addresses=LOCAL).poll([site.url("/f.rss")]).articles == 1
    again = Watcher(db, pipeline, addresses=LOCAL).poll([site.url("/f.rss")])  # a new process: only the store remembers
    assert (again.seen_items, again.new_items, again.articles) == (1, 0, 0)
    assert site.requests.count("/news/defence") == 1


def test_same_story_under_another_link_is_coded_once(site, watcher):
    publish(site, "call")
    site.pages["/mirror/call"] = Page(story_page("call"))
    site.pages["/a.rss"] = Page(rss([rss_item(site, "call")]), content_type=RSS)
    site.pages["/b.rss"] = Page(rss([{"title": "Call", "link": site.url("/mirror/call")}]), content_type=RSS)
    summary = watcher.poll([site.url("/a.rss"), site.url("/b.rss")])
    assert (summary.new_items, summary.articles, summary.duplicates) == (2, 1, 1)
    later = watcher.poll([site.url("/a.rss"), site.url("/b.rss")])
    assert (later.seen_items, later.articles) == (2, 0)


def test_item_pages_that_fail_fall_back_to_feed_text_or_are_retried(site, watcher, tmp_path):
    text = " ".join(STORIES["borno"][1])
    site.pages["/f.rss"] = Page(rss([
        {"title": "Army clash", "link": site.url("/news/gone"), "description": f"<p>{text}</p>"},
        {"title": "No text", "link": site.url("/news/missing")},
        {"title": "Slow page", "link": site.url("/news/slow"), "description": "Short teaser"},
        {"title": FRENCH[0], "link": site.url("/news/fr")},
        {"title": "Local", "link": f"file://{tmp_path / 'secret.html'}"},
    ]), content_type=RSS)
    (tmp_path / "secret.html").write_text(story_page("call"), encoding="utf-8")
    site.pages["/news/slow"] = Page(story_page("defence"), delay=2.5)
    site.pages["/news/fr"] = Page(page(*FRENCH))
    first = watcher.poll([site.url("/f.rss")], 1)
    assert first.articles == 1  # the 404 page's story, from the feed's own text
    [(article_id, extra)] = rows(watcher.db, "SELECT id, extra FROM articles")
    assert article_id == site.url("/news/gone") and json.loads(extra)["text_from"] == "feed (HTTP 404 Not Found)"
    assert (site.url("/news/gone"), "ASSAULT", "NGA") in events_of(watcher.db)
    reasons = {s.origin: (s.kind, s.reason) for s in first.skipped}
    assert reasons[site.url("/news/missing")] == ("fetch", "HTTP 404 Not Found; the feed has no text for it either")
    assert reasons[site.url("/news/slow")][0] == "fetch" and "timed out" in reasons[site.url("/news/slow")][1]
    assert reasons[site.url("/news/fr")] == ("language", "language: fr (not en)")
    assert ("link", "a web feed's item links outside the web; the feed has no text for it either") in reasons.values()
    # Failed fetches are tried again (up to MAX_ATTEMPTS polls); the French item is settled.
    site.pages["/news/slow"] = Page(story_page("defence"))
    second = watcher.poll([site.url("/f.rss")], 2)
    assert (second.new_items, second.articles) == (2, 1)
    assert (site.url("/news/slow"), "SUPPORT", "FRA") in events_of(watcher.db)
    third = watcher.poll([site.url("/f.rss")], 3)
    fourth = watcher.poll([site.url("/f.rss")], 4)
    assert (third.new_items, fourth.new_items) == (1, 0)  # /news/missing: attempts 2 and 3, then settled


def test_feed_reader_errors_are_one_line_input_errors(site):
    site.pages["/html"] = Page("<html><body><p>Not a feed</p></body></html>")
    for path, expected in [("/html", "not an RSS or Atom feed"), ("/nothing", "HTTP 404 Not Found")]:
        with pytest.raises(InputError) as err:
            read_feed(site.url(path), 1.0, 10_000, policy=LOCAL)
        assert err.value.reason == expected and "\n" not in str(err.value)
    # Malformed XML from which items can still be recovered: the items, and the problem reported.
    site.pages["/amp.rss"] = Page('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
                                  '<title>A & B</title><link>http://127.0.0.1/1</link></item></channel></rss>')
    feed = read_feed(site.url("/amp.rss"), 1.0, 10_000, policy=LOCAL)
    assert [i.url for i in feed.items] == ["http://127.0.0.1/1"]
    assert feed.problem.startswith("malformed feed (1 items recovered)")
    with pytest.raises(InputError) as err:
        read_feed("http://127.0.0.1:9/closed.rss", 1.0, 10_000, policy=LOCAL)  # nothing listens on port 9
    assert err.value.kind == "fetch" and "refused" in err.value.reason.lower()


def test_watch_loop_runs_the_polls_it_is_told(site, watcher):
    publish(site, "nairobi", "sanctions")
    feed = site.url("/f.rss")
    served = iter([
        Page(rss([rss_item(site, "nairobi")]), content_type=RSS),
        Page("oops", status=503, content_type="text/plain"),
        Page(rss([rss_item(site, "nairobi"), rss_item(site, "sanctions")]), content_type=RSS),
    ])
    site.pages["/f.rss"] = next(served)
    sleeps, polls = [], []

    def between_polls(seconds: float) -> None:  # the loop's sleep: the site changes while it waits
        sleeps.append(seconds)
        site.pages["/f.rss"] = next(served)

    skipped = watch(watcher, [feed], interval=60, polls=3, on_poll=polls.append, sleep=between_polls)
    assert sleeps == [60, 60]
    assert [(p.poll, p.articles, p.feeds_failed) for p in polls] == [(1, 1, 0), (2, 0, 1), (3, 1, 0)]
    assert skipped == 1


def test_watch_command_json_lines_exit_status_and_cron_rerun(dyads, site, tmp_path):
    publish(site, "diplomats", "call")
    site.pages["/f.atom"] = Page(atom([{"title": STORIES["diplomats"][0], "link": site.url("/news/diplomats")},
                                       {"title": STORIES["call"][0], "link": site.url("/news/call")}]), content_type=ATOM)
    db, log = tmp_path / "w.duckdb", tmp_path / "skips.jsonl"
    broken = site.url("/broken.rss")
    site.pages["/broken.rss"] = Page("<rss><channel><item><title>never closed", content_type=RSS)
    proc = dyads("watch", site.url("/f.atom"), broken, "--once", "--json", "--db", db, "--skip-log", log,
                 "--allow-private")
    assert "Traceback" not in proc.stderr_text, proc.stderr_text
    assert proc.returncode == 3  # the broken feed
    [summary] = [json.loads(line) for line in proc.stdout_text.splitlines()]
    assert (summary["feeds_read"], summary["feeds_failed"], summary["articles"]) == (1, 1, 2)
    assert summary["skipped_by_kind"] == {"feed": 1}
    assert f"skipped {broken}: malformed feed" in proc.stderr_text
    assert [json.loads(line)["input"] for line in log.read_text().splitlines()] == [broken]
    assert {(site.url("/news/diplomats"), "SANCTION", "PAK"), (site.url("/news/call"), "CONSULT", "TUR")} <= events_of(db)

    # The next cron run: the feed unchanged, the broken one gone; nothing recoded, exit 0, quiet.
    proc = dyads("watch", site.url("/f.atom"), "--once", "--db", db, "--skip-log", log, "--allow-private")
    assert proc.returncode == 0, proc.stderr_text
    assert proc.stdout_text == "" and proc.stderr_text == ""
    assert len(log.read_text().splitlines()) == 1  # appended to, not overwritten
    assert site.requests.count("/news/call") == 1


def test_watch_reads_a_feed_file(dyads, site, tmp_path):
    publish(site, "borno")
    feed = tmp_path / "saved.rss"
    feed.write_text(rss([rss_item(site, "borno")]), encoding="utf-8")
    proc = dyads("watch", feed, "--once", "--json", "--db", tmp_path / "f.duckdb", "--allow-private")
    assert proc.returncode == 0, proc.stderr_text
    assert json.loads(proc.stdout_text)["articles"] == 1
