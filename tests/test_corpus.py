"""The annotated corpus: reading and checking files, real-text offsets, agreement, splits."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dyads.corpus.agreement import agreement, kappa
from dyads.corpus.annotations import (AnnotationProblem, anchor_annotation, find_quote, read_corpus, sentence_hash,
                                      split_of)
from dyads.corpus.stats import corpus_stats

REPO = Path(__file__).parent.parent
SHARED = REPO.parent / "shared"

GOOD = {
    "id": "t-good", "published": "1998-06-04", "style": "wire",
    "title": {"text": "Kenyan police tear-gas students", "events": [
        {"trigger": "tear-gas", "type": "COERCE", "actor": {"text": "Kenyan police", "code": "KEN", "sector": "COP"},
         "recipient": {"text": "students", "code": "KEN", "sector": "EDU"}}]},
    "paragraphs": [
        [{"text": "NAIROBI, June 4 (Reuters) - Police fired tear gas at students who blocked a road to demand the release of their leader.",
          "events": [
              {"trigger": "fired tear gas", "type": "COERCE", "actor": {"text": "Police", "code": "KEN", "sector": "COP"},
               "recipient": {"text": "students", "code": "KEN", "sector": "EDU"}, "date": "1998-06-04"},
              {"trigger": "blocked a road", "type": "PROTEST", "mode": "obstruct", "actor": {"text": "students", "code": "KEN", "sector": "EDU"},
               "recipient": {"text": None, "code": "KEN", "sector": "GOV"}},
              {"trigger": "release", "type": "RETREAT", "mode": "release", "factuality": "hypothetical",
               "recipient": {"text": "their leader", "code": "KEN", "sector": "EDU"}}]}],
        [{"text": "Gor Mahia beat AFC Leopards 2-1 in the derby.", "events": [], "negative": "sports"}],
    ],
}


def write_jsonl(path: Path, lines) -> Path:
    path.write_text("".join((json.dumps(x) if not isinstance(x, str) else x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_written_document_offsets_point_at_the_quoted_words(tmp_path):
    read = read_corpus([write_jsonl(tmp_path / "a.jsonl", [GOOD])])
    assert read.problems == []
    [doc] = read.docs
    body = doc.article.body
    assert body.startswith("Kenyan police tear-gas students\n\nNAIROBI, June 4")
    title, lede, sport = doc.sentences
    assert body[title.mentions[0].trigger[0]:title.mentions[0].trigger[1]] == "tear-gas"
    coerce, protest, retreat = lede.mentions
    assert body[slice(*coerce.trigger)] == "fired tear gas"
    assert body[slice(*coerce.actors[0].span)] == "Police"
    assert protest.recipients[0].span is None and protest.recipients[0].code == "KEN"
    assert retreat.factuality == "hypothetical" and retreat.actors == ()
    assert sport.mentions == [] and sport.negative == "sports"


def test_quotes_match_whole_words_only():
    assert find_quote("Police warned of war.", "war", 1, "t") == (17, 20)
    with pytest.raises(AnnotationProblem, match="not in the sentence"):
        find_quote("They warned.", "war", 1, "t")
    assert find_quote("talks and more talks", "talks", 2, "t") == (15, 20)


@pytest.mark.parametrize("change,reason", [
    (lambda d: d["paragraphs"][0][0]["events"][0].update(type="BOMB"), "no PLOVER 2.0 type"),
    (lambda d: d["paragraphs"][0][0]["events"][1].update(mode="march"), "not a mode of PROTEST"),
    (lambda d: d["paragraphs"][0][0]["events"][0]["actor"].update(code="XXX"), "no ISO 3166-1 alpha-3"),
    (lambda d: d["paragraphs"][0][0]["events"][0]["actor"].update(sector="ARMY"), "sector 'ARMY'"),
    (lambda d: d["paragraphs"][0][0]["events"][0].update(trigger="shot"), "'shot' is not in the sentence"),
    (lambda d: d["paragraphs"][0][0]["events"][0].update(factuality="maybe"), "factuality"),
    (lambda d: d["paragraphs"][1][0].update(events=[{"trigger": "beat", "type": "ASSAULT"}]), "marked negative has events"),
    (lambda d: d.update(published="June 1998"), "not YYYY-MM-DD"),
])
def test_bad_annotations_are_reported_with_file_line_and_reason(tmp_path, change, reason):
    bad = json.loads(json.dumps(GOOD))
    bad["id"] = "t-bad"
    change(bad)
    path = write_jsonl(tmp_path / "a.jsonl", [GOOD, bad, "{not json"])
    read = read_corpus([path])
    assert [d.id for d in read.docs] == ["t-good"]  # the good document is kept
    (origin, message), (origin3, message3) = read.problems
    assert origin == f"{path}:2" and reason in message
    assert origin3 == f"{path}:3" and "not JSON" in message3


def test_repeated_ids_are_refused(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [GOOD, GOOD])
    read = read_corpus([path])
    assert len(read.docs) == 1 and "already used" in read.problems[0][1]


def test_split_is_fixed_by_id_and_near_80_10_10():
    assert split_of("w01-0001") == split_of("w01-0001")
    splits = [split_of(f"w99-{i:04d}") for i in range(3000)]
    assert 0.08 < splits.count("test") / 3000 < 0.12 and 0.08 < splits.count("dev") / 3000 < 0.12


def test_stats_count_what_the_corpus_holds(tmp_path):
    stats = corpus_stats(read_corpus([write_jsonl(tmp_path / "a.jsonl", [GOOD])]).docs)
    assert stats["documents"] == 1 and stats["sentences"] == 3 and stats["mentions"] == 4
    assert stats["no_event_sentences"] == 1 and stats["hard_negatives"] == 1
    assert stats["types"] == {"COERCE": 2, "PROTEST": 1, "RETREAT": 1}
    assert stats["factuality"] == {"asserted": 3, "hypothetical": 1}


def test_the_project_corpus_reads_without_problems():
    read = read_corpus([REPO / "corpus" / "written"])
    assert read.problems == []
    stats = corpus_stats(read.docs)
    assert stats["documents"] >= 500 and stats["no_event_share"] >= 0.35
    assert all(n >= 50 for n in stats["types"].values()) and len(stats["types"]) == 16


# -- real text, stored as offsets ------------------------------------------------------------

needs_shared = pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="../shared/corpora not present")


def _india_record():
    with open(SHARED / "corpora" / "india_police_events_2002.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if "â€" in rec["text"]:
                return rec


@needs_shared
def test_real_text_offsets_map_onto_the_repaired_article(tmp_path):
    rec = _india_record()
    raw = rec["text"]
    start = raw.index("â€")
    start = raw.rfind(". ", 0, start) + 2
    end = raw.index(".", raw.index("â€")) + 1
    sentence = raw[start:end]
    word = next(w for w in sentence.split() if w.isalpha() and len(w) > 4)
    task = {"task": "t-0001", "corpus": "india_police_events_2002", "doc": rec["id"], "field": "text",
            "start": start, "end": end, "sha1": sentence_hash(sentence), "sentence": sentence}
    record = anchor_annotation(task, {"task": "t-0001", "events": [
        {"trigger": word, "type": "ACCUSE", "actor": {"text": None, "code": "IND", "sector": "GOV"}}]})
    assert "sentence" not in record and record["events"][0]["trigger"][0] >= start  # offsets only, no text
    read = read_corpus([write_jsonl(tmp_path / "r.jsonl", [record])], SHARED)
    assert read.problems == []
    [doc] = read.docs
    body = doc.article.body
    assert "â€" not in body  # the article as the pipeline reads it: mojibake repaired
    [sent] = doc.sentences
    assert body[slice(*sent.mentions[0].trigger)] == word
    assert "â€" not in body[sent.start:sent.end]


@needs_shared
def test_a_changed_source_is_noticed(tmp_path):
    rec = _india_record()
    bad = {"task": "t-1", "corpus": "india_police_events_2002", "doc": rec["id"], "field": "text", "start": 0, "end": 20,
           "sha1": "000000000000", "events": []}
    missing = {**bad, "doc": "no-such-article"}
    read = read_corpus([write_jsonl(tmp_path / "r.jsonl", [bad, missing])], SHARED)
    reasons = [r for _, r in read.problems]
    assert any("not the one annotated" in r for r in reasons) and any("no article 'no-such-article'" in r for r in reasons)


@needs_shared
def test_the_real_text_test_set_is_complete_and_reads():
    read = read_corpus([REPO / "corpus" / "real-test"], SHARED)
    assert read.problems == []
    stats = corpus_stats(read.docs)
    assert stats["sentences"] >= 600
    assert {d.meta["corpus"] for d in read.docs} == {"ag_news_world_2004", "india_police_events_2002"}


# -- agreement -----------------------------------------------------------------------------------

def test_kappa():
    assert kappa([(True, True), (False, False)] * 5) == 1.0
    assert kappa([(True, False), (False, True)] * 5) == -1.0


def test_agreement_counts_what_two_passes_share(tmp_path):
    other = json.loads(json.dumps(GOOD))
    other["paragraphs"][0][0]["events"][1]["type"] = "REQUEST"  # a different reading of "blocked a road"
    other["paragraphs"][0][0]["events"][1]["mode"] = None
    a = read_corpus([write_jsonl(tmp_path / "a.jsonl", [GOOD])]).docs
    b = read_corpus([write_jsonl(tmp_path / "b.jsonl", [other])]).docs
    result = agreement(a, b, ("COERCE", "PROTEST", "REQUEST", "RETREAT"))
    assert result["sentences"] == 3
    assert result["kappa_event_sentence"] == 1.0
    assert 0.0 < result["f1"]["type"] < 1.0  # two asserted events each, one shared
    assert result["f1"]["type"] == pytest.approx(2 / 3, abs=0.01)
    [dis] = result["disagreements"]
    assert dis["first"] == ["PROTEST KEN->KEN"] and dis["second"] == ["REQUEST KEN->KEN"]


def test_corpus_cli_check_and_agree(dyads, tmp_path):
    good = write_jsonl(tmp_path / "a.jsonl", [GOOD])
    bad = write_jsonl(tmp_path / "b.jsonl", [GOOD, "{oops"])
    proc = dyads("corpus", "check", good)
    assert proc.returncode == 0 and "1 documents, 3 sentences, 4 mentions; 0 problems" in proc.stdout_text
    proc = dyads("corpus", "check", bad)
    assert proc.returncode == 3 and f"{bad}:2: not JSON" in proc.stderr_text
    proc = dyads("corpus", "agree", good, good, "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout_text)["f1"]["type+dyad"] == 1.0
    proc = dyads("corpus", "stats", tmp_path / "nowhere")
    assert proc.returncode == 2 and "no such file or folder" in proc.stderr_text and "Traceback" not in proc.stderr_text
