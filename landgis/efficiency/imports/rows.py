"""Read and check the rows of a figures table: the enterprise (its unified social credit
code with its check character, its name), the year, each figure in its field's unit,
never negative; then the rows against each other (an enterprise listed twice).

A row with no figure at all (a note under the table) and a total row (合计, 总计 without
a credit code) are left out with a warning; a row with figures but neither a code nor a
name is an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from landgis import credit_code
from landgis.db.coerce import is_missing, number
from landgis.db.models import EnterpriseFigures
from landgis.efficiency.holdings import code_key, name_key
from landgis.efficiency.imports.columns import POLLUTANTS, FigureColumns, label_of
from landgis.efficiency.indicators import FIGURES
from landgis.i18n import _, listing
from landgis.imports.cells import jsonable
from landgis.io.problems import ERROR, WARNING, Problem, problem

# Cells that say "no figure" as clerks write it.
NONE_WRITTEN = frozenset({"-", "--", "—", "——", "/", "／", "－", "无数据"})
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "合计:", "总计:", "全县合计", "总合计"})
NAME_LENGTH: int | None = getattr(EnterpriseFigures.__table__.columns["name"].type, "length", None)


@dataclass
class FigureRow:
    """One enterprise's row as read: ``figures`` in the fields' units (None where not
    given), ``extra`` the other columns, ``skipped`` when the row is not an enterprise's
    (a total, a note)."""

    row: int
    credit_code: str | None = None
    name: str | None = None
    figures: dict[str, float | None] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: bool = False

    @property
    def has_error(self) -> bool:
        """Whether a problem of its own keeps the row out."""
        return any(p.is_error for p in self.problems)

    @property
    def label(self) -> str:
        """The enterprise as a message names it: its name, else its code."""
        return self.name or self.credit_code or ""


def _invalid(column: str, raw: Any, target: str, row: int) -> Problem:
    return problem(
        "invalid_value",
        _(
            "列 {column} 的值 “{value}” 无法识别为{field}。",
            column=column,
            value=raw,
            field=label_of(target),
        ),
        row=row,
    )


def _quantity(raw: Any, factor: float, column: str, target: str, row: int) -> float | Problem:
    try:
        value = number(raw)
    except (TypeError, ValueError, OverflowError):
        return _invalid(column, raw, target, row)
    if not math.isfinite(value):
        return _invalid(column, raw, target, row)
    if value < 0:
        return problem(
            "negative_value",
            _(
                "列 {column} 的值 {value} 为负数:{field}不能为负。",
                column=column,
                field=label_of(target),
                value=raw,
            ),
            row=row,
        )
    return value * factor


def credit_code_problem(code: str, row: int) -> Problem | None:
    """Why ``code`` (as compared: upper case, no spaces) is not a unified social credit
    code, naming the check character it should end with; None when it is one."""
    if credit_code.is_valid(code):
        return None
    body = code[:17]
    if len(code) == 18 and all(c in credit_code.ALPHABET for c in body):
        expected = credit_code.check_character(body)
        message = _(
            "统一社会信用代码 {code} 校验位不符:第 18 位应为 {expected},而不是 {given}。",
            code=code,
            expected=expected,
            given=code[17],
        )
    else:
        message = _(
            "统一社会信用代码 {code} 应为 18 位数字或大写字母(不含 I、O、S、V、Z)。",
            code=code,
        )
    return problem("invalid_credit_code", message, row=row, severity=ERROR)


def _code(raw: Any, column: str, row: int) -> str | Problem:
    if isinstance(raw, np.generic):
        raw = raw.item()
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return problem(
            "invalid_value",
            _(
                "列 {column} 的统一社会信用代码 {value} 被存为数字,末几位可能已丢失:"
                "请将该列设为文本格式后重新填写。",
                column=column,
                value=raw,
            ),
            row=row,
        )
    code = code_key(raw)
    found = credit_code_problem(code, row)
    return found if found is not None else code


def _year(raw: Any, column: str, year: int, row: int) -> Problem | None:
    try:
        given = number(raw)
    except (TypeError, ValueError, OverflowError):
        text = str(raw).strip().removesuffix("年").removesuffix("年度")
        try:
            given = number(text)
        except (TypeError, ValueError, OverflowError):
            return _invalid(column, raw, "year", row)
    if given != year:
        return problem(
            "year_mismatch",
            _("本行的年度为 {given},与导入的年度 {year} 不符。", given=raw, year=year),
            row=row,
        )
    return None


def _given(raw: Any) -> bool:
    if is_missing(raw):
        return False
    return not (isinstance(raw, str) and raw.strip() in NONE_WRITTEN)


def _text(raw: Any) -> str:
    return " ".join(str(raw).split())


def read_row(number_: int, cells: Sequence[Any], plan: FigureColumns, year: int) -> FigureRow:
    """Row ``number_`` of the table, its cells typed as ``plan`` says and checked."""
    read = FigureRow(row=number_, figures=dict.fromkeys(FIGURES))
    pollutants: list[float] = []
    for position, header in plan.headers.items():
        raw = cells[position] if position < len(cells) else None
        if position in plan.dropped or not _given(raw):
            continue
        target = plan.targets.get(position)
        if target is None:
            value = jsonable(raw)
            if value is not None:
                read.extra[header] = value
        elif target == "credit_code":
            code = _code(raw, header, number_)
            if isinstance(code, Problem):
                read.problems.append(code)
                read.credit_code = code_key(raw) if isinstance(raw, str) else None
            else:
                read.credit_code = code
        elif target == "name":
            read.name = _text(raw)
            if NAME_LENGTH is not None and len(read.name) > NAME_LENGTH:
                read.problems.append(
                    problem(
                        "invalid_value",
                        _(
                            "列 {column} 的值超过 {limit} 个字符。",
                            column=header,
                            limit=NAME_LENGTH,
                        ),
                        row=number_,
                    )
                )
        elif target == "year":
            found = _year(raw, header, year, number_)
            if found is not None:
                read.problems.append(found)
        elif target == "industry":
            read.extra["industry"] = jsonable(raw) if not isinstance(raw, str) else _text(raw)
        else:
            value = _quantity(raw, plan.factors.get(position, 1.0), header, target, number_)
            if isinstance(value, Problem):
                read.problems.append(value)
            elif target in POLLUTANTS:
                read.extra[target] = value
                pollutants.append(value)
            else:
                read.figures[target] = value
    if plan.column_of("emissions_t") is None and pollutants:
        read.figures["emissions_t"] = math.fsum(pollutants)
    _identity(read, cells)
    return read


def _identity(read: FigureRow, cells: Sequence[Any]) -> None:
    """Leave out a total or a note; require a code or a name of an enterprise's row."""
    any_figure = any(v is not None for v in read.figures.values()) or any(
        key in read.extra for key in POLLUTANTS
    )
    invalid_figure = any(p.kind in ("invalid_value", "negative_value") for p in read.problems)
    texts = [_text(c) for c in cells if isinstance(c, str) and c.strip()]
    total = next((t for t in texts if name_key(t) in TOTAL_WORDS), None)
    if not read.credit_code and total is not None:
        read.skipped = True
        read.problems = [
            problem("skipped_row", _("合计行“{name}”,不是企业,未导入。", name=total), row=read.row)
        ]
        return
    if not any_figure and not invalid_figure:
        read.skipped = True
        said = read.label or (texts[0] if texts else "")
        read.problems = [
            problem(
                "skipped_row",
                _("本行没有任何指标数值(“{text}”),不是企业数据,未导入。", text=said),
                row=read.row,
            )
        ]
        return
    if not read.credit_code and not read.name:
        read.problems.append(
            problem(
                "missing_name",
                _("缺少企业名称和统一社会信用代码:至少须填写其中之一。"),
                row=read.row,
            )
        )


