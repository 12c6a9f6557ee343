"""Publication dates an input carries outside its date field: in its URL path
("/2011/06/01/", "/2011-06-01-story", "/20110601/") or its file name
("2011-06-01-story.txt", "20110601.jsonl"). Read only when the record gives no date;
the article then says where its date came from (``published_from``: url, file name).

Written as regular expressions because a date in a path has fixed shapes; every match
is checked as a calendar date (no 2011-13-45) between 1900 and 2100.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import urlsplit

# Four-digit year, month and day: slashes, hyphens, underscores or dots between them, or
# none ("20110601"); never inside a longer run of digits (an article number).
_YMD = re.compile(r"(?<!\d)((?:19|20)\d\d)([/\-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in(text: str) -> date | None:
    """The first valid year-month-day in a path or file name."""
    for m in _YMD.finditer(text):
        try:
            return date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        except ValueError:  # 2011-02-30
            continue
    return None


def date_from_url(url: str | None) -> date | None:
    """The date in a URL's path (not its host or query: ids live there)."""
    if not url:
        return None
    try:
        return date_in(urlsplit(url).path)
    except ValueError:  # a malformed URL carries no date we can trust
        return None


def date_from_origin(origin: str) -> date | None:
    """The date in the file name an article was read from ("2011-06-01-story.txt",
    "feeds/20110601.jsonl:12"); the line number and part are not part of the name."""
    if not origin or origin.startswith("<"):
        return None
    path = re.sub(r"(?::\d+)?(?: \(part \d+ of \d+\))?$", "", origin)
    return date_in(PurePosixPath(path).name)
