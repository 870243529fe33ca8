"""The ledger workbook (台账 .xlsx), written row by row with XlsxWriter in constant memory.

Sheets:

1. 台账: a title row, the header row (frozen), one row per case grouped by zone with a
   subtotal row after each zone ("小计:<zone> N 宗") and a totals row ("合计:N 宗").
   Areas are numbers with two decimals, dates are real Excel dates, overdue cases are
   shaded. Subtotals and totals are ``SUBTOTAL(9, …)`` formulas that carry their computed
   value, so a reader that does not calculate still sees the figures.
2. 核心数据: the headline figures of the period.
3. 处置记录: every event of the exported cases, oldest first within each case.

The caller passes the rows in chunks whose columns are the Chinese headers, already
labelled, and the events in chunks; each chunk is prepared column by column and written as
it comes, so a workbook of any size holds one chunk in memory. This module knows the
layout, not the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
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
# Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 the 29 February 1900 it
# believes in, so from 1 March 1900 on a date's serial counts days from 1899-12-30.
EXCEL_EPOCH_DATE = dt.date(1899, 12, 30)
EXCEL_EPOCH = pd.Timestamp(EXCEL_EPOCH_DATE)
EXCEL_FIRST_REAL_SERIAL = 61

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
    if text.isascii():
        return len(text)
    wide = sum(1 for ch in text if not ch.isascii() and unicodedata.east_asian_width(ch) in "WF")
    return len(text) + wide


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


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _excel_serials(column: pd.Series) -> np.ndarray:
    """Dates as Excel serial numbers (1900 system, as XlsxWriter writes them); NaN blanks."""
    days = pd.to_datetime(column, errors="coerce").dt.normalize()
    serial = ((days - EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)
    # Excel counts 29 February 1900, which never was: days before 1 March 1900 count one less.
    return np.where(serial < EXCEL_FIRST_REAL_SERIAL, serial - 1, serial)


def _with_blanks(values: np.ndarray) -> list[Any]:
    """Floats with None for NaN and infinities."""
    cells = values.astype(object)
    cells[~np.isfinite(values)] = None
    return cells.tolist()


def cell_values(column: pd.Series, kind: str) -> list[Any]:
    """A column as the values its cells get, computed column-wise: floats for numbers and
    dates (Excel serials), str for text; None for blanks."""
    if kind in ("int", "mu", "m2", "percent"):
        return _with_blanks(_numbers(column))
    if kind == "date":
        return _with_blanks(_excel_serials(column))
    present = column.notna().to_numpy()
    cells = np.full(len(column), None, dtype=object)
    cells[present] = column[present].astype(str).to_numpy(dtype=object)
    return cells.tolist()


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


def _writer(sheet: Worksheet, kind: str) -> Any:
    if kind in ("int", "mu", "m2", "percent", "date"):
        return sheet.write_number
    return sheet.write_string


class _Widths:
    """Column widths from the values of the first :data:`WIDTH_SAMPLE` rows."""

    def __init__(self, columns: Sequence[str], kinds: Sequence[str]) -> None:
        self.columns = list(columns)
        self.kinds = list(kinds)
        self.content: list[int | None] = [None] * len(self.columns)
        self.sampled = 0

    def add(self, cells: Sequence[list[Any]]) -> None:
        """Widen by the first rows of a chunk's cells (column-wise) until the sample is full."""
        take = min(WIDTH_SAMPLE - self.sampled, len(cells[0]) if cells else 0)
        if take <= 0:
            return
        for col, kind in enumerate(self.kinds):
            values = [v for v in cells[col][:take] if v is not None]
            if not values or kind == "date":
                continue
            if kind in ("int", "mu", "m2"):
                width = max(len(f"{v:.2f}") for v in values)
            else:
                width = max(display_width(v) for v in values)
            self.content[col] = max(self.content[col] or 0, width)
        self.sampled += take

    def widths(self) -> list[float]:
        """Each column's width: its content or its header, within MIN_WIDTH…MAX_WIDTH."""
        out = []
        for header, kind, content in zip(self.columns, self.kinds, self.content, strict=True):
            size = 10 if kind == "date" else (4 if content is None else content)
            heading = max(display_width(part) for part in str(header).split("/"))
            out.append(float(min(max(size + 2, heading + 2, MIN_WIDTH), MAX_WIDTH)))
        return out


