"""The rule coder's constructions, actor resolution, dating and locating, on sentences
written for these tests, through the real spaCy pipeline. The rules are what the learned
coder reads as features and what `--model rules` codes with; tests/test_learned.py tests
the trained models."""
from __future__ import annotations

from datetime import date

import pytest
import spacy
from spacy.tokens import Doc

from dyads.models import Article
from dyads.pipeline import Pipeline, PipelineConfig

PUB = date(2022, 3, 23)  # a Wednesday
VOCAB = spacy.blank("en").vocab


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(PipelineConfig(coder="rules"))


def code(pipeline: Pipeline, text: str, published: date = PUB, title: str = "") -> list:
    return pipeline.code_one(Article(id="t", title=title, text=text, published=published)).events


def dyads_of(events, factuality: str | None = "asserted") -> set[tuple]:
    return {
        (e.event, e.actor.code if e.actor else None, e.recipient.code if e.recipient else None)
        for e in events
        if factuality is None or e.factuality == factuality
    }


def asserted_pair(events, event_type: str) -> set[str]:
    """The two countries of the one asserted event of that type (either direction)."""
    e = only([e for e in events if e.factuality == "asserted"], event_type)
    return {e.actor.code, e.recipient.code}


def only(events, event_type: str):
    found = [e for e in events if e.event == event_type]
    assert len(found) == 1, [(e.event, e.event_text) for e in events]
    return found[0]


# -- constructions -----------------------------------------------------------------

def test_active_verb_with_sectors_date_and_place(pipeline):
    e = only(code(pipeline, "Israeli troops arrested ten Palestinian protesters in Hebron on Monday."), "COERCE")
    assert (e.actor.code, e.actor.sector, e.recipient.code, e.recipient.sector) == ("ISR", "MIL", "PSE", "CVL")
    assert (e.date, e.date_source, e.date_precision) == ("2022-03-21", "text", "day")
    assert e.event_loc.name == "Hebron" and e.event_loc.country == "PSE" and e.event_loc.feature == "town"
    assert e.cameo and e.goldstein is not None and e.quad_code == 4


def test_passive_takes_actor_from_by_phrase(pipeline):
    events = code(pipeline, "Ukrainian soldiers were attacked by Russian forces near Kharkiv on Tuesday.")
    e = only(events, "ASSAULT")
    assert (e.actor.code, e.recipient.code) == ("RUS", "UKR")
    assert e.date == "2022-03-22" and e.event_loc.country == "UKR"


def test_reported_speech_source_is_the_accuser_not_the_speaker(pipeline):
    events = code(pipeline, "Officials in Ankara said Turkey accused Greece of violating its airspace.")
    assert ("ACCUSE", "TUR", "GRC") in dyads_of(events)


def test_negated_event_is_not_asserted(pipeline):
    events = code(pipeline, "Russia did not attack Ukraine on Tuesday.")
    assert dyads_of(events) == set()
    assert ("ASSAULT", "RUS", "UKR") in dyads_of(events, "negated")


def _parsed(words, heads, deps, tags, lemmas=None):
    """A sentence parsed by hand, as spaCy's own tests build them."""
    return Doc(VOCAB, words=words, heads=heads, deps=deps, tags=tags, lemmas=lemmas or [w.lower() for w in words])


def test_participles_of_acts_done_are_outside_the_negation(pipeline):
    doc = _parsed(["Malaysia", "would", "not", "allow", "troops", ",", "rejecting", "a", "proposal"],
                  [3, 3, 3, 3, 3, 3, 3, 8, 6], ["nsubj", "aux", "neg", "ROOT", "dobj", "punct", "advcl", "det", "dobj"],
                  ["NNP", "MD", "RB", "VB", "NNS", ",", "VBG", "DT", "NN"])
    assert [pipeline.coder.factuality_of(doc[i]) for i in (3, 6)] == ["negated", "asserted"]
    blocked = _parsed(["Hungary", "blocked", "the", "deal", ",", "demanding", "funds"], [1, 1, 3, 1, 1, 1, 5],
                      ["nsubj", "ROOT", "det", "dobj", "punct", "advcl", "dobj"], ["NNP", "VBD", "DT", "NN", ",", "VBG", "NNS"],
                      ["hungary", "block", "the", "deal", ",", "demand", "fund"])
    assert pipeline.coder.factuality_of(blocked[5]) == "asserted"
    offered = _parsed(["Kashmiris", "rejected", "the", "package", "offered", "by", "Singh"], [1, 1, 3, 1, 3, 4, 5],
                      ["nsubj", "ROOT", "det", "dobj", "acl", "agent", "pobj"], ["NNPS", "VBD", "DT", "NN", "VBN", "IN", "NNP"],
                      ["kashmiris", "reject", "the", "package", "offer", "by", "singh"])
    assert pipeline.coder.factuality_of(offered[4]) == "asserted"  # a package offered was offered, rejected or not
    # an infinitive of purpose stays in scope: "did not come to sign" signed nothing
    purpose = _parsed(["Kiir", "did", "not", "come", "to", "sign"], [3, 3, 3, 3, 5, 3],
                      ["nsubj", "aux", "neg", "ROOT", "aux", "advcl"], ["NNP", "VBD", "RB", "VB", "TO", "VB"])
    assert pipeline.coder.factuality_of(purpose[5]) == "negated"


