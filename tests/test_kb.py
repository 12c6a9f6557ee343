"""Tests of the actor knowledge base, user override files and the PETRARCH import."""
from __future__ import annotations

import textwrap
from datetime import date

import pytest

from dyads.actors.dictionaries import import_petrarch, write_yaml
from dyads.actors.kb import Entity, KnowledgeBase
from dyads.errors import KnowledgeBaseError, UsageError


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def person(kb: KnowledgeBase, name: str) -> Entity:
    hits = [e for e in kb.lookup(name) if e.kind == "person"]
    assert len(hits) == 1, (name, hits)
    return hits[0]


def test_dated_roles(kb):
    putin = person(kb, "Vladimir Putin")
    assert putin.id == "person:vladimir-putin" and putin.gender == "m"
    assert kb.code_on(putin, date(2005, 6, 1)) == ("RUS", "GOV")
    assert kb.title_on(putin, date(2005, 6, 1)) == "president"
    assert kb.code_on(putin, date(2010, 1, 1)) == ("RUS", "GOV")
    assert kb.title_on(putin, date(2010, 1, 1)) == "prime minister"
    assert kb.code_on(putin, date(2022, 2, 24)) == ("RUS", "GOV")
    assert kb.title_on(putin, date(2022, 2, 24)) == "president"
    assert kb.title_on(putin, None) == "president"


def test_retired_leaders_are_elites(kb):
    bennett = person(kb, "Naftali Bennett")
    assert kb.code_on(bennett, date(2021, 12, 1)) == ("ISR", "GOV")
    assert kb.code_on(bennett, date(2023, 1, 1)) == ("ISR", "ELI")
    assert kb.code_on(person(kb, "Obama"), date(2018, 1, 1)) == ("USA", "ELI")
    trump = person(kb, "Donald Trump")
    assert kb.code_on(trump, date(2023, 1, 1)) == ("USA", "ELI")
    assert kb.code_on(trump, date(2025, 6, 1)) == ("USA", "GOV")


def test_leaders_of_the_1960s_to_1990s(kb):
    """Stories from 1960-1999, and later ones about "former President X", find the people of
    those decades with their roles then and as elites afterwards."""
    cases = [("Ronald Reagan", date(1985, 6, 1), ("USA", "GOV")), ("Jimmy Carter", date(2002, 5, 1), ("USA", "ELI")),
             ("Leonid Brezhnev", date(1975, 6, 1), ("RUS", "GOV")), ("Indira Gandhi", date(1975, 6, 26), ("IND", "GOV")),
             ("Anwar Sadat", date(1977, 11, 19), ("EGY", "GOV")), ("Menachem Begin", date(1987, 1, 1), ("ISR", "ELI")),
             ("Kwame Nkrumah", date(1963, 5, 1), ("GHA", "GOV")), ("Augusto Pinochet", date(1980, 1, 1), ("CHL", "GOV")),
             ("Pol Pot", date(1985, 1, 1), ("KHM", "REB")), ("Daniel Ortega", date(1977, 1, 1), ("NIC", "REB"))]
    for name, day, code in cases:
        assert kb.code_on(person(kb, name), day) == code, name
    # roles added before a known career: Mandela the rebel, the prisoner's elite years, then president
    mandela = person(kb, "Nelson Mandela")
    assert kb.code_on(mandela, date(1962, 6, 1)) == ("ZAF", "REB") and kb.code_on(mandela, date(1996, 1, 1)) == ("ZAF", "GOV")
    # a surname that is an ordinary word names no one alone
    assert not [e for e in kb.lookup("Begin") if e.kind == "person"]


def test_several_roles_prefer_head_of_government(kb):
    mbs = person(kb, "Mohammed bin Salman")
    assert kb.title_on(mbs, date(2023, 1, 1)) == "prime minister"
    haniyeh = person(kb, "Ismail Haniyeh")
    assert kb.code_on(haniyeh, date(2020, 1, 1)) == ("PSE", "REB")


