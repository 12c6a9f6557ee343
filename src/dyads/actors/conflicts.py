"""Knowledge of armed conflicts (sides and dates), read from ``data/actors/conflicts.yml``.

Used to complete what a text leaves implicit: the other side of a war noun
("the invasion of Ukraine"), the referents of "the sides", the parties of a
mediation. Only conflicts active on the event's date and with both sides
mentioned in the document are used, and completed actors carry lower certainty.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Iterable

import yaml

from dyads.errors import KnowledgeBaseError


@dataclass(frozen=True)
class Conflict:
    id: str
    name: str
    sides: tuple[frozenset[str], frozenset[str]]
    start: date
    end: date | None

    def active(self, on: date | None) -> bool:
        if on is None:
            return self.end is None
        return self.start <= on and (self.end is None or on <= self.end)

    def side_of(self, code: str) -> int | None:
        for i, side in enumerate(self.sides):
            if code in side and code not in self.sides[1 - i]:
                return i
        return None


def _parse(raw: dict, source: str) -> Conflict:
    try:
        sides = raw["sides"]
        if len(sides) != 2:
            raise ValueError("needs exactly two sides")
        start = raw["start"] if isinstance(raw["start"], date) else date.fromisoformat(str(raw["start"]))
        end = raw.get("end")
        end = end if isinstance(end, date) or end is None else date.fromisoformat(str(end))
        return Conflict(str(raw["id"]), str(raw.get("name", raw["id"])), (frozenset(sides[0]), frozenset(sides[1])), start, end)
    except (KeyError, TypeError, ValueError) as exc:
        raise KnowledgeBaseError(f"{source}: conflict {raw.get('id', raw)!r}: {exc}") from None


class ConflictBook:
    def __init__(self, conflicts: Iterable[Conflict]) -> None:
        self.conflicts = {c.id: c for c in conflicts}

    @classmethod
    def load(cls, extra: Iterable[Path | str] = ()) -> "ConflictBook":
        text = (resources.files("dyads") / "data" / "actors" / "conflicts.yml").read_text(encoding="utf-8")
        book = [_parse(r, "conflicts.yml") for r in (yaml.safe_load(text) or {}).get("conflicts", [])]
        for path in extra:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            book += [_parse(r, str(path)) for r in data.get("conflicts", []) if isinstance(data, dict)]
        return cls(book)

    def in_document(self, on: date | None, countries: set[str]) -> list[Conflict]:
        """Conflicts active on the date whose two sides both appear among the document's countries."""
        return [
            c for c in self.conflicts.values()
            if c.active(on) and c.sides[0] & countries and c.sides[1] & countries
        ]

    def opponent(self, code: str, on: date | None, countries: set[str]) -> str | None:
        """The one country on the other side from ``code`` in the document's active conflict."""
        for c in self.in_document(on, countries):
            side = c.side_of(code)
            if side is None:
                continue
            others = sorted(c.sides[1 - side] & countries)
            if len(others) == 1:
                return others[0]
        return None

    def sides(self, on: date | None, countries: set[str]) -> tuple[str, str] | None:
        """The two sides (one country each) of the single conflict active in the document."""
        found = self.in_document(on, countries)
        if len(found) != 1:
            return None
        a, b = (sorted(side & countries) for side in found[0].sides)
        return (a[0], b[0]) if a and b and a[0] != b[0] else None
