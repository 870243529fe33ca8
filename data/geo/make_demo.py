"""Generate the demo county of landgis: a fictional industrial park, "one park, three areas".

青溪县 is a fictional county in the Sichuan basin. Its industrial park, 青溪经济开发区
(一园三区), lies around 104.80°E, 30.10°N, in the CGCS2000 3-degree Gauss-Kruger zone with
central meridian 105°E (EPSG:4544); the whole county lies within 0.5° of that meridian.
The park has three areas, a few kilometres apart:

* 产城新区 (QX-KFQ-CC): a street grid east of the county seat (城关镇);
* 临江工业区 (QX-KFQ-LJ): blocks bent along the 青溪河 river, crossed by the 白沙渠 canal;
* 白鹤工业区 (QX-KFQ-BH): irregular blocks along 白鹤大道 and a slanting road.

Blocks are separated by roads (not stored) and cut into parcels by slightly slanted lines;
a few parcels have holes (a substation, a pond) and a few have two parts on either side of
a road or the canal. Shapes are built in metres in EPSG:4544 and transformed to CGCS2000
geographic coordinates (EPSG:4490, x = longitude); every area (parcels, factory footprints)
is then computed with ``landgis.geo.planar_areas_m2`` from the EPSG:4490 geometries exactly
as they are written.

The ledger (台账) reproduces a county report: 13 cases (宗) and 539 亩 of idle and
low-efficiency land, of which 120 亩 were revitalized between January and August 2023 by
buyback (依法回购), judicial auction (司法拍卖) and lease with conversion (租赁转产). Case
parcels are cut so that their computed areas hit chosen figures in 亩. Each case carries
its dated history (处置记录); replaying the events rebuilds the case.

All names (county, park, areas, roads, companies, staff) and all numbers are fictional.

Usage: ``python data/geo/make_demo.py [--out DIR]`` (default: this file's folder). The
output is deterministic: two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from landgis.credit_code import check_character, is_valid  # noqa: E402
from landgis.exchange import (  # noqa: E402
    BUILDING_FIELDS,
    CASE_FIELDS,
    EVENT_FIELDS,
    PARCEL_FIELDS,
    ZONE_FIELDS,
)
from landgis.geo import CGCS2000, gk_zone_epsg, planar_areas_m2, to_multipolygon  # noqa: E402
from landgis.units import m2_to_mu, mu_to_m2  # noqa: E402
from landgis.workflow import MAIN_LINE  # noqa: E402

SEED = 20230831
GDAL_DATE = "2023-09-01T00:00:00Z"  # fixed GeoPackage timestamps, for byte-stable output

COUNTY_CODE = "519901"  # fictional administrative division code
COUNTY_NAME = "青溪县"
PARK_CODE = "QX-KFQ"
PARK_NAME = "青溪经济开发区"
PARK_LON = 104.80
GK_EPSG = gk_zone_epsg(PARK_LON)  # 4544: CGCS2000 3-degree GK zone, central meridian 105°E
GK_CRS = f"EPSG:{GK_EPSG}"
_TO_CGCS2000 = Transformer.from_crs(GK_CRS, CGCS2000, always_xy=True)
_TO_GK = Transformer.from_crs(CGCS2000, GK_CRS, always_xy=True)

AREAS = {  # area code -> (name, town, cadastral district code)
    "QX-KFQ-CC": ("产城新区", "城关镇", "001003"),
    "QX-KFQ-LJ": ("临江工业区", "临江镇", "004002"),
    "QX-KFQ-BH": ("白鹤工业区", "白鹤镇", "007001"),
}

TOTAL_MU = 539.0
REVITALIZED_MU = 120.0
AS_OF = "2023-08-31"
CAMPAIGN_DEADLINE = "2023-12-31"  # the campaign's default completion deadline


Cut = tuple[float, float]  # positions (0..1 of arc length) on a strip's top and bottom lines
PieceKey = tuple[str, int]  # (strip key, piece index)


# --------------------------------------------------------------------------- geometry


class Polyline:
    """A line laid out in metres (EPSG:4544), addressed by the fraction ``t`` of its length.

    Its points are interpolated in EPSG:4490 between the transformed vertices: a point on
    the line then lies exactly on the stored edge of every parcel that uses the line (a
    point interpolated in metres is about a millimetre off it once projected).
    """

    def __init__(self, coords: np.ndarray) -> None:
        self.gk = np.asarray(coords, dtype=float)
        self.xy = np.column_stack(_TO_CGCS2000.transform(self.gk[:, 0], self.gk[:, 1]))
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


def to_local_frame(
    points: Sequence[Sequence[float]], origin: Sequence[float], angle: float
) -> np.ndarray:
    """Rotate local points (metres) by ``angle`` degrees and move them to ``origin``."""
    a = math.radians(angle)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return np.asarray(points, dtype=float) @ rotation.T + np.asarray(origin, dtype=float)


def wobbly_edge(
    rng: np.random.Generator,
    p0: Sequence[float],
    p1: Sequence[float],
    *,
    wobble: float = 3.0,
    kink: Sequence[float] | None = None,
) -> list[tuple[float, float]]:
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

    def transform(xy: np.ndarray) -> np.ndarray:
        x, y = _TO_CGCS2000.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, transform)


def to_gk(geom: shapely.Geometry) -> shapely.Geometry:
    """An EPSG:4490 geometry in EPSG:4544 metres."""

    def transform(xy: np.ndarray) -> np.ndarray:
        x, y = _TO_GK.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, transform)


def computed_area_m2(geom: shapely.Geometry) -> float:
    """The stored area of an EPSG:4490 geometry (``landgis.geo.planar_areas_m2``)."""
    return float(planar_areas_m2(gpd.GeoSeries([geom], crs=CGCS2000))[0])


def bisect(f: Callable[[float], float], lo: float, hi: float, iterations: int = 64) -> float:
    """A root of the increasing function ``f`` in [lo, hi]."""
    f_lo, f_hi = f(lo), f(hi)
    if not f_lo < 0.0 < f_hi:
        raise ValueError(f"no root between {lo} and {hi}: {f_lo:.1f}, {f_hi:.1f}")
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        if f_mid < 0.0:
            lo, f_lo = mid, f_mid
        else:
            hi, f_hi = mid, f_mid
    return lo if abs(f_lo) <= abs(f_hi) else hi


# --------------------------------------------------------------------------- layout

A_ORIGIN, A_ANGLE = (481_300.0, 3_332_650.0), 8.0
B_CENTER, B_PHI0, B_R_REF = (483_600.0, 3_331_250.0), -100.0, 1780.0
B_ROADS = ((0.0, 0.0), (700.0, 30.0), (1380.0, 20.0), (2050.0, 0.0))  # (position, width)
C_ORIGIN, C_ANGLE = (476_200.0, 3_330_250.0), -12.0


def area_cc_strips(rng: np.random.Generator) -> list[Strip]:
    """产城新区: a grid of blocks; the first row split back to back, corners cut by 青峰大道."""
    strips: list[Strip] = []
    columns = ((0.0, 600.0), (632.0, 1250.0), (1282.0, 1880.0))
    pieces_south, pieces_north, pieces_row2 = (3, 4, 3), (3, 3, 4), (5, 4, 4)

    def line(points: list[tuple[float, float]]) -> Polyline:
        return Polyline(to_local_frame(points, A_ORIGIN, A_ANGLE))

    for c, (x0, x1) in enumerate(columns, start=1):
        k = corners(
            rng,
            {
                "sw": (x0 + (70.0 if c == 1 else 0.0), 0.0),
                "se": (x1, 0.0),
                "mw": (x0, 163.0),
                "me": (x1, 163.0),
                "nw": (x0, 330.0),
                "ne": (x1, 330.0),
            },
        )
        bottom = line(wobbly_edge(rng, k["sw"], k["se"]))
        middle = line(wobbly_edge(rng, k["mw"], k["me"], wobble=2.0))
        top = line(wobbly_edge(rng, k["nw"], k["ne"]))
        south, north = pieces_south[c - 1], pieces_north[c - 1]
        strips.append(Strip(f"A-r1c{c}-s", "QX-KFQ-CC", "纬一路", False, middle, bottom, south))
        strips.append(Strip(f"A-r1c{c}-n", "QX-KFQ-CC", "纬二路", True, top, middle, north))
    for c, (x0, x1) in enumerate(columns, start=1):
        k = corners(
            rng,
            {
                "sw": (x0, 362.0),
                "se": (x1, 362.0),
                "nw": (x0, 612.0),
                "ne": (x1 - (120.0 if c == 3 else 0.0), 612.0),
            },
        )
        kink = (0.5 * (x0 + x1), 628.0) if c == 2 else None
        top = line(wobbly_edge(rng, k["nw"], k["ne"], kink=kink))
        bottom = line(wobbly_edge(rng, k["sw"], k["se"]))
        strips.append(
            Strip(f"A-r2c{c}", "QX-KFQ-CC", "纬三路", True, top, bottom, pieces_row2[c - 1])
        )
    return strips


def river_arc(rng: np.random.Generator, radius: float, block: int) -> Polyline:
    """The arc at ``radius`` around the river bend across one block, vertices every ~40 m."""
    (s0, w0), (s1, w1) = B_ROADS[block - 1], B_ROADS[block]
    phi0 = math.radians(B_PHI0) + s0 / B_R_REF + 0.5 * w0 / radius
    phi1 = math.radians(B_PHI0) + s1 / B_R_REF - 0.5 * w1 / radius
    n = max(3, math.ceil(radius * (phi1 - phi0) / 40.0) + 1)
    phis = np.linspace(phi0, phi1, n)
    radii = radius + np.concatenate([[0.0], rng.uniform(-1.5, 1.5, n - 2), [0.0]])
    xy = np.column_stack([radii * np.cos(phis), radii * np.sin(phis)]) + np.asarray(B_CENTER)
    return Polyline(xy)


def area_lj_strips(rng: np.random.Generator) -> list[Strip]:
    """临江工业区: three blocks bent along the river, split by 兴业路 and the 白沙渠 canal.

    Each block has a row facing the river road and, across 临江大道, two rows back to back.
    """
    strips: list[Strip] = []
    for block in range(1, len(B_ROADS)):
        river_row = Strip(
            f"B-1-{block}",
            "QX-KFQ-LJ",
            "滨江路",
            False,
            river_arc(rng, 1730.0, block),
            river_arc(rng, 1470.0, block),
            5,
        )
        middle = river_arc(rng, 1930.0, block)
        inner = Strip(
            f"B-2i-{block}", "QX-KFQ-LJ", "临江大道", True, middle, river_arc(rng, 1762.0, block), 3
        )
        outer = Strip(
            f"B-2o-{block}", "QX-KFQ-LJ", "兴盛路", False, river_arc(rng, 2100.0, block), middle, 3
        )
        strips += [river_row, inner, outer]
    return strips


def area_bh_strips(rng: np.random.Generator) -> list[Strip]:
    """白鹤工业区: irregular blocks (trapezoids, a bevelled pentagon) along a slanting road."""
    blocks = {  # key: (road, odd, pieces, bottom line, top line)
        "C1": ("白鹤大道", True, 4, [(0, 0), (540, 0)], [(0, 298), (490, 298)]),
        "C2-s": ("白鹤大道", True, 3, [(572, 0), (1150, 0)], [(547, 150), (1150, 150)]),
        "C2-n": ("鹤鸣路", False, 3, None, [(522, 300), (900, 300), (1150, 250)]),
        "C6-s": ("白鹤大道", True, 3, [(1182, 0), (1650, -20)], [(1182, 150), (1650, 138)]),
        "C6-n": ("鹤鸣路", False, 3, None, [(1182, 300), (1650, 292)]),
        "C3": ("鹤鸣路", True, 4, [(0, 330), (485, 330)], [(0, 560), (446, 560)]),
        "C4": ("鹤鸣路", True, 4, [(517, 332), (1100, 332)], [(478, 545), (1100, 545)]),
        "C5": (
            "鹤鸣路",
            True,
            4,
            [(1132, 332), (1650, 332)],
            [(1132, 545), (1400, 560), (1600, 520)],
        ),
    }
    strips: list[Strip] = []
    for key, (road, odd, n, bottom_pts, top_pts) in blocks.items():
        if bottom_pts is None:
            bottom = strips[-1].top  # back to back with the strip below: shared line
        else:
            b0, b1 = corners(rng, {"0": bottom_pts[0], "1": bottom_pts[1]}).values()
            bottom = Polyline(to_local_frame(wobbly_edge(rng, b0, b1), C_ORIGIN, C_ANGLE))
        if len(top_pts) == 3:
            ends = corners(rng, {"0": top_pts[0], "1": top_pts[2]})
            top_line = wobbly_edge(rng, ends["0"], ends["1"], kink=top_pts[1])
        else:
            ends = corners(rng, {"0": top_pts[0], "1": top_pts[1]})
            top_line = wobbly_edge(rng, ends["0"], ends["1"])
        top = Polyline(to_local_frame(top_line, C_ORIGIN, C_ANGLE))
        strips.append(Strip(key, "QX-KFQ-BH", road, odd, top, bottom, n))
    return strips


# Parcels made of two pieces: the last piece of the first strip and the first of the second,
# on either side of a road or the canal.
MERGES = (("A-r2c1", "A-r2c2"), ("B-1-1", "B-1-2"), ("B-2o-2", "B-2o-3"), ("C1", "C2-s"))
HOLES = {("A-r1c3-n", 2): "substation", ("B-2i-3", 1): "substation", ("C5", 2): "pond"}


@dataclass
class ParcelPlan:
    """One parcel to cut: its pieces, its case (index into CASES) and an excluded hole."""

    zone_code: str
    pieces: list[PieceKey]
    case: int | None = None
    hole: str | None = None
    hole_shape: np.ndarray | None = None
    weight: float = 1.0


def plan_parcels(strips: list[Strip], rng: np.random.Generator) -> list[ParcelPlan]:
    """Group pieces into parcels, attach cases and holes, draw relative sizes."""
    n_pieces = {s.key: s.n for s in strips}
    second_of = {(b, 0): (a, n_pieces[a] - 1) for a, b in MERGES}
    plans: list[ParcelPlan] = []
    by_piece: dict[PieceKey, ParcelPlan] = {}
    for strip in strips:
        for j in range(strip.n):
            key = (strip.key, j)
            if key in second_of:
                plan = by_piece[second_of[key]]
                plan.pieces.append(key)
            else:
                plan = ParcelPlan(strip.zone_code, [key], weight=float(rng.uniform(0.45, 1.8)))
                plans.append(plan)
            by_piece[key] = plan
    for index, spec in enumerate(CASES):
        by_piece[spec.piece].case = index
        if spec.hole:
            by_piece[spec.piece].hole = spec.hole
    for key, kind in HOLES.items():
        by_piece[key].hole = kind
    for plan in plans:
        if plan.hole:
            plan.hole_shape = hole_shape(plan.hole, rng)
        last_strip, last_j = plan.pieces[-1]
        if plan.case is not None and last_j == n_pieces[last_strip] - 1:
            raise ValueError(f"case parcel {plan.pieces} ends a strip: its area cannot be set")
    return plans


def hole_shape(kind: str, rng: np.random.Generator) -> np.ndarray:
    """An excluded area around (0, 0): a substation yard or an irregular pond."""
    if kind == "substation":
        w, d = rng.uniform(42.0, 50.0), rng.uniform(32.0, 40.0)
        return np.array([(-w / 2, -d / 2), (w / 2, -d / 2), (w / 2, d / 2), (-w / 2, d / 2)])
    angles = np.linspace(0.0, 2.0 * math.pi, 11)[:-1] + rng.uniform(-0.15, 0.15, 10)
    radii = rng.uniform(17.0, 27.0, 10)
    return np.column_stack([radii * np.cos(angles) * 1.3, radii * np.sin(angles)])


def piece_polygon(strip: Strip, c0: Cut, c1: Cut, hole: np.ndarray | None) -> Polygon:
    """The EPSG:4490 piece of ``strip`` between two cuts, with its hole at its centroid."""
    ring = strip.top.between(c0[0], c1[0]) + strip.bottom.between(c0[1], c1[1])[::-1]
    shell = Polygon(ring)
    if hole is None:
        return orient(shell)
    centre = to_gk(shell).centroid
    placed = affinity.rotate(Polygon(hole), strip.angle(c0[0], c1[0]), origin=(0, 0))
    placed = to_cgcs2000(affinity.translate(placed, centre.x, centre.y))
    return orient(Polygon(shell.exterior.coords, [placed.exterior.coords]))


class Cutter:
    """Cuts every strip into pieces; case parcels hit their target area exactly."""

    def __init__(self, strips: list[Strip], plans: list[ParcelPlan], rng: np.random.Generator):
        self.strips = {s.key: s for s in strips}
        self.order = [s.key for s in strips]
        self.plan_of = {key: plan for plan in plans for key in plan.pieces}
        self.cuts: dict[str, list[Cut | None]] = {
            s.key: [(0.0, 0.0), *([None] * (s.n - 1)), (1.0, 1.0)] for s in strips
        }
        self.slants = {s.key: rng.uniform(-0.009, 0.009, s.n + 1) for s in strips}
        self.desired: dict[PieceKey, float] = {}

    def piece(self, key: PieceKey) -> Polygon:
        strip_key, j = key
        cuts = self.cuts[strip_key]
        plan = self.plan_of[key]
        hole = plan.hole_shape if key == plan.pieces[-1] else None
        return piece_polygon(self.strips[strip_key], cuts[j], cuts[j + 1], hole)

    def parcel(self, plan: ParcelPlan) -> MultiPolygon:
        return MultiPolygon([self.piece(key) for key in plan.pieces])

    def strip_area(self, strip: Strip) -> float:
        return to_gk(piece_polygon(strip, (0.0, 0.0), (1.0, 1.0), None)).area

    def plan_sizes(self) -> None:
        """Desired piece areas (m²): case targets, the rest of each strip shared by weight."""
        for key in self.order:
            strip = self.strips[key]
            fixed: dict[int, float] = {}
            for j in range(strip.n):
                plan = self.plan_of[(key, j)]
                if plan.case is not None and (key, j) == plan.pieces[-1]:
                    earlier = sum(self.desired[p] for p in plan.pieces[:-1])
                    fixed[j] = mu_to_m2(CASES[plan.case].target_mu) - earlier
            free = [j for j in range(strip.n) if j not in fixed]
            weights = {j: self.weight((key, j)) for j in free}
            rest = self.strip_area(strip) - sum(fixed.values())
            for j in range(strip.n):
                share = rest * weights[j] / sum(weights.values()) if j in weights else fixed[j]
                self.desired[(key, j)] = share

    def weight(self, key: PieceKey) -> float:
        plan = self.plan_of[key]
        return plan.weight * (0.55 if len(plan.pieces) > 1 else 1.0)

    def set_cut(self, strip_key: str, j: int, u: float) -> None:
        slant = float(self.slants[strip_key][j])
        self.cuts[strip_key][j] = (u + slant, u - slant)

    def solve(self) -> None:
        """Place the cuts strip by strip, left to right, by bisection on the area."""
        self.plan_sizes()
        for key in self.order:
            for j in range(self.strips[key].n - 1):
                self.solve_cut(key, j)

    def solve_cut(self, key: str, j: int) -> None:
        plan = self.plan_of[(key, j)]
        previous = self.cuts[key][j]
        lo, hi = 0.5 * (previous[0] + previous[1]) + 0.03, 0.97
        if plan.case is not None and (key, j) == plan.pieces[-1]:
            target = mu_to_m2(CASES[plan.case].target_mu)

            def error(u: float) -> float:
                self.set_cut(key, j + 1, u)
                return computed_area_m2(self.parcel(plan)) - target
        else:
            desired = self.desired[(key, j)]

            def error(u: float) -> float:
                self.set_cut(key, j + 1, u)
                return to_gk(self.piece((key, j))).area - desired

        self.set_cut(key, j + 1, bisect(error, lo, hi))


# --------------------------------------------------------------------------- zones


def area_boundaries(strips: list[Strip]) -> dict[str, Polygon]:
    """Each area's planning boundary: its blocks and roads, 45 m beyond the outer parcels."""
    pieces: dict[str, list[Polygon]] = defaultdict(list)
    for strip in strips:
        pieces[strip.zone_code].append(to_gk(piece_polygon(strip, (0.0, 0.0), (1.0, 1.0), None)))
    return {
        code: orient(
            unary_union(polys).buffer(45.0, join_style="mitre", mitre_limit=2.0).simplify(2.0)
        )
        for code, polys in pieces.items()
    }


