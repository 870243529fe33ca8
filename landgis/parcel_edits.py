"""Create and edit single parcels (the API's parcel forms); areas recomputed on write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import schema
from landgis.db.coerce import column_values
from landgis.db.models import Parcel
from landgis.db.repository import geometry_value
from landgis.errors import Conflict, CRSError, InvalidInput, LandGISError, NotFound
from landgis.geo import CGCS2000
from landgis.i18n import _, listing
from landgis.i18n.values import in_both
from landgis.import_modes import ImportMode
from landgis.imports import Checked, ImportOptions, check_frame, store_checked
from landgis.imports.store import COMPUTED
from landgis.io import crs_guard
from landgis.io.problems import COORDINATE_KINDS, errors

# Parcel fields a user may set through a form or the API.
SETTABLE: tuple[str, ...] = tuple(
    c.key for c in Parcel.__table__.columns if c.key not in COMPUTED and c.key != "parcel_code"
)
# A parcel typed in is checked as a one-row import, its geometry taken as drawn (an
# invalid one refused, not repaired); a new geometry for a stored parcel as an upsert.
_TYPED_IN = ImportOptions(batch_size=None, repair_geometry=False)
_REPLACED = replace(_TYPED_IN, mode=ImportMode.upsert)


def drawn_geometry(geojson: Mapping[str, Any]) -> shapely.Geometry:
    """A geometry drawn or typed in, from GeoJSON: refused when it is not GeoJSON or has
    coordinates that are no numbers."""
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


def _refusal(code: str, checked: Checked) -> LandGISError | None:
    """The refusal of a parcel typed in, saying its first error, as an import would find
    it (a :class:`Conflict` when the code exists, a :class:`CRSError` when the
    coordinates are at fault); None when it has none."""
    found = errors(checked.report.problems)
    if not found:
        return None
    message = _("宗地 {code}:{problem}。", code=code, problem=found[0].text)
    problems = [p.to_dict() for p in found]
    kinds = {p.kind for p in found}
    if kinds & COORDINATE_KINDS:
        return CRSError(message, problems=problems)
    if "exists" in kinds:
        return Conflict(message, problems=problems)
    return InvalidInput(message, problems=problems)


def _checked(
    session: Session,
    code: str,
    properties: Mapping[str, Any],
    geom: shapely.Geometry,
    options: ImportOptions,
) -> Checked:
    """The parcel checked as a one-row import would be; refused with its first error."""
    frame = gpd.GeoDataFrame([{"parcel_code": code, **properties}], geometry=[geom], crs=CGCS2000)
    checked = check_frame(session, frame, options, code)
    refused = _refusal(code, checked)
    if refused is not None:
        raise refused
    return checked


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
    values = column_values(Parcel, properties)
    checked = _checked(session, code, values, drawn_geometry(geometry), _TYPED_IN)
    store_checked(session, checked, _TYPED_IN)
    return session.scalars(select(Parcel).where(Parcel.parcel_code == code)).one()


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
        checked = _checked(session, code, {}, drawn_geometry(geometry), _REPLACED)
        row = checked.frame.iloc[0]
        values |= {
            "geom": geometry_value(row.geometry),
            "area_m2": float(row["area_m2"]),
            "geodesic_area_m2": float(row["geodesic_area_m2"]),
            "gk_epsg": int(row["gk_epsg"]),
        }
    if not values:
        raise InvalidInput(_("没有任何改动。"))
    for name, value in values.items():
        setattr(parcel, name, value)
    session.flush()
    return parcel
