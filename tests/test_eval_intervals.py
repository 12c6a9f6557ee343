"""How far an F1 can be trusted: bootstrap intervals over documents and paired comparisons
(`dyads eval`, `dyads eval --compare`)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from dyads.evaluate.bootstrap import f1_difference, f1_interval
from dyads.evaluate.corpus_eval import score_coded
from dyads.evaluate.events_eval import GoldDoc, GoldEvent, Predicted, compare_reports, score
from dyads.models import Article

REPO = Path(__file__).resolve().parents[1]


def _f1(rows) -> float:
    tp, fp, fn = np.asarray(rows, dtype=float).sum(axis=0)
    return 2 * tp / (2 * tp + fp + fn)


def test_the_interval_holds_the_figure_and_narrows_with_more_documents():
    rng = np.random.default_rng(3)
    few = rng.integers(0, 4, size=(40, 3))
    many = np.vstack([few] * 10)  # the same documents ten times over: the same F1, known ten times better
    low, high = f1_interval(few)
    assert low < _f1(few) < high
    many_low, many_high = f1_interval(many)
    assert many_low < _f1(many) < many_high
    assert many_high - many_low < (high - low) / 2
    assert f1_interval(few) == (low, high)  # the same report prints the same interval


def test_one_document_has_no_interval():
    assert f1_interval([[3, 1, 0]]) is None


def test_a_coder_compared_with_itself_gains_nothing():
    rows = np.random.default_rng(5).integers(0, 4, size=(60, 3))
    same = f1_difference(rows, rows)
    assert (same.difference, same.low, same.high) == (0.0, 0.0, 0.0)
    assert same.b_not_better == 1.0


def test_a_coder_that_finds_more_on_most_documents_is_better_beyond_noise():
    rng = np.random.default_rng(7)
    a = np.column_stack([rng.integers(0, 3, 80), rng.integers(0, 3, 80), rng.integers(1, 4, 80)])
    b = a.copy()
    b[:, 0] += 1  # one more event found in every document ...
    b[:, 2] = np.maximum(b[:, 2] - 1, 0)  # ... that had been missed
    gain = f1_difference(a, b)
    assert gain.difference > 0 and 0 < gain.low <= gain.difference <= gain.high
    assert gain.b_not_better < 0.01
    assert f1_difference(b, a).high < 0  # and the other way round, a loss


def _unit(uid: str, events: list[GoldEvent]) -> GoldDoc:
    return GoldDoc(Article(id=uid, text="x"), events)


def _predicted(etype: str, actor: str, recipient: str) -> Predicted:
    return Predicted(etype, actor, recipient, None, None, None, "w", "e")


def test_sentences_of_one_article_are_resampled_together():
    # Two sentences of article d1 and one of d2: the counts the intervals resample are by article.
    gold = [GoldEvent("ASSAULT", "ISR", "PSE")]
    units = [_unit("d1@0", gold), _unit("d1@40", gold), _unit("d2@0", gold)]
    predictions = {"d1@0": [_predicted("ASSAULT", "ISR", "PSE")], "d1@40": [], "d2@0": [_predicted("PROTEST", "ISR", "PSE")]}
    report = score(units, predictions, document_of=lambda unit: unit.rsplit("@", 1)[0])
    assert report.document_counts["type"] == {"d1": [1, 0, 1], "d2": [0, 1, 1]}
    assert "document_counts" not in report.as_dict() and "intervals" in report.as_dict()


def test_comparing_two_reports_pairs_the_same_documents():
    gold = [GoldEvent("ASSAULT", "ISR", "PSE")]
    units = [_unit(f"d{i}", gold) for i in range(30)]
    right = {f"d{i}": [_predicted("ASSAULT", "ISR", "PSE")] for i in range(30)}
    half = {f"d{i}": right[f"d{i}"] for i in range(15)}  # the second coder misses half of them
    differences = compare_reports(score(units, right), score(units, half))
    assert differences["type+dyad"].difference == round(2 * 15 / 45 - 1.0, 4)
    assert differences["type+dyad"].high < 0


def test_eval_prints_intervals_and_compares_two_coders_on_the_reference_article(dyads):
    seed = REPO.parent / "shared" / "seed" / "gold.jsonl"
    proc = dyads("eval", seed, "--compare", "rules", "--json")
    assert proc.returncode == 0, proc.stderr_text
    result = json.loads(proc.stdout_text)
    assert (result["model"], result["compare"]) == ("shipped", "rules")
    for level in ("type", "type+actor", "type+dyad"):
        d = result["difference"][level]
        a, b = result["a"]["overall"][level]["f1"], result["b"]["overall"][level]["f1"]
        assert abs(d["difference"] - (b - a)) < 1e-3
        assert d["low"] is None  # one article: no interval to resample, and none is invented
    assert result["a"]["overall"]["type"]["recall"] == 1.0
    # both coders code one parse; each scores as it does alone
    alone = json.loads(dyads("eval", seed, "--model", "rules", "--json").stdout_text)
    assert result["b"]["overall"] == alone["overall"]


def test_eval_of_the_corpus_real_test_file_gives_intervals_over_its_articles(dyads, tmp_path):
    # The first ten real-text test annotations: sentences are scored, articles resampled.
    lines = (REPO / "corpus" / "real-test" / "ag-test.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    sample = tmp_path / "sample.jsonl"
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = dyads("eval", sample, "--shared", REPO.parent / "shared", "--json")
    assert proc.returncode == 0, proc.stderr_text
    report = json.loads(proc.stdout_text)
    low, high = report["intervals"]["type"]
    assert low <= report["overall"]["type"]["f1"] <= high and low < high
    text = dyads("eval", sample, "--shared", REPO.parent / "shared").stdout_text
    assert "95 % interval" in text
