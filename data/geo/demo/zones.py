"""The zones layer: each area's planning boundary around its blocks, the park around its
areas, and an irregular county outline around the park."""

from __future__ import annotations

import math
from collections import defaultdict

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from data.geo.demo.county import AREAS, COUNTY_CODE, COUNTY_NAME, PARK_CODE, PARK_NAME
from data.geo.demo.cutting import piece_polygon
from data.geo.demo.strips import Strip, to_cgcs2000, to_gk
from landgis.exchange import ZONE_FIELDS
from landgis.geo import CGCS2000, to_multipolygon
from landgis.synthetic.geometry import (
    AREA_MARGIN_M,
    PARK_MARGIN_M,
    harmonic_shape,
    outline_angles,
    polar_ring,
    with_margin,
)


def area_boundaries(strips: list[Strip]) -> dict[str, Polygon]:
    """Each area's planning boundary: its blocks and roads, 45 m beyond the outer parcels."""
    pieces: dict[str, list[Polygon]] = defaultdict(list)
    for strip in strips:
        pieces[strip.zone_code].append(to_gk(piece_polygon(strip, (0.0, 0.0), (1.0, 1.0), None)))
    return {
        code: orient(with_margin(unary_union(polys), AREA_MARGIN_M).simplify(2.0))
        for code, polys in pieces.items()
    }


def park_boundary(areas: dict[str, Polygon]) -> MultiPolygon:
    """The park: its three areas, each within a 120 m planning margin."""
    parts = [with_margin(a, PARK_MARGIN_M).simplify(5.0) for a in areas.values()]
    return MultiPolygon([orient(p) for p in parts])


def county_boundary(rng: np.random.Generator) -> Polygon:
    """An irregular county outline, about 40 km across, around the park."""
    centre = np.array([480_500.0, 3_330_000.0])
    theta = outline_angles(240)
    phases = rng.uniform(0.0, 2.0 * math.pi, 4)
    shape = harmonic_shape(theta, ((2, 0.12), (3, 0.07), (5, 0.04), (9, 0.02)), phases)
    noise = np.convolve(rng.normal(0.0, 0.012, theta.size + 4), np.ones(5) / 5, mode="valid")
    radius = 19_000.0 * (shape + noise)
    return orient(Polygon(polar_ring(centre, radius, theta)))


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
