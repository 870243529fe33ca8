"""The unit of a registered-area column named without one, judged from its values."""

from __future__ import annotations

import numpy as np
import pytest

from landgis.io.fields import area_unit_from_values, plan_columns
from landgis.units import M2_PER_HECTARE, M2_PER_MU

AREAS = np.array([12_000.0, 8_500.0, 30_250.0, 4_100.0, 66_700.0])
MU = float(M2_PER_MU)
HA = float(M2_PER_HECTARE)


def test_hectares():
    assert area_unit_from_values(AREAS / HA * 1.02, AREAS) == HA


def test_mu():
    assert area_unit_from_values(AREAS / MU * 0.97, AREAS) == MU


def test_square_metres():
    assert area_unit_from_values(AREAS.round(), AREAS) == 1.0


def test_a_few_rows_off_still_match_at_four_in_five():
    values = AREAS / HA
    values[2] *= 1.5  # one row of five off: 80 % match
    assert area_unit_from_values(values, AREAS) == HA
    values[3] *= 1.5  # two of five: 60 %
    assert area_unit_from_values(values, AREAS) is None


def test_mixed_units_or_no_match_give_none():
    mixed = np.array([AREAS[0] / HA, AREAS[1] / MU, AREAS[2], AREAS[3] / HA, AREAS[4] / MU])
    assert area_unit_from_values(mixed, AREAS) is None
    assert area_unit_from_values(AREAS / 100, AREAS) is None
    assert area_unit_from_values(AREAS * 1.06, AREAS) is None  # just past 5 %


def test_nothing_to_compare_gives_none():
    assert area_unit_from_values([], []) is None
    assert area_unit_from_values([None, None], [100.0, 200.0]) is None
    assert area_unit_from_values([1.0, 2.0], [np.nan, np.nan]) is None


def test_blank_zero_and_negative_values_and_missing_polygons_are_left_out():
    values = [None, 0.0, -3.0, AREAS[0] / HA, AREAS[1] / HA, np.nan, AREAS[2] / HA]
    areas = [AREAS[0], AREAS[1], AREAS[2], AREAS[0], AREAS[1], AREAS[2], np.nan]
    assert area_unit_from_values(values, areas) == HA  # judged on the two usable rows


@pytest.mark.parametrize(
    ("columns", "mapping", "unknown"),
    [
        (["宗地编号", "面积"], None, "面积"),
        (["宗地编号", "AREA"], None, "AREA"),
        (["宗地编号", "登记面积"], None, "登记面积"),
        (["宗地编号", "面积(亩)"], None, None),
        (["宗地编号", "面积_公顷"], None, None),
        (["宗地编号", "area_m2"], None, None),  # reserved: never the registered area
        (["宗地编号", "面积"], {"面积": "registered_area_m2"}, None),
        (["宗地编号", "面积"], {"面积": "registered_area_ha"}, None),
        (["宗地编号", "面积", "宗地面积"], {"宗地面积": None}, "面积"),
    ],
)
def test_only_a_column_known_by_name_alone_has_its_unit_judged(columns, mapping, unknown):
    assert plan_columns(columns, mapping).unit_unknown == unknown
