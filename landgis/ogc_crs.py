"""The coordinate reference systems of OGC API - Features, Part 2 (CRS by reference).

The features are stored in CGCS2000 longitude/latitude (EPSG:4490) and published by default
as CRS84, longitude first: the two frames differ by centimetres, far below the accuracy of
cadastral boundaries. On request (``crs``) they are also given in

- EPSG:4490 itself, latitude first as EPSG orders its axes (the storage CRS);
- EPSG:4326, WGS 84, latitude first: the numbers of CRS84, since PROJ knows no shift between
  CGCS2000 and WGS 84 (its transformation is a "ballpark" one, which moves nothing);
- the CGCS2000 3-degree Gauss-Krüger zones EPSG:4513–4554 (zones 25–45 with the zone number
  before the easting, then the same by central meridian 75°E–135°E), in metres, northing (X)
  first and easting (Y) second as EPSG orders their axes.

Each is named by its OGC URI (``http://www.opengis.net/def/crs/EPSG/0/4528``) or as a safe
CURIE (``[EPSG:4528]``, ``[OGC:CRS84]``). The database reprojects the features
(``ST_Transform``) and orders their axes (:meth:`Crs.geometry`). A ``bbox`` given in another
CRS (``bbox-crs``) is turned here into the CGCS2000 area it covers (:func:`read_bbox`): a
projected rectangle's sides are curves in longitude and latitude, so it becomes a polygon
whose sides follow them, not the rectangle around its corners.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from sqlalchemy import func

from landgis.db.backends import SwappedAxes
from landgis.errors import InvalidInput
from landgis.filters import Bbox
from landgis.geo import CGCS2000_EPSG
from landgis.geojson import COORDINATE_DECIMALS
from landgis.i18n import Text, _
from landgis.ogc_bbox import parse_ogc_bbox

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{code}"
WGS84_EPSG = 4326
# CGCS2000 / 3-degree Gauss-Kruger zone 25 … 45, then CM 75E … 135E.
GAUSS_KRUGER_EPSG = range(4513, 4555)
# The query parameters of this part, for the list of parameters the items route knows.
CRS_PARAMETERS = ("crs", "bbox-crs")
# Coordinates in metres are written to the millimetre.
PROJECTED_DECIMALS = 3
# A projected bbox's sides are followed through this many points each. A straight side in
# a Gauss-Krüger zone is a curve in lon/lat: 20 km long and 15° from the central meridian
# it bends 4.5 m away from the line between its ends; 64 points keep that to a millimetre.
SIDE_POINTS = 64

_CURIE = re.compile(r"\[(EPSG|OGC):([0-9A-Za-z]+)\]")


@dataclass(frozen=True)
class Crs:
    """One CRS features are offered in: its URI, the SRID the database writes coordinates
    in, whether its first axis points north (latitude or northing), and the decimals kept."""

    uri: str
    srid: int
    north_first: bool
    decimals: int

    @property
    def projected(self) -> bool:
        return self.srid != CGCS2000_EPSG

    @property
    def header(self) -> str:
        """The value of the ``Content-Crs`` header: the URI in angle brackets."""
        return f"<{self.uri}>"

    def geometry(self, geom: Any) -> Any:
        """The stored geometry ``geom`` (EPSG:4490) as SQL in this CRS, axes in its order."""
        if self.projected:
            geom = func.ST_Transform(geom, self.srid)
        return SwappedAxes(geom) if self.north_first else geom

    def axes(self) -> Text:
        """The order of the coordinates, as a clerk reads it."""
        if self.projected:
            return _("北坐标 X(米)在前、东坐标 Y(米)在后")
        if self.north_first:
            return _("纬度在前、经度在后")
        return _("经度在前、纬度在后")


DEFAULT_CRS = Crs(CRS84, CGCS2000_EPSG, north_first=False, decimals=COORDINATE_DECIMALS)


def _epsg(code: int) -> Crs:
    if code in GAUSS_KRUGER_EPSG:
        return Crs(EPSG_URI.format(code=code), code, True, PROJECTED_DECIMALS)
    # EPSG:4490 and 4326: the stored numbers, latitude first.
    return Crs(EPSG_URI.format(code=code), CGCS2000_EPSG, True, COORDINATE_DECIMALS)


SUPPORTED: dict[str, Crs] = {
    crs.uri: crs
    for crs in (
        DEFAULT_CRS,
        _epsg(CGCS2000_EPSG),
        _epsg(WGS84_EPSG),
        *(_epsg(code) for code in GAUSS_KRUGER_EPSG),
    )
}
STORAGE_CRS = SUPPORTED[EPSG_URI.format(code=CGCS2000_EPSG)]


def crs_uris() -> list[str]:
    """The URIs of every CRS offered, CRS84 (the default) first: a collection's ``crs``."""
    return list(SUPPORTED)


