"""Damaged and empty inputs (issue 15): a cut uncompressed WARC, a CSV quote left open,
empty record files. Each is reported where the damage is, with its reason, the good
records are still coded, and the run exits 3 as for any skipped input."""
from __future__ import annotations

import json

import pytest
from warcio.archiveiterator import ArchiveIterator

from dyads.ingest import Skipped, read_file
from dyads.models import Article
from newsfixtures import STORIES, story_page, write_warc
from support import db_rows

EXIT_SKIPPED = 3  # the CLI's exit code when some input was skipped


def run_code(dyads, tmp_path, *paths):
    """The real `dyads code` on the paths, with a skip log; the process, the store and the log's entries."""
    db, log = tmp_path / "t.duckdb", tmp_path / "skips.jsonl"
    proc = dyads("code", *paths, "--published", "2023-05-04", "--db", db, "--workers", 1, "--skip-log", log)
    assert "Traceback" not in proc.stderr_text + proc.stdout_text, proc.stderr_text
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return proc, db, entries


def stored_ids(db) -> list[str]:
    return [row[0] for row in db_rows(db, "SELECT id FROM articles ORDER BY id")]


def split(records) -> tuple[list[Article], list[Skipped]]:
    records = list(records)
    return [r for r in records if isinstance(r, Article)], [r for r in records if isinstance(r, Skipped)]


# -- 6: an uncompressed WARC cut short ------------------------------------------------------

KEYS = ["nairobi", "sanctions", "diplomats"]
URLS = [f"https://courier.example/{k}" for k in KEYS]


@pytest.fixture
def warc(tmp_path):
    """An uncompressed WARC of three response records, and each record's (offset, length) as warcio gives them."""
    path = tmp_path / "crawl.warc"
    write_warc(path, [{"url": url, "body": story_page(k)} for k, url in zip(KEYS, URLS)], gzip=False)
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        spans = [(records.get_record_offset(), records.get_record_length()) for _ in records]
    assert len(spans) == 3
    return path, spans


def cut(path, at: int) -> None:
    path.write_bytes(path.read_bytes()[:at])