def test_what_a_preposition_of_circumstance_introduces_happened(pipeline):
    doc = _parsed(["Mubarak", "refused", "to", "step", "down", "after", "protests"], [1, 1, 3, 1, 3, 3, 5],
                  ["nsubj", "ROOT", "aux", "xcomp", "prt", "prep", "pobj"], ["NNP", "VBD", "TO", "VB", "RP", "IN", "NNS"],
                  ["mubarak", "refuse", "to", "step", "down", "after", "protest"])
    assert [pipeline.coder.factuality_of(doc[i]) for i in (3, 6)] == ["negated", "asserted"]


def test_a_negation_does_not_reach_a_finite_conjunct(pipeline):
    doc = _parsed(["Buhari", "did", "not", "mention", "the", "shootings", "and", "chided", "the", "youth"],
                  [3, 3, 3, 3, 5, 3, 3, 3, 9, 7], ["nsubj", "aux", "neg", "ROOT", "det", "dobj", "cc", "conj", "det", "dobj"],
                  ["NNP", "VBD", "RB", "VB", "DT", "NNS", "CC", "VBD", "DT", "NN"])
    assert [pipeline.coder.factuality_of(doc[i]) for i in (3, 7)] == ["negated", "asserted"]
    # a bare infinitive shares the auxiliaries: "did not attack or invade" did neither
    both = _parsed(["Russia", "did", "not", "attack", "or", "invade"], [3, 3, 3, 3, 3, 3],
                   ["nsubj", "aux", "neg", "ROOT", "cc", "conj"], ["NNP", "VBD", "RB", "VB", "CC", "VB"])
    assert pipeline.coder.factuality_of(both[5]) == "negated"
    # a conjunct with its own subject is its own clause, whatever its tense: "will not accept
    # the deal and farmers have been protesting" (they have)
    own = _parsed(["France", "will", "not", "accept", "the", "deal", "and", "farmers", "have", "been", "protesting"],
                  [3, 3, 3, 3, 5, 3, 5, 10, 10, 10, 3],
                  ["nsubj", "aux", "neg", "ROOT", "det", "dobj", "cc", "nsubj", "aux", "aux", "conj"],
                  ["NNP", "MD", "RB", "VB", "DT", "NN", "CC", "NNS", "VBP", "VBN", "VBG"])
    assert [pipeline.coder.factuality_of(own[i]) for i in (3, 10)] == ["negated", "asserted"]


def test_refusal_is_reject_and_the_refused_aid_did_not_happen(pipeline):
    events = code(pipeline, "Germany refused requests to send tanks to Ukraine.")
    assert ("REJECT", "DEU", "UKR") in dyads_of(events)
    assert not {t for t, _, _ in dyads_of(events)} & {"AID", "MOBILIZE"}


def test_refused_aid_gives_reject_with_assist_mode(pipeline):
    events = code(pipeline, "Israel refuses requests to supply Ukraine with military aid.")
    e = only([e for e in events if e.factuality == "asserted"], "REJECT")
    assert (e.actor.code, e.recipient.code, e.mode) == ("ISR", "UKR", "assist")
    assert "AID" not in {t for t, _, _ in dyads_of(events)}


def test_conditional_is_hypothetical(pipeline):
    events = code(pipeline, "If the talks fail, Russia could invade Ukraine.")
    assert dyads_of(events) == set()
    assert ("ASSAULT", "RUS", "UKR") in dyads_of(events, "hypothetical")


def test_future_visit_is_future_and_the_stated_intent_is_agree(pipeline):
    events = code(pipeline, "French President Emmanuel Macron will visit Beijing next week.")
    assert ("CONSULT", "FRA", "CHN") in dyads_of(events, "future")
    assert dyads_of(events) == {("AGREE", "FRA", "CHN")}


def test_control_chain_takes_the_governors_subject(pipeline):
    events = code(pipeline, "Turkey sought to mediate between Russia and Ukraine.")
    assert {("CONSULT", "TUR", "RUS"), ("CONSULT", "TUR", "UKR")} <= dyads_of(events)


def test_object_control_takes_the_object(pipeline):
    events = code(pipeline, "Erdogan spoke with Putin on Friday. He urged him to extend the grain deal.")
    assert ("REQUEST", "TUR", "RUS") in dyads_of(events)
    assert ("CONSULT", "TUR", "RUS") in dyads_of(events)


def test_agreement_to_act_is_agree_and_the_act_is_not_asserted(pipeline):
    events = code(pipeline, "Russia agreed to withdraw its troops from Kherson.")
    assert "AGREE" in {t for t, _, _ in dyads_of(events)}
    assert "RETREAT" not in {t for t, _, _ in dyads_of(events)}


def test_unnamed_attacker_victim_from_the_place(pipeline):
    e = only(code(pipeline, "A bomb attack in Kabul killed five people on Friday."), "ASSAULT")
    assert e.actor is None and e.recipient.code == "AFG"
    assert e.event_loc.name == "Kabul"


