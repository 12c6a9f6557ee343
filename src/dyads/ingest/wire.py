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
from spacy.lang.en.stop_words import STOP_WORDS

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
def _data(name: str) -> dict:
    return yaml.safe_load((resources.files("dyads") / "data" / "ingest" / name).read_text(encoding="utf-8"))


@cache
def _not_places() -> frozenset[str]:
    return frozenset(str(w).upper() for w in _data("wire.yml")["not_places"])


@cache
def _patterns() -> tuple[re.Pattern, ...]:
    data = _data("wire.yml")
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
        # a press release's issuing line, a paragraph of its own: "Office of the Prime Minister, Roseau, 10 February 2021"
        re.compile(rf"(?P<header>)[A-Z][^,\n]{{2,60}},\s*(?P<place>[A-Z][A-Za-z.'\-]+(?:\s[A-Z][A-Za-z.'\-]+){{0,2}}),\s*"
                   rf"(?:\d{{1,2}}\s+{month}\s+\d{{4}}|{month}\s+\d{{1,2}},\s*\d{{4}})[ \t]*(?=\n|$)"),
        # scraped archives in lower case: "lucknow: ", "new delhi: "
        re.compile(r"(?P<header>)(?P<place>[a-z][a-z.\-]+(?:\s[a-z][a-z.\-]+){0,2}):\s+(?=[a-z\"'‘“])"),
        # and with a date, perhaps an agency: "niamey, jan 29 (afp) - ", "ouagadougou, dec 18 - "
        re.compile(rf"(?P<header>)(?P<place>[a-z][a-z.'\-]+(?:\s[a-z][a-z.'\-]+){{0,2}}),\s*(?i:{month})\s+\d{{1,2}}"
                   rf"(?:,\s*\d{{4}})?(?:\s*\((?P<agency>(?i:{agency}))\))?{sep}(?=[a-z\"'‘“])"),
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
    if place.islower() and words and words[0] in STOP_WORDS:
        return False  # "however, dec 18 - ...": an archive in lower case opens with a place, not a function word
    town = place.split(",")[0].split()  # "US NAVAL BASE GUANTANAMO BAY, Cuba": the region or country counts apart
    return 0 < len(town) <= 5 and len(words) - len(town) <= 3 and place.strip().upper() not in _not_places()


def wire_openings(title: str, body: str, notes: list[tuple[int, int]] | None = None) -> list[Dateline]:
    """The wire conventions of an article body (headline, sub-headline and text joined by
    blank lines): the dateline opening its first text paragraph (after any byline or
    release header, ``notes``), and an agency tag closing the headline ("Explosions Echo in
    Baghdad (AP)")."""
    found = []
    notes = [(n.start, n.end) for n in notices(body)] if notes is None else notes
    text_start = len(title) + 2 if title and body.startswith(title) and len(body) > len(title) else 0
    dateline = find_dateline(body, _past_notes(body, text_start, notes))
    if dateline is None and text_start:  # a sub-headline between headline and text
        second = body.find("\n\n", text_start)
        dateline = find_dateline(body, _past_notes(body, second + 2, notes)) if second > 0 else None
    if dateline is not None:
        found.append(dateline)
    if title:
        tag = _title_tag().search(title)
        if tag is not None:
            found.append(Dateline(tag.start(), tag.end(), agency=tag.group("agency")))
    return found


@cache
def _title_tag() -> re.Pattern:
    data = _data("wire.yml")
    agency = "|".join(re.escape(a) for a in sorted({str(a) for a in data["agencies"]}, key=len, reverse=True))
    return re.compile(rf"\s*\((?P<agency>{agency})\)\s*$")



# -- notices: bylines, credit lines, editors' notes, press-release headers, contact blocks --
#
# Each pass finds one kind in the body and yields a Notice; ``notices`` runs them all. Their
# words are in data/ingest/notices.yml. A notice is a whole paragraph (ingest makes each
# line one) except for bylines and credit lines, which may sit inside one.


@dataclass(frozen=True)
class Notice:
    start: int
    end: int
    kind: str  # byline | credit | editors_note | press_header | contact
    names: tuple[str, ...] = ()  # the people or agencies a byline or credit line names


_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PHONE = r"(?:\+|\(\d)?\d[\d\s().\-]{6,}\d"
_TAGS = r"(?:</?p>\s*)*"  # archives that kept paragraph tags as text: "<p> By Mark Ledsom</p>"


def _alternation(words) -> str:
    return "|".join(re.escape(str(w)) for w in sorted(words, key=len, reverse=True))


