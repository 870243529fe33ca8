"""The coordinate guard: no CRS, Gauss-Kruger zones with and without prefix, swapped axes,
China and county bounds, GCJ-02 offsets (DOMAIN.md section 4)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.affinity import translate
from shapely.geometry import box

from landgis.gcj02 import to_gcj02
from landgis.geo import planar_areas_m2
from landgis.io import crs_guard, gcj02_guard
from landgis.io.crs_guard import resolve, swap_axes
from landgis.io.crs_guess import guess

ORIGIN = (104.90, 30.15)
COUNTY = box(104.59, 29.92, 105.0, 30.28)


def _squares(n: int = 3) -> gpd.GeoSeries:
    x, y = ORIGIN
    return gpd.GeoSeries(
        [translate(box(0, 0, 0.001, 0.0009), x + i * 0.002, y) for i in range(n)], crs=4490
    )


def _bounds(geoms: gpd.GeoSeries) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in geoms.total_bounds)


@pytest.mark.parametrize(("zone", "epsg"), [(25, 4513), (35, 4523), (45, 4533)])
def test_zone_prefixed_eastings_name_their_epsg_code(zone, epsg):
    found = guess((zone * 1e6 + 480_000, 3_330_000, zone * 1e6 + 520_000, 3_340_000))
    assert (found.kind, found.swapped, found.epsg) == ("gk_prefixed", False, (epsg,))


def test_real_coordinates_of_zone_35():
    found = guess(_bounds(_squares().to_crs(4523)))
    assert (found.kind, found.epsg) == ("gk_prefixed", (4523,))
    problem = crs_guard.missing_crs_problem(_bounds(_squares().to_crs(4523)))
    assert problem.kind == "crs_missing" and problem.severity == "error"
    assert "zone 35" in problem.message_en
    assert "choose the coordinate system EPSG:4523 when importing" in problem.message_en
    assert "第 35 带" in problem.message and "请在导入时指定坐标系 EPSG:4523" in problem.message
    assert problem.suggestion == {"crs": ["EPSG:4523"]}
    assert "--" not in problem.message + problem.message_en  # no option of one door


def test_six_degree_prefixed_zones_are_recognised():
    found = guess((18_480_000, 3_330_000, 18_520_000, 3_340_000))
    assert (found.kind, found.epsg) == ("gk_prefixed", (4496,))


def test_eastings_without_prefix_need_the_central_meridian():
    bounds = _bounds(_squares().to_crs(4544))
    found = guess(bounds)
    assert (found.kind, found.epsg) == ("gk", ())
    message = crs_guard.missing_crs_problem(bounds).message_en
    assert "central meridian" in message and "EPSG:4534" in message and "EPSG:4554" in message


def test_the_county_names_the_central_meridian():
    bounds = _bounds(_squares().to_crs(4544))
    assert guess(bounds, COUNTY).epsg == (4544,)
    problem = crs_guard.missing_crs_problem(bounds, COUNTY)
    assert "105°E" in problem.message_en and "coordinate system EPSG:4544" in problem.message_en
    assert "按县界应为 105°E" in problem.message
    assert problem.suggestion == {"crs": ["EPSG:4544"]}


def test_degrees_without_crs_suggest_cgcs2000():
    problem = crs_guard.missing_crs_problem(_bounds(_squares()))
    assert "EPSG:4490" in problem.message_en and "longitude/latitude" in problem.message_en
    assert problem.suggestion == {"crs": ["EPSG:4490", "EPSG:4326"]}


def test_northings_in_the_easting_column_are_swapped_axes():
    gk = _squares().to_crs(4523)
    found = guess(_bounds(swap_axes(gk)))
    assert (found.kind, found.swapped, found.epsg) == ("gk_prefixed", True, (4523,))
    found = guess(_bounds(swap_axes(_squares().to_crs(4544))))
    assert (found.kind, found.swapped) == ("gk", True)


def test_latitude_first_is_swapped_axes():
    found = guess(_bounds(swap_axes(_squares())))
    assert (found.kind, found.swapped) == ("geographic", True)


def test_numbers_that_fit_nothing_are_unknown():
    assert guess((1.0, 2.0, 3.0, 4.0)).kind == "unknown"
    assert guess((9e6, 9e6, 9.1e6, 9.1e6)).kind == "unknown"


def test_resolve_without_crs_refuses_and_names_the_code():
    result = resolve(_squares().to_crs(4523).set_crs(None, allow_override=True), None)
    assert result.geoms is None
    assert [p.kind for p in result.problems] == ["crs_missing"]


def test_resolve_without_crs_reports_swapped_axes_too():
    swapped = swap_axes(_squares().to_crs(4523)).set_crs(None, allow_override=True)
    kinds = [p.kind for p in resolve(swapped, None).problems]
    assert kinds == ["swapped_xy", "crs_missing"]
    swap, missing = resolve(swapped, None).problems
    assert "“Swap X and Y”" in missing.message_en and "“交换 X/Y”" in missing.message
    assert missing.suggestion == {"crs": ["EPSG:4523"], "swap_xy": True}
    assert swap.suggestion == {"swap_xy": True} and "--swap-xy" not in swap.message_en


def test_resolve_with_the_users_crs_transforms_to_cgcs2000():
    gk = _squares().to_crs(4523)
    result = resolve(gk.set_crs(None, allow_override=True), None, "EPSG:4523")
    assert result.problems == []
    assert result.geoms.crs.to_epsg() == 4490
    areas = planar_areas_m2(result.geoms)
    np.testing.assert_allclose(areas, _squares().to_crs(4544).area, rtol=1e-6)


def test_a_declared_crs_with_swapped_axes_is_named():
    gk = _squares().to_crs(4523)
    result = resolve(swap_axes(gk), gk.crs)
    assert result.geoms is None
    assert [p.kind for p in result.problems] == ["swapped_xy"]
    assert "northing" in result.problems[0].message_en
    latlon = resolve(swap_axes(_squares()), _squares().crs)
    assert [p.kind for p in latlon.problems] == ["swapped_xy"]
    assert "Latitude and longitude" in latlon.problems[0].message_en


def test_a_declared_crs_that_does_not_fit_the_numbers_is_named():
    gk = _squares().to_crs(4523).set_crs(4544, allow_override=True)  # prefix under 4544
    result = resolve(gk, gk.crs)
    assert [p.kind for p in result.problems] == ["crs_mismatch"]
    assert "EPSG:4523" in result.problems[0].message_en


def test_the_users_crs_overrides_the_file_with_a_warning():
    gk = _squares().to_crs(4523).set_crs(4544, allow_override=True)
    result = resolve(gk, gk.crs, "EPSG:4523")
    assert [(p.kind, p.severity) for p in result.problems] == [("crs_override", "warning")]
    assert result.geoms is not None


def test_coordinates_outside_china_are_refused():
    europe = gpd.GeoSeries([box(10, 50, 10.01, 50.01)], crs=4326)
    result = resolve(europe, europe.crs)
    assert result.geoms is None and result.problems[0].kind == "outside_china"


def test_unknown_crs_text_is_refused():
    with pytest.raises(Exception, match="Unknown coordinate reference system"):
        crs_guard.parse_crs("EPSG:999999")
    assert crs_guard.parse_crs("4523").to_epsg() == 4523


def test_share_outside_the_county():
    inside = translate(box(0, 0, 0.001, 0.001), 104.9, 30.1)
    half = translate(box(0, 0, 0.002, 0.001), 104.999, 30.1)
    away = translate(box(0, 0, 0.001, 0.001), 106.5, 29.5)
    shares = crs_guard.county_shares_outside(
        gpd.GeoSeries([inside, half, away, None], crs=4490), COUNTY
    )
    assert shares[0] == 0 and shares[3] == 0
    assert shares[1] == pytest.approx(0.5, abs=0.01)
    assert shares[2] == pytest.approx(1.0)


def test_gcj02_offsets_of_matched_parcels_are_recognised():
    stored = _squares(5)
    shifted = to_gcj02(stored)
    problem = gcj02_guard.gcj02_problem(shifted, matched=(shifted, stored))
    assert problem is not None and problem.kind == "gcj02_suspected"
    assert "GCJ-02" in problem.message_en and "--from-gcj02" not in problem.message_en
    assert problem.suggestion == {"from_gcj02": True}


def test_gcj02_suspicion_from_overlap_with_stored_parcels():
    stored = _squares(5)
    problem = gcj02_guard.gcj02_problem(to_gcj02(stored), reference=stored)
    assert problem is not None and "cover stored parcels" in problem.message_en


def test_a_plain_shift_is_not_taken_for_gcj02():
    stored = _squares(5)
    moved = stored.translate(0.004, 0.0)  # ~400 m east: not what GCJ-02 does here
    assert gcj02_guard.gcj02_problem(moved, matched=(moved, stored)) is None
    assert gcj02_guard.gcj02_problem(stored, matched=(stored, stored), reference=stored) is None


def test_outside_mainland_china_gcj02_is_not_suspected():
    stored = gpd.GeoSeries([box(121.5, 25.0, 121.501, 25.001)], crs=4490)  # Taipei
    moved = stored.translate(0.005, 0.0)
    assert gcj02_guard.gcj02_problem(moved, matched=(moved, stored), reference=stored) is None


def test_gcj02_suspicion_from_the_park_boundary_is_a_warning():
    park = gpd.GeoSeries([box(104.899, 30.149, 104.906, 30.151)], crs=4490)
    stored = _squares(3)
    problem = gcj02_guard.gcj02_problem(to_gcj02(stored), zones=park)
    assert problem is not None and problem.severity == "warning"
    assert "within the park" in problem.message_en
    assert gcj02_guard.gcj02_problem(stored, zones=park) is None


def test_overlap_share_with_the_areas_given_is_the_share_measured():
    stored = _squares(5)
    incoming = gpd.GeoSeries([*stored.translate(0.0003, 0.0), None], crs=4490)
    measured = gcj02_guard.overlap_share(incoming, stored)
    areas = np.append(planar_areas_m2(incoming[:-1]), np.nan)
    assert 0 < measured < 1
    assert gcj02_guard.overlap_share(incoming, stored, areas) == pytest.approx(measured, rel=1e-12)
    shifted = to_gcj02(stored)
    assert gcj02_guard.gcj02_problem(
        shifted, reference=stored, areas=planar_areas_m2(shifted)
    ) == gcj02_guard.gcj02_problem(shifted, reference=stored)
