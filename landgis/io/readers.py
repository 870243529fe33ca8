"""Read parcel files into EPSG:4490 parcels plus a problem report, never half a result.

Formats: Shapefile (``.shp``, a folder or a ``.zip``; ``.cpg`` honoured, else UTF-8 or
GB18030 detected from the ``.dbf`` bytes), GeoPackage (the polygon layer, or the one
named), GeoJSON (RFC 7946, and the older ``crs`` member), KML/KMZ, DXF (closed polylines
and hatches), CSV and XLSX (a WKT or coordinate-list column).

:func:`read_parcels` returns a :class:`ReadResult`: every row with its parcel fields
(typed), its extra attributes, a valid MultiPolygon in EPSG:4490 and its areas, and every
problem found, each with its row. When the file as a whole cannot be trusted (no CRS,
swapped axes, an unreadable or unsafe file) the result has no rows at all, only the
problem saying why.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pandas.api.types import is_object_dtype, is_string_dtype
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from landgis import credit_code, schema
from landgis.db.coerce import column_values, is_missing, number
from landgis.db.models import Parcel
from landgis.errors import InvalidInput
from landgis.geo import CGCS2000, parcel_areas
from landgis.i18n import Localizable, _, listing, pgettext
from landgis.io import crs_guard, dxf, tables
from landgis.io.archives import ArchiveLimits, extracted
from landgis.io.codes import CodeOptions, code_options, compose, template_columns
from landgis.io.encoding import shapefile_encoding
from landgis.io.fields import (
    UNIT_GUESS_SHARE,
    ColumnPlan,
    area_unit_from_values,
    load_mapping,
    plan_columns,
    supply_method_code,
    validate_mapping,
)
from landgis.io.file_limits import (
    LEGACY_WORKBOOK_SUFFIXES,
    TEXT_SUFFIXES,
    WORKBOOK_SUFFIXES,
    check_geopackage,
    check_legacy_workbook,
    check_text_size,
    check_workbook,
)
from landgis.io.problems import ERROR, WARNING, FileRefused, problem, sort_problems
from landgis.io.validate import (
    geometry_type_name,
    invalid_reason,
    is_polygonal,
    overlaps,
    repair,
)
from landgis.units import M2_PER_MU

SUPPORTED_SUFFIXES: dict[str, str] = {
    ".shp": "ESRI Shapefile",
    ".zip": "ZIP",
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".dxf": "DXF",
    ".csv": "CSV",
    ".xlsx": "XLSX",
    ".xlsm": "XLSX",
    ".xls": "XLS",
}
# What a folder or an archive may hold, in the order they are looked for.
_DATASET_SUFFIXES = (
    ".shp",
    ".gpkg",
    ".geojson",
    ".json",
    ".kml",
    ".dxf",
    ".csv",
    ".xlsx",
    ".xls",
)

# Geometries GEOS cannot build as stored (an unclosed ring, as a damaged file or NaN
# coordinates make): closed where that is enough, else None; the row checks say why.
FIX = "fix"
# GDAL's note on each such ring would reach the terminal; the row's problem says it.
warnings.filterwarnings("ignore", message="Non closed ring detected", category=RuntimeWarning)
# Computed area vs registered area: above this share, a warning.
AREA_MISMATCH_SHARE = 0.05

# LIBKML housekeeping fields, not attributes of the parcel.
_KML_HOUSEKEEPING = {
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "snippet",
}
_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")
_DATE_FIELDS = frozenset(
    c.key for c in Parcel.__table__.columns if getattr(c.type, "python_type", None) is dt.date
)


# ---- reading the file -----------------------------------------------------------------


@dataclass
class RawLayer:
    """Rows as the file has them: source coordinates, the declared CRS (if any)."""

    frame: gpd.GeoDataFrame
    declared_crs: CRS | None
    driver: str
    layer: str | None = None
    encoding: str | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    fallbacks: dict[str, str] = field(default_factory=dict)
    # Set when the rows are read batch by batch: ``frame`` is then empty (the columns
    # only), ``features`` counts the rows and ``rows(skip, count)`` reads some of them.
    rows: Callable[[int, int], gpd.GeoDataFrame] | None = None
    features: int | None = None

    @property
    def count(self) -> int:
        """How many rows the layer has."""
        return len(self.frame) if self.features is None else self.features

    def batches(self, size: int | None) -> Iterator[tuple[int, gpd.GeoDataFrame]]:
        """(offset, rows) for each run of at most ``size`` rows (all at once without one)."""
        total = self.count
        size = max(1, size or total)
        for offset in range(0, total, size):
            if self.rows is not None:
                with np.errstate(invalid="ignore"):  # NaN coordinates: said row by row
                    rows = self.rows(offset, min(size, total - offset))
                yield offset, rows
            else:
                yield offset, self.frame.iloc[offset : offset + size]


def _unreadable(path: Path, exc: Exception | None = None) -> FileRefused:
    return FileRefused(
        "unreadable",
        _("无法读取文件 {name},文件可能已损坏或不完整。", name=path.name),
        detail=str(exc) if exc else None,
    )


def _is_polygonal_type(geometry_type: Any) -> bool:
    return bool(geometry_type) and "POLYGON" in str(geometry_type).upper()


def _is_unknown_type(geometry_type: Any) -> bool:
    return bool(geometry_type) and str(geometry_type).upper() in ("UNKNOWN", "GEOMETRY")


def polygon_layers(path: Path) -> list[str]:
    """The names of the layers of ``path`` that hold polygons (declared, or found in
    layers of mixed geometry such as KML folders)."""
    found = []
    for name, geometry_type in pyogrio.list_layers(path):
        if _is_polygonal_type(geometry_type):
            found.append(str(name))
        elif _is_unknown_type(geometry_type):
            frame = pyogrio.read_dataframe(
                path, layer=str(name), read_geometry=True, on_invalid=FIX
            )
            if any(g is not None and "Polygon" in g.geom_type for g in frame.geometry):
                found.append(str(name))
    return found


def choose_layer(path: Path, layer: str | None) -> str | None:
    """The layer to read: the one named, or the only polygon layer; never a guess."""
    names = [str(name) for name, _type in pyogrio.list_layers(path)]
    if layer is not None:
        if layer not in names:
            raise FileRefused(
                "layer_missing",
                _(
                    "文件中没有图层 {layer},现有图层:{layers}。",
                    layer=layer,
                    layers=listing(names),
                ),
                suggestion={"layer": names},
            )
        return layer
    if len(names) <= 1:
        return names[0] if names else None
    candidates = polygon_layers(path)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise FileRefused(
            "layer_required",
            _(
                "文件中有多个图层({layers}),但都不是面图层;请在导入时指定要导入的图层。",
                layers=listing(names),
            ),
            suggestion={"layer": names},
        )
    raise FileRefused(
        "layer_required",
        _(
            "文件中有 {count} 个面图层({layers}),请在导入时指定要导入的图层。",
            count=len(candidates),
            layers=listing(candidates),
        ),
        suggestion={"layer": candidates},
    )


def _geographic_range(frame: gpd.GeoDataFrame) -> bool:
    usable = crs_guard.present_mask(frame.geometry) & crs_guard.finite_mask(frame.geometry)
    present = frame.geometry[usable]
    if present.empty:
        return True
    minx, miny, maxx, maxy = present.total_bounds
    return minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90


def _gpkg_rows(
    path: Path, layer: str | None, fid_column: str | None
) -> Callable[[int, int], gpd.GeoDataFrame]:
    """Read ``count`` rows from row ``skip`` on; the next run is found by its feature id
    (``fid > last``, an index seek) rather than by counting rows from the start again."""
    after: dict[int, int] = {}  # row number -> the feature id of the row before it

    def rows(skip: int, count: int) -> gpd.GeoDataFrame:
        try:
            if skip in after and fid_column:
                frame = pyogrio.read_dataframe(
                    path,
                    layer=layer,
                    where=f'"{fid_column}" > {after[skip]}',
                    max_features=count,
                    fid_as_index=True,
                    on_invalid=FIX,
                )
            else:
                frame = pyogrio.read_dataframe(
                    path,
                    layer=layer,
                    skip_features=skip,
                    max_features=count,
                    fid_as_index=True,
                    on_invalid=FIX,
                )
        except pyogrio.errors.DataSourceError as exc:
            raise _unreadable(path, exc) from exc
        if len(frame):
            after[skip + len(frame)] = int(frame.index[-1])
        return frame.reset_index(drop=True)

    return rows


def _read_ogr(path: Path, layer: str | None, driver: str, stream: bool = False) -> RawLayer:
    features = rows = None
    try:
        name = choose_layer(path, layer)
        if stream and driver == "GPKG":  # rows read batch by batch, later
            info = pyogrio.read_info(path, layer=name, force_feature_count=True)
            features = int(info["features"])
            frame = pyogrio.read_dataframe(path, layer=name, max_features=1, on_invalid=FIX)
            frame = frame.iloc[0:0]
            rows = _gpkg_rows(path, name, info.get("fid_column"))
        else:
            frame = pyogrio.read_dataframe(path, layer=name, on_invalid=FIX)
    except pyogrio.errors.DataSourceError as exc:
        raise _unreadable(path, exc) from exc
    declared = frame.crs
    implied = driver in ("GeoJSON", "KML") and declared is not None and declared.to_epsg() == 4326
    if implied and not _geographic_range(frame):
        declared = None  # metres in a file that claims (or implies) lon/lat
    fallbacks: dict[str, str] = {}
    if driver == "KML":
        frame = frame.drop(columns=[c for c in frame.columns if c in _KML_HOUSEKEEPING])
        fallbacks = {c: "parcel_code" for c in frame.columns if c.lower() == "name"}
    return RawLayer(
        frame, declared, driver, layer=name, fallbacks=fallbacks, rows=rows, features=features
    )


def _read_shapefile(path: Path) -> RawLayer:
    missing = [s for s in (".shx", ".dbf") if not _has_part(path, s)]
    if missing:
        raise FileRefused(
            "unreadable",
            _(
                "Shapefile {name} 缺少 {parts} 文件:请将 .shp、.shx、.dbf(及 .prj、.cpg)"
                "一并提供(可打包为 .zip)。",
                name=path.stem,
                parts=listing(missing),
            ),
        )
    encoding, how, contradicted = shapefile_encoding(path)
    try:  # byte-transparent, decoded here: a name cut mid-character must not stop the read
        frame = pyogrio.read_dataframe(path, encoding="ISO-8859-1", on_invalid=FIX)
    except pyogrio.errors.DataSourceError as exc:
        raise _unreadable(path, exc) from exc
    problems = []
    replaced = False
    if encoding is not None:
        frame, replaced = _recode(frame, encoding)
    if contradicted or replaced:
        problems.append(
            problem(
                "encoding_mismatch",
                _(
                    "Shapefile 的属性编码与 .cpg 所写不符或含无法识别的字符,按 {encoding} 读取,"
                    "个别字符可能有误。",
                    encoding=encoding,
                ),
            )
        )
    label = encoding if how != "ascii" else "ASCII"
    return RawLayer(frame, frame.crs, "ESRI Shapefile", path.stem, label, problems)


def _recode(frame: gpd.GeoDataFrame, encoding: str) -> tuple[gpd.GeoDataFrame, bool]:
    """Text read as Latin-1 (bytes as they are) decoded with the shapefile's encoding."""
    replaced = False

    def text(value: Any, errors: str = "strict") -> Any:
        nonlocal replaced
        if not isinstance(value, str):
            return value
        raw = value.encode("latin-1")
        try:
            return raw.decode(encoding, errors=errors)
        except UnicodeDecodeError:
            replaced = True
            return raw.decode(encoding, errors="replace")

    geometry = frame.geometry.name
    names = {c: text(c, "ignore") if c != geometry else c for c in frame.columns}
    frame = frame.rename(columns=names)
    for column in frame.columns:
        dtype = frame[column].dtype
        if column != geometry and (is_object_dtype(dtype) or is_string_dtype(dtype)):
            frame[column] = frame[column].map(text)
    return frame, replaced


