"""Parties, unions and named domestic institutions (data/actors/parties.yml), and the
periods parties spent in government."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from importlib import resources

import pytest
import yaml

from dyads.actors.dictionaries import parse_yaml_text
from dyads.actors.kb import KnowledgeBase
from dyads.errors import KnowledgeBaseError
from dyads.models import Article
from dyads.nlp import remember_text

G20 = ["ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX", "RUS", "SAU",
       "ZAF", "TUR", "GBR", "USA"]
CONFLICT = ["AFG", "IRQ", "SYR", "YEM", "SOM", "NGA", "COD", "SDN", "SSD", "ETH", "MLI", "BFA", "NER", "CMR", "CAF",
            "LBY", "PAK", "MMR", "UKR", "ISR", "PSE", "LBN", "COL", "MEX", "PHL", "MOZ", "KEN", "EGY", "IRN", "VEN",
            "HTI", "BGD"]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def _parties_file() -> dict:
    return yaml.safe_load(resources.files("dyads.data").joinpath("actors").joinpath("parties.yml").read_text(encoding="utf-8"))


def mentions(pipeline, text: str, published: date | None = None) -> list[tuple[str, str | None, str | None]]:
    article = Article(id="t", text=text, published=published)
    doc = pipeline.nlp(article.body)
    remember_text(doc, article.body)
    index = pipeline.analyse(doc, article).context.index
    return [(doc[m.start:m.end].text, m.entity.country, m.entity.sector) for m in index.mentions]


# -- coverage ----------------------------------------------------------------------------------

def test_at_least_80_countries_have_two_parties(kb):
    parties = defaultdict(set)
    for e in kb.entities():
        if e.sector == "PTY" and e.country:
            parties[e.country].add(e.id)
    countries = [c for c, ids in parties.items() if len(ids) >= 2]
    assert len(countries) >= 80, sorted(countries)


def test_unions_and_named_institutions_are_there(kb):
    unions = {e.country for e in kb.entities() if e.sector == "LAB" and e.kind == "group"}
    assert len(unions) >= 30 and {"ZAF", "NGA", "KEN", "DEU", "GBR", "IND"} <= unions
    for name, code in [("Lok Sabha", ("IND", "LEG")), ("Sejm", ("POL", "LEG")), ("Wolesi Jirga", ("AFG", "LEG")),
                       ("INEC", ("NGA", "GOV")), ("IEBC", ("KEN", "GOV")), ("SAPS", ("ZAF", "COP")),
                       ("Philippine National Police", ("PHL", "COP")), ("STF", ("BRA", "JUD")),
                       ("Carabinieri", ("ITA", "COP")), ("Election Commission of Pakistan", ("PAK", "GOV"))]:
        [e] = kb.lookup(name)
        assert (e.country, e.sector) == code, name


@pytest.mark.parametrize("country", sorted(set(G20 + CONFLICT)))
def test_g20_and_conflict_countries_have_dated_government_periods(kb, country):
    governing = [e for e in kb.entities() if e.country == country and e.government]
    assert governing, f"no party of {country} has government periods"
    assert all(start is not None for e in governing for start, _ in e.government)


@pytest.mark.parametrize("acronym,country,sector", [
    ("ANC", "ZAF", "PTY"), ("DA", "ZAF", "PTY"), ("EFF", "ZAF", "PTY"), ("BJP", "IND", "PTY"), ("INC", "IND", "PTY"),
    ("PTI", "PAK", "PTY"), ("PML-N", "PAK", "PTY"), ("AKP", "TUR", "PTY"), ("CHP", "TUR", "PTY"), ("CDU", "DEU", "PTY"),
    ("SPD", "DEU", "PTY"), ("MORENA", "MEX", "PTY"), ("Morena", "MEX", "PTY"), ("PAN", "MEX", "PTY"),
    ("PRI", "MEX", "PTY"), ("ZANU-PF", "ZWE", "PTY"), ("MDC", "ZWE", "PTY"), ("PPP", "PAK", "PTY"),
    ("APC", "NGA", "PTY"), ("PDP", "NGA", "PTY"), ("UDPS", "COD", "PTY"), ("PSUV", "VEN", "PTY"),
    ("COSATU", "ZAF", "LAB"), ("NLC", "NGA", "LAB"), ("COTU", "KEN", "LAB"), ("DGB", "DEU", "LAB"),
    ("AFL-CIO", "USA", "LAB"), ("ODM", "KEN", "PTY"), ("FRELIMO", "MOZ", "PTY"), ("EPRDF", "ETH", "PTY"),
])
def test_acronyms_name_their_party(kb, acronym, country, sector):
    [e] = kb.lookup(acronym)
    assert (e.country, e.sector) == (country, sector)


def test_every_name_in_the_file_names_one_actor(kb):
    """Two countries' parties sharing an acronym would be coded at random: each name and
    alias of the file must lead to its own entry only."""
    data = _parties_file()
    shared = []
    for section in ("groups", "institutions"):
        for entry in data[section]:
            if entry.get("extend"):
                continue
            for name in [entry["name"], *(entry.get("names") or ())]:
                ids = [e.id for e in kb.lookup(name)]
                if len(ids) != 1:
                    shared.append((name, ids))
    assert not shared


def test_sectors_of_the_file_are_sectors_the_kb_defines():
    defined = set(yaml.safe_load(resources.files("dyads.data").joinpath("actors").joinpath("sectors.yml")
                                 .read_text(encoding="utf-8"))["sectors"])
    data = _parties_file()
    used = {e["sector"] for section in ("groups", "institutions") for e in data[section] if "sector" in e}
    assert used <= defined | {"REB", "OPP"}, used - defined


# -- governing status by date ------------------------------------------------------------------

def test_governing_status_follows_the_dates(kb):
    assert kb.is_governing("bjp", date(2016, 1, 1)) is True
    assert kb.is_governing("bjp", date(2006, 1, 1)) is False
    assert kb.is_governing("inc", date(2006, 1, 1)) is True
    assert kb.is_governing("group:inc", date(2016, 1, 1)) is False
    # the day power changes hands belongs to the new government
    assert kb.is_governing("inc", date(2014, 5, 26)) is False and kb.is_governing("bjp", date(2014, 5, 26)) is True
    assert kb.is_governing("anc", date(1990, 1, 1)) is False and kb.is_governing("anc", date(2020, 1, 1)) is True
    assert kb.is_governing("da-zaf", date(2015, 1, 1)) is False and kb.is_governing("da-zaf", date(2025, 1, 1)) is True
    assert kb.is_governing("pti", date(2020, 1, 1)) is True and kb.is_governing("pti", date(2023, 1, 1)) is False
    assert kb.is_governing("taliban", date(2000, 1, 1)) is True and kb.is_governing("taliban", date(2010, 1, 1)) is False
    # a party without recorded periods, or no party at all: unknown, not "opposition"
    assert kb.is_governing("eff", date(2015, 1, 1)) is None and kb.is_governing("nobody", date(2015, 1, 1)) is None


def test_actor_command_shows_governing_status(dyads):
    proc = dyads("actor", "ANC", "--published", "2015-01-01")
    assert proc.returncode == 0, proc.stderr_text
    assert "ZAFPTY" in proc.stdout_text and "on 2015-01-01: governing" in proc.stdout_text
    assert "1994-05-10 – now" in proc.stdout_text
    proc = dyads("actor", "DA", "--published", "2015-01-01", "--json")
    [row] = json.loads(proc.stdout_text)["entities"]
    assert row["governing"] is False and row["government"] == [{"start": "2024-07-03", "end": None}]
    proc = dyads("actor", "PTI", "--context", "Police arrested PTI supporters in Lahore.", "--date", "2020-06-01")
    assert proc.returncode == 0 and "PAKPTY" in proc.stdout_text and "governing on 2020-06-01" in proc.stdout_text


# -- real sentences through the real pipeline --------------------------------------------------

def test_south_african_parties_in_a_sentence(rules_pipeline):
    found = mentions(rules_pipeline, "The ANC and the DA clashed in parliament on Tuesday.")
    assert ("ANC", "ZAF", "PTY") in found and ("DA", "ZAF", "PTY") in found


def test_pakistani_party_in_a_sentence(rules_pipeline):
    found = mentions(rules_pipeline, "Police arrested PTI supporters in Lahore.")
    assert any(text.startswith("PTI") and (c, s) == ("PAK", "PTY") for text, c, s in found), found


@pytest.mark.parametrize("text,words,expected", [
    ("The BJP won a majority in the Lok Sabha.", "Lok Sabha", ("IND", "LEG")),
    ("COSATU called a national strike over wage cuts.", "COSATU", ("ZAF", "LAB")),
    ("Morena's candidate accused the PAN of fraud.", "PAN", ("MEX", "PTY")),
    ("Supporters of ZANU-PF attacked MDC activists in Harare.", "MDC", ("ZWE", "PTY")),
    ("The CDU and the SPD agreed on a coalition.", "SPD", ("DEU", "PTY")),
    # "the Congress" of an Indian story is its party (the knowledge base's "Congress party")
    ("NEW DELHI, March 10 - The Congress demanded the resignation of Gujarat's chief minister.", "Congress", ("IND", "PTY")),
    ("the congress and the left parties walked out of the lok sabha in new delhi.", "congress", ("IND", "PTY")),
    ("LIMA, Nov 10 - Peru's Congress voted to remove the president.", "Congress", ("PER", "LEG")),
    # a party's people speak for the party, not the government
    ("BJP leaders accused the Congress of playing politics.", "leaders", ("IND", "PTY")),
    ("mumbai: shiv sena leader uddhav thackeray on wednesday demanded that the government act.", "leader", ("IND", "PTY")),
    ("Kremlin officials said the talks would go on.", "officials", ("RUS", "GOV")),
])
def test_named_actors_in_sentences(rules_pipeline, text, words, expected):
    found = [(c, s) for t, c, s in mentions(rules_pipeline, text) if words in t]
    assert found and found[0] == expected, mentions(rules_pipeline, text)


def test_acronyms_that_are_words_do_not_fire_on_lower_case_text(rules_pipeline):
    # a lower-cased corpus: names that are also words ("pan", "morena", "labour") stay words there
    text = "the labour dispute at the pan factory ended after da silva spoke to the morena workers."
    found = mentions(rules_pipeline, text)
    assert not [m for m in found if m[2] == "PTY"], found


def test_a_lower_cased_corpus_still_names_its_actors(rules_pipeline):
    # IndiaPoliceEvents arrives lower-cased: "vhp", "vajpayee" and "bjp" are the names there
    text = ("the vhp and the bajrang dal said they would defy the ban on the march to ayodhya. "
            "prime minister vajpayee urged the vhp to call off the programme, and the bjp backed him. "
            "on friday the kar sevaks stoned a bus.")
    found = {(t.lower(), c, s) for t, c, s in mentions(rules_pipeline, text, date(2002, 3, 1))}
    assert {("vhp", "IND", "REL"), ("bajrang dal", "IND", "REL"), ("bjp", "IND", "PTY")} <= found, found
    assert any("vajpayee" in t and (c, s) == ("IND", "GOV") for t, c, s in found), found
    assert ("the kar sevaks", "IND", "REL") in found, found  # Hindu volunteers: a religious body's people
    assert ("VHP", "IND", "REL") in mentions(rules_pipeline, "The VHP defied the ban.")
    # a name that is also a word stays a word there: "bush" is no president
    lowered = mentions(rules_pipeline, "the bush fire near the town burned for a week before rain came.")
    assert not [m for m in lowered if "bush" in m[0]], lowered
    # nor does a declared name made of ordinary words ("Law and Justice") or a word like "male"
    lowered = mentions(rules_pipeline, "the court upheld law and justice, and a male witness was heard.")
    assert not [m for m in lowered if m[1] in ("POL", "MDV")], lowered  # Poland's PiS, the Maldives' capital


# -- the loader checks the file ----------------------------------------------------------------

BAD = {
    "end before start": ("groups:\n  - id: x\n    name: X Party\n    country: ZAF\n    sector: PTY\n"
                         "    government:\n      - {start: 2010-01-01, end: 2001-01-01}\n", 7, "ends"),
    "overlap": ("groups:\n  - id: x\n    name: X Party\n    country: ZAF\n    sector: PTY\n    government:\n"
                "      - {start: 2001-01-01, end: null}\n      - {start: 2010-01-01, end: 2012-01-01}\n", 8, "previous"),
    "no start": ("groups:\n  - id: x\n    name: X Party\n    government:\n      - {end: 2001-01-01}\n", 5, "start"),
    "bad date": ("groups:\n  - id: x\n    name: X Party\n    government:\n      - {start: soon}\n", 5, "YYYY-MM-DD"),
    "institution without country": ("institutions:\n  - {id: y, name: Y Court, sector: JUD}\n", 2, "ISO3"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_entry_is_reported_with_file_and_line(tmp_path, dyads, case):
    text, line, reason = BAD[case]
    path = tmp_path / "mine.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=rf"mine\.yml:{line}: .*{reason}"):
        KnowledgeBase.load([path])
    proc = dyads("actor", "ANC", "--actors", path)
    assert proc.returncode == KnowledgeBaseError.exit_code == 5
    assert "Traceback" not in proc.stderr_text and f"mine.yml:{line}" in proc.stderr_text
    assert len(proc.stderr_text.strip().splitlines()) == 1, proc.stderr_text


def test_the_fast_reader_of_packaged_files_still_gives_the_line():
    text = "groups:\n  - {id: a, name: A}\n  - {id: b, name: B, government: [{start: 2002-01-01, end: 2001-01-01}]}\n"
    with pytest.raises(KnowledgeBaseError, match=r"p\.yml:3: "):
        parse_yaml_text(text, "p.yml", fast=True)


def test_a_user_file_adds_a_party_with_its_periods(tmp_path):
    path = tmp_path / "mine.yml"
    path.write_text("groups:\n  - {id: new-party, name: Brand New Party, names: [BNWP], country: ZAF, sector: PTY,\n"
                    "     government: [{start: 2030-01-01, end: null}]}\n", encoding="utf-8")
    kb = KnowledgeBase.load([path])
    [e] = kb.lookup("BNWP")
    assert kb.is_governing(e, date(2031, 1, 1)) and not kb.is_governing(e, date(2029, 1, 1))


def test_indian_state_parties_by_acronym_and_a_word_that_stays_a_word(rules_pipeline):
    # the Times of India arrives lower-cased: "tdp", "jd(u)", "akali dal" are parties of India there
    found = mentions(rules_pipeline, "hyderabad: the tdp walked out of the assembly.", date(2002, 3, 1))
    assert any(t.lower().endswith("tdp") and (c, s) == ("IND", "PTY") for t, c, s in found), found
    lowered = mentions(rules_pipeline, "patna: the rjd and the jd(u) traded charges; akali dal workers protested in amritsar.")
    assert {("rjd", "IND", "PTY"), ("jd(u)", "IND", "PTY"), ("akali dal", "IND", "PTY")} <= set(lowered), lowered
    found = mentions(rules_pipeline, "NCP leader Sharad Pawar met the prime minister in New Delhi on Tuesday.")
    assert ("NCP", "IND", "PTY") in found, found
    # "SAD" (Shiromani Akali Dal) is no alias: "sad" stays a word in lower-cased text
    lowered = mentions(rules_pipeline, "it was a sad day for the village, and the farmers felt sad after the floods.")
    assert not [m for m in lowered if "sad" in m[0].lower()], lowered