def park_boundary(areas: dict[str, Polygon]) -> MultiPolygon:
    """The park: its three areas, each within a 120 m planning margin."""
    parts = [
        a.buffer(120.0, join_style="mitre", mitre_limit=2.0).simplify(5.0) for a in areas.values()
    ]
    return MultiPolygon([orient(p) for p in parts])


def county_boundary(rng: np.random.Generator) -> Polygon:
    """An irregular county outline, about 40 km across, around the park."""
    centre = np.array([480_500.0, 3_330_000.0])
    theta = np.linspace(0.0, 2.0 * math.pi, 241)[:-1]
    phases = rng.uniform(0.0, 2.0 * math.pi, 4)
    shape = (
        1.0
        + 0.12 * np.sin(2 * theta + phases[0])
        + 0.07 * np.sin(3 * theta + phases[1])
        + 0.04 * np.sin(5 * theta + phases[2])
        + 0.02 * np.sin(9 * theta + phases[3])
    )
    noise = np.convolve(rng.normal(0.0, 0.012, theta.size + 4), np.ones(5) / 5, mode="valid")
    radius = 19_000.0 * (shape + noise)
    xy = centre + np.column_stack([radius * np.cos(theta), radius * np.sin(theta)])
    return orient(Polygon(xy))


def zones_frame(county: Polygon, park: MultiPolygon, areas: dict[str, Polygon]) -> gpd.GeoDataFrame:
    """The zones layer: the county, the park and its three areas."""
    rows = [
        (COUNTY_CODE, COUNTY_NAME, "county", None, county),
        (PARK_CODE, PARK_NAME, "park", COUNTY_CODE, park),
    ]
    rows += [(code, AREAS[code][0], "area", PARK_CODE, geom) for code, geom in areas.items()]
    geoms = [to_multipolygon(to_cgcs2000(g)) for *_, g in rows]
    data = pd.DataFrame([r[:4] for r in rows], columns=list(ZONE_FIELDS))
    return gpd.GeoDataFrame(data, geometry=geoms, crs=CGCS2000)


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Land:
    """The land-supply history of a case parcel (ISO dates)."""

    contract: str
    agreed_start: str
    actual_start: str | None = None
    actual_completion: str | None = None


