"""Reading, checking and importing actor dictionaries.

User knowledge-base files
-------------------------
A user file is YAML in the same format as the packaged files in
``dyads/data/actors``; it may hold any of these top-level keys::

    countries:            # one mapping per country, keyed by iso3
      - iso3: RUS
        names: [Russia]               # extra names (pycountry's are added automatically)
        adjectives: [Russian, Russians]
        capital: Moscow               # also a metonym for the government unless capital_metonym: false
        metonyms: [the Kremlin, {name: Pentagon, sector: MIL}]
        institutions: [{id: duma, name: State Duma, names: [Duma], sector: LEG}]
        cameo: ROM                    # CAMEO code when it differs from ISO3
    igos:                 # international organisations and NGOs
      - {id: UN, name: United Nations, names: [U.N.], code: IGO}      # code IGO or NGO; parent: UN for organs
    groups:               # non-state armed groups, parties, other named actors with a fixed code
      - {id: hamas, name: Hamas, names: [], country: PSE, sector: REB}
      - id: anc                       # a party's periods in national government (ruling or coalition member);
        name: African National Congress   # end: null while it governs; the end day belongs to the successor
        names: [ANC]
        country: ZAF
        sector: PTY
        government: [{start: 1994-05-10, end: null}]
    institutions:         # a country's named domestic institutions (same as a country's institutions list)
      - {id: lok-sabha, name: Lok Sabha, names: [], country: IND, sector: LEG}
    people:
      - id: vladimir-putin
        name: Vladimir Putin
        aliases: [Putin]              # the surname (last word) is added unless surname: null
        gender: m
        roles:
          - {country: RUS, sector: GOV, title: president, start: 2000-05-07, end: 2008-05-07}
    sectors: {GOV: [minister, official], MIL: [troops]}   # lowercase lemmas, multiword allowed
    leader_titles: [president, prime minister]
    head_titles: [king, emir]        # titles of heads of state/government (preferred roles)
    cameo_iso: {ROM: ROU}            # CAMEO country code -> ISO3
    case_sensitive: [Turkey, Chad]   # names that match only as written ("turkey" is a bird)

Names match case-insensitively, except all-caps acronyms without dots ("US", "UN"),
one-word names and aliases of people ("Brown", "Rice") and the case_sensitive list.

An entry whose id (``iso3`` for countries) already exists replaces the earlier one;
with ``extend: true`` its lists are appended to the existing entry instead.

PETRARCH/TABARI import
----------------------
``import_petrarch`` reads actor dictionaries (``VLADIMIR_PUTIN_`` then ``+PUTIN_``
synonym lines and ``[RUSGOV 000507-080507]``, ``[RUSGOV >120507]``,
``[RUSELI <000101]`` code blocks) and agent dictionaries (``PRESIDENT_ [~GOV]``) and
returns a document in the format above.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

import yaml

from dyads.errors import KnowledgeBaseError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LINE = "__line__"

LIST_SECTIONS = {"countries": "iso3", "igos": "id", "groups": "id", "institutions": "id", "people": "id"}
WORD_LISTS = ("leader_titles", "head_titles", "group_nouns", "case_sensitive")
KNOWN_KEYS = set(LIST_SECTIONS) | {"sectors", "cameo_iso"} | set(WORD_LISTS)
SECTOR_RE = re.compile(r"^[A-Z]{3}$")
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that records the line of every mapping (for error messages)."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --------------------------------------------------------------------------- parsing
def parse_yaml_text(text: str, origin: str, fast: bool = False) -> dict:
    """Parse and check one knowledge-base document; returns the normalised document."""
    try:
        raw = yaml.load(text, Loader=_BaseLoader if fast else _LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        raise KnowledgeBaseError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    except ValueError as exc:  # e.g. a date such as 2000-13-45
        raise KnowledgeBaseError(f"{origin}: bad value ({exc}); dates are written YYYY-MM-DD "
                                 f"(start/end)") from None
    if not fast:
        return normalise(raw, origin)
    try:
        return normalise(raw, origin)
    except KnowledgeBaseError:  # the fast loader keeps no line numbers: read again for them
        return parse_yaml_text(text, origin, fast=False)


def load_user_file(path: Path | str) -> dict:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeBaseError(f"{p}: cannot read knowledge-base file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise KnowledgeBaseError(f"{p}: not UTF-8 text") from None
    return parse_yaml_text(text, str(p))


def _where(origin: str, item: Any) -> str:
    line = item.get(_LINE) if isinstance(item, dict) else None
    return f"{origin}:{line}" if line else origin


def _strip_lines(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != _LINE}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


def _as_date(value: Any, where: str, field: str) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise KnowledgeBaseError(f"{where}: {field} must be a date YYYY-MM-DD or null, not {value!r}") from None


def _str_list(entry: dict, key: str, where: str) -> None:
    v = entry.get(key)
    if v is None:
        return
    if isinstance(v, str):
        entry[key] = [v]
        return
    if not isinstance(v, list) or not all(isinstance(x, (str, dict)) for x in v):
        raise KnowledgeBaseError(f"{where}: '{key}' must be a list of names")


def normalise(raw: Any, origin: str) -> dict:
    """Check a parsed document and return {section: {id: entry}} plus word lists."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(f"{origin}: a knowledge-base file must be a mapping with keys such as "
                                 f"countries, igos, groups, people, sectors")
    unknown = [k for k in raw if k not in KNOWN_KEYS and k != _LINE]
    if unknown:
        raise KnowledgeBaseError(f"{origin}: unknown top-level key {unknown[0]!r} "
                                 f"(expected one of {', '.join(sorted(KNOWN_KEYS))})")
    doc: dict = {**{section: {} for section in LIST_SECTIONS}, "sector_words": {},
                 "cameo_iso": {}, **{key: [] for key in WORD_LISTS}}
    for section, key in LIST_SECTIONS.items():
        items = raw.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            raise KnowledgeBaseError(f"{_where(origin, raw)}: '{section}' must be a list of entries")
        for n, item in enumerate(items, 1):
            where = _where(origin, item)
            if not isinstance(item, dict):
                raise KnowledgeBaseError(f"{where}: {section} entry #{n} must be a mapping, not {item!r}")
            ident = item.get(key)
            if not ident or not isinstance(ident, str):
                raise KnowledgeBaseError(f"{where}: {section} entry #{n} has no '{key}'")
            where = f"{where}: {section} entry '{ident}'"
            entry = _check_entry(section, dict(item), where, origin, ident)
            doc[section][ident] = _strip_lines(entry)
    sectors = raw.get("sectors")
    if sectors is not None:
        if not isinstance(sectors, dict):
            raise KnowledgeBaseError(f"{origin}: 'sectors' must map a sector code to a list of words")
        for code, words in sectors.items():
            if code == _LINE:
                continue
            if not isinstance(code, str) or not SECTOR_RE.match(code):
                raise KnowledgeBaseError(f"{_where(origin, sectors)}: sector {code!r} must be a 3-letter code like GOV")
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise KnowledgeBaseError(f"{_where(origin, sectors)}: sector {code} must list words")
            for w in words:
                doc["sector_words"][w.strip().lower()] = code
    for key in WORD_LISTS:
        v = raw.get(key)
        if v is not None:
            if not isinstance(v, list) or not all(isinstance(w, str) for w in v):
                raise KnowledgeBaseError(f"{origin}: '{key}' must be a list of words")
            doc[key] = [w.strip() if key == "case_sensitive" else w.strip().lower() for w in v]
    ci = raw.get("cameo_iso")
    if ci is not None:
        if not isinstance(ci, dict):
            raise KnowledgeBaseError(f"{origin}: 'cameo_iso' must map CAMEO codes to ISO3 codes")
        doc["cameo_iso"] = {str(k): str(v) for k, v in ci.items() if k != _LINE}
    return doc


