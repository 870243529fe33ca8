"""The ledger's totals: how many cases (宗) it holds, their idle and revitalized land and
factory floor area (m²), and how many of them are overdue on a day. The ledger is every
case but the dismissed ones (不予认定/已撤销, :data:`OUTSIDE_LEDGER`).

:func:`totals_columns` is the aggregate in SQL (over whatever cases a select reads and
groups) and :func:`ledger_totals` the ledger's totals summed by the database;
:func:`total_parts` and :func:`totals_of` are the twin over case rows (a frame of the
ledger as it stands, or as it stood on a past day). A missing area counts as 0. Areas
stay in m²: callers convert to 亩 once, at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from landgis.db.models import Case
from landgis.ledger_rules.overdue import overdue_column, overdue_sql

OUTSIDE_LEDGER: tuple[str, ...] = ("dismissed",)
AREAS: tuple[str, ...] = (
    "idle_area_m2",
    "idle_building_area_m2",
    "revitalized_area_m2",
    "revitalized_building_area_m2",
)
TOTALS: tuple[str, ...] = ("cases", *AREAS, "overdue_cases")


@dataclass(frozen=True)
class LedgerTotals:
    """Totals of a set of cases; areas in m²."""

    cases: int = 0
    idle_area_m2: float = 0.0
    idle_building_area_m2: float = 0.0
    revitalized_area_m2: float = 0.0
    revitalized_building_area_m2: float = 0.0
    overdue_cases: int = 0

    @classmethod
    def of(cls, values: Mapping[Any, Any]) -> LedgerTotals:
        """The totals from a mapping holding the keys of :data:`TOTALS` (a row, a sum)."""
        areas = {name: float(values[name] or 0.0) for name in AREAS}
        return cls(
            int(values["cases"] or 0), overdue_cases=int(values["overdue_cases"] or 0), **areas
        )


def in_ledger_sql(status: Any) -> ColumnElement[bool]:
    """Whether a case with the status column ``status`` is in the ledger."""
    return status.not_in(OUTSIDE_LEDGER)


def totals_columns(today: dt.date) -> list[Any]:
    """The aggregate columns of :data:`TOTALS` over the cases a select reads (and groups),
    overdue as of ``today``; never NULL."""
    overdue = overdue_sql(Case.status, Case.deadline, today)
    return [
        func.count(Case.id).label("cases"),
        *(func.coalesce(func.sum(getattr(Case, name)), 0.0).label(name) for name in AREAS),
        func.coalesce(func.sum(case((overdue, 1), else_=0)), 0).label("overdue_cases"),
    ]


def ledger_totals(session: Session, today: dt.date) -> LedgerTotals:
    """The ledger's totals now, overdue as of ``today``, summed by the database."""
    stmt = select(*totals_columns(today)).where(in_ledger_sql(Case.status))
    return LedgerTotals.of(session.execute(stmt).one()._mapping)


def total_parts(rows: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Each case row's part of the totals (columns :data:`TOTALS`): one case, its areas,
    one if overdue on ``today``. Sum them, whole or grouped, for totals."""
    parts = pd.DataFrame({"cases": 1}, index=rows.index)
    for name in AREAS:
        parts[name] = pd.to_numeric(rows[name], errors="coerce").fillna(0.0).astype(float)
    parts["overdue_cases"] = overdue_column(rows, today).astype(int)
    return parts


def totals_of(rows: pd.DataFrame, today: dt.date) -> LedgerTotals:
    """The twin of :func:`ledger_totals`: the totals of these case rows (columns
    ``status``, ``deadline`` and the areas), overdue as of ``today``."""
    return LedgerTotals.of(total_parts(rows, today).sum())
