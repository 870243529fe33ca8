"""Export options: coordinate systems, Shapefile encodings and field names, choices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from landgis import schema
from landgis.errors import InvalidInput
from landgis.geo import CGCS2000_EPSG
from landgis.i18n import _, listing

# Shapefile (dBase) field names: at most 10 bytes in the file's encoding. The default
# names are the pinyin initials usual in Chinese land-administration data (ASCII, so they
# fit in any encoding); the Chinese ones fit GBK (5 characters) and are cut to 3 characters
# in UTF-8. ``fields.txt`` in the zip maps each name back to its header.
SHAPEFILE_COLUMNS = (*schema.EXPORTED, schema.OVERDUE)
SHAPEFILE_FIELDS: dict[str, str] = {c.key: c.shapefile for c in SHAPEFILE_COLUMNS}
SHAPEFILE_FIELDS_ZH: dict[str, str] = {c.key: c.shapefile_zh for c in SHAPEFILE_COLUMNS}
DBF_NAME_BYTES = 10
DBF_TEXT_BYTES = 254

SHAPEFILE_ENCODINGS: dict[str, str] = {"utf-8": "UTF-8", "gbk": "CP936"}
ENCODING_ALIASES: dict[str, str] = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "gbk": "gbk",
    "cp936": "gbk",
    "936": "gbk",
}
# What the .cpg says and the dBase language driver id (byte 29 of the header): "936" and
# 0x4D name the Chinese GBK code page for ArcGIS, QGIS and GDAL alike.
CPG_CONTENT: dict[str, str] = {"utf-8": "UTF-8", "gbk": "936"}
DBF_LANGUAGE_DRIVER: dict[str, int] = {"gbk": 0x4D}

# CGCS2000 3-degree Gauss-Kruger zones 25–45: with the zone number in front of X
# (EPSG:4513–4533) or without it (EPSG:4534–4554).
GK_PREFIXED_EPSG_RANGE = range(4513, 4534)
GK_EPSG_RANGE = range(4534, 4555)
AUTO_CRS = "auto"
SCOPES = ("ledger", "parcels")
FIELD_NAME_STYLES = ("short", "chinese")


def date_option(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InvalidInput(
            _("{option} 应为日期 YYYY-MM-DD,收到 “{value}”。", option=name, value=value)
        ) from exc


def target_epsg(value: Any) -> int | str:
    """The CRS option of GIS files: 4490 (CGCS2000 geographic, the default), a CGCS2000
    3-degree Gauss-Kruger zone, 4534–4554 or with the zone number in front of X 4513–4533,
    or ``"auto"`` (the zone of the data's centre, without the prefix)."""
    if value is None:
        return CGCS2000_EPSG
    text = str(value).strip().upper().removeprefix("EPSG:")
    if text.lower() in (AUTO_CRS, "gk"):
        return AUTO_CRS
    epsg = int(text) if text.isdigit() else None
    if epsg is not None and (
        epsg == CGCS2000_EPSG or epsg in GK_EPSG_RANGE or epsg in GK_PREFIXED_EPSG_RANGE
    ):
        return epsg
    raise InvalidInput(
        _(
            "坐标系 “{value}” 不可用:请选择 CGCS2000 地理坐标 EPSG:4490,"
            "或 CGCS2000 3 度带高斯-克吕格投影 EPSG:4534–4554(中央经线 75°E–135°E),"
            "或带号在 X 前的 EPSG:4513–4533(第 25–45 带),或 auto。",
            value=value,
        )
    )


def shapefile_encoding(value: Any) -> str:
    """``utf-8`` (the default) or ``gbk``."""
    if value is None:
        return "utf-8"
    key = str(value).strip().lower().replace("_", "-")
    if key in ENCODING_ALIASES:
        return ENCODING_ALIASES[key]
    raise InvalidInput(_("属性编码 “{value}” 不可用,请选择 utf-8 或 gbk。", value=value))


def choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value is None:
        return choices[0]
    text = str(value).strip().lower()
    if text in choices:
        return text
    raise InvalidInput(
        _(
            "{option} 应为 {choices} 之一,收到 “{value}”。",
            option=name,
            choices=listing(choices),
            value=value,
        )
    )


def fit_field_name(name: str, encoding: str, taken: set[str], limit: int = DBF_NAME_BYTES) -> str:
    """``name`` cut to ``limit`` bytes in ``encoding`` at a character boundary, made unique
    among ``taken`` (case-insensitively) with a numeric suffix; added to ``taken``."""

    def cut(text: str, size: int) -> str:
        while len(text.encode(encoding, errors="replace")) > size:
            text = text[:-1]
        return text

    candidate = cut(name, limit)
    n = 1
    while candidate.upper() in taken:
        n += 1
        suffix = str(n)
        candidate = cut(name, limit - len(suffix)) + suffix
    taken.add(candidate.upper())
    return candidate


def shapefile_field_names(encoding: str, style: str = "short") -> dict[str, str]:
    """Field name of each exported key in a shapefile of ``encoding`` (≤ 10 bytes each)."""
    names = SHAPEFILE_FIELDS_ZH if style == "chinese" else SHAPEFILE_FIELDS
    taken: set[str] = set()
    return {key: fit_field_name(name, encoding, taken) for key, name in names.items()}


def scope_option(options: dict[str, Any]) -> str:
    """The ``scope`` option of GIS formats: ledger (the default) or parcels."""
    return choice("scope", options.get("scope"), SCOPES)