def _check_entry(section: str, e: dict, where: str, origin: str = "", ident: str = "") -> dict:
    if section == "countries":
        if not COUNTRY_RE.match(e["iso3"]):
            raise KnowledgeBaseError(f"{where}: iso3 must be three capital letters")
        for k in ("names", "adjectives", "metonyms"):
            _str_list(e, k, where)
        for m in e.get("metonyms") or ():
            if isinstance(m, dict) and not m.get("name"):
                raise KnowledgeBaseError(f"{where}: a metonym needs a name")
        insts = e.get("institutions") or []
        if not isinstance(insts, list):
            raise KnowledgeBaseError(f"{where}: 'institutions' must be a list")
        for inst in insts:
            if not isinstance(inst, dict) or not inst.get("name"):
                raise KnowledgeBaseError(f"{where}: every institution needs a name")
            _str_list(inst, "names", where)
            s = inst.get("sector")
            if s is not None and not SECTOR_RE.match(str(s)):
                raise KnowledgeBaseError(f"{where}: institution '{inst['name']}' has bad sector {s!r}")
    elif section in ("igos", "groups", "institutions"):
        _str_list(e, "names", where)
        if section == "igos" and e.get("code", "IGO") not in ("IGO", "NGO"):
            raise KnowledgeBaseError(f"{where}: code must be IGO or NGO")
        if section in ("groups", "institutions"):
            c = e.get("country")
            if (c is not None or section == "institutions") and not (isinstance(c, str) and COUNTRY_RE.match(c)):
                raise KnowledgeBaseError(f"{where}: country must be an ISO3 code, not {c!r}")
            s = e.get("sector")
            if s is not None and not (isinstance(s, str) and SECTOR_RE.match(s)):
                raise KnowledgeBaseError(f"{where}: sector must be a 3-letter code, not {s!r}")
        if section == "institutions" and (not e.get("name") or not isinstance(e["name"], str)):
            raise KnowledgeBaseError(f"{where}: an institution needs a name")
        if section == "groups" and e.get("government") is not None:
            _check_periods(e, where, origin, ident)
    elif section == "people":
        if not e.get("name") or not isinstance(e["name"], str):
            raise KnowledgeBaseError(f"{where}: a person needs a name")
        _str_list(e, "aliases", where)
        if e.get("gender") not in (None, "m", "f"):
            raise KnowledgeBaseError(f"{where}: gender must be m or f")
        roles = e.get("roles") or []
        if not isinstance(roles, list):
            raise KnowledgeBaseError(f"{where}: 'roles' must be a list")
        for r in roles:
            rline = r.get(_LINE) if isinstance(r, dict) else None
            rw = f"{origin}:{rline}: people entry '{ident}'" if rline else where
            if not isinstance(r, dict):
                raise KnowledgeBaseError(f"{where}: every role must be a mapping")
            c = r.get("country")
            if not isinstance(c, str) or not COUNTRY_RE.match(c):
                raise KnowledgeBaseError(f"{rw}: role country must be an ISO3 code, not {c!r}")
            s = r.get("sector", "GOV")
            if not isinstance(s, str) or not SECTOR_RE.match(s):
                raise KnowledgeBaseError(f"{rw}: role sector must be a 3-letter code, not {s!r}")
            r["start"] = _as_date(r.get("start"), rw, "start")
            r["end"] = _as_date(r.get("end"), rw, "end")
            if r["start"] and r["end"] and r["end"] < r["start"]:
                raise KnowledgeBaseError(f"{rw}: role ends ({r['end']}) before it starts ({r['start']})")
    return e


