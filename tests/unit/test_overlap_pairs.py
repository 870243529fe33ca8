"""The overlap and repeated-row checks of a file: which pairs of rows they name."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.affinity import rotate, translate

from landgis.imports.file_checks import repeated_rows
from landgis.io.validate import overlaps

CELL = 0.001  # about 100 m


def _series(shapes: list[shapely.Geometry | None]) -> gpd.GeoSeries:
    return gpd.GeoSeries(shapes, crs=4490)


def test_neighbours_sharing_an_edge_do_not_overlap():
    row = [shapely.box(118 + i * CELL, 30, 118 + (i + 1) * CELL, 30 + CELL) for i in range(4)]
    turned = [rotate(s, 30, origin=(118, 30)) for s in row]  # boxes meeting over an area
    assert overlaps(_series(row)) == []
    assert overlaps(_series(turned)) == []


def test_overlapping_and_contained_parcels_are_found():
    big = shapely.box(118, 30, 118 + 4 * CELL, 30 + 4 * CELL)
    inside = shapely.box(118 + CELL, 30 + CELL, 118 + 2 * CELL, 30 + 2 * CELL)
    across = shapely.box(118 + 3 * CELL, 30 + 3 * CELL, 118 + 5 * CELL, 30 + 5 * CELL)
    turned = rotate(shapely.box(118 + 10 * CELL, 30, 118 + 11 * CELL, 30 + CELL), 30)
    nudged = translate(turned, CELL / 2)
    found = overlaps(_series([big, inside, across, None, turned, nudged]))
    assert sorted((o.i, o.j) for o in found) == [(0, 1), (0, 2), (4, 5)]
    inner = next(o for o in found if (o.i, o.j) == (0, 1))
    assert inner.share == 1.0 and 9_000 < inner.area_m2 < 12_000


def test_only_equal_geometries_make_a_repeated_row():
    square = shapely.box(118, 30, 118 + CELL, 30 + CELL)
    restarted = shapely.Polygon(np.roll(np.asarray(square.exterior.coords)[:-1], 1, axis=0))
    same_box = shapely.Polygon([(118, 30), (118 + CELL, 30), (118 + CELL, 30 + CELL)])
    frame = gpd.GeoDataFrame(
        {"parcel_code": ["A", "A", "A", "A"]},
        geometry=[square, restarted, same_box, same_box],
        crs=4490,
    )
    assert repeated_rows(frame, ["parcel_code"]) == {1: 0, 3: 2}
