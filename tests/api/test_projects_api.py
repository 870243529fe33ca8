"""招商项目 over HTTP and on the command line, on a demo county of the module's own: a
project entered, its candidates ranked with reasons in both languages and geometry for
the map, a match recorded on a case and on vacant units, stages moved, and the refusals
(a viewer, a skipped stage, a case that offers no land) as clear 4xx."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from api.main import create_app
from landgis.cli import app as cli
from landgis.db.models import Building, Case
from landgis.db.session import transaction
from landgis.settings import get_settings
from landgis.space.units import UnitSpec, add_units

PASSWORD = "a-good-password"
RUN = CliRunner()
FIELDS = {
    "name": "年产 5 GWh 储能电池项目",
    "investor": "四川锂源新能源电池有限公司",
    "industry": "新能源电池",
    "investment_wan_yuan": 150000,
    "land_need_mu": 42,
    "floor_need_m2": 1800,
    "preferred_zones": ["白鹤工业区"],
    "staff": "ed",
}
# The demo's standard buildings with vacant units to offer (A4栋 is being built).
DEMO_STANDARD = {
    "519901001003GB00027 1号楼",
    "519901001003GB00027 2号楼",
    "519901001003GB00027 3号楼",
    "519901007001GB00017 A1栋",
    "519901007001GB00017 A2栋",
    "519901007001GB00017 A3栋",
}


@pytest.fixture(scope="module")
def site(databases):
    return databases.demo({"ed": "editor", "vi": "viewer"}, password=PASSWORD, tokens=["ed", "vi"])


@pytest.fixture(scope="module")
def building_id(site) -> int:
    """A building outside the ledger, made a standard factory of two vacant units."""
    with transaction(site.engine) as session:
        building = session.scalars(
            select(Building)
            .where(Building.parcel_id.not_in(select(Case.parcel_id)))
            .order_by(Building.id)
        ).first()
        building.kind = "standard"
        add_units(session, building.id, [UnitSpec("1F", 1000.0), UnitSpec("2F", 900.0)])
        return building.id


@pytest.fixture(scope="module")
def client(site):
    with TestClient(create_app(site.settings())) as test_client:
        yield test_client


def _auth(site, who: str = "ed") -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[who]}"}


def _add(client, site, **fields) -> dict:
    response = client.post(
        "/api/projects",
        json={"fields": FIELDS | fields, "negotiating_on": "2024-04-01"},
        headers=_auth(site),
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_project_its_candidates_and_a_match_on_a_case(client, site, building_id):
    project = _add(client, site)
    number = project["project_no"]
    assert (project["stage"], project["negotiating_on"]) == ("negotiating", "2024-04-01")
    assert project["land_need_mu"] == 42.0 and project["staff"] == "ed"
    assert client.get(f"/api/projects/{number}").json()["name"] == FIELDS["name"]

    zh = client.get(f"/api/projects/{number}/candidates").json()["items"]
    en = client.get(f"/api/projects/{number}/candidates", params={"lang": "en"}).json()["items"]

    scores = [item["score"] for item in zh]
    assert scores == sorted(scores, reverse=True) and len(zh) == 12
    units = {item["code"] for item in zh if item["kind"] == "lease"}
    assert units - DEMO_STANDARD == {zh[0]["code"]}  # the test's building, and the demo's
    assert len([item for item in zh if item["kind"] == "case"]) == 5
    best = zh[0]
    # 1F + 2F = 1900 ㎡ for 1800 ㎡ (+5.6 %): available now, in the park (新能源电池)
    assert (best["kind"], best["unit_nos"], best["score"]) == ("lease", ["1F", "2F"], 100.0)
    assert best["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    case = next(item for item in zh if item["case_no"] == "QX-XZ-2023-013")
    assert [p["points"] for p in case["parts"]] == [40.0, 30.0, 30.0]
    assert case["reasons"][0] == "用地需求 42.00 亩,闲置面积 44.30 亩,相差 +5.5%,在 ±20% 以内"
    case_en = next(item for item in en if item["case_no"] == "QX-XZ-2023-013")
    assert case_en["reasons"][0] == (
        "Land need 42.00 mu, idle area 44.30 mu, difference +5.5%, within ±20%"
    )
    assert "include 新能源电池" in case_en["reasons"][1]

    matched = client.post(
        f"/api/projects/{number}/matches",
        json={"case_no": "QX-XZ-2023-013", "occurred_on": "2024-06-03"},
        headers=_auth(site),
    )
    assert matched.status_code == 201, matched.text
    body = matched.json()
    assert body["stage_moved"] and body["project"]["stage"] == "signed"
    assert "由“洽谈”进入“签约”" in body["message"]
    case = client.get("/api/cases/QX-XZ-2023-013").json()
    assert (case["new_holder"], case["new_project"]) == (FIELDS["investor"], FIELDS["name"])
    events = client.get("/api/cases/QX-XZ-2023-013/events").json()
    assert events[-1]["action"] == "edit" and number in events[-1]["note"]
    shown = client.get(f"/api/projects/{number}", params={"lang": "en"}).json()
    assert shown["matches"][0]["kind"] == "case"
    assert shown["matches"][0]["reasons"][0].startswith("Land need 42.00 mu")


def test_a_match_on_vacant_units_signs_the_lease(client, site, building_id):
    number = _add(client, site, land_need_mu=None)["project_no"]

    matched = client.post(
        f"/api/projects/{number}/matches",
        json={
            "building_id": building_id,
            "unit_nos": ["1F", "2F"],
            "start_date": "2024-07-01",
            "end_date": "2027-06-30",
            "rent_yuan_m2_month": 11.5,
        },
        headers=_auth(site),
    )

    assert matched.status_code == 201, matched.text
    body = matched.json()
    assert body["lease_no"].startswith("ZL-2024-") and body["match"]["kind"] == "lease"
    again = client.get(f"/api/projects/{number}/candidates").json()["items"]
    # no land need, and the units are let: only the demo's standard buildings are left
    assert {item["code"] for item in again} == DEMO_STANDARD


def test_stages_and_refusals(client, site):
    number = _add(client, site)["project_no"]
    url = f"/api/projects/{number}"

    skipped = client.post(f"{url}/stage", json={"stage": "landed"}, headers=_auth(site))
    viewer = client.post(f"{url}/stage", json={"stage": "signed"}, headers=_auth(site, "vi"))
    unknown = client.post(f"{url}/stage", json={"stage": "won"}, headers=_auth(site))
    no_land = client.post(f"{url}/matches", json={"case_no": "QX-XZ-2023-007"}, headers=_auth(site))
    bad_code = client.post(
        "/api/projects",
        json={"fields": FIELDS | {"investor_credit_code": "91510100MA61R8YX3B"}},
        headers=_auth(site),
    )
    bad_zone = client.patch(
        url, json={"fields": {"preferred_zones": ["东城片区"]}}, headers=_auth(site)
    )

    assert skipped.status_code == 409 and "不能直接进入“落地”" in skipped.json()["message"]
    assert "cannot go straight to “Landed”" in skipped.json()["message_en"]
    assert viewer.status_code == 403
    assert unknown.status_code == 422
    assert no_land.status_code == 409 and "不引入新用地单位" in no_land.json()["message"]
    assert bad_code.status_code == 422 and "校验位不符" in bad_code.json()["message"]
    assert bad_zone.status_code == 422 and "东城片区" in bad_zone.json()["message"]
    assert client.get("/api/projects/ZS-1999-001").status_code == 404

    moved = client.post(
        f"{url}/stage", json={"stage": "signed", "occurred_on": "2024-05-01"}, headers=_auth(site)
    )
    assert moved.status_code == 200 and moved.json()["signed_on"] == "2024-05-01"
    listed = client.get("/api/projects", params={"stage": "signed"}).json()["items"]
    assert number in [p["project_no"] for p in listed]


def _cli(site, *args: str, lang: str = "zh"):
    get_settings.cache_clear()  # the language is read afresh, as a new process reads it
    try:
        return RUN.invoke(cli, [*args, "--database-url", site.url], env={"LANDGIS_LANGUAGE": lang})
    finally:
        get_settings.cache_clear()


def test_the_command_line(site):
    added = _cli(
        site,
        "project",
        "add",
        "--date",
        "2024-02-01",
        "--set",
        "name=年产 3 万双运动鞋项目",
        "--set",
        "investor=福建捷步鞋业有限公司",
        "--set",
        "industry=纺织鞋服",
        "--set",
        "land_need_mu=24",
        "--set",
        "preferred_zones=产城新区,临江工业区",
    )
    assert added.exit_code == 0, added.output
    number = added.output.split()[0]
    assert number.startswith("ZS-2024-") and "洽谈" in added.output

    shown = json.loads(_cli(site, "project", "show", number, "--json").output)
    assert shown["preferred_zones"] == ["产城新区", "临江工业区"]
    assert shown["land_need_m2"] == pytest.approx(16000.0)

    ranked = _cli(site, "project", "candidates", number, "--top", "2", lang="en")
    assert ranked.exit_code == 0, ranked.output
    assert "Land need 24.00 mu, idle area 24.90 mu, difference +3.8%, within ±20%" in (
        ranked.output
    )
    rows = json.loads(_cli(site, "project", "candidates", number, "--json").output)
    assert rows[0]["case_no"] == "QX-XZ-2023-010" and rows[0]["score"] == 77.5

    matched = _cli(site, "project", "match", number, "--case", "QX-XZ-2023-010")
    assert matched.exit_code == 0, matched.output
    assert "已将项目 年产 3 万双运动鞋项目" in matched.output and "签约" in matched.output

    refused = _cli(site, "project", "stage", number, "producing")
    assert refused.exit_code == 2 and "下一阶段是“落地”" in refused.output
    assert number in _cli(site, "project", "list", "--stage", "signed").output
