"""Type the cells of a file's rows as parcel fields: codes, numbers, dates, text.

Column by column (each distinct cell read once; plain columns as arrays): the parcel
fields of each row (None where blank or unreadable), its extra attributes, and an
``invalid_value`` problem for each cell that cannot be read as its field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_object_dtype, is_string_dtype

from landgis import credit_code, schema
from landgis.db.coerce import column_values, is_missing, number
from landgis.db.models import Parcel
from landgis.errors import InvalidInput
from landgis.i18n import Localizable, _, pgettext
from landgis.io.fields import ColumnPlan, supply_method_code
from landgis.io.problems import Problem, problem

_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")
_DATE_FIELDS = frozenset(
    c.key for c in Parcel.__table__.columns if getattr(c.type, "python_type", None) is dt.date
)


def jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _code_text(value: Any) -> str:
    """A parcel code as text; a number read from a spreadsheet loses no digits unnoticed."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 2**53:
            raise ValueError("a parcel code stored as a number")
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> float:
    """A finite number from a cell (text numerals as :func:`~landgis.db.coerce.number`
    reads them)."""
    found = number(value)
    if not math.isfinite(found):
        raise ValueError(value)
    return found


def _date_value(value: Any) -> Any:
    if isinstance(value, str) and (match := _DATE.match(value)):
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return value


def string_limit(name: str) -> int | None:
    return getattr(Parcel.__table__.columns[name].type, "length", None)


def _typed_value(name: str, column: str, raw: Any, plan: ColumnPlan) -> Any:
    """One cell as the parcel field ``name``; raises when it cannot be read."""
    if name == "parcel_code":
        return _code_text(raw)
    if name == "supply_method":
        value = supply_method_code(raw)
        if value is None:
            raise ValueError(raw)
        return value
    if name == "registered_area_m2":
        return _number(raw) * plan.factors.get(column, 1.0)
    if name in ("zone_code", "zone_name"):
        return str(raw).strip()
    if name in _DATE_FIELDS:
        raw = _date_value(raw)
    elif name in ("land_price_yuan", "plot_ratio", "tax_per_mu"):
        raw = _number(raw)
    return column_values(Parcel, {name: raw})[name]


# What became of a cell: its value, or why it has none.
_INVALID = object()
TOO_LONG = object()


def _cell(name: str, column: str, raw: Any, plan: ColumnPlan) -> Any:
    """The typed value of a non-blank cell, or ``_INVALID`` / ``TOO_LONG``."""
    try:
        value = _typed_value(name, column, raw, plan)
    except (InvalidInput, TypeError, ValueError, OverflowError):
        return _INVALID
    limit = string_limit(name) if name in Parcel.__table__.columns else None
    if isinstance(value, str) and limit is not None and len(value) > limit:
        return TOO_LONG
    return value


def cell_problem(outcome: Any, name: str, column: str, raw: Any, row: int, code: Any) -> Problem:
    code = None if is_missing(code) else code
    if outcome is _INVALID:
        return problem(
            "invalid_value",
            _(
                "列 {column} 的值 “{value}” 无法识别为{field}。",
                column=column,
                value=raw,
                field=_field_label(name),
            ),
            row=row,
            parcel_code=code,
        )
    limit = string_limit(name)
    return problem(
        "invalid_value",
        _("列 {column} 的值超过 {limit} 个字符。", column=column, limit=limit),
        row=row,
        parcel_code=code,
    )


def _credit_problem(credit: str, row: int, code: Any) -> Problem:
    return problem(
        "invalid_credit_code",
        _("统一社会信用代码 {credit} 校验位不符。", credit=credit),
        row=row,
        parcel_code=code,
    )


