"""The GCJ-02 display shift (国测局坐标, "Mars coordinates") used by 高德 (Amap) tiles.

Web maps licensed in mainland China draw their tiles in GCJ-02: WGS84 coordinates moved by
a deliberately irregular offset of a few hundred metres. Parcels are stored in CGCS2000
(EPSG:4490; for this purpose the same as WGS84 to within centimetres) and are shifted with
this module **for display on such tiles only**; shifted coordinates are never stored.

The forward transform is the public algorithm (Krasovsky 1940 ellipsoid, polynomial and
sine terms centred on 105°E, 35°N). It has no closed-form inverse;
:func:`gcj02_to_wgs84` inverts it by fixed-point iteration, which converges to far below a
millimetre in a few steps. Points outside mainland China (a coarse set of rectangles,
see :data:`MAINLAND_BOXES`) are left unchanged, as the tile providers do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

# The ellipsoid the algorithm was published with (Krasovsky 1940).
_A = 6378245.0
_EE = 0.00669342162296594323

# Mainland China as coarse (min lon, min lat, max lon, max lat) rectangles, minus
# rectangles over the neighbours the inclusion boxes overlap, and Taiwan. Coarse on
# purpose: within a few tens of kilometres of a land border the answer may be wrong;
# everywhere a county of landgis lies it is right.
MAINLAND_BOXES: tuple[tuple[float, float, float, float], ...] = (
    (79.4, 42.9, 96.4, 49.2),  # northern Xinjiang
    (73.1, 29.5, 124.2, 42.9),  # from Kashgar to Liaoning
    (109.7, 39.4, 135.1, 53.6),  # north China, Inner Mongolia, the north-east
    (82.9, 26.7, 97.1, 29.5),  # southern Tibet
    (97.0, 20.4, 124.4, 29.5),  # the south and south-east
    (107.9, 17.8, 111.8, 20.4),  # Hainan
)
EXCLUDED_BOXES: tuple[tuple[float, float, float, float], ...] = (
    (119.9, 21.8, 122.5, 25.4),  # Taiwan
    (73.1, 40.3, 76.5, 42.9),  # Kyrgyzstan (west)
    (76.5, 41.5, 80.2, 42.9),  # Kyrgyzstan (east)
    (73.1, 29.5, 75.0, 38.5),  # Tajikistan, Afghanistan, Pakistan
    (75.0, 29.5, 78.5, 35.5),  # Kashmir, northern India
    (91.0, 46.6, 96.4, 49.2),  # western Mongolia
    (93.5, 45.0, 96.4, 46.6),
    (109.7, 44.5, 115.5, 50.3),  # eastern Mongolia
    (109.0, 50.3, 119.2, 53.6),  # Russia north of Hulunbuir
    (128.0, 49.6, 135.1, 53.6),  # Russia beyond the Amur
    (130.5, 48.4, 135.1, 49.6),  # Birobidzhan, Khabarovsk
    (131.2, 42.5, 135.1, 44.9),  # Primorye
    (124.5, 39.4, 131.0, 40.9),  # the Korean peninsula north of 39.4°N
    (128.5, 40.9, 131.0, 42.2),
    (82.9, 26.7, 88.2, 28.0),  # Nepal
    (89.1, 26.7, 97.1, 27.5),  # Bhutan, Assam
    (97.0, 20.4, 97.7, 27.5),  # northern Myanmar
    (97.7, 20.4, 99.0, 23.5),
    (99.0, 20.4, 100.0, 21.8),
    (100.0, 20.1, 101.8, 21.4),  # northern Laos
    (101.8, 20.1, 106.7, 22.3),  # northern Laos and Vietnam
    (106.4, 20.4, 108.1, 21.5),  # the Gulf of Tonkin coast of Vietnam
)

# The most the shift moves a point, in degrees: under 0.009° of longitude and 0.004° of
# latitude everywhere it applies.
MAX_SHIFT_DEG = 0.01

GeometryLike = TypeVar("GeometryLike")


def _in_boxes(
    lon: np.ndarray, lat: np.ndarray, boxes: tuple[tuple[float, float, float, float], ...]
) -> np.ndarray:
    inside = np.zeros(np.shape(lon), dtype=bool)
    for minx, miny, maxx, maxy in boxes:
        inside |= (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
    return inside


def in_mainland_china(lon: npt.ArrayLike, lat: npt.ArrayLike) -> np.ndarray:
    """Whether each point (degrees) lies where GCJ-02 applies (coarsely: mainland China)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return _in_boxes(lon, lat, MAINLAND_BOXES) & ~_in_boxes(lon, lat, EXCLUDED_BOXES)


