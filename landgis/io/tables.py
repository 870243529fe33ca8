"""Parcels from tables (CSV, XLSX, XLS): a WKT column or a coordinate-list column.

A coordinate list is ``x1,y1;x2,y2;…`` or ``x1 y1, x2 y2, …`` (or a flat ``x1,y1,x2,y2``);
rings are separated by ``|``: the first is the outline, later rings inside it are holes,
others are further parts. Tables carry no CRS: the coordinate guard names one or asks for
it. Every cell is read as text; the parcel fields are typed later, row by row.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from landgis.i18n import _, listing
from landgis.io.encoding import decode_text
from landgis.io.problems import FileRefused, Problem, problem
from landgis.io.sheets import delimiter, workbook_rows

WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "图形", "几何", "空间信息")
COORDINATE_NAMES = (
    "coordinates",
    "coords",
    "points",
    "坐标",
    "坐标串",
    "界址点",
    "界址点坐标",
    "界址坐标",
    "拐点坐标",
    "范围坐标",
    "坐标点",
)
_WKT_START = re.compile(r"^\s*(SRID=\d+;\s*)?(MULTI)?POLYGON\b|^\s*GEOMETRYCOLLECTION\b", re.I)
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_COORDINATES = re.compile(rf"^\s*{_NUMBER}(?:[\s,;|]+{_NUMBER}){{5,}}\s*$")


@dataclass
class Table:
    """Rows of a table with their geometries (no CRS) and per-row reading problems."""

    frame: gpd.GeoDataFrame
    geometry_column: str
    encoding: str | None = None
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name)).split()).lower()


def _non_empty(values: pd.Series, n: int = 20) -> list[str]:
    return [v for v in values.astype(str).head(200) if v.strip()][:n]


def find_geometry_column(frame: pd.DataFrame, named: str | None = None) -> tuple[str, str]:
    """``(column, "wkt" | "coordinates")``: by name, else by content."""
    if named is not None:
        if named not in frame.columns:
            raise FileRefused(
                "layer_missing",
                _("表格中没有图形列 {column}。", column=named),
            )
        sample = _non_empty(frame[named])
        kind = "wkt" if sample and all(_WKT_START.match(v) for v in sample) else "coordinates"
        return named, kind
    keys = {_key(c): c for c in frame.columns}
    for name in WKT_NAMES:
        if name in keys:
            return keys[name], "wkt"
    for name in COORDINATE_NAMES:
        if name in keys:
            return keys[name], "coordinates"
    for column in frame.columns:
        sample = _non_empty(frame[column])
        if sample and all(_WKT_START.match(v) for v in sample):
            return column, "wkt"
    for column in frame.columns:
        sample = _non_empty(frame[column])
        if sample and all(_COORDINATES.match(_normalise(v)) for v in sample):
            return column, "coordinates"
    names = (*WKT_NAMES[:2], COORDINATE_NAMES[0], *COORDINATE_NAMES[3:6])
    raise FileRefused(
        "unreadable",
        _(
            "表格中找不到图形列:需要一列 WKT(如 POLYGON ((…)))或坐标串"
            "(如 x1,y1;x2,y2;…),列名如 {names}。",
            names=listing(names),
        ),
    )


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\n", "|").replace("\r", "")


def _points(text: str) -> list[tuple[float, float]]:
    """Points of ``x1,y1;x2,y2``, ``x1 y1, x2 y2``, ``x1,y1 x2,y2`` or ``x1,y1,x2,y2``."""
    text = text.strip().strip(";,")
    if ";" in text:
        pairs = [re.split(r"[\s,]+", p.strip()) for p in text.split(";") if p.strip()]
    elif all(len(p.split()) in (2, 3) for p in text.split(",")):
        pairs = [p.split() for p in text.split(",")]
    elif all(len(p.split(",")) in (2, 3) for p in text.split()):
        pairs = [p.split(",") for p in text.split()]
    else:
        numbers = [n for n in re.split(r"[\s,]+", text) if n]
        if len(numbers) % 2:
            raise ValueError("odd number of coordinates")
        pairs = [numbers[i : i + 2] for i in range(0, len(numbers), 2)]
    points = []
    for pair in pairs:
        if len(pair) not in (2, 3):
            raise ValueError(f"not a coordinate pair: {pair}")
        points.append((float(pair[0]), float(pair[1])))
    return points


def parse_coordinates(text: str) -> BaseGeometry:
    """A polygon (or multipolygon) from a coordinate list; ValueError when unreadable."""
    rings = []
    for part in _normalise(text).split("|"):
        if not part.strip():
            continue
        points = _points(part)
        if points and points[0] != points[-1]:
            points.append(points[0])
        if len(set(points)) < 3:
            raise ValueError("a ring needs at least three distinct points")
        rings.append(points)
    if not rings:
        raise ValueError("no coordinates")
    outline = Polygon(rings[0])
    holes: list[list[tuple[float, float]]] = []
    parts: list[list[tuple[float, float]]] = []
    for ring in rings[1:]:
        (holes if outline.contains(Polygon(ring).representative_point()) else parts).append(ring)
    first = Polygon(rings[0], holes)
    if not parts:
        return first
    return MultiPolygon([first, *(Polygon(r) for r in parts)])


def parse_geometries(
    values: pd.Series, kind: str, column: str
) -> tuple[list[BaseGeometry | None], list[Problem]]:
    """Geometries of a column (None where empty or unreadable) and the problems."""
    geometries: list[BaseGeometry | None] = []
    problems: list[Problem] = []
    for row, value in enumerate(values, start=1):
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        if not text.strip():
            geometries.append(None)
            continue
        try:
            if kind == "wkt":
                geom = shapely.from_wkt(re.sub(r"^\s*SRID=\d+;", "", text.strip()))
            else:
                geom = parse_coordinates(text)
        except (ValueError, shapely.errors.GEOSException):
            geometries.append(None)
            problems.append(
                problem(
                    "invalid_geometry",
                    _(
                        "列 {column} 中的{what}无法识别:{value}",
                        column=column,
                        what="WKT" if kind == "wkt" else _("坐标串"),
                        value=text[:60],
                    ),
                    row=row,
                )
            )
            continue
        geometries.append(geom)
    return geometries, problems


def _as_table(frame: pd.DataFrame, geometry_column: str | None) -> Table:
    frame = frame.rename(columns=lambda c: str(c).strip())
    frame = frame.loc[:, [c for c in frame.columns if c and not c.startswith("Unnamed:")]]
    column, kind = find_geometry_column(frame, geometry_column)
    geometries, problems = parse_geometries(frame[column], kind, column)
    attributes = frame.drop(columns=[column]).reset_index(drop=True)
    result = gpd.GeoDataFrame(attributes, geometry=gpd.GeoSeries(geometries), crs=None)
    return Table(result, column, problems=problems)


def read_csv(path: Path, *, geometry_column: str | None = None) -> Table:
    """A CSV file (UTF-8 with or without BOM, or GBK/GB18030), every cell as text."""
    text, encoding = decode_text(Path(path).read_bytes())
    first_line = text.split("\n", 1)[0]
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter(first_line),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise FileRefused(
            "unreadable",
            _("无法读取 CSV 文件 {name}。", name=Path(path).name),
            detail=str(exc),
        ) from exc
    frame = frame.loc[~(frame.astype(str).apply(lambda r: "".join(r).strip(), axis=1) == "")]
    table = _as_table(frame, geometry_column)
    table.encoding = encoding
    return table


def _rows_frame(rows: list[list[Any]]) -> pd.DataFrame:
    """A sheet's rows as a table: the first non-empty row names the columns."""
    rows = [r for r in rows if any(v is not None and str(v).strip() for v in r)]
    if not rows:
        return pd.DataFrame()
    header = [("" if v is None else str(v)) for v in rows[0]]
    width = len(header)
    body = [(r + [None] * width)[:width] for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object)


