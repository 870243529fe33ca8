"""The ledger's worksheet writes the same sheet XML as XlsxWriter's own, byte for byte."""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter

from landgis.io.exports.ledger_workbook.sheet_xml import LedgerWorksheet

TEXTS = [
    "宗地编号 A-01",
    " leading space",
    "trailing space ",
    "tab\tinside",
    "line\nbreak",
    "ends with a break\n",
    "\u3000全角空格",
    "a & b < c > d \"quoted\" 'single'",
    "bell\x07 and nul\x00 and esc\x1b",
    "literal _x0041_ and _X00ff_",
    "non-characters \ufffe \uffff",
    "<r>looks rich</r>",
    "<r>rich with control\x01</r>",
    "",
    "x" * 40000,
]
NUMBERS = [0.0, -1.5, 1 / 3, 123456789.123456789, 1e-12, 2.5e20, 7, 45123.0]


def _write(path: Path, worksheet_class: type | None, direct: bool) -> bytes:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("台账", worksheet_class=worksheet_class)
    plain = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "0.00"})
    shaded = book.add_format({"bg_color": "#FFC7CE", "num_format": "yyyy-mm-dd"})
    row_style = book.add_format({"italic": True})
    sheet.set_row(0, 28, row_style)
    sheet.set_column(3, 3, 12, plain)
    sheet.merge_range(0, 0, 0, 3, "标题 & <title>", plain)
    row = 1
    for i, text in enumerate(TEXTS):
        value = NUMBERS[i % len(NUMBERS)]
        if direct:
            assert isinstance(sheet, LedgerWorksheet)
            text_writer, number_writer, date_writer = sheet.cell_writers(["text", "mu", "date"])
            text_writer(row, 0, text, plain)
            number_writer(row, 1, value, number)
            date_writer(row, 2, 45000 + i, shaded)
            sheet.write_blank_cell(row, 4, plain)
            sheet.write_blank_cell(row, 5, None)
        else:
            sheet.write_string(row, 0, text, plain)
            sheet.write_number(row, 1, value, number)
            sheet.write_number(row, 2, 45000 + i, shaded)
            sheet.write_blank(row, 4, None, plain)
            sheet.write_blank(row, 5, None)
        sheet.write_string(row, 6, text)
        sheet.write_number(row, 7, value)
        sheet.write_string(row, 3, text)
        row += 1
    sheet.write_formula(row, 1, "=ROUND(SUBTOTAL(9,B2:B9),2)", number, 12.34)
    sheet.write_string(row + 1, 0, "合计", plain)
    sheet.write_boolean(row + 1, 1, True, plain)
    book.close()
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_sheet_xml_is_xlsxwriters_own(tmp_path: Path) -> None:
    stock = _write(tmp_path / "stock.xlsx", None, direct=False)
    assert b"_x0007_" in stock and b"xml:space" in stock and b"&amp;" in stock
    assert _write(tmp_path / "ledger.xlsx", LedgerWorksheet, direct=False) == stock
    assert _write(tmp_path / "direct.xlsx", LedgerWorksheet, direct=True) == stock
