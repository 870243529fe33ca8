"""The leases' warnings on both backends, beside the statutory ones: a lease ending within
the window, one past its end still let, one due to start and not started; none for a
lease ending later or ended."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from landgis.alerts import ledger_warnings
from landgis.cases import Actor
from landgis.commands import EndLease, SignLease
from landgis.db.models import Building, Parcel
from landgis.ledger_service import LedgerService
from landgis.settings import Settings
from landgis.space.terms import LeaseTerms
from landgis.space.units import UnitSpec, add_units
from landgis.wallclock import frozen_at

DAY = dt.date(2025, 6, 1)


def _lease(service, building: int, unit: str, start: dt.date, end: dt.date, tenant: str):
    terms = LeaseTerms(tenant=tenant, start_date=start, end_date=end)
    return service.handle(SignLease(building_id=building, unit_nos=(unit,), terms=terms))


def test_each_kind_of_lease_warning(session):
    building = session.scalar(
        select(Building.id)
        .join(Parcel, Parcel.id == Building.parcel_id)
        .where(Parcel.parcel_code == "519901004002GB00002", Building.name == "1号厂房")
    )
    add_units(session, building, [UnitSpec(no, 100.0) for no in "ABCDE"])
    service = LedgerService(session, Settings(), Actor("wangfang", "editor"))
    with frozen_at(dt.date(2025, 5, 1)):
        soon = _lease(service, building, "A", dt.date(2024, 1, 1), dt.date(2025, 6, 30), "甲")
        late = _lease(service, building, "B", dt.date(2024, 1, 1), dt.date(2025, 5, 20), "乙")
        ahead = _lease(service, building, "C", dt.date(2025, 5, 25), dt.date(2026, 5, 24), "丙")
        later = _lease(service, building, "D", dt.date(2024, 1, 1), dt.date(2025, 12, 31), "丁")
        gone = _lease(service, building, "E", dt.date(2024, 1, 1), dt.date(2025, 6, 10), "戊")
        service.handle(EndLease(lease_no=gone.lease_no, ended_on=dt.date(2025, 4, 30)))

    found = ledger_warnings(session, DAY, lease_days_ahead=60)
    without = ledger_warnings(session, DAY)

    leases = {w.lease_no: w for w in found if w.lease_no}
    assert {no: (w.code, w.severity, w.due_on) for no, w in leases.items()} == {
        soon.lease_no: ("lease_expiring", "info", dt.date(2025, 6, 30)),
        late.lease_no: ("lease_overdue", "overdue", dt.date(2025, 5, 20)),
        ahead.lease_no: ("lease_not_started", "warning", dt.date(2025, 5, 25)),
    }
    assert leases[soon.lease_no].parcel_code == "519901004002GB00002"
    assert leases[soon.lease_no].message.render() == (
        f"租约 {soon.lease_no}(甲,1号厂房 A)将于 2025-06-30 到期,还剩 29 天。"
    )
    assert "12 days ago" in leases[late.lease_no].message.render("en")
    assert "2025-05-25" in leases[ahead.lease_no].message.render()
    assert later.lease_no not in leases and gone.lease_no not in leases
    assert [w for w in found if not w.lease_no] == without
    # one order for both kinds: severity first
    order = {"overdue": 0, "warning": 1, "info": 2}
    assert [order[w.severity] for w in found] == sorted(order[w.severity] for w in found)
