"""Geometry literals of a CQL2 filter (points, lines, polygons, their multi- forms and
BBOX), given in ``filter-crs``, turned into CGCS2000 longitude/latitude (EPSG:4490, x the
longitude), the frame the geometries are stored in, and compared there in SQL.

As for ``crs`` and ``bbox-crs`` (:mod:`landgis.ogc_crs`), coordinates follow the CRS's axis
order: CRS84 longitude first, EPSG:4490 and 4326 latitude first, the Gauss-Krüger zones
northing first. A projected geometry's straight sides are curves in longitude/latitude:
they are followed through a point every :data:`SEGMENT_METRES` before being reprojected.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import box, shape
from sqlalchemy import String, bindparam, func

from landgis.errors import InvalidInput
from landgis.geo import CGCS2000_EPSG
from landgis.i18n import _
from landgis.ogc_crs import DEFAULT_CRS, Crs

SEGMENT_METRES = 50.0
SHAPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")


def geometry_shape(value: dict[str, Any], crs: Crs) -> Any:
    """A GeoJSON-like geometry of a filter (``crs`` coordinates) as a shapely geometry in
    CGCS2000 longitude/latitude."""
    kind = value.get("type")
    if kind not in SHAPES:
        raise InvalidInput(
            _(
                "filter 中的几何类型 {kind} 不受支持;可用:{kinds}。",
                kind=kind,
                kinds=", ".join(SHAPES),
            )
        )
    if "crs" in value:
        raise InvalidInput(_("filter 中的几何不能自带坐标参考系(SRID);请用 filter-crs 指明。"))
    try:
        found = shape(value)
    except Exception as error:  # shapely's errors on too few points and the like
        raise InvalidInput(_("filter 中的几何无效:{detail}", detail=str(error)[:200])) from None
    return _to_storage(found, crs)


def bbox_shape(numbers: Sequence[Any], crs: Crs) -> Any:
    """A BBOX literal (four numbers, or six with heights, which are ignored) in ``crs``'s
    axis order, as a shapely geometry in CGCS2000 longitude/latitude. In CRS84 a first
    longitude larger than the second is a box across the antimeridian."""
    if len(numbers) not in (4, 6) or not all(_is_number(n) for n in numbers):
        raise InvalidInput(_("filter 中的 BBOX 应为 4 个或 6 个数。"))
    values = [float(n) for n in numbers]
    first_min, second_min, first_max, second_max = (
        values if len(values) == 4 else [values[0], values[1], values[3], values[4]]
    )
    if second_min > second_max or (first_min > first_max and crs != DEFAULT_CRS):
        raise InvalidInput(_("filter 中的 BBOX 最小值大于最大值。"))
    if first_min > first_max:  # across the antimeridian
        halves = [
            box(first_min, second_min, 180.0, second_max),
            box(-180.0, second_min, first_max, second_max),
        ]
        return _to_storage(shapely.MultiPolygon(halves), crs)
    return _to_storage(box(first_min, second_min, first_max, second_max), crs)


def geometry_sql(found: Any) -> Any:
    """A shapely geometry in CGCS2000 longitude/latitude as an SQL geometry (a bound WKT)."""
    wkt = shapely.to_wkt(found, rounding_precision=-1)
    return func.ST_GeomFromText(bindparam(None, wkt, type_=String()), CGCS2000_EPSG)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _to_storage(found: Any, crs: Crs) -> Any:
    coordinates = shapely.get_coordinates(found)
    if not np.isfinite(coordinates).all():
        raise InvalidInput(_("filter 中的几何坐标无效。"))
    if crs.north_first:
        found = shapely.transform(found, lambda xy: xy[:, ::-1])
    if crs.projected:
        found = shapely.segmentize(found, SEGMENT_METRES)
        transformer = _to_lonlat(crs.srid)

        def reproject(xy: Any) -> Any:
            lon, lat = transformer.transform(xy[:, 0], xy[:, 1], errcheck=False)
            return np.column_stack([lon, lat])

        found = shapely.transform(found, reproject)
    lonlat = shapely.get_coordinates(found)
    inside = np.isfinite(lonlat).all() and (np.abs(lonlat[:, 0]) <= 180).all()
    if not inside or not (np.abs(lonlat[:, 1]) <= 90).all():
        raise InvalidInput(
            _("filter 中的几何超出 {crs} 的范围(坐标顺序:{axes})。", crs=crs.uri, axes=crs.axes())
        )
    if not found.is_valid:
        raise InvalidInput(
            _("filter 中的几何无效:{detail}", detail=shapely.is_valid_reason(found)[:200])
        )
    return found


@functools.lru_cache(maxsize=8)
def _to_lonlat(srid: int) -> Transformer:
    """Easting, northing in EPSG ``srid`` to CGCS2000 longitude, latitude."""
    return Transformer.from_crs(srid, CGCS2000_EPSG, always_xy=True)
