"""The nlp stage's per-doc caches: same answers as spaCy, and no doc kept alive by them."""
from __future__ import annotations

import gc
import weakref

from dyads.models import Article
from dyads.nlp import entities_of, text_of

TEXT = "Vladimir Putin spoke with Naftali Bennett by phone on Wednesday, the Kremlin said."


def test_cached_text_and_entities_match_spacy(pipeline):
    doc = pipeline.nlp(TEXT)
    assert text_of(doc) == doc.text == TEXT
    assert [(e.start, e.end, e.label_) for e in entities_of(doc)] == [(e.start, e.end, e.label_) for e in doc.ents]
    assert entities_of(doc) is entities_of(doc)  # built once


def test_a_coded_doc_is_freed_without_the_cycle_collector(pipeline):
    # Cached entity spans point back at their doc; coding must drop them, or every parsed
    # doc (with its tensors) waits for a full garbage collection.
    seen = []
    original = pipeline.code_doc

    def spy(doc, article):
        seen.append(weakref.ref(doc))
        return original(doc, article)

    pipeline.code_doc = spy
    gc.disable()
    try:
        coded = list(pipeline.code([Article(id="a1", text=TEXT), Article(id="a2", text=TEXT)]))
        assert coded[0].events
        assert len(seen) == 2 and seen[0]() is None  # the first doc is gone once the second is coded
    finally:
        gc.enable()
        del pipeline.code_doc


def test_a_title_case_headline_is_parsed_with_its_ordinary_words_in_lower_case(pipeline):
    casing = pipeline.casing
    title = "Israel Kills Two Militants During Massive Gaza Raid"
    assert casing.text_for_parser(title, title + "\n\nText.") == "Israel kills two militants during massive Gaza raid\n\nText."
    assert casing.headline("U.S. Says Iran Plans Nuclear Bomb") == "U.S. says Iran plans nuclear bomb"
    # a headline already in sentence case, and an article without one, are left alone
    assert casing.text_for_parser("Belgians march in Brussels", "Belgians march in Brussels\n\nText.") == "Belgians march in Brussels\n\nText."
    assert casing.text_for_parser("", "Police Kill Two") == "Police Kill Two"


def test_a_title_case_headline_codes_its_event_and_shows_its_own_words(pipeline):
    article = Article(id="h", title="Israeli Army Kills Five Palestinians in Gaza",
                      text="Israeli troops shot dead five Palestinian gunmen on Monday, the army said.")
    coded = pipeline.code_one(article)
    headline = [e for e in coded.events if any(ev.trigger[0] < len(article.title) for ev in e.evidence)]
    assert [e.event for e in headline] == ["ASSAULT"], [(e.event, e.evidence[0].trigger) for e in coded.events]
    start, end = next(ev.trigger for ev in headline[0].evidence if ev.trigger[0] < len(article.title))
    assert article.body[start:end] == "Kills"
