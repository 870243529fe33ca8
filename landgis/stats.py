"""Headline figures of the ledger (DOMAIN section 7).

- The ledger: cases (宗) and idle area (亩) by category, cause, zone and status, as of a
  date (the end of the period, or now).
- Revitalized (盘活): area (亩) and factory floor area (㎡) by route, zone and month, in
  a period (for example 1 January - 31 August) or in all, and the share of the ledger
  revitalized.

Figures are sums of stored areas in m², converted to 亩 and rounded to 0.01 once, so
both backends report the same digits. Today's ledger is summed by the database (one
``GROUP BY`` over the cases, so a province's figures cost what the query costs); past
figures come from the events (:func:`landgis.ledger.states_as_of`), summed the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from landgis.db.models import Case, CaseEvent, Parcel, Zone
from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.ledger import OUTSIDE_LEDGER, states_as_of
from landgis.ledger_rules.totals import (
    TOTALS,
    LedgerTotals,
    in_ledger_sql,
    total_parts,
    totals_columns,
)
from landgis.units import m2_to_mu
from landgis.wallclock import today

UNASSIGNED = "unassigned"


def _mu(area_m2: float) -> float:
    return round(m2_to_mu(float(area_m2)), 2)


def _m2(area_m2: float) -> float:
    return round(float(area_m2), 2)


GROUP_KEYS = ["category", "cause", "zone", "status"]


def _ledger_now(session: Session, as_of: dt.date) -> pd.DataFrame:
    """The ledger now, its totals (:mod:`landgis.ledger_rules.totals`) summed in the database
    by category, cause, zone and status: a few hundred rows however many cases there are."""
    stmt = (
        select(
            Case.category,
            Case.cause,
            Zone.name.label("zone"),
            Case.status,
            *totals_columns(as_of),
        )
        .join(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .where(in_ledger_sql(Case.status))
        .group_by(Case.category, Case.cause, Zone.name, Case.status)
    )
    rows = session.execute(stmt).all()
    return pd.DataFrame.from_records(rows, columns=[*GROUP_KEYS, *TOTALS])


def _ledger_as_of(session: Session, ledger: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The ledger's cases as they stood on ``as_of`` (rebuilt from events), summed as
    :func:`_ledger_now` sums them."""
    zones = pd.DataFrame.from_records(
        session.execute(
            select(Parcel.id, Zone.name)
            .outerjoin(Zone, Zone.id == Parcel.zone_id)
            .where(Parcel.id.in_(select(Case.parcel_id)))
        ).all(),
        columns=["parcel_id", "zone"],
    )
    ledger = ledger.merge(zones, on="parcel_id")
    parts = pd.concat([ledger[GROUP_KEYS], total_parts(ledger, as_of)], axis=1)
    return parts.groupby(GROUP_KEYS, dropna=False, sort=False)[list(TOTALS)].sum().reset_index()


