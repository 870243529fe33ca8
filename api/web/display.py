"""How the pages write values: numbers with thousands separators, areas in 亩, instants in
Beijing time, days, text cut to a width, and a case field's value in words.

A missing number (None, NaN, empty) is written :data:`MISSING` ("—") wherever it is shown:
:func:`number` is the one place numbers are written. The template filters ``number``,
``mu``, ``day``, ``when`` and ``fit`` are these functions.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Any

import pandas as pd

from api.web.i18n import Translator
from landgis import schema
from landgis.i18n import Text, _
from landgis.units import m2_to_mu
from landgis.workflow import MAIN_LINE

MISSING = "—"
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
# Case fields whose values are areas of land (shown in 亩) and of floor space (㎡).
# Case fields holding a code of the vocabulary of the same name (landgis.vocab).
VOCABULARY_FIELDS = frozenset({"status", "category", "cause", "route"})
# How serious a warning (landgis.clock) or an import problem (landgis.io.problems) is.
SEVERITIES: dict[str, Text] = {
    "overdue": _("已逾期"),
    "warning": _("警示"),
    "info": _("提示"),
    "error": _("错误"),
}
# Statuses in the order of the workflow's main line (for sorting and charts).
STATUS_ORDER = {s: i for i, s in enumerate((*MAIN_LINE, "dismissed"))}


def is_missing(value: Any) -> bool:
    """Whether ``value`` holds nothing: None, NaN, NaT, pandas' NA or blank text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def number(value: Any, digits: int = 2) -> str:
    """A number with thousands separators and ``digits`` decimals; "—" when missing."""
    if is_missing(value):
        return MISSING
    return f"{float(value):,.{digits}f}"


def quantity(value: Any, unit: str, digits: int = 2) -> str:
    """A number and its unit ("12.50 亩"); "—" alone when missing."""
    return MISSING if is_missing(value) else f"{number(value, digits)} {unit}"


def mu(area_m2: Any) -> str:
    """An area in m² shown in 亩; "—" when missing."""
    return MISSING if is_missing(area_m2) else number(m2_to_mu(float(area_m2)))


def fit(text: Any, width: int = 18) -> str:
    """``text`` cut to ``width`` columns (a Chinese character takes two), with an ellipsis."""
    text = str(text)
    used = 0
    for i, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > width:
            return text[: max(i - 1, 1)] + "…"
    return text


def when(value: Any) -> str:
    """An instant (ISO text or datetime, UTC) as a clerk reads it: Beijing time, minutes."""
    if not value:
        return ""
    instant = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def day(value: Any) -> str:
    """A date (or the date of a datetime) as ISO text, '' when missing."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def field_value(t: Translator, name: str, value: Any) -> str:
    """A case field's value as the user reads it; "—" when missing."""
    if is_missing(value):
        return MISSING
    if name in VOCABULARY_FIELDS:
        return t.term(name, str(value))
    if name in schema.LAND_AREA_FIELDS:
        return quantity(m2_to_mu(float(value)), t(_("亩")))
    if name in schema.FLOOR_AREA_FIELDS:
        return quantity(value, t(_("㎡")))
    if name == "amount_yuan":
        return quantity(value, t(_("元")))
    return day(value) if name.endswith("_on") or name == "deadline" else str(value)