def parse_crs(value: str | None, parameter: str = "crs") -> Crs:
    """The CRS a ``crs`` or ``bbox-crs`` value names (CRS84 when not given): one of
    :data:`SUPPORTED`, by URI or safe CURIE. Anything else is an :class:`InvalidInput`."""
    if value is None:
        return DEFAULT_CRS
    text = value.strip()
    curie = _CURIE.fullmatch(text)
    if curie:
        authority, code = curie.groups()
        if authority == "OGC":
            text = CRS84 if code == "CRS84" else ""
        else:
            text = EPSG_URI.format(code=code.lstrip("0"))
    found = SUPPORTED.get(text)
    if found is None:
        raise InvalidInput(
            _(
                "{parameter} 的取值 {value!r} 不是本服务提供的坐标参考系;可用 {crs84}、"
                "{example} 等(EPSG:4490、4326 和 4513–4554),见要素集的 crs 列表。",
                parameter=parameter,
                value=value[:100],
                crs84=CRS84,
                example=EPSG_URI.format(code=4528),
            )
        )
    return found


def read_bbox(text: str | None, crs_text: str | None) -> tuple[Bbox | None, str | None]:
    """``bbox`` read in the CRS ``bbox-crs`` names (CRS84 when not given), its numbers in
    that CRS's axis order: the CGCS2000 longitude/latitude rectangle it is, or, for a
    projected CRS, the bounds of the area it covers and that area (WKT, CGCS2000
    longitude/latitude). ``bbox-crs`` is checked even without a ``bbox``."""
    crs = parse_crs(crs_text, "bbox-crs")
    if text is None or not text.strip():
        return None, None
    if crs == DEFAULT_CRS:
        return parse_ogc_bbox(text), None
    first_min, second_min, first_max, second_max = _four_numbers(text, crs)
    if crs.north_first:
        xmin, ymin, xmax, ymax = second_min, first_min, second_max, first_max
    else:
        xmin, ymin, xmax, ymax = first_min, second_min, first_max, second_max
    if not crs.projected:
        if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            raise InvalidInput(_bbox_message(crs))
        return (xmin, ymin, xmax, ymax), None
    shape = _covered_area(crs, xmin, ymin, xmax, ymax)
    minx, miny, maxx, maxy = shape.bounds
    return (minx, miny, maxx, maxy), shapely.to_wkt(shape, rounding_precision=-1)


def _four_numbers(text: str, crs: Crs) -> tuple[float, float, float, float]:
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(map(math.isfinite, numbers)):
        raise InvalidInput(_bbox_message(crs))
    first_min, second_min, first_max, second_max = numbers
    if first_min > first_max or second_min > second_max:
        raise InvalidInput(_bbox_message(crs))
    return first_min, second_min, first_max, second_max


def _bbox_message(crs: Crs) -> Text:
    return _(
        "bbox 在 {crs} 中应为四个数:第一轴最小值,第二轴最小值,第一轴最大值,第二轴最大值"
        "({axes}),且最小值不大于最大值、在该坐标系的范围内。",
        crs=crs.uri,
        axes=crs.axes(),
    )


@functools.lru_cache(maxsize=len(GAUSS_KRUGER_EPSG))
def _to_lonlat(srid: int) -> Transformer:
    """Easting, northing in EPSG ``srid`` to CGCS2000 longitude, latitude."""
    return Transformer.from_crs(srid, CGCS2000_EPSG, always_xy=True)


def _covered_area(crs: Crs, xmin: float, ymin: float, xmax: float, ymax: float) -> Any:
    """The CGCS2000 longitude/latitude polygon the projected rectangle covers, its sides
    followed through :data:`SIDE_POINTS` points each (a point or a line when the rectangle
    has no width or height)."""
    step = np.linspace(0.0, 1.0, SIDE_POINTS, endpoint=False)
    width, height = xmax - xmin, ymax - ymin
    xs = np.concatenate(
        [
            xmin + width * step,
            np.full(SIDE_POINTS, xmax),
            xmax - width * step,
            np.full(SIDE_POINTS, xmin),
        ]
    )
    ys = np.concatenate(
        [
            np.full(SIDE_POINTS, ymin),
            ymin + height * step,
            np.full(SIDE_POINTS, ymax),
            ymax - height * step,
        ]
    )
    lon, lat = _to_lonlat(crs.srid).transform(xs, ys, errcheck=False)
    lon, lat = np.asarray(lon), np.asarray(lat)
    inside = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    if not inside.all():
        raise InvalidInput(_bbox_message(crs))
    ring = np.column_stack([lon, lat])
    if width == 0 and height == 0:
        return shapely.Point(ring[0])
    if width == 0:  # the east side, south to north
        return shapely.LineString(ring[SIDE_POINTS : 2 * SIDE_POINTS + 1])
    if height == 0:  # the south side, west to east
        return shapely.LineString(ring[: SIDE_POINTS + 1])
    area = shapely.Polygon(ring)
    if not area.is_valid:
        # Far outside the zone the rectangle folds over itself in longitude/latitude.
        raise InvalidInput(_bbox_message(crs))
    return area
