"""The public idle-land list as a workbook (.xlsx): one sheet with a title row, a line
saying the date and the totals, the header row, one row per parcel and a 合计 row.

Areas are the list's own: each row's area in 亩 by the totals' rule, and the 合计 the
rule's total of the stored m² (summed, converted and rounded once), written as a number,
not a formula, so every reader shows the digits of the page. Printed landscape on A4,
fitted to the page width, with the header row repeated on every page.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from landgis.disclosure import DisclosureList
from landgis.i18n import DEFAULT_LANGUAGE, _
from landgis.io.exports.ledger_workbook.book import MEDIA_TYPE
from landgis.io.exports.ledger_workbook.cells import display_width, write_value
from landgis.io.exports.ledger_workbook.styles import CellFormats

__all__ = [
    "MEDIA_TYPE",
    "disclosure_filenames",
    "disclosure_workbook",
    "write_disclosure",
    "write_disclosure_file",
]

TITLE_ROW, DATE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 3
MIN_WIDTH, MAX_WIDTH = 8, 44
A4 = 9
# How each way of showing a value is written (the ledger workbook's kinds).
KINDS = {"text": "text", "vocab": "text", "mu": "mu", "date": "date"}
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


def disclosure_filenames(data: DisclosureList, extension: str = "xlsx") -> tuple[str, str]:
    """``闲置土地信息公开_青溪县_2026-12-04.xlsx`` and its ASCII fallback
    ``idle-land_2026-12-04.xlsx`` (or ``.pdf``, as ``extension`` says)."""
    place = _UNSAFE_FILENAME.sub("_", data.county).strip("_.") or "county"
    day = data.as_of.isoformat()
    return f"闲置土地信息公开_{place}_{day}.{extension}", f"idle-land_{day}.{extension}"


def _widths(data: DisclosureList, headers: list[str], cells: list[list[object]]) -> list[float]:
    widths = []
    for col, (column, header) in enumerate(zip(data.columns, headers, strict=True)):
        if column.shown_as == "date":
            size = 12
        elif column.shown_as == "mu":
            size = max((len(f"{row[col]:.2f}") for row in cells if row[col] is not None), default=4)
        else:
            size = max((display_width(str(row[col])) for row in cells if row[col]), default=4)
        widths.append(float(min(max(size + 2, display_width(header) + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


def write_disclosure(
    data: DisclosureList, out: BinaryIO | str | os.PathLike[str], lang: str = DEFAULT_LANGUAGE
) -> None:
    """Write the list to ``out`` (a binary stream or a path) with its texts in ``lang``."""
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    try:
        title = data.title(lang)
        book.set_properties({"title": title, "subject": title, "company": data.county})
        formats = CellFormats(book)
        sheet = book.add_worksheet(_("闲置土地信息公开").render(lang)[:31])
        headers = data.headers(lang)
        cells = data.cells(lang)
        last = len(headers) - 1
        sheet.set_landscape()
        sheet.set_paper(A4)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(HEADER_ROW)
        sheet.freeze_panes(FIRST_DATA_ROW, 0)
        sheet.set_row(TITLE_ROW, 28)
        line = f"{data.as_of_line(lang)} · {data.total_line(lang)}"
        if last > 0:
            sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last, title, formats.title)
            sheet.merge_range(DATE_ROW, 0, DATE_ROW, last, line, formats.note)
        else:
            sheet.write_string(TITLE_ROW, 0, title, formats.title)
            sheet.write_string(DATE_ROW, 0, line, formats.note)
        sheet.set_row(HEADER_ROW, 30)
        for col, header in enumerate(headers):
            sheet.write_string(HEADER_ROW, col, header, formats.header)
        kinds = [KINDS[c.shown_as] for c in data.columns]
        plain = [formats.cell(kind if kind != "text" else "wrap") for kind in kinds]
        row = FIRST_DATA_ROW
        for values in cells:
            for col, value in enumerate(values):
                write_value(sheet, row, col, value, kinds[col], plain[col])
            row += 1
        _write_total(sheet, row, data, lang, formats)
        for col, width in enumerate(_widths(data, headers, cells)):
            sheet.set_column(col, col, width)
    finally:
        book.close()


def _write_total(
    sheet: Worksheet,
    row: int,
    data: DisclosureList,
    lang: str,
    formats: CellFormats,
) -> None:
    """合计: the count across the columns before the area (or all of them), then the area
    by the rule; with the area in the first column, the count goes below the row."""
    label = _("合计:{count} 宗", count=data.count).render(lang)
    keys = [c.key for c in data.columns]
    area_col = keys.index("area_mu") if "area_mu" in keys else None
    text = formats.cell("text", "total")
    label_end = (len(keys) if area_col is None else area_col) - 1
    if label_end > 0:
        sheet.merge_range(row, 0, row, label_end, label, text)
    elif label_end == 0:
        sheet.write_string(row, 0, label, text)
    else:
        sheet.write_string(row + 1, 0, label, formats.note)
    for col in range(label_end + 1, len(keys)):
        if col == area_col:
            sheet.write_number(row, col, data.total_mu, formats.cell("mu", "total"))
        else:
            sheet.write_blank(row, col, None, text)


def disclosure_workbook(data: DisclosureList, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The workbook's bytes."""
    buffer = io.BytesIO()
    write_disclosure(data, buffer, lang)
    return buffer.getvalue()


def write_disclosure_file(data: DisclosureList, path: Path, lang: str = DEFAULT_LANGUAGE) -> Path:
    """Write the workbook to ``path``, whole or not at all."""
    partial = path.with_name(f".{path.name}.part")
    try:
        write_disclosure(data, partial, lang)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
