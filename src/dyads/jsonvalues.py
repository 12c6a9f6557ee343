"""JSON has no NaN or Infinity. Python's json module reads and writes them anyway (as the
bare words NaN, Infinity), so a record read from a JSONL file may hold them while a strict
encoder (httpx) or reader (browsers, DuckDB's JSON functions) refuses them. They become
null, the way a strict JSON writer would have to write a missing number."""
from __future__ import annotations

import math
from typing import Any

MAX_DEPTH = 64  # deeper values are left as they are: the record reader refuses them anyway


def finite(value: Any, depth: int = 0) -> Any:
    """``value`` with every non-finite float, at any depth of lists and dicts, made None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth >= MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {k: finite(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v, depth + 1) for v in value]
    return value


def non_finite(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` holds a NaN or Infinity at any depth of lists and dicts."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if depth >= MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return any(non_finite(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(non_finite(v, depth + 1) for v in value)
    return False
