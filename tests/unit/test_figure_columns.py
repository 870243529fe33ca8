"""Which column of a figures table is which: headers with units, rows of sub-headers."""

from __future__ import annotations

import pytest

from landgis.efficiency.imports.columns import (
    Recognised,
    figure_mapping,
    money_note,
    plan_columns,
    recognise,
    unit_factor,
)
from landgis.efficiency.imports.rows import credit_code_problem
from landgis.efficiency.imports.source import headers_of
from landgis.io.problems import FileRefused


@pytest.mark.parametrize(
    ("header", "target", "factor"),
    [
        ("统一社会信用代码", "credit_code", 1.0),
        ("信用代码", "credit_code", 1.0),
        ("纳税人名称", "name", 1.0),
        ("税收(万元)", "tax_yuan", 1e4),
        ("税收（万元）", "tax_yuan", 1e4),
        ("税收实际贡献/万元", "tax_yuan", 1e4),
        ("税收(单位:万元)", "tax_yuan", 1e4),
        ("纳税总额【亿元】", "tax_yuan", 1e8),
        ("主营业务收入 千元", "revenue_yuan", 1e3),
        ("工业总产值", "output_yuan", 1.0),
        ("增加值(万元)", "value_added_yuan", 1e4),
        ("能耗(吨标准煤)", "energy_tce", 1.0),
        ("综合能耗（万吨标准煤）", "energy_tce", 1e4),
        ("主要污染物排放当量", "emissions_t", 1.0),
        ("COD(kg)", "cod_t", 1e-3),
        ("SO₂", "so2_t", 1.0),
        ("氮氧化物（吨）", "nox_t", 1.0),
        ("氨氮", "ammonia_nitrogen_t", 1.0),
        ("年均职工人数(人)", "employees", 1.0),
        ("R&D经费(万元)", "rd_yuan", 1e4),
        ("所属行业", "industry", 1.0),
    ],
)
def test_headers_counties_write_are_recognised_with_their_units(header, target, factor):
    found = recognise(header)
    assert found is not None and found.target == target
    assert unit_factor(found.target, found.unit) == factor


@pytest.mark.parametrize("header", ["备注", "税收(吨)", "能耗(万元)", "联系电话", "金额单位:万元"])
def test_other_headers_are_not_figures(header):
    assert recognise(header) is None


def test_a_table_note_gives_money_columns_without_a_unit_theirs():
    assert money_note(["青溪县2023年度数据", "金额单位：万元"]) == "万元"
    assert money_note(["单位:元"]) == "元"
    assert money_note(["填报单位:经信局"]) is None
    plan = plan_columns({0: "企业名称", 1: "税收", 2: "能耗", 3: "营业收入(元)"}, None, "万元")
    assert plan.factors == {1: 1e4, 2: 1.0, 3: 1.0}


def test_a_second_header_row_names_the_columns_under_a_merged_group():
    top = ["企业名称", "排放量(吨)", None, "税收", "营业收入"]
    below = [None, "化学需氧量", "氨氮(千克)", "万元", None]
    assert headers_of(top, below) == {
        0: "企业名称",
        1: "化学需氧量(吨)",
        2: "氨氮(千克)",
        3: "税收(万元)",
        4: "营业收入",
    }


def test_a_mapping_names_fields_and_units_and_refuses_what_it_cannot_use():
    mapping = figure_mapping({"本年税金": {"field": "tax_yuan", "unit": "千元"}, "备注": None})
    assert mapping.get("本年税金") == (True, Recognised("tax_yuan", "千元"))
    assert mapping.get("备注") == (True, None)
    with pytest.raises(FileRefused) as refused:
        figure_mapping({"甲": "tax", "乙": {"field": "employees", "unit": "万元"}})
    assert "甲: tax" in refused.value.message and "乙:" in refused.value.message


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("915199019722851350", "第 18 位应为 6,而不是 0"),
        ("91519901972285135", "应为 18 位"),
        ("9151990197228513I6", "应为 18 位"),
    ],
)
def test_a_credit_code_that_fails_names_what_it_should_be(code, said):
    found = credit_code_problem(code, 7)
    assert found is not None and found.row == 7 and found.is_error
    assert said in found.message
    assert credit_code_problem("915199019722851356", 7) is None