def test_aliases_and_spellings(kb):
    z = person(kb, "Zelenskyy")
    assert z is person(kb, "Zelensky") is person(kb, "Zelenskiy") is person(kb, "volodymyr zelenskyy")
    # one-word names match only capitalised: "Brown" is Gordon Brown, "brown" is a colour
    assert person(kb, "Brown").name == "Gordon Brown"
    assert kb.lookup("brown") == []
    assert kb.code_on(z, date(2022, 3, 1)) == ("UKR", "GOV")
    assert person(kb, "Netanyahu").name == "Benjamin Netanyahu"
    assert any(s == "Putin" and e.id == "person:vladimir-putin" for s, e in kb.aliases())


def test_an_arabic_name_matches_with_its_article_written_either_way(kb):
    # the file writes "Al Thani" and "al-Assad"; news writes both ways
    assert person(kb, "Hamad bin Khalifa al-Thani") is person(kb, "Hamad bin Khalifa Al Thani")
    assert person(kb, "Bashar al Assad") is person(kb, "Bashar al-Assad")
    assert kb.lookup("Al-Gore") == []


def test_adjectives_and_country_names(kb):
    assert kb.country_of_adjective("Russian") == "RUS"
    assert kb.country_of_adjective("russians") == "RUS"
    assert kb.country_of_adjective("Israeli") == "ISR"
    assert kb.country_of_adjective("U.S.") == "USA"
    assert kb.country_of_adjective("American") == "USA"
    assert kb.country_of_adjective("us") is None
    assert kb.country_of_name("the United States") == "USA"
    assert kb.country_of_name("Britain") == "GBR"
    assert kb.country_of_name("Moscow") == "RUS"
    assert kb.country_of_name("Russian Federation") == "RUS"  # from pycountry
    assert kb.country_of_name("Ivory Coast") == "CIV"
    assert kb.country_of_name("Kosovo") == "XKX"


def test_metonyms_and_institutions(kb):
    kremlin = kb.lookup("the Kremlin")
    assert [e.id for e in kremlin] == ["metonym:RUS:kremlin"]
    assert kb.code_on(kremlin[0], date(2020, 1, 1)) == ("RUS", "GOV")
    assert kb.lookup("Kremlin") == kremlin
    knesset = kb.lookup("Knesset")[0]
    assert (knesset.id, knesset.kind) == ("inst:ISR:knesset", "institution")
    assert kb.code_on(knesset, None) == ("ISR", "LEG")
    assert kb.code_on(kb.lookup("Pentagon")[0], None) == ("USA", "MIL")


def test_acronyms_are_case_sensitive(kb):
    assert [e.id for e in kb.lookup("US")] == ["country:USA"]
    assert kb.lookup("us") == []
    assert [e.id for e in kb.lookup("UN")] == ["igo:UN"]
    assert kb.lookup("un") == []
    assert kb.lookup("U.S.")[0].id == "country:USA"


def test_organisations_and_groups(kb):
    hamas = kb.lookup("Hamas")[0]
    assert (hamas.kind, hamas.country, hamas.sector, hamas.org) == ("group", "PSE", "REB", "hamas")
    nato = kb.lookup("NATO")[0]
    assert (nato.id, nato.country) == ("igo:NATO", "IGO")
    assert kb.lookup("Amnesty International")[0].country == "NGO"
    assert kb.lookup("ISIL")[0].id == "group:islamic-state"
    # al-Qaeda is of no one country (as CAMEO and the corpus code it); its branches are
    qaeda, aqap = kb.lookup("al Qaeda")[0], kb.lookup("AQAP")[0]
    assert (qaeda.country, qaeda.sector) == (None, "REB") and aqap.country == "YEM"


def test_sector_words_and_titles(kb):
    assert kb.sector_of_word("lawmaker") == "LEG"
    assert kb.sector_of_word("troops") == "MIL"
    assert kb.sector_of_word("president") == "GOV"
    assert kb.sector_of_word("prime minister") == "GOV"
    assert kb.sector_of_word("refugee") == "REF"
    assert kb.sector_of_word("xyzzy") is None
    assert kb.is_leader_title("president") and kb.is_leader_title("prime minister")
    assert not kb.is_leader_title("soldier")


