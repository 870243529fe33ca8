"""The ledger rows as CSV (UTF-8 with a byte-order mark), written chunk by chunk, with
formulas neutralised in text cells (OWASP's CSV injection guard)."""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO

import pandas as pd

from landgis.io.exports.base import Exporter
from landgis.io.exports.columns import EXPORT_COLUMNS, kind_of
from landgis.io.exports.rows import LedgerData
from landgis.io.spreadsheet_text import spreadsheet_safe


def csv_column(column: pd.Series, kind: str) -> pd.Series:
    """A column as CSV text: areas with two decimals, ISO dates, '' for blanks; text that
    starts like a formula (``=``, ``+``, ``-``, ``@``, tab, CR) gets a leading apostrophe,
    so that Excel, WPS or LibreOffice show it instead of running it. Numbers stay numbers."""
    present = column.notna()
    if kind in ("mu", "m2"):
        text = column[present].map("{:.2f}".format)
    elif kind == "date":
        text = column[present].dt.strftime("%Y-%m-%d")
    else:  # text: what a spreadsheet would run as a formula is neutralised
        text = column[present].astype(str).map(spreadsheet_safe)
    out = pd.Series("", index=column.index, dtype=object)
    out[present] = text
    return out


class CsvExporter(Exporter):
    """The ledger rows as CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese),
    the workbook's columns and headers, no title, subtotals or totals."""

    name = "csv"
    label = "CSV"
    media_type = "text/csv; charset=utf-8"
    extension = "csv"

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        out.write("\ufeff".encode())
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([header for _, header in EXPORT_COLUMNS])
        out.write(buffer.getvalue().encode("utf-8"))
        for table in data.chunks():
            buffer.seek(0)
            buffer.truncate()
            columns = [csv_column(table[key], kind_of(key)) for key, _ in EXPORT_COLUMNS]
            writer.writerows(zip(*(c.tolist() for c in columns), strict=True))
            out.write(buffer.getvalue().encode("utf-8"))
