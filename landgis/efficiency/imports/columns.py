"""Which column of a figures table is which: the enterprise (credit code, name), the year,
each figure with its unit, the single pollutants, the industry.

Headers are compared as a clerk reads them (full-width and half-width alike, spaces and
case ignored). A header may carry its unit, in brackets or after the name (``税收(万元)``,
``综合能耗/吨标准煤``, ``营业收入万元``): money in 千元, 万元 or 亿元 is converted to 元,
energy in 万吨标准煤 to tonnes of standard coal, masses in kg to tonnes. A mapping file
names the other headers: ``{"file column": "field"}``, or ``{"file column": {"field":
"tax_yuan", "unit": "万元"}}``; a column mapped to null is dropped. Columns that are none
of these are kept in the row's ``extra`` under their own header; the industry and the
single pollutants (in tonnes) under the keys of :data:`EXTRA_KEYS`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landgis.efficiency.indicators import FIGURES
from landgis.i18n import Localizable, _, listing
from landgis.io.fields import read_mapping
from landgis.io.problems import FileRefused, Problem, problem

MONEY: dict[str, float] = {"元": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "亿元": 1e8}
ENERGY: dict[str, float] = {
    "吨标准煤": 1.0,
    "吨标煤": 1.0,
    "tce": 1.0,
    "吨": 1.0,
    "t": 1.0,
    "万吨标准煤": 1e4,
    "万吨标煤": 1e4,
    "千克标准煤": 1e-3,
    "公斤标准煤": 1e-3,
    "kgce": 1e-3,
}
MASS: dict[str, float] = {"吨": 1.0, "t": 1.0, "千克": 1e-3, "公斤": 1e-3, "kg": 1e-3}
PEOPLE: dict[str, float] = {"人": 1.0}

# The single pollutants, kept in ``extra`` in tonnes and summed into ``emissions_t`` when
# the table has no total.
POLLUTANTS: tuple[str, ...] = ("cod_t", "so2_t", "nox_t", "ammonia_nitrogen_t")
# Targets kept in ``extra`` under their own key.
EXTRA_KEYS: tuple[str, ...] = ("industry", *POLLUTANTS)
TEXT_TARGETS: tuple[str, ...] = ("credit_code", "name", "industry", "year")
TARGETS: tuple[str, ...] = (*TEXT_TARGETS, *FIGURES, *POLLUTANTS)

UNITS: dict[str, dict[str, float]] = {
    "tax_yuan": MONEY,
    "revenue_yuan": MONEY,
    "output_yuan": MONEY,
    "value_added_yuan": MONEY,
    "rd_yuan": MONEY,
    "energy_tce": ENERGY,
    "emissions_t": MASS,
    "employees": PEOPLE,
    **dict.fromkeys(POLLUTANTS, MASS),
}

ALIASES: dict[str, tuple[str, ...]] = {
    "credit_code": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "统一信用代码",
        "纳税人识别号",
        "tyshxydm",
    ),
    "name": (
        "企业名称",
        "单位名称",
        "纳税人名称",
        "公司名称",
        "企业",
        "名称",
        "单位",
        "enterprise",
    ),
    "year": ("年度", "年份", "评价年度"),
    "industry": (
        "行业",
        "所属行业",
        "行业名称",
        "行业类别",
        "行业门类",
        "国民经济行业",
        "行业代码",
    ),
    "tax_yuan": (
        "税收",
        "实缴税收",
        "税收实际贡献",
        "纳税总额",
        "实缴税金",
        "税收总额",
        "入库税收",
        "实缴税金总额",
        "tax",
    ),
    "revenue_yuan": ("营业收入", "主营业务收入", "销售收入", "营业总收入", "revenue"),
    "output_yuan": ("工业总产值", "总产值", "产值", "output"),
    "value_added_yuan": ("工业增加值", "增加值", "value_added"),
    "energy_tce": ("综合能耗", "能耗", "总能耗", "综合能源消费量", "能源消费量", "energy"),
    "emissions_t": (
        "主要污染物排放当量",
        "污染物排放当量",
        "排放当量",
        "主要污染物排放量",
        "污染物排放量",
        "排放量",
        "排放",
        "emissions",
    ),
    "employees": (
        "年均职工人数",
        "年平均职工人数",
        "从业人员",
        "从业人员年平均人数",
        "从业人数",
        "职工人数",
        "employees",
    ),
    "rd_yuan": ("研发经费", "研发经费支出", "研发投入", "r&d", "r&d经费", "r&d经费支出", "rd"),
    "cod_t": ("化学需氧量", "cod", "化学需氧量(cod)", "cod排放量", "化学需氧量排放量"),
    "so2_t": ("二氧化硫", "so2", "二氧化硫排放量"),
    "nox_t": ("氮氧化物", "nox", "氮氧化物排放量"),
    "ammonia_nitrogen_t": ("氨氮", "nh3-n", "氨氮排放量"),
}
# Headers that number the rows: dropped.
ROW_NUMBERS: frozenset[str] = frozenset({"序号", "编号", "排序", "no", "no."})


LABELS: dict[str, Localizable] = {
    "credit_code": _("统一社会信用代码"),
    "name": _("企业名称"),
    "year": _("年度"),
    "industry": _("行业"),
    "tax_yuan": _("税收"),
    "revenue_yuan": _("营业收入"),
    "output_yuan": _("工业总产值"),
    "value_added_yuan": _("工业增加值"),
    "energy_tce": _("综合能耗"),
    "emissions_t": _("主要污染物排放当量"),
    "employees": _("年均职工人数"),
    "rd_yuan": _("研发经费"),
    "cod_t": _("化学需氧量"),
    "so2_t": _("二氧化硫"),
    "nox_t": _("氮氧化物"),
    "ammonia_nitrogen_t": _("氨氮"),
}


def label_of(target: str) -> Localizable:
    """What a column of ``target`` holds, for a message."""
    return LABELS[target]


def header_key(text: object) -> str:
    """A header as headers are compared: NFKC (full-width is half-width), no spaces,
    lower case."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


