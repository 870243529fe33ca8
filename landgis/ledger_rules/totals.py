"""The ledger's totals: how many cases (宗) it holds, their idle and revitalized land and
factory floor area (m²), and how many of them are overdue on a day; and the one rule by
which every total is shown (:func:`area_total`).

The ledger is every case but the dismissed ones (:mod:`landgis.ledger_rules.selection`),
narrowed by a filter when one is given. :func:`totals_columns` is the aggregate in SQL
(over whatever cases a select reads and groups), :func:`ledger_totals` the ledger's totals
and :func:`zone_totals` its totals by zone, summed by the database; :func:`total_parts`,
:func:`totals_of` and :func:`zone_totals_of` are the twins over case rows (a frame of the
ledger as it stands, or as it stood on a past day). A missing area counts as 0.

The rule: sum the stored m², convert the sum once (1 亩 = 2000/3 m²), round once to 0.01,
half away from zero on the value's 15 significant digits, as spreadsheets round (Excel's
and LibreOffice's ``ROUND``), so a workbook's formulas show the same digits when a
spreadsheet recalculates them. Never sum rounded values.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from landgis.db.models import Case, Parcel, Zone
from landgis.filters import ParcelFilter
from landgis.ledger_rules.overdue import overdue_column, overdue_sql
from landgis.ledger_rules.selection import OUTSIDE_LEDGER, in_ledger_sql, narrow_ledger
from landgis.units import m2_to_mu

__all__ = [
    "AREAS",
    "M2_PER_WAN",
    "OUTSIDE_LEDGER",
    "TOTALS",
    "UNASSIGNED",
    "LedgerTotals",
    "ShownTotals",
    "area_total",
    "in_ledger_sql",
    "ledger_totals",
    "round_total",
    "total_parts",
    "totals_columns",
    "totals_of",
    "wan_m2",
    "zone_totals",
    "zone_totals_of",
]

AREAS: tuple[str, ...] = (
    "idle_area_m2",
    "idle_building_area_m2",
    "revitalized_area_m2",
    "revitalized_building_area_m2",
)
TOTALS: tuple[str, ...] = ("cases", *AREAS, "overdue_cases")
DECIMALS = 2
# The key of what lies in no zone, in figures grouped by zone.
UNASSIGNED = "unassigned"
M2_PER_WAN = 10_000
SIGNIFICANT_DIGITS = 15
AreaUnit = Literal["mu", "m2"]


def round_total(value: float) -> float:
    """``value`` rounded to 0.01 as the totals are: half away from zero, on its 15
    significant digits (``round_total(12.345) == 12.35``, where ``round`` gives 12.34)."""
    number = float(value)
    if not math.isfinite(number):
        return number
    digits = Decimal(f"{number:.{SIGNIFICANT_DIGITS}g}")
    return float(digits.quantize(Decimal(1).scaleb(-DECIMALS), rounding=ROUND_HALF_UP))


def wan_m2(area_m2: float) -> float:
    """㎡ in 万平方米 as the reports write floor areas, rounded once to 0.01
    (``16366.68`` → ``1.64``)."""
    return round_total(float(area_m2) / M2_PER_WAN)


def area_total(total_m2: float, unit: AreaUnit) -> float:
    """An area total as shown: ``total_m2`` (a sum of stored m²) converted once to
    ``unit`` (``mu`` for 亩, ``m2``) and rounded once (:func:`round_total`)."""
    area = float(total_m2)
    return round_total(m2_to_mu(area) if unit == "mu" else area)


@dataclass(frozen=True)
class ShownTotals:
    """Totals as every page, file and report shows them: land in 亩 and floor areas in ㎡,
    each by the rule (:func:`area_total`)."""

    cases: int
    idle_area_mu: float
    idle_building_area_m2: float
    revitalized_area_mu: float
    revitalized_building_area_m2: float
    overdue_cases: int


@dataclass(frozen=True)
class LedgerTotals:
    """Totals of a set of cases; areas in m², as summed (not rounded)."""

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

    def shown(self) -> ShownTotals:
        """These totals as shown: each area converted and rounded once by the rule."""
        return ShownTotals(
            cases=self.cases,
            idle_area_mu=area_total(self.idle_area_m2, "mu"),
            idle_building_area_m2=area_total(self.idle_building_area_m2, "m2"),
            revitalized_area_mu=area_total(self.revitalized_area_m2, "mu"),
            revitalized_building_area_m2=area_total(self.revitalized_building_area_m2, "m2"),
            overdue_cases=self.overdue_cases,
        )


def totals_columns(today: dt.date) -> list[Any]:
    """The aggregate columns of :data:`TOTALS` over the cases a select reads (and groups),
    overdue as of ``today``; never NULL."""
    overdue = overdue_sql(Case.status, Case.deadline, today)
    return [
        func.count(Case.id).label("cases"),
        *(func.coalesce(func.sum(getattr(Case, name)), 0.0).label(name) for name in AREAS),
        func.coalesce(func.sum(case((overdue, 1), else_=0)), 0).label("overdue_cases"),
    ]


def ledger_totals(
    session: Session, today: dt.date, filters: ParcelFilter | None = None
) -> LedgerTotals:
    """The ledger's totals now (narrowed by ``filters``), overdue as of ``today``, summed
    by the database."""
    stmt = (
        select(*totals_columns(today))
        .select_from(Case)
        .outerjoin(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
    )
    stmt = narrow_ledger(stmt, filters, day=today)
    return LedgerTotals.of(session.execute(stmt).one()._mapping)


def _by_zone_code(groups: list[tuple[Any, Any, LedgerTotals]]) -> dict[str | None, LedgerTotals]:
    """``(zone code, zone name, totals)`` as zone name → totals, in the ledger's order:
    by zone code, the cases in no zone (None) last."""
    groups.sort(key=lambda group: (group[0] is None, group[0] or ""))
    return {name: totals for _code, name, totals in groups}


def zone_totals(
    session: Session, today: dt.date, filters: ParcelFilter | None = None
) -> dict[str | None, LedgerTotals]:
    """The ledger's totals now (narrowed by ``filters``) by zone name, summed by the
    database: zones in the ledger's order (by code), the cases in no zone under None last.
    Show each with :meth:`LedgerTotals.shown`."""
    stmt = (
        select(Zone.code, Zone.name, *totals_columns(today))
        .select_from(Case)
        .outerjoin(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .group_by(Zone.code, Zone.name)
    )
    rows = session.execute(narrow_ledger(stmt, filters, day=today)).all()
    return _by_zone_code([(r.code, r.name, LedgerTotals.of(r._mapping)) for r in rows])


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


def zone_totals_of(rows: pd.DataFrame, today: dt.date) -> dict[str | None, LedgerTotals]:
    """The twin of :func:`zone_totals`: the totals of these case rows (as for
    :func:`totals_of`, with ``zone_code`` and ``zone_name``) by zone name."""
    if rows.empty:
        return {}
    parts = total_parts(rows, today)
    codes = rows["zone_code"].astype(object).where(rows["zone_code"].notna(), None)
    names = rows["zone_name"].astype(object).where(rows["zone_name"].notna(), None)
    keys = pd.Series(list(zip(codes, names, strict=True)), index=rows.index)
    groups = parts.groupby(keys, sort=False, dropna=False)
    return _by_zone_code(
        [(code, name, LedgerTotals.of(group.sum())) for (code, name), group in groups]
    )
