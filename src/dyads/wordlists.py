"""Named word lists kept in data files (``data/**/*.yml``), read one way.

A stage's words (prepositions, pronouns, titles, ...) live in YAML files users can read
and extend, not in Python. A list becomes a set of case-folded words; a mapping keeps its
values, with case-folded keys.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from dyads.errors import LexiconError


def read_word_lists(path: Path) -> dict[str, frozenset[str] | dict[str, object]]:
    """Every list of the file by its name. A word YAML reads as something else (a bare
    ``off``, ``on`` or ``no`` is a boolean) is an error naming the file and the list."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read word lists: {exc}") from None
    lists: dict[str, frozenset[str] | dict[str, object]] = {}
    for name, value in data.items():
        words = list(value) if isinstance(value, (dict, list)) else [value]
        bad = [w for w in words if not isinstance(w, str)]
        if bad or not isinstance(value, (dict, list)):
            raise LexiconError(f"{path}: list {name!r}: every entry must be a word (quote words YAML reads as "
                               f"something else, such as \"off\" or \"no\"): {bad or value!r}")
        lists[name] = ({w.casefold(): v for w, v in value.items()} if isinstance(value, dict)
                       else frozenset(w.casefold() for w in value))
    return lists