@dataclass(frozen=True)
class CaseSpec:
    """One ledger case: where, why, how far it got by 31 August 2023, and when."""

    piece: PieceKey
    target_mu: float
    category: str
    cause: str
    cause_detail: str
    status: str
    # dates of: open, investigating, identified, planned, disposing, revitalized, closed
    dates: tuple[str, ...]
    land: Land
    industry: int
    tax_per_mu: float
    remarks: str
    route: str | None = None
    deadline: str = CAMPAIGN_DEADLINE
    unit: str | None = None
    initial_cause: tuple[str, str] | None = None
    partial: bool = False  # revitalized in part: the rest of the 120 亩
    new_holder: str | None = None
    new_project: str | None = None
    buildings: tuple[str, ...] = ()  # final states of the factory buildings on the parcel
    hole: str | None = None
    edits: tuple[tuple[str, tuple[str, ...], str], ...] = ()  # (date, fields, note)


STEPS = MAIN_LINE  # the workflow's main line, suspected … closed
NATURAL_RESOURCES, PARK_COMMITTEE, COURT = "县自然资源局", "园区管委会", "县人民法院"

CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        piece=("A-r1c1-s", 0),
        target_mu=27.6,
        category="idle",
        cause="government",
        cause_detail="土地未按期交付：征地拆迁遗留问题未解决，未达到净地交付条件",
        initial_cause=("enterprise", "企业未按约定日期动工"),
        status="revitalized",
        route="buyback",
        deadline="2023-09-30",
        unit=NATURAL_RESOURCES,
        dates=("2023-01-06", "2023-01-16", "2023-02-20", "2023-03-15", "2023-03-28", "2023-05-18"),
        land=Land("2019-06-18", "2020-03-01"),
        industry=5,
        tax_per_mu=0.0,
        new_holder="四川蜀锐新能源科技有限公司",
        new_project="年产2GWh储能电池模组项目",
        remarks="政府原因闲置，依法回购后由县土地储备中心收储并重新供应",
    ),
    CaseSpec(
        piece=("B-1-1", 1),
        target_mu=34.4,
        category="idle",
        cause="judicial_seizure",
        cause_detail="原用地企业涉民间借贷纠纷，土地使用权及在建厂房被县人民法院查封",
        initial_cause=("judicial_seizure", "原用地企业涉债务纠纷"),
        status="revitalized",
        route="judicial_auction",
        unit=COURT,
        dates=("2023-01-06", "2023-01-18", "2023-02-22", "2023-03-20", "2023-04-06", "2023-06-16"),
        land=Land("2018-04-12", "2018-10-01", "2019-03-15"),
        industry=2,
        tax_per_mu=0.0,
        new_holder="四川溪谷食品有限公司",
        new_project="年产3万吨川式复合调味料项目",
        buildings=("revitalized", "revitalized"),
        remarks="经县人民法院司法拍卖成交，买受人已办理不动产转移登记并复工建设",
        edits=(("2023-02-03", ("cause_detail",), "补充司法查封情况"),),
    ),
    CaseSpec(
        piece=("B-2i-2", 0),
        target_mu=19.7,
        category="low_efficiency",
        cause="business_failure",
        cause_detail="企业2020年起停产，厂房闲置",
        status="revitalized",
        route="lease_conversion",
        deadline="2023-09-30",
        unit=PARK_COMMITTEE,
        dates=("2023-01-09", "2023-01-19", "2023-02-24", "2023-03-22", "2023-04-03", "2023-05-08"),
        land=Land("2011-05-20", "2011-10-01", "2011-11-08", "2013-04-26"),
        industry=9,
        tax_per_mu=3_200.0,
        new_holder="四川启辰智能装备有限公司",
        new_project="智能仓储物流装备生产线项目",
        buildings=("revitalized", "revitalized", "revitalized"),
        remarks="闲置厂房整体租赁给新企业转产，租期10年",
    ),
    CaseSpec(
        piece=("C2-s", 1),
        target_mu=18.3,
        category="idle",
        cause="government",
        cause_detail="规划调整：白鹤大道线位调整，原规划条件无法实施",
        status="closed",
        route="buyback",
        deadline="2023-09-30",
        unit=NATURAL_RESOURCES,
        dates=(
            "2023-01-06",
            "2023-01-13",
            "2023-02-10",
            "2023-03-02",
            "2023-03-10",
            "2023-04-21",
            "2023-08-15",
        ),
        land=Land("2018-09-26", "2019-05-01"),
        industry=0,
        tax_per_mu=0.0,
        new_holder="青溪县产业投资发展有限公司",
        new_project="白鹤工业区标准化厂房（二期）项目",
        remarks="回购款已支付，原土地使用权已注销登记，经验收销号",
    ),
    CaseSpec(
        piece=("B-1-3", 2),
        target_mu=55.0,
        category="low_efficiency",
        cause="judicial_seizure",
        cause_detail="企业破产清算，土地及厂房被县人民法院查封",
        status="disposing",
        route="judicial_auction",
        unit=COURT,
        partial=True,
        dates=("2023-01-10", "2023-01-30", "2023-03-03", "2023-03-29", "2023-04-12", "2023-07-12"),
        land=Land("2014-07-08", "2015-01-01", "2015-02-10", "2016-09-28"),
        industry=1,
        tax_per_mu=0.0,
        new_holder="四川鼎新包装科技有限公司",
        new_project="年产1.2亿个环保纸制品包装项目",
        buildings=("revitalized", "revitalized", "idle", "idle"),
        remarks="分宗拍卖：第一批20亩及2栋厂房于7月成交；剩余部分首次拍卖流拍，拟9月再次挂拍",
    ),
    CaseSpec(
        piece=("A-r2c2", 0),
        target_mu=62.4,
        category="low_efficiency",
        cause="business_failure",
        cause_detail="企业经营困难，主要生产线停产",
        status="planned",
        route="lease_conversion",
        deadline="2024-06-30",
        unit=PARK_COMMITTEE,
        dates=("2023-01-11", "2023-02-02", "2023-03-10", "2023-04-18"),
        land=Land("2010-03-15", "2010-09-01", "2010-09-20", "2012-05-30"),
        industry=6,
        tax_per_mu=8_600.0,
        buildings=("idle", "idle", "in_use"),
        remarks="宗地跨经二路两侧；拟引进企业租赁闲置厂房转产，正在洽谈",
        edits=(("2023-02-20", ("idle_area_m2",), "经实测，更正低效用地面积"),),
    ),
    CaseSpec(
        piece=("A-r1c2-n", 1),
        target_mu=47.8,
        category="idle",
        cause="enterprise",
        cause_detail="企业资金链紧张，未按约定日期动工",
        status="disposing",
        route="idle_fee",
        deadline="2023-06-30",
        unit=NATURAL_RESOURCES,
        dates=("2023-01-12", "2023-01-31", "2023-02-28", "2023-03-24", "2023-04-10"),
        land=Land("2019-03-22", "2019-12-01"),
        industry=3,
        tax_per_mu=0.0,
        remarks="已下达征缴土地闲置费决定书，企业逾期未缴纳，拟申请法院强制执行",
        edits=(("2023-07-05", (), "企业逾期未缴纳土地闲置费"),),
    ),
    CaseSpec(
        piece=("C3", 0),
        target_mu=33.5,
        category="idle",
        cause="government",
        cause_detail="规划调整：园区控制性详细规划修编，用地条件变更",
        status="planned",
        route="use_change",
        deadline="2024-03-31",
        unit=NATURAL_RESOURCES,
        dates=("2023-01-16", "2023-02-08", "2023-03-16", "2023-05-11"),
        land=Land("2020-01-10", "2020-09-01"),
        industry=7,
        tax_per_mu=0.0,
        remarks="拟按修编后的规划调整规划条件，重新约定动工期限",
    ),
    CaseSpec(
        piece=("B-2o-1", 0),
        target_mu=71.2,
        category="low_efficiency",
        cause="enterprise",
        cause_detail="容积率和亩均税收低于园区准入标准",
        status="identified",
        dates=("2023-01-17", "2023-02-14", "2023-04-12"),
        land=Land("2012-08-06", "2013-03-01", "2013-03-18", "2014-10-30"),
        industry=10,
        tax_per_mu=18_500.0,
        buildings=("in_use", "idle"),
        remarks="企业有意追加投资建设新厂房，待提交方案",
        edits=(("2023-03-06", ("idle_building_area_m2",), "现场核查：1栋厂房闲置"),),
    ),
    CaseSpec(
        piece=("A-r1c3-s", 0),
        target_mu=24.9,
        category="idle",
        cause="enterprise",
        cause_detail="企业投资计划调整，未按约定日期动工",
        status="investigating",
        dates=("2023-02-03", "2023-03-01"),
        land=Land("2020-08-14", "2021-03-01"),
        industry=11,
        tax_per_mu=0.0,
        hole="pond",
        remarks="宗地内坑塘不计入宗地面积；正在核实动工情况",
        edits=(("2023-06-20", ("idle_area_m2",), "经实测，更正闲置面积（扣除坑塘）"),),
    ),
    CaseSpec(
        piece=("C4", 1),
        target_mu=58.3,
        category="low_efficiency",
        cause="business_failure",
        cause_detail="企业停产半停产",
        status="suspected",
        dates=("2023-07-18",),
        land=Land("2009-04-28", "2009-10-01", "2009-10-12", "2011-06-20"),
        industry=4,
        tax_per_mu=5_400.0,
        buildings=("idle", "idle"),
        remarks="7月巡查发现，已发函要求企业说明停产情况",
        edits=(("2023-08-09", (), "已发函要求企业说明情况"),),
    ),
    CaseSpec(
        piece=("C6-n", 0),
        target_mu=41.6,
        category="idle",
        cause="force_majeure",
        cause_detail="2020年8月特大洪涝灾害致场地受损，需重新平整",
        initial_cause=("enterprise", "企业未按约定日期动工"),
        status="identified",
        dates=("2023-01-19", "2023-02-16", "2023-04-20"),
        land=Land("2019-11-05", "2020-06-01"),
        industry=8,
        tax_per_mu=0.0,
        remarks="不可抗力导致闲置，动工期限按规定顺延",
    ),
    CaseSpec(
        piece=("A-r2c3", 1),
        target_mu=44.3,
        category="low_efficiency",
        cause="business_failure",
        cause_detail="企业长期亏损停产",
        status="disposing",
        route="merger",
        unit="县经济和信息化局",
        dates=("2023-01-20", "2023-02-21", "2023-03-23", "2023-04-26", "2023-06-02"),
        land=Land("2013-06-17", "2013-12-01", "2013-12-20", "2015-08-15"),
        industry=12,
        tax_per_mu=2_100.0,
        buildings=("idle", "idle", "idle"),
        remarks="意向企业拟兼并重组，正在开展尽职调查",
    ),
)
FULLY_REVITALIZED = ("revitalized", "closed")
CASE_NOS = [f"QX-XZ-2023-{i:03d}" for i in range(1, len(CASES) + 1)]
ACTORS = ("zhangwei", "liting", "chenjie", "liuyang")
APPROVER = "wangfang"  # section chief: determinations, plans, close-out