def test_a_capital_where_talks_are_held_is_not_a_party_to_them(pipeline):
    """Issue 14, "a place is not a party": "in Abuja" is where, while "Moscow said" stays an actor."""
    [agree] = [e for e in code(pipeline, "Sudanese rebels agree to take part in peace talks in Abuja.") if e.event == "AGREE"]
    assert (agree.actor.code, agree.recipient) == ("SDN", None)
    assert dyads_of(code(pipeline, "Moscow condemned the sanctions imposed by Washington.")) >= {("ACCUSE", "RUS", "USA")}


def test_a_country_abbreviation_before_an_attack_is_the_attacker_not_the_place(pipeline):
    """'US airstrikes' are the US's (actor, and the militants are not American); 'a Gaza attack'
    happened in Gaza; the strikes happened near Kandahar, not in the United States."""
    e = only(code(pipeline, "US airstrikes killed ten militants near Kandahar on Tuesday."), "ASSAULT")
    assert (e.actor.code, e.recipient.code, e.event_loc.country) == ("USA", "AFG", "AFG")
    gaza = only(code(pipeline, "A Gaza attack killed five soldiers on Tuesday."), "ASSAULT")
    assert gaza.actor is None and gaza.event_loc.country == "PSE"


def test_nominal_event_with_of_and_by(pipeline):
    e = only(code(pipeline, "The invasion of Iraq by the United States began in March 2003."), "ASSAULT")
    assert (e.actor.code, e.recipient.code, e.date, e.date_precision) == ("USA", "IRQ", "2003-03", "month")


def test_light_verb_talks(pipeline):
    e = only(code(pipeline, "Biden held talks with Xi Jinping on Monday."), "CONSULT")
    assert (e.actor.code, e.recipient.code, e.date) == ("USA", "CHN", "2022-03-21")


def test_compound_actor_yields_one_event_per_member(pipeline):
    events = code(pipeline, "France and Germany condemned Russia on Thursday.")
    assert dyads_of(events) == {("ACCUSE", "FRA", "RUS"), ("ACCUSE", "DEU", "RUS")}


def test_reciprocal_event_among_three_members_gives_every_pair(pipeline):
    events = code(pipeline, "Egypt, Jordan and Iraq held talks in Cairo on Sunday.")
    pairs = {frozenset((a, r)) for t, a, r in dyads_of(events) if t == "CONSULT"}
    assert pairs == {frozenset(("EGY", "JOR")), frozenset(("EGY", "IRQ")), frozenset(("JOR", "IRQ"))}


def test_sanctions_and_aid(pipeline):
    assert ("SANCTION", "IGO", "RUS") in dyads_of(code(pipeline, "The European Union imposed sanctions on Russian banks."))
    e = only(code(pipeline, "Japan sent humanitarian aid to Ukraine last week."), "AID")
    assert (e.actor.code, e.recipient.code, e.date, e.date_precision) == ("JPN", "UKR", "2022-W11", "week")


def test_confidence_is_a_usable_threshold(pipeline):
    events = code(pipeline, "Russian troops invaded Ukraine. Israel operates to target Iranian proxies.")
    strong = [e for e in events if e.event_text.startswith("invaded")]
    assert strong and all(0 < e.confidence <= 1 for e in events)
    assert strong[0].confidence >= max(e.confidence for e in events)


# -- actors ----------------------------------------------------------------------------

def test_title_and_descriptor_coreference(pipeline):
    text = ("Ukrainian President Volodymyr Zelensky met Polish President Andrzej Duda in Warsaw on Tuesday. "
            "The Ukrainian leader thanked Poland.")
    events = code(pipeline, text)
    assert ("CONSULT", "UKR", "POL") in dyads_of(events)
    thanks = only(events, "SUPPORT")
    assert thanks.actor.name == "Volodymyr Zelensky" and thanks.actor.entity_text == "The Ukrainian leader"


def test_unknown_person_gets_country_and_sector_from_descriptor(pipeline):
    events = code(pipeline, "Moldovan Foreign Minister Ion Vartanescu met Romanian officials on Monday.")
    e = only(events, "CONSULT")
    assert (e.actor.code, e.actor.sector, e.actor.name) == ("MDA", "GOV", "Ion Vartanescu")
    assert (e.recipient.code, e.recipient.sector) == ("ROU", "GOV")


def test_sector_words_with_country_cues(pipeline):
    events = code(pipeline, "Ukrainian lawmakers criticised the Kremlin.")
    e = only(events, "ACCUSE")
    assert (e.actor.code, e.actor.sector, e.recipient.code, e.recipient.sector) == ("UKR", "LEG", "RUS", "GOV")


def test_pronoun_resolves_to_salient_person(pipeline):
    text = "Israeli Prime Minister Naftali Bennett flew to Moscow on Saturday. He met Vladimir Putin at the Kremlin."
    events = code(pipeline, text, published=date(2022, 3, 6))
    assert ("CONSULT", "ISR", "RUS") in dyads_of(events)


def test_the_two_leaders_resolve_to_the_pair(pipeline):
    text = "Vladimir Putin spoke with Naftali Bennett on Wednesday. The two leaders last spoke on March 14."
    events = code(pipeline, text)
    march14 = [e for e in events if e.date == "2022-03-14"]
    assert len(march14) == 1 and {march14[0].actor.code, march14[0].recipient.code} == {"RUS", "ISR"}