@dataclasses.dataclass(frozen=True)
class LedgerChunk:
    """Consecutive ledger rows: ``table`` has the Chinese headers as columns (labels for
    codes, numbers for areas, dates for dates), ``groups`` each row's zone label (rows come
    grouped), ``overdue`` the rows to shade."""

    table: pd.DataFrame
    groups: Sequence[str]
    overdue: Sequence[bool]

    def __post_init__(self) -> None:
        if len(self.groups) != len(self.table) or len(self.overdue) != len(self.table):
            raise ValueError("groups and overdue must have one entry per table row")


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


class _Group:
    """The zone being written: its label, first sheet row, row count and area sums."""

    def __init__(self, label: str, first_row: int, sum_cols: Sequence[int]) -> None:
        self.label = label
        self.first_row = first_row
        self.count = 0
        self.sums = dict.fromkeys(sum_cols, 0.0)

    def add(self, cells: Sequence[list[Any]], start: int, end: int) -> None:
        self.count += end - start
        for col in self.sums:
            self.sums[col] += sum(v for v in cells[col][start:end] if v is not None)


def write_ledger_sheet(
    book: xlsxwriter.Workbook,
    formats: _Formats,
    *,
    title: str,
    columns: Sequence[str],
    kinds: Mapping[str, str],
    chunks: Iterable[LedgerChunk],
    helper_columns: Collection[str] = (),
    notes: Sequence[str] = (),
) -> int:
    """Sheet 1 (台账): title, frozen header, rows by zone with subtotals, totals, notes.

    The rows come in chunks and are written as they come, column values prepared per chunk;
    returns the number of rows written.
    """
    sheet = book.add_worksheet(LEDGER_SHEET)
    columns = [str(c) for c in columns]
    last_col = len(columns) - 1
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

    kind_of = [kinds.get(h, "text") for h in columns]
    sum_cols = [col for col, kind in enumerate(kind_of) if kind in SUM_KINDS]
    writers = [_writer(sheet, kind) for kind in kind_of]
    plain = [
        formats.cell(kind, "helper" if h in helper_columns else "plain")
        for h, kind in zip(columns, kind_of, strict=True)
    ]
    late = [formats.cell(kind, "overdue") for kind in kind_of]
    blank = sheet.write_blank
    widths = _Widths(columns, kind_of)
    totals = dict.fromkeys(sum_cols, 0.0)
    count = 0
    row = FIRST_DATA_ROW
    group: _Group | None = None

    def close_group() -> int:
        assert group is not None
        sums = {columns[c]: v for c, v in group.sums.items()}
        _write_sum_row(
            sheet,
            row,
            f"小计:{group.label} {group.count} 宗",
            columns=columns,
            kinds=kinds,
            sums=sums,
            ranges=[(group.first_row, row - 1)],
            style="subtotal",
            formats=formats,
        )
        for col, value in group.sums.items():
            totals[col] += value
        return row + 1

    for chunk in chunks:
        size = len(chunk.table)
        if not size:
            continue
        cells = [
            cell_values(chunk.table[h], kind) for h, kind in zip(columns, kind_of, strict=True)
        ]
        widths.add(cells)
        groups = list(chunk.groups)
        overdue = [bool(v) for v in chunk.overdue]
        start = 0
        while start < size:
            label = groups[start]
            end = start + 1
            while end < size and groups[end] == label:
                end += 1
            if group is not None and group.label != label:
                row = close_group()
                group = None
            if group is None:
                group = _Group(label, row, sum_cols)
            for values, is_late in zip(
                zip(*(c[start:end] for c in cells), strict=True), overdue[start:end], strict=True
            ):
                row_formats = late if is_late else plain
                for col, value in enumerate(values):
                    if value is None:
                        blank(row, col, None, row_formats[col])
                    else:
                        writers[col](row, col, value, row_formats[col])
                row += 1
            group.add(cells, start, end)
            start = end
        count += size
    if group is not None:
        row = close_group()
    for col, width in enumerate(widths.widths()):
        sheet.set_column(col, col, width)
    whole = [(FIRST_DATA_ROW, row - 1)] if row > FIRST_DATA_ROW else []
    _write_sum_row(
        sheet,
        row,
        f"合计:{count} 宗",
        columns=columns,
        kinds=kinds,
        sums={columns[c]: v for c, v in totals.items()},
        ranges=whole,
        style="total",
        formats=formats,
    )
    row += 2
    for note in notes:
        sheet.write_string(row, 0, note, formats.note)
        row += 1
    return count


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


