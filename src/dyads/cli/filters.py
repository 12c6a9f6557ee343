"""The event filters of the query commands (`events`, `dyad`, `stats`, `network`, ...):
PLOVER types checked against the ontology, actor names resolved to codes through the actor
knowledge base, so `--actor Russia` finds what `--actor RUS` finds, and names nobody knows
refused with the close matches."""
from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from typing import Iterable

import duckdb
import pycountry

from dyads.actors.kb import KnowledgeBase
from dyads.errors import UsageError
from dyads.query import EventFilter, count_events

CODE = re.compile(r"[A-Z]{3}(?:[A-Z]{3})?")  # RUS or RUSGOV, as the store holds them
MAX_SUGGESTIONS = 5


def event_types(values: Iterable[str]) -> list[str]:
    """The PLOVER types asked for, upper-cased; an unknown one is a usage error listing them all."""
    from dyads.events.ontology import Ontology

    known = Ontology.load().types
    wanted = [v.strip().upper() for v in values if v.strip()]
    unknown = [v for v in wanted if v not in known]
    if unknown:
        raise UsageError(f"--type: unknown PLOVER type {', '.join(unknown)}; choose from {', '.join(sorted(known))}")
    return wanted


@functools.lru_cache(maxsize=1)
def _kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def _known_codes(kb: KnowledgeBase) -> set[str]:
    codes = {c.alpha_3 for c in pycountry.countries}
    return codes | {e.country for e in kb.entities() if e.country}


def _code_of_name(kb: KnowledgeBase, name: str) -> str | None:
    """The code a name stands for when it names a country or an institution of one
    ("Russia" RUS, "the Kremlin" RUSGOV); None for people, groups and organisations,
    which the store finds by name."""
    entities = kb.lookup(name)
    codes = {(e.country or "") + (e.sector or "") for e in entities if e.kind in ("country", "metonym") and e.country}
    if entities:
        return codes.pop() if len(codes) == 1 and len(entities) == 1 else None
    found = kb.country_of_adjective(name) or kb.country_of_name(name)
    if found:
        return found
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


def _in_store(con: duckdb.DuckDBPyConnection, value: str) -> bool:
    """True when some event (any factuality) has VALUE as actor or recipient."""
    return any(count_events(con, EventFilter(**{role: value, "factuality": []})) for role in ("actor", "recipient"))


def resolve_actor(con: duckdb.DuckDBPyConnection, value: str, option: str) -> str:
    """A code (RUS, RUSGOV), or a name as the query matches it; an actor neither the knowledge
    base nor the store knows is a usage error with the close matches."""
    v = value.strip()
    kb = _kb()
    if CODE.fullmatch(v):
        if v[:3] in _known_codes(kb) or _in_store(con, v):
            return v
    elif (code := _code_of_name(kb, v)) is not None:
        return code
    elif kb.lookup(v) or _in_store(con, v):
        return v
    raise UsageError(f"{option}: unknown actor {v!r}{_suggest(kb, v)}; give a code (RUS), code+sector (RUSGOV) "
                     "or a name the knowledge base knows (see: dyads actor NAME)")


def _suggest(kb: KnowledgeBase, value: str) -> str:
    if CODE.fullmatch(value):
        names = sorted(_known_codes(kb))
    else:
        names = sorted({surface for surface, _ in kb.aliases()})
    by_fold: dict[str, str] = {}
    for name in names:
        by_fold.setdefault(name.casefold(), name)
    close = difflib.get_close_matches(value.casefold(), list(by_fold), n=MAX_SUGGESTIONS, cutoff=0.8)
    return f" (did you mean {', '.join(by_fold[c] for c in close)}?)" if close else ""


def resolve_filter(con: duckdb.DuckDBPyConnection, flt: EventFilter) -> EventFilter:
    """The filter with --actor and --recipient resolved (see ``resolve_actor``)."""
    changes = {role: resolve_actor(con, getattr(flt, role), f"--{role}")
               for role in ("actor", "recipient") if getattr(flt, role)}
    return dataclasses.replace(flt, **changes) if changes else flt
