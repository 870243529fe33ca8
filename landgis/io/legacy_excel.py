"""Old Excel workbooks (``.xls``, Excel 97–2003), which counties still keep: each sheet's
rows, with the values typed as a newer workbook's reader gives them (dates as dates,
whole numbers as integers, so a code such as 5115020010001 is not read as 5.115e+12)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlrd

from landgis.i18n import _
from landgis.io.problems import FileRefused


@contextlib.contextmanager
def opened(path: Path) -> Iterator[xlrd.book.Book]:
    """The workbook at ``path``, its sheets loaded as they are asked for."""
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises several kinds on damaged or foreign files
        raise FileRefused(
            "unreadable",
            _("无法读取 Excel 97-2003 工作簿 {name}。", name=Path(path).name),
            detail=str(exc),
        ) from exc
    try:
        yield book
    finally:
        book.release_resources()


def _value(cell: xlrd.sheet.Cell, datemode: int) -> Any:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        moment = xlrd.xldate_as_datetime(cell.value, datemode)
        return moment.date() if moment.time() == dt.time() else moment
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    return cell.value


def sheet_rows(book: xlrd.book.Book, name: str) -> list[list[Any]]:
    """The rows of sheet ``name``, each a list of typed values (None for an empty cell)."""
    sheet = book.sheet_by_name(name)
    return [
        [_value(cell, book.datemode) for cell in sheet.row(number)] for number in range(sheet.nrows)
    ]
