"""The event ontology: PLOVER 2.0 types, modes and contexts, and the CAMEO codes
with their Goldstein scores, QuadClass and PLOVER correspondence.

Both come from the project's own data files ``data/ontology/plover.yml`` and
``data/ontology/cameo.yml``; they are parsed once per process.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from dyads.errors import LexiconError


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover: str | None
    mode: str | None
    context: tuple[str, ...]

    @property
    def root(self) -> str:
        return self.code[:2]

    @property
    def parent(self) -> str | None:
        return self.code[:-1] if len(self.code) > 2 else None


@dataclass(frozen=True)
class PloverType:
    name: str
    quad_class: int
    description: str
    modes: dict[str, str] = field(hash=False)
    symmetric: bool = False  # done with each other: A meets B is B meets A


def _read(name: str) -> dict:
    source = f"dyads/data/ontology/{name}"
    try:
        text = (resources.files("dyads") / "data" / "ontology" / name).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{source}: cannot read ontology file: {exc}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{source}: expected a mapping at top level")
    return data


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


class Ontology:
    """PLOVER types and CAMEO codes. Use :meth:`load` (cached) rather than the constructor."""

    def __init__(self, types: dict[str, PloverType], contexts: tuple[str, ...], codes: dict[str, CameoCode]):
        self.types = types
        self.contexts = contexts
        self._codes = codes
        self._nearest_cache: dict[tuple, CameoCode] = {}

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls) -> "Ontology":
        return _load_cached()

    @classmethod
    def _parse(cls, plover: dict, cameo: dict) -> "Ontology":
        src_p, src_c = "dyads/data/ontology/plover.yml", "dyads/data/ontology/cameo.yml"
        raw_types = plover.get("types")
        if not isinstance(raw_types, dict) or not raw_types:
            raise LexiconError(f"{src_p}: needs a 'types' mapping")
        types: dict[str, PloverType] = {}
        for name, raw in raw_types.items():
            try:
                quad = int(raw["quad_class"])
                if quad not in (1, 2, 3, 4):
                    raise ValueError(f"quad_class must be 1..4, not {quad}")
                modes = raw.get("modes") or {}
                if not isinstance(modes, dict):
                    raise ValueError("modes must be a mapping name -> description")
                types[str(name).upper()] = PloverType(
                    name=str(name).upper(),
                    quad_class=quad,
                    description=" ".join(str(raw.get("description", "")).split()),
                    modes={str(k): str(v) for k, v in modes.items()},
                    symmetric=bool(raw.get("symmetric", False)),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise LexiconError(f"{src_p}: type {name!r}: {exc}") from None
        contexts = _tuple(plover.get("contexts"))
        ctx_set = set(contexts)

        raw_codes = cameo.get("codes")
        if not isinstance(raw_codes, list) or not raw_codes:
            raise LexiconError(f"{src_c}: needs a 'codes' list")
        codes: dict[str, CameoCode] = {}
        for raw in raw_codes:
            try:
                code = str(raw["code"])
                if not code.isdigit() or not 2 <= len(code) <= 4:
                    raise ValueError(f"bad CAMEO code {code!r}")
                ptype = raw.get("plover")
                ptype = str(ptype).upper() if ptype else None
                mode = raw.get("mode") or None
                context = _tuple(raw.get("context"))
                if ptype is not None and ptype not in types:
                    raise ValueError(f"unknown PLOVER type {ptype!r}")
                if mode is not None and (ptype is None or mode not in types[ptype].modes):
                    raise ValueError(f"{mode!r} is not a mode of {ptype}")
                bad = [c for c in context if c not in ctx_set]
                if bad:
                    raise ValueError(f"unknown contexts {bad}")
                quad = int(raw["quad_class"])
                if quad not in (1, 2, 3, 4):
                    raise ValueError(f"quad_class must be 1..4, not {quad}")
                goldstein = float(raw["goldstein"])
                if not -10.0 <= goldstein <= 10.0:
                    raise ValueError(f"goldstein out of range: {goldstein}")
                if code in codes:
                    raise ValueError("duplicate code")
                codes[code] = CameoCode(code, str(raw["name"]), goldstein, quad, ptype, mode, context)
            except (KeyError, TypeError, ValueError) as exc:
                raise LexiconError(f"{src_c}: code {raw.get('code', raw) if isinstance(raw, dict) else raw!r}: {exc}") from None
        return cls(types, contexts, codes)

    # ------------------------------------------------------------------ lookups
    def cameo(self, code: str) -> CameoCode | None:
        return self._codes.get(str(code).strip())

    def codes(self) -> list[CameoCode]:
        return list(self._codes.values())

    def plover_from_cameo(self, code: str) -> tuple[str | None, str | None, tuple[str, ...]]:
        """PLOVER (type, mode, contexts) for a CAMEO code, falling back to the parent
        code (0311 -> 031 -> 03) when the code is unknown or the table gives it no type."""
        code = str(code).strip()
        while code:
            entry = self._codes.get(code)
            if entry is not None and entry.plover is not None:
                return entry.plover, entry.mode, entry.context
            if entry is not None and len(code) == 2:
                break  # root says "no PLOVER event" (01, 02)
            if len(code) <= 2:
                break
            code = code[:-1]
        return None, None, ()

    def quad_class(self, plover_type: str) -> int:
        try:
            return self.types[plover_type.upper()].quad_class
        except KeyError:
            raise LexiconError(f"unknown PLOVER type {plover_type!r}") from None

    def is_mode(self, plover_type: str, mode: str) -> bool:
        ptype = self.types.get(plover_type.upper())
        return ptype is not None and mode in ptype.modes

    def nearest_cameo(self, plover_type: str, mode: str | None = None, context: tuple[str, ...] = ()) -> CameoCode:
        """The CAMEO code that best renders a PLOVER type/mode/context.

        Preference: a code of that type with the same mode (and the most shared
        contexts), then one sharing a context, then the type's generic code (the
        most general, e.g. 190 for ASSAULT, 040 for CONSULT). A "mode" that is not a
        mode of the type (e.g. AID/humanitarian) is treated as a context.
        """
        ptype = plover_type.upper()
        if ptype not in self.types:
            raise LexiconError(f"unknown PLOVER type {plover_type!r}")
        context = tuple(context or ())
        if mode and not self.is_mode(ptype, mode):
            context = (mode,) + context
            mode = None
        return _nearest(self, ptype, mode, context)


def _generic_rank(c: CameoCode) -> tuple:
    # prefer X0 ("not specified below") 3-digit codes, then other 3-digit, then 4-digit, then roots
    if len(c.code) == 3 and c.code.endswith("0"):
        return (0, c.code)
    if len(c.code) == 3:
        return (1, c.code)
    if len(c.code) == 4:
        return (2, c.code)
    return (3, c.code)


_GENERIC = {
    # the type's generic code where the table's first code is not the natural one
    "AGREE": "030", "CONSULT": "040", "SUPPORT": "050", "CONCEDE": "080", "COOPERATE": "060",
    "AID": "070", "RETREAT": "084", "REQUEST": "100", "ACCUSE": "110", "REJECT": "120",
    "THREATEN": "130", "PROTEST": "140", "SANCTION": "160", "MOBILIZE": "150", "COERCE": "170",
    "ASSAULT": "190",
}


# where several codes share a type+mode, the code that best names the mode itself
_PREFERRED = {
    ("ASSAULT", "assassinate"): "186",
    ("ASSAULT", "cleansing"): "203",
    ("ASSAULT", "massacre"): "202",
    ("ASSAULT", "suicide-attack"): "1831",
    ("ASSAULT", "heavy-weapons"): "194",
    ("RETREAT", "withdraw"): "0874",
    ("RETREAT", "disarm"): "0873",
    ("MOBILIZE", "troops"): "154",
    ("MOBILIZE", "police"): "153",
    ("THREATEN", "violence"): "138",
    ("SANCTION", "withdraw"): "161",
    ("SANCTION", "expel"): "166",
    ("ACCUSE", "allege"): "112",
    ("COERCE", "restrict"): "172",
    ("THREATEN", "relations"): "1313",
    ("ASSAULT", "explosives"): "183",
    ("REJECT", "change"): "123",
    ("REQUEST", "yield"): "105",
}


def _nearest(onto: Ontology, ptype: str, mode: str | None, context: tuple[str, ...]) -> CameoCode:
    key = (ptype, mode, context)
    cached = onto._nearest_cache.get(key)
    if cached is not None:
        return cached
    candidates = [c for c in onto._codes.values() if c.plover == ptype and len(c.code) > 2]
    ctx = set(context)

    def score(c: CameoCode) -> tuple:
        return (-len(ctx & set(c.context)), len(set(c.context) - ctx), _generic_rank(c))

    found: CameoCode | None = None
    if mode:
        same = [c for c in candidates if c.mode == mode]
        preferred = onto.cameo(_PREFERRED.get((ptype, mode), ""))
        if same:
            found = min(same, key=score)
            if preferred is not None and preferred.plover == ptype and score(preferred)[:2] <= score(found)[:2]:
                found = preferred
    if found is None and ctx:
        sharing = [c for c in candidates if ctx & set(c.context)]
        if sharing:
            found = min(sharing, key=score)
    if found is None:
        generic = onto.cameo(_GENERIC.get(ptype, ""))
        if generic is not None and generic.plover == ptype:
            found = generic
        elif candidates:
            found = min(candidates, key=_generic_rank)
    if found is None:
        raise LexiconError(f"no CAMEO code maps to PLOVER type {ptype}")
    onto._nearest_cache[key] = found
    return found


@lru_cache(maxsize=1)
def symmetric_types() -> frozenset[str]:
    """The PLOVER types the two sides do with each other (``symmetric`` in plover.yml)."""
    return frozenset(name for name, t in Ontology.load().types.items() if t.symmetric)


@lru_cache(maxsize=1)
def _load_cached() -> Ontology:
    return Ontology._parse(_read("plover.yml"), _read("cameo.yml"))