def test_cut_uncompressed_warc_through_the_cli(dyads, tmp_path, warc):
    path, spans = warc
    offset, length = spans[1]
    cut(path, offset + length // 2)  # in the middle of record 2's page
    proc, db, skips = run_code(dyads, tmp_path, path)
    assert proc.returncode == EXIT_SKIPPED, proc.stderr_text
    assert skips == [{"input": f"{path}#record-2", "kind": "warc", "reason": skips[0]["reason"]}]
    assert "cut short" in skips[0]["reason"] and f"at byte {offset:,}" in skips[0]["reason"]
    assert any(f"skipped {path}#record-2: damaged WARC" in line for line in proc.stderr_text.splitlines())
    assert stored_ids(db) == [URLS[0]]  # record 1 coded; no half page of record 2
    events = db_rows(db, f"SELECT actor_code, recipient_code FROM events WHERE article_id = '{URLS[0]}'")
    assert ("KEN", "KEN") in events


@pytest.mark.parametrize("where, damaged", [
    ("WARC header", 2), ("HTTP header", 2), ("page", 2), ("WARC header", 3), ("first line", 3),
])
def test_cut_anywhere_is_reported_at_the_record_it_cuts(warc, where, damaged):
    path, spans = warc
    data, offset = path.read_bytes(), spans[damaged - 1][0]
    warc_header_end = data.index(b"\r\n\r\n", offset) + 4
    http_header_end = data.index(b"\r\n\r\n", warc_header_end) + 4
    cut(path, {"first line": offset + 4, "WARC header": offset + 60, "HTTP header": warc_header_end + 10,
               "page": http_header_end + 100}[where])
    arts, skips = split(read_file(path))
    assert [a.id for a in arts] == URLS[: damaged - 1]
    [skip] = skips
    assert (skip.origin, skip.kind) == (f"{path}#record-{damaged}", "warc")
    assert "cut short" in skip.reason and "\n" not in skip.reason


def test_warc_cut_between_records_loses_nothing(warc):
    path, spans = warc
    offset, length = spans[1]
    cut(path, offset + length + 2)  # only part of the blank lines after record 2 is gone
    arts, skips = split(read_file(path))
    assert [a.id for a in arts] == URLS[:2] and not skips


def test_blank_lines_around_a_warc_are_not_damage(warc):
    path, _ = warc
    path.write_bytes(b"\r\n\n" + path.read_bytes() + b"\r\n\r\n\n")
    arts, skips = split(read_file(path))
    assert [a.id for a in arts] == URLS and not skips


def test_uncut_warc_page_text_is_whole(warc):
    path, _ = warc
    arts, skips = split(read_file(path))
    assert not skips and arts[1].text == "\n\n".join(STORIES["sanctions"][1])


# -- 11: a CSV quote left open ---------------------------------------------------------------

GOOD = [("c1", "Kenyan police arrested twelve opposition supporters in Nairobi on Saturday."),
        ("c2", "The European Union imposed new sanctions on Belarus on Monday."),
        ("c3", "Pakistan expelled two Afghan diplomats on Wednesday.")]


def csv_text(bad_row: str) -> str:
    """Header, a good row, the bad row on line 3, then two good rows (lines 4 and 5)."""
    (i1, t1), (i2, t2), (i3, t3) = GOOD
    return f'id,text\n{i1},"{t1}"\n{bad_row}\n{i2},"{t2}"\n{i3},{t3}\n'


@pytest.mark.parametrize("bad_row, ran_to", [
    ('bad,"The quote opens here and never closes.', "line 4"),  # paired with row 4's opening quote
    ('bad,"The quote opens here, no quote follows', "the end of the file"),
])
def test_unterminated_quote_is_reported_at_its_line_and_later_rows_are_read(tmp_path, bad_row, ran_to):
    path = tmp_path / "wire.csv"
    text = csv_text(bad_row)
    if ran_to == "the end of the file":
        text = text.replace(f'"{GOOD[1][1]}"', GOOD[1][1])  # no quote after the bad one
    path.write_text(text, encoding="utf-8")
    arts, skips = split(read_file(path))
    assert [(a.id, a.text) for a in arts] == GOOD
    assert [a.origin for a in arts] == [f"{path}:2", f"{path}:4", f"{path}:5"]
    [skip] = skips
    assert (skip.origin, skip.kind) == (f"{path}:3", "csv")
    assert skip.reason.startswith("unterminated quote") and f"ran on to {ran_to}" in skip.reason


def test_unterminated_quote_after_a_multiline_field_names_its_own_line(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('id,text,note\nm1,"First paragraph.\n\nSecond paragraph.","open\nc1,Talks resumed.,x\n',
                    encoding="utf-8")
    arts, skips = split(read_file(path))
    [skip] = skips
    assert skip.origin == f"{path}:4" and skip.reason.startswith("unterminated quote")
    assert [(a.id, a.text) for a in arts] == [("c1", "Talks resumed.")]


def test_quote_on_the_last_line_left_open(tmp_path):
    path = tmp_path / "last.csv"
    path.write_text(f'id,text\n{GOOD[0][0]},{GOOD[0][1]}\nbad,"cut off', encoding="utf-8")
    arts, skips = split(read_file(path))
    assert [a.id for a in arts] == ["c1"]
    assert [(s.origin, s.kind) for s in skips] == [(f"{path}:3", "csv")]
    assert "ran on to the end of the file" in skips[0].reason


def test_well_quoted_csv_is_untouched(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text('id,text\nq1,"He said ""we will talk"", then left."\nq2,"Line one.\n\nLine two."\n',
                    encoding="utf-8")
    arts, skips = split(read_file(path))
    assert not skips
    assert [a.text for a in arts] == ['He said "we will talk", then left.', "Line one.\n\nLine two."]


def test_stray_quote_in_one_line_is_reported_on_that_line(tmp_path):
    path = tmp_path / "stray.csv"
    path.write_text(f'id,text\nbad,"He said "no" twice"\n{GOOD[0][0]},{GOOD[0][1]}\n', encoding="utf-8")
    arts, skips = split(read_file(path))
    assert [a.id for a in arts] == ["c1"]
    assert [(s.origin, s.kind) for s in skips] == [(f"{path}:2", "csv")]
    assert "not doubled" in skips[0].reason


def test_unterminated_quote_through_the_cli(dyads, tmp_path):
    path = tmp_path / "wire.csv"
    path.write_text(csv_text('bad,"The quote opens here and never closes.'), encoding="utf-8")
    proc, db, skips = run_code(dyads, tmp_path, path)
    assert proc.returncode == EXIT_SKIPPED, proc.stderr_text
    assert [(s["input"], s["kind"]) for s in skips] == [(f"{path}:3", "csv")]
    assert any(f"skipped {path}:3: unterminated quote" in line for line in proc.stderr_text.splitlines())
    assert stored_ids(db) == ["c1", "c2", "c3"]
    texts = dict(db_rows(db, "SELECT id, text FROM articles"))
    assert texts == dict(GOOD)  # no row swallowed into another's text
    assert db_rows(db, "SELECT count(*) FROM events WHERE article_id = 'c2'")[0][0] >= 1


# -- 12: empty record files are reported like an empty .txt ---------------------------------

@pytest.mark.parametrize("name, content", [
    ("empty.jsonl", b""), ("blank.jsonl", b"\n  \n\r\n"), ("empty.ndjson", b""),
    ("empty.csv", b""), ("blank.csv", b"\n \n"), ("empty.json", b""), ("blank.json", b" \n"),
    ("empty.warc", b""), ("blank.warc", b"\r\n\r\n"), ("empty.txt", b""),
])
def test_empty_file_is_reported_as_empty(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert list(read_file(path)) == [Skipped(str(path), "empty file", "empty")]


def test_empty_gzipped_jsonl_is_reported(tmp_path):
    import gzip

    path = tmp_path / "empty.jsonl.gz"
    path.write_bytes(gzip.compress(b""))
    assert list(read_file(path)) == [Skipped(str(path), "empty file", "empty")]


def test_csv_with_a_header_and_no_rows_is_reported(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("id,text\n\n", encoding="utf-8")
    assert list(read_file(path)) == [Skipped(str(path), "no rows under the header", "empty")]


def test_empty_jsonl_csv_and_txt_alike_through_the_cli(dyads, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.jsonl", "b.csv", "c.txt"):
        (folder / name).write_bytes(b"")
    (folder / "d.jsonl").write_text(json.dumps({"id": "d1", "text": GOOD[2][1]}) + "\n", encoding="utf-8")
    proc, db, skips = run_code(dyads, tmp_path, folder)
    assert proc.returncode == EXIT_SKIPPED, proc.stderr_text
    assert sorted((s["input"], s["reason"], s["kind"]) for s in skips) == [
        (str(folder / name), "empty file", "empty") for name in ("a.jsonl", "b.csv", "c.txt")]
    for name in ("a.jsonl", "b.csv", "c.txt"):
        assert f"skipped {folder / name}: empty file" in proc.stderr_text
    assert stored_ids(db) == ["d1"]


def test_only_an_empty_jsonl_exits_3(dyads, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    proc, db, skips = run_code(dyads, tmp_path, path)
    assert proc.returncode == EXIT_SKIPPED, proc.stderr_text
    assert skips == [{"input": str(path), "reason": "empty file", "kind": "empty"}]
