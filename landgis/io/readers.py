"""Read a parcel file's rows as the file has them: source coordinates, original columns.

Formats: Shapefile (``.shp``, a folder or a ``.zip``; ``.cpg`` honoured, else UTF-8 or
GB18030 detected from the ``.dbf`` bytes), GeoPackage (the polygon layer, or the one
named), GeoJSON (RFC 7946, and the older ``crs`` member), KML/KMZ, DXF (closed polylines
and hatches), CSV, XLSX and XLS (a WKT or coordinate-list column).

:func:`read_raw` gives a :class:`RawLayer`; a file that cannot be read or trusted at all
(unsupported, unreadable, unsafe, too large, an ambiguous layer) raises
:class:`~landgis.io.problems.FileRefused`. Typing the cells, placing the geometries and
checking the rows is the import pipeline's work (:mod:`landgis.imports`)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pandas.api.types import is_object_dtype, is_string_dtype
from pyproj import CRS

from landgis.i18n import _, listing
from landgis.io import crs_guard, dxf, tables
from landgis.io.archives import ArchiveLimits, extracted
from landgis.io.encoding import shapefile_encoding
from landgis.io.file_limits import (
    LEGACY_WORKBOOK_SUFFIXES,
    TEXT_SUFFIXES,
    WORKBOOK_SUFFIXES,
    check_geopackage,
    check_legacy_workbook,
    check_text_size,
    check_workbook,
)
from landgis.io.problems import FileRefused, Problem, problem

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


# ---- reading the file -----------------------------------------------------------------


@dataclass
class RawLayer:
    """Rows as the file has them: source coordinates, the declared CRS (if any)."""

    frame: gpd.GeoDataFrame
    declared_crs: CRS | None
    driver: str
    layer: str | None = None
    encoding: str | None = None
    problems: list[Problem] = field(default_factory=list)
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
        """(offset, rows) for each run of at most ``size`` rows (all at once without one).
        Read batch by batch, the next run is read (on another thread) while the caller
        works on this one."""
        total = self.count
        size = max(1, size or total)
        offsets = range(0, total, size)
        if self.rows is None:
            for offset in offsets:
                yield offset, self.frame.iloc[offset : offset + size]
            return
        rows = self.rows

        def read(offset: int) -> gpd.GeoDataFrame:
            with np.errstate(invalid="ignore"):  # NaN coordinates: said row by row
                return rows(offset, min(size, total - offset))

        reader = ThreadPoolExecutor(max_workers=1)
        try:
            ahead = reader.submit(read, offsets[0]) if offsets else None
            for number, offset in enumerate(offsets, start=1):
                assert ahead is not None
                batch = ahead.result()
                if number < len(offsets):
                    ahead = reader.submit(read, offsets[number])
                yield offset, batch
        finally:
            reader.shutdown(wait=True, cancel_futures=True)

    def rows_at(self, offsets: list[int]) -> gpd.GeoDataFrame:
        """The rows at ``offsets`` (0-based, ascending), as the file has them: read again,
        run by run, when the layer is read batch by batch."""
        if self.rows is None:
            return self.frame.iloc[offsets]
        runs: list[list[int]] = []
        for offset in offsets:
            if runs and offset == runs[-1][-1] + 1:
                runs[-1].append(offset)
            else:
                runs.append([offset])
        with np.errstate(invalid="ignore"):
            parts = [self.rows(run[0], len(run)) for run in runs]
        if not parts:
            return self.frame.iloc[0:0]
        return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs)


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
                    use_arrow=True,
                )
            else:
                frame = pyogrio.read_dataframe(
                    path,
                    layer=layer,
                    skip_features=skip,
                    max_features=count,
                    fid_as_index=True,
                    on_invalid=FIX,
                    use_arrow=True,
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
            frame = pyogrio.read_dataframe(
                path, layer=name, max_features=1, on_invalid=FIX, use_arrow=True
            )
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