_LOOKUP: dict[str, str] = {}
for _target, _aliases in ALIASES.items():
    _LOOKUP[header_key(_target)] = _target
    _LOOKUP.update({header_key(alias): _target for alias in _aliases})
_ALL_UNITS = sorted({header_key(u) for units in UNITS.values() for u in units}, key=len)[::-1]
_OPENING, _CLOSING = "([{【<", ")]}】>"
_SEPARATORS = " _-/:"


@dataclass(frozen=True)
class Recognised:
    """A header read: its ``target`` and, for a figure, its ``unit`` (None: not said)."""

    target: str
    unit: str | None = None


def unit_factor(target: str, unit: str | None) -> float | None:
    """The factor from ``unit`` to ``target``'s own unit (元, 吨标准煤, 吨, 人); None
    when ``unit`` is not one of ``target``'s."""
    units = UNITS.get(target)
    if units is None:
        return None if unit else 1.0
    if unit is None:
        return 1.0
    key = header_key(unit).removeprefix("单位:").removeprefix("单位")
    return next((f for u, f in units.items() if header_key(u) == key), None)


def split_unit(key: str) -> tuple[str, str] | None:
    """(base, unit) of a header ending in a unit, as ``税收(万元)`` or ``税收万元``."""
    for unit in _ALL_UNITS:
        rest = key.rstrip(_CLOSING)
        if not rest.endswith(unit) or len(rest) == len(unit):
            continue
        base = rest[: -len(unit)]
        for word in ("单位:", "单位"):
            base = base.removesuffix(word)
        base = base.rstrip(_OPENING).rstrip(_SEPARATORS).rstrip(_OPENING)
        if base:
            return base, unit
    return None


def recognise(header: object) -> Recognised | None:
    """What the column named ``header`` is, by the names counties use; None if unknown."""
    key = header_key(header)
    if key in _LOOKUP:
        return Recognised(_LOOKUP[key])
    split = split_unit(key)
    if split is not None:
        base, unit = split
        target = _LOOKUP.get(base)
        if target is not None and unit_factor(target, unit) is not None:
            return Recognised(target, unit)
    return None


def unit_only(text: object) -> str | None:
    """``text`` when it is a unit alone (a row of units under the headers), else None."""
    key = header_key(text).strip(_OPENING + _CLOSING).removeprefix("单位:")
    return key if key in _ALL_UNITS else None


_MONEY_UNITS = "|".join(sorted(MONEY, key=len)[::-1])
_MONEY_NOTE = re.compile(rf"单位:?({_MONEY_UNITS})(?![a-z\u4e00-\u9fff])")


def money_note(cells: Sequence[Any]) -> str | None:
    """The money unit a table's note gives for all its columns (``金额单位:万元``,
    ``单位:万元``), from the cells of the rows above its headers; None when none does."""
    for cell in cells:
        if isinstance(cell, str) and (found := _MONEY_NOTE.search(header_key(cell))):
            return found[1]
    return None


@dataclass(frozen=True)
class FigureMapping:
    """A mapping file read: header key -> (target, unit) or None (dropped)."""

    columns: Mapping[str, Recognised | None]
    headers: Mapping[str, str]  # header key -> the header as the file names it

    def get(self, header: object) -> tuple[bool, Recognised | None]:
        """(whether the mapping names ``header``, what it maps it to)."""
        key = header_key(header)
        return key in self.columns, self.columns.get(key)


def _mapping_entry(column: str, value: Any) -> Recognised | None:
    if value is None or (isinstance(value, str) and value.strip() in ("", "-")):
        return None
    unit = None
    if isinstance(value, Mapping):
        unit = value.get("unit")
        value = value.get("field")
        if unit is not None and not isinstance(unit, str):
            raise ValueError(column)
    if not isinstance(value, str) or value.strip() not in TARGETS:
        raise ValueError(column)
    target = value.strip()
    if unit_factor(target, unit) is None:
        raise ValueError(column)
    return Recognised(target, unit)


