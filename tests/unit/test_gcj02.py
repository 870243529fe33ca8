"""The GCJ-02 display shift against published reference values."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon

from landgis.gcj02 import from_gcj02, gcj02_to_wgs84, in_mainland_china, to_gcj02, wgs84_to_gcj02

GEOD = Geod(ellps="WGS84")

# Published pairs (WGS84 lon, lat) -> (GCJ-02 lon, lat), with the tolerance they are given to.
REFERENCE_PAIRS = [
    # wandergis/coordtransform test/app.js: Beijing, to the full double.
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164), 1e-12),
    # hujiulong/gcoord test/unit/crs/WGS84.spec.js (5 decimals).
    ((123.0, 45.0), (123.00607541, 45.00197815), 5e-6),
]
# hujiulong/gcoord test/unit/crs/GCJ02.spec.js: GCJ-02 (123, 45) -> WGS84 (5 decimals).
REFERENCE_INVERSE = ((123.0, 45.0), (122.99395597, 44.99804071), 5e-6)

INSIDE = {
    "Beijing": (116.404, 39.915),
    "Chengdu": (104.066, 30.572),
    "Shanghai": (121.47, 31.23),
    "Guangzhou": (113.26, 23.13),
    "Urumqi": (87.6, 43.8),
    "Kashgar": (75.99, 39.47),
    "Lhasa": (91.1, 29.65),
    "Harbin": (126.6, 45.75),
    "Heihe": (127.5, 50.25),
    "Dandong": (124.38, 40.12),
    "Kunming": (102.7, 25.04),
    "Haikou": (110.3, 20.04),
    "Sanya": (109.5, 18.25),
}
OUTSIDE = {
    "Taipei": (121.56, 25.03),
    "Seoul": (126.98, 37.57),
    "Pyongyang": (125.75, 39.03),
    "Tokyo": (139.7, 35.7),
    "Ulaanbaatar": (106.9, 47.9),
    "Hanoi": (105.85, 21.03),
    "Vladivostok": (131.9, 43.1),
    "Khabarovsk": (135.07, 48.48),
    "Bishkek": (74.6, 42.87),
    "Kathmandu": (85.3, 27.7),
    "New Delhi": (77.2, 28.6),
    "Myitkyina": (97.4, 25.38),
    "London": (-0.12, 51.5),
    "Sydney": (151.2, -33.87),
}


@pytest.mark.parametrize(("wgs", "gcj", "tolerance"), REFERENCE_PAIRS)
def test_forward_matches_published_pairs(wgs, gcj, tolerance):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert float(lon) == pytest.approx(gcj[0], abs=tolerance)
    assert float(lat) == pytest.approx(gcj[1], abs=tolerance)


def test_inverse_matches_the_published_pair():
    gcj, wgs, tolerance = REFERENCE_INVERSE
    lon, lat = gcj02_to_wgs84(*gcj)
    assert float(lon) == pytest.approx(wgs[0], abs=tolerance)
    assert float(lat) == pytest.approx(wgs[1], abs=tolerance)


@pytest.mark.parametrize("city", ["Beijing", "Chengdu"])
def test_the_shift_is_a_few_hundred_metres(city):
    lon, lat = INSIDE[city]
    glon, glat = wgs84_to_gcj02(lon, lat)
    _, _, metres = GEOD.inv(lon, lat, float(glon), float(glat))
    assert 300 < metres < 700


def test_the_demo_county_shifts_too():
    """The fictional county lies near Chengdu (104.8°E, 30.1°N)."""
    glon, glat = wgs84_to_gcj02(104.76, 30.09)
    _, _, metres = GEOD.inv(104.76, 30.09, float(glon), float(glat))
    assert 300 < metres < 700


@pytest.mark.parametrize("city", sorted(INSIDE))
def test_mainland_cities_are_inside(city):
    assert in_mainland_china(*INSIDE[city])


@pytest.mark.parametrize("city", sorted(OUTSIDE))
def test_points_outside_mainland_china_are_not_moved(city):
    lon, lat = OUTSIDE[city]
    assert not in_mainland_china(lon, lat)
    assert tuple(map(float, wgs84_to_gcj02(lon, lat))) == (lon, lat)
    assert tuple(map(float, gcj02_to_wgs84(lon, lat))) == (lon, lat)


def test_round_trip_through_the_inverse_is_below_a_millimetre():
    rng = np.random.default_rng(4490)
    lon = rng.uniform(98.0, 122.0, 5000)
    lat = rng.uniform(22.0, 42.0, 5000)
    inside = in_mainland_china(lon, lat)
    assert inside.mean() > 0.9
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert np.all((np.abs(glon - lon) > 1e-4) == inside)
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    # 1e-8 degrees is about a millimetre.
    assert np.max(np.abs(back_lon - lon)) < 1e-8
    assert np.max(np.abs(back_lat - lat)) < 1e-8


def test_arrays_keep_their_shape():
    lon = np.array([[116.404, 104.066], [139.7, 121.47]])
    lat = np.array([[39.915, 30.572], [35.7, 31.23]])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon.shape == glat.shape == (2, 2)
    assert glon[1, 0] == 139.7  # Tokyo is not moved
    assert glon[0, 0] == pytest.approx(116.41024449916938, abs=1e-12)


def test_geometries_are_moved_vertex_by_vertex_and_the_input_is_kept():
    ring = [(104.76, 30.09), (104.77, 30.09), (104.77, 30.1), (104.76, 30.1)]
    polygon = MultiPolygon([Polygon(ring)])
    frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[polygon], crs="EPSG:4490")
    moved = to_gcj02(frame)
    assert moved is not frame
    assert moved.crs == frame.crs and list(moved["code"]) == ["A"]
    assert moved.geometry.name == frame.geometry.name
    assert frame.geometry.iloc[0].equals(polygon), "the original is not modified"
    coordinates = shapely.get_coordinates(moved.geometry.iloc[0])
    expected = np.column_stack(wgs84_to_gcj02(*shapely.get_coordinates(polygon).T))
    np.testing.assert_allclose(coordinates, expected, rtol=0, atol=1e-12)
    assert moved.geometry.iloc[0].geom_type == "MultiPolygon"

    series = to_gcj02(frame.geometry)
    assert isinstance(series, gpd.GeoSeries) and series.crs == frame.crs
    assert series.iloc[0].equals_exact(moved.geometry.iloc[0], 0)
    single = to_gcj02(Point(116.404, 39.915))
    assert (single.x, single.y) == pytest.approx((116.41024449916938, 39.91640428150164))
    back = from_gcj02(moved)
    np.testing.assert_allclose(
        shapely.get_coordinates(back.geometry.iloc[0]),
        shapely.get_coordinates(polygon),
        rtol=0,
        atol=1e-9,
    )


def test_empty_and_missing_geometries_pass_through():
    frame = gpd.GeoDataFrame({"code": []}, geometry=[], crs="EPSG:4490")
    assert to_gcj02(frame).empty
    series = gpd.GeoSeries([None, Point(116.404, 39.915)], crs="EPSG:4490")
    moved = to_gcj02(series)
    assert moved.iloc[0] is None
    assert moved.iloc[1].x == pytest.approx(116.41024449916938)
