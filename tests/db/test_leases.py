"""Leases of building units on both backends: a lease of a ledger case's idle factory
space revitalizes it on the lease's start date, an ended lease frees its units, and one
unit never has two leases at once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from landgis.cases import Actor, case_history, get_case
from landgis.commands import EndLease, SignLease, StartLease
from landgis.db.models import Building, BuildingUnit, Case, CaseEvent, Lease, Parcel
from landgis.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from landgis.ledger_service import LedgerService
from landgis.settings import Settings
from landgis.space.leases import expiring_leases
from landgis.space.terms import LeaseTerms
from landgis.space.units import UnitSpec, add_units
from landgis.stats import headline_figures
from landgis.wallclock import frozen_at

DISPOSING = "QX-XZ-2023-013"  # 处置中 (兼并重组), three idle factory buildings
PLANNED = "QX-XZ-2023-006"  # 方案已批复 (租赁转产), two idle factory buildings


def _service(session, role: str = "editor") -> LedgerService:
    return LedgerService(session, Settings(), Actor("wangfang", role))


def _idle_building(session, case_no: str, name: str) -> Building:
    parcel_id = session.scalar(select(Case.parcel_id).where(Case.case_no == case_no))
    return session.scalars(
        select(Building).where(Building.parcel_id == parcel_id, Building.name == name)
    ).one()


def _with_units(session, building: Building, *areas: float) -> list[BuildingUnit]:
    specs = [UnitSpec(f"1F-{chr(65 + i)}", area, floor=1) for i, area in enumerate(areas)]
    return add_units(session, building.id, specs)


def _terms(start: dt.date, end: dt.date, tenant: str = "青溪县鑫源食品有限公司") -> LeaseTerms:
    return LeaseTerms(
        tenant=tenant,
        start_date=start,
        end_date=end,
        rent_yuan_m2_month=8.5,
        project="速冻食品生产线",
    )


def test_a_lease_of_idle_factory_space_revitalizes_it_on_its_start_date(session):
    building = _idle_building(session, DISPOSING, "3号厂房")
    units = _with_units(session, building, 1200.0, 800.0)
    before = get_case(session, DISPOSING)
    revitalized_before = before.revitalized_building_area_m2
    start = dt.date(2024, 3, 1)

    lease = _service(session).handle(
        SignLease(
            building_id=building.id,
            unit_nos=("1F-A", "1F-B"),
            terms=_terms(start, dt.date(2027, 2, 28)),
        )
    )

    assert (lease.lease_no, lease.status, lease.area_m2) == ("ZL-2024-001", "active", 2000.0)
    assert {unit.state for unit in units} == {"leased"}
    case = get_case(session, DISPOSING)
    assert case.revitalized_building_area_m2 == pytest.approx(revitalized_before + 2000.0)
    assert (case.new_holder, case.new_project, case.revitalized_on) == (
        "青溪县鑫源食品有限公司",
        "速冻食品生产线",
        start,
    )
    assert lease.case_id == case.id
    event = case_history(session, DISPOSING)[-1]
    assert (event.action, event.occurred_on, event.actor) == ("revitalize", start, "wangfang")
    assert "租约 ZL-2024-001" in event.note and "2000.00 ㎡" in event.note
    # the building's units are all let: it is no longer idle
    assert building.state == "revitalized"

    march = headline_figures(session, date_from=start, date_to=dt.date(2024, 3, 31))
    assert march["revitalized_building_area_m2"] == pytest.approx(2000.0)
    february = headline_figures(
        session, date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 2, 29)
    )
    assert february["revitalized_building_area_m2"] == 0


def test_only_the_idle_floor_area_left_counts(session):
    case = get_case(session, DISPOSING)
    building = _idle_building(session, DISPOSING, "1号厂房")
    left = case.idle_building_area_m2 - case.revitalized_building_area_m2
    _with_units(session, building, min(building.floor_area_m2, left + 500.0))
    case.idle_building_area_m2 = case.revitalized_building_area_m2 + 300.0
    session.flush()

    lease = _service(session).handle(
        SignLease(
            building_id=building.id,
            unit_nos=("1F-A",),
            terms=_terms(dt.date(2024, 5, 1), dt.date(2025, 4, 30)),
        )
    )

    case = get_case(session, DISPOSING)
    assert case.revitalized_building_area_m2 == pytest.approx(case.idle_building_area_m2)
    assert lease.area_m2 > 300.0


def test_an_ended_lease_frees_its_units_and_keeps_what_it_revitalized(session):
    building = _idle_building(session, DISPOSING, "2号厂房")
    (unit,) = _with_units(session, building, 900.0)
    service = _service(session)
    service.handle(
        SignLease(
            building_id=building.id,
            unit_nos=("1F-A",),
            terms=_terms(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
        )
    )
    revitalized = get_case(session, DISPOSING).revitalized_building_area_m2

    lease = service.handle(
        EndLease(lease_no="ZL-2024-001", ended_on=dt.date(2025, 6, 30), reason="承租人提前退租")
    )

    assert (lease.status, lease.ended_on) == ("ended", dt.date(2025, 6, 30))
    assert "承租人提前退租" in lease.remarks
    assert unit.state == "vacant"
    assert get_case(session, DISPOSING).revitalized_building_area_m2 == revitalized
    # the unit can be let again from the next day, not before
    with pytest.raises(Conflict, match="2024-01-01 至 2025-06-30"):
        service.handle(
            SignLease(
                building_id=building.id,
                unit_nos=("1F-A",),
                terms=_terms(dt.date(2025, 6, 30), dt.date(2026, 6, 30), "另一家公司"),
            )
        )
    again = service.handle(
        SignLease(
            building_id=building.id,
            unit_nos=("1F-A",),
            terms=_terms(dt.date(2025, 7, 1), dt.date(2026, 6, 30), "另一家公司"),
        )
    )
    assert again.status == "active" and unit.state == "leased"
    with pytest.raises(Conflict, match="已于 2025-06-30 结束"):
        service.handle(EndLease(lease_no="ZL-2024-001"))


def test_overlapping_leases_on_one_unit_are_refused_with_a_clear_message(session):
    building = _idle_building(session, DISPOSING, "3号厂房")
    _with_units(session, building, 600.0, 400.0)
    service = _service(session)
    service.handle(
        SignLease(
            building_id=building.id,
            unit_nos=("1F-A",),
            terms=_terms(dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
        )
    )
    leases_before = session.scalar(select(func.count()).select_from(Lease))
    events_before = session.scalar(select(func.count()).select_from(CaseEvent))

    with pytest.raises(Conflict) as refused:
        service.handle(
            SignLease(
                building_id=building.id,
                unit_nos=("1F-B", "1F-A"),
                terms=_terms(
                    dt.date(2025, 12, 31), dt.date(2026, 12, 31), "青溪县晨光鞋业有限公司"
                ),
            )
        )

    message = str(refused.value)
    assert "单元 3号厂房 1F-A" in message
    assert "2024-01-01 至 2025-12-31" in message
    assert "青溪县鑫源食品有限公司" in message and "ZL-2024-001" in message
    assert session.scalar(select(func.count()).select_from(Lease)) == leases_before
    assert session.scalar(select(func.count()).select_from(CaseEvent)) == events_before
    unit_b = session.scalars(
        select(BuildingUnit).where(
            BuildingUnit.building_id == building.id, BuildingUnit.unit_no == "1F-B"
        )
    ).one()
    assert unit_b.state == "vacant"


def test_a_case_not_yet_disposed_of_cannot_have_its_factory_space_let(session):
    building = _idle_building(session, PLANNED, "1号厂房")
    _with_units(session, building, 1000.0)
    leases_before = session.scalar(select(func.count()).select_from(Lease))

    with pytest.raises(InvalidInput, match=r"QX-XZ-2023-006 .*方案已批复.*处置中"):
        _service(session).handle(
            SignLease(
                building_id=building.id,
                unit_nos=("1F-A",),
                terms=_terms(dt.date(2024, 2, 1), dt.date(2025, 1, 31)),
            )
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Lease)) == leases_before


def test_a_lease_signed_ahead_counts_when_it_starts(session):
    building = _idle_building(session, DISPOSING, "3号厂房")
    (unit,) = _with_units(session, building, 700.0)
    service = _service(session)
    with frozen_at(dt.date(2024, 8, 20)):
        lease = service.handle(
            SignLease(
                building_id=building.id,
                unit_nos=("1F-A",),
                terms=_terms(dt.date(2024, 9, 1), dt.date(2025, 8, 31)),
            )
        )
        assert (lease.status, unit.state, lease.case_id) == ("signed", "vacant", None)
        with pytest.raises(InvalidInput, match="2024-09-01,尚未到期"):
            service.handle(StartLease(lease_no=lease.lease_no))
    revitalized = get_case(session, DISPOSING).revitalized_building_area_m2

    with frozen_at(dt.date(2024, 9, 3)):
        started = service.handle(StartLease(lease_no=lease.lease_no))

    assert (started.status, unit.state) == ("active", "leased")
    case = get_case(session, DISPOSING)
    assert case.revitalized_building_area_m2 == pytest.approx(revitalized + 700.0)
    assert case_history(session, DISPOSING)[-1].occurred_on == dt.date(2024, 9, 1)


def test_leases_of_space_outside_the_ledger_revitalize_nothing(session):
    in_use = session.scalars(
        select(Building)
        .join(Parcel, Parcel.id == Building.parcel_id)
        .where(Building.state == "in_use", ~Parcel.cases.any())
        .order_by(Building.id)
    ).first()
    _with_units(session, in_use, min(500.0, in_use.floor_area_m2))
    events_before = session.scalar(select(func.count()).select_from(CaseEvent))

    lease = _service(session).handle(
        SignLease(
            building_id=in_use.id,
            unit_nos=("1F-A",),
            terms=_terms(dt.date(2025, 1, 1), dt.date(2027, 3, 31)),
        )
    )

    assert lease.status == "active" and lease.case_id is None
    assert session.scalar(select(func.count()).select_from(CaseEvent)) == events_before
    # the demo's two leases still let past their end come first
    demo = ["ZL-2023-009", "ZL-2023-008"]
    with frozen_at(dt.date(2027, 2, 1)):
        assert [x.lease_no for x in expiring_leases(session, dt.date(2027, 2, 1), 60)] == [
            *demo,
            lease.lease_no,
        ]
        assert [x.lease_no for x in expiring_leases(session, dt.date(2027, 2, 1), 30)] == demo


def test_what_a_lease_refuses(session):
    building = _idle_building(session, DISPOSING, "3号厂房")
    _with_units(session, building, 500.0)
    session.execute(
        BuildingUnit.__table__.insert().values(
            building_id=building.id,
            unit_no="2F",
            floor=2,
            floor_area_m2=300.0,
            state="owner_occupied",
        )
    )
    service = _service(session)
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)

    def sign(units, terms=None, service=service):
        return service.handle(
            SignLease(building_id=building.id, unit_nos=units, terms=terms or _terms(start, end))
        )

    with pytest.raises(InvalidInput, match="“自用”,不能出租"):
        sign(("2F",))
    with pytest.raises(NotFound, match="没有单元 9F"):
        sign(("9F",))
    with pytest.raises(InvalidInput, match="早于起租日"):
        sign(("1F-A",), _terms(end, start))
    with pytest.raises(InvalidInput, match="出现了两次"):
        sign(("1F-A", "1F-A"))
    with pytest.raises(InvalidInput, match="校验位"):
        sign(
            ("1F-A",),
            LeaseTerms(
                tenant="某公司",
                start_date=start,
                end_date=end,
                tenant_credit_code="91510000MA00000000",
            ),
        )
    with pytest.raises(PermissionDenied):
        sign(("1F-A",), service=_service(session, "viewer"))
    with pytest.raises(InvalidInput, match="超过其建筑面积"):
        add_units(session, building.id, [UnitSpec("3F", building.floor_area_m2)])
