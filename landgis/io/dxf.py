"""Parcels from CAD drawings (DXF).

GDAL's DXF driver reads closed polylines as closed LINESTRINGs and hatches as POLYGONs;
here closed rings become polygons, every other entity (open lines, dimensions, blocks) is
skipped and counted, and a text label (TEXT/MTEXT) inside a polygon is attached as
``text`` (a candidate parcel code). ``layer`` and ``handle`` are kept as attributes. A
hatch drawn over its own boundary polyline yields one parcel, not two.

DXF carries no CRS: the coordinate guard recognises Gauss-Kruger coordinates or the user
names the CRS. Text is decoded by the drawing's ``$DWGCODEPAGE``; drawings that say
nothing (or say ANSI_1252 while holding Chinese) are decoded by their bytes.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from shapely.geometry import LinearRing, LineString, MultiLineString, Polygon
from shapely.geometry.base import BaseGeometry

from landgis.i18n import _, listing, pgettext
from landgis.io.encoding import GB18030, UTF8, bytes_encoding
from landgis.io.problems import FileRefused, Problem, problem

# GDAL configuration options are process-wide: one DXF read at a time.
_GDAL_CONFIG_LOCK = threading.Lock()
_CODEPAGE = re.compile(rb"\$DWGCODEPAGE\s*\r?\n\s*3\s*\r?\n\s*(\S+)")
_VERSION = re.compile(rb"\$ACADVER\s*\r?\n\s*1\s*\r?\n\s*AC(\d{4})")
_MTEXT_CODES = re.compile(r"\\[A-Za-z][^;\\]*;|\\P|[{}]")
_CJK_CODEPAGES = {
    "ANSI_936": GB18030,
    "ANSI_54936": GB18030,
    "ANSI_20936": GB18030,
    "ANSI_950": "BIG5",
}


@dataclass
class Drawing:
    """Closed shapes of a drawing (no CRS) and what was left out."""

    frame: gpd.GeoDataFrame
    encoding: str | None
    layers: list[str]
    problems: list[Problem] = field(default_factory=list)


def dxf_encoding(path: Path) -> str | None:
    """The codec of the drawing's text, or None when GDAL decodes it (AutoCAD 2007 and
    later store UTF-8; plain ASCII needs nothing)."""
    raw = Path(path).read_bytes()
    version = _VERSION.search(raw[:65536])
    if version and int(version.group(1)) >= 1021:
        return None
    codepage = _CODEPAGE.search(raw[:65536])
    name = codepage.group(1).decode("ascii", "ignore").upper() if codepage else ""
    if name in _CJK_CODEPAGES:
        return _CJK_CODEPAGES[name]
    return bytes_encoding(raw)


def _read(path: Path, encoding: str | None) -> gpd.GeoDataFrame:
    """The drawing's entities; text in ``encoding`` is read byte for byte (Latin-1) and
    decoded here, as GDAL may not know Chinese code pages."""
    if encoding is None:
        return pyogrio.read_dataframe(path, on_invalid="fix")  # unclosed rings: closed
    with _GDAL_CONFIG_LOCK:
        pyogrio.set_gdal_config_options({"DXF_ENCODING": "ISO-8859-1"})
        try:
            frame = pyogrio.read_dataframe(path, on_invalid="fix")
        finally:
            pyogrio.set_gdal_config_options({"DXF_ENCODING": None})
    for column in ("Layer", "Text"):
        if column in frame:
            frame[column] = [
                v.encode("latin-1").decode(encoding, errors="replace") if isinstance(v, str) else v
                for v in frame[column]
            ]
    return frame


def _ring_polygon(geom: BaseGeometry | None) -> Polygon | None:
    """A polygon from a closed line (first point = last, at least 3 distinct points)."""
    if isinstance(geom, MultiLineString) and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if not isinstance(geom, LineString | LinearRing) or geom.is_empty:
        return None
    coords = list(geom.coords)
    if len(coords) < 4 or coords[0] != coords[-1] or len(set(coords)) < 3:
        return None
    return Polygon([c[:2] for c in coords])


def _polygon(geom: BaseGeometry | None) -> BaseGeometry | None:
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return shapely.force_2d(geom)
    return _ring_polygon(geom)


def _label(text: Any) -> str | None:
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    cleaned = _MTEXT_CODES.sub("", str(text)).strip()
    return cleaned or None


def _column(frame: gpd.GeoDataFrame, name: str) -> list[str | None]:
    if name not in frame:
        return [None] * len(frame)
    return [
        None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in frame[name]
    ]


def read_dxf(path: Path, *, layer: str | None = None) -> Drawing:
    """Closed polylines and hatches of a drawing as polygons, with layer, handle and text."""
    encoding = dxf_encoding(path)
    try:
        raw = _read(path, encoding)
    except pyogrio.errors.DataSourceError as exc:
        raise FileRefused(
            "unreadable",
            _("无法读取 DXF 文件 {name}。", name=Path(path).name),
            detail=str(exc),
        ) from exc
    layers = [v or "0" for v in _column(raw, "Layer")]
    handles = _column(raw, "EntityHandle")
    texts = _column(raw, "Text")
    subclasses = [v or "" for v in _column(raw, "SubClasses")]
    polygons: list[dict[str, Any]] = []
    labels: list[tuple[BaseGeometry, str]] = []
    skipped = 0
    for geom, layer_name, handle, text, subclass in zip(
        raw.geometry, layers, handles, texts, subclasses, strict=True
    ):
        shape = _polygon(geom)
        if shape is not None:
            polygons.append({"layer": layer_name, "handle": handle, "geometry": shape})
        elif geom is not None and geom.geom_type == "Point" and (label := _label(text)):
            if "Hatch" not in subclass:
                labels.append((geom, label))
        else:
            skipped += 1
    shape_layers = sorted({p["layer"] for p in polygons})
    if layer is not None:
        if layer not in shape_layers:
            raise FileRefused(
                "layer_missing",
                _(
                    "图纸中图层 {layer} 没有闭合图形,含闭合图形的图层:{layers}。",
                    layer=layer,
                    layers=listing(shape_layers) if shape_layers else pgettext("choice", "无"),
                ),
                suggestion={"layer": shape_layers},
            )
        skipped += sum(1 for p in polygons if p["layer"] != layer)
        polygons = [p for p in polygons if p["layer"] == layer]
    elif len(shape_layers) > 1:
        counts = {name: sum(1 for p in polygons if p["layer"] == name) for name in shape_layers}
        listed = [_("{layer}({count} 个)", layer=name, count=n) for name, n in counts.items()]
        raise FileRefused(
            "layer_required",
            _(
                "图纸中多个图层有闭合图形:{layers},请在导入时指定宗地所在的 CAD 图层。",
                layers=listing(listed),
            ),
            suggestion={"layer": shape_layers},
        )
    problems: list[Problem] = []
    kept: list[dict[str, Any]] = []
    tree = shapely.STRtree([p["geometry"] for p in polygons])
    for i, shape in enumerate(polygons):
        earlier = [j for j in tree.query(shape["geometry"]) if j < i]
        twin = next(
            (
                polygons[j]
                for j in sorted(earlier)
                if polygons[j]["geometry"].equals(shape["geometry"])
            ),
            None,
        )
        if twin is not None:
            problems.append(
                problem(
                    "duplicate_geometry",
                    _(
                        "图形(句柄 {handle})与句柄 {other} 重合(如填充与其边界线),只导入一次。",
                        handle=shape["handle"],
                        other=twin["handle"],
                    ),
                )
            )
            shape["duplicate"] = True
            continue
        kept.append(shape)
    for shape in kept:
        inside = [t for point, t in labels if shape["geometry"].contains(point)]
        shape["text"] = ";".join(inside) if inside else None
    if skipped:
        problems.append(
            problem(
                "skipped_entities",
                _(
                    "图纸中有 {count} 个非闭合图形或其他图层的实体(线、点、标注等)未导入。",
                    count=skipped,
                ),
            )
        )
    frame = gpd.GeoDataFrame(
        {
            "layer": [k["layer"] for k in kept],
            "handle": [k["handle"] for k in kept],
            "text": [k["text"] for k in kept],
        },
        geometry=gpd.GeoSeries([k["geometry"] for k in kept]),
        crs=None,
    )
    return Drawing(frame, encoding or UTF8, shape_layers, problems)