@contextlib.contextmanager
def _sheets(path: Path) -> Iterator[tuple[list[str], Callable[[str], pd.DataFrame]]]:
    """A workbook's sheet names and a way to read one as a table."""
    with workbook_rows(path) as (names, rows_of):
        yield names, lambda name: _rows_frame(rows_of(name))


def read_workbook(
    path: Path, *, sheet: str | None = None, geometry_column: str | None = None
) -> Table:
    """An Excel workbook (.xlsx, .xlsm or the older .xls): the named sheet, or the one
    sheet holding geometries."""
    with _sheets(path) as (names, frame_of):
        if sheet is not None:
            if sheet not in names:
                raise FileRefused(
                    "layer_missing",
                    _(
                        "工作簿中没有工作表 {sheet},现有:{sheets}。",
                        sheet=sheet,
                        sheets=listing(names),
                    ),
                    suggestion={"layer": names},
                )
            table = _as_table(frame_of(sheet), geometry_column)
            table.sheet = sheet
            return table
        found: list[tuple[str, Table]] = []
        for name in names:
            frame = frame_of(name)
            if frame.empty:
                continue
            try:
                found.append((name, _as_table(frame, geometry_column)))
            except FileRefused:
                continue
    if len(found) == 1:
        found[0][1].sheet = found[0][0]
        return found[0][1]
    if not found:
        raise FileRefused(
            "unreadable",
            _("工作簿中没有含图形列(WKT 或坐标串)的工作表。"),
        )
    listed = [name for name, _table in found]
    raise FileRefused(
        "layer_required",
        _(
            "工作簿中有 {count} 个含图形的工作表({sheets}),"
            "请在导入时指定要导入的图层(填工作表名)。",
            count=len(listed),
            sheets=listing(listed),
        ),
        suggestion={"layer": listed},
    )
