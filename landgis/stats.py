"""Headline figures of the ledger (DOMAIN section 7).

- The ledger: cases (宗) and idle area (亩) by category, cause, zone and status, as of a
  date (the end of the period, or now).
- Revitalized (盘活): area (亩) and factory floor area (㎡) by route, zone and month, in
  a period (for example 1 January - 31 August) or in all, and the share of the ledger
  revitalized.

Figures are sums of stored areas in m², converted to 亩 and rounded to 0.01 once, so
both backends report the same digits. Past figures come from the events
(:func:`landgis.ledger.states_as_of`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.db.models import Case, CaseEvent, Parcel, Zone
from landgis.errors import InvalidInput
from landgis.ledger import OUTSIDE_LEDGER, case_states, is_overdue
from landgis.units import m2_to_mu

UNASSIGNED = "unassigned"


def _mu(area_m2: float) -> float:
    return round(m2_to_mu(float(area_m2)), 2)


def _m2(area_m2: float) -> float:
    return round(float(area_m2), 2)


def _zones(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Parcel.id, Zone.name).outerjoin(Zone, Zone.id == Parcel.zone_id)
    ).all()
    return pd.DataFrame.from_records(rows, columns=["parcel_id", "zone"])


def _ledger_groups(ledger: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    grouped = ledger.groupby(ledger[key].fillna(UNASSIGNED), sort=True)
    return {
        str(name): {"cases": len(group), "area_mu": _mu(group["idle_area_m2"].sum())}
        for name, group in grouped
    }


def _revitalized_groups(frame: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    moved = frame[(frame["area_m2"] > 0) | (frame["building_area_m2"] > 0)]
    grouped = moved.groupby(moved[key].fillna(UNASSIGNED), sort=True)
    return {
        str(name): {
            "cases": int(group["case_no"].nunique()),
            "area_mu": _mu(group["area_m2"].sum()),
            "building_area_m2": _m2(group["building_area_m2"].sum()),
        }
        for name, group in grouped
    }


def _revitalization_events(
    session: Session, date_from: dt.date | None, date_to: dt.date | None
) -> pd.DataFrame:
    """Each event's added revitalized area and floor area, with the case's route and zone."""
    stmt = (
        select(Case.case_no, Case.parcel_id, CaseEvent.occurred_on, CaseEvent.changes)
        .join(Case, Case.id == CaseEvent.case_id)
        .order_by(CaseEvent.id)
    )
    if date_from is not None:
        stmt = stmt.where(CaseEvent.occurred_on >= date_from)
    if date_to is not None:
        stmt = stmt.where(CaseEvent.occurred_on <= date_to)
    records = []
    for case_no, parcel_id, occurred_on, changes in session.execute(stmt):
        area = _delta(changes, "revitalized_area_m2")
        building = _delta(changes, "revitalized_building_area_m2")
        if area or building:
            month = occurred_on.strftime("%Y-%m")
            records.append((case_no, parcel_id, month, area, building))
    columns = ["case_no", "parcel_id", "month", "area_m2", "building_area_m2"]
    return pd.DataFrame.from_records(records, columns=columns)


def _delta(changes: dict[str, Any], name: str) -> float:
    before, after = changes.get(name, (None, None))
    return float(after or 0.0) - float(before or 0.0)


def headline_figures(
    session: Session, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, Any]:
    """The headline figures, JSON-ready.

    The ledger is taken as of ``date_to`` (now when not given); revitalized figures count
    what was revitalized from ``date_from`` to ``date_to`` (all of it when neither is given).
    """
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            f"起始日期 {date_from} 晚于截止日期 {date_to}。",
            f"The period starts ({date_from}) after it ends ({date_to}).",
        )
    as_of = date_to or dt.date.today()
    zones = _zones(session)
    states = case_states(session, date_to)
    ledger = states[~states["status"].isin(OUTSIDE_LEDGER)].merge(zones, on="parcel_id")
    events = _revitalization_events(session, date_from, date_to).merge(zones, on="parcel_id")
    routes = dict(zip(ledger["case_no"], ledger["route"], strict=True))
    events["route"] = events["case_no"].map(routes)
    events = events[events["case_no"].isin(ledger["case_no"])]
    ledger_area = ledger["idle_area_m2"].sum()
    revitalized_total = ledger["revitalized_area_m2"].sum()
    return {
        "as_of": as_of.isoformat(),
        "period": {
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
        "cases": len(ledger),
        "ledger_area_mu": _mu(ledger_area),
        "idle_building_area_m2": _m2(ledger["idle_building_area_m2"].sum()),
        "revitalized_area_mu": _mu(events["area_m2"].sum()),
        "revitalized_building_area_m2": _m2(events["building_area_m2"].sum()),
        "revitalized_cases": int(events["case_no"].nunique()),
        "revitalized_total_area_mu": _mu(revitalized_total),
        "revitalized_share": round(revitalized_total / ledger_area, 4) if ledger_area else 0.0,
        "overdue_cases": int(is_overdue(ledger, as_of).sum()),
        "by_category": _ledger_groups(ledger, "category"),
        "by_cause": _ledger_groups(ledger, "cause"),
        "by_zone": _ledger_groups(ledger, "zone"),
        "by_status": _ledger_groups(ledger, "status"),
        "revitalized_by_route": _revitalized_groups(events, "route"),
        "revitalized_by_zone": _revitalized_groups(events, "zone"),
        "revitalized_by_month": _revitalized_groups(events, "month"),
    }
