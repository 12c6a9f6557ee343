"""Property-based and fuzz tests: random and mutated files through ingest and through the
whole pipeline into the store. Nothing may raise, and every good record must come out.
Each example is counted (``fuzzed``); the total is printed at the end of the run."""
from __future__ import annotations

import contextlib
import gzip
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from dyads.errors import InputError
from dyads.ingest import IngestOptions, Skipped, read_inputs
from dyads.ingest.feeds import read_feed
from dyads.models import Article
from dyads.run import RunSummary, code_records
from dyads.store import Store
from newsfixtures import STORIES, atom, page, rss, story_page, write_warc

def scaled(examples: int) -> int:
    """DYADS_FUZZ_SCALE=10 runs ten times the examples (a deeper run than the suite's)."""
    return max(1, int(examples * float(os.environ.get("DYADS_FUZZ_SCALE", "1"))))


SUFFIXES = [".txt", ".jsonl", ".jsonl.gz", ".ndjson", ".csv", ".html", ".htm", ".warc", ".warc.gz"]
SMALL = IngestOptions(max_chars=1500, max_bytes=20_000)  # small limits so the fuzzer reaches them
SENTENCES = [s for _, paragraphs in STORIES.values() for s in paragraphs]


@contextlib.contextmanager
def counted(fuzzed: dict):
    fuzzed["run"] += 1
    yield
    fuzzed["passed"] += 1


def read_all(path: Path, options: IngestOptions = SMALL) -> list:
    records = list(read_inputs([str(path)], options=options))
    for rec in records:
        assert isinstance(rec, (Article, Skipped))
        if isinstance(rec, Skipped):
            assert rec.origin and rec.reason and rec.category
        else:
            assert rec.id and rec.text.strip() and len(rec.body) <= options.max_chars + 600
    return records


def good_ids(records) -> list[str]:
    return [r.id for r in records if isinstance(r, Article)]


def in_tmp(name: str, data: bytes):
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / name
    path.write_bytes(data)
    return folder, path


# -- mutations ---------------------------------------------------------------------------

mutation = st.tuples(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]),
                     st.floats(0, 1), st.binary(min_size=1, max_size=24))


def mutate(data: bytes, ops: list) -> bytes:
    buf = bytearray(data)
    for op, where, noise in ops:
        at = int(where * len(buf)) if buf else 0
        if op == "flip" and buf:
            buf[min(at, len(buf) - 1)] ^= noise[0] or 0xFF
        elif op == "insert":
            buf[at:at] = noise
        elif op == "delete":
            del buf[at:at + len(noise)]
        elif op == "truncate":
            del buf[at:]
        else:
            buf[at:at] = buf[max(0, at - 64):at]
    return bytes(buf)


def _valid(suffix: str) -> bytes:
    """A valid file of the format, for mutating."""
    if suffix.startswith(".jsonl") or suffix == ".ndjson":
        data = "".join(json.dumps({"id": f"r{n}", "text": s}) + "\n" for n, s in enumerate(SENTENCES)).encode()
    elif suffix == ".csv":
        data = ("id,text\n" + "".join(f'r{n},"{s}"\n' for n, s in enumerate(SENTENCES))).encode()
    elif suffix in (".html", ".htm"):
        data = story_page("nairobi", date="2023-05-06", author="A. Writer").encode()
    elif suffix == ".txt":
        data = ("Headline here\n\n" + "\n\n".join(SENTENCES[:4])).encode()
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "x.warc"
            write_warc(path, [{"url": f"https://courier.example/{k}", "body": story_page(k)} for k in STORIES],
                       gzip=False)
            data = path.read_bytes()
    return gzip.compress(data) if suffix.endswith(".gz") else data


VALID = {suffix: _valid(suffix) for suffix in SUFFIXES}


# -- ingest: random and mutated bytes in every format --------------------------------------

