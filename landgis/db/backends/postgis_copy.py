"""Bulk inserts into PostGIS with one ``COPY … FROM STDIN`` in its text format.

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
import shapely
from psycopg import sql
from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session

from landgis.geo import CGCS2000_EPSG, to_multipolygon

# COPY's text format: NULL is \N; backslash, tab, newline and return are escaped.
COPY_NULL = "\\N"
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Little-endian WKB of a 2D MultiPolygon, and the EWKB header naming EPSG:4490.
_WKB_MULTIPOLYGON = "0106000000"
_EWKB_MULTIPOLYGON_4490 = "01060000208A110000"


def copy_columns(
    session: Session, table: Table, columns: Mapping[str, Sequence[Any]], geometry: str
) -> None:
    """``COPY table (columns…) FROM STDIN`` of the columns, in the session's transaction."""
    data = [
        ewkb_hex(np.asarray(values, dtype=object))
        if name == geometry
        else copy_texts(values, json_column=isinstance(table.c[name].type, JSON))
        for name, values in columns.items()
    ]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    session.flush()
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(statement) as copy:
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
    present = np.array([g is not None for g in geoms], dtype=bool)
    if not present.all():
        texts = np.full(len(geoms), COPY_NULL, dtype=object)
        texts[present] = ewkb_hex(geoms[present])
        return list(texts.tolist())
    geoms = np.asarray([to_multipolygon(g) for g in geoms], dtype=object)
    hexes: list[str] = shapely.to_wkb(geoms, hex=True, byte_order=1).tolist()
    if all(h.startswith(_WKB_MULTIPOLYGON) for h in hexes):
        return [_EWKB_MULTIPOLYGON_4490 + h[10:] for h in hexes]
    with_srid = shapely.set_srid(geoms, CGCS2000_EPSG)
    return list(shapely.to_wkb(with_srid, hex=True, include_srid=True, byte_order=1).tolist())
