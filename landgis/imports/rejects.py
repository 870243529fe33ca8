"""The rows an import refused, as files a clerk fixes and imports again: a workbook
(``xxx.xlsx``, sheet 退回行) and, when some row has a geometry, a GeoPackage next to it
(``xxx.gpkg``, layer ``rejects``) with the geometries in the file's coordinates.

Each file starts with the columns of :data:`REJECT_COLUMNS` (row number in the file,
parcel code, the problems in Chinese), then the row's original columns by their original
names. They are named apart from every parcel field alias (宗地编号 alone would be read as
the parcel code on the next import), so the next import can drop them by name; an
original column named like one of them (a rejects file refused again) is left out.

Workbook cells keep the values' types (numbers, dates, text); text is written as text,
never as a formula, and kept exactly as it was (no apostrophe is added, unlike the CSV
guard of :mod:`landgis.io.spreadsheet_text`). Both files are written under a temporary
name in the same folder and then renamed: never half-written.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from landgis.errors import InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, _
from landgis.io.geopackage import write_geopackage

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

# The workbook writer and the ledger export's cell helpers are imported when a rejects
# file is written: every import loads this module, few write one.

ROW_COLUMN = "退回行号"
CODE_COLUMN = "退回宗地编号"
PROBLEMS_COLUMN = "退回原因"
REJECT_COLUMNS: tuple[str, ...] = (ROW_COLUMN, CODE_COLUMN, PROBLEMS_COLUMN)
SHEET = "退回行"
LAYER = "rejects"
PROBLEMS_WIDTH = 50
MAX_WIDTH = 40
EXACT_DIGITS = 15  # Excel keeps 15 significant digits: longer integers are written as text
MAX_CELL_TEXT = 32767  # Excel's limit on the characters of a cell
_GPKG_RESERVED = ("fid", "geom", "geometry")


@dataclass(frozen=True)
class RejectedRow:
    """One row an import refused."""

    row: int  # 1-based row number in the file
    parcel_code: str | None
    problems: tuple[Localizable, ...]
    attributes: Mapping[str, Any]  # column name -> value, as the file has them
    geometry: BaseGeometry | None  # as read (file coordinates); None when empty/unreadable


@dataclass(frozen=True)
class RejectsFiles:
    """The files written: the workbook, the GeoPackage (None when no row has a
    geometry) and the number of rows in each."""

    workbook: Path
    geopackage: Path | None
    rows: int


def write_rejects(
    rows: Sequence[RejectedRow],
    path: Path,
    *,
    crs: CRS | str | None,
    columns: Sequence[str] | None = None,
) -> RejectsFiles:
    """Write ``rows`` to the workbook ``path`` (``.xlsx``) and, when some row has a
    geometry, to a GeoPackage of the same stem next to it, its geometries in ``crs`` (the
    coordinates as read). ``columns`` is the file's column order (else the attributes'
    keys in the order first met). Files of the same names are replaced."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(
            _("退回行文件须保存为 .xlsx 工作簿,不能保存为 {name}。", name=path.name or str(path))
        )
    names = _original_columns(rows, columns)
    geopackage = path.with_suffix(".gpkg")
    with_geometry = any(_geometry(r) is not None for r in rows)
    workbook_tmp, geopackage_tmp = _temporary_name(path), _temporary_name(geopackage)
    try:
        _write_workbook(rows, names, workbook_tmp)
        if with_geometry:
            _write_geopackage(rows, names, geopackage_tmp, crs)
            geopackage_tmp.replace(geopackage)
        workbook_tmp.replace(path)
    finally:
        workbook_tmp.unlink(missing_ok=True)
        geopackage_tmp.unlink(missing_ok=True)
    return RejectsFiles(path, geopackage if with_geometry else None, len(rows))


def _temporary_name(path: Path) -> Path:
    """A name next to ``path`` to write to before renaming: a file is never half-written."""
    return path.with_name(f".{path.stem}.{secrets.token_hex(6)}.tmp{path.suffix}")


def _original_columns(rows: Sequence[RejectedRow], columns: Sequence[str] | None) -> list[str]:
    """``columns``, then any other attribute met, without the rejects' own columns."""
    names = dict.fromkeys(columns or ())
    for row in rows:
        names.update(dict.fromkeys(row.attributes))
    return [name for name in names if name not in REJECT_COLUMNS]


def _problems(row: RejectedRow, separator: str) -> str:
    return separator.join(p.render(DEFAULT_LANGUAGE) for p in row.problems)


def _geometry(row: RejectedRow) -> BaseGeometry | None:
    return None if row.geometry is None or row.geometry.is_empty else row.geometry


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real | decimal.Decimal) and not isinstance(
        value, bool | np.bool_
    )


