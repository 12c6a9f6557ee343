"""Language identification with py3langid (its model ships inside the package: no
download, no torch). Headlines and one-line briefs give the model little to go on, so
an article is called non-English only when the text is long enough and the model is sure;
anything in doubt is kept and coded."""
from __future__ import annotations

import functools

from dyads.models import Article

SAMPLE_CHARS = 3000  # the model's confidence drifts on very long texts; the opening is enough
MIN_WORDS = 6  # shorter texts (headlines, datelines) are never called foreign
MIN_CONFIDENCE = 0.9  # normalised probability the model must give another language


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def known_languages() -> list[str]:
    return list(_identifier().labels)


def detect(text: str) -> tuple[str, float]:
    """ISO 639-1 code and the model's probability for it."""
    lang, prob = _identifier().classify(text[:SAMPLE_CHARS])
    return lang, float(prob)


def foreign_language(article: Article, accepted: tuple[str, ...]) -> str | None:
    """The article's language when it is confidently one outside ``accepted``; else None."""
    sample = article.body[:SAMPLE_CHARS]
    if not accepted or len(sample.split()) < MIN_WORDS:
        return None
    lang, prob = detect(sample)
    return lang if lang not in accepted and prob >= MIN_CONFIDENCE else None
