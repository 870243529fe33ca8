"""The ledger workbook (.xlsx) as a whole: its three sheets written in order, in constant
memory (XlsxWriter), to a stream or a file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from landgis.io.exports.ledger_workbook.events_sheet import write_events_sheet
from landgis.io.exports.ledger_workbook.figures_sheet import FIGURES_SHEET, write_figures_sheet
from landgis.io.exports.ledger_workbook.ledger_sheet import LedgerChunk, write_ledger_sheet
from landgis.io.exports.ledger_workbook.page_setup import DEFAULT_FOOTER
from landgis.io.exports.ledger_workbook.print_sheet import PrintedSheet, write_print_sheet
from landgis.io.exports.ledger_workbook.styles import CellFormats

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cn_date(day: dt.date) -> str:
    """``2023-08-31`` as ``2023年8月31日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def write_ledger_workbook(
    out: BinaryIO | str | Path,
    *,
    title: str,
    columns: Sequence[str],
    kinds: Mapping[str, str],
    chunks: Iterable[LedgerChunk],
    helper_columns: Collection[str] = (),
    notes: Sequence[str] | Callable[[int], Sequence[str]] = (),
    figures: Callable[[], Mapping[str, Any]] | Mapping[str, Any] | None = None,
    figures_title: str = FIGURES_SHEET,
    figures_notes: Sequence[str] = (),
    events: Iterable[Sequence[Sequence[Any]]] | None = None,
    properties: Mapping[str, str] | None = None,
    printed: PrintedSheet | None = None,
    paper: str = "A3",
    footer: str = DEFAULT_FOOTER,
    detail_max_rows: int | None = None,
) -> int:
    """Write the ledger workbook to ``out`` (a binary stream or a file path); returns the
    number of ledger rows.

    ``columns`` are the Chinese headers in order, ``kinds`` each header's kind (text, int,
    mu, m2, date); the rows come in ``chunks`` (:class:`LedgerChunk`), grouped by zone, and
    are written as they come. ``figures`` (or a function giving them, called after the
    ledger sheet is written) fill sheet 2; ``events`` (chunks of rows, read after the
    ledger sheet) sheet 3; ``printed`` (its lines read last) the 打印 sheet. Every sheet
    prints landscape on ``paper`` (A3 or A4; 核心数据 A4 portrait) with ``footer``. With
    more ledger rows than ``detail_max_rows`` the events and 打印 sheets are left out;
    ``notes`` (below the ledger, or a function of the number of its rows) can say so.
    """
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False})
    try:
        if properties:
            book.set_properties(dict(properties))
        formats = CellFormats(book)
        count = write_ledger_sheet(
            book,
            formats,
            title=title,
            columns=columns,
            kinds=kinds,
            chunks=chunks,
            helper_columns=helper_columns,
            notes=notes,
            paper=paper,
            footer=footer,
        )
        detailed = detail_max_rows is None or count <= detail_max_rows
        if figures is not None:
            values = figures() if callable(figures) else figures
            write_figures_sheet(
                book,
                formats,
                title=figures_title,
                figures=values,
                notes=figures_notes,
                footer=footer,
            )
        if events is not None and detailed:
            write_events_sheet(book, formats, events, paper=paper, footer=footer)
        if printed is not None and detailed:
            write_print_sheet(book, formats, printed)
    finally:
        book.close()
    return count
