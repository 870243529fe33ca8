"""Reading and writing rows; geometries travel as shapely objects and GeoDataFrames.

Geometry columns are written from WKB with their SRID and read back as WKB
(``ST_AsBinary``), which both SpatiaLite and PostGIS speak.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import shapely
from geoalchemy2 import WKBElement
from geoalchemy2.shape import from_shape
from sqlalchemy import Select, func, insert, select
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


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``model``'s table in one executemany."""
    if rows:
        session.execute(insert(model.__table__), list(rows))


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
