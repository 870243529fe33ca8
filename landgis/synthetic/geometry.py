"""Geometry of fictional land: laid out in metres in a CGCS2000 Gauss-Kruger zone, then
moved to CGCS2000 geographic coordinates (EPSG:4490, x = longitude) as stored.

Parcels and areas are planned in local metres, rotated and moved into place
(:func:`rotate_and_move`); a county's outline is a circle bent by a few harmonics
(:func:`harmonic_shape`, :func:`polar_ring`); areas and parks get planning margins
(:func:`with_margin`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
import shapely
from numpy.typing import ArrayLike
from pyproj import Transformer

from landgis.geo import CGCS2000

# An area's boundary lies this far beyond its outer parcels, a park's beyond its areas.
AREA_MARGIN_M = 45.0
PARK_MARGIN_M = 120.0


@cache
def transformer(source: str, target: str) -> Transformer:
    """The (x = longitude) transformer from CRS ``source`` to ``target``, made once."""
    return Transformer.from_crs(source, target, always_xy=True)


def xy_to_cgcs2000(xy: np.ndarray, gk_crs: str) -> np.ndarray:
    """Points (n, 2) in metres of ``gk_crs`` as EPSG:4490 longitude, latitude."""
    lon, lat = transformer(gk_crs, CGCS2000).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def xy_to_gk(xy: np.ndarray, gk_crs: str) -> np.ndarray:
    """EPSG:4490 points (n, 2) as metres of ``gk_crs``."""
    x, y = transformer(CGCS2000, gk_crs).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def to_cgcs2000(geom: shapely.Geometry, gk_crs: str) -> shapely.Geometry:
    """A geometry in metres of ``gk_crs``, transformed to EPSG:4490 (x = longitude)."""
    return shapely.transform(geom, lambda xy: xy_to_cgcs2000(xy, gk_crs))


def to_gk(geom: shapely.Geometry, gk_crs: str) -> shapely.Geometry:
    """An EPSG:4490 geometry in metres of ``gk_crs``."""
    return shapely.transform(geom, lambda xy: xy_to_gk(xy, gk_crs))


def rotate_and_move(points: ArrayLike, angle: float, origin: ArrayLike) -> np.ndarray:
    """Local points (metres) turned by ``angle`` degrees about (0, 0), then moved so that
    (0, 0) lands on ``origin``."""
    a = math.radians(angle)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return np.asarray(points, dtype=float) @ rotation.T + np.asarray(origin, dtype=float)


def outline_angles(count: int) -> np.ndarray:
    """``count`` angles (radians) evenly around a circle, starting at 0."""
    return np.linspace(0.0, 2.0 * math.pi, count + 1)[:-1]


def harmonic_shape(
    theta: np.ndarray, harmonics: Sequence[tuple[int, float]], phases: Sequence[float] | np.ndarray
) -> np.ndarray:
    """1 plus a sum of sines: each harmonic (order k, amplitude a) with its phase gives
    ``a·sin(k·θ + phase)``; scales a circle's radius into an irregular outline."""
    shape: np.ndarray | float = 1.0
    for (order, amplitude), phase in zip(harmonics, phases, strict=True):
        shape = shape + amplitude * np.sin(order * theta + phase)
    return np.asarray(shape)


def polar_ring(centre: np.ndarray, radius: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """The points (n, 2) at ``radius`` from ``centre`` in the directions ``theta``."""
    return centre + np.column_stack([radius * np.cos(theta), radius * np.sin(theta)])


def with_margin(geom: shapely.Geometry, metres: float) -> shapely.Geometry:
    """``geom`` (in metres) grown by ``metres``, corners kept sharp (mitred, limit 2)."""
    return geom.buffer(metres, join_style="mitre", mitre_limit=2.0)