def _check_periods(e: dict, where: str, origin: str, ident: str) -> None:
    """``government: [{start: 1994-05-10, end: null}, ...]``: dated, ordered, not overlapping."""
    periods = e["government"]
    if not isinstance(periods, list):
        raise KnowledgeBaseError(f"{where}: 'government' must be a list of {{start: YYYY-MM-DD, end: YYYY-MM-DD|null}}")
    last_end: date | None = None
    for n, p in enumerate(periods, 1):
        line = p.get(_LINE) if isinstance(p, dict) else None
        pw = f"{origin}:{line}: groups entry '{ident}'" if line else where
        if not isinstance(p, dict) or "start" not in p:
            raise KnowledgeBaseError(f"{pw}: government period #{n} must be a mapping with start (and end)")
        unknown = [k for k in p if k not in ("start", "end", _LINE)]
        if unknown:
            raise KnowledgeBaseError(f"{pw}: government period #{n} has unknown key {unknown[0]!r} (expected start, end)")
        p["start"] = _as_date(p.get("start"), pw, "start")
        p["end"] = _as_date(p.get("end"), pw, "end")
        if p["start"] is None:
            raise KnowledgeBaseError(f"{pw}: government period #{n} needs a start date")
        if p["end"] is not None and p["end"] <= p["start"]:
            raise KnowledgeBaseError(f"{pw}: government period #{n} ends ({p['end']}) before it starts ({p['start']})")
        if n > 1 and (last_end is None or p["start"] < last_end):
            raise KnowledgeBaseError(f"{pw}: government period #{n} starts ({p['start']}) before the previous one ends "
                                     f"({last_end or 'null: still governing'}); list periods in order")
        last_end = p["end"]


