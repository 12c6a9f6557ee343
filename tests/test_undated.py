"""Articles without a publication date: no invented date, no leader's post from the wrong
decade, dates from URL paths and file names, --published-field, and one warning per run."""
from __future__ import annotations

import json
from datetime import date

import pytest

from dyads.ingest.dates import date_from_origin, date_from_url
from dyads.models import Article
from support import db_rows

# Mark Rutte: Dutch prime minister 2010-2024, NATO secretary-general from 2024 (people.yml).
MEETING = "Mark Rutte met Olaf Scholz in Berlin."


def events_of(pipeline, article: Article) -> list:
    return pipeline.code_one(article).events


def test_an_undated_article_gives_no_dated_post_and_invents_no_date(pipeline):
    [event] = events_of(pipeline, Article(id="u", text=MEETING))
    # Before: the latest post, NATO's secretary-general (IGO), and a "publication" date source.
    assert (event.actor.code, event.actor.sector) == ("NLD", None)  # his own country, no post of any decade
    assert (event.date, event.date_source) == (None, "none")


def test_posts_are_looked_up_at_the_dates_the_text_gives(pipeline):
    [event] = events_of(pipeline, Article(id="u2", text="On June 1, 2012, Mark Rutte met Angela Merkel in Berlin."))
    assert (event.actor.code, event.actor.sector) == ("NLD", "GOV")  # prime minister in 2012, not NATO's chief
    assert (event.date, event.date_source) == ("2012-06-01", "text")


def test_a_text_title_still_names_the_post_of_an_undated_article(pipeline):
    [event] = events_of(pipeline, Article(id="u3", text="Prime Minister Mark Rutte met Olaf Scholz in Berlin."))
    assert (event.actor.code, event.actor.sector) == ("NLD", "GOV")  # the post the text names


def test_a_title_the_knowledge_base_name_holds_is_still_the_texts(pipeline):
    # "President Bush" is itself an alias in people.yml: its title names the post all the same
    [event] = events_of(pipeline, Article(id="u4", text="President Bush accused his challenger of putting politics first."))
    assert (event.actor.code, event.actor.sector) == ("USA", "GOV")
    [event] = events_of(pipeline, Article(id="u5", text="Bush accused his challenger of putting politics first."))
    assert (event.actor.code, event.actor.sector) == ("USA", None)


def test_a_dated_article_keeps_the_post_of_its_date(pipeline):
    [event] = events_of(pipeline, Article(id="d", text=MEETING, published=date(2025, 3, 1)))
    assert (event.actor.code, event.actor.sector, event.date_source) == ("IGO", "GOV", "publication")


@pytest.mark.parametrize("url,day", [
    ("https://news.example.com/world/2011/06/01/talks-in-geneva", date(2011, 6, 1)),
    ("https://example.org/2011-06-01-geneva-talks.html", date(2011, 6, 1)),
    ("https://example.org/archive/20110601/story.html?id=20990101", date(2011, 6, 1)),
    ("http://timesofindia.indiatimes.com//city/lucknow/Jilani/articleshow/3306055.cms", None),  # an article number
    ("https://example.org/2011/02/30/no-such-day", None),
    ("https://example.org/2011/06/geneva", None),  # a month is not a publication day
])
def test_dates_in_url_paths(url, day):
    assert date_from_url(url) == day


@pytest.mark.parametrize("origin,day", [
    ("in/2011-06-01-story.txt", date(2011, 6, 1)),
    ("feeds/20110601.jsonl:12", date(2011, 6, 1)),
    ("2011_06_01 (part 2 of 3)", date(2011, 6, 1)),
    ("2011/06/01/story.txt", None),  # folders are not the file's name
    ("story-12345678.txt", None),
    ("<stdin>", None),
])
def test_dates_in_file_names(origin, day):
    assert date_from_origin(origin) == day


@pytest.fixture(scope="module")
def coded_folder(tmp_path_factory, dyads):
    """One real `dyads code` run over: an undated text file, a dated file name, and JSONL
    records dated by --published-field, by their URL, by nothing, and by a bad field value."""
    folder = tmp_path_factory.mktemp("undated")
    inputs = folder / "in"
    inputs.mkdir()
    (inputs / "story.txt").write_text(f"Talks\n\n{MEETING}\n", encoding="utf-8")
    (inputs / "2012-03-05-meeting.txt").write_text(f"Talks\n\n{MEETING}\n", encoding="utf-8")
    records = [
        {"id": "field", "date": "2012-06-01", "text": MEETING},
        {"id": "url", "url": "https://news.example.com/2011/06/01/rutte-scholz", "text": MEETING},
        {"id": "none", "text": MEETING},
        {"id": "bad", "date": "the day before", "text": MEETING},
    ]
    (inputs / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = folder / "u.duckdb"
    proc = dyads("code", inputs, "--db", db, "--workers", "1", "--published-field", "date")
    return proc, db


def test_dates_from_the_named_field_the_url_and_the_file_name(coded_folder):
    proc, db = coded_folder
    rows = dict(((a, (d, s, c, sec)) for a, d, s, c, sec in db_rows(
        db, "SELECT article_id, date, date_source, actor_code, actor_sector FROM events")))
    assert rows["field"] == ("2012-06-01", "publication", "NLD", "GOV")
    assert rows["url"] == ("2011-06-01", "url", "NLD", "GOV")
    assert rows["2012-03-05-meeting"] == ("2012-03-05", "file name", "NLD", "GOV")
    assert rows["none"] == (None, "none", "NLD", None)
    assert rows["story"] == (None, "none", "NLD", None)
    assert "bad" not in rows


def test_one_warning_line_counts_the_undated_articles(coded_folder):
    proc, _ = coded_folder
    assert proc.returncode == 3, proc.stderr_text  # the bad date was skipped, the rest coded
    warnings = [line for line in proc.stderr_text.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "2 articles had no publication date" in warnings[0]
    assert "date: cannot read a date from 'the day before'" in proc.stderr_text


def test_undated_events_are_listed_without_a_publication_label(coded_folder, dyads):
    _, db = coded_folder
    table = dyads("events", "--db", db)
    assert "(pub)" in table.stdout_text and "(url)" in table.stdout_text and "(file)" in table.stdout_text
    lines = [line for line in table.stdout_text.splitlines() if "Rutte" in line]
    assert sum(1 for line in lines if line.lstrip().startswith("CONSULT")) == 2  # the two undated: no date, no label


def test_an_empty_published_field_is_a_usage_error(dyads, tmp_path):
    proc = dyads("code", tmp_path, "--db", tmp_path / "x.duckdb", "--published-field", " ")
    assert proc.returncode == 2 and "--published-field" in proc.stderr_text and "Traceback" not in proc.stderr_text