def test_roles_are_dated(pipeline):
    older = code(pipeline, "Vladimir Putin met George W. Bush in Slovenia.", published=date(2001, 6, 16))
    e = only(older, "CONSULT")
    assert (e.actor.code, e.actor.sector, e.recipient.code, e.recipient.sector) == ("RUS", "GOV", "USA", "GOV")
    later = code(pipeline, "Naftali Bennett met Emmanuel Macron in Paris.", published=date(2023, 5, 1))
    e = only(later, "CONSULT")
    assert (e.actor.code, e.actor.sector) == ("ISR", "ELI")  # a former prime minister


def test_kremlin_is_the_russian_government(pipeline):
    e = only(code(pipeline, "The Kremlin condemned the European Union."), "ACCUSE")
    assert (e.actor.code, e.actor.sector, e.recipient.code) == ("RUS", "GOV", "IGO")


# -- time and place ---------------------------------------------------------------------

def test_each_event_dated_by_its_own_words(pipeline):
    text = ("Putin spoke with Bennett on Wednesday. The two leaders last spoke on March 14. "
            "Russia invaded Ukraine on February 24.")
    dates = {(e.event, e.date) for e in code(pipeline, text)}
    assert {("CONSULT", "2022-03-23"), ("CONSULT", "2022-03-14"), ("ASSAULT", "2022-02-24")} <= dates


def test_undated_event_falls_back_to_publication_and_says_so(pipeline):
    e = only(code(pipeline, "Japan condemned North Korea."), "ACCUSE")
    assert (e.date, e.date_source) == ("2022-03-23", "publication")


def test_month_precision_and_subordinate_clause_inheritance(pipeline):
    text = "Bennett traveled earlier this month to Moscow, where he met Putin."
    e = only(code(pipeline, text), "CONSULT")
    assert (e.date, e.date_precision, e.mode) == ("2022-03", "month", "visit")
    text = "Zelensky spoke to Knesset lawmakers on Sunday in a speech in which he lamented weak support from Jerusalem."
    accuse = only(code(pipeline, text), "ACCUSE")
    assert (accuse.actor.code, accuse.recipient.code, accuse.date) == ("UKR", "ISR", "2022-03-20")


# -- actors and arguments (general constructions) -------------------------------------

def test_unknown_official_takes_the_country_from_anywhere_in_the_title_chain(pipeline):
    events = code(pipeline, "Ghanaian deputy interior minister Kwame Osei-Bonsu condemned Togo on Friday.")
    e = only(events, "ACCUSE")
    assert (e.actor.code, e.actor.sector, e.recipient.code) == ("GHA", "GOV", "TGO")


def test_purpose_infinitive_after_an_object_belongs_to_the_subject(pipeline):
    # "summoned the envoy to protest": the summoner protests; "urged X to" is object control
    events = code(pipeline, "Chile summoned Peru's ambassador to complain about the fishing dispute.")
    assert {(a, r) for t, a, r in dyads_of(events) if t == "ACCUSE"} == {("CHL", "PER")}
    events = code(pipeline, "Norway urged Sudan to allow aid convoys into Darfur.")
    assert ("REQUEST", "NOR", "SDN") in dyads_of(events)


def actors_of(pipeline: Pipeline, text: str, word: str) -> set[tuple]:
    """The (country, sector) actors the resolver gives the word's mention."""
    doc = pipeline.nlp(text)
    index = pipeline.resolver.resolve(doc, PUB)
    token = next(t for t in doc if t.text == word)
    mention = index.mention_at(token)
    return {(a.code, a.sector) for a in index.actors(mention)} if mention else set()


def test_coordinated_demonyms_name_one_actor_each(pipeline):
    assert actors_of(pipeline, "Chilean and Peruvian diplomats met in Lima.", "diplomats") == {("CHL", "GOV"), ("PER", "GOV")}
    events = code(pipeline, "Greek and Turkish negotiators agreed on a new round of talks.")
    e = only(events, "AGREE")
    assert {e.actor.code, e.recipient.code} == {"GRC", "TUR"}
    events = code(pipeline, "Police in Togo beat dozens of Beninese and Nigerien traders.")
    assert {r for t, a, r in dyads_of(events) if t == "ASSAULT"} == {"BEN", "NER"}


def test_plural_demonyms_are_that_countrys_people_and_residence_beats_ethnicity(pipeline):
    assert actors_of(pipeline, "Young Moroccans blocked the main road.", "Moroccans") == {("MAR", "CVL")}
    assert actors_of(pipeline, "Bosnian Croats rallied in Mostar.", "Croats") == {("BIH", "CVL")}
    assert actors_of(pipeline, "Ethnic Hungarians rallied in Cluj.", "Hungarians") == set()
    assert actors_of(pipeline, "Ethnic Hungarian activists in Romania rallied.", "activists") == {("ROU", "OPP")}
    assert actors_of(pipeline, "Thousands of students across Chile marched.", "students") == {("CHL", "EDU")}


