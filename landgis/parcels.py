"""Parcels as the map and the API see them: each with its current ledger case, filtered.

(:class:`ParcelFilter` lives in :mod:`landgis.filters`; it is importable from here too.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd
from sqlalchemy import ColumnElement, func, not_, or_, select
from sqlalchemy.orm import Session

from landgis.db.backends import Envelope
from landgis.db.models import Case, Parcel, Zone
from landgis.db.query_types import AnySelect
from landgis.db.repository import read_frame, wkb_of
from landgis.filters import ParcelFilter
from landgis.geo import CGCS2000_EPSG
from landgis.ledger_rules.current_case import is_current_case
from landgis.ledger_rules.overdue import overdue_column, overdue_sql
from landgis.ogc_bbox import bbox_intersects
from landgis.units import m2_to_hectare, m2_to_mu
from landgis.wallclock import today

__all__ = [
    "ParcelFilter",
    "apply_filters",
    "bbox_condition",
    "envelope",
    "join_zone_and_current_case",
    "late_cases",
    "parcels_frame",
    "parcels_query",
]


def join_zone_and_current_case(stmt: AnySelect) -> AnySelect:
    """``stmt`` over parcels, outer-joined to each parcel's zone and current case
    (:mod:`landgis.ledger_rules.current_case`)."""
    return stmt.outerjoin(Zone, Zone.id == Parcel.zone_id).outerjoin(Case, is_current_case(Parcel))


def parcels_query(filters: ParcelFilter) -> AnySelect:
    """The parcels with zone and current case columns, filtered and ordered by code."""
    stmt = join_zone_and_current_case(
        select(
            Parcel.id,
            Parcel.parcel_code,
            Parcel.project_name,
            Parcel.holder,
            Parcel.location,
            Parcel.land_use,
            Parcel.area_m2,
            Parcel.geodesic_area_m2,
            Parcel.registered_area_m2,
            Zone.code.label("zone_code"),
            Zone.name.label("zone_name"),
            Case.case_no,
            Case.status,
            Case.category,
            Case.cause,
            Case.route,
            Case.idle_area_m2,
            Case.revitalized_area_m2,
            Case.deadline,
            wkb_of(Parcel.geom),
        )
    )
    stmt = apply_filters(stmt, filters, Parcel.parcel_code, Parcel.holder, Parcel.project_name)
    stmt = stmt.order_by(Parcel.parcel_code).offset(filters.offset)
    if filters.limit is not None:
        stmt = stmt.limit(filters.limit)
    return stmt


def envelope(bbox: tuple[float, float, float, float]) -> Envelope:
    """A lon/lat rectangle in CGCS2000, on either backend."""
    return Envelope(*bbox, CGCS2000_EPSG)


def bbox_condition(geometry: Any, filters: ParcelFilter) -> ColumnElement[bool]:
    """Whether ``geometry`` meets the area ``filters.bbox`` stands for: the area a bbox
    given in another CRS covers (``bbox_shape``) where there is one, else the lon/lat
    rectangle (two, when it crosses the antimeridian)."""
    if filters.bbox_shape is not None:
        area = func.ST_GeomFromText(filters.bbox_shape, CGCS2000_EPSG)
        return func.ST_Intersects(geometry, area)
    assert filters.bbox is not None
    return bbox_intersects(geometry, filters.bbox)


def late_cases(day: dt.date | None = None) -> ColumnElement[bool]:
    """Whether the joined case is overdue on ``day`` (today when None): true or false."""
    return overdue_sql(Case.status, Case.deadline, day or today())


def apply_filters(
    stmt: AnySelect, filters: ParcelFilter, *text_columns: Any, day: dt.date | None = None
) -> AnySelect:
    """Narrow a select over parcels joined to zones and cases by ``filters`` (not paging),
    overdue as of ``day`` (today when None).

    ``text_columns`` are searched for ``filters.text``.
    """
    for column, values in (
        (Case.status, filters.status),
        (Zone.code, filters.zone),
        (Case.category, filters.category),
        (Case.route, filters.route),
        (Case.cause, filters.cause),
        (Parcel.parcel_code, filters.codes),
    ):
        if values:
            stmt = stmt.where(column.in_(values))
    if filters.overdue is not None:
        late = late_cases(day)
        stmt = stmt.where(late if filters.overdue else not_(late))
    if filters.in_ledger is not None:
        stmt = stmt.where(Case.id.is_not(None) if filters.in_ledger else Case.id.is_(None))
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Parcel.geom, filters))
    if filters.text:
        # Taken literally: % and _ in the text are no wildcards.
        needle = filters.text.strip()
        stmt = stmt.where(
            or_(*(column.icontains(needle, autoescape=True) for column in text_columns))
        )
    return stmt


def parcels_frame(session: Session, filters: ParcelFilter | None = None) -> gpd.GeoDataFrame:
    """The filtered parcels as an EPSG:4490 GeoDataFrame, areas also in 亩 and 公顷."""
    frame = read_frame(session, parcels_query(filters or ParcelFilter()))
    area = frame["area_m2"].astype(float)
    position = frame.columns.get_loc("area_m2") + 1
    frame.insert(position, "area_mu", m2_to_mu(area).round(2))
    frame.insert(position + 1, "area_ha", m2_to_hectare(area).round(4))
    frame["overdue"] = overdue_column(frame, today())
    return frame