# --------------------------------------------------------------------------- names

BRANDS_TEXT = (  # two-character trade names, split by spaces
    "恒达 瑞丰 宏泰 金鼎 鑫源 蜀兴 嘉禾 华晟 锦程 永盛 佳泰 众合 汇通 腾跃 "
    "鸿运 德润 正昌 安信 博远 启航 昊天 泓宇 凯越 丰源 盛达 源泰 星辰 卓峰 "
    "青峰 溪源 同创 裕丰 宏图 福瑞 祥和 明达 远航 巨能 科瑞 和信 骏达 龙腾 "
    "蜀光 川源 金穗 润泽 宏远 东升 天宇 鑫达 华鹏 荣昌 益丰 中鼎 富源 鼎盛 "
    "泰和 新宇 长丰 兴华 旭日 万通 金桥 信达 恒昌 鹏程 合力 顺达 宏达 联创 "
    "蓉鑫 川鹤 瑞祥 嘉诚 华骏 众诚 天晟 隆昌 盈丰 锦华 鑫旺 德信 聚力 宏昇 "
    "博瑞 川谷 兴隆 恒通 金盛 永和 凯瑞 百川 云帆 峰华 晟达 润丰 盛鑫 华兴 "
    "鼎力 福源 金川 瑞达 耀华 宇恒 丰泽 科源 宏伟"
)
INDUSTRIES = (  # (company words, project template, quantity range)
    ("机械制造", "年产{q}台（套）农业机械生产项目", (800, 6000)),
    ("新材料科技", "年产{q}吨高性能复合材料项目", (2000, 20000)),
    ("食品", "年产{q}吨川式调味品生产项目", (5000, 50000)),
    ("电子科技", "年产{q}万平方米印制电路板项目", (20, 200)),
    ("包装材料", "年产{q}万平方米纸制品包装项目", (500, 5000)),
    ("新能源科技", "年产{q}万套光伏支架项目", (5, 50)),
    ("汽车零部件", "年产{q}万套汽车零部件项目", (10, 120)),
    ("生物科技", "年产{q}吨生物饲料项目", (5000, 80000)),
    ("建材", "年产{q}万立方米新型墙体材料项目", (10, 60)),
    ("家具", "年产{q}万件板式家具项目", (5, 50)),
    ("纺织", "年产{q}万米功能性面料项目", (300, 3000)),
    ("塑业", "年产{q}吨塑料管材项目", (3000, 30000)),
    ("金属制品", "年产{q}万吨钢结构件项目", (1, 10)),
    ("药业", "年产{q}吨中药饮片及提取物项目", (500, 5000)),
    ("酒业", "年产{q}千升白酒酿造项目", (1000, 10000)),
    ("物流", "{brand}物流仓储中心项目", None),
)
ALLOCATED = {  # piece -> (holder, credit code prefix, project, building names)
    ("B-1-3", 0): (
        "青溪县水务投资有限责任公司",
        "91",
        "临江工业区污水处理厂项目",
        ("综合楼", "设备用房"),
    ),
    ("A-r1c1-n", 0): ("青溪县消防救援大队", "11", "产城新区消防站项目", ("综合楼",)),
}


def nice_quantity(rng: np.random.Generator, low: int, high: int) -> str:
    """A round production quantity between ``low`` and ``high``."""
    value = float(rng.uniform(low, high))
    digits = max(0, math.floor(math.log10(value)) - 1)
    return str(int(round(value, -digits)))


@dataclass
class Company:
    name: str
    credit_code: str
    project: str
    land_use: str


