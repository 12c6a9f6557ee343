"""Wire and press-release notices: bylines, credit lines, editors' notes, press-release
headers and contact blocks are found and kept out of coding (no events, no actors), while
the story's own events still come out; a dateline after them is still read."""
from __future__ import annotations

from datetime import date

import pytest

from dyads.ingest.wire import notices, wire_openings
from dyads.models import Article
from support import db_rows

RELEASE = """FOR IMMEDIATE RELEASE
Issued by the Ministry of Foreign Affairs of Kenya
Attention: News Editors
NAIROBI, June 4 - Kenya's Foreign Minister met the Ethiopian ambassador on Monday and urged an end to the fighting.
Media contact:
Jane Wanjiru
Press Officer, Ministry of Foreign Affairs
+254 20 318 888
jane.wanjiru@example.go.ke
For more information, contact John Kamau, who will meet journalists on Friday.
EDITOR'S NOTE: Ethiopia's government has accused Kenya of arming rebels.
(Reporting by Peter Otieno in Addis Ababa; Editing by Mark Heinrich)
"""
NOTICE_NAMES = ("Jane Wanjiru", "John Kamau", "journalists", "Peter Otieno", "Mark Heinrich", "NAIROBI",
                "Press Officer", "Ministry of Foreign Affairs of Kenya")

BYLINED = """By JOHN SMITH, Associated Press Writer
KABUL, Afghanistan - Taliban fighters attacked a NATO convoy on Sunday, police said.
By Mark Heinrich and Ahmed Rashid"""


@pytest.mark.parametrize("text,kind,names", [
    ("By John Smith", "byline", ("John Smith",)),
    ("By JOHN SMITH, Associated Press Writer", "byline", ("JOHN SMITH",)),
    ("By Mark Heinrich and Ahmed Rashid", "byline", ("Mark Heinrich", "Ahmed Rashid")),
    ("By The Associated Press", "byline", ("The Associated Press",)),
    ("<p></p><p> By Mark Ledsom</p>", "byline", ("Mark Ledsom",)),
    ("(Reporting by Ali Sawafta; Editing by Tom Hogue)", "credit", ("Ali Sawafta", "Tom Hogue")),
    ("Additional reporting by Jane Doe in Kigali", "credit", ("Jane Doe in Kigali",)),
    ("EDITOR'S NOTE: This story contains graphic details.", "editors_note", ()),
    ("Note to editors: photographs are available.", "editors_note", ()),
    ("PRESS RELEASE", "press_header", ()),
    ("For immediate release", "press_header", ()),
    ("Issued by the Office of the Spokesperson", "press_header", ()),
    ("Attention: News Editors", "press_header", ()),
    ("Media contact: Jane Doe, +1 202 555 0100, jane@example.org", "contact", ()),
    ("For more information, contact the press office.", "contact", ()),
    ("Tel: +44 20 7946 0000", "contact", ()),
])
def test_notices_are_found(text, kind, names):
    body = f"Headline\n\nThe army said on Monday it had withdrawn.\n\n{text}"
    [note] = notices(body)
    assert (note.kind, note.names) == (kind, names)
    assert body[note.start:note.end].strip() == text.strip()


def test_a_contact_block_runs_over_its_short_lines_and_stops_at_text():
    body = "Media contact:\n\nJane Doe\n\nPress Officer\n\n+1 202 555 0100\n\njane@example.org\n\n" \
           "The ministry said on Monday that the talks would resume in Geneva next week."
    [note] = notices(body)
    assert body[note.start:note.end].endswith("jane@example.org")


@pytest.mark.parametrize("text", [
    "By Tuesday, troops had left the town.",
    "By contrast the army stayed in the north.",
    "By John Smith's account, the army fired first.",
    "Contact between the two armies resumed on Monday.",
    "The editors said the release of the prisoners was near.",
    "Police said the phone number 555 0100 was the suspect's.",
])
def test_story_text_is_no_notice(text):
    assert notices(f"Headline\n\n{text}") == []


