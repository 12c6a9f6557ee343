"""One set of event filters for the CLI, the Python API and the web API alike."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

SORTABLE = ("date_start", "event", "confidence", "actor_code", "recipient_code", "article_id", "goldstein")


@dataclass
class EventFilter:
    actor: str | None = None  # country/IGO code (RUS), code+sector (RUSGOV) or a name
    recipient: str | None = None
    dyad: tuple[str, str] | None = None  # either direction
    type: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    min_confidence: float = 0.0
    factuality: list[str] = field(default_factory=lambda: ["asserted"])  # empty = all
    article_id: str | None = None
    search: str | None = None
    reviewed: bool | None = None

    def where(self, alias: str = "e") -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []

        def add(clause: str, values: list[Any]) -> None:
            clauses.append(clause)
            params.extend(values)

        if self.actor:
            add(*_actor_clause(alias, "actor", self.actor))
        if self.recipient:
            add(*_actor_clause(alias, "recipient", self.recipient))
        if self.dyad:
            add(*_dyad_clause(alias, *self.dyad))
        if self.type:
            add(f"{alias}.event IN ({','.join('?' * len(self.type))})", [t.upper() for t in self.type])
        if self.since:
            add(f"{alias}.date_start >= ?", [self.since])
        if self.until:
            add(f"{alias}.date_start <= ?", [self.until])
        if self.min_confidence:
            add(f"{alias}.confidence >= ?", [self.min_confidence])
        if self.factuality:
            add(f"{alias}.factuality IN ({','.join('?' * len(self.factuality))})", list(self.factuality))
        if self.article_id:
            add(f"{alias}.article_id = ?", [self.article_id])
        if self.search:
            add(f"({alias}.text ILIKE ? OR {alias}.actor_name ILIKE ? OR {alias}.recipient_name ILIKE ?)",
                [f"%{self.search}%"] * 3)
        return (" AND ".join(clauses) or "TRUE"), params


def _actor_clause(alias: str, role: str, value: str) -> tuple[str, list[Any]]:
    """A code (RUS), code+sector (RUSGOV), or a name/surface text."""
    v = value.strip()
    if v.isupper() and v.isalpha() and len(v) == 3:
        return f"{alias}.{role}_code = ?", [v]
    if v.isupper() and v.isalpha() and len(v) == 6:
        return f"({alias}.{role}_code = ? AND {alias}.{role}_sector = ?)", [v[:3], v[3:]]
    return (
        f"({alias}.{role}_name ILIKE ? OR {alias}.{role}_text ILIKE ? OR {alias}.{role}_kb_id ILIKE ? OR {alias}.{role}_org = ?)",
        [f"%{v}%", f"%{v}%", f"%{v}%", v.upper()],
    )


def _dyad_clause(alias: str, a: str, b: str) -> tuple[str, list[Any]]:
    a1, p1 = _actor_clause(alias, "actor", a)
    r1, q1 = _actor_clause(alias, "recipient", b)
    a2, p2 = _actor_clause(alias, "actor", b)
    r2, q2 = _actor_clause(alias, "recipient", a)
    return f"(({a1} AND {r1}) OR ({a2} AND {r2}))", p1 + q1 + p2 + q2


_NAMES = {f.name for f in fields(EventFilter)}


def make_filter(flt: EventFilter | None = None, **filters: Any) -> EventFilter:
    """``flt`` (default: no filter but asserted events only) with keyword filters laid over it,
    as Python users write them: ``type="CONSULT"``, ``since="2022-03-01"``, ``factuality=None`` (all)."""
    unknown = sorted(set(filters) - _NAMES)
    if unknown:
        raise TypeError(f"unknown event filter {unknown[0]!r}: use one of {', '.join(sorted(_NAMES))}")
    values = {k: _coerce(k, v) for k, v in filters.items()}
    return replace(flt or EventFilter(), **values)


def _coerce(name: str, value: Any) -> Any:
    if name in ("since", "until") and isinstance(value, str):
        return date.fromisoformat(value)
    if name in ("type", "factuality"):
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)
    if name == "dyad" and value is not None:
        return tuple(value)
    return value