class CompanyMaker:
    """Fictional companies with unique names and valid unified social credit codes."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.pool = BRANDS_TEXT.split()
        self.brands: set[str] = set()
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def credit_code(self, prefix: str = "91") -> str:
        """A credit code: registration type, county code, organization code, check character."""
        while True:
            body = "".join(str(d) for d in self.rng.integers(0, 10, 8))
            weights = (3, 7, 9, 10, 5, 8, 4, 2)
            c = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
            org = body + {10: "X", 11: "0"}.get(c, str(c))
            first17 = f"{prefix}{COUNTY_CODE}{org}"
            code = first17 + check_character(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def make(self, industry: int | None = None) -> Company:
        """A new company (of ``industry``, an index into INDUSTRIES, or any) and its project."""
        rng = self.rng
        if industry is None:
            industry = int(rng.integers(0, len(INDUSTRIES)))
        words, template, quantity = INDUSTRIES[industry]
        while True:
            brand = str(rng.choice(self.pool))
            prefix = str(rng.choice(["四川", "青溪县", "四川青溪"], p=[0.55, 0.3, 0.15]))
            suffix = str(
                rng.choice(["有限公司", "有限责任公司", "股份有限公司"], p=[0.85, 0.1, 0.05])
            )
            name = f"{prefix}{brand}{words}{suffix}"
            if brand not in self.brands and name not in self.names:
                break
        self.brands.add(brand)
        self.names.add(name)
        q = nice_quantity(rng, *quantity) if quantity else ""
        land_use = "仓储用地" if words == "物流" else "工业用地"
        return Company(name, self.credit_code(), template.format(q=q, brand=brand), land_use)


# --------------------------------------------------------------------------- parcels


def iso(day: dt.date) -> str:
    return day.isoformat()


def add_days(day: str, days: int) -> str:
    return iso(dt.date.fromisoformat(day) + dt.timedelta(days=days))


def random_day(rng: np.random.Generator, first: str, last: str) -> str:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return iso(start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1))))


def land_history(rng: np.random.Generator, kind: str) -> Land:
    """Supply and construction dates of a parcel not in the ledger."""
    if kind == "operating":
        contract = random_day(rng, "2006-03-01", "2019-06-30")
        agreed = add_days(contract, int(rng.integers(90, 240)))
        start = add_days(agreed, int(rng.integers(-20, 120)))
        return Land(contract, agreed, start, add_days(start, int(rng.integers(420, 900))))
    if kind == "building":
        contract = random_day(rng, "2021-01-01", "2022-04-30")
        agreed = add_days(contract, int(rng.integers(120, 240)))
        return Land(contract, agreed, add_days(agreed, int(rng.integers(0, 60))))
    contract = random_day(rng, "2022-09-01", "2023-05-31")
    return Land(contract, add_days(contract, int(rng.integers(180, 300))))


def unit_land_price(rng: np.random.Generator, year: int) -> float:
    """Transfer price of industrial land (yuan per 亩) in the year of the contract."""
    if year <= 2010:
        return float(rng.uniform(80_000, 120_000))
    if year <= 2016:
        return float(rng.uniform(120_000, 180_000))
    return float(rng.uniform(160_000, 240_000))


class Registry:
    """Running numbers: contracts per year, supervision numbers, door numbers per road."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.counters: Counter[str] = Counter()

    def next(self, key: str, low: int = 1, high: int = 4) -> int:
        self.counters[key] += int(self.rng.integers(low, high + 1))
        return self.counters[key]

    def door(self, road: str, odd: bool) -> int:
        number = 2 * self.next(f"door:{road}:{odd}", 2, 9)
        return number - 1 if odd else number


@dataclass
class ParcelRecord:
    """A parcel being built: its plan, geometry and attributes."""

    plan: ParcelPlan
    strip: Strip  # the strip of its first piece: its road gives the address
    geom_gk: MultiPolygon  # in EPSG:4544 metres, to place buildings
    angle: float  # direction of its strip (degrees), for the buildings
    geom: MultiPolygon  # as written, in EPSG:4490
    kind: str = "operating"
    attrs: dict[str, Any] = field(default_factory=dict)
    area_m2: float = 0.0
    buildings: list[dict[str, Any]] = field(default_factory=list)


def parcel_kind(plan: ParcelPlan, rng: np.random.Generator) -> str:
    """case, allocated (public utility), or else operating (built and producing), building
    (under construction) or vacant (supplied recently, not yet due to start)."""
    if plan.case is not None:
        return "case"
    if plan.pieces[0] in ALLOCATED:
        return "allocated"
    return str(rng.choice(["operating", "building", "vacant"], p=[0.78, 0.11, 0.11]))


def registered_area(rng: np.random.Generator, record: ParcelRecord, index: int) -> float:
    """The area on the title: the computed one give or take 2 %, a few further off."""
    factor = 1.0 + float(rng.uniform(-0.02, 0.02))
    if record.kind != "case":
        factor = {7: 1.062, 41: 0.951, 66: 1.087}.get(index, factor)
    return round(record.area_m2 * factor, 2)


def holder_and_land(
    record: ParcelRecord, rng: np.random.Generator, companies: CompanyMaker
) -> tuple[Company, Land]:
    """Who holds the parcel, with their project, and the parcel's supply history."""
    plan = record.plan
    if record.kind == "allocated":
        holder, prefix, project, _ = ALLOCATED[plan.pieces[0]]
        land = land_history(rng, "operating")
        return Company(holder, companies.credit_code(prefix), project, "公用设施用地"), land
    if record.kind == "case":
        spec = CASES[plan.case]
        return companies.make(spec.industry), spec.land
    land = land_history(rng, record.kind)
    return companies.make(), land


def contract_terms(
    record: ParcelRecord, year: int, registered: float, rng: np.random.Generator, registry: Registry
) -> tuple[str, float | None]:
    """Contract (or allocation decision) number and land price of the parcel."""
    if record.kind == "allocated":
        return f"青国土划拨〔{year}〕{registry.next(f'allocation:{year}')}号", None
    office = "青国土出让" if year < 2019 else "青自然资出让"
    number = f"{office}〔{year}〕{registry.next(f'transfer:{year}', 2, 6)}号"
    return number, round(m2_to_mu(registered) * unit_land_price(rng, year), -2)


def tax_per_mu(record: ParcelRecord, rng: np.random.Generator) -> float | None:
    """Tax per 亩 (yuan): low on case parcels, none where nothing is produced yet."""
    if record.kind == "case":
        return CASES[record.plan.case].tax_per_mu
    if record.kind == "operating":
        return round(float(rng.uniform(60_000, 380_000)), -2)
    return None


def parcel_attributes(
    record: ParcelRecord,
    index: int,
    rng: np.random.Generator,
    companies: CompanyMaker,
    registry: Registry,
) -> dict[str, Any]:
    """The attribute fields of one parcel (plot ratio is set once its buildings exist)."""
    plan, strip = record.plan, record.strip
    _, town, district = AREAS[plan.zone_code]
    location = f"{COUNTY_NAME}{town}{strip.road}{registry.door(strip.road, strip.odd)}号"
    code = f"{COUNTY_CODE}{district}GB{registry.next('parcel:' + district, 1, 5):05d}"
    registered = registered_area(rng, record, index)
    company, land = holder_and_land(record, rng, companies)
    year = int(land.contract[:4])
    contract_no, price = contract_terms(record, year, registered, rng, registry)
    tax = tax_per_mu(record, rng)
    return {
        "parcel_code": code,
        "supervision_no": f"{COUNTY_CODE}{year}{registry.next(f'supervision:{year}', 3, 40):06d}",
        "project_name": company.project,
        "zone_code": plan.zone_code,
        "location": location,
        "holder": company.name,
        "credit_code": company.credit_code,
        "land_use": company.land_use,
        "supply_method": "allocation" if record.kind == "allocated" else "transfer",
        "contract_no": contract_no,
        "contract_date": land.contract,
        "land_price_yuan": price,
        "agreed_start_date": land.agreed_start,
        "agreed_completion_date": add_days(land.agreed_start, 730 + int(rng.integers(0, 365))),
        "actual_start_date": land.actual_start,
        "actual_completion_date": land.actual_completion,
        "registered_area_m2": registered,
        "plot_ratio": None,
        "tax_per_mu": tax,
    }


def build_parcels(strips: list[Strip], rng: np.random.Generator) -> list[ParcelRecord]:
    """Cut the strips into parcels and compute their areas from the EPSG:4490 geometry."""
    plans = plan_parcels(strips, rng)
    cutter = Cutter(strips, plans, rng)
    cutter.solve()
    records = []
    for plan in plans:
        key = max(plan.pieces, key=lambda k: to_gk(cutter.piece(k)).area)
        c = cutter.cuts[key[0]]
        angle = cutter.strips[key[0]].angle(c[key[1]][0], c[key[1] + 1][0])
        first = cutter.strips[plan.pieces[0][0]]
        geom = cutter.parcel(plan)
        records.append(ParcelRecord(plan, first, to_gk(geom), angle, geom))
    series = gpd.GeoSeries([r.geom for r in records], crs=CGCS2000)
    for record, area in zip(records, planar_areas_m2(series), strict=True):
        record.area_m2 = float(area)
    return records


# --------------------------------------------------------------------------- buildings


