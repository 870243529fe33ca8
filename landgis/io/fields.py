"""Column names found in counties' files, mapped to landgis field names.

Names are matched case-insensitively, ignoring spaces and full-width punctuation. An
area column whose name carries a unit (``面积(亩)``, ``用地面积（公顷）``, ``area_ha``) is
read as the registered area and converted to m². A mapping file (JSON or YAML,
``{"file column": "landgis field"}``) names the rest; a column mapped to ``null`` is
dropped. Columns that map to nothing are kept as extra attributes. A registered-area
column known by name alone (``面积``, ``AREA``) gets its unit from its values: see
:func:`area_unit_from_values`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from landgis.i18n import _, listing
from landgis.io.codes import MAPPING_KEYS
from landgis.io.problems import FileRefused, Problem, problem
from landgis.units import M2_PER_HECTARE, M2_PER_MU

# landgis field -> names seen in files (including the pinyin initials of survey databases)
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "parcel_code": (
        "宗地编号",
        "地块编号",
        "宗地代码",
        "宗地号",
        "地块号",
        "不动产单元号",
        "code",
        "parcel_code",
        "parcel_id",
        "zddm",
        "zdbh",
        "dkbh",
        "bdcdyh",
    ),
    "supervision_no": ("电子监管号", "监管号", "dzjgh"),
    "project_name": ("项目名称", "project", "xmmc"),
    "zone_code": ("片区编号", "园区编号"),
    "zone_name": ("所在园区", "片区", "园区", "zone"),
    "location": ("坐落", "宗地坐落", "土地坐落", "address", "zl", "tdzl"),
    "holder": (
        "土地使用权人",
        "土地使用者",
        "权利人",
        "用地单位",
        "使用权人",
        "企业名称",
        "owner",
        "holder",
        "qlr",
        "qlrmc",
        "yddw",
    ),
    "credit_code": ("统一社会信用代码", "信用代码", "tyshxydm"),
    "land_use": ("土地用途", "用途", "landuse", "land_use", "tdyt", "yt"),
    "supply_method": ("供地方式", "供应方式", "gdfs"),
    "contract_no": ("出让合同号", "合同编号", "合同号", "划拨决定书号", "htbh"),
    "contract_date": ("签订日期", "合同签订日期", "qdrq"),
    "land_price_yuan": ("出让价款", "成交价款", "price"),
    "agreed_start_date": ("约定动工日期", "约定开工日期"),
    "agreed_completion_date": ("约定竣工日期",),
    "actual_start_date": ("实际动工日期", "实际开工日期"),
    "actual_completion_date": ("实际竣工日期",),
    "registered_area_m2": (
        "登记面积",
        "宗地面积",
        "面积",
        "用地面积",
        "土地面积",
        "占地面积",
        "出让面积",
        "area",
        "zdmj",
        "djmj",
        "mj",
    ),
    "plot_ratio": ("容积率", "rjl"),
    "tax_per_mu": ("亩均税收",),
}

# Fields a mapping may name besides the model's: areas in other units, converted to m².
UNIT_FIELDS: dict[str, float] = {
    "registered_area_mu": float(M2_PER_MU),
    "registered_area_ha": float(M2_PER_HECTARE),
}
TARGETS = frozenset(FIELD_ALIASES) | frozenset(UNIT_FIELDS)

# Names landgis computes or manages itself: a file's column of that name is never trusted
# as the field, only kept as an extra attribute.
RESERVED = frozenset(
    {"id", "geom", "area_m2", "geodesic_area_m2", "gk_epsg", "zone_id", "extra"}
    | {"created_at", "updated_at"}
)

SUPPLY_METHOD_LABELS: dict[str, str] = {
    "出让": "transfer",
    "划拨": "allocation",
    "transfer": "transfer",
    "allocation": "allocation",
}

_UNITS: dict[str, float] = {
    "亩": float(M2_PER_MU),
    "mu": float(M2_PER_MU),
    "公顷": float(M2_PER_HECTARE),
    "ha": float(M2_PER_HECTARE),
    "hm2": float(M2_PER_HECTARE),
    "hm²": float(M2_PER_HECTARE),
    "平方米": 1.0,
    "㎡": 1.0,
    "m2": 1.0,
    "m²": 1.0,
}
_UNIT_SUFFIX = re.compile(
    r"^(?P<base>.+?)[_\-/]*[(\[【]?(?P<unit>亩|mu|公顷|ha|hm2|hm²|平方米|㎡|m2|m²)[)\]】]?$"
)


def _key(name: str) -> str:
    """Comparison key: NFKC (full-width to half-width), no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", str(name)).split()).lower()