def test_mentions_in_one_sentence_merge_when_only_one_has_date_words(pipeline):
    events = code(pipeline, "Nigerian police fired tear gas to disperse student protesters on Monday, injuring five.")
    assaults = [e for e in events if e.event == "ASSAULT" and e.factuality == "asserted"]
    assert len(assaults) == 1 and assaults[0].date == "2022-03-21"
    # two different text dates stay two events
    events = code(pipeline, "Ethiopia and Kenya met on March 2 and met again on March 9.")
    assert sorted(e.date for e in events if e.event == "CONSULT") == ["2022-03-02", "2022-03-09"]


def test_participle_modifying_a_noun_is_passive(pipeline):
    # the noun undergoes the event; "armed with rifles" describes, it is no arms delivery
    events = code(pipeline, "The army buried twelve Malian soldiers killed in an ambush near Gao.")
    assert ("ASSAULT", None, "MLI") in dyads_of(events)
    assert not any(e.actor and e.actor.code == "MLI" and e.event == "ASSAULT" for e in events)
    events = code(pipeline, "Gunmen armed with rifles attacked a village in Niger.")
    assert "AID" not in {t for t, _, _ in dyads_of(events)}


def test_an_event_noun_as_subject_lends_its_owner_to_the_verb(pipeline):
    events = code(pipeline, "Turkish drone strikes killed six Kurdish fighters in Iraq on Tuesday.")
    assaults = [e for e in events if e.event == "ASSAULT" and e.factuality == "asserted"]
    assert len(assaults) == 1 and assaults[0].actor.code == "TUR" and assaults[0].actor.sector != "CVL"


def test_an_infinitive_of_a_noun_has_not_happened_unless_it_is_the_first_to(pipeline):
    events = code(pipeline, "Kenya defended the right of its troops to strike militants in Somalia.")
    assert "ASSAULT" not in {t for t, _, _ in dyads_of(events)}
    events = code(pipeline, "Macron became the first Western leader to visit Kyiv.")
    assert ("CONSULT", "FRA", "UKR") in dyads_of(events)


def test_the_reason_for_an_accusation_is_alleged_not_asserted(pipeline):
    events = code(pipeline, "Armenia blamed Azerbaijan for the shelling of Armenian villages.")
    assert ("ACCUSE", "ARM", "AZE") in dyads_of(events)
    assert "ASSAULT" not in {t for t, _, _ in dyads_of(events)}
    events = code(pipeline, "Police in Jordan arrested two Syrians for attacking a Jordanian patrol.")
    assert {t for t, _, _ in dyads_of(events)} == {"COERCE"}


def test_the_party_a_that_clause_names_is_the_one_asked(pipeline):
    events = code(pipeline, "Beijing demanded that Washington cancel its plan to sell jets to Taiwan.")
    assert {(a, r) for t, a, r in dyads_of(events) if t == "REQUEST"} == {("CHN", "USA")}
    events = code(pipeline, "The WHO repeated its demand that Israel let fuel into Gaza.")
    assert ("REQUEST", "IGO", "ISR") in dyads_of(events)


def test_weapons_stand_for_the_military_that_fires_them(pipeline):
    e = only(code(pipeline, "Syrian jets bombed rebel positions near Idlib."), "ASSAULT")
    assert (e.actor.code, e.actor.sector) == ("SYR", "MIL")


def test_group_nouns_take_their_sector_from_a_modifier(pipeline):
    assert actors_of(pipeline, "Opposition groups in Kenya called for a boycott.", "groups") == {("KEN", "OPP")}
    assert actors_of(pipeline, "Somali police officials denied the report.", "officials") == {("SOM", "COP")}


def test_coordinated_country_before_a_named_force(pipeline):
    events = code(pipeline, "Iraq said US and British forces must leave Basra.")
    assert {(a, r) for t, a, r in dyads_of(events) if t == "REQUEST"} == {("IRQ", "USA"), ("IRQ", "GBR")}


def test_an_organisation_noun_is_the_organisation_named_before_it(pipeline):
    e = only(code(pipeline, "The Hamas movement rejected the Egyptian truce proposal."), "REJECT")
    assert (e.actor.code, e.actor.sector, e.recipient.code) == ("PSE", "REB", "EGY")


def test_a_subject_misread_as_a_participle_still_names_the_speaker(pipeline):
    events = code(pipeline, "The Red Cross operating in Yemen said Saudi forces must stop the blockade.")
    assert ("REQUEST", "IGO", "SAU") in {(t, "IGO" if a == "NGO" else a, r) for t, a, r in dyads_of(events)}


def test_unknown_officers_with_a_rank_are_military(pipeline):
    assert actors_of(pipeline, "Col. John Mensah resigned on Friday after protests in Ghana.", "Mensah") == {("GHA", "MIL")}


def test_what_a_verb_is_about_is_not_a_second_event(pipeline):
    events = code(pipeline, "Hungary reneged on its commitment to the European Union.")
    assert {t for t, _, _ in dyads_of(events)} == {"REJECT"}
    events = code(pipeline, "Hundreds of Iraqis demonstrated against the American occupation.")
    assert "COERCE" not in {t for t, _, _ in dyads_of(events)}


def test_failing_to_reach_agreement_is_a_rejection(pipeline):
    events = code(pipeline, "Sudan and South Sudan failed to reach an agreement on oil fees.")
    assert asserted_pair(events, "REJECT") == {"SDN", "SSD"}


