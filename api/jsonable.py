"""Values from pandas rows and the library made JSON-ready."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any


def plain(value: Any) -> Any:
    """A JSON-ready scalar: NaN becomes None, numpy scalars Python ones, dates ISO text."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return None if value != value else value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value.item() if hasattr(value, "item") else value


def rows(records: list[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    """The given keys of each record, JSON-ready."""
    return [{key: plain(record.get(key)) for key in keys} for record in records]
