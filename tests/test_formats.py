"""Real inputs: saved web pages, WARC archives, languages, size limits, and every kind of
bad input reported in the summary and the skip log while the rest is coded."""
from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date

import pytest

from dyads.ingest import IngestOptions, Skipped, read_file, read_stdin, screen
from dyads.ingest.encoding import decode_page
from dyads.ingest.language import foreign_language
from dyads.models import Article
from newsfixtures import FRENCH, STORIES, page, story_page, write_warc
from support import db_rows as stored


def articles(records) -> list[Article]:
    return [r for r in records if isinstance(r, Article)]


def skipped(records) -> list[Skipped]:
    return [r for r in records if isinstance(r, Skipped)]


def run_code(dyads, tmp_path, *args):
    db = tmp_path / "t.duckdb"
    proc = dyads("code", *args, "--db", db, "--workers", 1)
    assert "Traceback" not in proc.stderr_text, proc.stderr_text
    return proc, db


# -- HTML ---------------------------------------------------------------------------

def test_page_body_title_date_byline_and_url(tmp_path):
    path = tmp_path / "nairobi.html"
    path.write_text(story_page("nairobi", date="2023-05-06T10:00:00Z", author="Amina Otieno",
                               url="https://courier.example/world/nairobi-arrests"), encoding="utf-8")
    [art] = read_file(path, published=date(2020, 1, 1))
    title, paragraphs = STORIES["nairobi"]
    assert art.id == "nairobi"
    assert art.title == title
    assert art.text == "\n\n".join(paragraphs)  # no menu, byline, sidebar or footer; paragraphs kept
    assert art.published == date(2023, 5, 6)  # the page's own date wins over the default
    assert art.extra["author"] == "Amina Otieno"
    assert art.url == "https://courier.example/world/nairobi-arrests"


def test_page_without_a_date_takes_published_not_its_copyright_year(tmp_path):
    path = tmp_path / "borno.htm"
    path.write_text(story_page("borno"), encoding="utf-8")  # footer says "Copyright 2020"
    [art] = read_file(path, published=date(2023, 5, 9))
    assert art.published == date(2023, 5, 9)
    [art] = read_file(path)
    assert art.published is None


def test_page_with_no_article_is_skipped_with_a_reason(tmp_path):
    path = tmp_path / "login.html"
    path.write_text('<html><head><title>Sign in</title></head><body><nav><a href="/">Home</a></nav>'
                    '<form><input name="user"><button>Sign in</button></form><footer>Help</footer></body></html>',
                    encoding="utf-8")
    [skip] = read_file(path)
    assert isinstance(skip, Skipped)
    assert (skip.origin, skip.reason, skip.kind) == (str(path), "no article text found in the page", "no article")


def test_short_news_brief_keeps_its_paragraphs(tmp_path):
    path = tmp_path / "brief.html"
    path.write_text(page("Envoys expelled", ["Pakistan expelled two Afghan diplomats on Wednesday.", "No reason was given."]),
                    encoding="utf-8")
    [art] = read_file(path)
    assert art.text == "Pakistan expelled two Afghan diplomats on Wednesday.\n\nNo reason was given."


@pytest.mark.parametrize("charset, data", [
    ("windows-1252", "The caf\u00e9 owners met the mayor of Bogot\u00e1 and said \u201cno\u201d.".encode("cp1252")),
    ("iso-8859-1", "The caf\u00e9 owners met the mayor of Bogot\u00e1 on Monday.".encode("latin-1")),
    ("shift_jis", "The caf\u00e9 owners met the mayor of Bogot\u00e1 on Monday.".encode("utf-8")),  # a lying declaration
])
def test_declared_and_misdeclared_charsets(tmp_path, charset, data):
    html = (f'<html><head><meta charset="{charset}"><title>Caf\u00e9 talks</title></head><body><article><p>'.encode("ascii",
            "xmlcharrefreplace") + data + b"</p></article></body></html>")
    path = tmp_path / "cafe.html"
    path.write_bytes(html)
    [art] = read_file(path)
    assert "caf\u00e9 owners met the mayor of Bogot\u00e1" in art.text


