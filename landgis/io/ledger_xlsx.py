"""The ledger workbook (台账 .xlsx), written row by row with XlsxWriter in constant memory.

Sheets:

1. 台账: a title row, the header row (frozen), one row per case grouped by zone with a
   subtotal row after each zone ("小计:<zone> N 宗") and a totals row ("合计:N 宗").
   Areas are numbers with two decimals, dates are real Excel dates, overdue cases are
   shaded. Subtotals and totals are ``SUBTOTAL(9, …)`` formulas that carry their computed
   value, so a reader that does not calculate still sees the figures.
2. 核心数据: the headline figures of the period.
3. 处置记录: every event of the exported cases, oldest first within each case.

The caller passes a table whose columns are the Chinese headers, already labelled; this
module knows the layout, not the database.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from landgis import vocab

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LEDGER_SHEET = "台账"
FIGURES_SHEET = "核心数据"
EVENTS_SHEET = "处置记录"

# Column kinds of the ledger sheet and their Excel number formats.
NUMBER_FORMATS: dict[str, str] = {
    "int": "0",
    "mu": "0.00",
    "m2": "0.00",
    "date": "yyyy-mm-dd",
    "percent": "0.00%",
}
SUM_KINDS = ("mu", "m2")

TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2
OVERDUE_FILL = "#FFC7CE"
OVERDUE_FONT = "#9C0006"
HELPER_FILL = "#EDEDED"
HELPER_FONT = "#7F7F7F"
SUBTOTAL_FILL = "#DDEBF7"
TOTAL_FILL = "#BDD7EE"
MIN_WIDTH, MAX_WIDTH = 6, 40
WIDTH_SAMPLE = 2000
LINE_HEIGHT = 15.0  # points per line of 10-point text, with leading

EVENT_COLUMNS: tuple[tuple[str, str, str, float], ...] = (
    # (event key, header, kind, width)
    ("case_no", "台账编号", "text", 17),
    ("parcel_code", "宗地编号", "text", 22),
    ("occurred_on", "日期", "date", 12),
    ("actor", "经办人", "text", 10),
    ("action", "操作", "text", 12),
    ("status_before", "原状态", "text", 12),
    ("status_after", "新状态", "text", 12),
    ("changes", "变更内容", "wrap", 56),
    ("document_no", "文号", "text", 24),
    ("note", "备注", "wrap", 40),
)
ACTION_LABELS: dict[str, str] = {
    "open": "列入台账",
    "status": "状态变更",
    "edit": "修改",
    "revitalize": "登记盘活",
    "close": "销号",
    "reopen": "重新打开",
    "parcel_update": "宗地数据更新",
    "dismiss": "不予认定/撤销",
}
# Fields an event records that the sheet shows elsewhere (its own columns) or not at all.
EVENT_SKIPPED_FIELDS = frozenset({"case_no", "parcel_code", "parcel_id", "status"})
EVENT_CODE_LABELS: dict[str, Mapping[str, str]] = {
    "category": vocab.CATEGORIES,
    "cause": vocab.CAUSES,
    "route": vocab.ROUTES,
    "status": vocab.CASE_STATUSES,
}
LAND_AREA_FIELDS = frozenset({"idle_area_m2", "revitalized_area_m2"})
FLOOR_AREA_FIELDS = frozenset({"idle_building_area_m2", "revitalized_building_area_m2"})
UNASSIGNED_LABEL = "未指定"


def cn_date(day: dt.date) -> str:
    """``2023-08-31`` as ``2023年8月31日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def display_width(text: str) -> int:
    """Width of ``text`` in Excel's character units: CJK (wide) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def is_blank(value: Any) -> bool:
    """None, NaN or NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class _Formats:
    """The workbook's cell formats, created once (XlsxWriter formats are workbook-wide)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.base = base
        self.title = book.add_format(base | {"bold": True, "font_size": 14, "align": "center"})
        self.heading = book.add_format(base | {"bold": True, "font_size": 14})
        self.header = book.add_format(
            base
            | {"bold": True, "align": "center", "text_wrap": True, "border": 1}
            | {"bg_color": "#D9E1F2"}
        )
        self.helper_header = book.add_format(
            base
            | {"bold": True, "italic": True, "align": "center", "text_wrap": True, "border": 1}
            | {"bg_color": HELPER_FILL, "font_color": HELPER_FONT}
        )
        self.note = book.add_format(base | {"italic": True, "font_color": "#595959"})
        self.section = book.add_format(base | {"bold": True, "font_size": 11})
        self._cells: dict[tuple[str, str], Format] = {}

    def cell(self, kind: str, style: str = "plain") -> Format:
        """The format of a cell of ``kind`` (text, int, mu, m2, date, percent, wrap) in
        ``style`` (plain, overdue, helper, subtotal, total)."""
        key = (kind, style)
        if key not in self._cells:
            spec: dict[str, Any] = dict(self.base) | {"border": 1}
            if kind in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[kind]
            if kind == "date":
                spec["align"] = "center"
            if kind == "wrap":
                spec["text_wrap"] = True
                spec["valign"] = "top"
            if style == "overdue":
                spec |= {"bg_color": OVERDUE_FILL, "font_color": OVERDUE_FONT}
            elif style == "helper":
                spec |= {"bg_color": HELPER_FILL, "font_color": HELPER_FONT}
            elif style == "subtotal":
                spec |= {"bg_color": SUBTOTAL_FILL, "bold": True}
            elif style == "total":
                spec |= {"bg_color": TOTAL_FILL, "bold": True, "top": 2}
            self._cells[key] = self.book.add_format(spec)
        return self._cells[key]


def _write_value(sheet: Worksheet, row: int, col: int, value: Any, kind: str, fmt: Format) -> None:
    if is_blank(value):
        sheet.write_blank(row, col, None, fmt)
    elif kind == "date":
        day = value if isinstance(value, dt.date) else pd.Timestamp(value).date()
        sheet.write_datetime(row, col, dt.datetime(day.year, day.month, day.day), fmt)
    elif kind in ("int", "mu", "m2", "percent"):
        number = float(value)
        if math.isfinite(number):
            sheet.write_number(row, col, number, fmt)
        else:
            sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _cell_values(column: pd.Series, kind: str) -> list[Any]:
    """A column as the values its cells get: float, datetime or str; None for blanks."""
    if kind in ("int", "mu", "m2", "percent"):
        numbers = pd.to_numeric(column, errors="coerce").astype(float)
        return [v if math.isfinite(v) else None for v in numbers.tolist()]
    if kind == "date":
        days = pd.to_datetime(column, errors="coerce")
        return [None if pd.isna(d) else d.to_pydatetime() for d in days]
    return [None if is_blank(v) else str(v) for v in column.tolist()]


def _writer(sheet: Worksheet, kind: str) -> Any:
    if kind in ("int", "mu", "m2", "percent"):
        return sheet.write_number
    if kind == "date":
        return sheet.write_datetime
    return sheet.write_string


def _column_widths(table: pd.DataFrame, kinds: Mapping[str, str]) -> list[float]:
    sample = table.head(WIDTH_SAMPLE)
    widths = []
    for header in table.columns:
        kind = kinds.get(header, "text")
        if kind == "date":
            content = 10
        elif kind in ("int", "mu", "m2"):
            numbers = pd.to_numeric(sample[header], errors="coerce").dropna()
            content = max((len(f"{v:.2f}") for v in numbers), default=4)
        else:
            texts = sample[header].dropna().astype(str)
            content = max((display_width(t) for t in texts), default=4)
        heading = max(display_width(part) for part in str(header).split("/"))
        widths.append(float(min(max(content + 2, heading + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


def _group_runs(groups: Sequence[str]) -> list[tuple[str, int, int]]:
    """Consecutive runs of equal labels as ``(label, first index, last index + 1)``."""
    runs: list[tuple[str, int, int]] = []
    for i, label in enumerate(groups):
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], i + 1)
        else:
            runs.append((label, i, i + 1))
    return runs


def _write_sum_row(
    sheet: Worksheet,
    row: int,
    label: str,
    *,
    columns: Sequence[str],
    kinds: Mapping[str, str],
    sums: Mapping[str, float],
    ranges: Sequence[tuple[int, int]],
    style: str,
    formats: _Formats,
) -> None:
    """A subtotal or totals row: the label across the columns before the first area column,
    then ``SUBTOTAL(9, …)`` of each area column over ``ranges`` (sheet rows, inclusive)."""
    sum_cols = [i for i, h in enumerate(columns) if kinds.get(h) in SUM_KINDS]
    first = sum_cols[0] if sum_cols else len(columns)
    label_format = formats.cell("text", style)
    if first > 1:
        sheet.merge_range(row, 0, row, first - 1, label, label_format)
    else:
        sheet.write_string(row, 0, label, label_format)
    for col in range(max(first, 1), len(columns)):
        header = columns[col]
        kind = kinds.get(header, "text")
        fmt = formats.cell(kind, style)
        if col in sum_cols:
            parts = ",".join(
                f"{xl_rowcol_to_cell(a, col)}:{xl_rowcol_to_cell(b, col)}" for a, b in ranges
            )
            formula = f"=SUBTOTAL(9,{parts})" if ranges else "=0"
            sheet.write_formula(row, col, formula, fmt, round(sums.get(header, 0.0), 2))
        else:
            sheet.write_blank(row, col, None, fmt)


def write_ledger_sheet(
    book: xlsxwriter.Workbook,
    formats: _Formats,
    *,
    title: str,
    table: pd.DataFrame,
    kinds: Mapping[str, str],
    groups: Sequence[str],
    overdue: Sequence[bool],
    helper_columns: Collection[str] = (),
    notes: Sequence[str] = (),
) -> None:
    """Sheet 1 (台账): title, frozen header, rows by zone with subtotals, totals, notes."""
    sheet = book.add_worksheet(LEDGER_SHEET)
    columns = [str(c) for c in table.columns]
    last_col = len(columns) - 1
    for col, width in enumerate(_column_widths(table, kinds)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(FIRST_DATA_ROW, min(2, len(columns)))
    sheet.set_landscape()
    sheet.set_paper(8)  # A3
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(TITLE_ROW, HEADER_ROW)
    sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})

    sheet.set_row(TITLE_ROW, 28)
    if last_col > 0:
        sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, title, formats.title)
    else:
        sheet.write_string(TITLE_ROW, 0, title, formats.title)
    sheet.set_row(HEADER_ROW, 32)
    for col, header in enumerate(columns):
        fmt = formats.helper_header if header in helper_columns else formats.header
        sheet.write_string(HEADER_ROW, col, header, fmt)

    sum_headers = [h for h in columns if kinds.get(h) in SUM_KINDS]
    kind_of = [kinds.get(h, "text") for h in columns]
    cells = [_cell_values(table[h], kind) for h, kind in zip(columns, kind_of, strict=True)]
    writers = [_writer(sheet, kind) for kind in kind_of]
    plain = [
        formats.cell(kind, "helper" if h in helper_columns else "plain")
        for h, kind in zip(columns, kind_of, strict=True)
    ]
    late = [formats.cell(kind, "overdue") for kind in kind_of]
    blank = sheet.write_blank
    row = FIRST_DATA_ROW
    totals = dict.fromkeys(sum_headers, 0.0)
    for label, start, end in _group_runs(list(groups)):
        first_row = row
        for i in range(start, end):
            row_formats = late if overdue[i] else plain
            for col, write in enumerate(writers):
                value = cells[col][i]
                if value is None:
                    blank(row, col, None, row_formats[col])
                else:
                    write(row, col, value, row_formats[col])
            row += 1
        sums = {
            h: sum(v for v in cells[columns.index(h)][start:end] if v is not None)
            for h in sum_headers
        }
        _write_sum_row(
            sheet,
            row,
            f"小计:{label} {end - start} 宗",
            columns=columns,
            kinds=kinds,
            sums=sums,
            ranges=[(first_row, row - 1)],
            style="subtotal",
            formats=formats,
        )
        for header, value in sums.items():
            totals[header] += value
        row += 1
    whole = [(FIRST_DATA_ROW, row - 1)] if row > FIRST_DATA_ROW else []
    _write_sum_row(
        sheet,
        row,
        f"合计:{len(table)} 宗",
        columns=columns,
        kinds=kinds,
        sums=totals,
        ranges=whole,
        style="total",
        formats=formats,
    )
    row += 2
    for note in notes:
        sheet.write_string(row, 0, note, formats.note)
        row += 1


def _label(mapping: Mapping[str, str], key: str) -> str:
    if key == "unassigned":
        return UNASSIGNED_LABEL
    return mapping.get(key, key)


def _month_label(key: str) -> str:
    try:
        year, month = key.split("-")
        return f"{int(year)}年{int(month)}月"
    except ValueError:
        return _label({}, key)


def write_figures_sheet(
    book: xlsxwriter.Workbook,
    formats: _Formats,
    *,
    title: str,
    figures: Mapping[str, Any],
    notes: Sequence[str] = (),
) -> None:
    """Sheet 2 (核心数据): the key figures, then the breakdowns, each a small table."""
    sheet = book.add_worksheet(FIGURES_SHEET)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 3, 16)
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
        ("期间盘活宗数", figures["revitalized_cases"], "int", "宗"),
        ("累计盘活面积(台账内)", figures["revitalized_total_area_mu"], "mu", "亩"),
        ("盘活比例(累计盘活/台账面积)", figures["revitalized_share"], "percent", ""),
        ("逾期宗数", figures["overdue_cases"], "int", "宗"),
    )
    for name, value, kind, unit in key_figures:
        sheet.write_string(row, 0, name, formats.cell("text"))
        _write_value(sheet, row, 1, value, kind, formats.cell(kind))
        sheet.write_string(row, 2, unit, formats.cell("text"))
        row += 1

    ledger_sections = (
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

    revitalized_sections = (
        ("按处置方式", "revitalized_by_route", vocab.ROUTES),
        ("按园区", "revitalized_by_zone", {}),
        ("按月份", "revitalized_by_month", None),
    )
    for name, key, labels in revitalized_sections:
        row += 1
        sheet.write_string(row, 0, f"期间盘活{name}", formats.section)
        row += 1
        for col, header in enumerate(("类别", "宗数", "盘活面积(亩)", "盘活厂房面积(㎡)")):
            sheet.write_string(row, col, header, formats.header)
        row += 1
        for group, values in (figures.get(key) or {}).items():
            text = _month_label(group) if labels is None else _label(labels, group)
            sheet.write_string(row, 0, text, formats.cell("text"))
            sheet.write_number(row, 1, values["cases"], formats.cell("int"))
            sheet.write_number(row, 2, values["area_mu"], formats.cell("mu"))
            sheet.write_number(row, 3, values["building_area_m2"], formats.cell("m2"))
            row += 1
    row += 1
    for note in notes:
        sheet.write_string(row, 0, note, formats.note)
        row += 1


def _event_value(name: str, value: Any) -> str:
    if is_blank(value) or value == "":
        return "空"
    if name in EVENT_CODE_LABELS:
        return EVENT_CODE_LABELS[name].get(str(value), str(value))
    if name in LAND_AREA_FIELDS:
        return f"{float(value) * 3 / 2000:.2f} 亩"
    if name in FLOOR_AREA_FIELDS:
        return f"{float(value):.2f} ㎡"
    if name == "amount_yuan":
        return f"{float(value):,.2f} 元"
    return str(value)


def describe_changes(changes: Mapping[str, Any] | None) -> str:
    """One line per changed field: ``label: before → after`` (unchanged fields left out)."""
    lines = []
    for name, pair in (changes or {}).items():
        if name in EVENT_SKIPPED_FIELDS:
            continue
        before, after = [*list(pair), None, None][:2]
        if (is_blank(before) and is_blank(after)) or before == after:
            continue
        label = vocab.CASE_FIELD_LABELS.get(name, name)
        lines.append(f"{label}: {_event_value(name, before)} → {_event_value(name, after)}")
    return "\n".join(lines)


def _wrapped_lines(value: Any, width: float) -> int:
    """How many lines ``value`` takes in a wrapped cell ``width`` characters wide."""
    if is_blank(value):
        return 1
    return sum(max(1, math.ceil(display_width(line) / width)) for line in str(value).split("\n"))


def write_events_sheet(book: xlsxwriter.Workbook, formats: _Formats, events: pd.DataFrame) -> None:
    """Sheet 3 (处置记录): one row per event, statuses and changed fields in Chinese."""
    sheet = book.add_worksheet(EVENTS_SHEET)
    for col, (_key, header, _kind, width) in enumerate(EVENT_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, formats.header)
    sheet.freeze_panes(1, 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
    for i, event in enumerate(events.to_dict("records"), start=1):
        values = []
        for key, _header, _kind, _width in EVENT_COLUMNS:
            value = event.get(key)
            if key == "action":
                value = ACTION_LABELS.get(value, value)
            elif key in ("status_before", "status_after") and not is_blank(value):
                value = vocab.CASE_STATUSES.get(value, value)
            elif key == "changes":
                value = describe_changes(value) or None
            values.append(value)
        # Rows written in constant memory get no automatic height: size them to the text.
        lines = max(
            _wrapped_lines(value, width)
            for value, (_k, _h, kind, width) in zip(values, EVENT_COLUMNS, strict=True)
            if kind == "wrap"
        )
        if lines > 1:
            sheet.set_row(i, LINE_HEIGHT * lines)
        for col, (value, (_key, _header, kind, _width)) in enumerate(
            zip(values, EVENT_COLUMNS, strict=True)
        ):
            _write_value(sheet, i, col, value, kind, formats.cell(kind))
    if len(events):
        sheet.autofilter(0, 0, len(events), len(EVENT_COLUMNS) - 1)


def write_ledger_workbook(
    out: BinaryIO | str | Path,
    *,
    title: str,
    table: pd.DataFrame,
    kinds: Mapping[str, str],
    groups: Sequence[str],
    overdue: Sequence[bool],
    helper_columns: Collection[str] = (),
    notes: Sequence[str] = (),
    figures: Mapping[str, Any] | None = None,
    figures_title: str = FIGURES_SHEET,
    figures_notes: Sequence[str] = (),
    events: pd.DataFrame | None = None,
    properties: Mapping[str, str] | None = None,
) -> None:
    """Write the ledger workbook to ``out`` (a binary stream or a file path).

    ``table`` has the Chinese headers as columns, in order, with labels for codes, numbers
    for areas and dates for dates; ``kinds`` gives each header's kind (text, int, mu, m2,
    date); ``groups`` is each row's zone label (rows come grouped); ``overdue`` marks the
    rows to shade.
    """
    if len(groups) != len(table) or len(overdue) != len(table):
        raise ValueError("groups and overdue must have one entry per table row")
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False})
    try:
        if properties:
            book.set_properties(dict(properties))
        formats = _Formats(book)
        write_ledger_sheet(
            book,
            formats,
            title=title,
            table=table,
            kinds=kinds,
            groups=groups,
            overdue=overdue,
            helper_columns=helper_columns,
            notes=notes,
        )
        if figures is not None:
            write_figures_sheet(
                book, formats, title=figures_title, figures=figures, notes=figures_notes
            )
        if events is not None:
            write_events_sheet(book, formats, events)
    finally:
        book.close()
