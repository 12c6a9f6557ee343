"""Wire-story conventions: datelines, agency tags and editors' headers.

A wire story opens with words that say where and by whom it was filed, not what
happened: "BAGHDAD (Reuters) -", "NAIROBI, June 4 (AFP) --", "AP -", "Canadian Press -
VANCOUVER (CP) -", "JAKARTA (Antara):", "UPDATE 2-", "lucknow: ". ``find_dateline``
finds that opening in a paragraph; the actor stage never makes an actor of it, the place
stage may still read the city as where the story is, and the agency becomes the
article's source when none was given. Agencies and header words are listed in
``data/ingest/wire.yml``.

Written as regular expressions over the paragraph's first characters because no library
recognises news datelines; the patterns are anchored and bounded (no backtracking over
the text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

MAX_DATELINE = 90  # characters: a dateline is a short opening, never a sentence


@dataclass(frozen=True)
class Dateline:
    start: int  # offsets in the text searched
    end: int  # end of the whole opening, separator included
    place: str | None = None
    place_start: int | None = None
    place_end: int | None = None
    agency: str | None = None


@cache
def _patterns() -> tuple[re.Pattern, ...]:
    data = yaml.safe_load((resources.files("dyads") / "data" / "ingest" / "wire.yml").read_text(encoding="utf-8"))
    agencies = sorted({str(a) for a in data["agencies"]}, key=len, reverse=True)
    agency = "|".join(re.escape(a) for a in agencies)
    headers = "|".join(re.escape(h) for h in sorted(data["headers"], key=len, reverse=True))
    month = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
    date = rf"(?:,\s*{month}\s+\d{{1,2}}(?:,\s*\d{{4}})?|,\s*\d{{1,2}}\s+{month}(?:\s+\d{{4}})?)?"
    # A place in capitals, perhaps with its region or country: "NAJAF, Iraq", "ST. GEORGE'S, Grenada".
    place = r"(?P<place>[A-Z][A-Z.'\- ]{1,30}[A-Z.](?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+){0,2})?)"
    sep = r"\s*(?::|-{1,2}|—|–)\s+"
    head = rf"(?P<header>(?i:(?:{headers})\s*\d*\s*-\s*|\d+(?:st|nd|rd|th)\s+ld\s+writethru\s*[-:,]?\s*|\((?:{headers})\)\s*)*)"
    return (
        # "Canadian Press - VANCOUVER (CP) - ", "NAIROBI, June 4 (Reuters) - ", "JAKARTA (Antara): "
        re.compile(rf"{head}(?:(?P<lead>{agency})\s+-\s+)?{place}{date}\s*\((?P<agency>{agency})\)(?:{sep}|\.?-\s*)"),
        # "AP - ", "Reuters - "
        re.compile(rf"{head}(?P<agency>{agency})\s+-\s+"),
        # "WASHINGTON - ", "KABUL, Afghanistan --", "LIMA, June 3 --"
        re.compile(rf"{head}{place}{date}{sep}"),
        # scraped archives in lower case: "lucknow: ", "new delhi: "
        re.compile(r"(?P<header>)(?P<place>[a-z][a-z.\-]+(?:\s[a-z][a-z.\-]+){0,2}):\s+(?=[a-z\"'‘“])"),
    )


def find_dateline(text: str, start: int = 0) -> Dateline | None:
    """The dateline, agency tag or editors' header opening the paragraph at ``start``."""
    window = text[start:start + MAX_DATELINE + 40]
    for pattern in _patterns():
        m = pattern.match(window)
        if m is None or m.end() > MAX_DATELINE:
            continue
        groups = m.groupdict()
        place = groups.get("place")
        if place is not None and not _plausible_place(place):
            continue
        agency = groups.get("agency") or groups.get("lead")
        if place is None and agency is None and not groups.get("header"):
            continue
        ps, pe = (m.start("place") + start, m.end("place") + start) if place else (None, None)
        return Dateline(start, start + m.end(), place.strip() if place else None, ps, pe, agency)
    return None


def _plausible_place(place: str) -> bool:
    """A capitalised opening that reads as a headline word ("BREAKING", "EXCLUSIVE") or a
    sentence is no place."""
    words = place.replace(",", " ").split()
    return 0 < len(words) <= 5 and place.strip().upper() not in ("BREAKING", "EXCLUSIVE", "URGENT", "UPDATE", "NOTE")


def wire_openings(title: str, body: str) -> list[Dateline]:
    """The wire conventions of an article body (headline, sub-headline and text joined by
    blank lines): the dateline opening its first text paragraph, and an agency tag closing
    the headline ("Explosions Echo in Baghdad (AP)")."""
    found = []
    text_start = len(title) + 2 if title and body.startswith(title) and len(body) > len(title) else 0
    dateline = find_dateline(body, text_start)
    if dateline is None and text_start:  # a sub-headline between headline and text
        second = body.find("\n\n", text_start)
        dateline = find_dateline(body, second + 2) if second > 0 else None
    if dateline is not None:
        found.append(dateline)
    if title:
        tag = _title_tag().search(title)
        if tag is not None:
            found.append(Dateline(tag.start(), tag.end(), agency=tag.group("agency")))
    return found


@cache
def _title_tag() -> re.Pattern:
    data = yaml.safe_load((resources.files("dyads") / "data" / "ingest" / "wire.yml").read_text(encoding="utf-8"))
    agency = "|".join(re.escape(a) for a in sorted({str(a) for a in data["agencies"]}, key=len, reverse=True))
    return re.compile(rf"\s*\((?P<agency>{agency})\)\s*$")
