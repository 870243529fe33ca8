"""Sheet 2 (核心数据): the headline figures of the period, then the breakdowns of the
ledger and of the revitalized land, each a small table, in the order the figures come
(:func:`landgis.stats.headline_figures`: statuses in the workflow's order), and last the
factory space's units by zone (vacant, leased, owner-occupied, under construction, the
occupancy rate; :mod:`landgis.space.occupancy`). The figures are those of the exported
(filtered) ledger, already rounded by the totals' rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import xlsxwriter

from landgis import vocab
from landgis.i18n.dates import written_month
from landgis.io.exports.ledger_workbook.cells import write_value
from landgis.io.exports.ledger_workbook.page_setup import DEFAULT_FOOTER, set_up_page
from landgis.io.exports.ledger_workbook.styles import CellFormats

FIGURES_SHEET = "核心数据"
UNASSIGNED_LABEL = "未指定"


def _label(mapping: Mapping[str, str], key: str) -> str:
    if key == "unassigned":
        return UNASSIGNED_LABEL
    return mapping.get(key, key)


def _month_label(key: str) -> str:
    year, _dash, month = key.partition("-")
    if year.isdigit() and month.isdigit():
        return written_month(int(year), int(month))
    return _label({}, key)


def write_figures_sheet(
    book: xlsxwriter.Workbook,
    formats: CellFormats,
    *,
    title: str,
    figures: Mapping[str, Any],
    notes: Sequence[str] = (),
    footer: str = DEFAULT_FOOTER,
) -> None:
    """Sheet 2 (核心数据): the key figures, then the breakdowns, each a small table."""
    sheet = book.add_worksheet(FIGURES_SHEET)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 5, 16)
    set_up_page(sheet, paper="A4", footer=footer, landscape=False)
    sheet.fit_to_pages(1, 0)
    sheet.set_row(0, 26)
    sheet.write_string(0, 0, title, formats.heading)
    period = figures.get("period") or {}
    span = f"{period.get('from') or '…'} 至 {period.get('to') or figures.get('as_of')}"
    sheet.write_string(1, 0, f"台账截至 {figures.get('as_of')};盘活统计期间 {span}", formats.note)
    row = 3
    for col, header in enumerate(("指标", "数值", "单位")):
        sheet.write_string(row, col, header, formats.header)
    row += 1
    key_figures = (
        ("台账宗数", figures["cases"], "int", "宗"),
        ("台账闲置/低效面积", figures["ledger_area_mu"], "mu", "亩"),
        ("闲置厂房面积", figures["idle_building_area_m2"], "m2", "㎡"),
        ("期间盘活面积", figures["revitalized_area_mu"], "mu", "亩"),
        ("期间盘活厂房面积", figures["revitalized_building_area_m2"], "m2", "㎡"),
        (
            "期间盘活厂房面积(万平方米)",
            figures["revitalized_building_area_wan_m2"],
            "m2",
            "万平方米",
        ),
        ("期间盘活宗数", figures["revitalized_cases"], "int", "宗"),
        ("累计盘活面积(台账内)", figures["revitalized_total_area_mu"], "mu", "亩"),
        ("累计盘活厂房面积(台账内)", figures["revitalized_total_building_area_m2"], "m2", "㎡"),
        ("盘活比例(累计盘活/台账面积)", figures["revitalized_share"], "percent", ""),
        ("逾期宗数", figures["overdue_cases"], "int", "宗"),
    )
    for name, value, kind, unit in key_figures:
        sheet.write_string(row, 0, name, formats.cell("text"))
        write_value(sheet, row, 1, value, kind, formats.cell(kind))
        sheet.write_string(row, 2, unit, formats.cell("text"))
        row += 1

    ledger_sections: tuple[tuple[str, str, Mapping[str, str]], ...] = (
        ("按问题类型", "by_category", vocab.CATEGORIES),
        ("按闲置原因", "by_cause", vocab.CAUSES),
        ("按园区", "by_zone", {}),
        ("按处置状态", "by_status", vocab.CASE_STATUSES),
    )
    for name, key, labels in ledger_sections:
        row += 1
        sheet.write_string(row, 0, f"台账{name}", formats.section)
        row += 1
        for col, header in enumerate(("类别", "宗数", "面积(亩)")):
            sheet.write_string(row, col, header, formats.header)
        row += 1
        for group, values in (figures.get(key) or {}).items():
            sheet.write_string(row, 0, _label(labels, group), formats.cell("text"))
            sheet.write_number(row, 1, values["cases"], formats.cell("int"))
            sheet.write_number(row, 2, values["area_mu"], formats.cell("mu"))
            row += 1

    # Month keys (YYYY-MM) have no labels: they are spelled out.
    revitalized_sections: tuple[tuple[str, str, Mapping[str, str] | None], ...] = (
        ("按处置方式", "revitalized_by_route", vocab.ROUTES),
        ("按园区", "revitalized_by_zone", {}),
        ("按月份", "revitalized_by_month", None),
    )
    for name, key, group_labels in revitalized_sections:
        row += 1
        sheet.write_string(row, 0, f"期间盘活{name}", formats.section)
        row += 1
        for col, header in enumerate(("类别", "宗数", "盘活面积(亩)", "盘活厂房面积(㎡)")):
            sheet.write_string(row, col, header, formats.header)
        row += 1
        for group, values in (figures.get(key) or {}).items():
            text = _month_label(group) if group_labels is None else _label(group_labels, group)
            sheet.write_string(row, 0, text, formats.cell("text"))
            sheet.write_number(row, 1, values["cases"], formats.cell("int"))
            sheet.write_number(row, 2, values["area_mu"], formats.cell("mu"))
            sheet.write_number(row, 3, values["building_area_m2"], formats.cell("m2"))
            row += 1
    row = _write_occupancy(sheet, formats, row + 1, figures["occupancy"])
    row += 1
    for note in notes:
        sheet.write_string(row, 0, note, formats.note)
        row += 1


OCCUPANCY_HEADERS = ("园区", "空置(㎡)", "已出租(㎡)", "自用(㎡)", "在建(㎡)", "出租率")
OCCUPANCY_VALUES = ("vacant_m2", "leased_m2", "owner_occupied_m2", "under_construction_m2")


def _write_occupancy(
    sheet: Any, formats: CellFormats, row: int, occupancy: Mapping[str, Any]
) -> int:
    """The units' floor area by use and the occupancy rate, by zone and in all, from
    ``row``; the next free row."""
    title = f"厂房单元使用情况(截至 {occupancy['as_of']};出租率 =(已出租 + 自用)÷ 建成面积)"
    sheet.write_string(row, 0, title, formats.section)
    row += 1
    for col, header in enumerate(OCCUPANCY_HEADERS):
        sheet.write_string(row, col, header, formats.header)
    row += 1
    groups = [*(occupancy.get("by_zone") or {}).items(), ("合计", occupancy)]
    for zone, values in groups:
        sheet.write_string(row, 0, _label({}, zone), formats.cell("text"))
        for col, key in enumerate(OCCUPANCY_VALUES, start=1):
            sheet.write_number(row, col, values[key], formats.cell("m2"))
        rate = values["occupancy_rate"]
        write_value(sheet, row, 5, rate, "percent", formats.cell("percent"))
        row += 1
    return row