_PLAIN_TYPES = (str, int, bool)


def _missing(value: Any) -> bool:
    """:func:`is_blank`, quick for the plain values events hold."""
    return value is None or (type(value) not in _PLAIN_TYPES and is_blank(value))


def _event_value(name: str, value: Any) -> str:
    if _missing(value) or value == "":
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
    labels = vocab.CASE_FIELD_LABELS
    for name, pair in (changes or {}).items():
        if name in EVENT_SKIPPED_FIELDS:
            continue
        before, after = [*list(pair), None, None][:2]
        if before == after or (_missing(before) and _missing(after)):
            continue
        label = labels.get(name, name)
        lines.append(f"{label}: {_event_value(name, before)} → {_event_value(name, after)}")
    return "\n".join(lines)


@functools.cache
def _wide_characters() -> np.ndarray:
    """For each code point, whether Excel shows it double width (East Asian W or F)."""
    wide = np.zeros(sys.maxunicode + 1, dtype=np.int64)
    for code in range(0x1100, sys.maxunicode + 1):
        if unicodedata.east_asian_width(chr(code)) in "WF":
            wide[code] = 1
    return wide


def wrapped_line_counts(values: Sequence[str | None], width: float) -> np.ndarray:
    """How many lines each value takes in a wrapped cell ``width`` characters wide (1 for
    blanks), for a whole column at once: each line of text is :func:`display_width` wide."""
    lines: list[str] = []
    owners: list[int] = []
    for i, value in enumerate(values):
        if value is not None:
            parts = value.split("\n")
            lines.extend(parts)
            owners.extend([i] * len(parts))
    counts = np.ones(len(values), dtype=np.int64)
    if not lines:
        return counts
    codes = np.frombuffer("".join(lines).encode("utf-32-le"), dtype=np.uint32)
    cumulative = np.concatenate(([0], np.cumsum(1 + _wide_characters()[codes])))
    ends = np.cumsum(np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)))
    starts = np.concatenate(([0], ends[:-1]))
    widths = cumulative[ends] - cumulative[starts]
    per_line = np.maximum(1, np.ceil(widths / width)).astype(np.int64)
    totals = np.bincount(np.asarray(owners), weights=per_line, minlength=len(values))
    return np.maximum(counts, totals.astype(np.int64))


def event_cells(event: Sequence[Any]) -> list[Any]:
    """An event (values in the order of :data:`EVENT_COLUMNS`) as its row's cell values:
    Chinese labels for the action and statuses, the changes in words, dates as Excel
    serials; None for blanks."""
    case_no, parcel_code, occurred_on, actor, action, before, after, changes, doc, note = event
    statuses = vocab.CASE_STATUSES
    values = [
        case_no,
        parcel_code,
        None,
        actor,
        ACTION_LABELS.get(action, action),
        before if _missing(before) else statuses.get(before, before),
        after if _missing(after) else statuses.get(after, after),
        describe_changes(changes) or None,
        doc,
        note,
    ]
    cells = [None if _missing(v) else (v if type(v) is str else str(v)) for v in values]
    cells[2] = None if _missing(occurred_on) else _excel_day(occurred_on)
    return cells


