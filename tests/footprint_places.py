"""Footprints placed in the demo county for the tests: squares drawn in metres in
EPSG:4544 (the county's Gauss-Kruger zone, where the footprint areas are computed) inside
a known parcel, across two parcels' shared boundary, and on no parcel; and files of them
written with geopandas."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import mapping

from landgis.settings import DEMO_DATA

GK = "EPSG:4544"
# Two parcels with no building, sharing a boundary of 175 m; a third far from them.
FREE = "519901001003GB00001"
NEIGHBOUR = "519901001003GB00006"
OTHER = "519901001003GB00022"


@cache
def parcels_gk() -> gpd.GeoSeries:
    """The demo county's parcels in EPSG:4544, by code."""
    parcels = gpd.read_file(DEMO_DATA, layer="parcels").set_index("parcel_code")
    return parcels.geometry.to_crs(GK)


def square_in(code: str, side: float = 30.0, dx: float = 0.0) -> shapely.Polygon:
    """A ``side`` m square (EPSG:4544) inside parcel ``code``, ``dx`` m east of its middle."""
    parcel = parcels_gk()[code]
    centre = parcel.representative_point()
    square = shapely.box(-side / 2, -side / 2, side / 2, side / 2)
    placed = shapely.affinity.translate(square, centre.x + dx, centre.y)
    assert parcel.contains(placed)
    return placed


def square_across(a: str = FREE, b: str = NEIGHBOUR, side: float = 30.0) -> shapely.Polygon:
    """A ``side`` m square over the middle of the boundary parcels ``a`` and ``b`` share."""
    shared = parcels_gk()[a].intersection(parcels_gk()[b])
    middle = shared.interpolate(0.5, normalized=True)
    return shapely.box(
        middle.x - side / 2, middle.y - side / 2, middle.x + side / 2, middle.y + side / 2
    )


def square_on_no_parcel(side: float = 30.0) -> shapely.Polygon:
    """A square in the county, 200 m south of the parcels' extent, on no parcel."""
    minx, miny, _maxx, _maxy = parcels_gk()[[FREE]].total_bounds
    square = shapely.box(minx, miny - 200 - side, minx + side, miny - 200)
    assert not parcels_gk().intersects(square).any()
    return square


def to_lonlat(geom: shapely.Geometry) -> shapely.Geometry:
    """The EPSG:4544 geometry in lon/lat (EPSG:4490)."""
    return gpd.GeoSeries([geom], crs=GK).to_crs("EPSG:4490").iloc[0]


def geojson(geom: shapely.Geometry) -> dict:
    """The EPSG:4544 geometry as a GeoJSON geometry in lon/lat."""
    return dict(mapping(to_lonlat(geom)))


def write_footprints(
    path: Path, rows: list[dict], geoms: list[shapely.Geometry], *, crs: str = "EPSG:4490"
) -> Path:
    """``rows`` with their EPSG:4544 footprints written to ``path`` in ``crs``."""
    frame = gpd.GeoDataFrame(rows, geometry=list(geoms), crs=GK).to_crs(crs)
    with warnings.catch_warnings():  # a Shapefile's names cut to 10 bytes, as is the point
        warnings.simplefilter("ignore")
        frame.to_file(path, engine="pyogrio")
    return path