# A column's header as headers are compared (for other imports' own columns).
header_key = _key


_LOOKUP: dict[str, str] = {}
for _field, _aliases in FIELD_ALIASES.items():
    _LOOKUP[_key(_field)] = _field
    _LOOKUP.update({_key(alias): _field for alias in _aliases})


def _truncated_match(key: str) -> str | None:
    """The field of a Chinese name cut short (a DBF keeps 10 bytes: 宗地编号 in UTF-8 is 12),
    when exactly one field has an alias starting with it."""
    if key.isascii() or len(key) < 3:
        return None
    found = {f for alias, f in _LOOKUP.items() if alias.startswith(key) and alias != key}
    return found.pop() if len(found) == 1 else None


def supply_method_code(value: Any) -> str | None:
    """``transfer`` for 出让 (协议出让, 挂牌出让 …), ``allocation`` for 划拨; None when
    unknown."""
    text = str(value).strip()
    if text.lower() in SUPPLY_METHOD_LABELS:
        return SUPPLY_METHOD_LABELS[text.lower()]
    if text in SUPPLY_METHOD_LABELS:
        return SUPPLY_METHOD_LABELS[text]
    if "划拨" in text:
        return "allocation"
    if "出让" in text or text in ("招拍挂", "拍卖", "挂牌", "招标", "协议"):
        return "transfer"
    return None


def area_unit(column: str) -> float | None:
    """m² per unit of a registered-area column named with its unit, e.g. ``面积(亩)``."""
    key = _key(column)
    match = None if key in RESERVED else _UNIT_SUFFIX.match(key)
    if not match or _LOOKUP.get(match["base"].rstrip("_-/")) != "registered_area_m2":
        return None
    return _UNITS[match["unit"]]


# Units a registered-area column named without one may hold, in m² per unit.
GUESSED_UNITS: tuple[float, ...] = (1.0, float(M2_PER_MU), float(M2_PER_HECTARE))
UNIT_GUESS_SHARE = 0.05  # a converted value within 5 % of the polygon's area matches
UNIT_GUESS_QUORUM = 0.8  # … and the unit is taken when 80 % of the rows match


