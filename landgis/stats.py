"""Headline figures of the ledger (DOMAIN section 7).

- The ledger: cases (宗) and idle area (亩) by category, cause, zone and status, as of a
  date (the end of the period, or now).
- Revitalized (盘活): area (亩) and factory floor area (㎡) by route, zone and month, in
  a period (for example 1 January - 31 August) or in all, and the share of the ledger
  revitalized.

The figures are those of the ledger a filter narrows (the whole county's by default):
the same cases the ledger page lists and an export holds. They are sums of stored areas in
m², converted to 亩 and rounded to 0.01 once by the totals' rule
(:mod:`landgis.ledger_rules.totals`), so both backends, the pages, the API and the
exported files report the same digits. Today's ledger is summed by the database (one
``GROUP BY`` over the cases, so a province's figures cost what the query costs); past
figures come from the events (:func:`landgis.ledger.ledger_rows`), summed the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import String, cast, distinct, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from landgis.db.backends.functions import YearMonth
from landgis.db.models import Case, CaseEvent, Parcel, Zone
from landgis.db.query_types import AnySelect
from landgis.errors import InvalidInput
from landgis.filters import ParcelFilter
from landgis.i18n import _
from landgis.ledger import ledger_rows, narrow_rebuilt_rows
from landgis.ledger_rules.selection import OUTSIDE_LEDGER, narrow_ledger
from landgis.ledger_rules.totals import (
    TOTALS,
    UNASSIGNED,
    LedgerTotals,
    area_total,
    total_parts,
    totals_columns,
    wan_m2,
)
from landgis.space.occupancy import occupancy_figures
from landgis.wallclock import today
from landgis.workflow import MAIN_LINE

# The statuses in the workflow's order: its main line, then the dismissed.
STATUS_ORDER: tuple[str, ...] = (*MAIN_LINE, *OUTSIDE_LEDGER)


def _mu(area_m2: float) -> float:
    return area_total(area_m2, "mu")


def _m2(area_m2: float) -> float:
    return area_total(area_m2, "m2")


GROUP_KEYS = ["category", "cause", "zone", "status"]


def _ledger_now(session: Session, as_of: dt.date, filters: ParcelFilter) -> pd.DataFrame:
    """The ledger now, narrowed by ``filters``, its totals (:mod:`landgis.ledger_rules.totals`)
    summed in the database by category, cause, zone and status: a few hundred rows however
    many cases there are."""
    stmt = (
        select(
            Case.category,
            Case.cause,
            Zone.name.label("zone"),
            Case.status,
            *totals_columns(as_of),
        )
        .select_from(Case)
        .outerjoin(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .group_by(Case.category, Case.cause, Zone.name, Case.status)
    )
    rows = session.execute(narrow_ledger(stmt, filters, day=as_of)).all()
    return pd.DataFrame.from_records(rows, columns=[*GROUP_KEYS, *TOTALS])


def _cases_as_of(session: Session, as_of: dt.date, filters: ParcelFilter) -> pd.DataFrame:
    """The ledger's cases as they stood on ``as_of`` (rebuilt from events), narrowed by
    ``filters`` as the ledger of that day is."""
    dismissed = bool(set(OUTSIDE_LEDGER) & set(filters.status))
    rows = ledger_rows(session, as_of, include_dismissed=dismissed)
    if rows.empty:
        return rows.iloc[0:0]
    return narrow_rebuilt_rows(session, rows, filters)


def _ledger_as_of(rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The cases ``rows`` of a past ledger summed as :func:`_ledger_now` sums them."""
    if rows.empty:
        return pd.DataFrame(columns=[*GROUP_KEYS, *TOTALS])
    keys = rows[["category", "cause", "zone_name", "status"]].set_axis(GROUP_KEYS, axis=1)
    parts = pd.concat([keys, total_parts(rows, as_of)], axis=1)
    return parts.groupby(GROUP_KEYS, dropna=False, sort=False)[list(TOTALS)].sum().reset_index()


