"""The CRSs of OGC API - Features Part 2 (landgis.ogc_crs): their names, axis orders, and a
bbox given in one of them read as the CGCS2000 area it covers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer

from landgis.errors import InvalidInput
from landgis.ogc_crs import (
    CRS84,
    CRS_PARAMETERS,
    DEFAULT_CRS,
    GAUSS_KRUGER_EPSG,
    STORAGE_CRS,
    crs_uris,
    parse_crs,
    read_bbox,
)

EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"


def test_the_list_holds_crs84_first_then_cgcs2000_wgs84_and_the_42_zones():
    uris = crs_uris()
    assert uris[:3] == [CRS84, EPSG.format(4490), EPSG.format(4326)]
    assert uris[3:] == [EPSG.format(code) for code in range(4513, 4555)]
    assert STORAGE_CRS.uri == EPSG.format(4490)
    assert DEFAULT_CRS.uri == CRS84 and not DEFAULT_CRS.north_first
    assert CRS_PARAMETERS == ("crs", "bbox-crs")


@pytest.mark.parametrize("uri", crs_uris())
def test_each_crs_orders_its_axes_as_epsg_does(uri):
    crs = parse_crs(uri)
    assert crs.uri == uri
    assert crs.header == f"<{uri}>"
    if uri == CRS84:
        assert not crs.north_first and not crs.projected
        return
    code = int(uri.rsplit("/", 1)[1])
    first_axis = CRS.from_epsg(code).axis_info[0]
    assert first_axis.direction == "north"
    assert crs.north_first
    assert crs.projected == CRS.from_epsg(code).is_projected
    assert crs.decimals == (3 if crs.projected else 7)
    # EPSG:4326 is written from the stored CGCS2000 numbers (PROJ moves nothing between them).
    assert crs.srid == (code if crs.projected else 4490)


@pytest.mark.parametrize(
    ("value", "uri"),
    [
        (None, CRS84),
        (CRS84, CRS84),
        ("[OGC:CRS84]", CRS84),
        (" http://www.opengis.net/def/crs/EPSG/0/4528 ", EPSG.format(4528)),
        ("[EPSG:4528]", EPSG.format(4528)),
        ("[EPSG:4490]", EPSG.format(4490)),
        ("[EPSG:4554]", EPSG.format(4554)),
    ],
)
def test_crs_by_uri_or_safe_curie(value, uri):
    assert parse_crs(value).uri == uri


@pytest.mark.parametrize(
    "value",
    [
        "",
        "EPSG:4528",
        "epsg:4490",
        "[EPSG:4512]",
        "[EPSG:3857]",
        "[OGC:CRS83]",
        "[ogc:CRS84]",
        "https://www.opengis.net/def/crs/EPSG/0/4528",
        "http://www.opengis.net/def/crs/EPSG/0/4555",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84h",
        "urn:ogc:def:crs:EPSG::4490",
    ],
)
def test_other_crs_values_are_refused_naming_the_parameter(value):
    with pytest.raises(InvalidInput) as refused:
        parse_crs(value, "bbox-crs")
    assert "bbox-crs" in refused.value.message_en
    assert CRS84 in refused.value.message_en


def test_a_crs84_bbox_is_read_as_before_and_bbox_crs_is_checked_without_a_bbox():
    assert read_bbox("104.7,30.0,104.9,30.2", None) == ((104.7, 30.0, 104.9, 30.2), None)
    assert read_bbox("104.7,30.0,104.9,30.2", CRS84) == ((104.7, 30.0, 104.9, 30.2), None)
    assert read_bbox(None, EPSG.format(4528)) == (None, None)
    with pytest.raises(InvalidInput):
        read_bbox(None, "EPSG:4528")


@pytest.mark.parametrize("code", [4490, 4326])
def test_a_geographic_bbox_is_latitude_first(code):
    bbox, shape = read_bbox("30.0,104.7,30.2,104.9", EPSG.format(code))
    assert bbox == (104.7, 30.0, 104.9, 30.2)
    assert shape is None
    with pytest.raises(InvalidInput, match="latitude first"):
        read_bbox("104.7,30.0,104.9,30.2", EPSG.format(code))


def test_a_projected_bbox_becomes_the_area_it_covers_sides_followed():
    # 20 km by 10 km in zone 40, some 1 500 km west of its central meridian: there the grid
    # is turned about 7.5° from north, and its straight sides bend in lon/lat.
    easting, northing = 39_027_000.0, 3_432_000.0
    rectangle = shapely.box(easting - 10_000, northing - 5_000, easting + 10_000, northing + 5_000)
    xmin, ymin, xmax, ymax = rectangle.bounds
    bbox, wkt = read_bbox(f"{ymin},{xmin},{ymax},{xmax}", "[EPSG:4528]")
    assert wkt is not None
    area = shapely.from_wkt(wkt)
    assert area.geom_type == "Polygon" and area.is_valid
    assert bbox == pytest.approx(area.bounds, abs=0)
    to_lonlat = Transformer.from_crs(4528, 4490, always_xy=True)
    corners = np.array(to_lonlat.transform(*np.array(rectangle.exterior.coords).T)).T
    ring = shapely.get_coordinates(area)
    for corner in corners:
        assert np.abs(ring - corner).max(axis=1).min() < 1e-12
    # Back in zone 40 the polygon is the rectangle again, to the millimetre: its sides
    # follow the curves the rectangle's sides are in lon/lat. Straight lon/lat lines between
    # the corners alone would miss them by metres.
    back = Transformer.from_crs(4490, 4528, always_xy=True)

    def in_zone_40(geometry: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(
            geometry, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1]))
        )

    def off(geometry: shapely.Geometry) -> float:
        return shapely.hausdorff_distance(rectangle.boundary, geometry.boundary, densify=0.01)

    assert off(in_zone_40(shapely.segmentize(area, 1e-4))) < 0.002
    assert off(in_zone_40(shapely.segmentize(shapely.Polygon(corners), 1e-4))) > 4
    # The box around the corners, what a lon/lat bbox could say, is far larger.
    assert shapely.box(*bbox).area > area.area * 1.2


def test_a_projected_bbox_without_width_or_height_is_a_line_or_a_point():
    to_lonlat = Transformer.from_crs(4528, 4490, always_xy=True)
    for bbox, ends in (
        ("3432000,39027000,3433000,39027000", [(39027000, 3432000), (39027000, 3433000)]),
        ("3432000,39027000,3432000,39028000", [(39027000, 3432000), (39028000, 3432000)]),
    ):
        _bounds, wkt = read_bbox(bbox, "[EPSG:4528]")
        line = shapely.from_wkt(wkt)
        assert line.geom_type == "LineString"
        expected = [to_lonlat.transform(x, y) for x, y in ends]
        np.testing.assert_allclose(shapely.get_coordinates(line)[[0, -1]], expected, atol=1e-12)
    bounds, wkt = read_bbox("3432000,39027000,3432000,39027000", "[EPSG:4528]")
    point = shapely.from_wkt(wkt)
    assert point.geom_type == "Point"
    assert bounds == (point.x, point.y, point.x, point.y)


@pytest.mark.parametrize(
    "bbox",
    [
        "3432000,39027000,3433000",
        "3432000,39027000,0,3433000,39028000,5",
        "3433000,39027000,3432000,39028000",
        "3432000,39028000,3433000,39027000",
        "inf,39027000,3433000,39028000",
        "x,39027000,3433000,39028000",
        "39027000,3432000,39028000,3433000",  # easting first: beyond the pole
        "-1e12,-1e12,1e12,1e12",
    ],
)
def test_a_bad_projected_bbox_is_refused_with_the_axis_order(bbox):
    with pytest.raises(InvalidInput) as refused:
        read_bbox(bbox, EPSG.format(4528))
    assert "northing X (metres) first" in refused.value.message_en


@pytest.mark.parametrize("code", GAUSS_KRUGER_EPSG)
def test_the_county_read_in_any_zone_comes_back_whole(code):
    # As a conformance test does: the CRS84 extent, put into each zone (the farthest 30°
    # from the county), asked for with bbox-crs.
    extent = shapely.box(104.6, 29.9, 105.0, 30.3)
    to_zone = Transformer.from_crs(4490, code, always_xy=True)
    xmin, ymin, xmax, ymax = to_zone.transform_bounds(*extent.bounds, densify_pts=21)
    _bbox, wkt = read_bbox(f"{ymin},{xmin},{ymax},{xmax}", EPSG.format(code))
    area = shapely.from_wkt(wkt)
    assert area.is_valid
    assert extent.difference(area).area < 1e-9 * extent.area