def area_unit_from_values(
    values: Any,
    areas: Any,
    *,
    share: float = UNIT_GUESS_SHARE,
    quorum: float = UNIT_GUESS_QUORUM,
) -> float | None:
    """m² per unit of registered areas ``values`` (None or NaN where blank), judged from
    ``areas``, the polygons' computed areas in m² (NaN where there is no geometry): the
    unit among m², 亩 and 公顷 whose converted values lie within ``share`` of the areas for
    at least ``quorum`` of the rows having both a positive value and a positive area.
    None when no unit does, or no row has both."""
    given = np.asarray(values, dtype=float)
    computed = np.asarray(areas, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        usable = np.isfinite(given) & (given > 0) & np.isfinite(computed) & (computed > 0)
        if not usable.any():
            return None
        given, computed = given[usable], computed[usable]
        for factor in GUESSED_UNITS:
            matches = np.abs(given * factor / computed - 1) <= share
            if matches.mean() >= quorum:
                return factor
    return None


@dataclass
class ColumnPlan:
    """How a file's columns become parcel fields."""

    rename: dict[str, str] = field(default_factory=dict)  # file column -> landgis field
    factors: dict[str, float] = field(default_factory=dict)  # file column -> m² per unit
    extra: list[str] = field(default_factory=list)  # kept as extra attributes
    dropped: list[str] = field(default_factory=list)  # mapped to null
    problems: list[Problem] = field(default_factory=list)
    # the registered-area column known by name alone: its unit is judged from its values
    unit_unknown: str | None = None


def plan_columns(
    columns: Iterable[str],
    mapping: Mapping[str, str | None] | None = None,
    *,
    fallbacks: Mapping[str, str] | None = None,
) -> ColumnPlan:
    """Map ``columns``: the mapping file first, then known names, then ``fallbacks``
    (e.g. a KML placemark's name as the parcel code) for fields still unmapped."""
    columns = [str(c) for c in columns]
    mapping = {k: v for k, v in (mapping or {}).items() if k not in MAPPING_KEYS}
    plan = ColumnPlan()
    taken: set[str] = set()

    def assign(column: str, target: str) -> None:
        if target in UNIT_FIELDS:
            plan.factors[column] = UNIT_FIELDS[target]
            target = "registered_area_m2"
        if target in taken:
            plan.extra.append(column)
            return
        plan.rename[column] = target
        taken.add(target)

    for column in columns:
        if column in mapping:
            target = mapping[column]
            if target is None or str(target).strip() in ("", "-"):
                plan.dropped.append(column)
            else:
                assign(column, str(target).strip())
    for column in columns:
        if column in mapping or column in plan.rename:
            continue
        key = _key(column)
        target = None if key in RESERVED else _LOOKUP.get(key) or _truncated_match(key)
        factor = None if key in RESERVED else area_unit(column)
        if target is None and factor is not None and "registered_area_m2" not in taken:
            plan.factors[column] = factor
            target = "registered_area_m2"
        if target is not None and target not in taken:
            assign(column, target)
            if target == "registered_area_m2" and column not in plan.factors:
                plan.unit_unknown = column
        else:
            plan.factors.pop(column, None)
            plan.extra.append(column)
    for column, target in (fallbacks or {}).items():
        if column in plan.extra and target not in taken:
            plan.extra.remove(column)
            assign(column, target)
    unused = [c for c in mapping if c not in columns]
    if unused:
        plan.problems.append(
            problem(
                "mapping_unused",
                _("映射文件中的列 {columns} 在文件中不存在。", columns=listing(unused)),
            )
        )
    return plan


def validate_mapping(mapping: Mapping[str, Any]) -> dict[str, str | None]:
    """A mapping ``{file column: landgis field or null}``; refuses unknown fields. The
    keys ``assign_codes`` (a prefix) and ``code_template`` are import options, kept as
    they are (see :mod:`landgis.io.codes`)."""
    if not isinstance(mapping, Mapping):
        raise FileRefused(
            "mapping_invalid",
            _("映射文件应为“文件列名: landgis 字段名”的对照表。"),
        )
    result: dict[str, str | None] = {}
    unknown = []
    for column, target in mapping.items():
        if column in MAPPING_KEYS:
            if target is not None and not isinstance(target, str | int):
                unknown.append(f"{column}: {target!r}")
            else:
                result[str(column)] = None if target is None else str(target)
            continue
        if target is not None and not isinstance(target, str):
            unknown.append(f"{column}: {target!r}")
            continue
        name = None if target is None else target.strip()
        if name not in (None, "", "-") and name not in TARGETS:
            unknown.append(f"{column}: {target}")
        result[str(column)] = name or None
    if unknown:
        raise FileRefused(
            "mapping_invalid",
            _(
                "映射文件中有无法识别的字段:{unknown}。可用字段:{allowed}。",
                unknown=listing(unknown),
                allowed=listing(sorted(TARGETS)),
            ),
        )
    return result


def read_mapping(path: Path | str) -> Any:
    """The content of a mapping file, JSON (``.json``) or YAML (``.yaml``/``.yml``), as
    it is written (checked by whoever reads it)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileRefused(
            "mapping_invalid",
            _("无法读取映射文件 {name}。", name=path.name),
            detail=str(exc),
        ) from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        return json.loads(text)
    except Exception as exc:  # json or yaml syntax errors
        raise FileRefused(
            "mapping_invalid",
            _("映射文件 {name} 格式有误:{reason}", name=path.name, reason=str(exc)),
        ) from exc


def load_mapping(path: Path | str) -> dict[str, str | None]:
    """Read a parcel mapping file: JSON (``.json``) or YAML (``.yaml``/``.yml``)."""
    return validate_mapping(read_mapping(path) or {})
