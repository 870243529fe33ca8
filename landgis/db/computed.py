"""Generated columns whose expression each backend writes in its own SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Computed
from sqlalchemy.ext.compiler import compiles


class ChangeDelta(Computed):
    """A column of ``case_events`` generated from its ``changes`` (``{field: [before,
    after]}``): what the event added to the case's ``field``, 0 when it did not touch it.
    Kept by the database for every writer (the use cases, COPY, imports), so the period
    figures read the few events that moved an area through an index, not every event's
    JSON."""

    inherit_cache = True

    def __init__(self, field: str) -> None:
        if not field.isidentifier():
            raise ValueError(f"not a field name: {field!r}")
        self.field = field
        super().__init__(f"changes: {field}")


@compiles(ChangeDelta, "postgresql")
def _postgresql(element: ChangeDelta, compiler: Any, **kw: Any) -> str:
    path = "'{%s,%d}'"
    after = f"coalesce((changes #>> {path % (element.field, 1)})::double precision, 0)"
    before = f"coalesce((changes #>> {path % (element.field, 0)})::double precision, 0)"
    return f"GENERATED ALWAYS AS ({after} - {before}) STORED"


@compiles(ChangeDelta, "sqlite")
def _sqlite(element: ChangeDelta, compiler: Any, **kw: Any) -> str:
    after = f"coalesce(json_extract(changes, '$.{element.field}[1]'), 0)"
    before = f"coalesce(json_extract(changes, '$.{element.field}[0]'), 0)"
    # SQLite adds only virtual generated columns to an existing table; indexed all the same.
    return f"GENERATED ALWAYS AS ({after} - {before}) VIRTUAL"
