"""The rows of a table file (CSV, XLSX/XLSM, XLS) as the file has them: each row's number
as a spreadsheet shows it and its cells, nothing chosen as a header yet.

CSV text is UTF-8 (with or without a BOM) or GBK/GB18030, detected from its bytes
(:func:`~landgis.io.encoding.decode_text`), its delimiter guessed from its first line.
Workbooks are read with openpyxl (``.xlsx``, ``.xlsm``) or xlrd (``.xls``). Each file is
held to its limits (:mod:`landgis.io.file_limits`) before a reader opens it.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from landgis.i18n import _
from landgis.io import legacy_excel
from landgis.io.archives import DEFAULT_LIMITS, ArchiveLimits
from landgis.io.encoding import decode_text
from landgis.io.file_limits import check_legacy_workbook, check_text_size, check_workbook
from landgis.io.problems import FileRefused

CSV_SUFFIXES = frozenset({".csv"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
TABLE_SUFFIXES = CSV_SUFFIXES | WORKBOOK_SUFFIXES

# A row: its cells, None where empty.
Row = list[Any]


def delimiter(header: str) -> str:
    """The delimiter of a CSV whose first line is ``header``: comma, tab, semicolon or bar."""
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_rows(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> tuple[list[Row], str]:
    """The rows of a CSV file (cells as text, None where blank) and its encoding."""
    check_text_size(Path(path), limits)
    text, encoding = decode_text(Path(path).read_bytes())
    first_line = text.split("\n", 1)[0]
    try:
        read = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(first_line)))
    except csv.Error as exc:
        raise FileRefused(
            "unreadable",
            _("无法读取 CSV 文件 {name}。", name=Path(path).name),
            detail=str(exc),
        ) from exc
    return [[cell if cell.strip() else None for cell in row] for row in read], encoding


def sheet_rows(
    sheet: Any, *, min_row: int = 1, max_row: int | None = None
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of each row of an openpyxl worksheet. A cell openpyxl cannot
    read (a number stored as ``NaN`` or ``inf`` by a hand-made file) refuses the file,
    naming the worksheet's row: the reader cannot go on past it."""
    rows = sheet.iter_rows(min_row=min_row, max_row=max_row, values_only=True)
    number = min_row
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except (ValueError, TypeError, OverflowError, KeyError) as exc:
            raise FileRefused(
                "unreadable",
                _(
                    "工作表 {sheet} 第 {row} 行中有无法读取的数值(如 NaN、inf),"
                    "请在表格软件中改正后重试。",
                    sheet=sheet.title,
                    row=number,
                ),
                detail=str(exc),
            ) from exc
        yield number, values
        number += 1


@contextlib.contextmanager
def workbook_rows(
    path: Path, limits: ArchiveLimits | None = None
) -> Iterator[tuple[list[str], Callable[[str], list[Row]]]]:
    """A workbook's sheet names and a way to read a sheet's rows (row ``n`` of the sheet
    at index ``n - 1``): ``.xls`` (Excel 97–2003) by xlrd, ``.xlsx``/``.xlsm`` by
    openpyxl. With ``limits``, a workbook beyond them is refused before it is opened."""
    path = Path(path)
    legacy = path.suffix.lower() == ".xls"
    if limits is not None:
        (check_legacy_workbook if legacy else check_workbook)(path, limits)
    if legacy:
        with legacy_excel.opened(path) as old:
            yield old.sheet_names(), lambda name: legacy_excel.sheet_rows(old, name)
        return
    import openpyxl  # loaded by the imports that read a workbook, not by every import

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise FileRefused(
            "unreadable",
            _("无法读取 Excel 文件 {name}。", name=path.name),
            detail=str(exc),
        ) from exc
    try:
        yield list(book.sheetnames), lambda name: [list(r) for _n, r in sheet_rows(book[name])]
    finally:
        book.close()
