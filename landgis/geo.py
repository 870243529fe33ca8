"""Coordinates and areas.

Parcels are stored in CGCS2000 geographic coordinates (EPSG:4490, x = longitude,
y = latitude). Their area (宗地面积) is the planar area in the parcel's own CGCS2000
3-degree Gauss-Kruger zone; the ellipsoidal (geodesic) area is kept beside it for
comparison. Nothing here ever measures an area in degrees.
"""

from __future__ import annotations

import math
import threading

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from landgis.errors import CRSError, InvalidInput
from landgis.i18n import _

CGCS2000_EPSG = 4490
CGCS2000 = f"EPSG:{CGCS2000_EPSG}"

# CGCS2000 3-degree Gauss-Kruger zones: EPSG:4534-4554 are central meridians 75°E-135°E
# with false easting 500 000; EPSG:4513-4533 are the same zones (25-45) with the zone
# number prefixed to the false easting.
_GK_FIRST_CM = 75
_GK_LAST_CM = 135
_GK_FIRST_EPSG = 4534
_GK_FIRST_PREFIXED_EPSG = 4513


def gk_central_meridian(lon: float) -> int:
    """Central meridian (degrees east) of the 3-degree zone containing ``lon``."""
    return 3 * math.floor(lon / 3 + 0.5)


def gk_zone_epsg(lon: float, *, prefixed: bool = False) -> int:
    """EPSG code of the CGCS2000 3-degree Gauss-Kruger zone containing ``lon``.

    ``prefixed`` selects the variant whose false easting carries the zone number.
    """
    cm = gk_central_meridian(lon)
    if not _GK_FIRST_CM <= cm <= _GK_LAST_CM:
        raise CRSError(
            _(
                "经度 {lon:.4f} 不在中国境内的高斯-克吕格 3 度带范围(75°E-135°E)内,请检查坐标系。",
                lon=lon,
            )
        )
    offset = (cm - _GK_FIRST_CM) // 3
    return (_GK_FIRST_PREFIXED_EPSG if prefixed else _GK_FIRST_EPSG) + offset


def to_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal part of ``geom`` as a MultiPolygon; refuses anything else."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    polygons = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    if not polygons or len(polygons) != len(getattr(geom, "geoms", [])):
        raise InvalidInput(
            _(
                "图形类型为 {geometry_type},宗地只能是面(Polygon/MultiPolygon)。",
                geometry_type=geom.geom_type,
            )
        )
    return MultiPolygon(polygons)


def _require_cgcs2000(geoms: gpd.GeoSeries) -> None:
    if geoms.crs is None:
        raise CRSError(_("图形没有坐标系。"))
    if geoms.crs.to_epsg() != CGCS2000_EPSG:
        raise CRSError(
            _(
                "面积计算需要 CGCS2000 地理坐标(EPSG:4490),收到的是 {crs}。",
                crs=geoms.crs.to_string(),
            ),
        )


def gk_zone_epsgs(geoms: gpd.GeoSeries) -> np.ndarray:
    """The Gauss-Kruger zone EPSG code of each geometry, by its centroid's longitude."""
    _require_cgcs2000(geoms)
    return _zones_of(shapely.get_x(shapely.centroid(np.asarray(geoms.values, dtype=object))))


def _zones_of(lons: np.ndarray) -> np.ndarray:
    meridians = 3 * np.floor(lons / 3 + 0.5)
    inside = (meridians >= _GK_FIRST_CM) & (meridians <= _GK_LAST_CM)
    if not inside.all():
        gk_zone_epsg(float(lons[~inside][0]))  # raises, naming the longitude
    return (_GK_FIRST_EPSG + (meridians - _GK_FIRST_CM) // 3).astype(np.int32)


def planar_areas_m2(geoms: gpd.GeoSeries, zones: np.ndarray | None = None) -> np.ndarray:
    """Planar area (m²) of each EPSG:4490 geometry in its own 3-degree Gauss-Kruger zone.

    ``zones`` may pass the zone EPSG codes when the caller already has them.
    """
    if zones is None:
        zones = gk_zone_epsgs(geoms)
    values = np.asarray(geoms.values, dtype=object)
    areas = np.zeros(len(values), dtype=float)
    for epsg in np.unique(zones):
        in_zone = zones == epsg
        areas[in_zone] = _projected_areas(values[in_zone], f"EPSG:{int(epsg)}")
    return areas


def geodesic_areas_m2(
    geoms: gpd.GeoSeries, zones: np.ndarray | None = None, lats: np.ndarray | None = None
) -> np.ndarray:
    """Ellipsoidal area (m²) of each EPSG:4490 geometry, for comparison.

    Measured as arrays in a Lambert azimuthal equal-area projection of the GRS80
    ellipsoid centred on each geometry's Gauss-Kruger central meridian and one-degree
    band of latitude: equal-area, so the only departure from the geodesic polygon's area
    is the curvature of its edges (below 1 ppm for parcels). ``zones`` and ``lats`` may
    pass the Gauss-Kruger EPSG codes and the centroids' latitudes when the caller has them.
    """
    if zones is None:
        zones = gk_zone_epsgs(geoms)
    if lats is None:
        lats = shapely.get_y(shapely.centroid(np.asarray(geoms.values, dtype=object)))
    values = np.asarray(geoms.values, dtype=object)
    bands = np.floor(lats).astype(np.int64)
    areas = np.zeros(len(bands), dtype=float)
    for epsg, band in {(int(e), int(b)) for e, b in zip(zones, bands, strict=True)}:
        group = (zones == epsg) & (bands == band)
        meridian = _GK_FIRST_CM + 3 * (epsg - _GK_FIRST_EPSG)
        laea = f"+proj=laea +lat_0={band + 0.5} +lon_0={meridian} +ellps=GRS80 +units=m"
        areas[group] = _projected_areas(values[group], laea)
    return areas


_TRANSFORMERS = threading.local()  # per thread: a transformer is not shared between threads


def _projected_areas(values: np.ndarray, target: str) -> np.ndarray:
    """The areas of EPSG:4490 geometries projected to ``target`` (NaN where missing),
    with one transformer per target and thread, made once."""
    cache = _TRANSFORMERS.__dict__.setdefault("by_target", {})
    transformer = cache.get(target)
    if transformer is None:
        transformer = cache[target] = Transformer.from_crs(CGCS2000, target, always_xy=True)
    projected = shapely.transform(values, transformer.transform, interleaved=False)
    return shapely.area(projected)


def parcel_areas(geoms: gpd.GeoSeries) -> dict[str, np.ndarray]:
    """The stored area columns of each geometry: ``area_m2``, ``geodesic_area_m2``, ``gk_epsg``."""
    _require_cgcs2000(geoms)
    centres = shapely.centroid(np.asarray(geoms.values, dtype=object))
    zones = _zones_of(shapely.get_x(centres))
    return {
        "area_m2": planar_areas_m2(geoms, zones),
        "geodesic_area_m2": geodesic_areas_m2(geoms, zones, shapely.get_y(centres)),
        "gk_epsg": zones,
    }


# Web Mercator (EPSG:3857), the projection of map tiles. CGCS2000 and WGS 84 differ by
# centimetres, which PROJ (and so PostGIS) ignores between EPSG:4490 and EPSG:3857: the
# spherical Mercator formulas on the WGS 84 radius.
MERCATOR_RADIUS = 6378137.0


def to_mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:4490 longitude/latitude (degrees) to EPSG:3857 metres."""
    x = MERCATOR_RADIUS * np.radians(lon)
    y = MERCATOR_RADIUS * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y
