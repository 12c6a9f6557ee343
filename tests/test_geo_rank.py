"""The geo candidate ranker (`dyads train-geo`), `eval-geo --part`, and the literal /
non-literal decision, on texts written for these tests (GeoWebNews format, no corpus text)."""
from __future__ import annotations

import json

import pytest

from conftest import run_dyads
from dyads.evaluate.geo_eval import evaluate_geo
from dyads.place.gazetteer import load_gazetteer
from dyads.place.geoparse import Geoparser, Mention
from dyads.place.literal import is_literal
from dyads.place.rank import FEATURES, MODEL_FILE, load_model

PERTH_AU, PERTH_SCOT = (-31.95, 115.86), (56.40, -3.43)


def _toponym(text: str, name: str, lat: float, lon: float, kind: str = "Literal", nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return {"start": start, "end": start + len(name), "text": name, "lat": lat, "lon": lon,
            "geonameid": None, "type": kind, "non_locational": False}


def _doc(doc_id: str, text: str, *toponyms: tuple) -> dict:
    return {"doc_id": doc_id, "text": text, "toponyms": [_toponym(text, *t) for t in toponyms]}


DOCS = [
    _doc("au", "Heat records fell in Sydney and Melbourne, and Perth sweltered too.",
         ("Sydney", -33.87, 151.21), ("Melbourne", -37.81, 144.96), ("Perth", *PERTH_AU)),
    _doc("scot", "Moscow said the talks would go on. Floods cut roads near Perth and Dundee in Scotland.",
         ("Moscow", 55.75, 37.62, "Metonymic"), ("Perth", *PERTH_SCOT), ("Dundee", 56.46, -2.97),
         ("Scotland", 56.5, -4.2)),
    _doc("tx", "The storm flattened barns outside Paris, Texas, while the Texas Rangers played at home.",
         ("Paris", 33.66, -95.56), ("Texas", 31.0, -100.0), ("Texas", 31.0, -100.0, "Embedded_Non_Lit", 1)),
    _doc("fr", "French police cleared a camp in Paris on Monday.",
         ("French", 46.0, 2.0, "Non_Literal_Modifier"), ("Paris", 48.85, 2.35)),
]


@pytest.fixture(scope="module")
def gold_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("geo") / "gold.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def parser():
    return Geoparser(load_gazetteer(), load_model())


def _resolve(parser, text: str, names: list[str]):
    mentions = [Mention(n, text.index(n), text.index(n) + len(n)) for n in names]
    return dict(zip(names, parser.resolve_mentions(mentions, text)))


def test_shipped_ranker_is_small_json_of_numbers():
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert all(isinstance(w, (int, float)) for w in data["weights"])
    assert MODEL_FILE.stat().st_size < 8_000


def test_perth_follows_the_documents_other_places(parser):
    au = _resolve(parser, "Heat records fell in Sydney and Melbourne, and Perth sweltered.", ["Sydney", "Melbourne", "Perth"])
    assert au["Perth"].country == "AUS"
    scot = _resolve(parser, "Floods cut roads near Perth and Dundee in Scotland.", ["Perth", "Dundee", "Scotland"])
    assert scot["Perth"].country == "GBR"


def test_a_speaking_capital_a_team_and_a_demonym_are_not_literal(parser):
    gaz = parser.gazetteer
    for text, name, literal in [("Moscow said the talks would go on.", "Moscow", False),
                                ("Fighting went on in Moscow overnight.", "Moscow", True),
                                ("The Texas Rangers won again.", "Texas", False),
                                ("French police cleared the camp.", "French", False),
                                ("Mexico police arrested two men.", "Mexico", False),
                                ("Kentucky lost at home against Louisville.", "Louisville", False),
                                ("The Crown Prince of Dubai opened the fair.", "Dubai", False),
                                ("The fair opened in Dubai.", "Dubai", True)]:
        place = _resolve(parser, text, [name])[name]
        assert place is not None and is_literal(place, text, gaz) is literal, (text, name)


def test_eval_geo_reports_literal_figures_by_part(gold_file):
    dev = evaluate_geo(gold_file, end_to_end=False, part="dev")
    held = evaluate_geo(gold_file, end_to_end=False, part="held-out")
    assert (dev["documents"], held["documents"]) == (2, 2)  # documents 0, 2 and 1, 3
    lit = held["literal"]
    # held-out: "Moscow said" (metonymic) and "French police" must be the only non-literal calls
    assert lit["n"] == 6 and lit["gold_literal"] == 4
    assert lit["precision"] == 1.0 and lit["recall"] == 1.0 and lit["accuracy"] == 1.0


def test_eval_geo_json_carries_the_literal_scores(gold_file):
    proc = run_dyads("eval-geo", gold_file, "--json", "--part", "held-out")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["part"] == "held-out" and {"precision", "recall", "f1", "accuracy"} <= set(result["literal"])


def test_train_geo_writes_a_ranker_that_geo_then_uses(gold_file, tmp_path):
    model = tmp_path / "ranker.json"
    proc = run_dyads("train-geo", gold_file, "--part", "all", "-o", model)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(model.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES) and len(data["weights"]) == len(FEATURES)
    # the command reads the file it is given: a ranker that scorns countries reads
    # "Georgia" as the US state, the trained one as the country
    text = "Fighting flared again in Georgia."
    trained = json.loads(run_dyads("geo", text, "--json", "--rank-model", model).stdout)
    assert trained[0]["feature"] == "country"
    data["weights"][FEATURES.index("is_country")] = -50.0
    model.write_text(json.dumps(data), encoding="utf-8")
    scorned = json.loads(run_dyads("geo", text, "--json", "--rank-model", model).stdout)
    assert (scorned[0]["feature"], scorned[0]["country"]) == ("adm1", "USA")


def test_train_geo_bad_input_says_where_and_exits_2(tmp_path):
    missing = run_dyads("train-geo", tmp_path / "nope.jsonl")
    assert missing.returncode == 2 and "nope.jsonl" in missing.stderr_text and "Traceback" not in missing.stderr_text
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(DOCS[0]) + "\n{not json\n", encoding="utf-8")
    proc = run_dyads("train-geo", bad, "-o", tmp_path / "m.json")
    assert proc.returncode == 2 and f"{bad}:2" in proc.stderr_text and "Traceback" not in proc.stderr_text
    assert not (tmp_path / "m.json").exists()


def test_geo_json_marks_a_speaking_capital_non_literal():
    proc = run_dyads("geo", "Moscow said it would send troops to Minsk.", "--json")
    assert proc.returncode == 0, proc.stderr_text
    literal = {p["text"]: p["literal"] for p in json.loads(proc.stdout)}
    assert literal == {"Moscow": False, "Minsk": True}