def test_cameo_codes(kb):
    assert kb.cameo_to_iso("JAP") == "JPN"
    assert kb.cameo_to_iso("ROM") == "ROU"
    assert kb.cameo_to_iso("ZAR") == "COD"
    assert kb.cameo_to_iso("RUS") == "RUS"


# --- coverage of the people knowledge base, computed from the roles' dated intervals
G20 = ("ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX", "RUS", "SAU", "ZAF",
       "TUR", "GBR", "USA")
FOREIGN_MINISTER = {"foreign minister", "foreign secretary", "secretary of state"}
DEFENCE_MINISTER = {"defence minister", "defence secretary", "defense secretary", "acting defense secretary"}
COVERED_UNTIL = date(2026, 11, 1)


def _months(start: date, end: date) -> list[date]:
    out, d = [], start
    while d <= end:
        out.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def _head_titles() -> set[str]:
    from importlib import resources

    import yaml

    text = resources.files("dyads.data").joinpath("actors/sectors.yml").read_text(encoding="utf-8")
    return {t.lower() for t in yaml.safe_load(text)["head_titles"]}


@pytest.fixture(scope="module")
def office_holders(kb):
    """(country, date, titles, sectors) -> whether someone held one of those offices then."""
    roles = [r for e in kb.entities() if e.kind == "person" for r in e.roles]

    def held(country: str, on: date, titles: set[str], sectors=("GOV",)) -> bool:
        return any(r.country == country and r.sector in sectors and r.title.lower() in titles and r.covers(on)
                   for r in roles)
    return held


def test_g20_leaders_and_ministers_since_2000(office_holders):
    heads, months = _head_titles(), _months(date(2000, 1, 1), COVERED_UNTIL)
    for country in G20:
        share = {office: sum(office_holders(country, m, titles) for m in months) / len(months)
                 for office, titles in (("head", heads), ("foreign", FOREIGN_MINISTER), ("defence", DEFENCE_MINISTER))}
        # a month without a minister is a real vacancy (an acting minister the file omits), never a long gap
        assert share["head"] >= 0.99 and share["foreign"] >= 0.98 and share["defence"] >= 0.97, (country, share)


def test_sides_of_known_wars_have_leaders_and_ministers(office_holders):
    from dyads.actors.conflicts import ConflictBook

    heads, counts = _head_titles(), {"months": 0, "head": 0, "foreign": 0, "defence": 0}
    for war in ConflictBook.load().conflicts.values():
        for country in set().union(*war.sides):
            for m in _months(war.start, war.end or COVERED_UNTIL):
                counts["months"] += 1
                counts["head"] += office_holders(country, m, heads, ("GOV", "MIL"))
                counts["foreign"] += office_holders(country, m, FOREIGN_MINISTER)
                counts["defence"] += office_holders(country, m, DEFENCE_MINISTER)
    # Iraq had no government after April 2003; Palestine has no defence ministry
    assert counts["head"] / counts["months"] >= 0.99, counts
    assert counts["foreign"] / counts["months"] >= 0.9 and counts["defence"] / counts["months"] >= 0.75, counts


def test_one_holder_per_office_at_a_time(kb):
    single = _head_titles() | FOREIGN_MINISTER | DEFENCE_MINISTER
    offices: dict[tuple[str, str], list] = {}
    for e in kb.entities():
        for r in e.roles if e.kind == "person" else ():
            if r.sector == "GOV" and r.title.lower() in single:
                offices.setdefault((r.country, r.title.lower()), []).append((r.start or date.min, r.end or date.max, e.id))
    for office, terms in offices.items():
        terms.sort()
        for before, after in zip(terms, terms[1:]):
            # the handover day may count for both
            assert (before[1] - after[0]).days <= 1, (office, before, after)


