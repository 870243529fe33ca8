"""Factory space the occupancy tests let, through the ledger's use cases: two buildings'
units and their leases, with the figures they make worked out by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from landgis.cases import Actor
from landgis.commands import EndLease, SignLease
from landgis.db.models import Building, Parcel, Zone
from landgis.ledger_service import LedgerService
from landgis.settings import Settings
from landgis.space.leases import get_lease
from landgis.space.terms import LeaseTerms
from landgis.space.units import UnitSpec, add_units

TODAY = dt.date(2024, 6, 20)
PERIOD = (dt.date(2024, 1, 1), dt.date(2024, 8, 31))
ZONE = "QX-KFQ-CC"  # 产城新区
ZONE_NAME = "产城新区"
USES = ("vacant_m2", "leased_m2", "owner_occupied_m2", "under_construction_m2")
# What let_space adds, as of TODAY: to the county, to 产城新区, to the zoneless parcel.
ADDED_ZONED = {
    "vacant_m2": 450.0,
    "leased_m2": 200.0,
    "owner_occupied_m2": 100.0,
    "under_construction_m2": 50.0,
}
ADDED_ZONELESS = {
    "vacant_m2": 120.0,
    "leased_m2": 250.0,
    "owner_occupied_m2": 0.0,
    "under_construction_m2": 0.0,
}


@dataclass(frozen=True)
class Space:
    """The two buildings the tests let: ``zoned`` in 产城新区, ``zoneless`` on a parcel in
    no zone."""

    zoned: Building
    zoneless: Building


def free_building(session, zone_code: str) -> Building:
    """An enterprise building in use, on a parcel with no case, with no units yet."""
    return session.scalars(
        select(Building)
        .join(Parcel, Parcel.id == Building.parcel_id)
        .join(Zone, Zone.id == Parcel.zone_id)
        .where(
            Zone.code == zone_code,
            Building.state == "in_use",
            Building.floor_area_m2 >= 1000,
            ~Parcel.cases.any(),
            ~Building.units.any(),
        )
        .order_by(Building.id)
    ).first()


def service(session) -> LedgerService:
    return LedgerService(session, Settings(), Actor("wangfang", "editor"))


def sign(session, building: Building, unit: str, start: dt.date, end: dt.date, tenant: str):
    terms = LeaseTerms(tenant=tenant, start_date=start, end_date=end, rent_yuan_m2_month=9.0)
    return service(session).handle(
        SignLease(building_id=building.id, unit_nos=(unit,), terms=terms)
    )


def let_space(session) -> Space:
    """产城新区's building: 1F 300 ㎡ let 2024-01-01 to 2025-12-31 but ended early on
    2024-03-15; 2F 200 ㎡ let from 2024-02-10; 3F 150 ㎡ signed for 2024-09-01, not yet
    started; 4F 100 ㎡ owner-occupied; 5F 50 ㎡ under construction. The zoneless one:
    1F 250 ㎡ let 2023-06-01 to 2025-05-31; 2F 120 ㎡ vacant."""
    zoned = free_building(session, ZONE)
    zoneless = free_building(session, "QX-KFQ-BH")
    zoneless.parcel.zone_id = None
    add_units(
        session,
        zoned.id,
        [
            UnitSpec("1F", 300.0, floor=1),
            UnitSpec("2F", 200.0, floor=2),
            UnitSpec("3F", 150.0, floor=3),
            UnitSpec("4F", 100.0, floor=4, state="owner_occupied"),
            UnitSpec("5F", 50.0, floor=5, state="under_construction"),
        ],
    )
    add_units(session, zoneless.id, [UnitSpec("1F", 250.0), UnitSpec("2F", 120.0)])
    ended = sign(session, zoned, "1F", dt.date(2024, 1, 1), dt.date(2025, 12, 31), "甲公司")
    service(session).handle(EndLease(lease_no=ended.lease_no, ended_on=dt.date(2024, 3, 15)))
    sign(session, zoned, "2F", dt.date(2024, 2, 10), dt.date(2026, 2, 9), "乙公司")
    ahead = sign(session, zoned, "3F", dt.date(2024, 9, 1), dt.date(2025, 8, 31), "丙公司")
    assert get_lease(session, ahead.lease_no).status == "signed"
    sign(session, zoneless, "1F", dt.date(2023, 6, 1), dt.date(2025, 5, 31), "丁公司")
    session.flush()
    return Space(zoned, zoneless)
