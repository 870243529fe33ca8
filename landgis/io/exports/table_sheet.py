"""One plain table as a worksheet, printed like the ledger workbook's sheets: a title row,
a note line, the header row (repeated on every printed page, frozen with the first
columns), one row per record and a 合计 row summing the columns marked to be summed;
landscape, one page wide, with the page footer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter

from landgis.io.exports.ledger_workbook.cells import display_width, write_value
from landgis.io.exports.ledger_workbook.page_setup import DEFAULT_FOOTER, set_up_page
from landgis.io.exports.ledger_workbook.styles import CellFormats

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 3
MIN_WIDTH, MAX_WIDTH = 6, 40


@dataclass(frozen=True)
class Column:
    """A column: the record's key, its header (with the unit), its kind (text, int, m2 —
    two decimals, mu, date, percent) and whether the 合计 row sums it."""

    key: str
    header: str
    kind: str = "text"
    summed: bool = False


def _width(column: Column, records: Sequence[Mapping[str, Any]]) -> float:
    values: list[Any] = [r[column.key] for r in records if r.get(column.key) not in (None, "")]
    if column.kind == "text":
        size = max((display_width(str(v)) for v in values), default=4)
    elif column.kind == "date":
        size = 10
    else:
        size = max((len(f"{float(v):,.2f}") for v in values), default=4)
    heading = max(display_width(part) for part in column.header.split("("))
    return float(min(max(size + 2, heading + 2, MIN_WIDTH), MAX_WIDTH))


def write_table_sheet(
    book: xlsxwriter.Workbook,
    formats: CellFormats,
    *,
    name: str,
    title: str,
    note: str,
    columns: Sequence[Column],
    records: Sequence[Mapping[str, Any]],
    counted: str,
    paper: str = "A3",
    footer: str = DEFAULT_FOOTER,
    frozen_columns: int = 1,
) -> None:
    """The sheet ``name``: ``title``, ``note``, the header and ``records``, then 合计 (the
    number of records, ``counted`` their unit such as 栋, and the summed columns)."""
    sheet = book.add_worksheet(name)
    last = len(columns) - 1
    set_up_page(sheet, paper=paper, footer=footer)
    sheet.repeat_rows(HEADER_ROW, HEADER_ROW)
    sheet.fit_to_pages(1, 0)
    sheet.freeze_panes(FIRST_DATA_ROW, frozen_columns)
    sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
    sheet.set_row(TITLE_ROW, 30)
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last, title, formats.title)
    sheet.merge_range(NOTE_ROW, 0, NOTE_ROW, last, note, formats.note)
    sheet.set_row(HEADER_ROW, 32)
    for col, column in enumerate(columns):
        sheet.write_string(HEADER_ROW, col, column.header, formats.header)
    cells = [formats.cell(column.kind) for column in columns]
    row = FIRST_DATA_ROW
    for record in records:
        for col, column in enumerate(columns):
            write_value(sheet, row, col, record.get(column.key), column.kind, cells[col])
        row += 1
    text = formats.cell("text", "total")
    sheet.write_string(row, 0, f"合计:{len(records)} {counted}", text)
    for col, column in enumerate(columns[1:], start=1):
        if column.summed:
            total = round(sum(float(r.get(column.key) or 0.0) for r in records), 2)
            sheet.write_number(row, col, total, formats.cell(column.kind, "total"))
        else:
            sheet.write_blank(row, col, None, text)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, _width(column, records))
