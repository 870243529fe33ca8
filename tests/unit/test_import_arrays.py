"""The array forms of the import checks agree with the row-by-row ones."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, box

from landgis import credit_code
from landgis.db.coerce import number
from landgis.errors import CRSError
from landgis.geo import geodesic_areas_m2, gk_zone_epsg, gk_zone_epsgs
from landgis.imports.cells import typed_columns, typed_fields
from landgis.io.fields import plan_columns


def _parcels() -> gpd.GeoSeries:
    """Parcels of 100 m to 2 km across several Gauss-Kruger zones and latitudes."""
    shapes = []
    for lon in (76.2, 88.4, 101.0, 104.95, 105.6, 121.3, 134.1):
        for lat in (18.3, 30.1, 45.7, 53.2):
            for size in (0.001, 0.005, 0.02):
                shapes.append(MultiPolygon([translate(box(0, 0, size, size * 0.7), lon, lat)]))
    return gpd.GeoSeries(shapes, crs=4490)


def test_geodesic_areas_agree_with_pyproj_geodesics():
    geoms = _parcels()
    geod = Geod(ellps="GRS80")
    expected = np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in geoms])
    assert geodesic_areas_m2(geoms) == pytest.approx(expected, rel=1e-6)


def test_gauss_kruger_zones_as_arrays():
    geoms = _parcels()
    zones = gk_zone_epsgs(geoms)
    assert zones.dtype == np.int32
    expected = [gk_zone_epsg(g.centroid.x) for g in geoms]
    assert zones.tolist() == expected
    assert len(set(expected)) == 6
    with pytest.raises(CRSError):
        gk_zone_epsgs(gpd.GeoSeries([box(10, 40, 10.01, 40.01)], crs=4490))


def test_typed_columns_read_every_cell_as_typed_fields_does():
    valid = "91510100" + "713096385"
    valid += credit_code.check_character(valid)
    frame = pd.DataFrame(
        {
            "宗地编号": ["A-1", " A-2 ", None, "A-4", 5.0, "A-6"],
            "权利人": ["甲公司", "", "   ", "乙" * 300, "丙公司", None],
            "签订日期": ["2015-03-02", "2015-02-30", "2015年3月2日", None, " ", "2016-01-01"],
            "出让价款": [1.5, np.inf, None, 3, 4.25, np.nan],
            "统一社会信用代码": [valid, valid.lower(), "123", None, valid[:-1] + "0", ""],
            "供地方式": ["挂牌出让", "划拨", "赠与", None, "transfer", "出让"],
            "备注": ["x", None, 3, 4.5, "", "y"],
        }
    )
    plan = plan_columns(list(frame.columns))
    assert set(plan.rename.values()) >= {"parcel_code", "holder", "contract_date"}

    columns, extras, problems = typed_columns(frame, plan, first_row=11)

    expected_problems = []
    for position, item in enumerate(frame.to_dict("records")):
        values, extra, found = typed_fields(item, plan, row=11 + position)
        for name, value in values.items():
            assert columns[name][position] == value, (name, position)
        assert extras[position] == (extra or None)
        expected_problems += found
    assert problems == expected_problems
    kinds = {(p.row, p.kind) for p in problems}
    assert (12, "invalid_value") in kinds  # 2015-02-30, and an infinite price
    assert (14, "invalid_value") in kinds  # a holder longer than the column
    assert (15, "invalid_credit_code") in kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.5", 1234.5),
        (" 12.5 ", 12.5),
        ("1 234 567.25", 1234567.25),
        ("1\u00a0234", 1234.0),
        ("１２.５", 12.5),
        ("1，234", 1234.0),
        ("-3.5e2", -350.0),
        (12, 12.0),
    ],
)
def test_numerals_written_as_text(text, expected):
    assert number(text) == expected


@pytest.mark.parametrize(
    "text", ["12.5亩", "12,5", "1_000", "1,2,3", "1,234 567", "", "1.2.3", ".", "infinite"]
)
def test_text_that_is_not_a_plain_numeral(text):
    with pytest.raises(ValueError):
        number(text)