def _has_part(shp: Path, suffix: str) -> bool:
    return any(p.suffix.lower() == suffix for p in shp.parent.glob(f"{shp.stem}.*"))


def _read_file(
    path: Path, layer: str | None, limits: ArchiveLimits, stream: bool = False
) -> RawLayer:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES and path.is_file():
        check_text_size(path, limits)
    elif suffix in WORKBOOK_SUFFIXES and path.is_file():
        check_workbook(path, limits)
    elif suffix in LEGACY_WORKBOOK_SUFFIXES and path.is_file():
        check_legacy_workbook(path, limits)
    elif suffix == ".gpkg" and path.is_file():
        check_geopackage(path)
    if suffix == ".shp":
        return _read_shapefile(path)
    if suffix in (".gpkg", ".geojson", ".json", ".kml"):
        return _read_ogr(path, layer, SUPPORTED_SUFFIXES[suffix], stream)
    if suffix == ".kmz":
        with extracted(path, limits) as folder:
            kml = sorted(folder.rglob("*.kml"), key=lambda p: (p.name.lower() != "doc.kml", p))
            if not kml:
                raise FileRefused("unreadable", _("KMZ 文件 {name} 中没有 KML。", name=path.name))
            check_text_size(kml[0], limits)
            raw = _read_ogr(kml[0], layer, "KML")
        raw.driver = "KMZ"
        return raw
    if suffix == ".dxf":
        drawing = dxf.read_dxf(path, layer=layer)
        return RawLayer(
            drawing.frame,
            None,
            "DXF",
            layer=layer,
            encoding=drawing.encoding,
            problems=drawing.problems,
            fallbacks={"text": "parcel_code"},
        )
    if suffix == ".csv":
        table = tables.read_csv(path)
        return RawLayer(table.frame, None, "CSV", None, table.encoding, table.problems)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        table = tables.read_workbook(path, sheet=layer)
        driver = SUPPORTED_SUFFIXES[suffix]
        return RawLayer(table.frame, None, driver, table.sheet, None, table.problems)
    if suffix == ".zip" or path.is_dir():
        return _read_folder_or_zip(path, layer, limits)
    raise FileRefused(
        "unsupported_format",
        _(
            "不支持的文件类型 {suffix}:支持 Shapefile(.shp/.zip/文件夹)、GeoPackage、"
            "GeoJSON、KML/KMZ、DXF、CSV 和 XLSX。",
            suffix=path.suffix,
        ),
    )