def mark_duplicates(rows: Sequence[FigureRow]) -> None:
    """Add a problem to each row naming an enterprise another row names too (the same
    credit code, or the same name as a clerk reads it), naming the other rows."""
    by_code: dict[str, list[FigureRow]] = {}
    by_name: dict[str, list[FigureRow]] = {}
    for read in rows:
        if read.skipped:
            continue
        if read.credit_code:
            by_code.setdefault(read.credit_code, []).append(read)
        if name_key(read.name):
            by_name.setdefault(name_key(read.name), []).append(read)
    marked: set[int] = set()
    for groups, what in ((by_code, _("统一社会信用代码")), (by_name, _("企业名称"))):
        for group in groups.values():
            if len(group) < 2:
                continue
            for read in group:
                if read.row in marked:
                    continue
                marked.add(read.row)
                others = [r.row for r in group if r is not read][:20]
                read.problems.append(
                    problem(
                        "duplicate_enterprise",
                        _(
                            "与第 {rows} 行的{what}相同,同一企业在文件中重复出现。",
                            rows=listing(others),
                            what=what,
                        ),
                        row=read.row,
                    )
                )


def name_fallback(read: FigureRow, holder: str | None) -> None:
    """A row with a code and no name: named as the holder of its parcels, else by its
    code, with a warning."""
    if read.name or not read.credit_code:
        return
    read.name = holder or read.credit_code
    read.problems.append(
        problem(
            "missing_name",
            _("缺少企业名称,记为“{name}”。", name=read.name),
            row=read.row,
            severity=WARNING,
        )
    )
