"""Named organisations the knowledge base lacks, typed from the words of their names.

"Zimbabwe Congress of Trade Unions" is a union (LAB), "Oromo Liberation Front" an armed
group (REB), "Ministry of Interior" the government (GOV): the patterns, in the order they
are tried, are in ``data/actors/organisations.yml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class NamePattern:
    words: str
    at: str  # "ends" | "starts"
    sector: str


@cache
def name_patterns() -> tuple[NamePattern, ...]:
    data = yaml.safe_load((resources.files("dyads") / "data" / "actors" / "organisations.yml").read_text(encoding="utf-8"))
    found = []
    for row in data["organisations"]:
        for at in ("ends", "starts"):
            found += [NamePattern(str(w).lower(), at, str(row["sector"])) for w in row.get(at) or ()]
    return tuple(found)


def sector_of_name(name: str) -> NamePattern | None:
    """The first pattern the name fits, or None ("the Kenya African National Union" ends
    with "national union": PTY)."""
    words = re.sub(r"\s+", " ", name.strip().lower())
    words = re.sub(r"^the ", "", words)
    patterns = name_patterns()
    whole, ends, starts = _pattern_index()
    first = whole.get(words, len(patterns))
    parts = words.split(" ")
    for cut in range(1, len(parts)):
        first = min(first, ends.get(" ".join(parts[cut:]), first), starts.get(" ".join(parts[:cut]), first))
    if first == len(patterns) or patterns[first].words == words:
        return None  # "the Party", "Parliament" alone: a sector word, not a name
    return patterns[first]


@cache
def _pattern_index() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The position of the first pattern of each wording: of all of them (a name that is
    only the wording), of those a name may end with and of those it may start with. A
    name is looked up by its word-aligned endings and openings instead of trying every
    pattern in turn."""
    whole: dict[str, int] = {}
    by_place: dict[str, dict[str, int]] = {"ends": {}, "starts": {}}
    for k, pattern in enumerate(name_patterns()):
        whole.setdefault(pattern.words, k)
        by_place[pattern.at].setdefault(pattern.words, k)
    return whole, by_place["ends"], by_place["starts"]
