"""The evaluation's arithmetic on columns, at its edges: no denominator, no benchmark,
negative figures, the cap, the class bounds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from landgis.efficiency.evaluation import evaluate_frames
from landgis.efficiency.figures import FIGURE_COLUMNS
from landgis.efficiency.holdings import HOLDING_COLUMNS
from landgis.efficiency.indicators import FIGURES
from landgis.efficiency.rules import EfficiencyRules
from landgis.efficiency.scoring import (
    benchmarks_of,
    classes_of,
    indicator_scores,
    indicator_values,
    trends,
)


def _frame(**columns: list) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    base = {name: [np.nan] * size for name in FIGURES} | {"area_mu": [np.nan] * size}
    return pd.DataFrame(base | columns)


def test_no_value_without_a_positive_denominator_or_a_numerator():
    frame = _frame(
        tax_yuan=[100_000.0, 100_000.0, 100_000.0, np.nan],
        area_mu=[10.0, 0.0, -5.0, 10.0],
        value_added_yuan=[50_000.0, 0, 0, 0],
        energy_tce=[np.nan, 0.0, 2.0, 1.0],
    )
    values = indicator_values(frame)

    assert values.loc[0, "tax_per_mu"] == pytest.approx(1.0)  # 10 万元 over 10 亩
    assert values["tax_per_mu"].iloc[1:].isna().all()
    assert values["value_added_per_energy"].isna().tolist() == [True, True, False, False]
    assert values.loc[2, "value_added_per_energy"] == 0.0


def test_the_county_benchmark_counts_only_who_has_the_indicator():
    frame = _frame(
        tax_yuan=[300_000.0, 0.0],
        area_mu=[10.0, 20.0],
        value_added_yuan=[400_000.0, 200_000.0],
        energy_tce=[np.nan, 100.0],
    )
    benchmarks = benchmarks_of(frame, EfficiencyRules())

    assert benchmarks["tax_per_mu"] == pytest.approx(30 / 30)  # 30 万元 over 30 亩
    assert benchmarks["value_added_per_energy"] == pytest.approx(20 / 100)  # the second only
    assert benchmarks["rd_intensity"] is None  # nobody reports R&D


def test_scores_never_below_zero_nor_above_the_cap_and_zero_without_a_benchmark():
    values = pd.DataFrame(
        {
            "tax_per_mu": [-2.0, 0.5, 3.0, np.nan],
            "value_added_per_mu": [1.0, 1.0, 1.0, 1.0],
        }
    )
    rules = EfficiencyRules(weights={"tax_per_mu": 3, "value_added_per_mu": 1}, cap=2.0)
    scores = indicator_scores(values, {"tax_per_mu": 1.0, "value_added_per_mu": None}, rules)

    # weights as shares of 100: 75 and 25
    assert scores["score_tax_per_mu"].tolist() == [0.0, 37.5, 150.0, 0.0]
    assert scores["score_value_added_per_mu"].tolist() == [0.0] * 4
    zero = indicator_scores(values, {"tax_per_mu": 0.0, "value_added_per_mu": 1.0}, rules)
    assert zero["score_tax_per_mu"].tolist() == [0.0] * 4


def test_classes_on_the_bounds_as_the_rules_give_them():
    rules = EfficiencyRules()
    totals = pd.Series([120.0, 119.99, 90.0, 89.99, 60.0, 59.99, 0.0])

    assert classes_of(totals, rules).tolist() == [rules.class_of(t) for t in totals]
    assert classes_of(totals, rules).tolist() == ["A", "B", "B", "C", "C", "D", "D"]


def test_trends_from_last_year_class():
    now = pd.Series(["A", "C", "B", "D"])
    before = pd.Series(["B", "B", "B", None], dtype=object)

    assert trends(now, before).tolist() == ["up", "down", "same", "new"]


def test_a_county_without_land_for_its_figures():
    figures = pd.DataFrame(
        [[1, 2023, "91519901MA0000011X", "远方公司", *([1.0] * len(FIGURES))]],
        columns=list(FIGURE_COLUMNS),
    )
    holdings = pd.DataFrame(
        [[7, "P-1", "本地公司", None, 6_000.0, "一区"]], columns=HOLDING_COLUMNS
    )
    evaluation = evaluate_frames(figures, holdings, EfficiencyRules(), 2023)

    assert evaluation.items.empty and list(evaluation.unmatched["name"]) == ["远方公司"]
    assert evaluation.class_counts() == {"A": 0, "B": 0, "C": 0, "D": 0}
    assert all(value is None for value in evaluation.benchmarks.values())
    assert evaluation.previous_year is None


def test_an_enterprise_over_two_zones_and_a_parcel_of_no_area():
    figures = pd.DataFrame(
        [
            [1, 2023, None, "甲公司", *([10_000.0] * len(FIGURES))],
            [2, 2023, None, "乙公司", *([10_000.0] * len(FIGURES))],
        ],
        columns=list(FIGURE_COLUMNS),
    )
    holdings = pd.DataFrame(
        [
            [1, "P-1", "甲公司", None, 2_000.0, "一区"],
            [2, "P-2", "甲公司", None, 1_000.0, None],
            [3, "P-3", "甲公司", None, 1_000.0, "二区"],
            [4, "P-4", "乙公司", None, 0.0, "一区"],
        ],
        columns=HOLDING_COLUMNS,
    )
    evaluation = evaluate_frames(figures, holdings, EfficiencyRules(), 2023)
    item = evaluation.items.iloc[0]

    assert item["zone"] == "一区、二区" and item["parcel_codes"] == ["P-1", "P-2", "P-3"]
    assert item["area_mu"] == pytest.approx(6.0)  # 4000 m² × 3/2000
    assert math.isclose(item["tax_per_mu"], 1 / 6)
    assert list(evaluation.unmatched["name"]) == ["乙公司"]  # land of no area: not evaluated


def test_a_county_whose_parcels_lie_in_no_zone():
    figures = pd.DataFrame(
        [[1, 2023, None, "甲公司", *([10_000.0] * len(FIGURES))]], columns=list(FIGURE_COLUMNS)
    )
    holdings = pd.DataFrame(
        [[1, "P-1", "甲公司", None, 2_000.0, None], [2, "P-2", "甲公司", None, 1_000.0, None]],
        columns=HOLDING_COLUMNS,
    )
    evaluation = evaluate_frames(figures, holdings, EfficiencyRules(), 2023)
    item = evaluation.items.iloc[0]

    assert item["parcel_codes"] == ["P-1", "P-2"] and pd.isna(item["zone"])
    assert item["area_mu"] == pytest.approx(4.5)