def test_shared_one_word_names_never_cross_countries(kb):
    """A surname two people share must not make the code depend on which one the resolver picks."""
    owners: dict[str, set] = {}
    for surface, e in kb.aliases():
        if " " not in surface:
            owners.setdefault(surface if kb.is_case_sensitive(surface) else surface.lower(), set()).add(e)
    for surface, entities in owners.items():
        people = [e for e in entities if e.kind == "person"]
        if people and len(entities) > 1:
            assert len(people) == len(entities), (surface, [e.id for e in entities])
            assert len({r.country for p in people for r in p.roles}) == 1, (surface, [p.id for p in people])
    assert [e.id for e in kb.lookup("Blair")] == ["person:tony-blair"]
    assert [e.id for e in kb.lookup("Conte")] == ["person:giuseppe-conte"]
    assert [e.id for e in kb.lookup("Nepal")] == ["country:NPL"]


def test_dated_roles_of_ministers_and_former_leaders(kb):
    gentiloni = person(kb, "Paolo Gentiloni")
    assert kb.title_on(gentiloni, date(2015, 6, 1)) == "foreign minister"
    assert kb.title_on(gentiloni, date(2017, 6, 1)) == "prime minister"
    assert kb.code_on(gentiloni, date(2017, 6, 1)) == ("ITA", "GOV")
    essebsi = person(kb, "Beji Caid Essebsi")
    assert kb.title_on(essebsi, date(2011, 6, 1)) == "prime minister"
    assert kb.title_on(essebsi, date(2016, 6, 1)) == "president"
    sirleaf = person(kb, "Ellen Johnson Sirleaf")
    assert kb.code_on(sirleaf, date(2010, 1, 1)) == ("LBR", "GOV")
    assert kb.code_on(sirleaf, date(2020, 1, 1)) == ("LBR", "ELI")
    assert kb.title_on(sirleaf, date(2020, 1, 1)) == "former president"
    # a head-of-state role wins over a ministry held at the same time
    tantawi = person(kb, "Mohamed Hussein Tantawi")
    assert kb.title_on(tantawi, date(2011, 6, 1)) == "chairman of the Supreme Council of the Armed Forces"
    assert kb.title_on(tantawi, date(2010, 6, 1)) == "defence minister"


def test_armed_groups_of_current_conflicts(kb):
    def code(name: str) -> tuple:
        hits = [e for e in kb.lookup(name) if e.kind in ("group", "igo")]
        assert len(hits) == 1, (name, hits)
        return hits[0].id, hits[0].country, hits[0].sector

    assert code("ISWAP") == ("group:iswap", "NGA", "REB")
    assert code("Boko Haram") == ("group:boko-haram", "NGA", "REB")
    assert code("ISIS-K")[:2] == ("group:is-khorasan", "AFG")
    assert code("Africa Corps") == ("group:africa-corps", "RUS", "MIL")
    assert code("Wagner")[0] == "group:wagner"
    assert code("Polisario") == ("group:polisario", "ESH", "REB")
    assert code("CODECO")[1] == "COD" and code("Ansar Allah")[1] == "YEM" and code("RSF")[1] == "SDN"
    assert code("UNAMA")[1:] == ("IGO", None)
    assert kb.lookup("Western Sahara")[0].id == "country:ESH"


def test_coverage(kb):
    kinds = {}
    for e in kb.entities():
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    assert kinds["country"] >= 195 and kinds["person"] >= 300 and kinds["igo"] >= 30 and kinds["group"] >= 30


def test_user_file_adds_and_overrides(tmp_path):
    user = tmp_path / "mine.yml"
    user.write_text(textwrap.dedent("""\
        people:
          - id: jane-roe
            name: Jane Roe
            gender: f
            roles:
              - {country: FRA, title: foreign minister, start: 2030-01-01, end: null}
        groups:
          - {id: hamas, name: Hamas, names: [Harakat al-Muqawama], country: PSE, sector: PTY}
        countries:
          - {iso3: RUS, extend: true, metonyms: [Old Square]}
        sectors:
          MIL: [wombat]
        """), encoding="utf-8")
    kb = KnowledgeBase.load([user])
    roe = kb.lookup("Jane Roe")[0]
    assert kb.code_on(roe, date(2031, 1, 1)) == ("FRA", "GOV")
    assert kb.code_on(roe, None) == ("FRA", "GOV")
    assert kb.lookup("Roe") == [roe]
    hamas = kb.lookup("Hamas")[0]
    assert hamas.sector == "PTY" and kb.lookup("Harakat al-Muqawama") == [hamas]
    assert kb.lookup("Qassam Brigades") == []  # the whole entry was replaced
    assert kb.country_of_name("Old Square") == "RUS"
    assert kb.lookup("the Kremlin")[0].id == "metonym:RUS:kremlin"  # extend kept the rest
    assert kb.sector_of_word("wombat") == "MIL"


