"""The event lexicon: readable, extensible YAML files of trigger patterns.

Each file ``data/lexicon/<type>.yml`` holds ``type: PLOVER_TYPE`` and a list of
``entries``. Users add their own with ``--lexicon extra.yml`` (same format; an
entry with an existing ``id`` replaces it). Written by the project because no
library ships a PLOVER lexicon for a dependency parse.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

import yaml

from dyads.errors import LexiconError

POS = ("verb", "noun", "adj")


@dataclass(frozen=True)
class LexEntry:
    id: str
    type: str  # PLOVER 2.0 event type
    lemmas: tuple[str, ...]
    pos: str = "verb"
    particle: str | None = None  # verb particle: "pull out", "step down"
    objects: tuple[str, ...] = ()  # required object lemmas (light verbs: "hold talks")
    preps: tuple[str, ...] = ()  # prepositions that introduce the recipient
    object_is_recipient: bool = True  # a direct object that is an actor is the recipient
    of_is: str = "recipient"  # nouns: the object of "of" is the recipient or the actor
    symmetric: bool = False  # "A and B met": A->B, either direction
    recipient_from_complement: bool = False  # "refused requests to supply Ukraine": recipient inside
    location_is_recipient: bool = False  # "an attack in Beersheba": victim = place's country when no recipient
    conflict: bool = False  # war nouns and mediation: a missing side comes from the conflicts knowledge
    own_action: bool = False  # "warned that it would retaliate": a that-clause must be about the actor's own act
    decisive: bool = False  # the words fix the type ("offered condolences"): the learned coder codes it as written
    reverse: bool = False  # "received weapons from the government": the giver (from-phrase) is the actor
    object_must_be_actor: bool = False  # "fought the rebels" yes, "fought corruption" no
    actor_sectors: tuple[str, ...] = ()  # only for actors of these sectors ("troops withdrew from")
    not_actor_sectors: tuple[str, ...] = ()  # never for these ("troops arrived" is no visit)
    mode: str | None = None
    context: tuple[str, ...] = ()
    cameo: str | None = None
    weight: float = 0.8  # lexicon strength, feeds confidence
    source: str = ""  # file it came from

    @property
    def key(self) -> str:
        return self.id


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _entry(raw: dict, default_type: str | None, source: str) -> LexEntry:
    try:
        lemmas = _as_tuple(raw["lemma"])
        etype = raw.get("type", default_type)
        if not etype:
            raise KeyError("type")
        pos = raw.get("pos", "verb")
        if pos not in POS:
            raise ValueError(f"pos must be one of {POS}, not {pos!r}")
        return LexEntry(
            id=str(raw["id"]),
            type=str(etype).upper(),
            lemmas=tuple(l.lower() for l in lemmas),
            pos=pos,
            particle=raw.get("particle"),
            objects=tuple(o.lower() for o in _as_tuple(raw.get("object"))),
            preps=_as_tuple(raw.get("prep")),
            object_is_recipient=bool(raw.get("object_is_recipient", True)),
            of_is=raw.get("of_is", "recipient"),
            symmetric=bool(raw.get("symmetric", False)),
            recipient_from_complement=bool(raw.get("recipient_from_complement", False)),
            location_is_recipient=bool(raw.get("location_is_recipient", False)),
            conflict=bool(raw.get("conflict", False)),
            own_action=bool(raw.get("own_action", False)),
            decisive=bool(raw.get("decisive", False)),
            reverse=bool(raw.get("reverse", False)),
            object_must_be_actor=bool(raw.get("object_must_be_actor", False)),
            actor_sectors=tuple(str(x).upper() for x in _as_tuple(raw.get("actor_sectors"))),
            not_actor_sectors=tuple(str(x).upper() for x in _as_tuple(raw.get("not_actor_sectors"))),
            mode=raw.get("mode") or None,
            context=_as_tuple(raw.get("context")),
            cameo=str(raw["cameo"]) if raw.get("cameo") is not None else None,
            weight=float(raw.get("weight", 0.8)),
            source=source,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise LexiconError(f"{source}: entry {raw.get('id', raw)!r}: {exc}") from None


def read_lexicon_file(path: Path | str, text: str | None = None) -> list[LexEntry]:
    source = str(path)
    try:
        data = yaml.safe_load(text if text is not None else Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{source}: cannot read lexicon: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{source}: a lexicon file needs a top-level 'entries' list")
    return [_entry(raw, data.get("type"), source) for raw in data["entries"]]


@dataclass
class Lexicon:
    entries: dict[str, LexEntry] = field(default_factory=dict)
    _index: dict[tuple[str, str], list[LexEntry]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, extra: Iterable[Path | str] = ()) -> "Lexicon":
        lex = cls()
        folder = resources.files("dyads") / "data" / "lexicon"
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith((".yml", ".yaml")) and not item.name.startswith("_"):
                lex.add(read_lexicon_file(f"dyads/data/lexicon/{item.name}", item.read_text(encoding="utf-8")))
        for path in extra:
            lex.add(read_lexicon_file(path))
        return lex

    def add(self, entries: Iterable[LexEntry]) -> None:
        for entry in entries:
            self.entries[entry.id] = entry
        index: dict[tuple[str, str], list[LexEntry]] = defaultdict(list)
        for entry in self.entries.values():
            for lemma in entry.lemmas:
                index[(lemma, entry.pos)].append(entry)
        self._index = dict(index)

    def lookup(self, lemma: str, pos: str) -> list[LexEntry]:
        return self._index.get((lemma.lower(), pos), [])

    def lemmas(self, pos: str) -> frozenset[str]:
        """Every single-word lemma with an entry of that part of speech."""
        return frozenset(lemma for lemma, p in self._index if p == pos and " " not in lemma)

    def compound_heads(self, pos: str) -> frozenset[str]:
        """The last word of every several-word lemma of that part of speech ("strike" of "hunger strike")."""
        return frozenset(lemma.rsplit(" ", 1)[-1] for lemma, p in self._index if p == pos and " " in lemma)

    def types(self) -> set[str]:
        return {e.type for e in self.entries.values()}
