"""The demo county's factory space and projects, loaded on each backend through the
ledger's use cases as the register stood on its day (30 November 2026), and as it stood
on an earlier day; the ledger's headline figures are those of the source report still."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from data.geo.demo.space_specs import SPACE_AS_OF
from landgis.db.migrate import upgrade
from landgis.db.models import (
    Building,
    BuildingUnit,
    CaseEvent,
    Lease,
    Parcel,
    Project,
    ProjectMatch,
)
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.demo_space import REGISTER_DAY
from landgis.settings import DEMO_DATA
from landgis.space.alerts import lease_warnings
from landgis.stats import headline_figures
from landgis.wallclock import frozen_at

SPACE_DAY = dt.date(2026, 11, 30)
PLATFORM = "青溪县产业投资发展有限公司"


@pytest.fixture(scope="module")
def space_site(databases):
    with frozen_at(SPACE_DAY):
        return databases.demo()


@pytest.fixture
def db(space_site):
    with frozen_at(SPACE_DAY), transaction(space_site.engine) as session:
        yield session


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_platform_company_owns_seven_standard_buildings_in_two_parks(db):
    rows = db.execute(
        select(Parcel.parcel_code, Parcel.holder, Building.name, Building.floors, Building.owner)
        .join(Parcel)
        .where(Building.kind == "standard")
        .order_by(Building.id)
    ).all()

    assert [(code, name, floors) for code, _, name, floors, _ in rows] == [
        ("519901001003GB00027", "1号楼", 4),
        ("519901001003GB00027", "2号楼", 4),
        ("519901001003GB00027", "3号楼", 3),
        ("519901007001GB00017", "A1栋", 3),
        ("519901007001GB00017", "A2栋", 3),
        ("519901007001GB00017", "A3栋", 4),
        ("519901007001GB00017", "A4栋", 5),
    ]
    assert {(holder, owner) for _, holder, _, _, owner in rows} == {(PLATFORM, PLATFORM)}
    # the enterprises' buildings came first: their ids are those they had before
    assert db.scalar(select(func.min(Building.id)).where(Building.kind == "standard")) == 172


def test_units_by_state_and_floor_area(db):
    rows = db.execute(
        select(BuildingUnit.state, func.count(), func.sum(BuildingUnit.floor_area_m2)).group_by(
            BuildingUnit.state
        )
    ).all()

    assert {state: (n, area) for state, n, area in rows} == {
        "vacant": (29, 38958.0),
        "leased": (15, 19088.0),  # 12 in the parks, the case's three buildings
        "owner_occupied": (1, 1488.0),  # A1栋 1F-A, the park's service centre
        "under_construction": (10, 13950.0),  # A4栋
    }
    ground = db.scalars(
        select(BuildingUnit)
        .join(Building)
        .where(Building.name == "1号楼", BuildingUnit.unit_no == "1F-A")
    ).one()
    assert (ground.clear_height_m, ground.floor_load_kn_m2) == (10.0, 30.0)


def test_leases_by_status_and_the_warnings_they_raise(db):
    statuses = Counter(db.scalars(select(Lease.status)))
    assert statuses == {"active": 11, "ended": 4, "signed": 1}
    assert sorted(db.scalars(select(Lease.lease_no)))[-3:] == [
        "ZL-2026-001",
        "ZL-2026-002",
        "ZL-2027-001",
    ]
    ended_early = db.scalars(select(Lease).where(Lease.lease_no == "ZL-2023-010")).one()
    assert (ended_early.ended_on, ended_early.remarks) == (dt.date(2025, 4, 30), "承租人提前退租")

    warnings = lease_warnings(db, SPACE_DAY, 60)

    assert [(w.lease_no, w.code, w.due_on) for w in warnings] == [
        ("ZL-2023-009", "lease_overdue", dt.date(2026, 10, 31)),
        ("ZL-2023-008", "lease_expiring", dt.date(2026, 12, 31)),
    ]
    assert "还剩 31 天" in warnings[1].message.render()
    # the lease signed ahead warns once its start has come and it is not started
    later = lease_warnings(db, dt.date(2027, 1, 2), 60)
    assert ("ZL-2027-001", "lease_not_started") in {(w.lease_no, w.code) for w in later}


def test_the_case_lease_records_its_conversion_without_changing_the_ledger(db):
    leases = db.scalars(select(Lease).where(Lease.tenant == "四川启辰智能装备有限公司")).all()

    assert [lease.lease_no for lease in leases] == ["ZL-2023-001", "ZL-2023-002", "ZL-2023-003"]
    assert {(lease.start_date, lease.end_date, lease.case_id) for lease in leases} == {
        (dt.date(2023, 5, 8), dt.date(2033, 5, 7), None)
    }
    figures = headline_figures(db)
    assert figures["cases"] == 13
    assert figures["ledger_area_mu"] == pytest.approx(539.0, abs=0.005)
    assert figures["revitalized_area_mu"] == pytest.approx(120.0, abs=0.005)
    assert figures["revitalized_building_area_m2"] == pytest.approx(16366.68, abs=0.005)
    assert _count(db, CaseEvent) == 64
    assert db.scalar(select(func.max(CaseEvent.occurred_on))) <= dt.date(2023, 8, 31)


def test_projects_by_stage_and_their_matches(db):
    stages = dict(db.execute(select(Project.stage, func.count()).group_by(Project.stage)).all())
    assert stages == {"negotiating": 2, "signed": 2, "landed": 1, "producing": 1}

    matches = db.execute(
        select(Project.project_no, ProjectMatch.kind, Lease.lease_no, Project.signed_on)
        .join(ProjectMatch, ProjectMatch.project_id == Project.id)
        .join(Lease, Lease.id == ProjectMatch.lease_id)
        .order_by(Project.project_no)
    ).all()
    assert [tuple(row) for row in matches] == [
        ("ZS-2025-001", "lease", "ZL-2025-002", dt.date(2025, 3, 20)),
        ("ZS-2026-002", "lease", "ZL-2027-001", dt.date(2026, 10, 20)),
    ]
    producing = db.scalars(select(Project).where(Project.project_no == "ZS-2025-001")).one()
    assert (producing.landed_on, producing.producing_on) == (
        dt.date(2025, 5, 6),
        dt.date(2025, 10, 18),
    )
    assert producing.preferred_zones == ["白鹤工业区"]
    assert producing.staff is None  # the demo has no users: nobody to follow it


def test_loading_again_changes_nothing(db):
    counts = [_count(db, model) for model in (BuildingUnit, Lease, Project, ProjectMatch)]

    report = load_demo(db, DEMO_DATA)

    assert not report.loaded
    assert (report.units, report.leases, report.projects, report.matches) == (0, 0, 0, 0)
    assert [_count(db, m) for m in (BuildingUnit, Lease, Project, ProjectMatch)] == counts


def test_loaded_earlier_the_space_stands_as_it_stood_that_day(databases):
    engine = databases.engine()
    upgrade(engine)
    with frozen_at(dt.date(2025, 6, 30)), transaction(engine) as session:
        report = load_demo(session, DEMO_DATA)
        stages = dict(session.execute(select(Project.project_no, Project.stage)).all())
        statuses = Counter(session.scalars(select(Lease.status)))

    assert (report.units, report.leases, report.projects, report.matches) == (55, 12, 2, 1)
    assert stages == {"ZS-2025-001": "landed", "ZS-2025-002": "negotiating"}
    assert statuses == {"active": 11, "ended": 1}


def test_loaded_later_the_space_stands_as_on_the_register_day(databases):
    """Past the register's day (a lease's end, another's start), the loader does not move
    the space on: the leases and units are as the register tells, as on its day."""
    assert dt.date.fromisoformat(SPACE_AS_OF) == REGISTER_DAY == SPACE_DAY
    engine = databases.engine()
    upgrade(engine)
    with frozen_at(dt.date(2027, 4, 2)), transaction(engine) as session:
        report = load_demo(session, DEMO_DATA)
        statuses = dict(session.execute(select(Lease.lease_no, Lease.status)).all())
        units = Counter(session.scalars(select(BuildingUnit.state)))
        stages = Counter(session.scalars(select(Project.stage)))
        recorded = set(session.scalars(select(Lease.recorded_at)))

    assert (report.units, report.leases, report.projects, report.matches) == (55, 16, 6, 2)
    assert Counter(statuses.values()) == {"active": 11, "ended": 4, "signed": 1}
    # ZL-2023-008 ends on 31 December 2026, ZL-2027-001 starts on 1 January 2027
    assert (statuses["ZL-2023-008"], statuses["ZL-2027-001"]) == ("active", "signed")
    assert units == {"vacant": 29, "leased": 15, "owner_occupied": 1, "under_construction": 10}
    assert stages == {"negotiating": 2, "signed": 2, "landed": 1, "producing": 1}
    assert {stamp.date() for stamp in recorded} == {REGISTER_DAY}
