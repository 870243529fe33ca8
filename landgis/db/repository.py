"""Reading and writing rows; geometries travel as shapely objects and GeoDataFrames.

Geometry columns are written from WKB with their SRID and read back as WKB
(``ST_AsBinary``), which both SpatiaLite and PostGIS speak.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geoalchemy2 import WKBElement
from geoalchemy2.shape import from_shape
from sqlalchemy import ARRAY, JSON, Select, bindparam, func, insert, select, text
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Session

from landgis.db.models import Base, Building, Zone
from landgis.geo import CGCS2000, CGCS2000_EPSG, to_multipolygon


def geometry_value(geom: shapely.Geometry | None) -> WKBElement | None:
    """A MultiPolygon bind value in EPSG:4490 for a shapely geometry (None stays None)."""
    if geom is None:
        return None
    return from_shape(to_multipolygon(geom), srid=CGCS2000_EPSG)


def insert_returning_ids(
    session: Session, model: type[Base], key: str, rows: Sequence[dict[str, Any]]
) -> dict[str, int]:
    """Insert ``rows`` into ``model``'s table; return the new ids by the ``key`` column."""
    if not rows:
        return {}
    table = model.__table__
    result = session.execute(insert(table).returning(table.c[key], table.c.id), list(rows))
    return dict(result.all())


def existing_values(session: Session, column: Any, values: Iterable[str]) -> set[str]:
    """Which of ``values`` already occur in ``column``."""
    wanted = sorted(set(values))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(column).where(column.in_(chunk))))
    return found


def read_frame(session: Session, stmt: Select[Any], geometry: str = "geometry") -> gpd.GeoDataFrame:
    """Run ``stmt`` (whose ``geometry`` column is WKB) into an EPSG:4490 GeoDataFrame."""
    result = session.execute(stmt)
    columns = list(result.keys())
    rows = result.all()
    frame = gpd.pd.DataFrame.from_records(rows, columns=columns)
    wkb = [bytes(v) if v is not None else None for v in frame[geometry]]
    return gpd.GeoDataFrame(
        frame.drop(columns=[geometry]),
        geometry=gpd.GeoSeries(shapely.from_wkb(wkb), index=frame.index),
        crs=CGCS2000,
    )


def wkb_of(column: Any, label: str = "geometry") -> Any:
    """``ST_AsBinary(column)`` labelled for :func:`read_frame`."""
    return func.ST_AsBinary(column).label(label)


