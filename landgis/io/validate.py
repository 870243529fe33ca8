"""Checks of parcel geometries: repair where it is safe, overlaps above a tolerance."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.coords import CoordinateSequence
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from landgis.geo import CGCS2000, planar_areas_m2
from landgis.i18n import Localizable, Text, _

# A repair is safe when the repaired area agrees with the area the rings describe (the
# outlines made valid, less the holes made valid) to within this share.
REPAIR_TOLERANCE = 0.001
# Overlaps below either threshold are digitizing noise, not two rights on one piece of land.
OVERLAP_MIN_M2 = 1.0
OVERLAP_MIN_SHARE = 0.01
# The DE-9IM pattern of two geometries whose interiors meet (more than touching).
OVERLAP_PATTERN = "T********"

# GEOS's reasons a geometry is invalid (shapely.is_valid_reason), in the user's words.
_INVALID_REASONS: dict[str, Text] = {
    "Self-intersection": _("边界自相交"),
    "Ring Self-intersection": _("环自相交"),
    "Too few points": _("顶点过少"),
    "Hole lies outside shell": _("内环(洞)在外环之外"),
    "Interior is disconnected": _("内部不连通"),
    "Nested holes": _("内环相互嵌套"),
    "Nested shells": _("外环相互嵌套"),
    "Duplicate Rings": _("环重复"),
    "Invalid Coordinate": _("坐标无效"),
    "Ring is not closed": _("环未闭合"),
}
# Geometry types other than polygons, as a clerk calls them.
_GEOMETRY_TYPES: dict[str, Text] = {
    "Point": _("点"),
    "MultiPoint": _("多点"),
    "LineString": _("线"),
    "MultiLineString": _("多线"),
    "LinearRing": _("线环"),
    "GeometryCollection": _("几何集合"),
}


def invalid_reason(reason: str) -> Localizable | str:
    """Why a geometry is invalid (GEOS's ``Self-intersection[x y]``) in the rendering
    language, with the place GEOS names; GEOS's own words when it is not a known reason."""
    name, _bracket, where = reason.partition("[")
    said = _INVALID_REASONS.get(name.strip())
    if said is None:
        return reason
    point = where.rstrip("]").strip()
    return _("{reason}(位于 {point})", reason=said, point=point) if point else said


def geometry_type_name(geom_type: str) -> Localizable | str:
    """A geometry type (shapely's ``geom_type``) in the rendering language."""
    return _GEOMETRY_TYPES.get(geom_type, geom_type)


def polygonal_part(geom: BaseGeometry) -> MultiPolygon | None:
    """The polygons of ``geom`` (dropping collapsed lines and points), or None."""
    if isinstance(geom, Polygon):
        return MultiPolygon([geom]) if not geom.is_empty else None
    if isinstance(geom, MultiPolygon):
        return geom if not geom.is_empty else None
    parts = [
        p
        for g in getattr(geom, "geoms", [])
        for p in (g.geoms if isinstance(g, MultiPolygon) else [g])
        if isinstance(p, Polygon) and not p.is_empty
    ]
    return MultiPolygon(parts) if parts else None


def is_polygonal(geom: BaseGeometry) -> bool:
    """Polygon, MultiPolygon, or a collection made only of polygons."""
    if isinstance(geom, Polygon | MultiPolygon):
        return True
    parts = getattr(geom, "geoms", None)
    if not parts:
        return False
    return all(isinstance(g, Polygon | MultiPolygon) for g in parts)


def _ring_area(coords: CoordinateSequence) -> float:
    fixed = shapely.make_valid(Polygon(coords))
    part = polygonal_part(fixed)
    return 0.0 if part is None else part.area


def described_area(geom: BaseGeometry) -> tuple[float, float]:
    """(outlines, holes): the areas the rings of ``geom`` describe, each ring made valid."""
    polygons = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    shells = [shapely.make_valid(Polygon(p.exterior.coords)) for p in polygons]
    shell_parts = [s for s in (polygonal_part(s) for s in shells) if s is not None]
    outline = shapely.union_all(shell_parts).area if shell_parts else 0.0
    holes = sum(_ring_area(r.coords) for p in polygons for r in p.interiors)
    return outline, holes


@dataclass(frozen=True)
class Repair:
    """The outcome for one geometry: ``status`` is ``valid``, ``repaired`` or ``invalid``."""

    geometry: MultiPolygon | None
    status: str
    reason: str = ""


def repair(geom: BaseGeometry) -> Repair:
    """A valid MultiPolygon for a polygonal geometry, repaired with ``make_valid`` only
    when the result is polygonal and keeps the area its rings describe."""
    if geom.is_valid:
        return Repair(polygonal_part(geom), "valid")
    reason = shapely.is_valid_reason(geom)
    fixed = polygonal_part(shapely.make_valid(geom))
    if fixed is None or fixed.area <= 0:
        return Repair(None, "invalid", reason)
    outline, holes = described_area(geom)
    slack = REPAIR_TOLERANCE * max(outline, fixed.area)
    if not (outline - holes - slack <= fixed.area <= outline + slack):
        return Repair(None, "invalid", reason)
    return Repair(fixed, "repaired", reason)


@dataclass(frozen=True)
class Overlap:
    """Geometry ``i`` of the first set overlaps ``j`` of the second by ``area_m2``."""

    i: int
    j: int
    area_m2: float
    share: float  # of the smaller of the two


def _boxes_sharing_area(
    a: np.ndarray, b: np.ndarray, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(a[left], b[right])`` whose bounding boxes share some area."""
    box_a, box_b = shapely.bounds(a[left]), shapely.bounds(b[right])
    width = np.minimum(box_a[:, 2], box_b[:, 2]) - np.maximum(box_a[:, 0], box_b[:, 0])
    height = np.minimum(box_a[:, 3], box_b[:, 3]) - np.maximum(box_a[:, 1], box_b[:, 1])
    keep = (width > 0) & (height > 0)
    return left[keep], right[keep]


def overlaps(
    geoms: gpd.GeoSeries,
    others: gpd.GeoSeries | None = None,
    *,
    min_m2: float = OVERLAP_MIN_M2,
    min_share: float = OVERLAP_MIN_SHARE,
) -> list[Overlap]:
    """Pairs overlapping by more than ``min_m2`` and ``min_share`` of the smaller one
    (EPSG:4490; areas in the Gauss-Kruger zone). Without ``others``, pairs within
    ``geoms`` (each pair once)."""
    a = np.asarray(geoms.values, dtype=object)
    b = a if others is None else np.asarray(others.values, dtype=object)
    a_ok = ~(shapely.is_missing(a) | shapely.is_empty(a))
    b_ok = ~(shapely.is_missing(b) | shapely.is_empty(b))
    if not a_ok.any() or not b_ok.any():
        return []
    b_index = np.flatnonzero(b_ok)
    tree = shapely.STRtree(b[b_ok])
    left, right = tree.query(a[a_ok])  # boxes meeting: the pattern below says the rest
    left = np.flatnonzero(a_ok)[left]
    right = b_index[right]
    if others is None:
        keep = left < right
        left, right = left[keep], right[keep]
    if len(left) == 0:
        return []
    # Boxes meeting along a line only (neighbours sharing a straight edge, say) hold no
    # common area: no need to ask GEOS.
    left, right = _boxes_sharing_area(a, b, left, right)
    if len(left) == 0:
        return []
    inner = shapely.relate_pattern(a[left], b[right], OVERLAP_PATTERN)  # more than touching
    left, right = left[inner], right[inner]
    return [
        Overlap(int(left[p.i]), int(right[p.j]), p.area_m2, p.share)
        for p in measured_overlaps(a[left], b[right], min_m2=min_m2, min_share=min_share)
    ]


def measured_overlaps(
    a: np.ndarray,
    b: np.ndarray,
    *,
    min_m2: float = OVERLAP_MIN_M2,
    min_share: float = OVERLAP_MIN_SHARE,
) -> list[Overlap]:
    """The pairs ``(a[k], b[k])`` (interiors known to meet: :data:`OVERLAP_PATTERN`)
    overlapping by more than ``min_m2`` and ``min_share`` of the smaller one; each
    :class:`Overlap` has ``i == j == k``."""
    if len(a) == 0:
        return []
    common = shapely.intersection(a, b)
    polygonal = np.array([polygonal_part(g) for g in common], dtype=object)
    has_area = np.array([g is not None for g in polygonal])
    if not has_area.any():
        return []
    pairs = np.flatnonzero(has_area)
    polygonal = polygonal[has_area]
    area = planar_areas_m2(gpd.GeoSeries(polygonal, crs=CGCS2000))
    sizes_a = planar_areas_m2(gpd.GeoSeries(a[pairs], crs=CGCS2000))
    sizes_b = planar_areas_m2(gpd.GeoSeries(b[pairs], crs=CGCS2000))
    smaller = np.minimum(sizes_a, sizes_b)
    share = np.divide(area, smaller, out=np.zeros_like(area), where=smaller > 0)
    found = (area > min_m2) & (share > min_share)
    return [
        Overlap(int(k), int(k), float(m2), float(s))
        for k, m2, s in zip(pairs[found], area[found], share[found], strict=True)
    ]
