"""The actor knowledge base: countries, organisations, armed and political groups,
people with dated roles, and the words that name a sector.

Knowledge lives in the YAML files of ``dyads/data/actors`` (see ``dictionaries.py``
for the format). Users extend or override it with their own YAML files of the same
format: an entry whose id already exists replaces the packaged one.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

import pycountry

from dyads.actors import dictionaries as _dicts
from dyads.cache import cache_dir, drop_older
from dyads.errors import KnowledgeBaseError
from dyads.models import Actor

# parties.yml (parties, unions and named domestic institutions) follows groups.yml: its
# entries replace same-id groups
PACKAGE_FILES = ("countries.yml", "igos.yml", "groups.yml", "parties.yml", "people.yml", "sectors.yml")


@dataclass(frozen=True)
class Role:
    country: str
    sector: str
    title: str
    start: date | None
    end: date | None

    def covers(self, on: date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Entity:
    id: str  # "person:vladimir-putin", "country:RUS", "igo:UN", "group:hamas", "inst:ISR:knesset", "metonym:RUS:kremlin"
    kind: str  # person | country | igo | group | institution | metonym
    name: str  # canonical name
    country: str | None  # ISO3, or "IGO"/"NGO" for organisations
    sector: str | None  # None for a country itself, GOV for metonyms, else the default sector
    org: str | None = None  # IGO/group short id (UN, NATO, hamas)
    gender: str | None = None
    roles: tuple[Role, ...] = ()
    cameo: str | None = None
    # (start, end) periods a party spent in national government (ruling party or coalition member)
    government: tuple[tuple[date | None, date | None], ...] = ()


_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-", "\u2013": "-"})
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 16)  # every lookup folds its key: surface forms repeat
def _fold(text: str) -> str:
    """Normalise a surface form for lookup: quotes, dashes, spaces and accents."""
    text = _SPACES.sub(" ", text.translate(_APOS).strip())
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text


def _is_acronym(text: str) -> bool:
    """All-caps forms without dots ("US", "UN", "IS") match case-sensitively, so the
    pronoun "us" never matches; dotted forms ("U.S.") and other names match in any case."""
    return any(c.isalpha() for c in text) and text == text.upper() and "." not in text


def _slug(text: str) -> str:
    text = _fold(text).lower()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _strip_the(text: str) -> str | None:
    low = text.lower()
    if low.startswith("the ") and len(text) > 4:
        return text[4:]
    return None


class _Index:
    """Surface form -> values, case-sensitive for acronyms, case-insensitive otherwise."""

    def __init__(self) -> None:
        self.exact: dict[str, list] = {}
        self.lower: dict[str, list] = {}
        # get's answers, remembered: every capitalised word of every article is asked about
        self._found = functools.lru_cache(maxsize=1 << 16)(self._search)

    def add(self, surface: str, value, exact: bool = False) -> None:
        self._found.cache_clear()
        for form in (surface, _strip_the(surface)):
            if not form:
                continue
            f = _fold(form)
            if exact or _is_acronym(f):
                bucket = self.exact.setdefault(f, [])
            else:
                bucket = self.lower.setdefault(f.lower(), [])
            key = getattr(value, "id", value)
            if all(getattr(v, "id", v) != key for v in bucket):
                bucket.append(value)

    def get(self, text: str) -> list:
        return list(self._found(text))

    def _search(self, text: str) -> tuple:
        f = _fold(text)
        hits = list(self.exact.get(f, ())) + list(self.lower.get(f.lower(), ()))
        if not hits:
            bare = _strip_the(f)
            if bare:
                hits = list(self.exact.get(bare, ())) + list(self.lower.get(bare.lower(), ()))
        seen: dict = {}
        for h in hits:
            seen.setdefault(getattr(h, "id", h), h)
        return tuple(seen.values())


def _package_doc() -> dict:
    """The packaged YAML files, parsed and checked; cached as a pickle keyed on their content."""
    pkg = resources.files("dyads.data").joinpath("actors")
    texts = []
    for name in PACKAGE_FILES:
        res = pkg.joinpath(name)
        if res.is_file():
            texts.append((name, res.read_bytes()))
    digest = hashlib.sha1(b"kb-v3")
    for name, data in texts:
        digest.update(name.encode() + b"\0" + data + b"\0")
    cache = cache_dir() / f"actors-{digest.hexdigest()[:16]}.pickle"
    try:
        with cache.open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # no cache yet, or unreadable: parse the YAML
        pass
    doc = _dicts.merge_documents(
        _dicts.parse_yaml_text(data.decode("utf-8"), f"dyads/data/actors/{name}", fast=True) for name, data in texts)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(doc, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
        drop_older(cache, "actors-*.pickle")
    except OSError:
        pass  # a read-only home: parse each time
    return doc


def _periods(rows) -> tuple[tuple[date | None, date | None], ...]:
    """The checked ``government`` periods of a group (dictionaries.py validated them)."""
    return tuple(sorted(((r.get("start"), r.get("end")) for r in rows or ()), key=lambda p: p[0] or date.min))


class KnowledgeBase:
    def __init__(self, doc: dict) -> None:
        self._entities: dict[str, Entity] = {}
        self._surfaces: list[tuple[str, Entity]] = []
        self._index = _Index()
        self._adjectives = _Index()
        self._country_names = _Index()
        self._sectors: dict[str, str] = {}
        self._leader_titles: set[str] = set()
        self._group_nouns: set[str] = set()
        self._head_titles: set[str] = set()
        self._given_names: dict[str, frozenset[str]] = {}
        self._cameo_iso: dict[str, str] = {}
        self._case_sensitive: set[str] = set(doc.get("case_sensitive") or ())
        self._build(doc)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, extra: Iterable[Path | str] = ()) -> "KnowledgeBase":
        """Packaged data, then each user file in order (same format; same id replaces)."""
        docs = [_package_doc()]
        for path in extra:
            docs.append(_dicts.load_user_file(path))
        return cls(_dicts.merge_documents(docs))

    def _add(self, entity: Entity, surfaces: Iterable[str], exact: Iterable[str] = ()) -> None:
        """Register an entity and its surface forms; ``exact`` forms match case-sensitively."""
        exact = set(exact) | self._case_sensitive
        self._entities[entity.id] = entity
        seen = set()
        for s in surfaces:
            if not s or not isinstance(s, str):
                continue
            s = _SPACES.sub(" ", s.strip())
            if s in seen:
                continue
            seen.add(s)
            self._surfaces.append((s, entity))
            self._index.add(s, entity, exact=s in exact)

    def _build(self, doc: dict) -> None:
        # sectors and titles
        for word, sector in (doc.get("sector_words") or {}).items():
            self._sectors[_fold(str(word)).lower()] = str(sector)
        self._leader_titles = {_fold(str(w)).lower() for w in doc.get("leader_titles") or ()}
        self._head_titles = {_fold(str(w)).lower() for w in doc.get("head_titles") or ()} | self._leader_titles
        self._group_nouns = {_fold(str(w)).lower() for w in doc.get("group_nouns") or ()}
        self._cameo_iso = {str(k).upper(): str(v).upper() for k, v in (doc.get("cameo_iso") or {}).items()}

        for iso3, c in doc.get("countries", {}).items():
            self._build_country(iso3, c)
        for oid, o in doc.get("igos", {}).items():
            code = str(o.get("code") or "IGO")
            ent = Entity(id=f"igo:{oid}", kind="igo", name=o.get("name") or oid, country=code,
                         sector=o.get("sector"), org=o.get("parent") or oid, cameo=o.get("cameo"))
            self._add(ent, [ent.name, oid, *(o.get("names") or ())])
        for gid, g in doc.get("groups", {}).items():
            ent = Entity(id=f"group:{gid}", kind="group", name=g.get("name") or gid, country=g.get("country"),
                         sector=g.get("sector") or "REB", org=gid, cameo=g.get("cameo"),
                         government=_periods(g.get("government")))
            self._add(ent, [ent.name, *(g.get("names") or ())])
        for iid, inst in doc.get("institutions", {}).items():
            ent = Entity(id=f"inst:{inst['country']}:{iid}", kind="institution", name=inst.get("name") or iid,
                         country=inst["country"], sector=inst.get("sector") or "GOV")
            self._add(ent, [ent.name, *(inst.get("names") or ())])
        for pid, p in doc.get("people", {}).items():
            self._build_person(pid, p)

    def _build_country(self, iso3: str, c: dict) -> None:
        pc = pycountry.countries.get(alpha_3=iso3)
        names = []
        if pc is not None:
            for attr in ("common_name", "name", "official_name"):
                v = getattr(pc, attr, None)
                if v and "," not in v:
                    names.append(v)
        names += list(c.get("names") or ())
        name = c.get("name") or (names[0] if names else iso3)
        cameo = c.get("cameo")
        if cameo:
            self._cameo_iso.setdefault(str(cameo).upper(), iso3)
        ent = Entity(id=f"country:{iso3}", kind="country", name=name, country=iso3, sector=None, cameo=cameo)
        self._add(ent, [name, *names])
        for n in [name, *names]:
            self._country_names.add(n, iso3)
        for a in c.get("adjectives") or ():
            self._adjectives.add(str(a), iso3)
        metonyms = list(c.get("metonyms") or ())
        capital = c.get("capital")
        if capital:
            self._country_names.add(capital, iso3)
            if c.get("capital_metonym", True) and capital not in [m if isinstance(m, str) else m.get("name") for m in metonyms]:
                metonyms.insert(0, capital)
        grouped: dict[str, tuple[dict, list[str]]] = {}
        for m in metonyms:
            m = {"name": m} if isinstance(m, str) else m
            slug = _slug(m["name"])
            first, forms = grouped.setdefault(slug, (m, []))
            forms += [m["name"], *(m.get("names") or ())]
        for slug, (m, forms) in grouped.items():
            ent = Entity(id=f"metonym:{iso3}:{slug}", kind="metonym", name=m["name"], country=iso3,
                         sector=m.get("sector") or "GOV")
            self._add(ent, forms)
            for f in forms:
                self._country_names.add(f, iso3)
        for inst in c.get("institutions") or ():
            iname = inst["name"]
            ent = Entity(id=f"inst:{iso3}:{inst.get('id') or _slug(iname)}", kind="institution", name=iname,
                         country=iso3, sector=inst.get("sector") or "GOV")
            self._add(ent, [iname, *(inst.get("names") or ())])

    def _build_person(self, pid: str, p: dict) -> None:
        roles = tuple(sorted(
            (Role(country=str(r["country"]), sector=str(r.get("sector") or "GOV"), title=str(r.get("title") or ""),
                  start=r.get("start"), end=r.get("end")) for r in p.get("roles") or ()),
            key=lambda r: (r.start or date.min, r.end or date.max)))
        last = self._latest_role(roles)
        ent = Entity(id=f"person:{pid}", kind="person", name=p["name"], country=last.country if last else p.get("country"),
                     sector=last.sector if last else p.get("sector"), gender=p.get("gender"), roles=roles)
        surfaces = [p["name"], *(p.get("aliases") or ())]
        surfaces += [v for v in map(_other_particle_form, surfaces) if v and v not in surfaces]
        surname = p.get("surname", "")
        if surname == "":
            parts = p["name"].split()
            surname = parts[-1] if len(parts) > 1 else None
        if surname:
            surfaces.append(surname)
        self._given_names[ent.id] = frozenset(_fold(str(f)).split()[0].lower() for f in surfaces[:-1 if surname else None]
                                              if len(str(f).split()) > 1)
        # one-word forms (surnames such as "Brown", "Rice", "May") match only as capitalised
        self._add(ent, surfaces, exact=[s for s in surfaces if isinstance(s, str) and " " not in s.strip()])

    def _latest_role(self, roles: tuple[Role, ...]) -> Role | None:
        """The role with the latest start; among same-start roles, a head-of-state/government one."""
        if not roles:
            return None
        return max(roles, key=lambda r: (r.start or date.min, self._role_rank(r), r.end or date.max))

    def _role_rank(self, r: Role) -> int:
        return (2 if r.sector == "GOV" else 0) + (1 if r.title.lower() in self._head_titles else 0)

    # ------------------------------------------------------------------ queries
    def entity(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    def given_names(self, entity: Entity) -> frozenset[str]:
        """The first words of a person's names ("julie" of "Julie Bishop"), lower-cased."""
        return self._given_names.get(entity.id, frozenset())

    def entities(self) -> Iterable[Entity]:
        return self._entities.values()

    def aliases(self) -> Iterator[tuple[str, Entity]]:
        """Every surface form and its entity (names, aliases, metonyms, institutions, surnames)."""
        for surface, ent in self._surfaces:
            if self._entities.get(ent.id) is ent:
                yield surface, ent

    def is_case_sensitive(self, surface: str) -> bool:
        """True when ``surface`` (as yielded by ``aliases``) matches only as written."""
        f = _fold(surface)
        return f in self._index.exact and f.lower() not in self._index.lower

    def declared_case_sensitive(self, surface: str) -> bool:
        """True when a ``case_sensitive`` list names ``surface``: its words are ordinary ones
        ("Law and Justice", "Turkey"), so it is a name only as written."""
        return surface in self._case_sensitive

    def lookup(self, text: str) -> list[Entity]:
        return self._index.get(text)

    def country_of_adjective(self, word: str) -> str | None:
        hits = self._adjectives.get(word)
        return hits[0] if hits else None

    def country_of_name(self, text: str) -> str | None:
        hits = self._country_names.get(text)
        if hits:
            return hits[0]
        return None

    def sector_of_word(self, lemma: str) -> str | None:
        return self._sectors.get(_fold(lemma).lower())

    def is_group_noun(self, lemma: str) -> bool:
        """'group', 'movement': nouns that take their sector from a modifier ('opposition groups')."""
        return _fold(lemma).lower() in self._group_nouns

    def is_leader_title(self, lemma: str) -> bool:
        return _fold(lemma).lower() in self._leader_titles

    def _role_on(self, entity: Entity, on: date | None) -> tuple[Role | None, bool]:
        """(role, retired): the role held on that date, else the last ended one (retired)."""
        roles = entity.roles
        if not roles:
            return None, False
        if on is None:
            return self._latest_role(roles), False
        current = [r for r in roles if r.covers(on)]
        if current:
            return max(current, key=lambda r: (self._role_rank(r), r.start or date.min)), False
        ended = [r for r in roles if r.end is not None and r.end < on]
        if ended:
            return max(ended, key=lambda r: (r.end, self._role_rank(r))), True
        return self._latest_role(roles), False

    def in_public_life(self, entity: Entity, on: date | None) -> bool:
        """False for a person whose every known role begins after ``on``: in a 2002 story
        "Shah" is not the home minister of 2019."""
        if on is None or entity.kind != "person" or not entity.roles:
            return True
        return any(r.start is None or r.start <= on for r in entity.roles)

    def code_on(self, entity: Entity, on: date | None) -> tuple[str | None, str | None]:
        if entity.kind != "person" or not entity.roles:
            return entity.country, entity.sector
        role, retired = self._role_on(entity, on)
        if retired:
            return role.country, "ELI"
        return role.country, role.sector

    def person_on(self, actor: Actor | None, on: date) -> Actor | None:
        """A known person's country and post on an event's own date, where the text dates the
        event away from the article's: "the 1983 killing of Prime Minister Maurice Bishop"
        in a 2009 story is the killing of a head of government, not of a former one. A date
        before all their known posts changes nothing."""
        if actor is None or not (actor.kb_id or "").startswith("person:"):
            return actor
        entity = self.entity(actor.kb_id)
        if entity is None or not entity.roles or not self.in_public_life(entity, on):
            return actor
        country, sector = self.code_on(entity, on)
        if (country, sector) == (actor.code, actor.sector) or sector == "ELI" and actor.sector != "GOV":
            return actor  # retired by then: what the text calls them ("opposition leader X") stands
        return replace(actor, code=country or actor.code, sector=sector or actor.sector)

    def undated_code(self, entity: Entity, text_titles: set[str], matches) -> tuple[str | None, str | None]:
        """A person in an article with no date at all: the post the text itself names
        ("Foreign Minister X"), else their own country and no sector, since any dated
        post could be from the wrong decade. ``matches(title, text_titles)`` compares titles."""
        role = None
        if text_titles:  # the post as titled, else one whose title holds it ("NATO secretary-general")
            role = next((r for r in entity.roles if matches(r.title.lower(), text_titles)), None) or next(
                (r for r in entity.roles if any(t in r.title.lower() for t in text_titles)), None)
        if role is not None:
            return role.country, role.sector
        national = Counter(r.country for r in entity.roles if r.country not in ("IGO", "NGO"))
        return (national.most_common(1)[0][0] if national else entity.country), None

    def title_on(self, entity: Entity, on: date | None) -> str | None:
        if entity.kind != "person" or not entity.roles:
            return None
        role, retired = self._role_on(entity, on)
        if retired:
            return f"former {role.title}" if role.title else None
        return role.title or None

    def is_governing(self, party: Entity | str, on: date) -> bool | None:
        """Whether a party was in national government (ruling or in the coalition) on a date;
        None when the knowledge base records no government periods for it. ``party`` is an
        entity or its id ("group:anc", or just "anc")."""
        entity = party if isinstance(party, Entity) else (
            self._entities.get(party) or self._entities.get(f"group:{party}"))
        if entity is None or not entity.government:
            return None
        return any((start is None or start <= on) and (end is None or on < end) for start, end in entity.government)

    def cameo_to_iso(self, code: str) -> str:
        return self._cameo_iso.get(code.upper(), code)

    def __len__(self) -> int:
        return len(self._entities)


__all__ = ["Role", "Entity", "KnowledgeBase", "KnowledgeBaseError"]


# News writes the article of an Arabic name both ways ("Al Thani" and "al-Thani", "el-Sisi"
# and "el Sisi"); a person's name matches in either. Only after a first word: "Al Gore".
_NAME_PARTICLE = re.compile(r"(?<=\S )([Aa]l|[Ee]l)([ -])(?=[A-Z])")


def _other_particle_form(surface) -> str | None:
    """The same name with its particle written the other way, or None if it has none."""
    if not isinstance(surface, str) or not _NAME_PARTICLE.search(surface):
        return None
    return _NAME_PARTICLE.sub(lambda m: m.group(1) + ("-" if m.group(2) == " " else " "), surface)