def figure_mapping(mapping: Mapping[str, Any] | Path | str) -> FigureMapping:
    """A mapping (or a mapping file, JSON or YAML) of headers to figure fields, checked;
    raises :class:`FileRefused` naming the entries it cannot use."""
    data = mapping if isinstance(mapping, Mapping) else read_mapping(Path(mapping)) or {}
    if not isinstance(data, Mapping):
        raise FileRefused("mapping_invalid", _("映射文件应为“文件列名: 字段名”的对照表。"))
    columns: dict[str, Recognised | None] = {}
    headers: dict[str, str] = {}
    wrong = []
    for column, value in data.items():
        try:
            columns[header_key(column)] = _mapping_entry(str(column), value)
            headers[header_key(column)] = str(column)
        except ValueError:
            wrong.append(f"{column}: {value}")
    if wrong:
        raise FileRefused(
            "mapping_invalid",
            _(
                "映射文件中有无法识别的字段或单位:{wrong}。可用字段:{allowed};"
                "单位写作 {{field: tax_yuan, unit: 万元}}。",
                wrong=listing(wrong),
                allowed=listing(TARGETS),
            ),
        )
    return FigureMapping(columns, headers)


@dataclass
class FigureColumns:
    """How a table's columns (by position) become an enterprise's fields.

    ``targets`` position -> target, ``factors`` position -> factor to the target's unit,
    ``units`` position -> the unit as read, ``headers`` position -> the header shown,
    ``extra`` the positions kept in ``extra`` under their header."""

    headers: dict[int, str] = field(default_factory=dict)
    targets: dict[int, str] = field(default_factory=dict)
    factors: dict[int, float] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    extra: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def column_of(self, target: str) -> int | None:
        """The position of ``target``'s column, if the table has one."""
        return next((i for i, t in self.targets.items() if t == target), None)

    def describe(self) -> list[dict[str, Any]]:
        """Each column read and what it became, for the report."""
        found = []
        for position, header in self.headers.items():
            if position in self.dropped:
                continue
            target = self.targets.get(position)
            item: dict[str, Any] = {"column": header, "field": target or "extra"}
            if position in self.units:
                item["unit"] = self.units[position]
                item["factor"] = self.factors.get(position, 1.0)
            found.append(item)
        return found


def plan_columns(
    headers: Mapping[int, str],
    mapping: FigureMapping | None = None,
    money_unit: str | None = None,
) -> FigureColumns:
    """Map ``headers`` (position -> header, units as the header or a row of units says):
    the mapping file first, then the names counties use; ``money_unit`` (a table's
    ``单位:万元``) for money columns whose header names no unit. The first column of a
    target wins; later ones are kept in ``extra``."""
    plan = FigureColumns(headers=dict(headers))
    taken: set[str] = set()
    for position, header in headers.items():
        named, mapped = mapping.get(header) if mapping is not None else (False, None)
        if named and mapped is None:
            plan.dropped.append(position)
            continue
        found = mapped if named else recognise(header)
        if found is None or found.target in taken:
            if header_key(header) in ROW_NUMBERS:
                plan.dropped.append(position)
            else:
                plan.extra.append(position)
            continue
        taken.add(found.target)
        plan.targets[position] = found.target
        unit = found.unit
        if unit is None and money_unit is not None and UNITS.get(found.target) is MONEY:
            unit = money_unit
        if found.target in UNITS:
            plan.units[position] = unit or next(iter(UNITS[found.target]))
            plan.factors[position] = unit_factor(found.target, unit) or 1.0
    if mapping is not None:
        present = {header_key(h) for h in headers.values()}
        unused = [mapping.headers[k] for k in mapping.columns if k not in present]
        if unused:
            plan.problems.append(
                problem(
                    "mapping_unused",
                    _("映射文件中的列 {columns} 在文件中不存在。", columns=listing(unused)),
                )
            )
    return plan


def missing_columns(plan: FigureColumns) -> FileRefused | None:
    """Why a table cannot be imported at all: no column naming the enterprise, or no
    figure column; None when it can."""
    targets = set(plan.targets.values())
    if not targets & {"credit_code", "name"}:
        return FileRefused(
            "columns_missing",
            _(
                "找不到企业名称或统一社会信用代码列:请将列名写作“企业名称”或"
                "“统一社会信用代码”,或用映射文件指明。",
            ),
            suggestion={"mapping": "name"},
        )
    if not targets & {*FIGURES, *POLLUTANTS}:
        return FileRefused(
            "columns_missing",
            _(
                "找不到任何指标列(如 {examples}):请检查列名,或用映射文件指明。",
                examples=listing(label_of(t) for t in FIGURES[:4]),
            ),
            suggestion={"mapping": "tax_yuan"},
        )
    return None


def header_score(cells: Sequence[Any], mapping: FigureMapping | None = None) -> int:
    """How many of ``cells`` name a known column (the header row scores highest)."""
    score = 0
    for cell in cells:
        if cell is None or not str(cell).strip():
            continue
        named = mapping.get(cell)[0] if mapping is not None else False
        if named or recognise(cell) is not None:
            score += 1
    return score