def test_a_dateline_after_a_byline_or_release_header_is_read():
    [opening] = wire_openings("Rebels attack", f"Rebels attack\n\n{BYLINED}")
    assert (opening.place, opening.agency) == ("KABUL, Afghanistan", None)
    [opening] = wire_openings("", RELEASE.replace("\n", "\n\n"))
    assert opening.place == "NAIROBI"


@pytest.mark.parametrize("text", ["WATCH: Troops fired on protesters in the capital.",
                                  "EXCLUSIVE - The president resigned on Monday.",
                                  "DEVELOPING: Police arrested twenty students."])
def test_headline_words_before_a_colon_or_dash_stay_text(text):
    assert wire_openings("", text) == []


def sides(events) -> list[str]:
    return [a.entity_text for e in events for a in (e.actor, e.recipient) if a is not None and a.entity_text]


def test_a_press_release_gives_only_the_story_events(pipeline):
    article = Article(id="pr", title="Ministry welcomes ceasefire", text=RELEASE, published=date(2021, 6, 4))
    events = pipeline.code_one(article).events
    body = article.body
    notes = notices(body)
    assert not [e for e in events if any(n.start <= e.evidence[0].trigger[0] < n.end for n in notes)]
    assert not [text for text in sides(events) if any(name in text for name in NOTICE_NAMES)]
    assert ("CONSULT", "KEN", "ETH") in {(e.event, e.actor.code, e.recipient.code) for e in events if e.actor and e.recipient}
    assert not [e for e in events if e.event == "ACCUSE"]  # the editors' note is no report of an accusation


def test_a_byline_city_and_writers_make_no_actors(pipeline):
    article = Article(id="by", title="Rebels attack convoy", text=BYLINED, published=date(2009, 5, 3))
    events = pipeline.code_one(article).events
    assert not [t for t in sides(events) if any(n in t for n in ("KABUL", "SMITH", "Heinrich", "Rashid"))]
    assert ("ASSAULT", "NATO") in {(e.event, e.recipient.entity_text) for e in events if e.recipient}


def test_the_cli_codes_a_press_release_without_its_notices(dyads, tmp_path):
    (tmp_path / "release.txt").write_text("Ministry welcomes ceasefire\n\n" + RELEASE, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    proc = dyads("code", tmp_path / "release.txt", "--db", db, "--workers", "1", "--published", "2021-06-04")
    assert proc.returncode == 0, proc.stderr_text
    rows = db_rows(db, "SELECT event, actor_code, actor_text, recipient_code, recipient_text FROM events")
    texts = [t for _, _, a, _, r in rows for t in (a, r) if t]
    assert not [t for t in texts if any(name in t for name in NOTICE_NAMES)], rows
    assert ("CONSULT", "KEN", "ETH") in {(e, a, r) for e, a, _, r, _ in rows}


def test_a_press_releases_issuing_line_is_its_dateline(pipeline):
    """"Office of the Prime Minister, Roseau, 10 February 2021" says where the release was
    issued: the story is Dominica's, and its unknown prime minister is Dominica's too."""
    title = "Dominica receives vaccine doses from India"
    body = (f"{title}\n\nPRESS RELEASE\n\nOffice of the Prime Minister, Roseau, 10 February 2021\n\n"
            "The Government of Dominica has received 70,000 doses donated by the Government of India. "
            "Prime Minister Roosevelt Skerrit thanked Prime Minister Narendra Modi and the people of India for the gift. "
            "Dominica will share part of the donation with its neighbours.")
    [opening] = wire_openings(title, body)
    assert opening.place == "Roseau"
    assert wire_openings("", "The deal was signed in Geneva, Switzerland, 10 February 2021.") == []
    article = Article(id="t", title=title, text=body, published=date(2021, 2, 10))
    doc, _ = next(pipeline.parsed([article]))
    context = pipeline.analyse(doc, article).context
    assert context.main_country[0] == "DMA"
    assert [m.entity.country for m in context.index.mentions if doc[m.start:m.end].text.endswith("Skerrit")] == ["DMA"]