@cache
def _notice_patterns() -> dict[str, re.Pattern]:
    data, wire = _data("notices.yml"), _data("wire.yml")
    roles = _alternation(data["byline_roles"])
    word = rf"(?!(?i:{roles})\b)[A-Z][A-Za-z'’\-]*\.?"  # "JOHN", "O'Neill", "J."; never a job word
    name = rf"{word}(?:\s+(?:(?:{_alternation(data['name_particles'])})\s+)?{word}){{1,4}}"
    agency = rf"(?:[Tt]he\s+)?(?:{_alternation(wire['agencies'])})(?:\s+[Ss]taff)?"
    names = rf"(?:{agency}|{name})(?:\s*(?:,\s*)?(?:and|&)\s+(?:{agency}|{name}))*"
    start = r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s)|(?<=<p>)|(?<=<p>\s))"
    return {
        # "By John Smith", "By JOHN SMITH, Associated Press Writer", "... say. By Howard LaFranchi."
        "byline": re.compile(
            rf"{start}{_TAGS}By\s+(?P<names>{names})(?P<role>[^.\n<]{{0,80}}?\b(?i:{roles})\b[^.\n<]{{0,60}})?"
            rf"(?:[ \t]*(?:</p>|$)|\.(?=\s|$|<))", re.M),
        # "(Reporting by X; Editing by Y)", or such a line on its own
        "credit": re.compile(rf"\((?i:{_alternation(data['credits'])})\s+by\b[^()\n]{{0,300}}\)"
                             rf"|^{_TAGS}(?i:(?:additional\s+)?(?:{_alternation(data['credits'])}))\s+by\b[^\n]{{0,300}}$", re.M),
        "editors_note": re.compile(rf"^[(*\[]?[ \t]*(?i:{_alternation(data['editor_notes'])})\b[^\n]*$", re.M),
        "press_header": re.compile(rf"^[(*\[]?[ \t]*(?i:{_alternation(data['press_headers'])})(?=\W|$)[^\n]*$", re.M),
        "contact": re.compile(rf"^(?i:(?:{_alternation(data['contact_openers'])})|(?:{_alternation(data['contact_labels'])})\s*:)"
                              rf"[^\n]*$", re.M),
        "contact_line": re.compile(rf"^(?:[^\n]{{0,60}}(?:{_EMAIL}|{_PHONE})[^\n]{{0,60}}|[^\n.!?]{{1,60}}|https?://\S+|www\.\S+)$"),
    }


def notices(body: str) -> list[Notice]:
    """The bylines, credit lines, editors' notes, press-release headers and contact blocks
    of a body, in order; none of them is coded."""
    found = [n for find in (_bylines, _credits, _editors_notes, _press_headers, _contact_blocks) for n in find(body)]
    return sorted(found, key=lambda n: n.start)


def _bylines(body: str) -> list[Notice]:
    pattern = _notice_patterns()["byline"]
    found = []
    for m in pattern.finditer(body):
        names = tuple(re.split(r"\s*(?:,\s*)?(?:\band\b|&)\s*", m.group("names")))
        found.append(Notice(m.start(), m.end(), "byline", tuple(n.strip() for n in names if n.strip())))
    return found


def _credits(body: str) -> list[Notice]:
    found = []
    for m in _notice_patterns()["credit"].finditer(body):
        # "Reporting by Ali Sawafta; Editing by Tom Hogue": the names after each "by"
        names = re.findall(r"\bby\s+([^;,()\n]+?)\s*(?=[;,()]|\band\b|$)", m.group(0), flags=re.I)
        found.append(Notice(m.start(), m.end(), "credit", tuple(n.strip() for n in names)))
    return found


def _editors_notes(body: str) -> list[Notice]:
    return [Notice(m.start(), m.end(), "editors_note") for m in _notice_patterns()["editors_note"].finditer(body)]


def _press_headers(body: str) -> list[Notice]:
    return [Notice(m.start(), m.end(), "press_header") for m in _notice_patterns()["press_header"].finditer(body)]


def _contact_blocks(body: str) -> list[Notice]:
    """A contact opener's paragraph and the short paragraphs after it that read as
    contact lines (a name, a title, a phone number, an address, an e-mail)."""
    patterns = _notice_patterns()
    found = []
    for m in patterns["contact"].finditer(body):
        end = m.end()
        while body.startswith("\n\n", end):
            nxt = body.find("\n", end + 2)
            nxt = len(body) if nxt < 0 else nxt
            if not patterns["contact_line"].match(body[end + 2:nxt]):
                break
            end = nxt
        if not found or m.start() >= found[-1].end:
            found.append(Notice(m.start(), end, "contact"))
    return found


def _past_notes(body: str, at: int, notes: list[tuple[int, int]]) -> int:
    """The first offset from ``at`` outside every notice, past the space and paragraph
    tags after one (a byline between the headline and the dateline)."""
    while True:
        before = at
        at = max([end for start, end in notes if start <= at < end], default=at)
        at = _SPACE_OR_TAGS.match(body, at).end()
        if at == before:
            return at


_SPACE_OR_TAGS = re.compile(r"(?:\s|</?p>)*")


def quiet_spans(title: str, body: str) -> list[tuple[int, int]]:
    """Every character span of the body kept out of coding: notices, datelines and agency tags."""
    notes = [(n.start, n.end) for n in notices(body)]
    return sorted(notes + [(w.start, w.end) for w in wire_openings(title, body, notes)])


def wire_names(title: str, body: str) -> dict[str, set[str]]:
    """The dateline city, the agencies and the byline and credit names of an article
    (what scripts/wire_actor_audit.py looks for among the coded actors)."""
    names: dict[str, set[str]] = {"dateline": set(), "agency": set(), "byline": set()}
    for d in wire_openings(title, body):
        if d.place:
            names["dateline"].add(d.place.split(",")[0].strip())
        if d.agency:
            names["agency"].add(d.agency)
    for n in notices(body):
        names["byline"].update(n.names)
    return names
