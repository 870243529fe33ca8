"""The workbook's cell formats: number formats by column kind, and the fills and fonts of
plain, overdue, helper, subtotal and total rows."""

from __future__ import annotations

from typing import Any

import xlsxwriter
from xlsxwriter.format import Format

# Column kinds of the ledger sheet and their Excel number formats.
NUMBER_FORMATS: dict[str, str] = {
    "int": "0",
    "mu": "0.00",
    "m2": "0.00",
    "date": "yyyy-mm-dd",
    "percent": "0.00%",
}

OVERDUE_FILL = "#FFC7CE"
OVERDUE_FONT = "#9C0006"
HELPER_FILL = "#EDEDED"
HELPER_FONT = "#7F7F7F"
SUBTOTAL_FILL = "#DDEBF7"
TOTAL_FILL = "#BDD7EE"


class CellFormats:
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
        self.centered = book.add_format(base | {"align": "center"})
        self.sign_off = book.add_format(base | {"font_size": 11, "valign": "bottom"})
        self._cells: dict[tuple[str, str], Format] = {}

    def printed(self, kind: str, style: str = "plain") -> Format:
        """The format of a cell of the 打印 sheet: as :meth:`cell`, text wrapped, every
        cell centred vertically, counts centred."""
        key = (f"printed-{kind}", style)
        if key not in self._cells:
            spec = self._spec(kind, style) | {"valign": "vcenter"}
            if kind == "text":
                spec["text_wrap"] = True
            if kind == "int":
                spec["align"] = "center"
            self._cells[key] = self.book.add_format(spec)
        return self._cells[key]

    def cell(self, kind: str, style: str = "plain") -> Format:
        """The format of a cell of ``kind`` (text, int, mu, m2, date, percent, wrap) in
        ``style`` (plain, overdue, helper, subtotal, total)."""
        key = (kind, style)
        if key not in self._cells:
            self._cells[key] = self.book.add_format(self._spec(kind, style))
        return self._cells[key]

    def _spec(self, kind: str, style: str) -> dict[str, Any]:
        """The format's properties of a cell of ``kind`` in ``style``."""
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
        return spec