def _as_datetime(value: Any) -> dt.datetime | dt.date | None:
    """A date or a date and time, or None for other values."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() and value.tzinfo is None else value
    return value if isinstance(value, dt.date) else None


def _text(value: Any) -> str:
    """A value as text: dates in ISO form, the rest as Python shows them."""
    when = _as_datetime(value)
    if isinstance(when, dt.datetime):
        return when.isoformat(sep=" ")
    if isinstance(when, dt.date):
        return when.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# The workbook


def _write_workbook(rows: Sequence[RejectedRow], names: list[str], path: Path) -> None:
    import xlsxwriter

    from landgis.io.exports.ledger_workbook.cells import wrapped_line_counts
    from landgis.io.exports.ledger_workbook.events_sheet import LINE_HEIGHT

    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "remove_timezone": True, "strings_to_numbers": False},
    )
    base = {"font_size": 10, "valign": "top"}
    header = book.add_format(base | {"bold": True, "bg_color": "#D9E1F2", "border": 1})
    wrap = book.add_format(base | {"text_wrap": True})
    formats = {
        "text": book.add_format(base),
        "int": book.add_format(base | {"num_format": "0"}),
        "date": book.add_format(base | {"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format(base | {"num_format": "yyyy-mm-dd hh:mm:ss"}),
    }
    sheet = book.add_worksheet(SHEET)
    headers = [*REJECT_COLUMNS, *names]
    widths = [10, 14, PROBLEMS_WIDTH] + [
        _width(n, [r.attributes.get(n) for r in rows]) for n in names
    ]
    for col, (name, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, name, header)
    sheet.freeze_panes(1, 0)
    sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
    problems = [_problems(row, "\n")[:MAX_CELL_TEXT] for row in rows]
    # Rows written in constant memory get no automatic height: size them to the problems.
    lines = wrapped_line_counts(problems, PROBLEMS_WIDTH).tolist()
    for i, (row, text, height) in enumerate(zip(rows, problems, lines, strict=True), start=1):
        if height > 1:
            sheet.set_row(i, LINE_HEIGHT * height)
        sheet.write_number(i, 0, row.row, formats["int"])
        if row.parcel_code is not None:
            sheet.write_string(i, 1, row.parcel_code, formats["text"])
        sheet.write_string(i, 2, text, wrap)
        for col, name in enumerate(names, start=3):
            _write_cell(sheet, i, col, row.attributes.get(name), formats)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(headers) - 1)
    book.close()


def _write_cell(
    sheet: Worksheet, row: int, col: int, value: Any, formats: dict[str, Format]
) -> None:
    """One value as its type of cell: blank, boolean, number, date, or text (never a
    formula, whatever it starts with)."""
    from landgis.io.exports.ledger_workbook.cells import is_blank

    if is_blank(value):
        return
    if isinstance(value, bool | np.bool_):
        sheet.write_boolean(row, col, bool(value), formats["text"])
        return
    if _is_number(value) and math.isfinite(value):
        integral = isinstance(value, numbers.Integral)
        if not integral or abs(int(value)) < 10**EXACT_DIGITS:
            sheet.write_number(row, col, float(value), formats["int" if integral else "text"])
            return
    when = _as_datetime(value)
    if isinstance(when, dt.datetime):
        sheet.write_datetime(row, col, when, formats["datetime"])
    elif isinstance(when, dt.date):
        sheet.write_datetime(row, col, when, formats["date"])
    else:
        sheet.write_string(row, col, _text(value)[:MAX_CELL_TEXT], formats["text"])


def _width(name: str, values: list[Any]) -> int:
    """A column's width: its header's and widest value's, within reason."""
    from landgis.io.exports.ledger_workbook.cells import display_width, is_blank

    widest = max((display_width(_text(v)) for v in values if not is_blank(v)), default=0)
    return min(MAX_WIDTH, max(8, display_width(name), widest) + 2)


# The GeoPackage


def _write_geopackage(
    rows: Sequence[RejectedRow], names: list[str], path: Path, crs: CRS | str | None
) -> None:
    geometries = [_geometry(row) for row in rows]
    present = [g for g in geometries if g is not None]
    polygonal = all(g.geom_type in ("Polygon", "MultiPolygon") for g in present)
    kind = "MultiPolygon" if polygonal else "Unknown"
    if any(g.has_z for g in present):
        kind += " Z"
    fields = _gpkg_names([*REJECT_COLUMNS, *names])
    data: dict[str, Any] = {
        fields[0]: pd.array([r.row for r in rows], dtype="Int64"),
        fields[1]: pd.array([r.parcel_code for r in rows], dtype=object),
        fields[2]: pd.array([_problems(r, "；") for r in rows], dtype=object),
    }
    for field, name in zip(fields[3:], names, strict=True):
        data[field] = _gpkg_column([r.attributes.get(name) for r in rows])
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometries, crs=crs))
    write_geopackage(frame, path, layer=LAYER, geometry_type=kind, promote_to_multi=polygonal)


def _gpkg_names(columns: Sequence[str]) -> list[str]:
    """Field names a GeoPackage holds: unique without regard to case, none named like
    its id or geometry column (a clash gets ``_2``, ``_3`` …)."""
    taken = set(_GPKG_RESERVED)
    out = []
    for column in columns:
        name, n = column, 1
        while name.lower() in taken:
            n += 1
            name = f"{column}_{n}"
        taken.add(name.lower())
        out.append(name)
    return out


def _gpkg_column(values: list[Any]) -> Any:
    """A column of one field type: booleans, integers or reals when every value is one,
    else text (dates in ISO form); blanks as nulls."""
    from landgis.io.exports.ledger_workbook.cells import is_blank

    present = [v for v in values if not is_blank(v)]
    if present and all(isinstance(v, bool | np.bool_) for v in present):
        return pd.array([None if is_blank(v) else bool(v) for v in values], dtype="boolean")
    if present and all(_is_number(v) for v in present):
        if all(isinstance(v, numbers.Integral) and abs(int(v)) < 2**63 for v in present):
            return pd.array([None if is_blank(v) else int(v) for v in values], dtype="Int64")
        return pd.array([None if is_blank(v) else float(v) for v in values], dtype="Float64")
    return pd.array([None if is_blank(v) else _text(v) for v in values], dtype=object)