def _ledger_groups(ledger: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    sums = ledger.groupby(ledger[key].fillna(UNASSIGNED), sort=True)[
        ["cases", "idle_area_m2"]
    ].sum()
    return {
        str(name): {"cases": int(row.cases), "area_mu": _mu(row.idle_area_m2)}
        for name, row in sums.iterrows()
    }


def _revitalized_groups(frame: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    moved = frame[(frame["area_m2"] > 0) | (frame["building_area_m2"] > 0)]
    sums = moved.groupby(moved[key].fillna(UNASSIGNED), sort=True).agg(
        cases=("case_no", "nunique"),
        area_m2=("area_m2", "sum"),
        building_area_m2=("building_area_m2", "sum"),
    )
    return {
        str(name): {
            "cases": int(row.cases),
            "area_mu": _mu(row.area_m2),
            "building_area_m2": _m2(row.building_area_m2),
        }
        for name, row in sums.iterrows()
    }


def _added(name: str) -> Any:
    """What an event added to the case field ``name`` (its changes hold [before, after])."""
    before = CaseEvent.changes[(name, 0)].as_float()
    after = CaseEvent.changes[(name, 1)].as_float()
    return func.coalesce(after, 0.0) - func.coalesce(before, 0.0)


def _revitalization_events(
    session: Session, date_from: dt.date | None, date_to: dt.date | None
) -> pd.DataFrame:
    """The events that revitalized land or floor area, with what each added, the month, the
    case's zone, and its route and status now; the deltas are computed and the other events
    left out in the database."""
    area = _added("revitalized_area_m2")
    building = _added("revitalized_building_area_m2")
    stmt = (
        select(
            Case.case_no,
            CaseEvent.occurred_on,
            area.label("area_m2"),
            building.label("building_area_m2"),
            Zone.name.label("zone"),
            Case.route.label("route_now"),
            Case.status.label("status_now"),
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .join(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .where(or_(area != 0, building != 0))
        .order_by(CaseEvent.id)
    )
    if date_from is not None:
        stmt = stmt.where(CaseEvent.occurred_on >= date_from)
    if date_to is not None:
        stmt = stmt.where(CaseEvent.occurred_on <= date_to)
    columns = [
        "case_no",
        "occurred_on",
        "area_m2",
        "building_area_m2",
        "zone",
        "route_now",
        "status_now",
    ]
    events = pd.DataFrame.from_records(session.execute(stmt).all(), columns=columns)
    events["month"] = [day.strftime("%Y-%m") for day in events["occurred_on"]]
    return events


def headline_figures(
    session: Session, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, Any]:
    """The headline figures, JSON-ready.

    The ledger is taken as of ``date_to`` (now when not given: summed in the database);
    revitalized figures count what was revitalized from ``date_from`` to ``date_to`` (all of
    it when neither is given).
    """
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            _(
                "起始日期 {date_from} 晚于截止日期 {date_to}。",
                date_from=date_from,
                date_to=date_to,
            ),
        )
    as_of = date_to or today()
    events = _revitalization_events(session, date_from, date_to)
    if date_to is None:
        ledger = _ledger_now(session, as_of)
        now = events[~events["status_now"].isin(OUTSIDE_LEDGER)]
        routes = dict(zip(now["case_no"], now["route_now"], strict=True))
    else:
        states = states_as_of(session, date_to)
        in_ledger = states[~states["status"].isin(OUTSIDE_LEDGER)]
        ledger = _ledger_as_of(session, in_ledger, date_to)
        routes = dict(zip(in_ledger["case_no"], in_ledger["route"], strict=True))
    events = events[events["case_no"].isin(list(routes))].assign(
        route=lambda frame: frame["case_no"].map(routes)
    )
    totals = LedgerTotals.of(ledger[list(TOTALS)].sum())
    ledger_area = totals.idle_area_m2
    revitalized_total = totals.revitalized_area_m2
    return {
        "as_of": as_of.isoformat(),
        "period": {
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
        "cases": totals.cases,
        "ledger_area_mu": _mu(ledger_area),
        "idle_building_area_m2": _m2(totals.idle_building_area_m2),
        "revitalized_area_mu": _mu(events["area_m2"].sum()),
        "revitalized_building_area_m2": _m2(events["building_area_m2"].sum()),
        "revitalized_cases": int(events["case_no"].nunique()),
        "revitalized_total_area_mu": _mu(revitalized_total),
        "revitalized_share": round(revitalized_total / ledger_area, 4) if ledger_area else 0.0,
        "overdue_cases": totals.overdue_cases,
        "by_category": _ledger_groups(ledger, "category"),
        "by_cause": _ledger_groups(ledger, "cause"),
        "by_zone": _ledger_groups(ledger, "zone"),
        "by_status": _ledger_groups(ledger, "status"),
        "revitalized_by_route": _revitalized_groups(events, "route"),
        "revitalized_by_zone": _revitalized_groups(events, "zone"),
        "revitalized_by_month": _revitalized_groups(events, "month"),
    }
