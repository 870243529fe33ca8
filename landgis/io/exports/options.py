"""Export options: coordinate systems, Shapefile encodings and field names, choices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from landgis.errors import InvalidInput
from landgis.geo import CGCS2000_EPSG

# Shapefile (dBase) field names: at most 10 bytes in the file's encoding. The default
# names are the pinyin initials usual in Chinese land-administration data (ASCII, so they
# fit in any encoding); the Chinese ones fit GBK (5 characters) and are cut to 3 characters
# in UTF-8. ``fields.txt`` in the zip maps each name back to its header.
SHAPEFILE_FIELDS: dict[str, str] = {
    "seq": "XH",
    "parcel_code": "ZDBH",
    "supervision_no": "DZJGH",
    "project_name": "XMMC",
    "zone_name": "SZYQ",
    "location": "ZL",
    "holder": "TDSYQR",
    "credit_code": "TYSHXYDM",
    "land_use": "TDYT",
    "supply_method": "GDFS",
    "contract_no": "HTBH",
    "parcel_area_mu": "ZDMJ_MU",
    "idle_area_mu": "XZMJ_MU",
    "idle_building_area_m2": "XZCFMJ_M2",
    "category": "WTLX",
    "cause": "XZYY",
    "identified_on": "RDRQ",
    "determination_no": "RDSWH",
    "route": "CZFS",
    "plan_no": "FAPFWH",
    "responsible_unit": "ZRDW",
    "deadline": "WCSX",
    "status": "CZZT",
    "revitalized_area_mu": "PHMJ_MU",
    "revitalized_building_area_m2": "PHCFMJ_M2",
    "revitalized_on": "PHRQ",
    "new_holder": "CJQY",
    "closed_on": "XHRQ",
    "remarks": "BZ",
    "case_no": "TZBH",
    "version": "BB",
    "overdue": "YQ",
}
SHAPEFILE_FIELDS_ZH: dict[str, str] = {
    "seq": "序号",
    "parcel_code": "宗地编号",
    "supervision_no": "电子监管号",
    "project_name": "项目名称",
    "zone_name": "所在园区",
    "location": "坐落",
    "holder": "使用权人",
    "credit_code": "信用代码",
    "land_use": "土地用途",
    "supply_method": "供地方式",
    "contract_no": "合同编号",
    "parcel_area_mu": "宗地面积",
    "idle_area_mu": "闲置面积",
    "idle_building_area_m2": "闲置厂房",
    "category": "问题类型",
    "cause": "闲置原因",
    "identified_on": "认定日期",
    "determination_no": "认定文号",
    "route": "处置方式",
    "plan_no": "批复文号",
    "responsible_unit": "责任单位",
    "deadline": "完成时限",
    "status": "处置状态",
    "revitalized_area_mu": "盘活面积",
    "revitalized_building_area_m2": "盘活厂房",
    "revitalized_on": "盘活日期",
    "new_holder": "承接企业",
    "closed_on": "销号日期",
    "remarks": "备注",
    "case_no": "台账编号",
    "version": "版本",
    "overdue": "逾期",
}
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
            f"{name} 应为日期 YYYY-MM-DD,收到 {value!r}。",
            f"{name} must be a date YYYY-MM-DD, got {value!r}.",
        ) from exc


def target_epsg(value: Any) -> int | str:
    """The CRS option of GIS files: 4490 (CGCS2000 geographic, the default), a CGCS2000
    3-degree Gauss-Kruger zone 4534–4554, or ``"auto"`` (the zone of the data's centre)."""
    if value is None:
        return CGCS2000_EPSG
    text = str(value).strip().upper().removeprefix("EPSG:")
    if text.lower() in (AUTO_CRS, "gk"):
        return AUTO_CRS
    epsg = int(text) if text.isdigit() else None
    if epsg is not None and (epsg == CGCS2000_EPSG or epsg in GK_EPSG_RANGE):
        return epsg
    raise InvalidInput(
        f"坐标系 {value!r} 不可用:请选择 CGCS2000 地理坐标 EPSG:4490,"
        "或 CGCS2000 3 度带高斯-克吕格投影 EPSG:4534–4554(中央经线 75°E–135°E),或 auto。",
        f"Coordinate system {value!r} is not offered: choose CGCS2000 geographic EPSG:4490, "
        "a CGCS2000 3-degree Gauss-Kruger zone EPSG:4534–4554 (central meridian 75°E–135°E), "
        "or auto.",
    )


def shapefile_encoding(value: Any) -> str:
    """``utf-8`` (the default) or ``gbk``."""
    if value is None:
        return "utf-8"
    key = str(value).strip().lower().replace("_", "-")
    if key in ENCODING_ALIASES:
        return ENCODING_ALIASES[key]
    raise InvalidInput(
        f"属性编码 {value!r} 不可用,请选择 utf-8 或 gbk。",
        f"Attribute encoding {value!r} is not offered; choose utf-8 or gbk.",
    )


def choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value is None:
        return choices[0]
    text = str(value).strip().lower()
    if text in choices:
        return text
    raise InvalidInput(
        f"{name} 应为 {' / '.join(choices)} 之一,收到 {value!r}。",
        f"{name} must be one of {', '.join(choices)}, got {value!r}.",
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