def typed_fields(
    item: Mapping[str, Any], plan: ColumnPlan, row: int
) -> tuple[dict[str, Any], dict[str, Any], list[Problem]]:
    """The parcel fields (typed; None for blank cells), the extra attributes and the
    problems of one row."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    code = item.get(next((c for c, f in plan.rename.items() if f == "parcel_code"), ""))
    for column, name in plan.rename.items():
        raw = item.get(column)
        if is_missing(raw):
            values[name] = None
            continue
        outcome = _cell(name, column, raw, plan)
        if outcome is _INVALID or outcome is TOO_LONG:
            problems.append(cell_problem(outcome, name, column, raw, row, code))
            outcome = None
        values[name] = outcome
    credit = values.get("credit_code")
    if credit and not credit_code.is_valid(credit):
        problems.append(_credit_problem(credit, row, values.get("parcel_code")))
    extra = {}
    for column in plan.extra:
        value = item.get(column)
        if not is_missing(value):
            value = jsonable(value)
            if value is not None:
                extra[column] = value
    return values, extra, problems


def _cache_key(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return None
    return (type(value), value)


_FLOAT_FIELDS = frozenset({"land_price_yuan", "plot_ratio", "tax_per_mu", "registered_area_m2"})
_TEXT_FIELDS = frozenset(
    {"parcel_code", "zone_code", "zone_name"}
    | {
        c.key
        for c in Parcel.__table__.columns
        if c.key != "supply_method" and getattr(c.type, "python_type", None) is str
    }
)


def _cells(series: pd.Series) -> list[Any]:
    """The cells of a column as Python objects (missing text as None), read as an array."""
    if is_string_dtype(series.dtype) and not is_object_dtype(series.dtype):
        return series.to_numpy(dtype=object, na_value=None).tolist()
    return series.tolist()


def _fast_column(series: pd.Series, name: str, column: str, plan: ColumnPlan) -> list | None:
    """A whole column of plain numbers or text typed as an array, or None when some
    cell needs a closer look (other types, infinite numbers, text too long)."""
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind == "empty" and (name in _FLOAT_FIELDS or name in _TEXT_FIELDS):
        return [None] * len(series)
    if name in _FLOAT_FIELDS and kind in ("floating", "integer"):
        numbers = pd.to_numeric(series).to_numpy(dtype=float, na_value=np.nan)
        if np.isinf(numbers).any():
            return None
        if name == "registered_area_m2":
            numbers = numbers * plan.factors.get(column, 1.0)
        return [None if math.isnan(v) else v for v in numbers.tolist()]
    if name in _DATE_FIELDS and kind == "string":
        cells = _cells(series)
        distinct = list(dict.fromkeys(cells))  # each distinct cell read once
        dates = _iso_dates(distinct)
        if dates is None:
            return None
        return list(map(dict(zip(distinct, dates, strict=True)).__getitem__, cells))
    if name in _TEXT_FIELDS and kind == "string":
        texts = [v.strip() or None if isinstance(v, str) else None for v in _cells(series)]
        limit = string_limit(name) if name in Parcel.__table__.columns else None
        if limit is not None and max(map(len, filter(None, texts)), default=0) > limit:
            return None
        return texts
    return None


_ISO_DATES = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\n)*")
_FIRST_DAY = np.datetime64("0001-01-01", "D")


def _iso_dates(cells: list[Any]) -> list | None:
    """Dates written YYYY-MM-DD (or blank), or None when some cell is anything else:
    checked with one pattern over all the cells and parsed as one array."""
    texts = [c.strip() if isinstance(c, str) else "" for c in cells]
    given = [t for t in texts if t]
    if not given:
        return [None] * len(texts)
    if not _ISO_DATES.fullmatch("\n".join(given) + "\n"):
        return None
    try:
        days = np.array(given, dtype="datetime64[D]")
    except ValueError:
        return None  # 2015-02-30 and the like: said row by row
    if days.min() < _FIRST_DAY:
        return None
    parsed = iter(days.astype(object).tolist())
    return [next(parsed) if t else None for t in texts]


_CREDIT_INDEX = np.full(256, -1, dtype=np.int64)
_CREDIT_INDEX[np.frombuffer(credit_code.ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(
    len(credit_code.ALPHABET)
)


def _credit_codes_valid(credits: list[Any]) -> np.ndarray:
    """:func:`credit_code.is_valid` of each credit code as arrays (True where blank)."""
    ok = np.ones(len(credits), dtype=bool)
    texts = [c.strip().upper() if isinstance(c, str) and c else None for c in credits]
    plain = [i for i, t in enumerate(texts) if t is not None and len(t) == 18 and t.isascii()]
    for i, text in enumerate(texts):
        if text is not None and not (len(text) == 18 and text.isascii()):
            ok[i] = credit_code.is_valid(text)
    if plain:
        raw = "".join(texts[i] for i in plain).encode("ascii")  # type: ignore[misc]
        index = _CREDIT_INDEX[np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)]
        weights = np.array(credit_code.WEIGHTS, dtype=np.int64)
        check = (31 - (index[:, :17] * weights).sum(axis=1) % 31) % 31
        ok[plain] = (index >= 0).all(axis=1) & (index[:, 17] == check)
    return ok


def typed_columns(
    frame: pd.DataFrame, plan: ColumnPlan, first_row: int = 1
) -> tuple[dict[str, list[Any]], list[Any], list[Problem]]:
    """:func:`typed_fields` for every row of ``frame`` at once, column by column (each
    distinct cell read once): the field columns, the extra attributes (dict or None) and
    the problems, rows numbered from ``first_row``."""
    n = len(frame)
    code_column = next((c for c, f in plan.rename.items() if f == "parcel_code"), None)
    raw_codes = list(frame[code_column]) if code_column in frame else [None] * n
    columns: dict[str, list[Any]] = {}
    found: list[tuple[int, int, Problem]] = []  # (position, order, problem)
    for order, (column, name) in enumerate(plan.rename.items()):
        fast = _fast_column(frame[column], name, column, plan) if column in frame else None
        if fast is not None:
            columns[name] = fast
            continue
        cells = _cells(frame[column]) if column in frame else [None] * n
        outcomes: dict[Any, Any] = {}
        typed: list[Any] = []
        for position, raw in enumerate(cells):
            if is_missing(raw):
                typed.append(None)
                continue
            key = _cache_key(raw)
            outcome = outcomes.get(key, outcomes) if key is not None else outcomes
            if outcome is outcomes:
                outcome = _cell(name, column, raw, plan)
                if key is not None:
                    outcomes[key] = outcome
            if outcome is _INVALID or outcome is TOO_LONG:
                row = first_row + position
                code = raw_codes[position]
                found.append((position, order, cell_problem(outcome, name, column, raw, row, code)))
                outcome = None
            typed.append(outcome)
        columns[name] = typed
    if "credit_code" in columns:
        codes = columns.get("parcel_code", [None] * n)
        credits = columns["credit_code"]
        for position in np.flatnonzero(~_credit_codes_valid(credits)).tolist():
            credit = credits[position]
            problem_ = _credit_problem(credit, first_row + int(position), codes[position])
            found.append((int(position), len(plan.rename), problem_))
    found.sort(key=lambda item: (item[0], item[1]))
    extras: list[Any] = [None] * n
    if plan.extra:
        items = frame[[c for c in plan.extra if c in frame]].to_dict("records")
        for position, item in enumerate(items):
            extra = {}
            for column, value in item.items():
                if not is_missing(value):
                    value = jsonable(value)
                    if value is not None:
                        extra[column] = value
            extras[position] = extra or None
    return columns, extras, [p for _position, _order, p in found]


def _field_label(name: str) -> Localizable:
    """What a cell of field ``name`` should hold, for "cannot read … as …"."""
    if name == "supply_method":
        return _("供地方式(出让/划拨)")
    if name == "registered_area_m2":
        return pgettext("cell", "面积")
    if name == "parcel_code":
        return _("宗地编号(请将该列设为文本格式)")
    if name in _DATE_FIELDS:
        return pgettext("cell", "日期")
    return schema.label_of(name, schema.PARCEL)