def _ledger_groups(
    ledger: pd.DataFrame, key: str, order: tuple[str, ...] = ()
) -> dict[str, dict[str, Any]]:
    """Cases and idle area by ``key``: the keys in ``order`` first, in that order, then the
    others sorted, the cases with none last."""
    sums = ledger.groupby(ledger[key].fillna(UNASSIGNED), sort=True)[
        ["cases", "idle_area_m2"]
    ].sum()
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(
        (str(name) for name in sums.index),
        key=lambda name: (name == UNASSIGNED, rank.get(name, len(rank))),
    )
    return {
        name: {"cases": int(sums.at[name, "cases"]), "area_mu": _mu(sums.at[name, "idle_area_m2"])}
        for name in names
    }


@dataclass(frozen=True)
class Revitalized:
    """What the period's events revitalized: in all, and by route, zone and month (the
    events that added land or floor area), as (name, cases, m², floor m²) sums."""

    cases: int
    area_m2: float
    building_area_m2: float
    groups: dict[str, list[tuple[str | None, int, float, float]]]

    def by(self, key: str) -> dict[str, dict[str, Any]]:
        """Cases, 亩 and floor ㎡ by ``key`` (route, zone or month), sorted by name, the
        events with none under :data:`UNASSIGNED`."""
        named = [
            (UNASSIGNED if name is None else name, cases, area, building)
            for name, cases, area, building in self.groups[key]
        ]
        return {
            name: {"cases": cases, "area_mu": _mu(area), "building_area_m2": _m2(building)}
            for name, cases, area, building in sorted(named, key=lambda row: row[0])
        }


GROUPED = ("route", "zone", "month")