def free_spot(
    inner: shapely.Geometry, blocked: shapely.Geometry | None, w: float, d: float
) -> Polygon | None:
    """The first w × d box (front first, 4 m steps) inside ``inner`` and off ``blocked``."""
    x0, y0, x1, y1 = inner.bounds
    xs, ys = np.arange(x0, x1 - w, 4.0), np.arange(y0, y1 - d, 4.0)
    if not (xs.size and ys.size):
        return None
    y, x = (a.ravel() for a in np.meshgrid(ys, xs, indexing="ij"))
    boxes = shapely.box(x, y, x + w, y + d)
    fits = shapely.contains(inner, boxes)
    if blocked is not None:
        fits &= ~shapely.intersects(blocked, boxes)
    hits = np.flatnonzero(fits)
    return boxes[hits[0]] if hits.size else None


def place_rectangles(
    parcel: MultiPolygon, angle: float, footprints: list[float], rng: np.random.Generator
) -> list[Polygon]:
    """Rectangular footprints along ``angle``: 12 m inside the parcel, 12 m apart.

    Each footprint shrinks until it fits, lengthwise or crosswise; the parcel is turned so
    that its strip runs along x, the boxes are placed front first, and turned back.
    """
    inner = affinity.rotate(parcel, -angle, origin=(0, 0)).buffer(-12.0)
    shapely.prepare(inner)
    placed: list[Polygon] = []
    for footprint in footprints:
        aspect, size = float(rng.uniform(1.3, 2.6)), footprint
        for _ in range(10):
            w, d = math.sqrt(size * aspect), math.sqrt(size / aspect)
            blocked = unary_union(placed).buffer(12.0, join_style="mitre") if placed else None
            spot = free_spot(inner, blocked, w, d) or free_spot(inner, blocked, d, w)
            if spot is not None:
                placed.append(spot)
                break
            size *= 0.85
    return [orient(affinity.rotate(r, angle, origin=(0, 0))) for r in placed]


def building_plan(record: ParcelRecord, rng: np.random.Generator) -> list[tuple[str, str, int]]:
    """(name, state, floors) of the factory buildings a parcel should have."""
    kind = record.kind
    if kind == "case":
        states = CASES[record.plan.case].buildings
        return [
            (f"{i}号厂房", s, int(rng.choice([1, 2], p=[0.7, 0.3])))
            for i, s in enumerate(states, 1)
        ]
    if kind == "allocated":
        names = ALLOCATED[record.plan.pieces[0]][3]
        return [(n, "in_use", int(rng.integers(1, 4))) for n in names]
    if kind != "operating":
        return []
    mu = m2_to_mu(record.area_m2)
    count = int(rng.integers(1, 3)) if mu < 25 else int(rng.integers(2, 4 if mu < 50 else 5))
    floors = rng.choice([1, 2, 3, 4], size=count, p=[0.35, 0.3, 0.2, 0.15])
    return [(f"{i}号厂房", "in_use", int(f)) for i, f in enumerate(floors, 1)]


def add_buildings(records: list[ParcelRecord], rng: np.random.Generator) -> None:
    """Factory footprints on the built parcels; floor area = computed footprint area × floors."""
    rows: list[tuple[ParcelRecord, str, str, int, Polygon]] = []
    for record in records:
        plan = building_plan(record, rng)
        if not plan:
            continue
        coverages = {"case": 0.22, "allocated": 0.15}
        coverage = coverages.get(record.kind, float(rng.uniform(0.36, 0.5)))
        weights = rng.uniform(0.6, 1.4, len(plan))
        footprints = list(record.area_m2 * coverage * weights / weights.sum())
        rects = place_rectangles(record.geom_gk, record.angle, footprints, rng)
        if record.kind == "case" and len(rects) < len(plan):
            raise ValueError(f"could not place the buildings of case {record.plan.case}")
        rows += [(record, n, s, f, r) for (n, s, f), r in zip(plan, rects, strict=False)]
    series = gpd.GeoSeries([to_cgcs2000(r[4]) for r in rows], crs=CGCS2000)
    for (record, name, state, floors, _), geom, area in zip(
        rows, series, planar_areas_m2(series), strict=True
    ):
        record.buildings.append(
            {
                "parcel_code": record.attrs["parcel_code"],
                "name": name,
                "floors": floors,
                "footprint_area_m2": float(area),
                "floor_area_m2": float(area) * floors,
                "state": state,
                "geometry": to_multipolygon(geom),
            }
        )
    for record in records:
        floor_area = math.fsum(b["floor_area_m2"] for b in record.buildings)
        record.attrs["plot_ratio"] = round(floor_area / record.area_m2, 2)


# --------------------------------------------------------------------------- the ledger


@dataclass
class Draft:
    """An event before it is recorded: the new values of the fields it sets."""

    on: str
    actor: str
    action: str
    updates: dict[str, Any]
    document_no: str | None = None
    note: str | None = None


class CaseLog:
    """A case's current record and the events that built it."""

    def __init__(self, case_no: str) -> None:
        self.case_no = case_no
        self.state: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []

    def record(self, draft: Draft) -> None:
        """Append one event; its changes are the fields whose value it changes."""
        if self.events and draft.on <= self.events[-1]["occurred_on"]:
            raise ValueError(f"{self.case_no}: events out of date order at {draft.on}")
        if not "2023-01-01" <= draft.on <= AS_OF:
            raise ValueError(f"{self.case_no}: event date {draft.on} outside 2023-01..08")
        status_before = self.state.get("status")
        if draft.action == "open":
            changes = {name: [None, draft.updates.get(name)] for name in CASE_FIELDS}
        else:
            changes = {
                name: [self.state[name], value]
                for name, value in draft.updates.items()
                if self.state[name] != value
            }
            if not changes:
                raise ValueError(f"{self.case_no}: {draft.action} on {draft.on} changes nothing")
        for name, (_, after) in changes.items():
            self.state[name] = after
        self.events.append(
            {
                "case_no": self.case_no,
                "occurred_on": draft.on,
                "actor": draft.actor,
                "action": draft.action,
                "status_before": status_before,
                "status_after": self.state["status"],
                "changes": dict(sorted(changes.items())),
                "document_no": draft.document_no,
                "note": draft.note,
            }
        )