def zones_frame(session: Session, kinds: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Zones (county, park, areas) as a GeoDataFrame."""
    stmt = select(Zone.id, Zone.code, Zone.name, Zone.kind, Zone.area_m2, wkb_of(Zone.geom))
    if kinds:
        stmt = stmt.where(Zone.kind.in_(kinds))
    return read_frame(session, stmt.order_by(Zone.id))


def buildings_frame(session: Session, parcel_ids: Sequence[int]) -> gpd.GeoDataFrame:
    """Buildings of the given parcels (footprints may be empty)."""
    stmt = select(
        Building.id,
        Building.parcel_id,
        Building.name,
        Building.floor_area_m2,
        Building.state,
        wkb_of(Building.footprint),
    ).where(Building.parcel_id.in_(parcel_ids))
    return read_frame(session, stmt.order_by(Building.id))


def is_postgis(session: Session) -> bool:
    """Whether ``session`` talks to PostgreSQL/PostGIS (else SpatiaLite)."""
    return session.get_bind().dialect.name == "postgresql"


def bulk_insert(
    session: Session,
    model: type[Base],
    columns: dict[str, Sequence[Any]],
    geometry: str = "geom",
) -> int:
    """Insert rows given as columns (``geometry``: shapely geometries, stored as
    MultiPolygons in EPSG:4490) in the session's transaction; the number of rows.

    On PostGIS one ``COPY … FROM STDIN`` (geometries as hex EWKB), on SpatiaLite one
    executemany. JSON columns take dicts, date columns dates; None is NULL.
    """
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if count == 0:
        return 0
    if not is_postgis(session):
        plain = {
            name: (
                [geometry_value(g) for g in values]
                if name == geometry
                else np.where(np.isnan(values), None, values).tolist()
                if isinstance(values, np.ndarray) and values.dtype.kind == "f"
                else values.tolist()
                if isinstance(values, np.ndarray)
                else list(values)
            )
            for name, values in columns.items()
        }
        rows = [{name: plain[name][i] for name in names} for i in range(count)]
        session.execute(insert(model.__table__), rows)
        return count
    table = model.__table__
    data = [
        _ewkb_hex(np.asarray(values, dtype=object))
        if name == geometry
        else _copy_texts(values, json_column=isinstance(table.c[name].type, JSON))
        for name, values in columns.items()
    ]
    session.flush()
    cursor = session.connection().connection.driver_connection.cursor()
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    with cursor, cursor.copy(statement) as copy:
        copy.write("\n".join(map("\t".join, zip(*data, strict=True))) + "\n")
    return count


# COPY's text format: NULL is \N; backslash, tab, newline and return are escaped.
_COPY_NULL = "\\N"
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_texts(values: Sequence[Any], *, json_column: bool = False) -> list[str]:
    """A column as the fields of COPY's text format, converted a column at a time:
    numbers from arrays, text escaped only when some value needs it."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        texts: list[str | None] = list(map(repr, values.tolist()))
        for position in np.flatnonzero(np.isnan(values)).tolist():
            texts[position] = None
    elif isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        texts = list(map(str, values.tolist()))
    elif isinstance(values, np.ndarray) and values.dtype.kind == "b":
        texts = ["t" if v else "f" for v in values.tolist()]
    else:
        values = values.tolist() if isinstance(values, np.ndarray) else list(values)
        if json_column:
            texts = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
        elif (kinds := set(map(type, values))) <= {str, type(None)}:
            texts = values
        else:
            texts = _distinct_texts(values, single_type=len(kinds - {type(None)}) == 1)
        if _COPY_SPECIAL.search("".join(filter(None, texts))):
            texts = [t.translate(_COPY_ESCAPES) if t else t for t in texts]
    return [_COPY_NULL if t is None else t for t in texts]


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


# Little-endian WKB of a 2D MultiPolygon, and the EWKB header naming EPSG:4490.
_WKB_MULTIPOLYGON = "0106000000"
_EWKB_MULTIPOLYGON_4490 = "01060000208A110000"


def _ewkb_hex(geoms: np.ndarray) -> list[str]:
    """Hex EWKB (SRID 4490) of MultiPolygons, as PostGIS reads it in COPY."""
    geoms = np.asarray([to_multipolygon(g) for g in geoms], dtype=object)
    hexes = shapely.to_wkb(geoms, hex=True, byte_order=1).tolist()
    if all(h.startswith(_WKB_MULTIPOLYGON) for h in hexes):
        return [_EWKB_MULTIPOLYGON_4490 + h[10:] for h in hexes]
    with_srid = shapely.set_srid(geoms, CGCS2000_EPSG)
    return shapely.to_wkb(with_srid, hex=True, include_srid=True, byte_order=1).tolist()


def frame_where_in(
    session: Session, columns: Sequence[Any], key: Any, values: Sequence[Any]
) -> gpd.GeoDataFrame:
    """:func:`read_frame` of the rows whose ``key`` column is one of ``values``: on
    PostGIS one query joining the values as an array, on SpatiaLite chunks of IN lists."""
    values = list(values)
    if is_postgis(session) and values:
        wanted = (
            func.unnest(bindparam("wanted", values, type_=ARRAY(key.type), literal_execute=False))
            .table_valued("value")
            .render_derived(name="wanted")
        )
        stmt = select(*columns).select_from(wanted).join(key.table, key == wanted.c.value)
        return read_frame(session, stmt)
    frames = [
        read_frame(session, select(*columns).where(key.in_(values[start : start + 500])))
        for start in range(0, len(values), 500)
    ]
    if not frames:
        return read_frame(session, select(*columns).where(sql_false()))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CGCS2000)


def near_boxes(
    session: Session, model: type[Base], columns: Sequence[Any], bounds: np.ndarray, margin: float
) -> gpd.GeoDataFrame:
    """Rows of ``model`` (``columns``, the geometry last as :func:`wkb_of`) whose
    geometry's bounding box meets one of ``bounds`` (n × 4: minx, miny, maxx, maxy,
    EPSG:4490) grown by ``margin`` degrees; on SpatiaLite, those meeting the box around
    them all."""
    from landgis.db.dialects import Envelope

    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    table = model.__table__
    if len(bounds) == 0:
        return read_frame(session, select(*columns).where(table.c.id < 0))
    if not is_postgis(session):
        minx, miny = bounds[:, 0].min() - margin, bounds[:, 1].min() - margin
        maxx, maxy = bounds[:, 2].max() + margin, bounds[:, 3].max() + margin
        envelope = Envelope(minx, miny, maxx, maxy, CGCS2000_EPSG)
        return read_frame(
            session, select(*columns).where(func.ST_Intersects(table.c.geom, envelope))
        )
    found = text(
        f"SELECT DISTINCT t.id FROM unnest(CAST(:x0 AS float8[]), CAST(:y0 AS float8[]), "
        f"CAST(:x1 AS float8[]), CAST(:y1 AS float8[])) AS b(x0, y0, x1, y1) "
        f"JOIN {table.name} t ON t.geom && ST_MakeEnvelope(b.x0, b.y0, b.x1, b.y1, "
        f"{CGCS2000_EPSG})"
    )
    # Boxes grown by the margin and snapped out to a grid of that size: neighbours share
    # them, so a batch of parcels asks for a few hundred boxes, not one each.
    cell = max(margin, 1e-6)
    snapped = np.column_stack(
        [
            np.floor((bounds[:, :2] - margin) / cell),
            np.ceil((bounds[:, 2:] + margin) / cell),
        ]
    )
    grown = np.unique(snapped, axis=0) * cell
    ids = session.scalars(
        found, {k: grown[:, i].tolist() for i, k in enumerate(("x0", "y0", "x1", "y1"))}
    ).all()
    return frame_where_in(session, columns, table.c.id, ids)