def _revitalization_events(
    date_from: dt.date | None, date_to: dt.date | None, ledger_now: ParcelFilter | None
) -> AnySelect:
    """The events that revitalized land or floor area, with what each added, the month, the
    case's zone, and its route now; the other events are left out by the index of the
    events that revitalized something (their deltas are generated columns). With
    ``ledger_now`` only the events of the cases in today's ledger that this filter narrows
    (:func:`~landgis.ledger_rules.selection.narrow_ledger`)."""
    area = CaseEvent.revitalized_delta_m2
    building = CaseEvent.revitalized_building_delta_m2
    stmt = (
        select(
            Case.id.label("case_id"),
            area.label("area_m2"),
            building.label("building_area_m2"),
            Zone.name.label("zone"),
            Case.route.label("route"),
            YearMonth(CaseEvent.occurred_on).label("month"),
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .where(or_(area != 0, building != 0))
    )
    if date_from is not None:
        stmt = stmt.where(CaseEvent.occurred_on >= date_from)
    if date_to is not None:
        stmt = stmt.where(CaseEvent.occurred_on <= date_to)
    if ledger_now is not None:
        stmt = narrow_ledger(stmt, ledger_now, day=today())
    return stmt


def _revitalized_in_database(session: Session, events: AnySelect) -> Revitalized:
    """:class:`Revitalized` summed by the database in one statement: a handful of rows
    however many events there are."""
    ev = events.cte("revitalizing").prefix_with("MATERIALIZED")
    cases, area, building = (
        func.count(distinct(ev.c.case_id)),
        func.sum(ev.c.area_m2),
        func.sum(ev.c.building_area_m2),
    )
    moved = or_(ev.c.area_m2 > 0, ev.c.building_area_m2 > 0)
    parts = [
        select(
            literal(key).label("key"), cast(ev.c[key], String).label("name"), cases, area, building
        )
        .where(moved)
        .group_by(ev.c[key])
        for key in GROUPED
    ]
    parts.append(select(literal("all"), cast(null(), String), cases, area, building))
    groups: dict[str, list[tuple[str | None, int, float, float]]] = {key: [] for key in GROUPED}
    found = (0, 0.0, 0.0)
    for key, name, count, area_m2, building_m2 in session.execute(union_all(*parts)):
        sums = (int(count), float(area_m2 or 0.0), float(building_m2 or 0.0))
        if key == "all":
            found = sums
        else:
            groups[key].append((name, *sums))
    return Revitalized(*found, groups=groups)


def _revitalized_in_frame(events: pd.DataFrame) -> Revitalized:
    """:class:`Revitalized` summed from the events of a past ledger (their routes then)."""
    moved = events[(events["area_m2"] > 0) | (events["building_area_m2"] > 0)]
    groups = {}
    for key in GROUPED:
        sums = moved.groupby(moved[key], dropna=False, sort=False).agg(
            cases=("case_id", "nunique"),
            area_m2=("area_m2", "sum"),
            building_area_m2=("building_area_m2", "sum"),
        )
        groups[key] = [
            (
                None if pd.isna(name) else str(name),
                int(row.cases),
                row.area_m2,
                row.building_area_m2,
            )
            for name, row in sums.iterrows()
        ]
    return Revitalized(
        int(events["case_id"].nunique()),
        float(events["area_m2"].sum()),
        float(events["building_area_m2"].sum()),
        groups,
    )


def headline_figures(
    session: Session,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    filters: ParcelFilter | None = None,
) -> dict[str, Any]:
    """The headline figures of the ledger narrowed by ``filters`` (the whole county's when
    None), JSON-ready.

    The ledger is taken as of ``date_to`` (now when not given: summed in the database);
    revitalized figures count what the ledger's cases revitalized from ``date_from`` to
    ``date_to`` (all of it when neither is given), the factory floor area also in 万平方米
    as the reports write it. Every area is a sum of stored m² converted and rounded once
    (:func:`~landgis.ledger_rules.totals.area_total`). With them, the occupancy of the
    units of factory space as of ``date_to`` and month by month in the period
    (:func:`~landgis.space.occupancy.occupancy_figures`), of the zones the filter names.
    """
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            _(
                "起始日期 {date_from} 晚于截止日期 {date_to}。",
                date_from=date_from,
                date_to=date_to,
            ),
        )
    filters = filters or ParcelFilter()
    as_of = date_to or today()
    if date_to is None:
        ledger = _ledger_now(session, as_of, filters)
        revitalized = _revitalized_in_database(
            session, _revitalization_events(date_from, date_to, filters)
        )
    else:
        cases = _cases_as_of(session, date_to, filters)
        ledger = _ledger_as_of(cases, date_to)
        routes = dict(zip(cases["case_no"], cases["route"], strict=True))
        stmt = _revitalization_events(date_from, date_to, None).add_columns(Case.case_no)
        events = pd.DataFrame.from_records(
            session.execute(stmt).all(), columns=list(stmt.selected_columns.keys())
        )
        events = events[events["case_no"].isin(list(routes))]
        revitalized = _revitalized_in_frame(events.assign(route=events["case_no"].map(routes)))
    totals = LedgerTotals.of(ledger[list(TOTALS)].sum())
    shown = totals.shown()
    ledger_area = totals.idle_area_m2
    revitalized_total = totals.revitalized_area_m2
    revitalized_building = _m2(revitalized.building_area_m2)
    return {
        "as_of": as_of.isoformat(),
        "period": {
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
        "cases": shown.cases,
        "ledger_area_mu": shown.idle_area_mu,
        "idle_building_area_m2": shown.idle_building_area_m2,
        "revitalized_area_mu": _mu(revitalized.area_m2),
        "revitalized_building_area_m2": revitalized_building,
        "revitalized_building_area_wan_m2": wan_m2(revitalized_building),
        "revitalized_cases": revitalized.cases,
        "revitalized_total_area_mu": shown.revitalized_area_mu,
        "revitalized_total_building_area_m2": shown.revitalized_building_area_m2,
        "revitalized_share": round(revitalized_total / ledger_area, 4) if ledger_area else 0.0,
        "overdue_cases": shown.overdue_cases,
        "by_category": _ledger_groups(ledger, "category"),
        "by_cause": _ledger_groups(ledger, "cause"),
        "by_zone": _ledger_groups(ledger, "zone"),
        "by_status": _ledger_groups(ledger, "status", STATUS_ORDER),
        "revitalized_by_route": revitalized.by("route"),
        "revitalized_by_zone": revitalized.by("zone"),
        "revitalized_by_month": revitalized.by("month"),
        **occupancy_figures(session, date_from=date_from, date_to=date_to, zones=filters.zone),
    }
