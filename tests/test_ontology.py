"""The ontology data (PLOVER 2.0 types, CAMEO codes) and the event lexicon files."""
from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest
import yaml

from dyads.errors import LexiconError
from dyads.events.lexicon import Lexicon, read_lexicon_file
from dyads.events.ontology import CameoCode, Ontology

TYPES = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}

# PLOVER modes that must be present for the types that define them
MODES = {
    "CONSULT": {"phone", "visit", "third-party", "multilateral"},
    "RETREAT": {"withdraw", "release", "return", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "PROTEST": {"demo", "hunger", "boycott", "obstruct", "riot"},
    "MOBILIZE": {"troops", "police"},
    "SANCTION": {"withdraw", "discontinue", "expel"},
    "COERCE": {"seize", "restrict", "ban", "curfew", "martial-law", "arrest", "deport"},
    "ASSAULT": {"beat", "firearms", "heavy-weapons", "explosives", "suicide-attack", "assassinate",
                "abduct", "torture", "sexual", "massacre", "cleansing", "unconventional"},
    "THREATEN": {"violence", "restrict", "relations"},
}

# where the published CAMEO->PLOVER table files a code under a neighbouring type
NEIGHBOURS = {("SANCTION", "COERCE"), ("CONCEDE", "RETREAT"), ("RETREAT", "CONCEDE")}


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return Ontology.load()


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon.load()


def test_load_is_cached(onto):
    assert Ontology.load() is onto


def test_sixteen_types_with_quad_classes(onto):
    assert set(onto.types) == set(TYPES)
    for name, quad in TYPES.items():
        assert onto.types[name].quad_class == quad
        assert onto.quad_class(name) == quad
        assert onto.quad_class(name.lower()) == quad
        assert onto.types[name].description


@pytest.mark.parametrize("ptype", sorted(MODES))
def test_modes(onto, ptype):
    assert MODES[ptype] <= set(onto.types[ptype].modes)
    for mode, desc in onto.types[ptype].modes.items():
        assert desc and onto.is_mode(ptype, mode)
    assert not onto.is_mode(ptype, "no-such-mode")


def test_verbal_types_without_modes(onto):
    for ptype in ("AGREE", "SUPPORT", "CONCEDE", "COOPERATE"):
        assert onto.types[ptype].modes == {}


def test_contexts(onto):
    for ctx in ("historical", "future", "hypothetical", "negation", "military", "economic",
                "humanitarian", "diplomatic", "legal", "cbrn", "pro_autocracy"):
        assert ctx in onto.contexts
    assert len(set(onto.contexts)) == len(onto.contexts)


def test_unknown_type_raises(onto):
    with pytest.raises(LexiconError):
        onto.quad_class("CRIME")
    with pytest.raises(LexiconError):
        onto.nearest_cameo("CRIME")


def test_every_cameo_code_present(onto):
    codes = {c.code for c in onto.codes()}
    assert {f"{i:02d}" for i in range(1, 21)} <= codes
    for code in ("010", "019", "0214", "0256", "028", "0356", "046", "057", "075", "0874", "094",
                 "1014", "1056", "108", "1125", "116", "1246", "129", "1385", "139", "1454",
                 "154", "1663", "175", "1724", "1833", "186", "196", "2042"):
        assert code in codes, code
    assert len(codes) >= 300
    for c in onto.codes():
        assert c.code[:2] in codes  # every code has its root
        if len(c.code) == 4:
            assert c.code[:3] in codes, c.code


@pytest.mark.parametrize("code,goldstein", [
    ("190", -10.0), ("051", 3.4), ("0874", 10.0), ("042", 1.9), ("043", 2.8), ("040", 1.0),
    ("057", 8.0), ("072", 8.3), ("163", -8.0), ("173", -5.0), ("1823", -10.0), ("182", -9.5),
    ("130", -4.4), ("111", -2.0), ("013", 0.4), ("016", -2.0), ("141", -6.5), ("154", -7.2),
])
def test_goldstein(onto, code, goldstein):
    assert onto.cameo(code).goldstein == goldstein


def test_cameo_quad_classes(onto):
    assert onto.cameo("036").quad_class == 1
    assert onto.cameo("073").quad_class == 2
    assert onto.cameo("112").quad_class == 3
    assert onto.cameo("193").quad_class == 4
    assert onto.cameo("999") is None


def test_cameo_names(onto):
    assert onto.cameo("041").name == "Discuss by telephone"
    assert onto.cameo("186").name == "Assassinate"
    assert onto.cameo("19").name == "FIGHT"


def test_published_correspondence(onto):
    assert onto.plover_from_cameo("041") == ("CONSULT", "phone", ())
    assert onto.plover_from_cameo("0841") == ("RETREAT", "release", ("legal",))
    assert onto.plover_from_cameo("173") == ("COERCE", "arrest", ("legal",))
    assert onto.plover_from_cameo("193") == ("ASSAULT", "firearms", ("military",))
    assert onto.plover_from_cameo("191")[0] == "COERCE"
    assert onto.plover_from_cameo("1712")[0] == "ASSAULT"
    assert onto.plover_from_cameo("163")[0] == "COERCE"
    assert onto.plover_from_cameo("0811")[0] == "CONCEDE"
    assert onto.plover_from_cameo("0871")[:2] == ("RETREAT", "ceasefire")
    assert onto.plover_from_cameo("1124") == ("ACCUSE", "allege", ("military", "legal"))
    # statements and appeals are not PLOVER events
    assert onto.cameo("018").plover is None
    assert onto.plover_from_cameo("018") == (None, None, ())
    assert onto.plover_from_cameo("0233") == (None, None, ())


def test_parent_fallback(onto):
    assert onto.plover_from_cameo("0311") == ("AGREE", None, ("economic",))
    assert onto.plover_from_cameo("0319")[0] == "AGREE"   # unknown 4-digit -> 031
    assert onto.plover_from_cameo("199")[0] == "ASSAULT"  # unknown 3-digit -> 19
    assert onto.plover_from_cameo("") == (None, None, ())


def test_cameo_modes_and_contexts_valid(onto):
    for c in onto.codes():
        if c.mode:
            assert onto.is_mode(c.plover, c.mode), c
        for ctx in c.context:
            assert ctx in onto.contexts, c


def test_nearest_cameo(onto):
    assert onto.nearest_cameo("CONSULT", "phone").code == "041"
    assert onto.nearest_cameo("CONSULT", "visit").code == "042"
    assert onto.nearest_cameo("CONSULT").code == "040"
    assert onto.nearest_cameo("ASSAULT").code == "190"
    assert onto.nearest_cameo("ASSAULT", "firearms").code == "193"
    assert onto.nearest_cameo("ASSAULT", "assassinate").code == "186"
    assert onto.nearest_cameo("AID", context=("humanitarian",)).code == "073"
    assert onto.nearest_cameo("AID", "humanitarian").code == "073"  # not a mode: used as context
    assert onto.nearest_cameo("AID").code == "070"
    assert onto.nearest_cameo("COERCE", "arrest").code == "173"
    assert onto.nearest_cameo("RETREAT", "release").code == "0841"
    assert onto.nearest_cameo("PROTEST", "demo").code == "141"
    assert onto.nearest_cameo("MOBILIZE", "troops").code in ("152", "154")
    for ptype in TYPES:
        got = onto.nearest_cameo(ptype)
        assert isinstance(got, CameoCode)
        assert got.plover == ptype


def test_lexicon_every_type_has_entries(lex):
    counts = Counter(e.type for e in lex.entries.values())
    assert set(counts) == set(TYPES)
    for ptype in TYPES:
        assert counts[ptype] >= 20, (ptype, counts[ptype])


def test_lexicon_files_one_per_type():
    folder = resources.files("dyads") / "data" / "lexicon"
    names = {p.name for p in folder.iterdir() if p.name.endswith(".yml") and not p.name.startswith("_")}
    assert names == {f"{t.lower()}.yml" for t in TYPES}
    for name in names:
        entries = read_lexicon_file(name, (folder / name).read_text(encoding="utf-8"))
        assert {e.type for e in entries} == {name[:-4].upper()}


def test_lexicon_ids_unique_across_files():
    folder = resources.files("dyads") / "data" / "lexicon"
    ids = []
    for p in folder.iterdir():
        if p.name.endswith(".yml") and not p.name.startswith("_"):
            ids += [raw["id"] for raw in yaml.safe_load(p.read_text(encoding="utf-8"))["entries"]]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes


def test_lexicon_entries_consistent_with_ontology(onto, lex):
    for e in lex.entries.values():
        assert e.id.startswith(e.type.lower() + "."), e.id
        assert e.cameo, e.id
        code = onto.cameo(e.cameo)
        assert code is not None, (e.id, e.cameo)
        assert code.plover == e.type or (e.type, code.plover) in NEIGHBOURS, (e.id, e.cameo, code.plover)
        if e.mode:
            assert onto.is_mode(e.type, e.mode), (e.id, e.mode)
        for ctx in e.context:
            assert ctx in onto.contexts, (e.id, ctx)
        assert 0.0 < e.weight <= 1.0, e.id
        assert e.of_is in ("recipient", "actor"), e.id
        assert e.lemmas, e.id
        # YAML pitfalls: on/off/no must stay strings
        for word in e.lemmas + e.objects + e.preps + ((e.particle,) if e.particle else ()):
            assert isinstance(word, str) and word == word.lower() and word not in ("true", "false"), (e.id, word)


GENERIC = {"give", "provide", "send", "make", "take", "hold", "call", "say", "open", "reach",
           "express", "offer", "have", "set", "put", "use", "issue", "receive", "carry"}


def test_generic_verbs_need_objects(lex):
    # a bare generic verb ("gave", "called") would code every sentence that uses it: it must
    # be held to a particle, a list of objects, or an object that is an actor ("called Zelensky")
    for e in lex.entries.values():
        if e.pos == "verb" and set(e.lemmas) & GENERIC and not e.particle:
            assert e.objects or e.object_must_be_actor, f"{e.id}: generic verb without an object constraint"


def test_lookup(lex):
    assert {e.type for e in lex.lookup("invade", "verb")} == {"ASSAULT"}
    assert "CONSULT" in {e.type for e in lex.lookup("talk", "noun")}
    assert "SANCTION" in {e.type for e in lex.lookup("sanction", "noun")}
    assert {e.type for e in lex.lookup("arrest", "verb")} == {"COERCE"}
    give = [e for e in lex.lookup("give", "verb") if e.type == "AID"]
    assert give and all(e.objects for e in give)
    assert "bennett" not in {o for e in give for o in e.objects}


def test_modality_lists():
    text = (resources.files("dyads") / "data" / "lexicon" / "_modality.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for key in ("negating_governors", "hypothetical_governors", "request_governors", "future_markers",
                "hypothetical_markers", "attempt_governors"):
        assert data[key] and all(isinstance(w, str) for w in data[key]), key
    assert {"refuse", "decline", "fail", "deny"} <= set(data["negating_governors"])
    assert {"will", "going to"} <= set(data["future_markers"])
    assert {"would", "could", "if"} <= set(data["hypothetical_markers"])
    assert {"seek", "try", "attempt"} <= set(data["attempt_governors"])


def test_broken_data_raises_lexicon_error():
    plover = {"types": {"AGREE": {"quad_class": 1, "description": "x", "modes": {}}}, "contexts": ["military"]}
    ok = {"codes": [{"code": "03", "name": "X", "goldstein": 4.0, "quad_class": 1, "plover": "AGREE"}]}
    assert Ontology._parse(plover, ok).cameo("03").plover == "AGREE"
    bad_type = {"codes": [{"code": "03", "name": "X", "goldstein": 4.0, "quad_class": 1, "plover": "NOPE"}]}
    bad_mode = {"codes": [{"code": "03", "name": "X", "goldstein": 4.0, "quad_class": 1, "plover": "AGREE", "mode": "phone"}]}
    bad_gold = {"codes": [{"code": "03", "name": "X", "goldstein": 40.0, "quad_class": 1, "plover": "AGREE"}]}
    missing = {"codes": [{"code": "03", "goldstein": 4.0, "quad_class": 1}]}
    for cameo in (bad_type, bad_mode, bad_gold, missing, {"codes": []}):
        with pytest.raises(LexiconError):
            Ontology._parse(plover, cameo)
    with pytest.raises(LexiconError):
        Ontology._parse({"types": {"AGREE": {"quad_class": 7}}}, ok)


def test_nearest_cameo_preferred_codes(onto):
    assert onto.nearest_cameo("ACCUSE", "allege").code == "112"
    assert onto.nearest_cameo("COERCE", "restrict").code == "172"
    assert onto.nearest_cameo("ASSAULT", "explosives").code == "183"
    # context still wins over the preferred code when it matches better
    assert onto.nearest_cameo("ACCUSE", "allege", ("crime",)).code == "1121"
    assert onto.nearest_cameo("COERCE", "restrict", ("military",)).code == "191"


def test_modality_word_lists_keep_yaml_keywords_as_words():
    from dyads.events.coder import Modality

    modality = Modality.load()
    lists = {name: value for name, value in vars(modality).items() if isinstance(value, frozenset)}
    assert lists["means_prepositions"] >= {"on", "by"} and "no" in lists["negation_markers"]
    for name, words in lists.items():
        assert not words & {"true", "false"}, f"{name}: an unquoted on/off/yes/no became a boolean"


def test_a_word_list_entry_yaml_reads_as_a_boolean_is_named_with_its_file(tmp_path):
    """Word lists live in data files users extend; a bare `off` (YAML's false) is refused
    with the file and the list, not coded as the word 'false'."""
    from dyads.wordlists import read_word_lists

    path = tmp_path / "words.yml"
    path.write_text("where: [in, at, off]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"words.yml: list 'where'.*False"):
        read_word_lists(path)
    path.write_text('where: [in, At, "off"]\n', encoding="utf-8")
    assert read_word_lists(path)["where"] == {"in", "at", "off"}