def _datasets(folder: Path) -> list[Path]:
    found = [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix.lower() in _DATASET_SUFFIXES
    ]
    return [p for p in found if not p.name.startswith(".")]


def _read_folder_or_zip(path: Path, layer: str | None, limits: ArchiveLimits) -> RawLayer:
    if path.is_dir():
        return _read_folder(path, layer, limits)
    with extracted(path, limits) as folder:
        return _read_folder(folder, layer, limits)


def _read_folder(folder: Path, layer: str | None, limits: ArchiveLimits) -> RawLayer:
    datasets = _datasets(folder)
    if not datasets:
        raise FileRefused(
            "unreadable",
            _("压缩包或文件夹中没有可导入的文件(.shp、.gpkg、.geojson、.kml、.dxf、.csv、.xlsx)。"),
        )
    if len(datasets) == 1:
        return _read_file(datasets[0], layer, limits)
    named = [p for p in datasets if layer is not None and layer in (p.stem, p.name)]
    if len(named) == 1:
        return _read_file(named[0], None, limits)
    listed = [str(p.relative_to(folder)) for p in datasets]
    raise FileRefused(
        "layer_required",
        _(
            "压缩包或文件夹中有多个数据文件({files}),请在导入时指定要导入的图层(填其文件名)。",
            files=listing(listed),
        ),
        suggestion={"layer": listed},
    )


def read_raw(
    path: Path,
    *,
    layer: str | None = None,
    limits: ArchiveLimits | None = None,
    stream: bool = False,
) -> RawLayer:
    """The rows of a parcel file as it has them (source coordinates, original columns).

    ``stream`` defers reading a GeoPackage's rows to :meth:`RawLayer.batches`, so that a
    large layer is never in memory at once (other formats are read whole).
    """
    path = Path(path)
    if not path.exists():
        raise FileRefused("unreadable", _("找不到文件 {path}。", path=str(path)))
    with np.errstate(invalid="ignore"):  # NaN coordinates are said row by row, not warned
        return _read_file(path, layer, limits or ArchiveLimits(), stream)


