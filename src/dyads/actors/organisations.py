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
    for pattern in name_patterns():
        w = pattern.words
        if words == w:
            return None  # "the Party", "Parliament" alone: a sector word, not a name
        if pattern.at == "ends" and words.endswith(" " + w) or pattern.at == "starts" and words.startswith(w + " "):
            return pattern
    return None
