"""A zipped Shapefile (.shp .shx .dbf .prj .cpg, fields.txt, README.txt), written chunk by
chunk with pyogrio before it is zipped."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd

from landgis.geo import CGCS2000_EPSG
from landgis.io.exports.base import Exporter
from landgis.io.exports.features import chinese_names, resolve_epsg
from landgis.io.exports.gis import write_layer
from landgis.io.exports.options import (
    CPG_CONTENT,
    DBF_LANGUAGE_DRIVER,
    DBF_TEXT_BYTES,
    FIELD_NAME_STYLES,
    SHAPEFILE_ENCODINGS,
    choice,
    scope_option,
    shapefile_encoding,
    shapefile_field_names,
    target_epsg,
)
from landgis.io.exports.rows import LedgerData


def _fit_text(value: Any, encoding: str) -> tuple[Any, bool]:
    """A text value that fits a dBase field in ``encoding`` (≤ 254 bytes, characters the
    encoding lacks as '?'); and whether it had to change."""
    if not isinstance(value, str):
        return value, False
    raw = value.encode(encoding, errors="replace")
    changed = raw.decode(encoding) != value
    if len(raw) > DBF_TEXT_BYTES:
        raw = raw[:DBF_TEXT_BYTES]
        changed = True
    return raw.decode(encoding, errors="ignore"), changed


class ShapefileExporter(Exporter):
    """A zipped Shapefile: .shp .shx .dbf .prj .cpg, ``fields.txt`` (field name → header)
    and ``README.txt``. Options: ``scope``; ``epsg`` (4490 default, a CGCS2000 3-degree GK
    zone 4534–4554 or 4513–4533, or auto); ``encoding`` of the attributes (utf-8 default, or gbk);
    ``field_names``: short (pinyin initials, default) or chinese (≤ 10 bytes)."""

    name = "shapefile"
    label = "Shapefile"
    media_type = "application/zip"
    extension = "shp.zip"
    options = ("scope", "epsg", "encoding", "field_names")

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "scope": scope_option(options),
            "epsg": target_epsg(options.get("epsg")),
            "encoding": shapefile_encoding(options.get("encoding")),
            "field_names": choice("field_names", options.get("field_names"), FIELD_NAME_STYLES),
        }

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        encoding = options.get("encoding", "utf-8")
        codec = SHAPEFILE_ENCODINGS[encoding]
        names = shapefile_field_names(encoding, options.get("field_names", "short"))
        scope = options.get("scope", "ledger")
        epsg = resolve_epsg(data, scope, options.get("epsg", CGCS2000_EPSG))
        altered = 0

        def fit(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
            nonlocal altered
            for field in frame.columns.drop(frame.geometry.name):
                if frame[field].dtype == object:
                    fitted = [_fit_text(v, codec) for v in frame[field]]
                    frame[field] = [v for v, _ in fitted]
                    altered += sum(changed for _, changed in fitted)
            return frame

        with tempfile.TemporaryDirectory(prefix="landgis-export-") as tmp:
            base = Path(tmp) / "ledger"
            count = write_layer(
                data,
                base.with_suffix(".shp"),
                scope=scope,
                names=names,
                epsg=epsg,
                driver="ESRI Shapefile",
                encoding=codec,
                prepare=fit,
            )
            base.with_suffix(".cpg").write_text(CPG_CONTENT[encoding], encoding="ascii")
            if encoding in DBF_LANGUAGE_DRIVER:
                _set_language_driver(base.with_suffix(".dbf"), DBF_LANGUAGE_DRIVER[encoding])
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                    archive.write(base.with_suffix(suffix), f"ledger{suffix}")
                archive.writestr("fields.txt", _fields_text(names).encode("utf-8-sig"))
                readme = _readme_text(data, epsg, encoding, count, altered)
                archive.writestr("README.txt", readme.encode("utf-8-sig"))


def _set_language_driver(dbf: Path, ldid: int) -> None:
    """Byte 29 of the dBase header: the code page for readers that ignore the .cpg."""
    with dbf.open("r+b") as handle:
        handle.seek(29)
        handle.write(bytes([ldid]))


def _fields_text(names: Mapping[str, str]) -> str:
    headers = chinese_names()
    lines = ["字段名\t中文名称\tkey"]
    lines += [f"{field}\t{headers[key]}\t{key}" for key, field in names.items()]
    return "\r\n".join(lines) + "\r\n"


def _readme_text(data: LedgerData, epsg: int, encoding: str, count: int, altered: int) -> str:
    crs = (
        "CGCS2000 地理坐标 (EPSG:4490), 经度/纬度"
        if epsg == CGCS2000_EPSG
        else f"CGCS2000 3 度带高斯-克吕格投影 (EPSG:{epsg}), 单位米, 东坐标无带号"
    )
    lines = [
        data.title,
        f"要素数 features: {count}",
        f"坐标系 CRS: {crs}",
        f"属性编码 encoding: {encoding.upper()} (.cpg: {CPG_CONTENT[encoding]})",
        "字段名与中文名称的对照见 fields.txt(dBase 字段名最长 10 字节)。",
        "Field names are at most 10 bytes (dBase); fields.txt maps them to the headers.",
        "面积单位:宗地/闲置/盘活面积为亩,厂房面积为平方米;日期为 YYYY-MM-DD 文本。",
    ]
    if altered:
        lines.append(
            f"注意:{altered} 个文本值超过 254 字节被截断,或含 {encoding.upper()} "
            "无法表示的字符(以 ? 代替)。"
        )
    if filter_line := data.filter_line():
        lines.append(filter_line)
    return "\r\n".join(lines) + "\r\n"
