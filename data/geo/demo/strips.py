"""Lines and strips in metres of the county's Gauss-Kruger zone (EPSG:4544): a
:class:`Polyline` addressed by the fraction of its length, a :class:`Strip` of parcels
between two lines, and the surveyed look of block edges and corners."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from data.geo.demo.county import GK_CRS
from landgis.synthetic import geometry

Cut = tuple[float, float]  # positions (0..1 of arc length) on a strip's top and bottom lines
PieceKey = tuple[str, int]  # (strip key, piece index)


class Polyline:
    """A line laid out in metres (EPSG:4544), addressed by the fraction ``t`` of its length.

    Its points are interpolated in EPSG:4490 between the transformed vertices: a point on
    the line then lies exactly on the stored edge of every parcel that uses the line (a
    point interpolated in metres is about a millimetre off it once projected).
    """

    def __init__(self, coords: np.ndarray) -> None:
        self.gk = np.asarray(coords, dtype=float)
        self.xy = geometry.xy_to_cgcs2000(self.gk, GK_CRS)
        self.seg = np.hypot(*np.diff(self.gk, axis=0).T)
        self.cum = np.concatenate([[0.0], np.cumsum(self.seg)])
        self.length = float(self.cum[-1])

    def _at(self, coords: np.ndarray, t: float) -> tuple[float, float]:
        if t <= 0.0:
            return float(coords[0, 0]), float(coords[0, 1])
        if t >= 1.0:
            return float(coords[-1, 0]), float(coords[-1, 1])
        s = t * self.length
        i = min(int(np.searchsorted(self.cum, s, side="right")) - 1, len(self.seg) - 1)
        p = coords[i] + (s - self.cum[i]) / self.seg[i] * (coords[i + 1] - coords[i])
        return float(p[0]), float(p[1])

    def point(self, t: float) -> tuple[float, float]:
        """The EPSG:4490 point at fraction ``t`` (the end vertices exactly at 0 and 1)."""
        return self._at(self.xy, t)

    def point_gk(self, t: float) -> tuple[float, float]:
        """The same point in metres (EPSG:4544), for directions."""
        return self._at(self.gk, t)

    def between(self, t0: float, t1: float) -> list[tuple[float, float]]:
        """The EPSG:4490 points from ``t0`` to ``t1``, with the vertices in between."""
        s0, s1 = t0 * self.length, t1 * self.length
        inner = [
            (float(x), float(y))
            for (x, y), s in zip(self.xy[1:-1], self.cum[1:-1], strict=True)
            if s0 < s < s1
        ]
        return [self.point(t0), *inner, self.point(t1)]


@dataclass
class Strip:
    """A row of parcels between two lines (top, bottom), cut across into ``n`` pieces."""

    key: str
    zone_code: str
    road: str  # the road the parcels face, for their address
    odd: bool  # house numbers on this side of the road are odd
    top: Polyline
    bottom: Polyline
    n: int

    def angle(self, t0: float = 0.0, t1: float = 1.0) -> float:
        """Direction (degrees) of the top line between two positions."""
        (x0, y0), (x1, y1) = self.top.point_gk(t0), self.top.point_gk(t1)
        return math.degrees(math.atan2(y1 - y0, x1 - x0))


def wobbly_edge(
    rng: np.random.Generator,
    p0: Sequence[float],
    p1: Sequence[float],
    *,
    wobble: float = 3.0,
    kink: Sequence[float] | None = None,
) -> list[tuple[float, ...]]:
    """A surveyed-looking edge from ``p0`` to ``p1``: one or two slightly offset vertices."""
    if kink is not None:
        return [tuple(p0), tuple(kink), tuple(p1)]
    p0v, p1v = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    d = p1v - p0v
    normal = np.array([-d[1], d[0]]) / np.hypot(*d)
    fractions = np.sort(rng.uniform(0.25, 0.75, size=int(rng.integers(1, 3))))
    mids = [p0v + f * d + normal * rng.uniform(-wobble, wobble) for f in fractions]
    return [tuple(p0v), *(tuple(m) for m in mids), tuple(p1v)]


def corners(
    rng: np.random.Generator, points: dict[str, Sequence[float]], scale: float = 4.0
) -> dict[str, tuple[float, float]]:
    """Jitter block corners by up to ``scale`` metres (road widths then vary a little)."""
    return {
        k: (p[0] + rng.uniform(-scale, scale), p[1] + rng.uniform(-scale, scale))
        for k, p in points.items()
    }


def to_cgcs2000(geom: shapely.Geometry) -> shapely.Geometry:
    """A geometry in EPSG:4544 metres, transformed to EPSG:4490 (x = longitude)."""
    return geometry.to_cgcs2000(geom, GK_CRS)


def to_gk(geom: shapely.Geometry) -> shapely.Geometry:
    """An EPSG:4490 geometry in EPSG:4544 metres."""
    return geometry.to_gk(geom, GK_CRS)