@pytest.mark.parametrize("body, needle", [
    ("people:\n  - id: x\n    name: X\n    roles:\n      - {country: Russia, start: 2000-01-01}\n", "ISO3"),
    ("people:\n  - id: x\n    name: X\n    roles:\n      - {country: RUS, start: 2000-13-45}\n", "start"),
    ("people:\n  - {name: No Id}\n", "no 'id'"),
    ("groups: {hamas: 1}\n", "list"),
    ("wizards: []\n", "unknown top-level key"),
    ("people:\n  - id: [unclosed\n", "YAML"),
])
def test_bad_user_file(tmp_path, body, needle):
    bad = tmp_path / "bad.yml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as exc:
        KnowledgeBase.load([bad])
    assert str(bad) in str(exc.value) and needle in str(exc.value)


def test_bad_user_file_names_line(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("people:\n  - id: ok\n    name: Ok\n  - id: broken\n    name: Broken\n    gender: x\n",
                   encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"bad\.yml:4: people entry 'broken'.*gender"):
        KnowledgeBase.load([bad])


def test_missing_user_file(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="cannot read"):
        KnowledgeBase.load([tmp_path / "nope.yml"])


PETRARCH = """\
# a small actor dictionary in the PETRARCH format
VLADIMIR_PUTIN_
+PUTIN_
+VLADIMIR_VLADIMIROVICH_PUTIN_   # a comment
    [RUSELI <991230]
    [RUSGOV 991231-080507]
    [RUSGOV >120507]
ABDULLAH_GUL_ [TURGOV 20070828-20140828]
TALIBAN_ [AFGREB]
+TALEBAN_
ROMANIA_ [ROM]
UNITED_NATIONS_ [IGOUNO]
<!-- an XML comment -->
"""

AGENTS = """\
<!-- an agents dictionary -->
!PERSON! = MAN, MEN, WOMAN, WOMEN
PRESIDENT [~GOVPRS] # ns 6/26/01
RIOT_POLICE {} [~COP]
+GENDARMES_
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]
<Combine rule = "LAWGOVATGMIL => GOV">
CONGRESS!PERSON! [~LEG}
HUMAN_RIGHTS_BODY  [NGO~]
COPTIC_CHRISTIAN [~CHRCPT]
<CombineBlock>
GOVGOV => GOV
</CombineBlock>
"""

TABARI = """\
JAMES_BYRNES_  ; CountryInfo.txt
    [USAELI 18970101-450703]
    [USAGOV 450703-470121]
MOHAMMAD_ZAHIR_SHAH_  ; CountryInfo.txt
\t\t[AFGGOV 331108-730717]
\t\t[AFGELI 730717-070723]
HAMID_KARZAI_  [AFGELI] ; a default code
\t[AFGGOV 011222-140929]
"""


def test_petrarch_import(tmp_path):
    actors = tmp_path / "actors.txt"
    actors.write_text(PETRARCH, encoding="utf-8")
    agents = tmp_path / "agents.txt"
    agents.write_text(AGENTS, encoding="utf-8")
    kb0 = KnowledgeBase.load()
    doc = import_petrarch(actors, cameo_iso=kb0._cameo_iso)
    people = {p["id"]: p for p in doc["people"]}
    putin = people["vladimir-putin"]
    assert putin["name"] == "Vladimir Putin" and "Putin" in putin["aliases"]
    roles = sorted(putin["roles"], key=lambda r: r["start"] or date.min)
    assert roles[0] == {"country": "RUS", "sector": "ELI", "title": "", "start": None, "end": date(1999, 12, 30)}
    assert (roles[1]["start"], roles[1]["end"]) == (date(1999, 12, 31), date(2008, 5, 7))
    assert (roles[2]["start"], roles[2]["end"], roles[2]["sector"]) == (date(2012, 5, 7), None, "GOV")
    gul = people["abdullah-gul"]["roles"][0]
    assert (gul["country"], gul["start"], gul["end"]) == ("TUR", date(2007, 8, 28), date(2014, 8, 28))
    groups = {g["id"]: g for g in doc["groups"]}
    assert groups["taliban"]["country"] == "AFG" and groups["taliban"]["sector"] == "REB"
    assert [c["iso3"] for c in doc["countries"]] == ["ROU"]
    assert doc["igos"][0]["name"] == "United Nations"

    agent_doc = import_petrarch(agents)
    sectors = agent_doc["sectors"]
    assert sectors["GOV"] == ["attorney general", "attorneys general", "president"]
    assert sectors["COP"] == ["gendarmes", "riot police"]
    assert sectors["LEG"] == ["congressman", "congressmen", "congresswoman", "congresswomen"]
    assert sectors["NGO"] == ["human rights body"] and sectors["REL"] == ["coptic christian"]

    out = write_yaml(doc, tmp_path / "imported.yml")
    kb = KnowledgeBase.load([out])
    p = [e for e in kb.lookup("Vladimir Putin") if e.kind == "person"][0]
    assert kb.code_on(p, date(2005, 1, 1)) == ("RUS", "GOV")
    assert kb.code_on(p, date(1995, 1, 1)) == ("RUS", "ELI")
    assert kb.lookup("Taleban")[0].id == "group:taliban"


def test_tabari_dates_and_default_codes(tmp_path):
    src = tmp_path / "tabari.txt"
    src.write_text(TABARI, encoding="utf-8")
    doc = import_petrarch(src)
    people = {p["id"]: p for p in doc["people"]}
    byrnes = people["james-byrnes"]["roles"]
    assert (byrnes[0]["start"], byrnes[0]["end"]) == (date(1897, 1, 1), date(1945, 7, 3))
    assert (byrnes[1]["start"], byrnes[1]["end"]) == (date(1945, 7, 3), date(1947, 1, 21))
    shah = people["mohammad-zahir-shah"]["roles"]
    assert shah[0]["start"] == date(1933, 11, 8) and shah[1]["end"] == date(2007, 7, 23)
    kb = KnowledgeBase.load([write_yaml(doc, tmp_path / "t.yml")])
    karzai = [e for e in kb.lookup("Hamid Karzai") if e.id == "person:hamid-karzai"][0]
    assert kb.code_on(karzai, date(2010, 1, 1)) == ("AFG", "GOV")
    assert kb.code_on(karzai, date(2016, 1, 1))[0] == "AFG"


def test_petrarch_bad_date(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("SOMEONE_\n  [RUSGOV 2001-2002]\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"bad\.txt:2"):
        import_petrarch(bad)


def test_cli_actor_and_import(tmp_path):
    from typer.testing import CliRunner

    from dyads.cli.app import app
    import dyads.cli.dictcmds  # noqa: F401  (registers the commands)

    runner = CliRunner()
    res = runner.invoke(app, ["actor", "Putin", "--date", "2010-01-01", "--json"])
    assert res.exit_code == 0, res.output
    assert '"code": "RUSGOV"' in res.output and "prime minister" in res.output
    res = runner.invoke(app, ["actor", "Putin", "--date", "yesterday"])
    assert res.exit_code == UsageError.exit_code and "Traceback" not in res.output
    src = tmp_path / "a.txt"
    src.write_text(PETRARCH, encoding="utf-8")
    res = runner.invoke(app, ["dict", "import", str(src), "-o", str(tmp_path / "o.yml")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o.yml").exists()


def test_package_data_is_consistent(kb):
    countries = {e.country for e in kb.entities() if e.kind == "country"}
    for e in kb.entities():
        if e.kind == "person":
            assert e.roles, e.id
            for r in e.roles:
                assert r.country in countries or r.country == "IGO", (e.id, r)
                assert r.title, (e.id, r)
            assert e.gender in ("m", "f"), e.id
        elif e.kind == "group":  # a transnational group (al-Qaeda) has no country
            assert e.country in countries or e.country is None, e.id
    assert kb.is_case_sensitive("US") and kb.is_case_sensitive("Turkey")
    assert not kb.is_case_sensitive("Russia")


def test_sector_words_follow_cameo_role_codes(kb):
    # students EDU, workers LAB, farmers AGR (CAMEO role codes), not plain civilians
    assert [kb.sector_of_word(w) for w in ("student", "worker", "farmer", "villager")] == ["EDU", "LAB", "AGR", "CVL"]
    assert kb.sector_of_word("aid worker") == "NGO"


def test_former_names_of_organisations(kb):
    assert {e.id for e in kb.lookup("European Community")} == {"igo:EU"}
    assert kb.is_group_noun("movement") and not kb.is_group_noun("president")


def test_force_is_military(kb):
    assert kb.sector_of_word("force") == "MIL"


def test_the_pope_is_the_holy_see(kb):
    assert {(e.kind, e.country) for e in kb.lookup("the Pope")} == {("institution", "VAT")}


def test_a_person_is_coded_by_the_post_held_on_the_events_own_date(kb):
    from dyads.models import Actor

    rabin = Actor(code="ISR", sector="ELI", name="Yitzhak Rabin", kb_id="person:yitzhak-rabin")
    # shot on the night of 4 November 1995, reported the next day: a serving prime minister
    assert (kb.person_on(rabin, date(1995, 11, 4)).code, kb.person_on(rabin, date(1995, 11, 4)).sector) == ("ISR", "GOV")
    # before any post the knowledge base knows, the article's reading stands
    assert kb.person_on(rabin, date(1950, 1, 1)) == rabin
    # what the text calls a retired person ("opposition leader X") is not undone by a later date
    leader = Actor(code="ISR", sector="OPP", name="Yitzhak Rabin", kb_id="person:yitzhak-rabin")
    assert kb.person_on(leader, date(2001, 1, 1)) == leader
    nobody = Actor(code="ISR", sector="CVL", name="residents")
    assert kb.person_on(nobody, date(1995, 11, 4)) is nobody


def test_the_1983_killing_of_a_prime_minister_in_a_2009_story_is_of_a_head_of_government(pipeline):
    from dyads.models import Article

    text = ("Bernard Coard walked out of prison on Saturday, freed after 26 years for the 1983 killing of "
            "Prime Minister Maurice Bishop.")
    events = pipeline.code_one(Article(id="t", text=text, published=date(2009, 9, 6))).events
    killing = [e for e in events if e.event_text == "killing"]
    assert killing and killing[0].date == "1983"
    assert (killing[0].recipient.code, killing[0].recipient.sector) == ("GRD", "GOV")


def test_only_a_date_that_does_not_hold_the_articles_own_moves_a_post():
    from dyads.models import Timex
    from dyads.pipeline import _dated_away

    published = date(2009, 9, 6)
    year = Timex(0, 4, "1983", "DATE", "1983", "year", date(1983, 1, 1), date(1983, 12, 31))
    this_year = Timex(0, 4, "2009", "DATE", "2009", "year", date(2009, 1, 1), date(2009, 12, 31))
    yesterday = Timex(0, 9, "yesterday", "DATE", "2009-09-05", "day", date(2009, 9, 5), date(2009, 9, 5))
    assert _dated_away(year, published) == date(1983, 1, 1)
    assert _dated_away(this_year, published) is None  # "this year": the article's own date stands
    assert _dated_away(yesterday, published) == date(2009, 9, 5)
    assert _dated_away(None, published) is None and _dated_away(year, None) is None
