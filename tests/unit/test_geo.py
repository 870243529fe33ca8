import geopandas as gpd
import pytest
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon, box

from landgis.errors import CRSError, InvalidInput
from landgis.geo import (
    geodesic_areas_m2,
    gk_central_meridian,
    gk_zone_epsg,
    gk_zone_epsgs,
    parcel_areas,
    planar_areas_m2,
    to_multipolygon,
)


@pytest.mark.parametrize(
    ("lon", "meridian", "epsg", "prefixed"),
    [
        (75.2, 75, 4534, 4513),
        (104.4, 105, 4544, 4523),
        (106.6, 108, 4545, 4524),
        (134.9, 135, 4554, 4533),
    ],
)
def test_gauss_kruger_zone_of_a_longitude(lon, meridian, epsg, prefixed):
    assert gk_central_meridian(lon) == meridian
    assert gk_zone_epsg(lon) == epsg
    assert gk_zone_epsg(lon, prefixed=True) == prefixed


def test_longitude_outside_china_is_refused():
    with pytest.raises(CRSError, match="Gauss-Kruger"):
        gk_zone_epsg(12.5)


def test_each_parcel_is_measured_in_its_own_zone():
    geoms = gpd.GeoSeries(
        [box(104.5, 30.1, 104.51, 30.11), box(107.0, 30, 107.01, 30.01)], crs=4490
    )
    assert list(gk_zone_epsgs(geoms)) == [4544, 4545]
    planar = planar_areas_m2(geoms)
    # the zone's own projection, computed independently
    expected = [
        geoms.iloc[[0]].to_crs(4544).area.iloc[0],
        geoms.iloc[[1]].to_crs(4545).area.iloc[0],
    ]
    assert planar.tolist() == pytest.approx(expected, rel=1e-12)


def test_planar_area_is_close_to_the_geodesic_area_near_the_central_meridian():
    geoms = gpd.GeoSeries([box(104.9, 30.1, 104.91, 30.11)], crs=4490)
    planar, geodesic = planar_areas_m2(geoms)[0], geodesic_areas_m2(geoms)[0]
    assert planar == pytest.approx(geodesic, rel=1e-4)
    assert 1.0e6 < planar < 1.1e6  # about 0.01° x 0.01° at 30°N


def test_parcel_areas_gives_the_stored_columns():
    geoms = gpd.GeoSeries([box(104.9, 30.1, 104.91, 30.11)], crs=4490)
    columns = parcel_areas(geoms)
    assert set(columns) == {"area_m2", "geodesic_area_m2", "gk_epsg"}
    assert columns["gk_epsg"][0] == 4544


def test_areas_refuse_anything_but_cgcs2000_geographic():
    projected = gpd.GeoSeries([box(500000, 3300000, 500100, 3300100)], crs=4544)
    with pytest.raises(CRSError, match="4490"):
        planar_areas_m2(projected)
    with pytest.raises(CRSError):
        planar_areas_m2(gpd.GeoSeries([box(0, 0, 1, 1)]))


def test_polygons_become_multipolygons_and_lines_are_refused():
    square = box(0, 0, 1, 1)
    assert to_multipolygon(square) == MultiPolygon([square])
    both = GeometryCollection([square, Polygon([(2, 2), (3, 2), (3, 3)])])
    assert len(to_multipolygon(both).geoms) == 2
    for bad in (
        Point(0, 0),
        LineString([(0, 0), (1, 1)]),
        GeometryCollection([square, Point(5, 5)]),
    ):
        with pytest.raises(InvalidInput, match="polygon"):
            to_multipolygon(bad)
