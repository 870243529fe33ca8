"""The leases' warnings, listed with the statutory ones (:mod:`landgis.alerts`): a lease
that ends within the warning window, one past its end still recorded as let, and one
signed whose start date has come but that has not been started."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from landgis.clock import ClockWarning, Days
from landgis.db.models import Building, BuildingUnit, Case, Lease, Parcel
from landgis.i18n import Text, _

RULES: dict[str, Text] = {
    "lease_expiring": _("租约即将到期"),
    "lease_overdue": _("租约已过期仍登记为租赁中"),
    "lease_not_started": _("租约起租日已到,尚未起租"),
}
SEVERITIES = {"lease_expiring": "info", "lease_overdue": "overdue", "lease_not_started": "warning"}


def _code(lease: Lease, as_of: dt.date) -> str:
    if lease.status == "signed":
        return "lease_not_started"
    return "lease_overdue" if lease.end_date < as_of else "lease_expiring"


def _message(code: str, lease: Lease, as_of: dt.date) -> Text:
    units = "、".join(unit.unit_no for unit in lease.units)
    building = lease.units[0].building.name if lease.units else ""
    common = {
        "lease_no": lease.lease_no,
        "tenant": lease.tenant,
        "building": building,
        "units": units,
    }
    if code == "lease_not_started":
        return _(
            "租约 {lease_no}({tenant},{building} {units})起租日 {start} 已到,尚未登记起租。",
            start=lease.start_date,
            **common,
        )
    if code == "lease_overdue":
        return _(
            "租约 {lease_no}({tenant},{building} {units})已于 {end} 到期,已超过 {days},"
            "仍登记为租赁中:请办理续签或结束租约。",
            end=lease.end_date,
            days=Days((as_of - lease.end_date).days),
            **common,
        )
    left = (lease.end_date - as_of).days
    return _(
        "租约 {lease_no}({tenant},{building} {units})将于 {end} 到期,还剩 {days}。",
        end=lease.end_date,
        days=Days(left),
        **common,
    )


def lease_warnings(session: Session, as_of: dt.date, days_ahead: int) -> list[ClockWarning]:
    """The leases to act on as of ``as_of``: let and ending within ``days_ahead`` days (or
    already past their end), or signed and due to start."""
    stmt = (
        select(Lease)
        .where(
            or_(
                and_(
                    Lease.status == "active",
                    Lease.end_date <= as_of + dt.timedelta(days=days_ahead),
                ),
                and_(Lease.status == "signed", Lease.start_date <= as_of),
            )
        )
        .options(selectinload(Lease.units).selectinload(BuildingUnit.building))
        .order_by(Lease.end_date, Lease.lease_no)
    )
    leases = list(session.scalars(stmt))
    parcel_codes = _parcel_codes(session, leases)
    case_nos = _case_nos(session, leases)
    found = []
    for lease in leases:
        code = _code(lease, as_of)
        found.append(
            ClockWarning(
                code=code,
                severity=SEVERITIES[code],
                parcel_code=parcel_codes.get(lease.id, ""),
                case_no=case_nos.get(lease.case_id) if lease.case_id else None,
                rule=RULES[code],
                article=_("租约 {lease_no}", lease_no=lease.lease_no),
                due_on=lease.start_date if code == "lease_not_started" else lease.end_date,
                message=_message(code, lease, as_of),
                lease_no=lease.lease_no,
            )
        )
    return found


def _parcel_codes(session: Session, leases: list[Lease]) -> dict[int, str]:
    """The parcel code of each lease's building."""
    buildings = {lease.units[0].building_id for lease in leases if lease.units}
    if not buildings:
        return {}
    stmt = (
        select(Building.id, Parcel.parcel_code)
        .join(Parcel, Parcel.id == Building.parcel_id)
        .where(Building.id.in_(buildings))
    )
    codes = {row[0]: row[1] for row in session.execute(stmt)}
    return {lease.id: codes[lease.units[0].building_id] for lease in leases if lease.units}


def _case_nos(session: Session, leases: list[Lease]) -> dict[int, str]:
    ids = {lease.case_id for lease in leases if lease.case_id is not None}
    if not ids:
        return {}
    stmt = select(Case.id, Case.case_no).where(Case.id.in_(ids))
    return {row[0]: row[1] for row in session.execute(stmt)}