def merge_documents(docs: Iterable[dict]) -> dict:
    """Later documents override earlier ones by id; ``extend: true`` entries add to them."""
    out: dict = {**{section: {} for section in LIST_SECTIONS}, "sector_words": {},
                 "cameo_iso": {}, **{key: [] for key in WORD_LISTS}}
    for d in docs:
        for section in LIST_SECTIONS:
            for ident, entry in d.get(section, {}).items():
                old = out[section].get(ident)
                if entry.get("extend") and old is not None:
                    merged = dict(old)
                    for k, v in entry.items():
                        if k == "extend":
                            continue
                        if isinstance(v, list) and isinstance(merged.get(k), list):
                            merged[k] = merged[k] + [x for x in v if x not in merged[k]]
                        else:
                            merged[k] = v
                    out[section][ident] = merged
                else:
                    out[section][ident] = {k: v for k, v in entry.items() if k != "extend"}
        out["sector_words"].update(d.get("sector_words", {}))
        for key in WORD_LISTS:
            out[key] += [w for w in d.get(key, []) if w not in out[key]]
        out["cameo_iso"].update(d.get("cameo_iso", {}))
    return out


# --------------------------------------------------------------------------- PETRARCH
_CODE_BLOCK = re.compile(r"\[([^\]\}\[]*)[\]\}]")  # "[~LEG}" occurs in real files
_PLURAL = re.compile(r"\{([^}]*)\}")
_SUBST_DEF = re.compile(r"^(![A-Z_]+!)\s*=\s*(.+)$")
# CAMEO religion agent codes -> the dyads sector REL
_RELIGION_CODES = {"CHR", "CTH", "MOS", "JEW", "BUD", "HIN", "SHI", "SUN", "SIK", "JAN", "TAO", "ZRO", "BAH", "ITH", "REL"}
_DATE_RANGE = re.compile(r"^(\d{6}|\d{8})\s*-\s*(\d{6}|\d{8})$")
_COMMENT_XML = re.compile(r"<!--.*?-->", re.S)


def _petrarch_date(text: str, where: str) -> date:
    try:
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        yy = int(text[:2])  # two-digit years: 00-29 are 20xx, 30-99 are 19xx
        return date(2000 + yy if yy < 30 else 1900 + yy, int(text[2:4]), int(text[4:]))
    except ValueError:
        raise KnowledgeBaseError(f"{where}: bad date {text!r} (expected YYMMDD or YYYYMMDD)") from None


def _phrase(text: str) -> str:
    """``VLADIMIR_PUTIN_`` -> ``Vladimir Putin``; acronyms and dotted forms stay upper-case."""
    words = [w for w in re.split(r"[_\s]+", text.strip().strip("+").strip()) if w]
    if len(words) == 1 and words[0].isalpha() and words[0].isupper() and (
            len(words[0]) <= 3 or not re.search(r"[AEIOUY]", words[0])):
        return words[0]  # an acronym such as UN, US, PKK
    out = []
    for w in words:
        out.append(w if "." in w else "-".join(p.capitalize() for p in w.split("-")))
    return " ".join(out)


