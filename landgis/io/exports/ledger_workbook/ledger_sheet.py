"""Sheet 1 (台账): a title row, the header row (frozen), one row per case grouped by zone
with a subtotal row after each zone ("小计:<zone> N 宗") and a totals row ("合计:N 宗").

Areas are numbers shown with two decimals (the cells keep every digit), dates are real
Excel dates, overdue cases are shaded. Subtotals and totals follow the totals' rule
(:func:`landgis.ledger_rules.totals.area_total`: the stored m² summed, converted once,
rounded once): each is a ``ROUND(SUBTOTAL(9, …), 2)`` formula over the unrounded cells that
carries the rule's value, so a reader that does not calculate and a spreadsheet that
recalculates show the same digits, those of every other total. The rows come in chunks
and are written as they come, so a sheet of any size holds one chunk in memory.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from landgis.io.exports.ledger_workbook.cells import cell_values, display_width
from landgis.io.exports.ledger_workbook.page_setup import (
    DEFAULT_FOOTER,
    PAPER_WIDTH_UNITS,
    set_up_page,
)
from landgis.io.exports.ledger_workbook.sheet_xml import LedgerWorksheet
from landgis.io.exports.ledger_workbook.styles import CellFormats
from landgis.ledger_rules.totals import DECIMALS, area_total
from landgis.units import mu_to_m2

LEDGER_SHEET = "台账"
SUM_KINDS = ("mu", "m2")

TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2
MIN_WIDTH, MAX_WIDTH = 6, 40
WIDTH_SAMPLE = 2000
# Columns printed on each page of a sheet too wide for one (序号, 宗地编号).
REPEATED_COLUMNS = 2


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
    grouped), ``overdue`` the rows to shade. ``areas_m2`` holds the stored m² of the summed
    (亩 and ㎡) columns by header, what subtotals and totals are computed from; without
    it, the cells' own values (亩 converted back to m²)."""

    table: pd.DataFrame
    groups: Sequence[str]
    overdue: Sequence[bool]
    areas_m2: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if len(self.groups) != len(self.table) or len(self.overdue) != len(self.table):
            raise ValueError("groups and overdue must have one entry per table row")
        if self.areas_m2 is not None and len(self.areas_m2) != len(self.table):
            raise ValueError("areas_m2 must have one row per table row")

    def stored_m2(self, header: str, kind: str) -> list[float]:
        """The stored m² of the summed column ``header`` (of ``kind``), 0 when unknown."""
        if self.areas_m2 is not None:
            values = pd.to_numeric(self.areas_m2[header], errors="coerce")
        else:
            values = pd.to_numeric(self.table[header], errors="coerce")
            values = mu_to_m2(values) if kind == "mu" else values
        return values.astype(float).fillna(0.0).tolist()


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
    formats: CellFormats,
) -> None:
    """A subtotal or totals row: the label across the columns before the first area column,
    then ``ROUND(SUBTOTAL(9, …), 2)`` of each area column over ``ranges`` (sheet rows,
    inclusive), carrying the rule's total of the column's stored m² (``sums``)."""
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
            formula = f"=ROUND(SUBTOTAL(9,{parts}),{DECIMALS})" if ranges else "=0"
            value = area_total(sums.get(header, 0.0), "mu" if kind == "mu" else "m2")
            sheet.write_formula(row, col, formula, fmt, value)
        else:
            sheet.write_blank(row, col, None, fmt)


class _Group:
    """The zone being written: its label, first sheet row, row count and the sums of the
    stored m² of its area columns."""

    def __init__(self, label: str, first_row: int, sum_cols: Sequence[int]) -> None:
        self.label = label
        self.first_row = first_row
        self.count = 0
        self.sums = dict.fromkeys(sum_cols, 0.0)

    def add(self, stored: Mapping[int, list[float]], start: int, end: int) -> None:
        self.count += end - start
        for col in self.sums:
            self.sums[col] += sum(stored[col][start:end])


def _fit_across_pages(sheet: Worksheet, widths: Sequence[float], paper: str) -> None:
    """Print every column at a readable size: the sheet spread over as many pages across
    as its width needs on ``paper`` (the first :data:`REPEATED_COLUMNS` on each, to tell
    the rows apart), row bands in order, each page's columns after the other; never
    shrunk to one page wide (31 columns at a few points)."""
    repeated = min(REPEATED_COLUMNS, len(widths))
    fixed = sum(widths[:repeated])
    room = max(PAPER_WIDTH_UNITS.get(paper, PAPER_WIDTH_UNITS["A3"]) - fixed, 1.0)
    across = max(1, math.ceil((sum(widths) - fixed) / room))
    if across > 1 and repeated:
        sheet.repeat_columns(0, repeated - 1)
    sheet.fit_to_pages(across, 0)
    sheet.print_across()


def write_ledger_sheet(
    book: xlsxwriter.Workbook,
    formats: CellFormats,
    *,
    title: str,
    columns: Sequence[str],
    kinds: Mapping[str, str],
    chunks: Iterable[LedgerChunk],
    helper_columns: Collection[str] = (),
    notes: Sequence[str] | Callable[[int], Sequence[str]] = (),
    paper: str = "A3",
    footer: str = DEFAULT_FOOTER,
) -> int:
    """Sheet 1 (台账): title, frozen header, rows by zone with subtotals, totals, notes;
    printed on ``paper`` (landscape) as wide as its columns need (:func:`_fit_across_pages`).

    The rows come in chunks and are written as they come, column values prepared per chunk;
    returns the number of rows written.
    """
    sheet = book.add_worksheet(LEDGER_SHEET, worksheet_class=LedgerWorksheet)
    assert isinstance(sheet, LedgerWorksheet)
    columns = [str(c) for c in columns]
    last_col = len(columns) - 1
    sheet.freeze_panes(FIRST_DATA_ROW, min(2, len(columns)))
    set_up_page(sheet, paper=paper, footer=footer)
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
    writers = sheet.cell_writers(kind_of)
    plain = [
        formats.cell(kind, "helper" if h in helper_columns else "plain")
        for h, kind in zip(columns, kind_of, strict=True)
    ]
    late = [formats.cell(kind, "overdue") for kind in kind_of]
    blank = sheet.write_blank_cell
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
        stored = {col: chunk.stored_m2(columns[col], kind_of[col]) for col in sum_cols}
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
                        blank(row, col, row_formats[col])
                    else:
                        writers[col](row, col, value, row_formats[col])
                row += 1
            group.add(stored, start, end)
            start = end
        count += size
    if group is not None:
        row = close_group()
    column_widths = widths.widths()
    for col, width in enumerate(column_widths):
        sheet.set_column(col, col, width)
    _fit_across_pages(sheet, column_widths, paper)
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
    for note in notes(count) if callable(notes) else notes:
        sheet.write_string(row, 0, note, formats.note)
        row += 1
    return count
