"""A year's per-mu evaluation (亩均效益评价) as the county's usual results table (.xlsx):

1. 评价结果: the title row (``青溪县2023年度工业企业亩均效益综合评价结果表``), a line
   with the count per class, two header rows (groups, then each column with its unit),
   one row per enterprise best first (序号, credit code, name, zone, parcels, land in 亩,
   the figures, the indicators, 综合得分, 评价类别, last year's score and class) and a
   合计 row; the header frozen, printed landscape like the ledger workbook;
2. 评价基准: each indicator's formula, benchmark and where it comes from, weight, the cap
   and the scores that give each class;
3. 未匹配宗地企业: the enterprises with figures but no land, not evaluated.

Money is written in 万元 (the figures are stored in 元), land in 亩 (the 合计 by the totals'
rule: the stored m² summed, converted and rounded once). Texts are Chinese, as the ledger
workbook's.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from landgis.efficiency.evaluation import Evaluation
from landgis.efficiency.indicators import CLASS_NAMES, CLASSES, INDICATORS
from landgis.efficiency.listing import class_totals
from landgis.efficiency.scoring import effective_weights
from landgis.i18n import Localizable
from landgis.io.exports.entry import safe_place
from landgis.io.exports.ledger_workbook.cells import display_width, write_value
from landgis.io.exports.ledger_workbook.page_setup import DEFAULT_FOOTER, set_up_page
from landgis.io.exports.ledger_workbook.styles import CellFormats
from landgis.ledger_rules.totals import area_total

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULT_SHEET, RULES_SHEET, UNMATCHED_SHEET = "评价结果", "评价基准", "未匹配宗地企业"
TITLE_ROW, LINE_ROW, GROUP_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 3, 4
MIN_WIDTH, MAX_WIDTH = 6, 36
FROZEN_COLUMNS = 3  # 序号, 统一社会信用代码, 企业名称
WAN = 1e4
NEW_LABEL = "新参评"


def _zh(text: Localizable) -> str:
    return text.render("zh")


@dataclass(frozen=True)
class Column:
    """A column of the results: its group, header (with the unit), kind (text, int, mu —
    two decimals) and how its value is read from an item (a row of the evaluation)."""

    group: str
    header: str
    kind: str
    key: str
    divisor: float = 1.0


FIGURE_COLUMNS: tuple[Column, ...] = (
    Column("年度数据", "税收(万元)", "mu", "tax_yuan", WAN),
    Column("年度数据", "营业收入(万元)", "mu", "revenue_yuan", WAN),
    Column("年度数据", "工业总产值(万元)", "mu", "output_yuan", WAN),
    Column("年度数据", "工业增加值(万元)", "mu", "value_added_yuan", WAN),
    Column("年度数据", "综合能耗(吨标准煤)", "mu", "energy_tce"),
    Column("年度数据", "主要污染物排放当量(吨)", "mu", "emissions_t"),
    Column("年度数据", "年均职工人数(人)", "mu", "employees"),
    Column("年度数据", "研发经费(万元)", "mu", "rd_yuan", WAN),
)
COLUMNS: tuple[Column, ...] = (
    Column("企业基本情况", "序号", "int", "rank"),
    Column("企业基本情况", "统一社会信用代码", "text", "credit_code"),
    Column("企业基本情况", "企业名称", "text", "name"),
    Column("企业基本情况", "所在园区/片区", "text", "zone"),
    Column("企业基本情况", "宗地编号", "text", "parcels"),
    Column("企业基本情况", "用地面积(亩)", "mu", "area_mu"),
    *FIGURE_COLUMNS,
    *(
        Column("亩均效益指标", f"{_zh(indicator.label)}({indicator.unit})", "mu", indicator.key)
        for indicator in INDICATORS
    ),
    Column("评价结果", "综合得分", "mu", "score"),
    Column("评价结果", "评价类别", "text", "class"),
    Column("评价结果", "上年得分", "mu", "previous_score"),
    Column("评价结果", "上年类别", "text", "previous_class"),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)


def efficiency_title(county: str, year: int) -> str:
    """``青溪县2023年度工业企业亩均效益综合评价结果表``."""
    return f"{county}{year}年度工业企业亩均效益综合评价结果表"


def efficiency_filenames(county: str, year: int) -> tuple[str, str]:
    """``亩均效益评价_青溪县_2023.xlsx`` and its ASCII fallback ``efficiency_2023.xlsx``."""
    return f"亩均效益评价_{safe_place(county)}_{year}.xlsx", f"efficiency_{year}.xlsx"


def result_rows(evaluation: Evaluation) -> pd.DataFrame:
    """The results table's rows, one per enterprise best first, in the columns
    :data:`HEADERS`: money in 万元, land in 亩, the previous class or 新参评."""
    items = evaluation.items.assign(
        rank=range(1, len(evaluation.items) + 1),
        parcels=evaluation.items["parcel_codes"].map("、".join),
        previous_class=evaluation.items["previous_class"].where(
            evaluation.items["previous_class"].notna(), NEW_LABEL
        ),
    )
    table = {}
    for column in COLUMNS:
        values = items[column.key]
        if column.kind == "mu":
            values = pd.to_numeric(values, errors="coerce").astype(float) / column.divisor
        table[column.header] = values
    return pd.DataFrame(table, index=items.index).reset_index(drop=True)


def _widths(headers: Sequence[str], kinds: Sequence[str], rows: pd.DataFrame) -> list[float]:
    widths = []
    for header, kind in zip(headers, kinds, strict=True):
        values = rows[header].dropna() if header in rows else pd.Series([], dtype=object)
        if kind == "text":
            size = max((display_width(str(value)) for value in values), default=4)
        else:
            size = max((len(f"{float(value):,.2f}") for value in values), default=4)
        heading = max(display_width(part) for part in header.split("("))
        widths.append(float(min(max(size + 2, heading + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


def _merged(sheet: Worksheet, row: int, first: int, last: int, text: str, fmt: Any) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, fmt)
    else:
        sheet.write_string(row, first, text, fmt)


def _group_header(sheet: Worksheet, formats: CellFormats) -> None:
    """The group row over the column headers, each group merged across its columns."""
    start = 0
    for col in range(1, len(COLUMNS) + 1):
        if col == len(COLUMNS) or COLUMNS[col].group != COLUMNS[start].group:
            _merged(sheet, GROUP_ROW, start, col - 1, COLUMNS[start].group, formats.header)
            start = col


def _summary_line(evaluation: Evaluation) -> str:
    counts = "、".join(
        f"{total.grade}类({_zh(CLASS_NAMES[total.grade])}){total.count}家 {total.area_mu:.2f}亩"
        for total in class_totals(evaluation.items)
    )
    before = (
        f";上年为 {evaluation.previous_year} 年度评价结果"
        if evaluation.previous_year
        else ";上年无评价结果"
    )
    return f"评价年度 {evaluation.year} 年;参评企业 {len(evaluation.items)} 家:{counts}{before}"


def _write_results(
    book: xlsxwriter.Workbook,
    formats: CellFormats,
    evaluation: Evaluation,
    title: str,
    paper: str,
    footer: str,
) -> None:
    sheet = book.add_worksheet(RESULT_SHEET)
    last = len(COLUMNS) - 1
    set_up_page(sheet, paper=paper, footer=footer)
    sheet.repeat_rows(GROUP_ROW, HEADER_ROW)
    sheet.fit_to_pages(1, 0)
    sheet.freeze_panes(FIRST_DATA_ROW, FROZEN_COLUMNS)
    sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
    sheet.set_row(TITLE_ROW, 30)
    _merged(sheet, TITLE_ROW, 0, last, title, formats.title)
    _merged(sheet, LINE_ROW, 0, last, _summary_line(evaluation), formats.note)
    _group_header(sheet, formats)
    sheet.set_row(HEADER_ROW, 45)
    for col, header in enumerate(HEADERS):
        sheet.write_string(HEADER_ROW, col, header, formats.header)
    rows = result_rows(evaluation)
    kinds = [column.kind for column in COLUMNS]
    cells = [formats.cell(kind) for kind in kinds]
    row = FIRST_DATA_ROW
    for values in rows.itertuples(index=False, name=None):
        for col, value in enumerate(values):
            write_value(sheet, row, col, value, kinds[col], cells[col])
        row += 1
    _write_total(sheet, row, rows, evaluation, formats)
    for col, width in enumerate(_widths(HEADERS, kinds, rows)):
        sheet.set_column(col, col, width)


def _write_total(
    sheet: Worksheet, row: int, rows: pd.DataFrame, evaluation: Evaluation, formats: CellFormats
) -> None:
    """合计: the count, the land (the stored m² summed, converted once) and each figure's
    sum; the indicators and scores are not summed."""
    text = formats.cell("text", "total")
    area_col = HEADERS.index("用地面积(亩)")
    _merged(sheet, row, 0, area_col - 1, f"合计:{len(rows)} 家", text)
    area = area_total(float(evaluation.items["area_m2"].sum()), "mu")
    sheet.write_number(row, area_col, area, formats.cell("mu", "total"))
    figures = {column.header for column in FIGURE_COLUMNS}
    for col in range(area_col + 1, len(COLUMNS)):
        header = HEADERS[col]
        if header in figures:
            total = round(float(rows[header].sum(skipna=True)), 6)
            sheet.write_number(row, col, total, formats.cell("mu", "total"))
        else:
            sheet.write_blank(row, col, None, text)


def _write_rules(
    book: xlsxwriter.Workbook, formats: CellFormats, evaluation: Evaluation, footer: str
) -> None:
    sheet = book.add_worksheet(RULES_SHEET)
    set_up_page(sheet, paper="A4", footer=footer, landscape=False)
    sheet.fit_to_pages(1, 0)
    for col, width in enumerate((22, 34, 16, 14, 26, 10)):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 26)
    sheet.write_string(0, 0, f"{evaluation.year}年度亩均效益评价基准与权重", formats.heading)
    headers = ("指标", "计算方法", "单位", "基准值", "基准来源", "权重")
    for col, header in enumerate(headers):
        sheet.write_string(2, col, header, formats.header)
    weights = effective_weights(evaluation.rules)
    labels = {column.key: column.header.split("(")[0] for column in FIGURE_COLUMNS}
    labels["area_mu"] = "用地面积"
    row = 3
    for indicator in INDICATORS:
        is_set = indicator.key in evaluation.rules.benchmarks
        source = "县设定值" if is_set else "全县参评企业合计值"
        method = f"{labels[indicator.numerator]} ÷ {labels[indicator.denominator]}"
        weight = weights.get(indicator.key)
        sheet.write_string(row, 0, _zh(indicator.label), formats.cell("text"))
        sheet.write_string(row, 1, method, formats.cell("text"))
        sheet.write_string(row, 2, indicator.unit, formats.cell("text"))
        write_value(
            sheet, row, 3, evaluation.benchmarks.get(indicator.key), "mu", formats.cell("mu")
        )
        sheet.write_string(row, 4, source, formats.cell("text"))
        if weight:
            sheet.write_number(row, 5, weight, formats.cell("mu"))
        else:
            sheet.write_string(row, 5, "不计分", formats.cell("text"))
        row += 1
    row += 1
    sheet.write_string(row, 0, "评价类别", formats.section)
    row += 1
    for col, header in enumerate(("类别", "名称", "综合得分")):
        sheet.write_string(row, col, header, formats.header)
    row += 1
    thresholds = evaluation.rules.thresholds
    for grade in CLASSES:
        bound = f"≥ {thresholds[grade]:g}" if grade in thresholds else f"< {thresholds['C']:g}"
        sheet.write_string(row, 0, grade, formats.cell("text"))
        sheet.write_string(row, 1, _zh(CLASS_NAMES[grade]), formats.cell("text"))
        sheet.write_string(row, 2, bound, formats.cell("text"))
        row += 1
    row += 1
    notes = (
        f"每项指标得分 = 权重 × 指标值 ÷ 基准值,最高为权重的 {evaluation.rules.cap:g} 倍,"
        "最低为 0;综合得分为各项得分之和,保留两位小数。",
        "全县参评企业合计值:参评企业该项分子之和 ÷ 分母之和(未报该项数据的企业不计入)。",
        "权重按计分指标合计 100 折算。",
    )
    for note in notes:
        sheet.write_string(row, 0, note, formats.note)
        row += 1


def _write_unmatched(
    book: xlsxwriter.Workbook, formats: CellFormats, evaluation: Evaluation, footer: str
) -> None:
    sheet = book.add_worksheet(UNMATCHED_SHEET)
    set_up_page(sheet, paper="A4", footer=footer, landscape=False)
    sheet.fit_to_pages(1, 0)
    for col, width in enumerate((8, 24, 40, 16, 16)):
        sheet.set_column(col, col, width)
    sheet.write_string(0, 0, "有年度数据但未找到宗地的企业(未参加评价)", formats.heading)
    headers = ("序号", "统一社会信用代码", "企业名称", "税收(万元)", "营业收入(万元)")
    for col, header in enumerate(headers):
        sheet.write_string(2, col, header, formats.header)
    sheet.freeze_panes(3, 0)
    row = 3
    for number, item in enumerate(evaluation.unmatched.to_dict("records"), start=1):
        sheet.write_number(row, 0, number, formats.cell("int"))
        write_value(sheet, row, 1, item["credit_code"], "text", formats.cell("text"))
        write_value(sheet, row, 2, item["name"], "text", formats.cell("text"))
        write_value(sheet, row, 3, item["tax_yuan"] / WAN, "mu", formats.cell("mu"))
        write_value(sheet, row, 4, item["revenue_yuan"] / WAN, "mu", formats.cell("mu"))
        row += 1
    note = "请核对宗地的土地使用权人及统一社会信用代码,或企业名称,再重新评价。"
    sheet.write_string(row + 1, 0, note if row > 3 else "无。", formats.note)


def write_efficiency_workbook(
    evaluation: Evaluation,
    out: BinaryIO | str | os.PathLike[str],
    *,
    county: str,
    paper: str = "A3",
    footer: str = DEFAULT_FOOTER,
) -> None:
    """Write the workbook of ``evaluation`` to ``out`` (a binary stream or a path); the
    results print landscape on ``paper`` (A3 or A4), one page wide."""
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    try:
        title = efficiency_title(county, evaluation.year)
        book.set_properties({"title": title, "subject": "亩均效益综合评价", "company": county})
        formats = CellFormats(book)
        _write_results(book, formats, evaluation, title, paper, footer)
        _write_rules(book, formats, evaluation, footer)
        _write_unmatched(book, formats, evaluation, footer)
    finally:
        book.close()


def efficiency_workbook(evaluation: Evaluation, *, county: str, paper: str = "A3") -> bytes:
    """The workbook's bytes."""
    buffer = io.BytesIO()
    write_efficiency_workbook(evaluation, buffer, county=county, paper=paper)
    return buffer.getvalue()


def write_efficiency_file(
    evaluation: Evaluation, path: Path, *, county: str, paper: str = "A3"
) -> Path:
    """Write the workbook to ``path``, whole or not at all."""
    partial = path.with_name(f".{path.name}.part")
    try:
        write_efficiency_workbook(evaluation, partial, county=county, paper=paper)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