def _excel_day(value: Any) -> float | None:
    day = value if isinstance(value, dt.date) else pd.Timestamp(value).date()
    serial = float((dt.date(day.year, day.month, day.day) - EXCEL_EPOCH_DATE).days)
    return serial - 1 if serial < EXCEL_FIRST_REAL_SERIAL else serial


def write_events_sheet(
    book: xlsxwriter.Workbook, formats: _Formats, events: Iterable[Sequence[Sequence[Any]]]
) -> int:
    """Sheet 3 (处置记录): one row per event, statuses and changed fields in Chinese.

    ``events`` come in chunks of rows, each row's values in the order of
    :data:`EVENT_COLUMNS` (``changes`` a mapping); returns the number of events written.
    """
    sheet = book.add_worksheet(EVENTS_SHEET)
    for col, (_key, header, _kind, width) in enumerate(EVENT_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, formats.header)
    sheet.freeze_panes(1, 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
    kinds = [kind for _k, _h, kind, _w in EVENT_COLUMNS]
    writers = [sheet.write_number if kind == "date" else sheet.write_string for kind in kinds]
    cell_formats = [formats.cell(kind) for kind in kinds]
    wrapped = [
        (col, width) for col, (_k, _h, kind, width) in enumerate(EVENT_COLUMNS) if kind == "wrap"
    ]
    blank = sheet.write_blank
    row = 0
    for chunk in events:
        rows = [event_cells(event) for event in chunk]
        # Rows written in constant memory get no automatic height: size them to the text.
        heights = np.ones(len(rows), dtype=np.int64)
        for col, width in wrapped:
            counts = wrapped_line_counts([values[col] for values in rows], width)
            heights = np.maximum(heights, counts)
        for values, lines in zip(rows, heights.tolist(), strict=True):
            row += 1
            if lines > 1:
                sheet.set_row(row, LINE_HEIGHT * lines)
            for col, value in enumerate(values):
                if value is None:
                    blank(row, col, None, cell_formats[col])
                else:
                    writers[col](row, col, value, cell_formats[col])
    if row:
        sheet.autofilter(0, 0, row, len(EVENT_COLUMNS) - 1)
    return row


def write_ledger_workbook(
    out: BinaryIO | str | Path,
    *,
    title: str,
    columns: Sequence[str],
    kinds: Mapping[str, str],
    chunks: Iterable[LedgerChunk],
    helper_columns: Collection[str] = (),
    notes: Sequence[str] = (),
    figures: Callable[[], Mapping[str, Any]] | Mapping[str, Any] | None = None,
    figures_title: str = FIGURES_SHEET,
    figures_notes: Sequence[str] = (),
    events: Iterable[Sequence[Sequence[Any]]] | None = None,
    properties: Mapping[str, str] | None = None,
) -> int:
    """Write the ledger workbook to ``out`` (a binary stream or a file path); returns the
    number of ledger rows.

    ``columns`` are the Chinese headers in order, ``kinds`` each header's kind (text, int,
    mu, m2, date); the rows come in ``chunks`` (:class:`LedgerChunk`), grouped by zone, and
    are written as they come. ``figures`` (or a function giving them, called after the
    ledger sheet is written) fill sheet 2; ``events`` (chunks of rows, read after the
    ledger sheet) sheet 3.
    """
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False})
    try:
        if properties:
            book.set_properties(dict(properties))
        formats = _Formats(book)
        count = write_ledger_sheet(
            book,
            formats,
            title=title,
            columns=columns,
            kinds=kinds,
            chunks=chunks,
            helper_columns=helper_columns,
            notes=notes,
        )
        if figures is not None:
            values = figures() if callable(figures) else figures
            write_figures_sheet(
                book, formats, title=figures_title, figures=values, notes=figures_notes
            )
        if events is not None:
            write_events_sheet(book, formats, events)
    finally:
        book.close()
    return count
