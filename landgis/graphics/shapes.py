"""Shapely polygons as matplotlib paths (each polygon one path, its holes included), to
draw with a collection on a figure's axes: no geopandas plotting, which goes through
pyplot's global state."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely
from matplotlib.path import Path
from shapely.geometry import MultiPolygon, Polygon


def _ring(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    codes[0] = Path.MOVETO
    codes[-1] = Path.CLOSEPOLY
    return coords, codes


def polygon_path(polygon: Polygon) -> Path:
    """One polygon, its exterior and holes, as a path."""
    rings = [polygon.exterior, *polygon.interiors]
    parts = [_ring(np.asarray(ring.coords)[:, :2]) for ring in rings if len(ring.coords) >= 4]
    return Path(np.concatenate([v for v, _ in parts]), np.concatenate([c for _, c in parts]))


def polygon_paths(geometries: Iterable[shapely.Geometry | None]) -> list[Path]:
    """Every polygon of ``geometries`` (polygons or multipolygons; others skipped) as a
    path."""
    paths: list[Path] = []
    for geometry in geometries:
        if geometry is None or geometry.is_empty:
            continue
        if isinstance(geometry, Polygon):
            parts: Iterable[Polygon] = [geometry]
        elif isinstance(geometry, MultiPolygon):
            parts = geometry.geoms
        else:
            continue
        paths.extend(polygon_path(p) for p in parts if not p.is_empty)
    return paths
