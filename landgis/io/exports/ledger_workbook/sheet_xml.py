"""A worksheet that writes its formatted number, text and blank cells with less work per
cell, in constant memory: the same XML as XlsxWriter's own writer, byte for byte.

XlsxWriter builds each cell's attributes as a list and escapes each one, its style index
(an int) through a raised and caught ``TypeError``, and runs two regular expressions over
every text for control characters; a ledger of 100,000 rows has over three million
formatted cells. :class:`LedgerWorksheet` writes those cells from one f-string each, the
style attribute of each format made once, and looks for control characters with one search
(XlsxWriter's escaping when one is found). Every other cell goes to XlsxWriter's writer.
The cells are stored as XlsxWriter stores them: :meth:`LedgerWorksheet.write_cells` writes
a row through XlsxWriter's own checks without its argument conversion (cell references as
``"A1"`` strings), which the rows written here never need.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellNumberTuple,
    CellStringTuple,
    Worksheet,
)

# What XlsxWriter's ``_escape_control_characters`` changes: ``_xHHHH_`` (escaped again),
# control characters but tab and newline, and the non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
# What XlsxWriter's ``_escape_data`` replaces.
_MARKUP = re.compile("[&<>]")

CellWriter = Callable[[int, int, Any, Format | None], Any]
# Column kinds whose cells are numbers (dates as Excel serials); any other kind is text.
NUMBER_KINDS = frozenset({"int", "mu", "m2", "percent", "date"})


class LedgerWorksheet(Worksheet):
    """A worksheet (pass as ``worksheet_class`` to ``add_worksheet``) whose formatted
    numbers, texts and blanks are written in constant memory from one f-string per cell."""

    def __init__(self) -> None:
        super().__init__()
        self._styles: dict[int, str] = {}

    def _style(self, fmt: Format) -> str:
        key = id(fmt)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = f' s="{fmt._get_xf_index()}"'
        return style

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = cell.__class__
        fmt = cell.format
        if fmt is None or not self.constant_memory:
            super()._write_cell(row, col, cell)
        elif kind is CellNumberTuple:
            ref = xl_rowcol_to_cell_fast(row, col)
            self.fh.write(f'<c r="{ref}"{self._style(fmt)}><v>{cell.number:.16G}</v></c>')
        elif kind is CellBlankTuple:
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}"{self._style(fmt)}/>')
        elif kind is CellStringTuple:
            text = cell.string
            if _CONTROL.search(text):
                text = self._escape_control_characters(text)
                if text.startswith("<r>") and text.endswith("</r>"):
                    super()._write_cell(row, col, cell)
                    return
            elif text.startswith("<r>") and text.endswith("</r>"):
                super()._write_cell(row, col, cell)
                return
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            if _MARKUP.search(text):
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            ref = xl_rowcol_to_cell_fast(row, col)
            self.fh.write(
                f'<c r="{ref}"{self._style(fmt)} t="inlineStr"><is><t{space}>{text}</t></is></c>'
            )
        else:
            super()._write_cell(row, col, cell)

    def cell_writers(self, kinds: Sequence[str]) -> list[CellWriter]:
        """For each column kind, the writer of its non-blank cells (numbers for
        :data:`NUMBER_KINDS`, text otherwise), with XlsxWriter's checks (bounds, long texts,
        NaN) but without its conversion of ``"A1"`` references: rows and columns are
        numbers here."""
        text, number = self._write_string, self._write_number
        return [number if kind in NUMBER_KINDS else text for kind in kinds]

    def write_blank_cell(self, row: int, col: int, fmt: Format | None) -> None:
        """A blank cell with ``fmt`` (nothing without one), as ``write_blank`` does."""
        self._write_blank(row, col, None, fmt)
