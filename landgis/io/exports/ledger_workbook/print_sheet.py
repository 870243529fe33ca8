"""Sheet 4 (打印): the printed ledger (打印版台账) as a sheet, what printing the workbook is
for: the printed columns only (:mod:`landgis.schema.printed`), a title, the filters in
words, the header row repeated on every page, the cases by zone with subtotals (小计) and
the totals (合计), a sign-off line.

Its print set-up: the print area is the table and its notes, the header row is the print
title, landscape on A3 or A4, fitted to the page's width (as many pages tall as it takes),
``第 &P 页 共 &N 页`` at the foot. Column widths are sized to the paper, so the fit keeps
the text near its 10 pt. Subtotals and totals are ``ROUND(SUBTOTAL(9, …), 2)`` formulas
carrying the totals' rule's values, as on the 台账 sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from landgis.io.exports.ledger_workbook.cells import wrapped_line_counts
from landgis.io.exports.ledger_workbook.page_setup import (
    DEFAULT_FOOTER,
    PAPER_WIDTH_UNITS,
    set_up_page,
)
from landgis.io.exports.ledger_workbook.sheet_xml import LedgerWorksheet
from landgis.io.exports.ledger_workbook.styles import CellFormats
from landgis.io.exports.printed_ledger.lines import CaseLine, Line, SumLine
from landgis.ledger_rules.totals import DECIMALS

PRINT_SHEET = "打印"
LINE_HEIGHT = 13.5  # points per line of 10-point text
SUM_KINDS = ("mu", "m2")


@dataclass(frozen=True)
class PrintedSheet:
    """What the 打印 sheet shows: ``headers``, ``kinds`` (text, int, mu, m2, date) and
    relative ``widths`` of the printed columns, and the ``lines`` (read once, as the sheet
    is written)."""

    title: str
    headers: Sequence[str]
    kinds: Sequence[str]
    widths: Sequence[float]
    lines: Iterable[Line]
    filter_line: str = ""
    notes: Sequence[str] = ()
    sign_off: Sequence[str] = ()
    footer: str = DEFAULT_FOOTER
    colon: str = ":"
    paper: str = "A3"


def _widths(sheet: PrintedSheet) -> list[float]:
    total = sum(sheet.widths) or 1.0
    units = PAPER_WIDTH_UNITS.get(sheet.paper, PAPER_WIDTH_UNITS["A3"])
    return [round(units * w / total, 1) for w in sheet.widths]


def _write_value(
    ws: Worksheet, row: int, col: int, value: object, kind: str, formats: CellFormats, style: str
) -> None:
    if value is None:
        ws.write_blank(row, col, None, formats.printed(kind, style))
    elif kind == "date" and isinstance(value, dt.date):
        day = dt.datetime(value.year, value.month, value.day)
        ws.write_datetime(row, col, day, formats.printed("date", style))
    elif kind in ("int", "mu", "m2") and isinstance(value, int | float):
        ws.write_number(row, col, float(value), formats.printed(kind, style))
    else:
        ws.write_string(row, col, str(value), formats.printed("text", style))


def _sum_row(
    ws: Worksheet,
    row: int,
    line: SumLine,
    ranges: Sequence[tuple[int, int]],
    kinds: Sequence[str],
    formats: CellFormats,
) -> None:
    style = "total" if line.total else "subtotal"
    first = next((i for i, k in enumerate(kinds) if k in SUM_KINDS), len(kinds))
    label_format = formats.printed("text", style)
    if first > 1:
        ws.merge_range(row, 0, row, first - 1, line.label, label_format)
    else:
        ws.write_string(row, 0, line.label, label_format)
    for col in range(max(first, 1), len(kinds)):
        kind = kinds[col]
        fmt = formats.printed(kind if kind in SUM_KINDS else "text", style)
        if col in line.sums:
            parts = ",".join(
                f"{xl_rowcol_to_cell(a, col)}:{xl_rowcol_to_cell(b, col)}" for a, b in ranges
            )
            formula = f"=ROUND(SUBTOTAL(9,{parts}),{DECIMALS})" if ranges else "=0"
            ws.write_formula(row, col, formula, fmt, line.sums[col])
        else:
            ws.write_blank(row, col, None, fmt)


def write_print_sheet(
    book: xlsxwriter.Workbook, formats: CellFormats, printed: PrintedSheet
) -> int:
    """The 打印 sheet with its print set-up; returns the number of cases written."""
    ws = book.add_worksheet(PRINT_SHEET, worksheet_class=LedgerWorksheet)
    kinds = list(printed.kinds)
    last_col = len(kinds) - 1
    widths = _widths(printed)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    row = 0
    ws.set_row(row, 28)
    ws.merge_range(row, 0, row, last_col, printed.title, formats.title)
    row += 1
    if printed.filter_line:
        ws.merge_range(row, 0, row, last_col, printed.filter_line, formats.centered)
        row += 1
    header_row = row
    header_lines = wrapped_line_counts([str(h) for h in printed.headers], min(widths))
    ws.set_row(header_row, LINE_HEIGHT * max(2, int(header_lines.max())) + 4)
    for col, header in enumerate(printed.headers):
        ws.write_string(header_row, col, str(header), formats.header)
    row += 1
    first_data = row
    zone_first = row
    count = 0
    for line in printed.lines:
        if isinstance(line, CaseLine):
            style = "overdue" if line.overdue else "plain"
            texts = [v if isinstance(v, str) else None for v in line.values]
            heights = [
                int(wrapped_line_counts([t], max(w - 1, 1))[0]) if t else 1
                for t, w in zip(texts, widths, strict=True)
            ]
            ws.set_row(row, LINE_HEIGHT * max(heights) + 4)
            for col, (value, kind) in enumerate(zip(line.values, kinds, strict=True)):
                _write_value(ws, row, col, value, kind, formats, style)
            row += 1
            count += 1
            continue
        if line.total:
            ranges = [(first_data, row - 1)] if row > first_data else []
        else:
            ranges = [(zone_first, row - 1)] if row > zone_first else []
        ws.set_row(row, LINE_HEIGHT + 6)
        _sum_row(ws, row, line, ranges, kinds, formats)
        row += 1
        zone_first = row
    last_table_row = row - 1
    row += 1
    for note in printed.notes:
        ws.merge_range(row, 0, row, last_col, note, formats.note)
        row += 1
    if printed.sign_off:
        row += 1
        gap = " " * 4
        blanks = gap.join(f"{label}{printed.colon}{'_' * 14}" for label in printed.sign_off)
        ws.set_row(row, 24)
        ws.merge_range(row, 0, row, last_col, blanks, formats.sign_off)
    set_up_page(ws, paper=printed.paper, footer=printed.footer)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.print_area(0, 0, max(row, last_table_row), last_col)
    ws.freeze_panes(header_row + 1, 0)
    return count
