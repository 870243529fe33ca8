"""Overdue (逾期): a case still open (not yet revitalized, closed or dismissed) whose own
completion deadline (完成时限) is before the day asked about. A case without a deadline is
never overdue; on its deadline day it is not overdue yet.

:func:`overdue_sql` is the rule in SQL (a two-valued boolean for SELECT and WHERE on
either backend), :func:`case_is_overdue` its twin over one case's values
(:func:`overdue_column` over each row of a frame).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, false, true

from landgis.workflow import OPEN_STATUSES

if TYPE_CHECKING:  # pandas is not loaded for the statutory clock
    import pandas as pd


def _day(value: Any) -> dt.date | None:
    """A deadline as a date: None for a missing value (None, NaN, NaT)."""
    if value is None or value != value:  # NaN and NaT are not equal to themselves
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"a deadline must be a date, not {type(value).__name__}: {value!r}")


def case_is_overdue(status: str | None, deadline: Any, today: dt.date) -> bool:
    """Whether a case with this status and deadline is overdue on ``today``."""
    due = _day(deadline)
    return status in OPEN_STATUSES and due is not None and due < today


def overdue_column(rows: pd.DataFrame, today: dt.date) -> pd.Series:
    """:func:`case_is_overdue` for each row of a frame with ``status`` and ``deadline``."""
    flags = rows["status"].combine(
        rows["deadline"], lambda status, deadline: case_is_overdue(status, deadline, today)
    )
    return flags.astype(bool)


def overdue_sql(status: Any, deadline: Any, today: dt.date) -> ColumnElement[bool]:
    """The rule over the columns ``status`` and ``deadline``: true or false, never NULL
    (a parcel without a case, or a case without a deadline, is not overdue)."""
    late = and_(status.in_(OPEN_STATUSES), deadline < today)
    return case((late, true()), else_=false())