@settings(max_examples=scaled(250), suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(SUFFIXES), data=st.binary(max_size=3000), compress=st.booleans())
def test_random_bytes_in_any_format_never_raise(fuzzed, suffix, data, compress):
    with counted(fuzzed):
        folder, path = in_tmp("random" + suffix, gzip.compress(data) if compress else data)
        with folder:
            read_all(path)


@settings(max_examples=scaled(250), suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(SUFFIXES), ops=st.lists(mutation, min_size=1, max_size=6))
def test_mutated_files_in_any_format_never_raise(fuzzed, suffix, ops):
    with counted(fuzzed):
        folder, path = in_tmp("mutated" + suffix, mutate(VALID[suffix], ops))
        with folder:
            read_all(path)


FEEDS = {"rss": rss([{"title": t, "link": f"https://courier.example/{k}", "description": " ".join(p),
                      "date": "Thu, 04 May 2023 08:00:00 GMT"} for k, (t, p) in STORIES.items()]).encode(),
         "atom": atom([{"title": t, "link": f"https://courier.example/{k}", "summary": p[0]}
                       for k, (t, p) in STORIES.items()]).encode()}


@settings(max_examples=scaled(100), suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(FEEDS)), ops=st.lists(mutation, min_size=1, max_size=6))
def test_mutated_feeds_are_read_or_refused_with_a_reason(fuzzed, kind, ops):
    with counted(fuzzed):
        folder, path = in_tmp(f"feed.{kind}", mutate(FEEDS[kind], ops))
        with folder:
            try:
                feed = read_feed(str(path), 1.0, 100_000)
            except InputError as exc:
                assert exc.kind in ("feed", "fetch") and exc.reason and "\n" not in exc.reason
                return
        assert all(item.url or item.content for item in feed.items)


# -- ingest: good records among bad ones are all kept ---------------------------------------

good_record = st.builds(lambda n, s: {"id": f"good-{n}", "title": "Report", "text": s},
                        st.integers(0, 10**6), st.sampled_from(SENTENCES))
bad_jsonl_line = st.one_of(
    st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" ")),  # noise
    st.builds(lambda ops, s: mutate(json.dumps({"id": "mut", "text": s}).encode(), ops).replace(b"\n", b" "),
              st.lists(mutation, min_size=1, max_size=3), st.sampled_from(SENTENCES)),
    st.sampled_from([b'{"id": "surrogate", "text": "\\ud800 lone"}', b'{"text": ""}', b"[1, 2]", b"null",
                     b'{"id": "x", "text": 5}', b'{"id": "d", "text": "Fine.", "published": "not a date at all"}',
                     b"\xef\xbb\xbf{}", b'{"a": ' * 5000,
                     b'{"id": "sur\\ud800", "text": "Pakistan expelled two envoys. \\udfff", "title": "\\ud800",'
                     b' "source": "\\udfff", "url": "\\ud800", "tag": "\\ud800"}',
                     b'{"id": "deep", "text": "Fine.", "x": ' + b"[" * 900 + b"]" * 900 + b"}"]),
)


@settings(max_examples=scaled(150), suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(good_record, bad_jsonl_line), max_size=25), compress=st.booleans())
def test_jsonl_keeps_every_good_record_among_bad_lines(fuzzed, lines, compress):
    lines = [_unique(line, n) for n, line in enumerate(lines)]
    data = b"\n".join(json.dumps(line).encode() if isinstance(line, dict) else line for line in lines) + b"\n"
    with counted(fuzzed):
        folder, path = in_tmp("mix.jsonl.gz" if compress else "mix.jsonl", gzip.compress(data) if compress else data)
        with folder:
            records = read_all(path, IngestOptions())
        expected = [line for line in lines if isinstance(line, dict)]
        kept = {r.id: r for r in records if isinstance(r, Article)}
        for rec in expected:
            assert kept[rec["id"]].text == rec["text"]


def _unique(line, n: int):
    return {**line, "id": f"{line['id']}-{n}"} if isinstance(line, dict) else line


