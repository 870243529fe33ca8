"""Values as workbook cells: blanks, numbers, Excel dates (serials of the 1900 system), and
the display width of text (CJK characters count twice) for column widths and row heights.

Columns are prepared a whole chunk at a time, column-wise, not cell by cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

# Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 the 29 February 1900 it
# believes in, so from 1 March 1900 on a date's serial counts days from 1899-12-30.
EXCEL_EPOCH_DATE = dt.date(1899, 12, 30)
EXCEL_EPOCH = pd.Timestamp(EXCEL_EPOCH_DATE)
EXCEL_FIRST_REAL_SERIAL = 61


def display_width(text: str) -> int:
    """Width of ``text`` in Excel's character units: CJK (wide) characters count twice."""
    if text.isascii():
        return len(text)
    wide = sum(1 for ch in text if not ch.isascii() and unicodedata.east_asian_width(ch) in "WF")
    return len(text) + wide


def is_blank(value: Any) -> bool:
    """None, NaN or NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _excel_serials(column: pd.Series) -> np.ndarray:
    """Dates as Excel serial numbers (1900 system, as XlsxWriter writes them); NaN blanks."""
    days = pd.to_datetime(column, errors="coerce").dt.normalize()
    serial = ((days - EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)
    # Excel counts 29 February 1900, which never was: days before 1 March 1900 count one less.
    return np.where(serial < EXCEL_FIRST_REAL_SERIAL, serial - 1, serial)


def _with_blanks(values: np.ndarray) -> list[Any]:
    """Floats with None for NaN and infinities."""
    cells = values.astype(object)
    cells[~np.isfinite(values)] = None
    return cells.tolist()


def cell_values(column: pd.Series, kind: str) -> list[Any]:
    """A column as the values its cells get, computed column-wise: floats for numbers and
    dates (Excel serials), str for text; None for blanks."""
    if kind in ("int", "mu", "m2", "percent"):
        return _with_blanks(_numbers(column))
    if kind == "date":
        return _with_blanks(_excel_serials(column))
    present = column.notna().to_numpy()
    cells = np.full(len(column), None, dtype=object)
    cells[present] = column[present].astype(str).to_numpy(dtype=object)
    return cells.tolist()


def write_value(sheet: Worksheet, row: int, col: int, value: Any, kind: str, fmt: Format) -> None:
    """Write one ``value`` of ``kind`` (text, int, mu, m2, date, percent) to a cell; blanks
    and non-finite numbers as blank cells."""
    if is_blank(value):
        sheet.write_blank(row, col, None, fmt)
    elif kind == "date":
        day = value if isinstance(value, dt.date) else pd.Timestamp(value).date()
        sheet.write_datetime(row, col, dt.datetime(day.year, day.month, day.day), fmt)
    elif kind in ("int", "mu", "m2", "percent"):
        number = float(value)
        if math.isfinite(number):
            sheet.write_number(row, col, number, fmt)
        else:
            sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


@functools.cache
def _wide_characters() -> np.ndarray:
    """For each code point, whether Excel shows it double width (East Asian W or F)."""
    wide = np.zeros(sys.maxunicode + 1, dtype=np.int64)
    for code in range(0x1100, sys.maxunicode + 1):
        if unicodedata.east_asian_width(chr(code)) in "WF":
            wide[code] = 1
    return wide


def wrapped_line_counts(values: Sequence[str | None], width: float) -> np.ndarray:
    """How many lines each value takes in a wrapped cell ``width`` characters wide (1 for
    blanks), for a whole column at once: each line of text is :func:`display_width` wide."""
    lines: list[str] = []
    owners: list[int] = []
    for i, value in enumerate(values):
        if value is not None:
            parts = value.split("\n")
            lines.extend(parts)
            owners.extend([i] * len(parts))
    counts = np.ones(len(values), dtype=np.int64)
    if not lines:
        return counts
    codes = np.frombuffer("".join(lines).encode("utf-32-le"), dtype=np.uint32)
    cumulative = np.concatenate(([0], np.cumsum(1 + _wide_characters()[codes])))
    ends = np.cumsum(np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)))
    starts = np.concatenate(([0], ends[:-1]))
    widths = cumulative[ends] - cumulative[starts]
    per_line = np.maximum(1, np.ceil(widths / width)).astype(np.int64)
    totals = np.bincount(np.asarray(owners), weights=per_line, minlength=len(values))
    return np.maximum(counts, totals.astype(np.int64))


def excel_day(value: Any) -> float:
    """A date (or a value pandas reads as one) as its Excel serial number."""
    day = value if isinstance(value, dt.date) else pd.Timestamp(value).date()
    serial = float((dt.date(day.year, day.month, day.day) - EXCEL_EPOCH_DATE).days)
    return serial - 1 if serial < EXCEL_FIRST_REAL_SERIAL else serial
