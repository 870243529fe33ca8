"""Create and edit single parcels (the API's parcel forms); areas recomputed on write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import schema
from landgis.db.coerce import column_values
from landgis.db.models import Case, Parcel
from landgis.db.repository import geometry_value
from landgis.errors import CRSError, InvalidInput, NotFound
from landgis.geo import CGCS2000, parcel_areas, to_multipolygon
from landgis.i18n import _, listing
from landgis.i18n.values import Area, in_both
from landgis.imports import COMPUTED, county_geometry, store_parcels, validate_parcels
from landgis.io import crs_guard
from landgis.io.problems import errors, problem_text
from landgis.workflow import READ_ONLY_STATUSES

# Parcel fields a user may set through a form or the API.
SETTABLE: tuple[str, ...] = tuple(
    c.key for c in Parcel.__table__.columns if c.key not in COMPUTED and c.key != "parcel_code"
)


def _geometry(geojson: Mapping[str, Any]) -> shapely.Geometry:
    try:
        with np.errstate(invalid="ignore"):  # NaN coordinates: refused below, not warned
            geom = shape(geojson)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise InvalidInput(_("图形不是有效的 GeoJSON。")) from exc
    if not crs_guard.finite_mask(np.array([geom], dtype=object))[0]:
        raise InvalidInput(
            _("图形坐标中有非数值(NaN)或无穷大的数,请检查坐标。"),
            problems=[{"field": "geometry", **in_both("problem", _("坐标无效"))}],
        )
    return geom


def _refused(
    code: str, problems: list[dict[str, Any]], kind: type[InvalidInput] = InvalidInput
) -> InvalidInput:
    """The refusal of a parcel's geometry, saying its first problem."""
    message = _("宗地 {code}:{problem}。", code=code, problem=problem_text(problems[0]))
    return kind(message, problems=problems)


def placement_problems(session: Session, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The coordinate guard's errors for lon/lat parcels typed in rather than imported:
    outside China, or (mostly) outside the county when the database has one; the same
    problems an import reports."""
    codes = frame["parcel_code"].tolist()
    inside, problems = crs_guard.china_problems(frame.geometry, codes)
    county = county_geometry(session) if inside.all() else None
    if county is not None and not county.is_empty:
        problems += crs_guard.county_problems(frame.geometry, county, codes)
    return errors(problems)


def _frame(
    session: Session, code: str, properties: Mapping[str, Any], geom: shapely.Geometry
) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame([{"parcel_code": code, **properties}], geometry=[geom], crs=CGCS2000)
    problems = validate_parcels(frame)
    if problems:
        raise _refused(code, problems)
    placement = placement_problems(session, frame)
    if placement:
        raise _refused(code, placement, CRSError)
    return frame


def _unknown_fields(properties: Mapping[str, Any]) -> None:
    unknown = sorted(set(properties) - set(SETTABLE))
    if unknown:
        raise InvalidInput(
            _(
                "不能设置这些字段:{fields}。",
                fields=listing(schema.label_of(n, schema.PARCEL) for n in unknown),
            )
        )


def create_parcel(
    session: Session, code: str, properties: Mapping[str, Any], geometry: Mapping[str, Any]
) -> Parcel:
    """A new parcel from GeoJSON (lon/lat, CGCS2000); its area is computed here."""
    _unknown_fields(properties)
    frame = _frame(session, code, column_values(Parcel, properties), _geometry(geometry))
    ids = store_parcels(session, frame)
    return session.get_one(Parcel, ids[code])


def update_parcel(
    session: Session,
    code: str,
    properties: Mapping[str, Any],
    geometry: Mapping[str, Any] | None = None,
) -> Parcel:
    """Change a parcel's attributes and/or geometry; a new geometry gets new areas.

    Refused when the new area would be smaller than the idle area of an open case.
    """
    parcel = session.scalars(select(Parcel).where(Parcel.parcel_code == code)).one_or_none()
    if parcel is None:
        raise NotFound(_("没有编号为 {code} 的宗地。", code=code))
    _unknown_fields(properties)
    values = column_values(Parcel, properties)
    if geometry is not None:
        frame = _frame(session, code, {}, _geometry(geometry))
        areas = parcel_areas(frame.geometry)
        new_area = float(areas["area_m2"][0])
        largest_idle = session.scalar(
            select(Case.idle_area_m2)
            .where(Case.parcel_id == parcel.id, Case.status.not_in(READ_ONLY_STATUSES))
            .order_by(Case.idle_area_m2.desc())
            .limit(1)
        )
        if largest_idle is not None and largest_idle > new_area + 1e-6:
            raise InvalidInput(
                _(
                    "新图形面积 {area} 小于台账中的闲置面积 {idle},请先修改台账条目的闲置面积。",
                    area=Area(new_area),
                    idle=Area(largest_idle),
                ),
            )
        values |= {
            "geom": geometry_value(to_multipolygon(frame.geometry.iloc[0])),
            "area_m2": new_area,
            "geodesic_area_m2": float(areas["geodesic_area_m2"][0]),
            "gk_epsg": int(areas["gk_epsg"][0]),
        }
    if not values:
        raise InvalidInput(_("没有任何改动。"))
    for name, value in values.items():
        setattr(parcel, name, value)
    session.flush()
    return parcel