def test_a_demand_made_by_protesting_is_the_protest(pipeline):
    events = code(pipeline, "Thousands of Kenyan students marched in Nairobi to demand lower fees.")
    assert {t for t, _, _ in dyads_of(events)} == {"PROTEST"}


def test_a_stative_participle_keeps_its_subject_as_actor(pipeline):
    events = code(pipeline, "Ghana is committed to supporting Burkina Faso.")
    assert any(t == "AGREE" and a == "GHA" for t, a, _ in dyads_of(events))


def test_actors_in_a_town_belong_to_its_country(pipeline):
    assert actors_of(pipeline, "Police in Mombasa detained five suspects.", "Police") == {("KEN", "COP")}


def test_an_intent_belongs_to_its_own_clause_subject(pipeline):
    events = code(pipeline, "Turkey said it would consider Sweden's request.")
    assert not any(a == "SWE" for _, a, _ in dyads_of(events))


def test_charging_that_something_happened_is_no_arrest(pipeline):
    events = code(pipeline, "Kenya charged that Somali militants had attacked a border post.")
    assert "COERCE" not in {t for t, _, _ in dyads_of(events)}


def test_a_threat_to_coordinated_targets_names_each(pipeline):
    events = code(pipeline, "Hezbollah threatened to deliver painful blows to Israel and the United States.")
    assert {r for t, a, r in dyads_of(events) if t == "THREATEN"} == {"ISR", "USA"}


def test_a_demand_that_hangs_on_its_verb_still_names_the_party_asked(pipeline):
    events = code(pipeline, "UNICEF reiterated its demand that Yemen reopen the schools.")
    assert ("REQUEST", "IGO", "YEM") in {(t, "IGO" if a == "NGO" else a, r) for t, a, r in dyads_of(events)}


def test_another_countrys_institution_name_inside_a_title_is_not_that_institution(pipeline):
    assert actors_of(pipeline, "Kenyan Labour Minister Simon Chelugui met the unions.", "Labour") != {("GBR", "PTY")}


def test_a_passive_governor_hands_its_subject_to_the_infinitive_and_schedules_are_future(pipeline):
    events = code(pipeline, "The Kenyan president was forced to release the Ugandan activists.")
    assert ("RETREAT", "KEN", "UGA") in dyads_of(events)
    events = code(pipeline, "Macron is scheduled to visit Algeria next week.")
    assert ("CONSULT", "FRA", "DZA") in dyads_of(events, "future")
    assert "CONSULT" not in {t for t, _, _ in dyads_of(events)}


def test_entries_limited_by_the_actors_sector(pipeline):
    events = code(pipeline, "Ethiopian troops withdrew from the Somali town of Baidoa.")
    assert ("RETREAT", "ETH", "SOM") in dyads_of(events)
    events = code(pipeline, "The Chadian government withdrew from the regional force agreement.")
    assert "RETREAT" not in {t for t, _, _ in dyads_of(events)}
    events = code(pipeline, "Rwandan troops arrived in Mozambique on Friday.")
    assert "CONSULT" not in {t for t, _, _ in dyads_of(events)}


def test_releasing_or_helping_a_named_actor(pipeline):
    events = code(pipeline, "Iran released the Danish ambassador.")
    assert ("RETREAT", "IRN", "DNK") in dyads_of(events)
    events = code(pipeline, "Norway helped Ethiopian refugees in Kenya.")
    assert ("AID", "NOR", "ETH") in dyads_of(events)
    events = code(pipeline, "Iran fired drones at Iraqi Kurdistan.")
    assert ("ASSAULT", "IRN", "IRQ") in dyads_of(events)
    events = code(pipeline, "Somalia fired rifles at Kenya.")
    assert ("ASSAULT", "SOM", "KEN") in dyads_of(events)


def test_a_country_named_deep_in_a_place_phrase(pipeline):
    assert actors_of(pipeline, "Rebels in the eastern Congolese province of North Kivu attacked a village.", "Rebels") == {("COD", "REB")}


def test_a_country_named_by_affiliation(pipeline):
    assert actors_of(pipeline, "Workers affiliated with the Nigerian Labour Congress marched.", "Workers") == {("NGA", "LAB")}
    assert actors_of(pipeline, "A militant group based in Mali attacked a convoy.", "group") == {("MLI", "REB")}


def test_protesters_against_a_named_government_are_its_people(pipeline):
    events = code(pipeline, "Hundreds of students continued their sit-in to demand the resignation of the Ecuadorian president.")
    assert ("PROTEST", "ECU", "ECU") in dyads_of(events)
    # a protest abroad does not make the protesters that government's people
    events = code(pipeline, "Hundreds of students rallied in Paris against the Iranian government.")
    assert not any(t == "PROTEST" and a == "IRN" for t, a, _ in dyads_of(events))
    events = code(pipeline, "Thousands of protesters rallied outside the Chinese embassy on Friday.")
    assert not any(t == "PROTEST" and a == "CHN" for t, a, _ in dyads_of(events))


def test_a_frame_noun_carries_its_compounds_arguments(pipeline):
    events = code(pipeline, "Qatar launched a mediation effort between Ethiopia and Eritrea.")
    assert {(a, r) for t, a, r in dyads_of(events) if t == "CONSULT"} == {("QAT", "ETH"), ("QAT", "ERI")}