bad_csv_row = st.one_of(
    st.just(b"only-an-id,"),
    st.just(b"x,Some text,an extra field"),
    st.binary(max_size=80).map(lambda b: bytes(c for c in b if c not in b'"\r\n')),  # noise without quotes
    st.just(b"bad,The caf\xe9 closed."),
)


@settings(max_examples=scaled(120), suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.one_of(good_record, bad_csv_row), max_size=20))
def test_csv_keeps_every_good_row_among_bad_ones(fuzzed, rows):
    rows = [_unique(row, n) for n, row in enumerate(rows)]
    body = b"".join((f'{r["id"]},"{r["text"]}"'.encode() if isinstance(r, dict) else r) + b"\n" for r in rows)
    with counted(fuzzed):
        folder, path = in_tmp("rows.csv", b"id,text\n" + body)
        with folder:
            records = read_all(path, IngestOptions())
        kept = {r.id: r.text for r in records if isinstance(r, Article)}
        for row in rows:
            if isinstance(row, dict):
                assert kept[row["id"]] == row["text"]


@settings(max_examples=scaled(60), suppress_health_check=[HealthCheck.too_slow])
@given(keys=st.lists(st.sampled_from(sorted(STORIES)), min_size=1, max_size=4, unique=True),
       tail=st.binary(max_size=400), gz=st.booleans())
def test_warc_with_a_damaged_tail_keeps_every_page_before_it(fuzzed, keys, tail, gz):
    with counted(fuzzed), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("a.warc.gz" if gz else "a.warc")
        write_warc(path, [{"url": f"https://courier.example/{k}", "body": story_page(k)} for k in keys], gzip=gz)
        path.write_bytes(path.read_bytes() + tail)
        records = read_all(path, IngestOptions())
        assert good_ids(records)[: len(keys)] == [f"https://courier.example/{k}" for k in keys]


# -- the whole pipeline: random records and bad lines into the store ---------------------------

random_record = st.fixed_dictionaries(
    {"id": st.text(max_size=12), "text": st.text(max_size=400)},
    optional={"title": st.text(max_size=60), "published": st.one_of(st.text(max_size=20), st.integers(), st.none()),
              "url": st.text(max_size=30), "source": st.one_of(st.text(max_size=10), st.integers()),
              "tags": st.lists(st.text(max_size=5), max_size=3)},
)
prose = st.lists(st.sampled_from(SENTENCES + ["", "\u202eReversed text.", "Zero\u200bwidth.", "Emoji 🇺🇦 flag."]),
                 min_size=1, max_size=6).map(" ".join)


@settings(max_examples=scaled(40), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(good=st.lists(good_record, min_size=1, max_size=3),
       noise=st.lists(st.one_of(random_record.map(json.dumps).map(str.encode), bad_jsonl_line,
                                prose.map(lambda t: json.dumps({"id": "prose", "text": t}).encode())), max_size=6),
       page_ops=st.lists(mutation, max_size=3))
def test_whole_pipeline_never_raises_and_stores_every_good_record(fuzzed, pipeline, good, noise, page_ops):
    good = [_unique(rec, n) for n, rec in enumerate(good)]
    noise = [_unique(json.loads(line), 100 + n) if line.startswith(b'{"id": "prose"') else line
             for n, line in enumerate(noise)]
    lines = [json.dumps(rec).encode() for rec in good] + [json.dumps(x).encode() if isinstance(x, dict) else x
                                                          for x in noise]
    with counted(fuzzed), tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "in").mkdir()
        (root / "in" / "records.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        (root / "in" / "page.html").write_bytes(mutate(page("Talks", SENTENCES[:3]).encode(), page_ops))
        summary = RunSummary()
        with Store(root / "fuzz.duckdb") as store:
            code_records(pipeline, store, read_inputs([str(root / "in")], options=SMALL), summary)
            stored = dict(store.con.execute("SELECT id, text FROM articles").fetchall())
        for rec in good:
            assert stored[rec["id"]] == rec["text"]
        assert summary.articles == len(stored) or summary.articles >= len(good)
