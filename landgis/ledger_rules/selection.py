"""Which cases a ledger holds, in SQL: every case but the dismissed ones
(:data:`OUTSIDE_LEDGER`), narrowed by a :class:`~landgis.filters.ParcelFilter`.

A filter that asks for the dismissed status brings those cases in. Every reader of the
current ledger (its rows, its totals, its figures, its exports) narrows with
:func:`narrow_ledger`, so each describes the same cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement

from landgis.db.models import Case, Parcel
from landgis.db.query_types import AnySelect
from landgis.filters import ParcelFilter, without_paging
from landgis.parcels import apply_filters

OUTSIDE_LEDGER: tuple[str, ...] = ("dismissed",)

# Searched for the filter's text: the parcel's code, holder and project, the case number.
TEXT_COLUMNS = (Parcel.parcel_code, Parcel.holder, Parcel.project_name, Case.case_no)


def in_ledger_sql(status: Any) -> ColumnElement[bool]:
    """Whether a case with the status column ``status`` is in the ledger."""
    return status.not_in(OUTSIDE_LEDGER)


def narrow_ledger(
    stmt: AnySelect, filters: ParcelFilter | None = None, *, day: dt.date | None = None
) -> AnySelect:
    """``stmt`` (a select over cases joined to their parcels and zones) narrowed to the
    ledger's cases that ``filters`` keep (not paged; overdue as of ``day``, today when
    None). The dismissed cases only when the filter asks for that status."""
    filters = filters or ParcelFilter()
    if not set(OUTSIDE_LEDGER) & set(filters.status):
        stmt = stmt.where(in_ledger_sql(Case.status))
    return apply_filters(stmt, without_paging(filters), *TEXT_COLUMNS, day=day)
