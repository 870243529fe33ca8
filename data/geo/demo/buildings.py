"""Factory buildings: rectangular footprints placed inside the built parcels, their floors
and state; floor area = computed footprint area × floors."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from data.geo.demo.parcels import ALLOCATED, ParcelRecord
from data.geo.demo.strips import to_cgcs2000
from landgis.geo import CGCS2000, planar_areas_m2, to_multipolygon
from landgis.units import m2_to_mu


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
        states = record.plan.spec.buildings
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