def test_mixed_encodings_in_one_page_are_repaired():
    # UTF-8 page with a pasted-in Windows-1252 paragraph (curly quotes as single bytes).
    data = ("<p>The caf\u00e9 in Bogot\u00e1 reopened.</p>".encode("utf-8")
            + "<p>Officials said \u201cit is safe\u201d on Monday.</p>".encode("cp1252"))
    text = decode_page(b"<html><body>" + data + b"</body></html>", "mixed.html")
    assert "caf\u00e9 in Bogot\u00e1" in text and "\u201cit is safe\u201d" in text


def test_mojibake_in_a_page_is_repaired(tmp_path):
    path = tmp_path / "moji.html"
    path.write_text(page("Talks resume", ["The minister said they donâ€™t expect a deal before Friday, officials said."]),
                    encoding="utf-8")
    [art] = read_file(path)
    assert "they don\u2019t expect a deal" in art.text


def test_html_on_stdin():
    [art] = read_stdin(stream=io.BytesIO(story_page("defence").encode("utf-8")))
    assert (art.id, art.title) == ("stdin", STORIES["defence"][0])


def test_folder_of_pages_is_coded_with_events(dyads, tmp_path):
    pages = tmp_path / "pages"
    (pages / "world").mkdir(parents=True)
    (pages / "nairobi.html").write_text(story_page("nairobi", date="2023-05-06"), encoding="utf-8")
    (pages / "world" / "sanctions.htm").write_text(story_page("sanctions"), encoding="utf-8")
    proc, db = run_code(dyads, tmp_path, pages, "--published", "2023-05-08")
    assert proc.returncode == 0, proc.stderr_text
    rows = dict(stored(db, "SELECT id, published FROM articles"))
    assert rows == {"nairobi": date(2023, 5, 6), "sanctions": date(2023, 5, 8)}
    events = stored(db, "SELECT article_id, event, actor_code, recipient_code FROM events ORDER BY article_id")
    assert ("nairobi", "COERCE", "KEN", "KEN") in events  # arrests at home target the own country
    assert ("sanctions", "SANCTION", "IGO", "BLR") in events


# -- WARC ---------------------------------------------------------------------------

def _archive_records() -> list[dict]:
    return [
        {"url": "https://courier.example/robots.txt", "type": "request"},
        {"url": "https://courier.example/world/borno", "body": story_page("borno")},
        {"url": "https://courier.example/logo.png", "body": b"\x89PNG\r\n\x1a\n\x00\x00", "content_type": "image/png"},
        {"url": "https://courier.example/gone", "body": "<html><body>Not here</body></html>", "status": 404},
        {"url": "https://courier.example/world/defence", "body": story_page("defence", date="2023-04-30"),
         "date": "2023-05-02T11:00:00Z"},
        {"url": "https://courier.example/tag/world", "body": "<html><body><nav><a href='/'>Home</a></nav></body></html>"},
    ]


