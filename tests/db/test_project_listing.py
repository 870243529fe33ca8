"""The projects as the pages show them, on both backends: the rows of the pipeline's table
(filtered by stage and industry, with their matches counted), the matches of a project and
of a case, and the pipeline in figures (projects and needs by stage, what the matches
took) before and after a match on a case and one on vacant units."""

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


def test_the_rows_and_the_pipeline_before_and_after_two_matches(session):
    food, battery = _add(session, FOOD), _add(session, BATTERY)
    building = _standard_building(session)

    rows = project_rows(session)
    assert [r["project_no"] for r in rows] == [food, battery]
    assert (rows[0]["land_need_mu"], rows[0]["matches"], rows[0]["stage"]) == (
        30.0,
        0,
        "negotiating",
    )
    assert industries(session) == sorted(["食品", "新能源电池"])
    assert [r["project_no"] for r in project_rows(session, industry="食品")] == [food]
    before = pipeline(session)
    assert before.total == 2
    negotiating = before.by_stage["negotiating"]
    assert negotiating.count == 2
    assert negotiating.land_need_mu == pytest.approx(30.0)
    assert negotiating.floor_need_m2 == pytest.approx(1800.0)
    assert (before.case_projects, before.lease_projects, before.land_matched_m2) == (0, 0, 0.0)

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
    assert [(s.stage, s.count) for s in after.stages] == [
        ("negotiating", 0),
        ("signed", 2),
        ("landed", 0),
        ("producing", 0),
    ]
    assert (after.case_projects, after.matched_cases) == (1, 1)
    assert (after.lease_projects, after.signed_leases) == (1, 1)
    assert after.land_matched_mu == pytest.approx(44.30, abs=0.005)
    assert after.floor_matched_m2 == pytest.approx(1900.0)
    signed = project_rows(session, stage="signed")
    assert [(r["project_no"], r["case_matches"], r["lease_matches"]) for r in signed] == [
        (food, 1, 0),
        (battery, 0, 1),
    ]
    assert project_rows(session, stage="negotiating") == []

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
