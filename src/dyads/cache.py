"""The user's cache folder: what dyads builds once from its package data (the parsed actor
knowledge base, the embedded gazetteer) and keeps between runs."""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$DYADS_CACHE_DIR``, else ``$XDG_CACHE_HOME/dyads``, else ``~/.cache/dyads``."""
    if os.environ.get("DYADS_CACHE_DIR"):
        return Path(os.environ["DYADS_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dyads"


def drop_older(current: Path, pattern: str) -> None:
    """Remove the caches of older package data beside ``current`` (the files matching
    ``pattern``): each upgrade would otherwise leave another copy behind. Only for caches
    a process reads whole when it starts (the knowledge base's pickle): another
    installation may be reading an older gazetteer index by its path at this moment."""
    try:
        for old in current.parent.glob(pattern):
            if old != current:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache folder keeps its files