def replay(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A case rebuilt from its events, in order, starting from nothing."""
    state: dict[str, Any] = {}
    for event in events:
        for name, (_, after) in event["changes"].items():
            state[name] = after
        if event["status_after"] is not None:
            state["status"] = event["status_after"]
    return state


@dataclass(frozen=True)
class CaseFacts:
    """What the ledger takes from a case's parcel and its factory buildings."""

    parcel_code: str
    area_m2: float
    registered_m2: float
    land_price: float | None
    idle_building_m2: float
    revitalized_building_m2: float


def case_facts(record: ParcelRecord) -> CaseFacts:
    """Areas of a case parcel: computed area, idle and revitalized factory floor area."""
    idle = [b["floor_area_m2"] for b in record.buildings if b["state"] != "in_use"]
    revitalized = [b["floor_area_m2"] for b in record.buildings if b["state"] == "revitalized"]
    return CaseFacts(
        record.attrs["parcel_code"],
        record.area_m2,
        record.attrs["registered_area_m2"],
        record.attrs["land_price_yuan"],
        math.fsum(idle),
        math.fsum(revitalized),
    )


DOCUMENTS = {  # (step, category or route) -> document number template
    (1, None): "青自然资调〔2023〕{n}号",
    (2, "idle"): "青自然资闲认〔2023〕{n}号",
    (2, "low_efficiency"): "青自然资低效认〔2023〕{n}号",
    (3, None): "青府函〔2023〕{n}号",
    (4, "buyback"): "青自然资回购〔2023〕{n}号",
    (4, "judicial_auction"): "（2023）川1999执恢{n}号",
    (4, "lease_conversion"): "青开管函〔2023〕{n}号",
    (4, "idle_fee"): "青自然资征〔2023〕{n}号",
    (4, "merger"): "青经信函〔2023〕{n}号",
    (5, "buyback"): "青储回购〔2023〕{n}号",
    (5, "judicial_auction"): "（2023）川1999执{n}号",
    (5, "lease_conversion"): "QXKFQ-ZL-2023-{n:03d}",
    (6, None): "青自然资销〔2023〕{n}号",
}
STEP_NOTES = {
    1: "下达调查通知书，开展现场调查",
    2: {"idle": "出具闲置土地认定书", "low_efficiency": "出具低效用地认定书"},
    3: "处置方案经县人民政府批复",
    4: {
        "buyback": "签订国有建设用地使用权回购协议",
        "judicial_auction": "县人民法院发布司法拍卖公告",
        "lease_conversion": "园区管委会组织闲置厂房招租",
        "idle_fee": "下达征缴土地闲置费决定书",
        "merger": "组织意向企业开展兼并重组洽谈",
    },
    5: {
        "buyback": "回购完成，土地重新供应给{holder}",
        "judicial_auction": "司法拍卖成交，买受人为{holder}",
        "lease_conversion": "签订厂房租赁合同，{holder}租赁转产",
    },
    6: "经验收，办理销号",
}


def document_series(spec: CaseSpec, step: int) -> tuple[int, str | None]:
    """The key of the document template of a step."""
    if step == 2:
        return step, spec.category
    if step in (4, 5):
        return step, spec.route
    return step, None


def document_numbers(rng: np.random.Generator) -> dict[tuple[int, int], int]:
    """(step, case index) -> document number, numbered in date order within each series."""
    series: dict[tuple[int, str | None], list[tuple[str, int, int]]] = defaultdict(list)
    for index, spec in enumerate(CASES):
        for step in range(1, len(spec.dates)):
            series[document_series(spec, step)].append((spec.dates[step], step, index))
    numbers: dict[tuple[int, int], int] = {}
    for key in sorted(series, key=str):
        n = int(rng.integers(1, 9))
        for _, step, index in sorted(series[key]):
            numbers[(step, index)] = n
            n += int(rng.integers(1, 4))
    return numbers


def revitalization(spec: CaseSpec, facts: CaseFacts, area_m2: float) -> dict[str, Any]:
    """The fields a revitalize event sets: areas, date, new holder and project, amount."""
    mu, floor = m2_to_mu(area_m2), facts.revitalized_building_m2
    if spec.route == "buyback":  # the original land price plus interest
        amount = round((facts.land_price or 0.0) * 1.05, -2)
    elif spec.route == "judicial_auction":  # hammer price of the land and its buildings
        amount = round(mu * 196_000 + floor * 540, -3)
    else:  # annual rent of the factory buildings: 8.5 yuan per m² and month
        amount = round(floor * 8.5 * 12, -2)
    return {
        "revitalized_area_m2": area_m2,
        "revitalized_building_area_m2": floor,
        "revitalized_on": spec.dates[5],
        "new_holder": spec.new_holder,
        "new_project": spec.new_project,
        "amount_yuan": float(amount),
    }


def step_draft(
    index: int, step: int, facts: CaseFacts, partial_m2: float, document_no: str, handler: str
) -> Draft:
    """The event of workflow step ``step`` (1 investigating … 6 closed) of a case."""
    spec = CASES[index]
    on, route = spec.dates[step], spec.route or ""
    status = "disposing" if spec.partial and step == 5 else STEPS[step]
    updates: dict[str, Any] = {"status": status}
    note = STEP_NOTES[step]
    if step == 2:
        note = STEP_NOTES[2][spec.category]
        updates |= {
            "identified_on": on,
            "determination_no": document_no,
            "cause": spec.cause,
            "cause_detail": spec.cause_detail,
        }
    elif step == 3:
        updates |= {
            "route": spec.route,
            "plan_no": document_no,
            "deadline": spec.deadline,
            "responsible_unit": spec.unit,
        }
    elif step == 4:
        note = STEP_NOTES[4][route]
    elif step == 5:
        area = partial_m2 if spec.partial else facts.area_m2
        updates |= revitalization(spec, facts, area)
        note = STEP_NOTES[5][route].format(holder=spec.new_holder)
        if spec.partial:
            note += f"（第一批{m2_to_mu(area):.0f}亩）"
    elif step == 6:
        updates["closed_on"] = on
    actor = APPROVER if step in (2, 3, 6) else handler
    action = {5: "revitalize", 6: "close"}.get(step, "status")
    return Draft(on, actor, action, updates, document_no, note)


def open_draft(index: int, facts: CaseFacts, handler: str) -> Draft:
    """The first event: the case enters the ledger as suspected, every field set."""
    spec = CASES[index]
    surveyed = {name for _, names, _ in spec.edits for name in names}
    cause, detail = spec.initial_cause or (spec.cause, spec.cause_detail)
    kind = "闲置土地" if spec.category == "idle" else "低效用地"
    updates = {
        "case_no": CASE_NOS[index],
        "parcel_code": facts.parcel_code,
        "category": spec.category,
        "cause": cause,
        "cause_detail": detail,
        "idle_area_m2": facts.registered_m2 if "idle_area_m2" in surveyed else facts.area_m2,
        "idle_building_area_m2": (
            0.0 if "idle_building_area_m2" in surveyed else facts.idle_building_m2
        ),
        "deadline": CAMPAIGN_DEADLINE,
        "revitalized_area_m2": 0.0,
        "revitalized_building_area_m2": 0.0,
        "status": "suspected",
    }
    return Draft(spec.dates[0], handler, "open", updates, None, f"专项排查发现疑似{kind}，列入台账")


def edit_drafts(index: int, facts: CaseFacts, handler: str) -> list[Draft]:
    """Corrections after a survey (measured area, idle buildings, details) and follow-ups."""
    spec = CASES[index]
    values = {
        "idle_area_m2": facts.area_m2,
        "idle_building_area_m2": facts.idle_building_m2,
        "cause_detail": spec.cause_detail,
    }
    return [
        Draft(on, handler, "edit", {name: values[name] for name in names}, None, note)
        for on, names, note in spec.edits
    ]


def case_log(
    index: int,
    facts: CaseFacts,
    partial_m2: float,
    numbers: dict[tuple[int, int], int],
    rng: np.random.Generator,
) -> CaseLog:
    """Play one case through its steps and edits; the final remarks come with the last event."""
    spec = CASES[index]
    handler = str(rng.choice(ACTORS))
    drafts = [open_draft(index, facts, handler), *edit_drafts(index, facts, handler)]
    for step in range(1, len(spec.dates)):
        template = DOCUMENTS[document_series(spec, step)]
        document_no = template.format(n=numbers[(step, index)])
        drafts.append(step_draft(index, step, facts, partial_m2, document_no, handler))
    drafts.sort(key=lambda d: d.on)
    drafts[-1].updates["remarks"] = spec.remarks
    log = CaseLog(CASE_NOS[index])
    for draft in drafts:
        log.record(draft)
    return log


def build_ledger(records: list[ParcelRecord], rng: np.random.Generator) -> list[CaseLog]:
    """The 13 cases and their histories; replaying each history must give the case."""
    by_case = {r.plan.case: r for r in records if r.plan.case is not None}
    facts = [case_facts(by_case[i]) for i in range(len(CASES))]
    full = [f.area_m2 for f, s in zip(facts, CASES, strict=True) if s.status in FULLY_REVITALIZED]
    partial_m2 = round(mu_to_m2(REVITALIZED_MU) - math.fsum(full), 2)
    numbers = document_numbers(rng)
    logs = [case_log(i, facts[i], partial_m2, numbers, rng) for i in range(len(CASES))]
    for log in logs:
        if set(log.state) != set(CASE_FIELDS):
            raise AssertionError(f"{log.case_no}: fields {sorted(log.state)}")
        if replay(log.events) != log.state:
            raise AssertionError(f"{log.case_no}: replaying its events does not give the case")
        if replay(json.loads(json.dumps(log.events))) != log.state:
            raise AssertionError(f"{log.case_no}: its events do not survive JSON")
    return logs


# --------------------------------------------------------------------------- frames and files


def parcels_frame(records: list[ParcelRecord]) -> gpd.GeoDataFrame:
    data = pd.DataFrame(
        [[r.attrs[f] for f in PARCEL_FIELDS] for r in records], columns=PARCEL_FIELDS
    )
    return gpd.GeoDataFrame(data, geometry=[r.geom for r in records], crs=CGCS2000)


def buildings_frame(records: list[ParcelRecord]) -> gpd.GeoDataFrame:
    rows = [b for r in records for b in r.buildings]
    data = pd.DataFrame([[b[f] for f in BUILDING_FIELDS] for b in rows], columns=BUILDING_FIELDS)
    return gpd.GeoDataFrame(data, geometry=[b["geometry"] for b in rows], crs=CGCS2000)


def cases_frame(logs: list[CaseLog]) -> pd.DataFrame:
    return pd.DataFrame([[log.state[f] for f in CASE_FIELDS] for log in logs], columns=CASE_FIELDS)


def events_list(logs: list[CaseLog]) -> list[dict[str, Any]]:
    """All events in the order they happened (ties by case number)."""
    events = [e for log in logs for e in log.events]
    return sorted(events, key=lambda e: (e["occurred_on"], e["case_no"]))


def events_frame(events: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {**e, "changes": json.dumps(e["changes"], ensure_ascii=False, sort_keys=True)}
        for e in events
    ]
    return pd.DataFrame(rows, columns=EVENT_FIELDS)


def write_outputs(
    out_dir: Path,
    layers: dict[str, pd.DataFrame],
    events: list[dict[str, Any]],
) -> list[Path]:
    """Rewrite the GeoPackage, the GeoJSON copies and the events JSON; the written paths."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GDAL_DATE})
    gpkg, folder = out_dir / "demo_county.gpkg", out_dir / "demo_county"
    folder.mkdir(parents=True, exist_ok=True)
    gpkg.unlink(missing_ok=True)
    for name, frame in layers.items():
        pyogrio.write_dataframe(frame, gpkg, layer=name, driver="GPKG")
    paths = [gpkg]
    parcel_geoms = layers["parcels"].set_index("parcel_code").geometry
    cases = gpd.GeoDataFrame(
        layers["cases"], geometry=list(parcel_geoms[layers["cases"]["parcel_code"]]), crs=CGCS2000
    )
    copies = {**{k: layers[k] for k in ("zones", "parcels", "buildings")}, "cases": cases}
    for name, frame in copies.items():
        path = folder / f"{name}.geojson"
        path.unlink(missing_ok=True)
        pyogrio.write_dataframe(
            frame, path, driver="GeoJSON", layer_options={"COORDINATE_PRECISION": 8}
        )
        paths.append(path)
    path = folder / "case_events.json"
    path.write_text(json.dumps(events, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [*paths, path]


# --------------------------------------------------------------------------- checks


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def plain(value: Any) -> Any:
    """A value read back from the GeoPackage as the ledger writes it (None for null)."""
    if missing(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def check_geometry(zones: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> None:
    """Validity, no overlap, parcels inside their area, areas in the park, park in the county."""
    for name, frame in (("zones", zones), ("parcels", parcels)):
        check(bool(frame.geometry.is_valid.all()), f"invalid geometry in {name}")
    geoms = parcels.geometry.values
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    overlaps = gpd.GeoSeries([geoms[i].intersection(geoms[j]) for i, j in pairs], crs=CGCS2000)
    overlap_m2 = planar_areas_m2(overlaps) if pairs else np.zeros(0)
    check(bool((overlap_m2 < 0.01).all()), f"parcels overlap: {overlap_m2.max():.4f} m²")
    zone = zones.set_index("code").geometry
    for code, geom in zip(parcels["zone_code"], parcels.geometry, strict=True):
        check(zone[code].covers(geom), f"a parcel lies outside area {code}")
    for code in AREAS:
        check(zone[PARK_CODE].covers(zone[code]), f"area {code} lies outside the park")
    check(zone[COUNTY_CODE].covers(zone[PARK_CODE]), "the park lies outside the county")
    x0, _, x1, _ = zones.total_bounds
    check(x0 >= 104.5 and x1 <= 105.5, "the county strays more than 0.5° from 105°E")


def check_buildings(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> None:
    """Footprints valid, inside their parcel; floor area = computed footprint area × floors."""
    check(bool(buildings.geometry.is_valid.all()), "invalid building footprint")
    parcel = parcels.set_index("parcel_code").geometry
    for code, geom in zip(buildings["parcel_code"], buildings.geometry, strict=True):
        check(parcel[code].contains(geom), f"a building sticks out of parcel {code}")
    footprint = planar_areas_m2(buildings.geometry)
    check(bool((footprint == buildings["footprint_area_m2"]).all()), "footprint areas differ")
    floor = footprint * buildings["floors"].to_numpy()
    check(bool((floor == buildings["floor_area_m2"]).all()), "floor areas differ")


def check_totals(parcels: gpd.GeoDataFrame, cases: pd.DataFrame) -> None:
    """13 whole-parcel cases, 539 亩; 120 亩 revitalized by the three routes, one in part."""
    area = dict(zip(parcels["parcel_code"], planar_areas_m2(parcels.geometry), strict=True))
    check(len(cases) == len(set(cases["parcel_code"])) == 13, "13 cases on 13 parcels")
    idle = zip(cases["parcel_code"], cases["idle_area_m2"], strict=True)
    check(all(area[c] == a for c, a in idle), "idle area is not the computed parcel area")
    check(abs(m2_to_mu(cases["idle_area_m2"].sum()) - TOTAL_MU) <= 0.01, "ledger is not 539 亩")
    revitalized = cases[cases["revitalized_area_m2"] > 0]
    total = m2_to_mu(revitalized["revitalized_area_m2"].sum())
    check(abs(total - REVITALIZED_MU) <= 0.01, "not 120 亩 revitalized")
    routes = {"buyback", "judicial_auction", "lease_conversion"}
    check(set(revitalized["route"]) == routes, "revitalized by other routes")
    partial = revitalized[revitalized["revitalized_area_m2"] < revitalized["idle_area_m2"]]
    check(len(partial) == 1 and (partial["status"] == "disposing").all(), "one partial case")
    full = revitalized.drop(partial.index)
    check(bool((full["revitalized_area_m2"] == full["idle_area_m2"]).all()), "full cases")
    check(revitalized["revitalized_on"].between("2023-01-01", AS_OF).all(), "revitalization dates")


def check_workflow(cases: pd.DataFrame) -> None:
    """Evidence by status, and exactly one open case past its deadline on 31 August."""
    for _, case in cases.iterrows():
        step = STEPS.index(case["status"])
        has = {f: not missing(case[f]) for f in CASE_FIELDS}
        check(has["identified_on"] == has["determination_no"] == (step >= 2), case["case_no"])
        check(has["route"] == has["plan_no"] == (step >= 3), case["case_no"])
        check(has["revitalized_on"] == (case["revitalized_area_m2"] > 0), case["case_no"])
        check(has["closed_on"] == (case["status"] == "closed"), case["case_no"])
        check(case["revitalized_area_m2"] <= case["idle_area_m2"], case["case_no"])
    open_cases = cases[~cases["status"].isin(FULLY_REVITALIZED)]
    check(int((open_cases["deadline"] < AS_OF).sum()) == 1, "exactly one overdue case")
    check(bool((open_cases["deadline"] >= "2023-06-30").all()), "deadlines")


def check_floor_areas(buildings: gpd.GeoDataFrame, cases: pd.DataFrame) -> None:
    """Idle and revitalized factory floor areas are those of the buildings in that state."""
    floors = buildings.groupby(["parcel_code", "state"])["floor_area_m2"].apply(math.fsum)
    for _, case in cases.iterrows():
        by_state = floors.get(case["parcel_code"], pd.Series(dtype=float))
        idle = math.fsum(v for state, v in by_state.items() if state != "in_use")
        revitalized = by_state.get("revitalized", 0.0)
        check(math.isclose(case["idle_building_area_m2"], idle, abs_tol=1e-6), "idle floors")
        check(
            math.isclose(case["revitalized_building_area_m2"], revitalized, abs_tol=1e-6),
            "revitalized floors",
        )


def check_history(cases: pd.DataFrame, events: pd.DataFrame) -> None:
    """Each case's events, in date order from an open event, replay to the case as written."""
    for case_no, group in events.groupby("case_no", sort=False):
        history = [
            {"changes": json.loads(e["changes"]), "status_after": plain(e["status_after"])}
            for _, e in group.iterrows()
        ]
        row = cases[cases["case_no"] == case_no].iloc[0]
        check(replay(history) == {f: plain(row[f]) for f in CASE_FIELDS}, f"{case_no} replay")
        check(list(group["occurred_on"]) == sorted(group["occurred_on"]), f"{case_no} order")
        check(group["action"].iloc[0] == "open", f"{case_no} starts with open")


def verify(gpkg: Path) -> dict[str, pd.DataFrame]:
    """Read the GeoPackage back and check it; its layers."""
    layers = {
        name: gpd.read_file(gpkg, layer=name, engine="pyogrio")
        for name in ("zones", "parcels", "buildings", "cases", "case_events")
    }
    check_geometry(layers["zones"], layers["parcels"])
    check_buildings(layers["parcels"], layers["buildings"])
    check_totals(layers["parcels"], layers["cases"])
    check_workflow(layers["cases"])
    check_floor_areas(layers["buildings"], layers["cases"])
    check_history(layers["cases"], layers["case_events"])
    mu = m2_to_mu(planar_areas_m2(layers["parcels"].geometry))
    check(
        bool(((mu >= 10.0) & (mu <= 120.0)).all()), f"parcel sizes {mu.min():.1f}-{mu.max():.1f} 亩"
    )
    check(all(is_valid(c) for c in layers["parcels"]["credit_code"]), "credit codes")
    check(layers["parcels"]["parcel_code"].is_unique, "parcel codes are unique")
    return layers


def summary(layers: dict[str, pd.DataFrame], paths: list[Path]) -> str:
    """The headline figures of the demo county, as read back from the GeoPackage."""
    parcels, buildings, cases = layers["parcels"], layers["buildings"], layers["cases"]
    revitalized = cases[cases["revitalized_area_m2"] > 0]
    by_route = revitalized.groupby("route")["revitalized_area_m2"].sum()
    park = layers["zones"].set_index("code").geometry[PARK_CODE]
    centre = gpd.GeoSeries([park], crs=CGCS2000).to_crs(GK_CRS).centroid.to_crs(CGCS2000)[0]
    lines = [
        f"{COUNTY_NAME} {PARK_NAME} (一园三区): {len(parcels)} parcels, {len(buildings)} buildings",
        f"台账: {len(cases)} 宗, {m2_to_mu(cases['idle_area_m2'].sum()):.2f} 亩",
        f"盘活: {len(revitalized)} 宗, {m2_to_mu(revitalized['revitalized_area_m2'].sum()):.2f} 亩",
        *(f"  {route}: {m2_to_mu(area):.2f} 亩" for route, area in by_route.items()),
        f"闲置厂房: {cases['idle_building_area_m2'].sum():.2f} ㎡, "
        f"盘活厂房: {cases['revitalized_building_area_m2'].sum():.2f} ㎡",
        f"park centre: {centre.x:.4f}°E {centre.y:.4f}°N (EPSG:4490); "
        f"GK zone CM 105°E, EPSG:{GK_EPSG}",
        *(f"wrote {p}" for p in paths),
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def build(out_dir: Path) -> list[Path]:
    """Generate the demo county and write it to ``out_dir``."""
    rng = np.random.default_rng(SEED)
    strips = area_cc_strips(rng) + area_lj_strips(rng) + area_bh_strips(rng)
    records = build_parcels(strips, rng)
    companies, registry = CompanyMaker(rng), Registry(rng)
    for index, record in enumerate(records):
        record.kind = parcel_kind(record.plan, rng)
        record.attrs = parcel_attributes(record, index, rng, companies, registry)
    add_buildings(records, rng)
    logs = build_ledger(records, rng)
    areas = area_boundaries(strips)
    zones = zones_frame(county_boundary(rng), park_boundary(areas), areas)
    events = events_list(logs)
    layers = {
        "zones": zones,
        "parcels": parcels_frame(records),
        "buildings": buildings_frame(records),
        "cases": cases_frame(logs),
        "case_events": events_frame(events),
    }
    return write_outputs(out_dir, layers, events)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    paths = build(args.out)
    print(summary(verify(paths[0]), paths))


if __name__ == "__main__":
    main()
