"""dyads: political event coding from news text (PLOVER 2.0 and CAMEO).

The Python API (see docs/python-api.md)::

    import dyads
    events = dyads.code("Putin met Erdogan in Sochi.", published="2022-08-05")
    events.to_pandas()
    with dyads.Store("events.duckdb") as store:
        store.add(events)
        store.events(actor="RUS")

Submodules load on first use, so ``import dyads`` stays quick.
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["code", "load", "read", "Events", "Store", "EventFilter", "Article", "DEFAULT_DB"]

_EXPORTS = {
    "code": "dyads.api", "load": "dyads.api", "read": "dyads.api", "Events": "dyads.api",
    "Store": "dyads.store", "EventFilter": "dyads.store", "DEFAULT_DB": "dyads.store", "Article": "dyads.models",
}


def __getattr__(name: str) -> Any:
    # Lazy (PEP 562): the CLI imports dyads.* submodules and must not pay for spaCy here.
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'dyads' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