def _parse_code_block(body: str, where: str) -> dict:
    parts = body.split()
    if not parts:
        raise KnowledgeBaseError(f"{where}: empty code block []")
    code, restr = parts[0], " ".join(parts[1:]).strip()
    block: dict = {"code": code, "start": None, "end": None}
    if restr:
        m = _DATE_RANGE.match(restr)
        if m:
            block["start"] = _petrarch_date(m.group(1), where)
            block["end"] = _petrarch_date(m.group(2), where)
        elif restr[0] in "<>" and re.fullmatch(r"\d{6}|\d{8}", restr[1:].strip()):
            d = _petrarch_date(restr[1:].strip(), where)
            if restr[0] == ">":
                block["start"] = d
            else:
                block["end"] = d
        else:
            raise KnowledgeBaseError(f"{where}: cannot read date restriction {restr!r} "
                                     f"(expected >YYMMDD, <YYMMDD or YYMMDD-YYMMDD)")
    return block


def _split_code(code: str) -> tuple[str, str | None]:
    code = code.strip().upper()
    return code[:3], (code[3:6] or None)


def import_petrarch(path: Path | str, cameo_iso: dict[str, str] | None = None) -> dict:
    """Read a TABARI/PETRARCH actor or agent dictionary and return a dyads KB document."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise KnowledgeBaseError(f"{p}: cannot read dictionary ({exc.strerror or exc})") from None
    text = _COMMENT_XML.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    cameo_iso = cameo_iso or {}
    entries: list[dict] = []
    agents: dict[str, list[str]] = {}
    current: dict | None = None
    agent_sector: str | None = None
    substitutions: dict[str, list[str]] = {}
    in_block = False

    def add_agent(sector: str, phrase: str, plural: str | None) -> None:
        forms = [phrase] + ([plural] if plural else [])
        for form in forms:
            for marker, values in substitutions.items():
                if marker in form:
                    for v in values:
                        agents.setdefault(sector, []).append(_phrase(form.replace(marker, v)).lower())
                    break
            else:
                agents.setdefault(sector, []).append(_phrase(form).lower())

    for lineno, line in enumerate(text.splitlines(), 1):
        where = f"{p}:{lineno}"
        body = re.split(r"[#;]", line, maxsplit=1)[0].rstrip()
        stripped = body.strip()
        if not stripped:
            continue
        if stripped.startswith("<"):  # <Combine ...>, <CombineBlock> ... </CombineBlock>, <!...
            low = stripped.lower()
            in_block = low.startswith("<combineblock") or (in_block and not low.startswith("</combineblock"))
            continue
        if in_block:
            continue
        m = _SUBST_DEF.match(stripped)
        if m:
            substitutions[m.group(1)] = [v.strip() for v in m.group(2).split(",") if v.strip()]
            continue
        if stripped.startswith("+") and agent_sector is not None:
            plural = _PLURAL.search(stripped)
            add_agent(agent_sector, _PLURAL.sub("", _CODE_BLOCK.sub("", stripped[1:])),
                      plural.group(1) if plural and plural.group(1).strip() else None)
            continue
        if stripped.startswith("+"):
            if current is None:
                raise KnowledgeBaseError(f"{where}: synonym line before any actor")
            name_part = _CODE_BLOCK.sub("", stripped[1:])
            if name_part.strip():
                current["aliases"].append(_phrase(name_part))
            for cb in _CODE_BLOCK.findall(stripped):
                current["blocks"].append(_parse_code_block(cb, where))
            continue
        if stripped.startswith("["):
            if current is None:
                raise KnowledgeBaseError(f"{where}: code block before any actor")
            for cb in _CODE_BLOCK.findall(stripped):
                current["blocks"].append(_parse_code_block(cb, where))
            continue
        if stripped.startswith(("{", "}", "&", "-", "=")):
            continue  # TABARI classes, patterns and other directives this import does not use
        if stripped.count("[") != len(_CODE_BLOCK.findall(stripped)):
            raise KnowledgeBaseError(f"{where}: unbalanced [ ] in {stripped!r}")
        plural = _PLURAL.search(stripped)
        name_part = _PLURAL.sub("", _CODE_BLOCK.sub("", stripped)).strip()
        blocks = [_parse_code_block(cb, where) for cb in _CODE_BLOCK.findall(stripped)]
        if blocks and "~" in blocks[0]["code"]:  # an agent: [~GOV] (after the actor) or [NGO~] (before)
            code = blocks[0]["code"].replace("~", "").upper()
            sector = "REL" if code[:3] in _RELIGION_CODES else code[:3]
            if not SECTOR_RE.match(sector):
                raise KnowledgeBaseError(f"{where}: cannot read agent code {blocks[0]['code']!r}")
            add_agent(sector, name_part, plural.group(1) if plural and plural.group(1).strip() else None)
            current, agent_sector = None, sector
            continue
        agent_sector = None
        if not name_part:
            raise KnowledgeBaseError(f"{where}: an entry needs a phrase before its code")
        current = {"name": _phrase(name_part), "aliases": [], "blocks": blocks, "line": lineno}
        entries.append(current)

    doc: dict = {"countries": [], "igos": [], "groups": [], "people": []}
    used: set[str] = set()

    def uid(name: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "actor"
        ident, n = base, 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        return ident

    for e in entries:
        where = f"{p}:{e['line']}"
        blocks = e["blocks"]
        if not blocks:
            continue  # an actor with no code cannot be used
        dated = any(b["start"] or b["end"] for b in blocks)
        if dated or len(blocks) > 1:
            roles = []
            for b in blocks:
                country, sector = _split_code(b["code"])
                country = cameo_iso.get(country, country)
                roles.append({"country": country, "sector": sector or "GOV", "title": "",
                              "start": b["start"], "end": b["end"]})
            doc["people"].append({"id": uid(e["name"]), "name": e["name"], "aliases": e["aliases"], "roles": roles})
            continue
        country, sector = _split_code(blocks[0]["code"])
        if not COUNTRY_RE.match(country):
            raise KnowledgeBaseError(f"{where}: cannot read actor code {blocks[0]['code']!r}")
        if country in ("IGO", "NGO"):
            doc["igos"].append({"id": uid(e["name"]), "name": e["name"], "names": e["aliases"], "code": country,
                                "cameo": blocks[0]["code"]})
        elif sector is None:
            iso = cameo_iso.get(country, country)
            doc["countries"].append({"iso3": iso, "extend": True, "names": [e["name"], *e["aliases"]]})
        else:
            doc["groups"].append({"id": uid(e["name"]), "name": e["name"], "names": e["aliases"],
                                  "country": cameo_iso.get(country, country), "sector": sector,
                                  "cameo": blocks[0]["code"]})
    if agents:
        doc["sectors"] = {k: sorted(set(v)) for k, v in sorted(agents.items())}
    # merge duplicate country rows
    merged: dict[str, dict] = {}
    for c in doc["countries"]:
        if c["iso3"] in merged:
            merged[c["iso3"]]["names"] += [n for n in c["names"] if n not in merged[c["iso3"]]["names"]]
        else:
            merged[c["iso3"]] = c
    doc["countries"] = list(merged.values())
    return {k: v for k, v in doc.items() if v}


def merge_imports(docs: Iterable[dict]) -> dict:
    out: dict = {}
    for d in docs:
        for k, v in d.items():
            if isinstance(v, list):
                out.setdefault(k, []).extend(v)
            elif isinstance(v, dict):
                tgt = out.setdefault(k, {})
                for sk, sv in v.items():
                    tgt[sk] = sorted(set(tgt.get(sk, [])) | set(sv))
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _date_repr(dumper, value: date):
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(date, _date_repr)


def write_yaml(data: dict, out_path: Path | str) -> Path:
    """Write a KB document as YAML that ``KnowledgeBase.load(extra=[...])`` reads back."""
    p = Path(out_path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8") as fh:
            fh.write("# dyads actor knowledge base (user file); see dyads/actors/dictionaries.py for the format\n")
            yaml.dump(data, fh, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=110)
    except OSError as exc:
        raise KnowledgeBaseError(f"{p}: cannot write ({exc.strerror or exc})") from None
    return p
