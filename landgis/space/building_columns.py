"""Which column of a footprints file is which building field, by its header.

Headers are compared as a clerk reads them (full-width and half-width alike, spaces and
case ignored, a unit in brackets after an area dropped); a header a Shapefile's table cut
short (10 bytes: ``统一社`` for 统一社会信用代码, ``owner_cred``) is recognised when it
starts exactly one known header. Other columns are left out (the report says which)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from landgis.io.fields import header_key

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("名称", "厂房名称", "建筑名称", "建筑物名称", "厂房", "name", "building", "jzmc"),
    "floors": ("层数", "楼层数", "地上层数", "总层数", "floors", "storeys", "stories", "cs"),
    "floor_area_m2": ("建筑面积", "总建筑面积", "floor_area_m2", "floor_area", "jzmj"),
    "kind": ("类型", "厂房类型", "kind", "type"),
    "owner": ("权属人", "产权人", "所有权人", "权利人", "业主", "owner"),
    "owner_credit_code": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "owner_credit_code",
        "credit_code",
        "tyshxydm",
    ),
    "state": ("状态", "厂房状态", "使用状态", "state", "status"),
    "parcel_code": ("宗地编号", "宗地代码", "宗地号", "parcel_code", "parcel", "zddm"),
}
# A DBF field name holds 10 bytes: what is left of a longer English header.
DBF_NAME_BYTES = 10
_AREA_UNIT = re.compile(r"[(\[【]?(?:㎡|m2|m²|平方米)[)\]】]?$")

_LOOKUP: dict[str, str] = {
    header_key(alias): name for name, aliases in ALIASES.items() for alias in aliases
}


def _field_of(header: str) -> str | None:
    key = header_key(header)
    stripped = _AREA_UNIT.sub("", key)
    found = _LOOKUP.get(key) or _LOOKUP.get(stripped)
    if found is not None:
        return found
    cut = key.isascii() and len(key.encode()) == DBF_NAME_BYTES
    if not cut and (key.isascii() or len(key) < 3):
        return None
    fields = {name for alias, name in _LOOKUP.items() if alias.startswith(key)}
    return fields.pop() if len(fields) == 1 else None


def map_columns(headers: Sequence[str]) -> dict[str, str]:
    """File column → building field, each field from the first column that names it."""
    mapped: dict[str, str] = {}
    for header in headers:
        name = _field_of(str(header))
        if name is not None and name not in mapped.values():
            mapped[str(header)] = name
    return mapped
