"""Dataclasses as plain JSON-ready values, copied one level at a time.

``dataclasses.asdict`` deep-copies every leaf: on /api/search it was a third of
a query's time, mostly copying place names (London alone has 70 alternates).
Strings and numbers are immutable, so they are shared rather than copied.
"""

from __future__ import annotations

import dataclasses
from typing import Any

_ATOMS = (str, int, float, bool, type(None))


#: Each dataclass's field names, looked up once per class.
_NAMES: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """``value`` with dataclasses as dicts and tuples as lists, new containers
    throughout (a caller may change what it gets) but the same strings and numbers."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if isinstance(value, list | tuple):
        return [v if type(v) in _ATOMS else plain(v) for v in value]
    if isinstance(value, dict):
        return {k: v if type(v) in _ATOMS else plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        names = _NAMES.get(kind) or _NAMES.setdefault(
            kind, tuple(f.name for f in dataclasses.fields(value))
        )
        fields = [(name, getattr(value, name)) for name in names]
        return {k: v if type(v) in _ATOMS else plain(v) for k, v in fields}
    raise TypeError(f"not a plain value: {kind.__name__}")
