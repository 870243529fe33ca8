"""Reading and writing rows; geometries travel as shapely objects and GeoDataFrames.

Geometry columns are written from WKB with their SRID and read back as WKB
(``ST_AsBinary``), which every backend speaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geoalchemy2 import WKBElement
from geoalchemy2.shape import from_shape
from sqlalchemy import Table, func, insert, select
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Session

from landgis.db.backends import backend_for
from landgis.db.models import Base, Building, Zone
from landgis.db.query_types import AnySelect
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
    table = cast(Table, model.__table__)
    result = session.execute(insert(table).returning(table.c[key], table.c.id), list(rows))
    return dict(result.all())


def statements_where_in(
    session: Session, columns: Sequence[Any], key: Any, values: Iterable[Any], *where: Any
) -> list[AnySelect]:
    """Statements that together select ``columns`` of the rows whose ``key`` is one of
    ``values`` and that meet ``where``: as many values as a file holds, past the limits of
    bound parameters (one array on PostGIS, chunks on SpatiaLite)."""
    statements = backend_for(session).select_where_in(columns, key, list(values))
    return [stmt.where(*where) for stmt in statements]


def scalars_where_in(
    session: Session, column: Any, key: Any, values: Iterable[Any], *where: Any
) -> list[Any]:
    """The values of ``column`` (or the ORM objects of an entity) of the rows whose ``key``
    is one of ``values`` and that meet ``where``."""
    found: list[Any] = []
    for stmt in statements_where_in(session, [column], key, values, *where):
        found.extend(session.scalars(stmt))
    return found


def existing_values(session: Session, column: Any, values: Iterable[str]) -> set[str]:
    """Which of ``values`` already occur in ``column``."""
    return set(scalars_where_in(session, column, column, set(values)))


def read_frame(session: Session, stmt: AnySelect, geometry: str = "geometry") -> gpd.GeoDataFrame:
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


def columns_frame(session: Session, stmt: AnySelect, columns: Sequence[str]) -> pd.DataFrame:
    """The rows ``stmt`` selects as a frame with ``columns``, taken from the driver's
    cursor as plain tuples: result rows made one by one, then read one by one into a
    frame, cost seconds for a million. Only for columns the driver gives as they are
    meant (numbers, text), since nothing is converted on the way."""
    result = session.connection().execute(stmt)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return pd.DataFrame.from_records(rows, columns=list(columns), nrows=len(rows))


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


def bulk_insert(
    session: Session,
    model: type[Base],
    columns: dict[str, Sequence[Any]],
    geometry: str = "geom",
) -> int:
    """Insert rows given as columns (``geometry``: shapely geometries, stored as
    MultiPolygons in EPSG:4490) in the session's transaction, the fastest way the backend
    has; the number of rows. JSON columns take dicts, date columns dates; None is NULL.
    """
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if count == 0:
        return 0
    backend_for(session).bulk_insert(session, _table(model), columns, geometry)
    return count


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _frames(
    session: Session, statements: Sequence[AnySelect], columns: Sequence[Any]
) -> gpd.GeoDataFrame:
    """:func:`read_frame` of the rows the statements select together."""
    frames = [read_frame(session, stmt) for stmt in statements]
    if not frames:
        return read_frame(session, select(*columns).where(sql_false()))
    if len(frames) == 1:
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CGCS2000)


def frame_where_in(
    session: Session, columns: Sequence[Any], key: Any, values: Sequence[Any]
) -> gpd.GeoDataFrame:
    """:func:`read_frame` of the rows whose ``key`` column is one of ``values``."""
    statements = backend_for(session).select_where_in(columns, key, list(values))
    return _frames(session, statements, columns)


def near_boxes(
    session: Session, model: type[Base], columns: Sequence[Any], bounds: np.ndarray, margin: float
) -> gpd.GeoDataFrame:
    """Rows of ``model`` (``columns``, the geometry last as :func:`wkb_of`) whose
    geometry meets one of ``bounds`` (n × 4: minx, miny, maxx, maxy, EPSG:4490) grown by
    ``margin`` degrees, and maybe others near them (within the box around them all)."""
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    if len(bounds) == 0:
        return _frames(session, [], columns)
    statements = backend_for(session).near_boxes(session, _table(model), columns, bounds, margin)
    return _frames(session, statements, columns)
