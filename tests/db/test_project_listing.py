"""The projects as the pages show them, on both backends: the rows of the pipeline's table
(filtered by stage and industry, with their matches counted), the matches of a project and
of a case, and the pipeline in figures (projects and needs by stage, what the matches
took): the demo's own, then with two projects added, and after a match on a case and one
on vacant units."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from landgis.cases import Actor, get_case
from landgis.commands import CreateProject, RecordMatch
from landgis.db.models import Building, Case
from landgis.ledger_service import LedgerService
from landgis.projects.listing import case_matches, industries, match_rows, project_rows
from landgis.projects.records import get_project
from landgis.projects.summary import pipeline
from landgis.settings import Settings
from landgis.space.units import UnitSpec, add_units

MU = 2000 / 3
CASE_NO = "QX-XZ-2023-013"  # 处置中 (兼并重组): 44.30 亩 idle, none revitalized
FOOD = {
    "name": "年产 2 万吨功能性食品项目",
    "investor": "四川禾康健康食品有限公司",
    "industry": "食品",
    "land_need_mu": 30,
    "preferred_zones": ["青溪经济开发区"],
}
# The demo's projects as its register stood (data/geo/demo_county/projects.json and
# leases.csv): number -> stage, and the pipeline they make by hand: per stage the count, the
# land need (亩) and the floor need (㎡); two matched to vacant units by the leases
# ZL-2025-002 (A2栋 1F-A 1637 + 1F-B 1339 ㎡) and ZL-2027-001 (3号楼 1F-A 1228 + 1F-B 818 ㎡).
DEMO = {
    "ZS-2025-001": "producing",  # 3000 ㎡, matched: ZL-2025-002
    "ZS-2025-002": "landed",  # 60 亩
    "ZS-2026-001": "signed",  # 1500 ㎡
    "ZS-2026-002": "signed",  # 2000 ㎡, matched: ZL-2027-001
    "ZS-2026-003": "negotiating",  # 45 亩
    "ZS-2026-004": "negotiating",  # 3500 ㎡
}
DEMO_PIPELINE = {
    "negotiating": (2, 45.0, 3500.0),
    "signed": (2, 0.0, 3500.0),
    "landed": (1, 60.0, 0.0),
    "producing": (1, 0.0, 3000.0),
}
DEMO_LEASED_M2 = 1637.0 + 1339.0 + 1228.0 + 818.0
DEMO_INDUSTRIES = {"新能源电池", "纺织鞋服", "电子信息", "健康食品"}
BATTERY = {
    "name": "储能电池模组项目",
    "investor": "四川锂源新能源电池有限公司",
    "industry": "新能源电池",
    "floor_need_m2": 1800,
}


def _service(session) -> LedgerService:
    return LedgerService(session, Settings(), Actor("wangfang", "editor"))


def _add(session, fields: dict) -> str:
    command = CreateProject(fields=fields, negotiating_on=dt.date(2024, 3, 1))
    return _service(session).handle(command).project_no


def _standard_building(session) -> Building:
    building = session.scalars(
        select(Building)
        .where(Building.parcel_id.not_in(select(Case.parcel_id)))
        .order_by(Building.id)
    ).first()
    building.kind = "standard"
    add_units(session, building.id, [UnitSpec("1F", 1000.0), UnitSpec("2F", 900.0)])
    session.flush()
    return building


def _figures(pipe) -> dict[str, tuple[int, float, float]]:
    return {s.stage: (s.count, round(s.land_need_mu, 2), s.floor_need_m2) for s in pipe.stages}


def test_the_demo_pipeline_as_worked_out_from_its_register(session):
    demo = pipeline(session)

    assert {r["project_no"]: r["stage"] for r in project_rows(session)} == DEMO
    assert _figures(demo) == DEMO_PIPELINE
    assert demo.total == len(DEMO)
    assert (demo.case_projects, demo.matched_cases, demo.land_matched_m2) == (0, 0, 0.0)
    assert (demo.lease_projects, demo.signed_leases) == (2, 2)
    assert demo.floor_matched_m2 == pytest.approx(DEMO_LEASED_M2)
    assert set(industries(session)) == DEMO_INDUSTRIES


def test_the_rows_and_the_pipeline_before_and_after_two_matches(session):
    demo = _figures(pipeline(session))
    food, battery = _add(session, FOOD), _add(session, BATTERY)
    building = _standard_building(session)

    rows = project_rows(session)
    # by number: entered in 2024, they come before the demo's 2025 and 2026 projects
    assert [r["project_no"] for r in rows] == [food, battery, *sorted(DEMO)]
    assert (rows[0]["land_need_mu"], rows[0]["matches"], rows[0]["stage"]) == (
        30.0,
        0,
        "negotiating",
    )
    assert industries(session) == sorted(DEMO_INDUSTRIES | {"食品", "新能源电池"})
    assert [r["project_no"] for r in project_rows(session, industry="食品")] == [food]
    before = pipeline(session)
    assert before.total == len(DEMO) + 2
    count, land, floor = demo["negotiating"]
    negotiating = before.by_stage["negotiating"]
    assert negotiating.count == count + 2
    assert negotiating.land_need_mu == pytest.approx(land + 30.0)
    assert negotiating.floor_need_m2 == pytest.approx(floor + 1800.0)
    assert (before.case_projects, before.lease_projects) == (0, 2)
    assert before.land_matched_m2 == 0.0

    service = _service(session)
    service.handle(RecordMatch(project_no=food, case_no=CASE_NO, occurred_on=dt.date(2024, 6, 3)))
    service.handle(
        RecordMatch(
            project_no=battery,
            building_id=building.id,
            unit_nos=("1F", "2F"),
            start_date=dt.date(2024, 7, 1),
            end_date=dt.date(2027, 6, 30),
            rent_yuan_m2_month=9.5,
            occurred_on=dt.date(2024, 6, 20),
        )
    )

    after = pipeline(session)
    # both moved from 洽谈 to 签约; the others where the demo has them
    assert [(s.stage, s.count) for s in after.stages] == [
        ("negotiating", demo["negotiating"][0]),
        ("signed", demo["signed"][0] + 2),
        ("landed", demo["landed"][0]),
        ("producing", demo["producing"][0]),
    ]
    assert (after.case_projects, after.matched_cases) == (1, 1)
    assert (after.lease_projects, after.signed_leases) == (2 + 1, 2 + 1)
    assert after.land_matched_mu == pytest.approx(44.30, abs=0.005)
    assert after.floor_matched_m2 == pytest.approx(DEMO_LEASED_M2 + 1900.0)
    signed = project_rows(session, stage="signed")
    assert [(r["project_no"], r["case_matches"], r["lease_matches"]) for r in signed] == [
        (food, 1, 0),
        (battery, 0, 1),
        ("ZS-2026-001", 0, 0),
        ("ZS-2026-002", 0, 1),
    ]
    assert [r["project_no"] for r in project_rows(session, stage="negotiating")] == [
        "ZS-2026-003",
        "ZS-2026-004",
    ]

    (on_case,) = match_rows(session, get_project(session, food))
    assert (on_case["kind"], on_case["case_no"], on_case["score"]) == ("case", CASE_NO, 86.2)
    assert on_case["area_mu"] == pytest.approx(44.30, abs=0.005)
    assert on_case["reasons"][0]["reason"].startswith("用地需求 30.00 亩,闲置面积 44.30 亩")
    (in_english,) = match_rows(session, get_project(session, food), "en")
    assert in_english["reasons"][0]["reason"].startswith("Land need 30.00 mu")
    (on_lease,) = match_rows(session, get_project(session, battery))
    assert (on_lease["kind"], on_lease["tenant"], on_lease["area_m2"]) == (
        "lease",
        BATTERY["investor"],
        1900.0,
    )
    assert on_lease["lease_no"].startswith("ZL-") and on_lease["area_mu"] is None

    case = get_case(session, CASE_NO)
    (matched,) = case_matches(session, [case.id])
    assert (matched["project_no"], matched["name"], matched["stage"], matched["score"]) == (
        food,
        FOOD["name"],
        "signed",
        86.2,
    )
    assert case_matches(session, []) == []
