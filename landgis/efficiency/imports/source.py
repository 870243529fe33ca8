"""Open a figures table (CSV, XLSX, XLS): find its header row among the title rows above
it, read a second header row beneath it (the single pollutants under a merged 排放量(吨),
or a row of units), and say which column is which.

Rows are numbered as the spreadsheet numbers them (the CSV's lines likewise), headers
and title rows counted, so that a clerk finds "第 5 行" where the spreadsheet shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landgis.efficiency.imports.columns import (
    FigureColumns,
    FigureMapping,
    header_key,
    header_score,
    missing_columns,
    money_note,
    plan_columns,
    recognise,
    split_unit,
    unit_only,
)
from landgis.efficiency.imports.options import FiguresOptions
from landgis.i18n import _, listing
from landgis.io.problems import FileRefused, Problem
from landgis.io.sheets import CSV_SUFFIXES, TABLE_SUFFIXES, Row, csv_rows, workbook_rows

# The header row is looked for among the first rows (title, date, unit notes above it).
HEADER_SEARCH_ROWS = 20
FORMATS = {".csv": "CSV", ".xlsx": "XLSX", ".xlsm": "XLSX", ".xls": "XLS"}


@dataclass
class FiguresTable:
    """A table of figures opened: where its headers are, which column is which, and its
    data rows as ``(row number, cells)`` (blank rows left out)."""

    name: str
    format: str
    columns: FigureColumns
    rows: list[tuple[int, Row]]
    header_row: int
    sheet: str | None = None
    encoding: str | None = None
    problems: list[Problem] = field(default_factory=list)


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _blank(cells: Sequence[Any]) -> bool:
    return not any(_text(c) for c in cells)


def _is_sub_header(cells: Sequence[Any], mapping: FigureMapping | None) -> bool:
    """Whether the row under the header row names columns or units, and nothing else."""
    given = [c for c in cells if _text(c)]
    if not given or any(not isinstance(c, str) for c in given):
        return False
    named = (mapping.get(c)[0] if mapping is not None else False for c in given)
    return all(n or recognise(c) or unit_only(c) for n, c in zip(named, given, strict=True))


def _with_unit(name: str, unit: str | None) -> str:
    """``name`` given ``unit`` when it says none of its own (a group header's)."""
    if unit is None or split_unit(header_key(name)) is not None:
        return name
    return f"{name}({unit})"


def headers_of(top: Sequence[Any], below: Sequence[Any] | None) -> dict[int, str]:
    """The header of each column (by position) from the header row ``top`` and, when it
    has one, the row ``below`` it: a name under a merged group header takes the group's
    unit (化学需氧量 under 主要污染物排放量(吨)); a unit alone joins the header above."""
    width = max(len(top), len(below or ()))
    headers: dict[int, str] = {}
    group_unit: str | None = None
    seen: dict[str, int] = {}
    for position in range(width):
        head = _text(top[position]) if position < len(top) else ""
        sub = _text(below[position]) if below is not None and position < len(below) else ""
        if head:
            split = split_unit(header_key(head))
            group_unit = split[1] if split is not None else None
        name = head
        if sub and unit_only(sub):
            name = f"{head}({sub})" if head else ""
        elif sub:
            name = _with_unit(sub, group_unit)
        if not name:
            continue
        seen[name] = seen.get(name, 0) + 1
        headers[position] = name if seen[name] == 1 else f"{name}({seen[name]})"
    return headers


@dataclass(frozen=True)
class _Found:
    """A sheet's header: the row index of its (first) header row, the rows it takes, its
    score."""

    index: int
    depth: int
    score: int


def _find_header(rows: list[Row], mapping: FigureMapping | None) -> _Found | None:
    best: _Found | None = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(cells, mapping)
        if score < 2:
            continue
        below = rows[index + 1] if index + 1 < len(rows) else None
        depth = 2 if below is not None and _is_sub_header(below, mapping) else 1
        if depth == 2:
            score += header_score(below or [], mapping)
        if best is None or score > best.score:
            best = _Found(index, depth, score)
    return best


def _table(
    rows: list[Row], options: FiguresOptions, found: _Found
) -> tuple[FigureColumns, list[tuple[int, Row]], int]:
    top = rows[found.index]
    below = rows[found.index + 1] if found.depth == 2 else None
    above = [cell for cells in rows[: found.index] for cell in cells]
    plan = plan_columns(headers_of(top, below), options.mapping, money_note(above))
    start = found.index + found.depth
    data = [(start + i + 1, cells) for i, cells in enumerate(rows[start:]) if not _blank(cells)]
    return plan, data, start


def _refused_for(plan: FigureColumns) -> None:
    refusal = missing_columns(plan)
    if refusal is not None:
        raise refusal


def _no_header(name: str) -> FileRefused:
    return FileRefused(
        "columns_missing",
        _(
            "在 {name} 的前 {rows} 行中找不到表头(如“企业名称”“统一社会信用代码”“税收(万元)”),"
            "请检查列名,或用映射文件指明。",
            name=name,
            rows=HEADER_SEARCH_ROWS,
        ),
        suggestion={"mapping": "name"},
    )


def _open_sheet(
    name: str, rows: list[Row], options: FiguresOptions
) -> tuple[FigureColumns, list[tuple[int, Row]], int]:
    found = _find_header(rows, options.mapping)
    if found is None:
        raise _no_header(name)
    plan, data, header_row = _table(rows, options, found)
    _refused_for(plan)
    return plan, data, header_row


def open_table(path: Path, options: FiguresOptions, name: str | None = None) -> FiguresTable:
    """The table of figures at ``path``, opened as ``options`` say; raises
    :class:`~landgis.io.problems.FileRefused` when it cannot be read, has no header, or
    has no column naming the enterprise or giving a figure."""
    path = Path(path)
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise FileRefused(
            "unsupported_format",
            _(
                "不支持的文件类型 {suffix}:企业数据请使用 {supported}。",
                suffix=path.suffix or _("(无扩展名)"),
                supported=listing(sorted(TABLE_SUFFIXES)),
            ),
        )
    if suffix in CSV_SUFFIXES:
        rows, encoding = csv_rows(path, options.limits)
        plan, data, header_row = _open_sheet(name, rows, options)
        return FiguresTable(name, "CSV", plan, data, header_row, None, encoding, plan.problems)
    with workbook_rows(path, options.limits) as (sheets, rows_of):
        if options.sheet is not None:
            if options.sheet not in sheets:
                raise FileRefused(
                    "layer_missing",
                    _(
                        "工作簿中没有工作表 {sheet},现有:{sheets}。",
                        sheet=options.sheet,
                        sheets=listing(sheets),
                    ),
                    suggestion={"layer": sheets},
                )
            chosen = options.sheet
            plan, data, header_row = _open_sheet(name, rows_of(chosen), options)
        else:
            chosen, plan, data, header_row = _only_sheet(name, sheets, rows_of, options)
    return FiguresTable(name, FORMATS[suffix], plan, data, header_row, chosen, None, plan.problems)


def _only_sheet(
    name: str, sheets: list[str], rows_of: Callable[[str], list[Row]], options: FiguresOptions
) -> tuple[str, FigureColumns, list[tuple[int, Row]], int]:
    """The one sheet of a workbook holding figures; refuses when none or several do."""
    usable: list[tuple[str, FigureColumns, list[tuple[int, Row]], int]] = []
    first_refusal: FileRefused | None = None
    for sheet in sheets:
        try:
            usable.append((sheet, *_open_sheet(name, rows_of(sheet), options)))
        except FileRefused as refusal:
            if refusal.kind != "columns_missing":
                raise
            first_refusal = first_refusal or refusal
    if len(usable) == 1:
        return usable[0]
    if not usable:
        raise first_refusal or _no_header(name)
    listed = [sheet for sheet, *_rest in usable]
    raise FileRefused(
        "layer_required",
        _(
            "工作簿中有 {count} 个含企业数据的工作表({sheets}):一个年度的数据请放在一个"
            "工作表中,或在导入时指定工作表。",
            count=len(listed),
            sheets=listing(listed),
        ),
        suggestion={"layer": listed},
    )
