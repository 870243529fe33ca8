"""Strips cut into parcels: pieces grouped into parcels (a few in two parts, a few with a
hole), and the cuts placed so that every case parcel's computed area hits its figure."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from data.geo.demo.case_specs import CASES, CaseSpec
from data.geo.demo.strips import Cut, PieceKey, Strip, to_cgcs2000, to_gk
from landgis.geo import CGCS2000, planar_areas_m2
from landgis.units import mu_to_m2


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

    @property
    def spec(self) -> CaseSpec:
        """The case of a case parcel."""
        if self.case is None:
            raise ValueError(f"parcel {self.pieces} is not in the ledger")
        return CASES[self.case]


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

    def cut(self, strip_key: str, j: int) -> Cut:
        """Cut ``j`` of a strip (0 and ``n`` are its ends), once placed."""
        placed = self.cuts[strip_key][j]
        if placed is None:
            raise ValueError(f"cut {j} of strip {strip_key} is not placed yet")
        return placed

    def piece(self, key: PieceKey) -> Polygon:
        strip_key, j = key
        plan = self.plan_of[key]
        hole = plan.hole_shape if key == plan.pieces[-1] else None
        return piece_polygon(
            self.strips[strip_key], self.cut(strip_key, j), self.cut(strip_key, j + 1), hole
        )

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
                    fixed[j] = mu_to_m2(plan.spec.target_mu) - earlier
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
        previous = self.cut(key, j)
        lo, hi = 0.5 * (previous[0] + previous[1]) + 0.03, 0.97
        if plan.case is not None and (key, j) == plan.pieces[-1]:
            target = mu_to_m2(plan.spec.target_mu)

            def error(u: float) -> float:
                self.set_cut(key, j + 1, u)
                return computed_area_m2(self.parcel(plan)) - target
        else:
            desired = self.desired[(key, j)]

            def error(u: float) -> float:
                self.set_cut(key, j + 1, u)
                return to_gk(self.piece((key, j))).area - desired

        self.set_cut(key, j + 1, bisect(error, lo, hi))