def test_a_subject_swallowed_by_a_fronted_phrase_is_found_before_the_verb(pipeline):
    text = "With the signing of a Memorandum of Understanding on Border Security, the Malian government and MNLA have agreed to allow free movement of goods."
    assert ("AGREE", "MLI", None) in dyads_of(code(pipeline, text))


def test_stacked_demonyms_name_the_country_of_residence_not_two_actors(pipeline):
    assert actors_of(pipeline, "A tribunal indicted three Bosnian Croat commanders.", "commanders") == {("BIH", "MIL")}


def test_a_qualified_noun_decides_over_its_light_verb(pipeline):
    events = code(pipeline, "India and Japan held joint naval exercises.")
    assert asserted_pair(events, "COOPERATE") == {"IND", "JPN"}


def test_a_stated_future_meeting_is_an_agreement_between_both_sides(pipeline):
    events = code(pipeline, "Barack Obama and Vladimir Putin will meet in Zurich to discuss trade.", published=date(2015, 6, 1))
    assert asserted_pair(events, "AGREE") == {"USA", "RUS"}


# One sentence, one dyad: constructions whose whole test is the asserted event they must give.
ASSERTED = [
    ("Egypt put its troops on alert along the Libyan border.", ("MOBILIZE", "EGY", None)),  # own troops are no target
    ("Indian border guards exchanged fire with Pakistani troops.", ("ASSAULT", "IND", "PAK")),  # exchanging fire; a demonym is no part of a title
    ("Russian troops fought Chechen rebels near Grozny.", ("ASSAULT", "RUS", "RUS")),  # peoples of a country's own regions
    ("Fighting between Armenian and Azerbaijani forces killed 12 soldiers.", ("ASSAULT", "ARM", "AZE")),  # a gerund standing as a noun
    ("A car bomb exploded in central Kabul, killing 15 people.", ("ASSAULT", None, "AFG")),  # a noun event happens where its verb does
    ("Chad said it will withdraw its troops from Mali unless the junta holds elections.", ("THREATEN", "TCD", "MLI")),  # an act conditional on the other side is a threat
    ("Turkey threatened to close its airspace if Sweden admits the activists.", ("THREATEN", "TUR", "SWE")),  # aimed at whoever the condition is about
    ("IAEA inspectors inspected a nuclear facility in Syria.", ("ACCUSE", "IGO", "SYR")),  # organisation staff act for it; inspections
    ("UN investigators began examining allegations of torture by Libyan militias.", ("ACCUSE", "IGO", "LBY")),  # examining allegations
    ("Brazil refused to deploy peacekeepers in Haiti and urged its citizens to leave.", ("REJECT", "BRA", "HTI")),  # a conjoined clause is not the refused action
    ("Morocco says it is ready to reopen its border with Algeria.", ("AGREE", "MAR", "DZA")),  # it refers back when the copula describes an agent
    ("Colombia issued a communique demanding that Venezuela withdraw its troops.", ("REQUEST", "COL", "VEN")),  # a statement issued by an actor demands in its name
    ("Peru said Bolivia was responsible for the border incident.", ("ACCUSE", "PER", "BOL")),  # saying another actor is responsible accuses it
    ("Kenya's opposition said the Ugandan government was corrupt and incompetent.", ("ACCUSE", "KEN", "UGA")),  # or corrupt: a blaming predicate
    ("Opposition groups in Togo demanded that the Togolese president step down.", ("REQUEST", "TGO", "TGO")),  # an opposition can demand of its own government
    ("The Swedish government suspended aid deliveries to Somalia.", ("SANCTION", "SWE", "SOM")),  # the object framed by a generic noun
    ("Turkish authorities imposed a curfew in several towns in eastern Turkey.", ("COERCE", "TUR", "TUR")),  # repression at home targets the actors own country
]


@pytest.mark.parametrize("text,expected", ASSERTED, ids=[row[0][:48] for row in ASSERTED])
def test_construction_gives_the_asserted_dyad(pipeline, text, expected):
    assert expected in dyads_of(code(pipeline, text))


# One sentence, one dyad it must give and one type it must not (the embedded act is not asserted).
ASSERTED_NOT = [
    ("Khartoum agreed to the deployment of UN peacekeepers in Darfur.", ("AGREE", "SDN", "IGO"), "MOBILIZE"),  # what is agreed to has not happened
    ("Ethiopia claimed that Eritrean troops had attacked a border town.", ("ACCUSE", "ETH", "ERI"), "ASSAULT"),  # claiming that someone attacked accuses them
    ("Armenia demanded an admission by Turkey that Ottoman troops massacred Armenians.", ("REQUEST", "ARM", "TUR"), "ASSAULT"),  # a demanded statement is not asserted
    ("Cyprus protested to Turkey over the drilling.", ("ACCUSE", "CYP", "TUR"), "PROTEST"),  # protesting to a government is an official complaint
]


@pytest.mark.parametrize("text,expected,absent", ASSERTED_NOT, ids=[row[0][:48] for row in ASSERTED_NOT])
def test_construction_gives_the_dyad_and_not_the_embedded_type(pipeline, text, expected, absent):
    found = dyads_of(code(pipeline, text))
    assert expected in found and absent not in {t for t, _, _ in found}


