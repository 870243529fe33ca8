"""Parcel files of any size that import into the demo county: squares on a grid in the
county's empty west, away from the demo's parcels, with codes of their own.

Fault tests and the soak import them (an import big enough to take a few seconds, or one
small enough to repeat)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landgis.io.geopackage import write_geopackage

# A box inside the demo county holding no demo parcel (they lie east of 104.75°E).
WEST = (104.62, 29.96, 104.72, 30.06)
SIDE_DEG = 0.0003  # about 30 m
PITCH_DEG = 0.0004  # squares 10 m apart: they never overlap


def capacity() -> int:
    """How many squares the box holds."""
    columns = int((WEST[2] - WEST[0]) / PITCH_DEG)
    rows = int((WEST[3] - WEST[1]) / PITCH_DEG)
    return columns * rows


def grid_parcels(count: int, prefix: str = "GRID", *, first: int = 0) -> gpd.GeoDataFrame:
    """``count`` square parcels (EPSG:4490) coded ``{prefix}-{n:07d}``, filling the box
    row by row from square ``first``."""
    if first + count > capacity():
        raise ValueError(f"the box holds {capacity()} squares, not {first + count}")
    columns = int((WEST[2] - WEST[0]) / PITCH_DEG)
    cells = np.arange(first, first + count)
    x = WEST[0] + (cells % columns) * PITCH_DEG
    y = WEST[1] + (cells // columns) * PITCH_DEG
    squares = shapely.multipolygons(
        [[shapely.box(a, b, a + SIDE_DEG, b + SIDE_DEG)] for a, b in zip(x, y, strict=True)]
    )
    return gpd.GeoDataFrame(
        {
            "parcel_code": [f"{prefix}-{n:07d}" for n in cells],
            "holder": [f"测试企业{n % 97}有限公司" for n in cells],
            "land_use": "工业用地",
        },
        geometry=squares,
        crs="EPSG:4490",
    )


def write_grid(path: Path, count: int, prefix: str = "GRID", *, first: int = 0) -> Path:
    """A GeoPackage of :func:`grid_parcels` at ``path``."""
    write_geopackage(grid_parcels(count, prefix, first=first), path, layer="parcels")
    return path
