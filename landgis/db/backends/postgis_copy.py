"""Bulk inserts into PostGIS with one ``COPY … FROM STDIN``: binary when the columns
allow, else in the text format described here.

Columns are converted a column at a time (numbers from arrays, text escaped only when
some value needs it); geometries travel as hex EWKB in EPSG:4490.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from psycopg import sql
from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session

from landgis.db.backends.postgis_copy_binary import binary_rows, ewkb

# COPY's text format: NULL is \N; backslash, tab, newline and return are escaped.
COPY_NULL = "\\N"
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_columns(
    session: Session, table: Table, columns: Mapping[str, Sequence[Any]], geometry: str
) -> None:
    """``COPY table (columns…) FROM STDIN`` of the columns, in the session's transaction:
    in the binary format when every column allows (:mod:`.postgis_copy_binary`), else
    in the text format."""
    target = sql.SQL("{} ({})").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    binary = binary_rows(table, columns, geometry)
    session.flush()
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    if binary is not None:
        types, values = binary
        statement = sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)").format(target)
        with cursor, cursor.copy(statement) as copy:
            copy.set_types(types)
            for row in zip(*values, strict=True):
                copy.write_row(row)
        return
    data = [
        ewkb_hex(np.asarray(values, dtype=object))
        if name == geometry
        else copy_texts(values, json_column=isinstance(table.c[name].type, JSON))
        for name, values in columns.items()
    ]
    with cursor, cursor.copy(sql.SQL("COPY {} FROM STDIN").format(target)) as copy:
        copy.write("\n".join(map("\t".join, zip(*data, strict=True))) + "\n")


def copy_texts(values: Sequence[Any], *, json_column: bool = False) -> list[str]:
    """A column as the fields of COPY's text format."""
    texts: list[str | None]
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        texts = list(map(repr, values.tolist()))
        for position in np.flatnonzero(np.isnan(values)).tolist():
            texts[position] = None
    elif isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        texts = list(map(str, values.tolist()))
    elif isinstance(values, np.ndarray) and values.dtype.kind == "b":
        texts = ["t" if v else "f" for v in values.tolist()]
    else:
        items = values.tolist() if isinstance(values, np.ndarray) else list(values)
        if json_column:
            texts = [None if v is None else json.dumps(v, ensure_ascii=False) for v in items]
        elif (kinds := set(map(type, items))) <= {str, type(None)}:
            texts = items
        else:
            texts = _distinct_texts(items, single_type=len(kinds - {type(None)}) == 1)
        if _COPY_SPECIAL.search("".join(filter(None, texts))):
            texts = [t.translate(_COPY_ESCAPES) if t else t for t in texts]
    return [COPY_NULL if t is None else t for t in texts]


def _distinct_texts(values: list[Any], *, single_type: bool = False) -> list[str | None]:
    """:func:`_copy_value` of each value, converting each distinct value once (told
    apart by type too when the types are mixed: 1, 1.0 and True differ)."""
    keys = values if single_type else list(zip(map(type, values), values, strict=True))
    try:
        texts = {key: _copy_value(key if single_type else key[1]) for key in dict.fromkeys(keys)}
    except TypeError:  # unhashable values
        return list(map(_copy_value, values))
    return list(map(texts.__getitem__, keys))


def _copy_value(value: Any) -> str | None:
    """One value of an object column as COPY text (None for NULL)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else repr(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def ewkb_hex(geoms: np.ndarray) -> list[str]:
    """Hex EWKB (SRID 4490) of MultiPolygons, as PostGIS reads it in COPY (None: NULL)."""
    return [COPY_NULL if value is None else value.hex() for value in ewkb(geoms)]
