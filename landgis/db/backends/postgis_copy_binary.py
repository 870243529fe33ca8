"""The columns of a bulk insert as ``COPY … (FORMAT BINARY)`` rows, when every column
holds values of its own type (what an import writes): psycopg packs each row in C, and
PostgreSQL reads numbers and EWKB geometries without parsing text. Columns holding
anything else (text in a date column, say) return None: the text format takes them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from psycopg.types.json import Jsonb
from sqlalchemy import Column, Table
from sqlalchemy.dialects import postgresql

from landgis.geo import CGCS2000_EPSG, to_multipolygon

# The EWKB header of a little-endian 2D MultiPolygon in EPSG:4490, and the WKB one.
_EWKB_MULTIPOLYGON_4490 = bytes.fromhex("01060000208A110000")
_WKB_MULTIPOLYGON = bytes.fromhex("0106000000")
# PostgreSQL types (as the dialect names them, before any length) → the binary format
# psycopg writes for them.
_BINARY_TYPES = {
    "VARCHAR": "text",
    "TEXT": "text",
    "DOUBLE PRECISION": "float8",
    "FLOAT": "float8",
    "INTEGER": "int4",
    "BIGINT": "int8",
    "SMALLINT": "int2",
    "BOOLEAN": "bool",
    "DATE": "date",
    "JSONB": "jsonb",
}
_INT_RANGES = {"int2": 2**15, "int4": 2**31, "int8": 2**63}


def binary_rows(
    table: Table, columns: Mapping[str, Sequence[Any]], geometry: str
) -> tuple[list[str], list[list[Any]]] | None:
    """The binary COPY types of ``columns`` and their values ready for ``write_row``
    (geometries as EWKB), or None when some column cannot travel in binary."""
    types: list[str] = []
    values: list[list[Any]] = []
    for name, items in columns.items():
        if name == geometry:
            types.append("bytea")  # PostGIS reads the EWKB of a binary geometry as is
            values.append(ewkb(np.asarray(items, dtype=object)))
            continue
        kind = _binary_type(table.c[name])
        convert = _CONVERTERS.get(kind or "")
        column = None if convert is None else convert(items)
        if column is None or (kind in _INT_RANGES and not _fits(column, _INT_RANGES[kind])):
            return None
        types.append(kind or "")
        values.append(column)
    return types, values


def _binary_type(column: Column[Any]) -> str | None:
    name = column.type.compile(dialect=postgresql.dialect()).split("(")[0].strip()
    return _BINARY_TYPES.get(name)


def ewkb(geoms: np.ndarray) -> list[bytes | None]:
    """EWKB (SRID 4490, little-endian) of MultiPolygons (None stays None)."""
    present = np.array([g is not None for g in geoms], dtype=bool)
    out: list[bytes | None] = [None] * len(geoms)
    if not present.any():
        return out
    shapes = np.asarray([to_multipolygon(g) for g in geoms[present]], dtype=object)
    wkbs: list[bytes] = shapely.to_wkb(shapes, byte_order=1).tolist()
    if all(w.startswith(_WKB_MULTIPOLYGON) for w in wkbs):
        found = [_EWKB_MULTIPOLYGON_4490 + w[5:] for w in wkbs]
    else:
        with_srid = shapely.set_srid(shapes, CGCS2000_EPSG)
        found = shapely.to_wkb(with_srid, include_srid=True, byte_order=1).tolist()
    for position, value in zip(np.flatnonzero(present).tolist(), found, strict=True):
        out[position] = value
    return out


def _items(values: Sequence[Any]) -> list[Any]:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _kinds(items: list[Any]) -> set[type]:
    return set(map(type, items)) - {type(None)}


def _floats(values: Sequence[Any]) -> list[Any] | None:
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        items = values.astype(float).tolist()
    else:
        items = _items(values)
        if not _kinds(items) <= {float, int, np.float64, np.float32}:
            return None
        items = [None if v is None else float(v) for v in items]
    return [None if v is None or v != v else v for v in items]  # NaN is NULL


def _ints(values: Sequence[Any]) -> list[Any] | None:
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return list(values.tolist())
    items = _items(values)
    if not _kinds(items) <= {int, np.int64, np.int32}:
        return None
    return [None if v is None else int(v) for v in items]


def _fits(items: list[Any], bound: int) -> bool:
    return all(v is None or -bound <= v < bound for v in items)


def _of_types(*allowed: type) -> Callable[[Sequence[Any]], list[Any] | None]:
    def convert(values: Sequence[Any]) -> list[Any] | None:
        items = _items(values)
        return items if _kinds(items) <= set(allowed) else None

    return convert


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _jsons(values: Sequence[Any]) -> list[Any]:
    return [None if v is None else Jsonb(v, dumps=_json_text) for v in _items(values)]


_CONVERTERS: dict[str, Callable[[Sequence[Any]], list[Any] | None]] = {
    "text": _of_types(str),
    "float8": _floats,
    "int2": _ints,
    "int4": _ints,
    "int8": _ints,
    "bool": _of_types(bool),
    "date": _of_types(dt.date),
    "jsonb": _jsons,
}
