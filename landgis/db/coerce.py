"""Turn values read from files (pandas, JSON, text) into what a model column stores."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement

from landgis import schema
from landgis.db.models import Base
from landgis.errors import InvalidInput
from landgis.i18n import Localizable, _

# The field schema describing each table's columns, for their labels.
_RECORDS: dict[str, schema.FieldSet] = {
    "parcels": schema.PARCEL,
    "cases": schema.CASE,
    "zones": schema.ZONE,
    "buildings": schema.BUILDING,
    "case_events": schema.EVENT,
}


def field_label(name: str, model: type[Base]) -> Localizable:
    """The label of column ``name`` of ``model``'s table, to show in a message; the labels
    of every record are tried for a table the schema does not describe."""
    table = str(getattr(model.__table__, "name", ""))
    records = [_RECORDS[table]] if table in _RECORDS else list(_RECORDS.values())
    return schema.label_of(name, *records)


# A number written as text: digits with an optional sign, decimals and exponent; the
# whole part may be grouped by thousands with commas or spaces (one kind throughout).
_NUMERAL = re.compile(
    r"[+-]?(?:\d{1,3}(?:(?P<sep>[, ])\d{3})(?:(?P=sep)\d{3})*|\d+)?(?:\.\d+|(?<=\d)\.?)"
    r"(?:[eE][+-]?\d+)?",
    re.ASCII,
)

_NOT_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


def number(value: Any) -> float:
    """A number, or a numeral written as text: ``1,234.5``, `` 12.5 ``, ``1 234 567``,
    full-width digits and separators, as spreadsheets and Shapefile text fields hold
    them; ``inf`` and ``nan`` as float() reads them. Anything else (a unit after the
    number, ``12,5``, ``1_000``) raises ValueError."""
    if not isinstance(value, str):
        return float(value)
    text = unicodedata.normalize("NFKC", value).replace("\u00a0", " ").strip()
    if _NOT_FINITE.fullmatch(text):  # as float() reads them; callers refuse them by name
        return float(text)
    match = _NUMERAL.fullmatch(text)
    if match is None:
        raise ValueError(value)
    if match["sep"]:
        text = text.replace(match["sep"], "")
    return float(text)


def is_missing(value: Any) -> bool:
    """None, NaN, NaT and blank text all mean 'no value'."""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    return dt.date.fromisoformat(str(value).strip()[:10])


def _to_python(column: ColumnElement[Any], value: Any) -> Any:
    try:
        python_type = column.type.python_type
    except NotImplementedError:  # geometry columns: passed through as they are
        return value
    if python_type is dt.date:
        return _to_date(value)
    if python_type is float:
        return number(value)
    if python_type is int:
        whole = number(value)
        if not whole.is_integer():
            raise ValueError(value)
        return int(whole)
    if python_type is bool:
        return bool(value)
    if python_type is str:
        return str(value).strip()
    if isinstance(value, np.generic):
        return value.item()
    return value


def column_values(
    model: type[Base], record: Mapping[str, Any], *, row: int | None = None
) -> dict[str, Any]:
    """The values of ``record`` that are columns of ``model``, converted to their types."""
    columns = model.__table__.columns
    values: dict[str, Any] = {}
    for name, value in record.items():
        if name not in columns:
            continue
        column = columns[name]
        if is_missing(value):
            values[name] = None
            continue
        try:
            values[name] = _to_python(column, value)
        except (TypeError, ValueError) as exc:
            label = field_label(name, model)
            if row is None:
                raise InvalidInput(
                    _("{field}的值 “{value}” 无法识别。", field=label, value=value)
                ) from exc
            raise InvalidInput(
                _("第 {row} 行:{field}的值 “{value}” 无法识别。", row=row, field=label, value=value)
            ) from exc
    return values


def column_arrays(model: type[Base], frame: pd.DataFrame) -> dict[str, Any]:
    """The columns of ``frame`` that are (non-geometry) columns of ``model``, converted a
    column at a time as :func:`column_values` converts one value: dates to dates, numbers
    to floats (NaN for none) or ints, text stripped; missing values None. For bulk writes
    of trusted files (the demo, a province); refuses what it cannot read."""
    table = model.__table__
    arrays: dict[str, Any] = {}
    for name in frame.columns:
        if name not in table.columns:
            continue
        try:
            kind = table.columns[name].type.python_type
        except NotImplementedError:  # geometry
            continue
        values = frame[name]
        missing = values.map(is_missing).to_numpy()
        if kind is float:
            arrays[name] = pd.to_numeric(values.where(~missing)).to_numpy(dtype=float)
            continue
        converters: dict[type, Callable[[Any], Any]] = {
            dt.date: _to_date,
            int: int,
            str: lambda v: str(v).strip(),
        }
        convert = converters.get(kind)
        try:
            arrays[name] = [
                None if gap else (convert(v) if convert else v)
                for v, gap in zip(values.tolist(), missing.tolist(), strict=True)
            ]
        except (TypeError, ValueError) as exc:
            label = field_label(name, model)
            raise InvalidInput(_("{field}中有无法识别的值。", field=label)) from exc
    return arrays
