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