# ---- parcel fields --------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _code_text(value: Any) -> str:
    """A parcel code as text; a number read from a spreadsheet loses no digits unnoticed."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 2**53:
            raise ValueError("a parcel code stored as a number")
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> float:
    """A finite number from a cell (text numerals as :func:`~landgis.db.coerce.number`
    reads them)."""
    found = number(value)
    if not math.isfinite(found):
        raise ValueError(value)
    return found


def _date_value(value: Any) -> Any:
    if isinstance(value, str) and (match := _DATE.match(value)):
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return value


def _string_limit(name: str) -> int | None:
    return getattr(Parcel.__table__.columns[name].type, "length", None)


def _typed_value(name: str, column: str, raw: Any, plan: ColumnPlan) -> Any:
    """One cell as the parcel field ``name``; raises when it cannot be read."""
    if name == "parcel_code":
        return _code_text(raw)
    if name == "supply_method":
        value = supply_method_code(raw)
        if value is None:
            raise ValueError(raw)
        return value
    if name == "registered_area_m2":
        return _number(raw) * plan.factors.get(column, 1.0)
    if name in ("zone_code", "zone_name"):
        return str(raw).strip()
    if name in _DATE_FIELDS:
        raw = _date_value(raw)
    elif name in ("land_price_yuan", "plot_ratio", "tax_per_mu"):
        raw = _number(raw)
    return column_values(Parcel, {name: raw})[name]


# What became of a cell: its value, or why it has none.
_INVALID = object()
_TOO_LONG = object()


def _cell(name: str, column: str, raw: Any, plan: ColumnPlan) -> Any:
    """The typed value of a non-blank cell, or ``_INVALID`` / ``_TOO_LONG``."""
    try:
        value = _typed_value(name, column, raw, plan)
    except (InvalidInput, TypeError, ValueError, OverflowError):
        return _INVALID
    limit = _string_limit(name) if name in Parcel.__table__.columns else None
    if isinstance(value, str) and limit is not None and len(value) > limit:
        return _TOO_LONG
    return value


def _cell_problem(
    outcome: Any, name: str, column: str, raw: Any, row: int, code: Any
) -> dict[str, Any]:
    code = None if is_missing(code) else code
    if outcome is _INVALID:
        return problem(
            "invalid_value",
            _(
                "列 {column} 的值 “{value}” 无法识别为{field}。",
                column=column,
                value=raw,
                field=_field_label(name),
            ),
            row=row,
            parcel_code=code,
        )
    limit = _string_limit(name)
    return problem(
        "invalid_value",
        _("列 {column} 的值超过 {limit} 个字符。", column=column, limit=limit),
        row=row,
        parcel_code=code,
    )


def _credit_problem(credit: str, row: int, code: Any) -> dict[str, Any]:
    return problem(
        "invalid_credit_code",
        _("统一社会信用代码 {credit} 校验位不符。", credit=credit),
        row=row,
        parcel_code=code,
    )


def typed_fields(
    item: Mapping[str, Any], plan: ColumnPlan, row: int
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """The parcel fields (typed; None for blank cells), the extra attributes and the
    problems of one row."""
    values: dict[str, Any] = {}
    problems: list[dict[str, Any]] = []
    code = item.get(next((c for c, f in plan.rename.items() if f == "parcel_code"), ""))
    for column, name in plan.rename.items():
        raw = item.get(column)
        if is_missing(raw):
            values[name] = None
            continue
        outcome = _cell(name, column, raw, plan)
        if outcome is _INVALID or outcome is _TOO_LONG:
            problems.append(_cell_problem(outcome, name, column, raw, row, code))
            outcome = None
        values[name] = outcome
    credit = values.get("credit_code")
    if credit and not credit_code.is_valid(credit):
        problems.append(_credit_problem(credit, row, values.get("parcel_code")))
    extra = {}
    for column in plan.extra:
        value = item.get(column)
        if not is_missing(value):
            value = _jsonable(value)
            if value is not None:
                extra[column] = value
    return values, extra, problems


def _cache_key(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return None
    return (type(value), value)


_FLOAT_FIELDS = frozenset({"land_price_yuan", "plot_ratio", "tax_per_mu", "registered_area_m2"})
_TEXT_FIELDS = frozenset(
    {"parcel_code", "zone_code", "zone_name"}
    | {
        c.key
        for c in Parcel.__table__.columns
        if c.key != "supply_method" and getattr(c.type, "python_type", None) is str
    }
)


def _cells(series: pd.Series) -> list[Any]:
    """The cells of a column as Python objects (missing text as None), read as an array."""
    if is_string_dtype(series.dtype) and not is_object_dtype(series.dtype):
        return series.to_numpy(dtype=object, na_value=None).tolist()
    return series.tolist()


def _fast_column(series: pd.Series, name: str, column: str, plan: ColumnPlan) -> list | None:
    """A whole column of plain numbers or text typed as an array, or None when some
    cell needs a closer look (other types, infinite numbers, text too long)."""
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind == "empty" and (name in _FLOAT_FIELDS or name in _TEXT_FIELDS):
        return [None] * len(series)
    if name in _FLOAT_FIELDS and kind in ("floating", "integer"):
        numbers = pd.to_numeric(series).to_numpy(dtype=float, na_value=np.nan)
        if np.isinf(numbers).any():
            return None
        if name == "registered_area_m2":
            numbers = numbers * plan.factors.get(column, 1.0)
        return [None if math.isnan(v) else v for v in numbers.tolist()]
    if name in _DATE_FIELDS and kind == "string":
        cells = _cells(series)
        distinct = list(dict.fromkeys(cells))  # each distinct cell read once
        dates = _iso_dates(distinct)
        if dates is None:
            return None
        return list(map(dict(zip(distinct, dates, strict=True)).__getitem__, cells))
    if name in _TEXT_FIELDS and kind == "string":
        texts = [v.strip() or None if isinstance(v, str) else None for v in _cells(series)]
        limit = _string_limit(name) if name in Parcel.__table__.columns else None
        if limit is not None and max(map(len, filter(None, texts)), default=0) > limit:
            return None
        return texts
    return None


_ISO_DATES = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\n)*")
_FIRST_DAY = np.datetime64("0001-01-01", "D")


def _iso_dates(cells: list[Any]) -> list | None:
    """Dates written YYYY-MM-DD (or blank), or None when some cell is anything else:
    checked with one pattern over all the cells and parsed as one array."""
    texts = [c.strip() if isinstance(c, str) else "" for c in cells]
    given = [t for t in texts if t]
    if not given:
        return [None] * len(texts)
    if not _ISO_DATES.fullmatch("\n".join(given) + "\n"):
        return None
    try:
        days = np.array(given, dtype="datetime64[D]")
    except ValueError:
        return None  # 2015-02-30 and the like: said row by row
    if days.min() < _FIRST_DAY:
        return None
    parsed = iter(days.astype(object).tolist())
    return [next(parsed) if t else None for t in texts]


_CREDIT_INDEX = np.full(256, -1, dtype=np.int64)
_CREDIT_INDEX[np.frombuffer(credit_code.ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(
    len(credit_code.ALPHABET)
)


def _credit_codes_valid(credits: list[Any]) -> np.ndarray:
    """:func:`credit_code.is_valid` of each credit code as arrays (True where blank)."""
    ok = np.ones(len(credits), dtype=bool)
    texts = [c.strip().upper() if isinstance(c, str) and c else None for c in credits]
    plain = [i for i, t in enumerate(texts) if t is not None and len(t) == 18 and t.isascii()]
    for i, text in enumerate(texts):
        if text is not None and not (len(text) == 18 and text.isascii()):
            ok[i] = credit_code.is_valid(text)
    if plain:
        raw = "".join(texts[i] for i in plain).encode("ascii")  # type: ignore[misc]
        index = _CREDIT_INDEX[np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)]
        weights = np.array(credit_code.WEIGHTS, dtype=np.int64)
        check = (31 - (index[:, :17] * weights).sum(axis=1) % 31) % 31
        ok[plain] = (index >= 0).all(axis=1) & (index[:, 17] == check)
    return ok


def typed_columns(
    frame: pd.DataFrame, plan: ColumnPlan, first_row: int = 1
) -> tuple[dict[str, list[Any]], list[Any], list[dict[str, Any]]]:
    """:func:`typed_fields` for every row of ``frame`` at once, column by column (each
    distinct cell read once): the field columns, the extra attributes (dict or None) and
    the problems, rows numbered from ``first_row``."""
    n = len(frame)
    code_column = next((c for c, f in plan.rename.items() if f == "parcel_code"), None)
    raw_codes = list(frame[code_column]) if code_column in frame else [None] * n
    columns: dict[str, list[Any]] = {}
    found: list[tuple[int, int, dict[str, Any]]] = []  # (position, order, problem)
    for order, (column, name) in enumerate(plan.rename.items()):
        fast = _fast_column(frame[column], name, column, plan) if column in frame else None
        if fast is not None:
            columns[name] = fast
            continue
        cells = _cells(frame[column]) if column in frame else [None] * n
        outcomes: dict[Any, Any] = {}
        typed: list[Any] = []
        for position, raw in enumerate(cells):
            if is_missing(raw):
                typed.append(None)
                continue
            key = _cache_key(raw)
            outcome = outcomes.get(key, outcomes) if key is not None else outcomes
            if outcome is outcomes:
                outcome = _cell(name, column, raw, plan)
                if key is not None:
                    outcomes[key] = outcome
            if outcome is _INVALID or outcome is _TOO_LONG:
                row = first_row + position
                code = raw_codes[position]
                found.append(
                    (position, order, _cell_problem(outcome, name, column, raw, row, code))
                )
                outcome = None
            typed.append(outcome)
        columns[name] = typed
    if "credit_code" in columns:
        codes = columns.get("parcel_code", [None] * n)
        credits = columns["credit_code"]
        for position in np.flatnonzero(~_credit_codes_valid(credits)).tolist():
            credit = credits[position]
            problem_ = _credit_problem(credit, first_row + int(position), codes[position])
            found.append((int(position), len(plan.rename), problem_))
    found.sort(key=lambda item: (item[0], item[1]))
    extras: list[Any] = [None] * n
    if plan.extra:
        items = frame[[c for c in plan.extra if c in frame]].to_dict("records")
        for position, item in enumerate(items):
            extra = {}
            for column, value in item.items():
                if not is_missing(value):
                    value = _jsonable(value)
                    if value is not None:
                        extra[column] = value
            extras[position] = extra or None
    return columns, extras, [p for _position, _order, p in found]


def _field_label(name: str) -> Localizable:
    """What a cell of field ``name`` should hold, for "cannot read … as …"."""
    if name == "supply_method":
        return _("供地方式(出让/划拨)")
    if name == "registered_area_m2":
        return pgettext("cell", "面积")
    if name == "parcel_code":
        return _("宗地编号(请将该列设为文本格式)")
    if name in _DATE_FIELDS:
        return pgettext("cell", "日期")
    return schema.label_of(name, schema.PARCEL)


# ---- the result -----------------------------------------------------------------------


@dataclass
class ReadResult:
    """Parcels read from a file, with every problem found.

    ``frame`` (None when the file as a whole was refused) has one row per feature:
    ``row`` (1-based), the parcel fields found, ``extra`` (dict or None), ``geometry``
    (a valid MultiPolygon in EPSG:4490, None where the row's geometry is unusable),
    ``area_m2``, ``geodesic_area_m2`` and ``gk_epsg`` (NaN where there is no geometry).
    """

    source: str
    driver: str | None = None
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None
    features: int = 0
    frame: gpd.GeoDataFrame | None = None
    fields: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    # the prefix rows without a code are numbered after (by the import, from the database)
    assign_prefix: str | None = None
    # the codes composed by a code template: {"row", "parcel_code"}
    given_codes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error-severity problem."""
        return self.frame is not None and not any(p["severity"] == ERROR for p in self.problems)

    @property
    def error_rows(self) -> set[int]:
        """Rows with an error of their own."""
        return {p["row"] for p in self.problems if p["severity"] == ERROR and p["row"]}


def _slow_geometry(geom: Any, row: int, code: Any, skip: set[int]) -> tuple[Any, list]:
    """One geometry that is not a plain valid polygon: repaired, or the problem why not."""
    if geom is None or geom.is_empty:
        if row in skip:
            return None, []
        empty = problem(
            "empty_geometry",
            _("图形为空或无法读取"),
            row=row,
            parcel_code=code,
        )
        return None, [empty]
    if not is_polygonal(geom):
        return None, [
            problem(
                "not_polygon",
                _(
                    "图形类型为 {geometry_type},不是面",
                    geometry_type=geometry_type_name(geom.geom_type),
                ),
                row=row,
                parcel_code=code,
            )
        ]
    outcome = repair(geom)
    if outcome.status == "invalid":
        return None, [
            problem(
                "invalid_geometry",
                _("图形无效且无法安全修复:{reason}", reason=invalid_reason(outcome.reason)),
                row=row,
                parcel_code=code,
            )
        ]
    if outcome.status == "repaired":
        return outcome.geometry, [
            problem(
                "repaired_geometry",
                _("图形无效({reason}),已自动修复,请核对", reason=invalid_reason(outcome.reason)),
                row=row,
                parcel_code=code,
            )
        ]
    return outcome.geometry, []


def _geometry_problems(
    geoms: gpd.GeoSeries, codes: list[Any], skip: set[int], first_row: int = 1
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Valid MultiPolygons (None where unusable) and the row problems.

    Valid polygons and multipolygons (nearly all rows) are checked and converted as
    arrays; the rest one by one.
    """
    values = np.asarray(geoms.values, dtype=object)
    types = shapely.get_type_id(values)
    plain = ((types == 3) | (types == 6)) & ~shapely.is_empty(values)
    plain[plain] = shapely.is_valid(values[plain])
    fixed = np.full(len(values), None, dtype=object)
    multi = plain & (types == 6)
    fixed[multi] = values[multi]
    single = np.flatnonzero(plain & (types == 3))
    if len(single):
        fixed[single] = shapely.multipolygons(values[single], indices=np.arange(len(single)))
    problems: list[dict[str, Any]] = []
    for position in np.flatnonzero(~plain):
        code = codes[position]
        code = None if is_missing(code) else code
        row = first_row + int(position)
        fixed[position], found = _slow_geometry(values[position], row, code, skip)
        problems += found
    return list(fixed), problems


def _code_problems(
    codes: list[Any], first_row: int = 1, *, blank_ok: bool = False
) -> list[dict[str, Any]]:
    """Rows without a code (unless ``blank_ok``: the import gives them one) and rows
    repeating one."""
    problems = []
    texts = [None if is_missing(c) else str(c).strip() for c in codes]
    series = pd.Series(texts, dtype=object)
    repeated = series.notna().to_numpy() & series.duplicated(keep=False).to_numpy()
    rows_of: dict[str | None, list[int]] = {}
    for position in np.flatnonzero(repeated).tolist():
        rows_of.setdefault(texts[position], []).append(first_row + position)
    for position in np.flatnonzero(series.isna().to_numpy() | repeated).tolist():
        text = texts[position]
        if not text:
            if not blank_ok:
                problems.append(missing_code_problem(first_row + position))
        else:
            problems.append(duplicate_code_problem(first_row + position, text, rows_of[text]))
    return problems


def missing_code_problem(row: int) -> dict[str, Any]:
    """A row without a parcel code."""
    return problem(
        "missing_code",
        _(
            "缺少宗地编号(如宗地编号在另一名称的列中,请将该列名改为“宗地编号”;"
            "文件没有编号时,可在“宗地编号”一项选择“自动编号(前缀)”或“由列组合(模板)”)"
        ),
        row=row,
        suggestion={"mapping": "parcel_code", "codes": True},
    )


def blank_template_problem(row: int, column: str, template: str) -> dict[str, Any]:
    """A row whose code cannot be composed: ``column`` of the template is blank."""
    return problem(
        "missing_code",
        _(
            "缺少宗地编号:按编号模板“{template}”组合时,“{column}”列为空",
            template=template,
            column=column,
        ),
        row=row,
    )


def duplicate_code_problem(row: int, code: str, rows: list[int]) -> dict[str, Any]:
    """Row ``row`` repeats a code that the ``rows`` of the file (``row`` among them) share."""
    others = [r for r in rows if r != row][:20]
    return problem(
        "duplicate_code",
        _("宗地编号在文件中重复(另见第 {rows} 行)", rows=listing(others)),
        row=row,
        parcel_code=code,
    )


def file_overlap_problem(row: int, code: Any, other_row: int, other_code: Any, found: Any) -> dict:
    """Row ``row`` overlaps row ``other_row`` of the same file (``found``: an Overlap)."""
    return problem(
        "overlap",
        _(
            "与文件第 {other_row} 行({other_code})重叠 {area:.1f} ㎡(占较小宗地的 {share:.1%})",
            other_row=other_row,
            other_code=other_code,
            area=found.area_m2,
            share=found.share,
        ),
        row=row,
        parcel_code=code,
    )


def _overlap_problems(
    geoms: gpd.GeoSeries, codes: list[Any], first_row: int = 1
) -> list[dict[str, Any]]:
    problems = []
    for found in overlaps(geoms):
        for me, other in ((found.i, found.j), (found.j, found.i)):
            problems.append(
                file_overlap_problem(
                    first_row + me, codes[me], first_row + other, codes[other], found
                )
            )
    return problems


def _area_problems(
    registered: list[Any],
    computed: np.ndarray,
    codes: list[Any],
    share: float,
    first_row: int = 1,
) -> list[dict[str, Any]]:
    problems = []
    given_areas = pd.to_numeric(pd.Series(registered, dtype=object), errors="coerce")
    given_areas = given_areas.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        usable = np.isfinite(computed) & (given_areas > 0)
        off = usable & (np.abs((computed - given_areas) / given_areas) > share)
    for position in np.flatnonzero(off).tolist():
        given, area = registered[position], computed[position]
        difference = (area - given) / given
        if abs(difference) > share:
            problems.append(
                problem(
                    "area_mismatch",
                    _(
                        "计算面积 {area:.2f} ㎡ 与登记面积 {given:.2f} ㎡ 相差 {difference:+.1%}"
                        "(超过 {share:.0%})",
                        area=area,
                        given=given,
                        difference=difference,
                        share=share,
                    ),
                    row=first_row + position,
                    parcel_code=codes[position],
                    severity=WARNING,
                )
            )
    return problems


def area_unit_guessed_problem(column: str, factor: float) -> dict[str, Any]:
    """The file's warning that ``column``, named without a unit, was read in the unit of
    ``factor`` m² (亩 or 公顷) judged from its values."""
    unit = _("亩") if factor == float(M2_PER_MU) else _("公顷")
    return problem(
        "area_unit_guessed",
        _(
            "“{column}”一列按数值判断为{unit}(与图形面积相差不超过 {share:.0%}),已换算为平方米。",
            column=column,
            unit=unit,
            share=UNIT_GUESS_SHARE,
        ),
    )


def _registered_in_m2(
    registered: list[Any], computed: np.ndarray, column: str
) -> tuple[list[Any], float, list[dict[str, Any]]]:
    """The registered areas of ``column`` (named without a unit) in m², the m² per unit
    judged from the polygons' ``computed`` areas (1 when no unit matches) and the warning
    saying so when they were converted."""
    factor = area_unit_from_values(registered, computed) or 1.0
    if factor == 1.0:
        return registered, 1.0, []
    converted = [None if value is None else value * factor for value in registered]
    return converted, factor, [area_unit_guessed_problem(column, factor)]


def _non_finite_problem(row: int, code: Any) -> dict[str, Any]:
    return problem(
        "invalid_coordinates",
        _("坐标中有非数值(NaN)或无穷大的数,无法使用,请检查该行图形"),
        row=row,
        parcel_code=None if is_missing(code) else code,
    )


def _unplaced_problem(row: int, code: Any, crs: str | None) -> dict[str, Any]:
    return problem(
        "invalid_coordinates",
        _("坐标远超坐标系 {crs} 的范围,无法换算为经纬度,请检查该行图形", crs=crs),
        row=row,
        parcel_code=None if is_missing(code) else code,
    )


@dataclass
class _Batch:
    """One run of rows, checked: the parcels (None when the file is refused), the CRS
    used and the problems found."""

    frame: gpd.GeoDataFrame | None
    crs: CRS | None
    problems: list[dict[str, Any]]
    heights: int = 0  # rows whose Z values were dropped
    area_factor: float = 1.0  # m² per unit of a registered-area column named without one
    given: list[dict[str, Any]] = field(default_factory=list)  # codes composed by a template


def flatten_z(values: np.ndarray) -> tuple[np.ndarray, int]:
    """The geometries in two dimensions, and how many of them carried heights: a Z other
    than 0 (a Z of 0 everywhere, as KML writers put, is no height and not counted)."""
    has_z = shapely.has_z(values)
    if not has_z.any():
        return values, 0
    coordinates, index = shapely.get_coordinates(values[has_z], include_z=True, return_index=True)
    with np.errstate(invalid="ignore"):
        height = np.isfinite(coordinates[:, 2]) & (coordinates[:, 2] != 0)
    return shapely.force_2d(values), len(np.unique(index[height]))


def flattened_z_problem(rows: int) -> dict[str, Any]:
    """The file's warning that ``rows`` rows had their heights (Z) dropped."""
    return problem(
        "flattened_z",
        _("{rows} 行图形带有高程(Z 坐标),已去掉高程,按平面图形导入。", rows=rows),
    )


def _read_batch(
    frame: gpd.GeoDataFrame,
    first_row: int,
    raw: RawLayer,
    plan: ColumnPlan,
    fields: list[str],
    *,
    crs: str | None,
    swap_xy: bool,
    from_gcj02: bool,
    county: BaseGeometry | None,
    area_tolerance: float,
    skip: set[int],
    codes_by: CodeOptions | None = None,
    template_of: Mapping[str, str] | None = None,
) -> _Batch:
    """Type, place, repair and check the rows of ``frame`` (the file's rows from
    ``first_row`` on); ``codes_by`` the code options (``template_of``: the template's
    file columns)."""
    frame = frame.reset_index(drop=True)
    geometry_name = frame.geometry.name
    columns, extras, problems = typed_columns(frame, plan, first_row)
    n = len(frame)
    given: list[dict[str, Any]] = []
    if codes_by is not None and codes_by.template is not None:
        template = codes_by.template
        used = list(dict.fromkeys((template_of or {}).values()))
        composed, blank = compose(template, frame[used].to_dict("records"), template_of or {})
        limit = _string_limit("parcel_code")
        for position, code in enumerate(composed):
            row = first_row + position
            if position in blank:
                problems.append(blank_template_problem(row, blank[position], template.text))
            elif code is not None and limit is not None and len(code) > limit:
                problems.append(
                    _cell_problem(_TOO_LONG, "parcel_code", template.text, code, row, None)
                )
                composed[position] = None
            else:
                given.append({"row": row, "parcel_code": code})
        columns["parcel_code"] = composed
        problems = [_with_code(p, composed, first_row) for p in problems]
    elif codes_by is not None:
        columns.setdefault("parcel_code", [None] * n)
    codes = columns.get("parcel_code", [None] * n)

    values, heights = flatten_z(np.asarray(frame[geometry_name].values, dtype=object))
    unusable = ~crs_guard.finite_mask(values)
    if unusable.any():  # NaN or infinite numbers: the row's error, never the file's
        values = values.copy()
        values[unusable] = None
        for position in np.flatnonzero(unusable).tolist():
            problems.append(_non_finite_problem(first_row + position, codes[position]))
        skip = skip | {first_row + p for p in np.flatnonzero(unusable).tolist()}
    geoms = gpd.GeoSeries(values)
    if swap_xy:
        geoms = crs_guard.swap_axes(geoms)
    placed = crs_guard.present_mask(geoms)
    guarded = crs_guard.resolve(geoms, raw.declared_crs, crs, county=county)
    problems += guarded.problems
    if guarded.geoms is None:
        return _Batch(None, guarded.crs, problems, heights)
    geoms = guarded.geoms
    unplaced = placed & ~crs_guard.present_mask(geoms)
    if unplaced.any():  # coordinates the CRS cannot convert (far outside its area)
        label = crs_guard.crs_label(guarded.crs)
        for position in np.flatnonzero(unplaced).tolist():
            problems.append(_unplaced_problem(first_row + position, codes[position], label))
        skip = skip | {first_row + p for p in np.flatnonzero(unplaced).tolist()}
    if from_gcj02:
        from landgis.gcj02 import from_gcj02 as shift_back

        geoms = shift_back(geoms)

    fixed, geometry_problems = _geometry_problems(geoms, codes, skip, first_row)
    problems += geometry_problems
    geoms = gpd.GeoSeries(fixed, crs=CGCS2000, dtype="geometry")
    inside, china_problems = crs_guard.china_problems(geoms, codes, first_row)
    problems += china_problems
    if not inside.all():
        geoms = geoms.where(inside, None)
    if county is not None and not county.is_empty:
        problems += crs_guard.county_problems(geoms, county, codes, first_row)

    present = crs_guard.present_mask(geoms)
    area = np.full(n, np.nan)
    geodesic = np.full(n, np.nan)
    zone_epsg = np.full(n, np.nan)
    if present.any():
        computed = parcel_areas(geoms[present])
        area[present] = computed["area_m2"]
        geodesic[present] = computed["geodesic_area_m2"]
        zone_epsg[present] = computed["gk_epsg"]
    registered = columns.get("registered_area_m2", [None] * n)
    area_factor = 1.0
    if plan.unit_unknown is not None and "registered_area_m2" in columns:
        registered, area_factor, judged = _registered_in_m2(registered, area, plan.unit_unknown)
        columns["registered_area_m2"] = registered
        problems += judged
    problems += _area_problems(registered, area, codes, area_tolerance, first_row)
    problems += _code_problems(codes, first_row, blank_ok=codes_by is not None)
    problems += _overlap_problems(geoms, codes, first_row)

    parcels = gpd.GeoDataFrame(
        pd.DataFrame(columns, columns=fields) if fields else pd.DataFrame(index=range(n)),
        geometry=geoms.reset_index(drop=True),
        crs=CGCS2000,
    )
    parcels.insert(0, "row", np.arange(first_row, first_row + n))
    parcels["extra"] = extras
    parcels["area_m2"] = area
    parcels["geodesic_area_m2"] = geodesic
    parcels["gk_epsg"] = zone_epsg
    return _Batch(parcels, guarded.crs, problems, heights, area_factor, given)


def _with_code(item: dict[str, Any], codes: list[Any], first_row: int) -> dict[str, Any]:
    """``item`` naming its row's code, when it named none and the row has one now."""
    row = item.get("row")
    if row is None or item.get("parcel_code") is not None:
        return item
    position = row - first_row
    if 0 <= position < len(codes) and codes[position] is not None:
        item["parcel_code"] = str(codes[position])
    return item


def read_parcel_batches(
    path: Path | str,
    *,
    layer: str | None = None,
    crs: str | None = None,
    mapping: Mapping[str, str | None] | Path | str | None = None,
    swap_xy: bool = False,
    from_gcj02: bool = False,
    county: BaseGeometry | None = None,
    area_tolerance: float = AREA_MISMATCH_SHARE,
    limits: ArchiveLimits | None = None,
    batch_size: int | None = None,
    assign_codes: str | None = None,
    code_template: str | None = None,
) -> Iterator[ReadResult]:
    """:func:`read_parcels`, ``batch_size`` rows at a time (all at once without one).

    Yields one :class:`ReadResult` per batch; rows keep their numbers in the file, and
    each result carries the file's details. The problems of the file as a whole come with
    the first batch (each once). The checks that compare rows (duplicate codes, overlaps)
    only see the rows of one batch: comparing batches is the caller's job. When the file
    as a whole is refused, the last result has no ``frame``. A GeoPackage is read batch by
    batch, other files are read whole and checked batch by batch. The unit of a
    registered-area column named without one is judged from the first batch's rows and
    kept for the others.

    ``assign_codes`` (a prefix) leaves rows without a code without a ``missing_code``
    error, for the import to number them (each result's ``assign_prefix``);
    ``code_template`` composes every row's code from its columns (see
    :mod:`landgis.io.codes`); a mapping file may give either instead.
    """
    head = ReadResult(source=str(path))
    try:
        if mapping is not None and not isinstance(mapping, Mapping):
            mapping = load_mapping(mapping)
        elif mapping is not None:
            mapping = validate_mapping(mapping)
        codes_by = code_options(assign_codes, code_template, mapping)
        if crs is not None:
            crs_guard.parse_crs(crs)
        raw = read_raw(Path(path), layer=layer, limits=limits, stream=batch_size is not None)
    except FileRefused as refused:
        head.problems = list(refused.problems)
        yield head
        return
    head.driver, head.layer, head.encoding = raw.driver, raw.layer, raw.encoding
    head.crs = crs_guard.crs_label(raw.declared_crs)
    head.features = raw.count
    problems: list[dict[str, Any]] = list(raw.problems)
    if head.features == 0:
        problems.append(problem("no_features", _("文件中没有任何图形要素。")))
        head.problems = sort_problems(problems)
        yield head
        return
    geometry_name = raw.frame.geometry.name
    names = [c for c in raw.frame.columns if c != geometry_name]
    template_of: dict[str, str] | None = None
    if codes_by is not None and codes_by.template is not None:
        try:
            template_of = template_columns(codes_by.template, names)
        except FileRefused as refused:
            head.problems = sort_problems(problems + list(refused.problems))
            yield head
            return
    plan = plan_columns(names, mapping, fallbacks=raw.fallbacks)
    if template_of is not None:  # the template gives the code: a code column is an extra
        for column in [c for c, f in plan.rename.items() if f == "parcel_code"]:
            del plan.rename[column]
            plan.extra.append(column)
    problems += plan.problems
    fields = sorted(set(plan.rename.values()) | ({"parcel_code"} if codes_by else set()))
    head.assign_prefix = codes_by.prefix if codes_by is not None else None
    head.fields = fields
    skip = {p["row"] for p in problems if p["kind"] == "invalid_geometry"}
    said: set[tuple[str, str]] = set()
    heights = 0
    for offset, rows in raw.batches(batch_size):
        with np.errstate(invalid="ignore"):
            batch = _read_batch(
                rows,
                offset + 1,
                raw,
                plan,
                fields,
                crs=crs,
                swap_xy=swap_xy,
                from_gcj02=from_gcj02,
                county=county,
                area_tolerance=area_tolerance,
                skip=skip,
                codes_by=codes_by,
                template_of=template_of,
            )
        result = ReadResult(
            source=head.source,
            driver=head.driver,
            layer=head.layer,
            encoding=head.encoding,
            crs=crs_guard.crs_label(batch.crs) or head.crs,
            features=head.features,
            frame=batch.frame,
            fields=fields,
            assign_prefix=head.assign_prefix,
            given_codes=batch.given,
        )
        for item in problems + batch.problems:
            if item["row"] is None:  # about the file: said once
                key = (item["kind"], item["message_en"])
                if key in said:
                    continue
                said.add(key)
            result.problems.append(item)
        problems = []
        heights += batch.heights
        if plan.unit_unknown is not None:  # judged by the first batch, kept for the rest
            factors = {**plan.factors, plan.unit_unknown: batch.area_factor}
            plan = replace(plan, factors=factors, unit_unknown=None)
        last = batch.frame is None or offset + len(rows) >= head.features
        if last and heights:  # counted over the whole file, said with its last rows
            result.problems.append(flattened_z_problem(heights))
        result.problems = sort_problems(result.problems)
        yield result
        if batch.frame is None:
            return


def read_parcels(
    path: Path | str,
    *,
    layer: str | None = None,
    crs: str | None = None,
    mapping: Mapping[str, str | None] | Path | str | None = None,
    swap_xy: bool = False,
    from_gcj02: bool = False,
    county: BaseGeometry | None = None,
    area_tolerance: float = AREA_MISMATCH_SHARE,
    limits: ArchiveLimits | None = None,
    assign_codes: str | None = None,
    code_template: str | None = None,
) -> ReadResult:
    """Read a parcel file into EPSG:4490 parcels and a problem report.

    ``crs`` is the user's CRS (it wins over the file's, with a warning); ``mapping`` a
    ``{file column: landgis field}`` dict or the path of a JSON/YAML mapping file;
    ``swap_xy`` exchanges the axes before anything else; ``from_gcj02`` moves data
    digitized on GCJ-02 maps back; ``county`` (EPSG:4490) locates Gauss-Kruger
    coordinates without the zone prefix and flags parcels outside it; ``assign_codes`` and
    ``code_template`` as :func:`read_parcel_batches` takes them.
    """
    batches = read_parcel_batches(
        path,
        layer=layer,
        crs=crs,
        mapping=mapping,
        swap_xy=swap_xy,
        from_gcj02=from_gcj02,
        county=county,
        area_tolerance=area_tolerance,
        limits=limits,
        assign_codes=assign_codes,
        code_template=code_template,
    )
    return next(iter(batches))
