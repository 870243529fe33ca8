"""Projects the OGC API and export tests court, through the ledger's use cases: one
matched to a ledger case, one to the units of a standard factory building it leases, one
matched to nothing yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from factory_space import service
from sqlalchemy import select

from landgis.commands import CreateProject, MoveProjectStage, RecordMatch
from landgis.db.models import Building, Case, Parcel
from landgis.space.units import UnitSpec, add_units

CASE_MATCHED = "QX-XZ-2023-013"  # 处置中, on 519901001003GB00088 in 产城新区
CASE_PARCEL = "519901001003GB00088"
INVESTORS = {
    "land": ("四川禾康健康食品有限公司", "91510100MA61R8YX36"),
    "space": ("成都精微电子科技有限公司", None),
    "open": ("眉州新材料股份有限公司", None),
}


@dataclass(frozen=True)
class Courted:
    """The three projects (numbers) and what their matches hold."""

    land: str  # matched to CASE_MATCHED, stage 落地
    space: str  # matched to 2 units of ``building`` (a lease), stage 签约
    open: str  # matched to nothing, 洽谈
    building: Building
    building_parcel: str
    lease_no: str


def standard_building(session) -> Building:
    """The first building with no units on a parcel outside the ledger, made a standard
    factory with four units (1F-A 1500 ㎡, 1F-B 1500 ㎡, 2F-A 1000 ㎡, 2F-B 800 ㎡)."""
    building = session.scalars(
        select(Building)
        .where(Building.parcel_id.not_in(select(Case.parcel_id)), ~Building.units.any())
        .order_by(Building.id)
    ).first()
    building.kind = "standard"
    add_units(
        session,
        building.id,
        [
            UnitSpec("1F-A", 1500.0, floor=1),
            UnitSpec("1F-B", 1500.0, floor=1),
            UnitSpec("2F-A", 1000.0, floor=2),
            UnitSpec("2F-B", 800.0, floor=2),
        ],
    )
    session.flush()
    return building


def _create(session, key: str, name: str, industry: str, **needs) -> str:
    investor, code = INVESTORS[key]
    fields = {"name": name, "investor": investor, "industry": industry, **needs}
    if code:
        fields["investor_credit_code"] = code
    project = service(session).handle(
        CreateProject(fields=fields, negotiating_on=dt.date(2024, 3, 1))
    )
    return project.project_no


def court_projects(session) -> Courted:
    """The three projects: 年产 2 万吨功能性食品项目 (45 亩, 32000 万元) matched to
    CASE_MATCHED on 2024-04-10 and landed 2024-05-20; 精密电子元器件项目 (2300 ㎡) matched to
    1F-A and 2F-B of a standard building from 2024-06-20, the day it is signed; 新型建材项目
    (30 亩, 产城新区 or 白鹤工业区) not matched."""
    land = _create(
        session,
        "land",
        "年产 2 万吨功能性食品项目",
        "健康食品",
        investment_wan_yuan=32000,
        land_need_mu=45,
        preferred_zones=["产城新区"],
    )
    run = service(session)
    run.handle(RecordMatch(project_no=land, case_no=CASE_MATCHED, occurred_on=dt.date(2024, 4, 10)))
    run.handle(MoveProjectStage(project_no=land, stage="landed", occurred_on=dt.date(2024, 5, 20)))
    building = standard_building(session)
    space = _create(session, "space", "精密电子元器件项目", "电子信息", floor_need_m2=2300)
    done = run.handle(
        RecordMatch(
            project_no=space,
            building_id=building.id,
            unit_nos=("1F-A", "2F-B"),
            start_date=dt.date(2024, 6, 20),
            end_date=dt.date(2029, 6, 19),
            rent_yuan_m2_month=12.0,
            occurred_on=dt.date(2024, 6, 20),
        )
    )
    opened = _create(
        session,
        "open",
        "新型建材项目",
        "新材料",
        investment_wan_yuan=8000,
        land_need_mu=30,
        preferred_zones=["产城新区", "白鹤工业区"],
    )
    session.flush()
    parcel = session.get(Parcel, building.parcel_id)
    assert done.lease is not None
    return Courted(land, space, opened, building, parcel.parcel_code, done.lease.lease_no)
