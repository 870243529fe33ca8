"""Statutory warnings of the ledger on a date: facts gathered from the database, judged
by :mod:`landgis.clock`; with them, when asked, the leases' warnings
(:mod:`landgis.space.alerts`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.clock import ClockFacts, ClockRules, ClockWarning, clock_warnings, warning_order
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.ledger import case_states
from landgis.ledger_rules.current_case import current_rows
from landgis.wallclock import today


def _status_dates(session: Session, as_of: dt.date) -> dict[str, dict[str, dt.date]]:
    """For each case: when it was opened, and when it last entered each status."""
    stmt = (
        select(Case.case_no, CaseEvent.occurred_on, CaseEvent.action, CaseEvent.status_after)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.occurred_on <= as_of)
        .order_by(CaseEvent.id)
    )
    dates: dict[str, dict[str, dt.date]] = {}
    for case_no, day, action, status in session.execute(stmt):
        known = dates.setdefault(case_no, {})
        if action == "open":
            known["opened"] = day
        if status is not None:
            known[status] = day
    return dates


def clock_facts(session: Session, as_of: dt.date) -> list[ClockFacts]:
    """One fact sheet per parcel, with its current case as it stood on ``as_of``."""
    states = case_states(session, None if as_of >= today() else as_of)
    current = current_rows(session, states).to_dict("records")
    cases: dict[int, dict[str, Any]] = {row["parcel_id"]: row for row in current}
    dates = _status_dates(session, as_of)
    parcels = session.execute(
        select(
            Parcel.id,
            Parcel.parcel_code,
            Parcel.holder,
            Parcel.agreed_start_date,
            Parcel.actual_start_date,
            Parcel.land_price_yuan,
        ).order_by(Parcel.parcel_code)
    ).all()
    facts = []
    for parcel_id, code, holder, agreed, actual, price in parcels:
        case = cases.get(parcel_id, {})
        case_no = case.get("case_no")
        known = dates.get(case_no, {}) if case_no else {}
        facts.append(
            ClockFacts(
                parcel_code=code,
                holder=holder,
                agreed_start_date=agreed,
                actual_start_date=actual,
                land_price_yuan=price,
                case_no=case_no,
                status=case.get("status"),
                cause=case.get("cause"),
                route=case.get("route"),
                opened_on=known.get("opened"),
                investigating_on=known.get("investigating"),
                planned_on=known.get("planned"),
                deadline=case.get("deadline"),
            )
        )
    return facts


def ledger_warnings(
    session: Session,
    as_of: dt.date | None = None,
    rules: ClockRules | None = None,
    lease_days_ahead: int | None = None,
) -> list[ClockWarning]:
    """Every statutory warning on ``as_of`` (today by default); with ``lease_days_ahead``
    (the setting ``lease_warn_days_ahead``) also the leases' warnings, in one order."""
    from landgis.space.alerts import lease_warnings

    day = as_of or today()
    found = clock_warnings(clock_facts(session, day), day, rules or ClockRules())
    if lease_days_ahead is None:
        return found
    return sorted(found + lease_warnings(session, day, lease_days_ahead), key=warning_order)