@pytest.mark.parametrize("text, sector", [
    ("President Boris Yeltsin met the Chinese premier in Moscow.", "GOV"),  # the text's own title: his time in office
    ("Former President Boris Yeltsin met the Chinese premier in Moscow.", "ELI"),
    ("Boris Yeltsin met the Chinese premier in Moscow.", "ELI"),  # no title: the role on the article's date
])
def test_an_office_the_text_gives_outranks_the_articles_date(pipeline, text, sector):
    event = only(code(pipeline, text, published=date(2010, 5, 1)), "CONSULT")
    assert (event.actor.code, event.actor.sector) == ("RUS", sector)


@pytest.mark.parametrize("text, expected", [
    ("The Israeli prime minister called the Ukrainian president on Tuesday.", ("CONSULT", "ISR", "UKR")),
    ("The German chancellor called on Russia to pull its troops back.", ("REQUEST", "DEU", "RUS")),
])
def test_a_call_to_someone_is_a_phone_call_and_a_call_on_them_a_request(pipeline, text, expected):
    events = code(pipeline, text)
    assert expected in dyads_of(events)
    assert {e.event for e in events if e.factuality == "asserted"} == {expected[0]}
    if expected[0] == "CONSULT":
        assert events[0].mode == "phone" and events[0].date == "2022-03-22"


def test_a_refusal_conjoined_to_an_act_shares_its_recipient(pipeline):
    events = code(pipeline, "Spain has sent medical supplies to Chile but has declined to supply weapons.")
    assert ("AID", "ESP", "CHL") in dyads_of(events)
    assert ("REJECT", "ESP", "CHL") in dyads_of(events)


def test_a_second_act_with_its_own_object_keeps_it(pipeline):
    events = code(pipeline, "Turkish troops shelled Syrian army posts and seized a Kurdish village.")
    assert ("ASSAULT", "TUR", "SYR") in dyads_of(events)
    assert not any("conj-recipient" in ev.path for e in events for ev in e.evidence)


def test_the_two_sides_are_the_parties_not_the_venue(pipeline):
    text = ("The Colombian government and the FARC signed an accord in Havana on Monday. "
            "Norway mediated the talks between the two sides.")
    e = only(code(pipeline, text), "CONSULT")
    assert e.actor.code == "NOR" and e.recipient.code == "COL"  # not CUB, where they met


@pytest.mark.parametrize("text, date_, source", [
    ("Greece recalled its ambassador on Monday, two days after Turkish jets bombed a Greek island.", "2022-03-19", "text"),
    ("Greece recalled its ambassador on Monday, a week before Turkish jets bombed a Greek island.", "2022-03-28", "text"),
    ("Greece recalled its ambassador on Monday after Turkish jets bombed a Greek island.", "2022-03-23", "publication"),
])
def test_a_clause_dated_from_its_governor_by_the_gap_it_states(pipeline, text, date_, source):
    e = only(code(pipeline, text), "ASSAULT")
    assert (e.actor.code, e.recipient.code) == ("TUR", "GRC")
    assert (e.date, e.date_source) == (date_, source)


@pytest.mark.parametrize("text, expected", [
    ("The Saudi-led coalition bombed Houthi positions near Sanaa.", ("ASSAULT", "SAU")),  # led: the coalition acts for it
    ("Iran-backed militias attacked a Saudi oil facility.", ("ASSAULT", None)),  # backed is not led
])
def test_a_body_led_by_a_country_acts_for_it(pipeline, text, expected):
    e = only(code(pipeline, text), expected[0])
    assert (e.actor.code if e.actor else None) == expected[1]


def test_an_organisations_ministers_keep_the_organisation(pipeline):
    e = only(code(pipeline, "EU foreign ministers froze the assets of Vladimir Putin."), "SANCTION")
    assert (e.actor.code, e.actor.org, e.actor.sector, e.recipient.code) == ("IGO", "EU", "GOV", "RUS")


def test_the_host_of_a_truce_is_not_a_party_to_it(pipeline):
    events = code(pipeline, "Ethiopia and Tigray forces signed a truce in Pretoria.")
    assert events and not any(e.recipient and e.recipient.code == "ZAF" for e in events)


def test_a_later_mention_of_the_call_gives_the_talk_its_mode(pipeline):
    text = ("President Emmanuel Macron spoke with Chancellor Olaf Scholz on Wednesday. "
            "Wednesday's call was their second this month, officials said.")
    e = only(code(pipeline, text), "CONSULT")
    assert (e.actor.code, e.recipient.code, e.date, e.mode) == ("FRA", "DEU", "2022-03-23", "phone")
    assert len(e.evidence) == 2


@pytest.mark.parametrize("text, mode", [
    ("President Joe Biden spoke by phone with President Xi Jinping.", "phone"),
    ("Sergei Lavrov spoke with Antony Blinken on the phone.", "phone"),
    ("President Joe Biden met President Xi Jinping via video link.", "phone"),
    ("President Joe Biden met President Xi Jinping on Monday.", None),
])
def test_a_means_phrase_gives_the_mode(pipeline, text, mode):
    assert only(code(pipeline, text), "CONSULT").mode == mode