@pytest.mark.parametrize("name, gz", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_warc_html_responses_become_articles(tmp_path, name, gz):
    path = tmp_path / name
    write_warc(path, _archive_records(), gzip=gz)
    recs = list(read_file(path, published=date(2020, 1, 1)))
    arts = articles(recs)
    assert [a.id for a in arts] == ["https://courier.example/world/borno", "https://courier.example/world/defence"]
    assert arts[0].published == date(2023, 5, 4)  # no date on the page: the WARC-Date
    assert arts[1].published == date(2023, 4, 30)  # the page's own date
    assert arts[0].origin == f"{path}#record-2 (https://courier.example/world/borno)"
    assert arts[0].text == "\n\n".join(STORIES["borno"][1])
    # The request, the image and the 404 are not articles; the tag page with no text is reported.
    [skip] = skipped(recs)
    assert skip.origin == f"{path}#record-6 (https://courier.example/tag/world)" and skip.kind == "no article"


def test_damaged_warc_keeps_the_records_before_the_damage(tmp_path):
    path = tmp_path / "cut.warc.gz"
    write_warc(path, _archive_records())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cut inside the fourth record
    recs = list(read_file(path))
    assert [type(r) for r in recs] == [Article, Skipped]
    assert recs[0].id == "https://courier.example/world/borno"
    assert recs[1].origin == f"{path}#record-4" and recs[1].kind == "warc" and "cut short" in recs[1].reason


def test_warc_through_the_cli(dyads, tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, _archive_records())
    proc, db = run_code(dyads, tmp_path, path)
    assert proc.returncode == 3  # the tag page without text is reported
    assert "record-6 (https://courier.example/tag/world): no article text found" in proc.stderr_text
    events = stored(db, "SELECT article_id, event, actor_code, recipient_code FROM events")
    assert ("https://courier.example/world/borno", "ASSAULT", "NGA", "NGA") in events  # militants in Borno are Nigerian
    assert ("https://courier.example/world/defence", "SUPPORT", "FRA", "DEU") in events


# -- language -------------------------------------------------------------------------

FOREIGN = {
    "fr": FRENCH[1][0],
    "de": "Die Regierung hat am Dienstag neue Maßnahmen zur Unterstützung der Landwirte angekündigt, die unter der Dürre leiden.",
    "es": "El gobierno anunció el martes nuevas medidas para apoyar a los agricultores afectados por la sequía.",
}
ENGLISH_SHORT = [
    "Putin meets Bennett", "Ministers meet in Vienna", "Talks resume", "Kim Jong Un fires missile",
    "Modi visits Dhaka", "Merkel and Macron meet in Aachen", "Delegates met in Geneva.",
    "Erdogan, Putin hold talks in Sochi", "Police detain twelve in Nairobi",
]


@pytest.mark.parametrize("lang", sorted(FOREIGN))
def test_foreign_article_is_skipped_with_its_language(lang):
    art = Article(id=lang, text=FOREIGN[lang], origin=f"{lang}.txt")
    [skip] = screen([art], IngestOptions())
    assert isinstance(skip, Skipped)
    assert (skip.origin, skip.reason, skip.kind) == (f"{lang}.txt", f"language: {lang} (not en)", "language")
    assert list(screen([art], IngestOptions(languages=("en", lang)))) == [art]
    assert list(screen([art], IngestOptions(languages=()))) == [art]


@pytest.mark.parametrize("headline", ENGLISH_SHORT)
def test_short_english_headlines_are_never_dropped(headline):
    assert foreign_language(Article(id="h", text=headline), ("en",)) is None
    assert foreign_language(Article(id="h", title=headline, text="Officials confirmed the meeting."), ("en",)) is None


def test_english_stories_with_foreign_names_are_kept():
    for key, (title, paragraphs) in STORIES.items():
        assert foreign_language(Article(id=key, title=title, text="\n\n".join(paragraphs)), ("en",)) is None, key


def test_language_skips_counted_by_kind_in_the_json_summary(dyads, tmp_path):
    path = tmp_path / "mixed.jsonl"
    recs = [{"id": "en-1", "text": " ".join(STORIES["diplomats"][1])}]
    recs += [{"id": f"x-{lang}", "text": text} for lang, text in FOREIGN.items()]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    proc, db = run_code(dyads, tmp_path, path, "--json")
    assert proc.returncode == 3
    summary = json.loads(proc.stdout_text)
    assert summary["articles"] == 1 and summary["skipped_by_kind"] == {"language": 3}
    assert {s["reason"] for s in summary["skipped"]} == {f"language: {lang} (not en)" for lang in FOREIGN}
    assert [r[0] for r in stored(db, "SELECT id FROM articles")] == ["en-1"]
    proc, db = run_code(dyads, tmp_path, path, "--languages", "any", "--no-resume")
    assert proc.returncode == 0
    assert len(stored(db, "SELECT id FROM articles")) == 4


def test_unknown_language_code_is_a_usage_error(dyads, tmp_path):
    proc, _ = run_code(dyads, tmp_path, tmp_path, "--languages", "english")
    assert proc.returncode == 2 and "--languages" in proc.stderr_text and "english" in proc.stderr_text


# -- size limits ------------------------------------------------------------------------

def _long_text(paragraphs: int) -> str:
    return "\n\n".join(f"{STORIES['sanctions'][1][0]} Paragraph {n} adds detail for the record." for n in range(paragraphs))


def test_long_article_is_coded_in_parts_at_paragraph_breaks():
    art = Article(id="long", title="Sanctions", text=_long_text(100), origin="long.txt")
    parts = list(screen([art], IngestOptions(max_chars=2000)))
    assert len(parts) > 3 and all(isinstance(p, Article) for p in parts)
    assert [p.id for p in parts] == [f"long#part{n}" for n in range(1, len(parts) + 1)]
    assert all(len(p.body) <= 2000 for p in parts)
    assert parts[0].title == "Sanctions" and not parts[1].title
    assert "\n\n".join(p.text for p in parts) == art.text  # nothing lost, nothing cut mid-paragraph
    assert parts[1].extra == {"part": 2, "parts": len(parts), "whole_article": "long"}


def test_one_giant_paragraph_is_cut_at_sentences():
    text = " ".join(["Pakistan expelled two Afghan diplomats on Wednesday."] * 200)
    parts = list(screen([Article(id="g", text=text)], IngestOptions(max_chars=1500)))
    assert len(parts) > 5
    assert all(p.text.endswith(".") and len(p.text) <= 1500 for p in parts)
    assert " ".join(p.text for p in parts) == text


def test_long_article_through_the_cli_is_coded_in_parts(dyads, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Sanctions widen\n\n" + _long_text(60), encoding="utf-8")
    proc, db = run_code(dyads, tmp_path, path, "--max-chars", 2000)
    assert proc.returncode == 0, proc.stderr_text
    ids = [r[0] for r in stored(db, "SELECT id FROM articles ORDER BY id")]
    assert len(ids) > 2 and all(i.startswith("long#part") for i in ids)
    assert stored(db, "SELECT count(DISTINCT article_id) FROM events WHERE event = 'SANCTION'")[0][0] == len(ids)


def test_oversized_line_file_and_page_are_skipped_not_read_whole(tmp_path):
    options = IngestOptions(max_bytes=5000)
    jsonl = tmp_path / "big.jsonl"
    jsonl.write_text(json.dumps({"id": "huge", "text": "word " * 5000}) + "\n"
                     + json.dumps({"id": "ok", "text": "Pakistan expelled two Afghan diplomats."}) + "\n", encoding="utf-8")
    recs = list(read_file(jsonl, options=options))
    assert [a.id for a in articles(recs)] == ["ok"]
    assert [(s.origin, s.kind) for s in skipped(recs)] == [(f"{jsonl}:1", "too large")]
    table = tmp_path / "big.csv"
    table.write_bytes(b"id,text\nok,Pakistan expelled two Afghan diplomats.\nbig," + b"x" * 8000
                      + b"\nok2,The army said two soldiers were wounded.\nbinary," + b"\x00\xff" * 4000)
    recs = list(read_file(table, options=options))
    assert [a.id for a in articles(recs)] == ["ok", "ok2"]
    assert [(s.origin, s.kind) for s in skipped(recs)] == [(f"{table}:3", "too large"), (f"{table}:5", "too large")]
    txt = tmp_path / "big.txt"
    txt.write_text("Headline\n\n" + "word " * 5000, encoding="utf-8")
    [skip] = read_file(txt, options=options)
    assert skip.kind == "too large" and "5,000 bytes" in skip.reason


def test_jsonl_on_stdin_is_streamed_past_the_size_limit():
    lines = b"".join(json.dumps({"id": f"s{n}", "text": STORIES["defence"][1][0]}).encode() + b"\n" for n in range(400))
    recs = list(read_stdin(stream=io.BytesIO(lines), options=IngestOptions(max_bytes=5000)))
    assert len(lines) > 40_000 and [a.id for a in articles(recs)] == [f"s{n}" for n in range(400)]


# -- bad input: each kind reported, the rest coded --------------------------------------

GOOD = {"id": "good", "title": "Envoys expelled", "text": "Pakistan expelled two Afghan diplomats on Wednesday."}


@pytest.fixture
def bad_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_empty.html").write_bytes(b"")
    (folder / "b_binary.html").write_bytes(b"\x00\x01\x02GIF89a\x00\x00" * 50)
    (folder / "c_noarticle.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (folder / "d_french.txt").write_text(FRENCH[0] + "\n\n" + " ".join(FRENCH[1]), encoding="utf-8")
    (folder / "e_records.jsonl").write_text(
        json.dumps(GOOD) + "\n" + '{"id": "cut", "text": "no end"\n' + '["not", "an", "object"]\n'
        + json.dumps({"id": "notext", "title": "Only a title"}) + "\n", encoding="utf-8")
    (folder / "f_nocolumn.csv").write_text("id,body\nx1,Some text.\n", encoding="utf-8")
    with open(folder / "g_rows.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text"])
        w.writerow(["r1", "Soldiers kill militants", STORIES["borno"][1][0]])
        w.writerow(["r2", "Too many", "Some text.", "an extra field"])
        w.writerow(["r3", "Long", " ".join(STORIES["sanctions"][1]) * 800])  # > csv's default 131072 field limit
    with open(folder / "h_latin1.csv", "wb") as fh:
        fh.write(b"id,text\nl1,Pakistan expelled two Afghan diplomats.\nl2,The caf\xe9 closed.\n")
    (folder / "i_gzip.jsonl.gz").write_bytes(gzip.compress(json.dumps(GOOD | {"id": "gz"}).encode())[:-10])
    return folder


EXPECTED_KINDS = {
    "a_empty.html": "empty", "b_binary.html": "binary", "c_noarticle.html": "no article",
    "d_french.txt": "language", "e_records.jsonl:2": "json", "e_records.jsonl:3": "record",
    "e_records.jsonl:4": "record", "f_nocolumn.csv": "csv", "g_rows.csv:3": "csv", "h_latin1.csv:3": "encoding",
    "i_gzip.jsonl.gz": "unreadable",
}


def test_every_bad_input_is_reported_and_the_rest_is_coded(dyads, tmp_path, bad_folder):
    log = bad_folder / "skips.jsonl"  # inside the folder being coded: must not be read back as input
    proc, db = run_code(dyads, tmp_path, bad_folder, "--skip-log", log, "--json")
    assert proc.returncode == 3, proc.stderr_text
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    got = {e["input"].removeprefix(f"{bad_folder}/"): e["kind"] for e in entries}
    assert got == EXPECTED_KINDS
    assert all(e["reason"] for e in entries)
    summary = json.loads(proc.stdout_text)
    assert summary["skipped_total"] == len(EXPECTED_KINDS)
    assert sum(summary["skipped_by_kind"].values()) == len(EXPECTED_KINDS)
    ids = {r[0] for r in stored(db, "SELECT id FROM articles")}
    assert {i.split("#part")[0] for i in ids} == {"good", "r1", "r3", "l1"}  # r3 is long: coded in parts
    assert ("r1", "ASSAULT") in stored(db, "SELECT article_id, event FROM events")


def test_summary_on_stderr_names_each_input_and_counts_kinds(dyads, tmp_path, bad_folder):
    proc, _ = run_code(dyads, tmp_path, bad_folder)
    assert proc.returncode == 3
    first = proc.stderr_text.splitlines()[0]
    assert f"skipped {len(EXPECTED_KINDS)} inputs" in first and "record 2" in first and "language 1" in first
    for name in EXPECTED_KINDS:
        assert any(f"{bad_folder}/{name}:" in line or line.endswith(f"{bad_folder}/{name}")
                   or f"{bad_folder}/{name} " in line for line in proc.stderr_text.splitlines()), name
