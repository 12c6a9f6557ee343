"""The merge stage: mentions of one event within an article become one event."""
from __future__ import annotations

from dyads.merge import merge_article_events
from dyads.models import Actor, Event, Evidence


def mention(n: int, sentence: int, actor: str | None, recipient: str | None, guessed: tuple[str, ...] = ()) -> Event:
    """An ASSAULT mentioned in sentence ``sentence`` (100 characters each); ``guessed``
    names the sides the implicit model filled in (no words of the sentence name them)."""
    scores = {f"{role}_implicit": "main 0.75" for role in guessed}
    start = sentence * 100
    return Event(id=f"e{n}", article_id="a", event="ASSAULT",
                 actor=Actor(actor) if actor else None, recipient=Actor(recipient) if recipient else None,
                 evidence=[Evidence(article_id="a", sentence="...", sentence_start=start, sentence_end=start + 99,
                                    trigger=(start + 10, start + 16), rule="assault.attack-noun", scores=scores)])


def test_mentions_naming_the_same_side_merge():
    # headline "Beersheba attack" and a later "the attack on Israel" by a named attacker
    merged = merge_article_events([mention(1, 0, None, "ISR"), mention(2, 3, "PSE", "ISR")])
    assert [(e.actor.code, e.recipient.code) for e in merged] == [("PSE", "ISR")]


def test_a_guessed_side_does_not_join_two_events():
    # the headline's unclaimed attack on Israel, and "the operation" of the dek whose
    # attacker and target the model only guessed: two events; the attack stays unclaimed
    merged = merge_article_events([mention(1, 0, None, "ISR"), mention(2, 1, "RUS", "ISR", guessed=("actor", "recipient"))])
    assert sorted((e.actor.code if e.actor else "", e.recipient.code) for e in merged) == [("", "ISR"), ("RUS", "ISR")]
    # a guessed recipient is no shared side either: named attacker on one side only
    merged = merge_article_events([mention(1, 0, None, "ISR"), mention(2, 2, "RUS", "ISR", guessed=("recipient",))])
    assert len(merged) == 2
    # but a guess in the same sentence is the same mention's reading and merges as before
    merged = merge_article_events([mention(1, 0, None, "ISR"), mention(2, 0, "RUS", "ISR", guessed=("actor",))])
    assert len(merged) == 1
