"""Cell values and row heights of the ledger workbook, computed a column at a time, agree
with the same figures computed value by value."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from landgis.io.exports.ledger_workbook import cell_values, display_width, wrapped_line_counts

TEXTS = [
    None,
    "",
    "状态: 已认定 → 处置中\n闲置/低效面积: 12.00 亩 → 13.50 亩",
    "a" * 100,
    "x\n\ny",
    "闲" * 60,
    "ｆｕｌｌ width ＡＢＣ",
]


def lines_one_by_one(value: str | None, width: float) -> int:
    if value is None:
        return 1
    return sum(max(1, math.ceil(display_width(line) / width)) for line in value.split("\n"))


def test_line_counts_of_a_column_equal_those_of_each_value():
    for width in (10, 12, 40, 56):
        expected = [lines_one_by_one(v, width) for v in TEXTS]
        assert wrapped_line_counts(TEXTS, width).tolist() == expected
    assert wrapped_line_counts([], 40).tolist() == []
    assert wrapped_line_counts([None, None], 40).tolist() == [1, 1]


def test_display_width_counts_wide_characters_twice():
    assert display_width("abc") == 3
    assert display_width("台账 → 2") == 8
    assert display_width("ＡＢ") == 4


def test_dates_become_the_serials_excel_gives_them():
    days = pd.Series([dt.date(2023, 8, 31), None, dt.date(1900, 3, 1), dt.date(1900, 2, 28)])
    assert cell_values(days, "date") == [45169.0, None, 61.0, 59.0]


def test_numbers_and_text_with_blanks():
    assert cell_values(pd.Series([1.234, None, float("nan"), 3]), "mu") == [1.234, None, None, 3.0]
    assert cell_values(pd.Series(["a", None, 5, float("nan")]), "text") == ["a", None, "5", None]
