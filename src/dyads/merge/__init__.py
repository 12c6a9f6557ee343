"""Stage 7 — merge: one event from many mentions (within an article: ``article``;
across articles and sources: ``clusters``)."""
from dyads.merge.article import merge_article_events, same_event

__all__ = ["merge_article_events", "same_event"]