def _offset_m(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The algorithm's raw offsets (roughly metres east, north) at ``x = lon - 105``,
    ``y = lat - 35``."""
    root = np.sqrt(np.abs(x))
    wave = (20.0 * np.sin(6.0 * np.pi * x) + 20.0 * np.sin(2.0 * np.pi * x)) * 2.0 / 3.0
    north = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * root + wave
    north += (20.0 * np.sin(np.pi * y) + 40.0 * np.sin(np.pi * y / 3.0)) * 2.0 / 3.0
    north += (160.0 * np.sin(np.pi * y / 12.0) + 320.0 * np.sin(np.pi * y / 30.0)) * 2.0 / 3.0
    east = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root + wave
    east += (20.0 * np.sin(np.pi * x) + 40.0 * np.sin(np.pi * x / 3.0)) * 2.0 / 3.0
    east += (150.0 * np.sin(np.pi * x / 12.0) + 300.0 * np.sin(np.pi * x / 30.0)) * 2.0 / 3.0
    return east, north


def _shift_deg(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 shift (degrees of longitude, latitude) at WGS84 ``lon``, ``lat``."""
    east, north = _offset_m(lon - 105.0, lat - 35.0)
    phi = np.radians(lat)
    w2 = 1.0 - _EE * np.sin(phi) ** 2
    w = np.sqrt(w2)
    meridian_radius = _A * (1.0 - _EE) / (w2 * w)
    parallel_radius = _A / w * np.cos(phi)
    return np.degrees(east / parallel_radius), np.degrees(north / meridian_radius)


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 / CGCS2000 longitudes and latitudes (degrees) moved to GCJ-02.

    Points outside mainland China are returned unchanged.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    inside = in_mainland_china(lon, lat)
    dlon, dlat = _shift_deg(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_wgs84(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    *,
    tolerance_deg: float = 1e-10,
    max_iterations: int = 20,
) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 longitudes and latitudes back to WGS84, by fixed-point iteration.

    Each step moves the estimate by the difference between its forward transform and the
    target; the shift varies slowly, so a few steps reach ``tolerance_deg`` (1e-10° is about
    0.01 mm). Points outside mainland China are returned unchanged.
    """
    target_lon = np.asarray(lon, dtype=float)
    target_lat = np.asarray(lat, dtype=float)
    inside = in_mainland_china(target_lon, target_lat)
    est_lon, est_lat = target_lon.copy(), target_lat.copy()
    for _ in range(max_iterations):
        dlon, dlat = _shift_deg(est_lon, est_lat)
        err_lon = est_lon + dlon - target_lon
        err_lat = est_lat + dlat - target_lat
        est_lon = est_lon - err_lon
        est_lat = est_lat - err_lat
        if max(np.max(np.abs(err_lon), initial=0.0), np.max(np.abs(err_lat), initial=0.0)) < (
            tolerance_deg
        ):
            break
    return np.where(inside, est_lon, target_lon), np.where(inside, est_lat, target_lat)


def _forward_coords(coords: np.ndarray) -> np.ndarray:
    lon, lat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])


def _inverse_coords(coords: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])


def _apply(geoms: GeometryLike, func: Callable[[np.ndarray], np.ndarray]) -> GeometryLike:
    if isinstance(geoms, gpd.GeoDataFrame):
        moved = geoms.copy()
        moved[geoms.geometry.name] = _apply(geoms.geometry, func)
        return moved
    if isinstance(geoms, gpd.GeoSeries):
        moved = shapely.transform(np.asarray(geoms.values, dtype=object), func)
        return gpd.GeoSeries(moved, index=geoms.index, crs=geoms.crs, name=geoms.name)
    return shapely.transform(geoms, func)


def to_gcj02(geoms: GeometryLike) -> GeometryLike:
    """Geometries (a shapely geometry or array, a GeoSeries or a GeoDataFrame in lon/lat)
    moved to GCJ-02 for display on 高德 tiles. Returns a new object; never store it."""
    return _apply(geoms, _forward_coords)


def from_gcj02(geoms: GeometryLike) -> GeometryLike:
    """Geometries digitized on GCJ-02 tiles moved back to WGS84 / CGCS2000."""
    return _apply(geoms, _inverse_coords)
