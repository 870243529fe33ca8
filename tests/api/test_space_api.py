"""Factory buildings, units and leases over HTTP on both backends: read by anyone who may
read, changed by editors only (a browser with its CSRF token); a lease of a 处置中 case's
idle building answers with the case it revitalized; every refusal is a 4xx a clerk can
act on; the leases' warnings stand with the statutory ones."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from api.main import create_app

PASSWORD = "a-good-password"
DISPOSING_PARCEL = "519901001003GB00088"  # QX-XZ-2023-013, 处置中, three idle buildings
PLANNED_PARCEL = "519901001003GB00066"  # QX-XZ-2023-006, 方案已批复
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def site(databases):
    return databases.demo({"ed": "editor", "vi": "viewer"}, password=PASSWORD, tokens=["ed", "vi"])


@pytest.fixture(scope="module")
def client(site):
    with TestClient(create_app(site.settings(lease_warn_days_ahead=60))) as test_client:
        yield test_client


def _auth(site, who: str = "ed") -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[who]}"}


def _building(client, parcel_code: str, name: str) -> dict:
    items = client.get("/api/buildings").json()["items"]
    return next(b for b in items if b["parcel_code"] == parcel_code and b["name"] == name)


def _add(client, site, building_id: int, *units: tuple[str, float]):
    body = {"units": [{"unit_no": no, "floor_area_m2": area, "floor": 1} for no, area in units]}
    return client.post(f"/api/buildings/{building_id}/units", json=body, headers=_auth(site))


def _sign(client, site, building_id: int, units: list[str], start: dt.date, end: dt.date, **more):
    body = {
        "building_id": building_id,
        "units": units,
        "tenant": more.pop("tenant", "青溪县鑫源食品有限公司"),
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "rent_yuan_m2_month": 8.5,
        "project": "速冻食品生产线",
        **more,
    }
    return client.post("/api/leases", json=body, headers=_auth(site))


def test_buildings_are_listed_with_their_units_areas_and_filtered(client, site):
    building = _building(client, DISPOSING_PARCEL, "1号厂房")
    assert _add(client, site, building["id"], ("1F-A", 600.0), ("1F-B", 400.0)).status_code == 201
    patched = client.patch(
        f"/api/buildings/{building['id']}/units/1F-B",
        json={"state": "owner_occupied"},
        headers=_auth(site),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["state"] == "owner_occupied"

    listed = client.get("/api/buildings", params={"zone": "QX-KFQ-CC", "state": "idle"}).json()
    row = next(b for b in listed["items"] if b["id"] == building["id"])

    assert {b["zone"] for b in listed["items"]} == {"QX-KFQ-CC"}
    assert {b["state"] for b in listed["items"]} == {"idle"}
    assert (row["case_no"], row["kind"], row["units"]) == ("QX-XZ-2023-013", "enterprise", 2)
    assert (row["vacant_m2"], row["owner_occupied_m2"], row["leased_m2"]) == (600.0, 400.0, 0.0)
    assert row["not_in_units_m2"] == pytest.approx(row["floor_area_m2"] - 1000.0, abs=0.01)
    by_name = client.get("/api/buildings", params={"zone": "产城新区", "kind": "enterprise"})
    assert row["id"] in {b["id"] for b in by_name.json()["items"]}
    bad = client.get("/api/buildings", params={"kind": "shed"})
    assert bad.status_code == 422 and "shed" in bad.json()["message"]


def test_a_lease_of_idle_space_answers_with_the_case_it_revitalized(client, site):
    building = _building(client, DISPOSING_PARCEL, "3号厂房")
    added = _add(client, site, building["id"], ("1F-A", 1200.0), ("1F-B", 800.0))
    assert added.status_code == 201, added.text
    case_before = client.get("/api/cases/QX-XZ-2023-013").json()
    start = TODAY - dt.timedelta(days=10)

    signed = _sign(
        client, site, building["id"], ["1F-A", "1F-B"], start, start.replace(year=start.year + 3)
    )

    assert signed.status_code == 201, signed.text
    lease = signed.json()
    assert signed.headers["location"] == f"/api/leases/{lease['lease_no']}"
    assert (lease["status"], lease["area_m2"], lease["units"]) == (
        "active",
        2000.0,
        ["1F-A", "1F-B"],
    )
    assert lease["case"]["case_no"] == "QX-XZ-2023-013"
    assert lease["case"]["revitalized_building_area_m2"] == pytest.approx(
        case_before["revitalized_building_area_m2"] + 2000.0
    )
    detail = client.get(f"/api/buildings/{building['id']}").json()
    assert [(u["unit_no"], u["state"], u["lease"]["lease_no"]) for u in detail["unit_list"]] == [
        ("1F-A", "leased", lease["lease_no"]),
        ("1F-B", "leased", lease["lease_no"]),
    ]
    assert client.get(f"/api/leases/{lease['lease_no']}").json()["case_no"] == "QX-XZ-2023-013"
    found = client.get("/api/leases", params={"building": building["id"], "tenant": "鑫源"})
    assert [item["lease_no"] for item in found.json()["items"]] == [lease["lease_no"]]

    # the unit is let: no second lease for any day of it, and no change of its state by hand
    again = _sign(client, site, building["id"], ["1F-A"], TODAY, TODAY + dt.timedelta(days=30))
    assert again.status_code == 409
    assert "一个单元同一时间只能有一份租约" in again.json()["message"]
    state = client.patch(
        f"/api/buildings/{building['id']}/units/1F-A",
        json={"state": "vacant"},
        headers=_auth(site),
    )
    assert state.status_code == 409 and lease["lease_no"] in state.json()["message"]

    ended = client.post(
        f"/api/leases/{lease['lease_no']}/end",
        json={"ended_on": TODAY.isoformat(), "reason": "承租人提前退租"},
        headers=_auth(site),
    )
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["ended_on"]) == ("ended", TODAY.isoformat())
    units = client.get(f"/api/buildings/{building['id']}").json()["unit_list"]
    assert {u["state"] for u in units} == {"vacant"}
    twice = client.post(f"/api/leases/{lease['lease_no']}/end", json={}, headers=_auth(site))
    assert twice.status_code == 409 and "已于" in twice.json()["message"]


def test_a_lease_signed_ahead_starts_when_its_day_has_come(client, site):
    building = _building(client, "519901004002GB00002", "3号厂房")
    assert _add(client, site, building["id"], ("2F", 1000.0)).status_code == 201
    ahead = _sign(
        client,
        site,
        building["id"],
        ["2F"],
        TODAY + dt.timedelta(days=5),
        TODAY + dt.timedelta(days=400),
    )
    assert ahead.status_code == 201 and ahead.json()["status"] == "signed"
    lease_no = ahead.json()["lease_no"]

    early = client.post(f"/api/leases/{lease_no}/start", headers=_auth(site))

    assert early.status_code == 422 and "尚未到期" in early.json()["message"]
    signed = client.get("/api/leases", params={"status": "signed"}).json()["items"]
    assert lease_no in {item["lease_no"] for item in signed}
    cancelled = client.post(
        f"/api/leases/{lease_no}/end", json={"reason": "撤销"}, headers=_auth(site)
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "ended"


def test_refusals_are_clear_4xx(client, site):
    building = _building(client, PLANNED_PARCEL, "1号厂房")
    assert _add(client, site, building["id"], ("1F", 500.0)).status_code == 201
    too_big = _add(client, site, building["id"], ("2F", 1.0), ("3F", building["floor_area_m2"]))
    assert too_big.status_code == 422 and "超过其建筑面积" in too_big.json()["message"]
    assert client.get(f"/api/buildings/{building['id']}").json()["units"] == 1  # none added
    taken = _add(client, site, building["id"], ("1F", 10.0))
    assert taken.status_code == 422 and "已有单元 1F" in taken.json()["message"]

    planned = _sign(client, site, building["id"], ["1F"], TODAY, TODAY + dt.timedelta(days=90))
    assert planned.status_code == 422 and "处置中" in planned.json()["message"]
    backwards = _sign(client, site, building["id"], ["1F"], TODAY, TODAY - dt.timedelta(days=1))
    assert backwards.status_code == 422 and "早于起租日" in backwards.json()["message"]
    bad_code = _sign(
        client,
        site,
        building["id"],
        ["1F"],
        TODAY,
        TODAY + dt.timedelta(days=9),
        tenant_credit_code="91510000000000000X",
    )
    assert bad_code.status_code == 422 and "统一社会信用代码" in bad_code.json()["message"]
    no_unit = _sign(client, site, building["id"], ["9F"], TODAY, TODAY + dt.timedelta(days=9))
    assert no_unit.status_code == 404 and "没有单元 9F" in no_unit.json()["message"]
    leased = client.patch(
        f"/api/buildings/{building['id']}/units/1F", json={"state": "leased"}, headers=_auth(site)
    )
    assert leased.status_code == 422 and "须登记租约" in leased.json()["message"]
    assert client.get("/api/buildings/999999").status_code == 404
    assert client.get("/api/leases/ZL-1999-001").status_code == 404
    assert client.get("/api/leases", params={"status": "lost"}).status_code == 422
    assert client.post("/api/leases/ZL-1999-001/start", headers=_auth(site)).status_code == 404
    empty = client.post(
        "/api/leases", json={"building_id": building["id"], "units": []}, headers=_auth(site)
    )
    assert empty.status_code == 422


def test_only_editors_change_and_browsers_need_their_csrf_token(client, site, form_login):
    building = _building(client, "519901004002GB00002", "1号厂房")
    path = f"/api/buildings/{building['id']}/units"
    body = {"units": [{"unit_no": "A", "floor_area_m2": 100.0}]}
    assert client.post(path, json=body, headers=_auth(site, "vi")).status_code == 403
    assert client.post(path, json=body).status_code == 401
    lease = {
        "building_id": building["id"],
        "units": ["A"],
        "tenant": "甲",
        "start_date": "2024-01-01",
        "end_date": "2024-12-31",
    }
    assert client.post("/api/leases", json=lease, headers=_auth(site, "vi")).status_code == 403
    assert (
        client.get(f"/api/buildings/{building['id']}", headers=_auth(site, "vi")).status_code == 200
    )

    with TestClient(create_app(site.settings())) as browser:
        csrf = form_login(browser, "ed", PASSWORD)
        forged = browser.post(path, json=body)
        assert forged.status_code == 403 and "CSRF" in forged.json()["message"]
        real = browser.post(path, json=body, headers={"X-CSRF-Token": csrf})
        assert real.status_code == 201, real.text


def test_expiring_leases_warn_with_the_statutory_warnings(client, site):
    building = _building(client, "519901004002GB00002", "2号厂房")
    assert (
        _add(client, site, building["id"], ("A", 300.0), ("B", 300.0), ("C", 300.0)).status_code
        == 201
    )
    soon = _sign(
        client,
        site,
        building["id"],
        ["A"],
        TODAY - dt.timedelta(days=300),
        TODAY + dt.timedelta(days=20),
        tenant="甲公司",
    ).json()
    late = _sign(
        client,
        site,
        building["id"],
        ["B"],
        TODAY - dt.timedelta(days=300),
        TODAY + dt.timedelta(days=200),
        tenant="乙公司",
    ).json()

    expiring = client.get("/api/leases", params={"expiring": "true"}).json()["items"]
    warnings = client.get("/api/warnings", params={"lang": "en"}).json()["warnings"]

    assert soon["lease_no"] in {item["lease_no"] for item in expiring}
    assert late["lease_no"] not in {item["lease_no"] for item in expiring}
    mine = [w for w in warnings if w["lease_no"] == soon["lease_no"]]
    assert [(w["code"], w["severity"], w["href"]) for w in mine] == [
        ("lease_expiring", "info", f"/api/leases/{soon['lease_no']}")
    ]
    assert mine[0]["due_on"] == (TODAY + dt.timedelta(days=20)).isoformat()
    assert "还剩 20 天" in mine[0]["message"] and "甲公司" in mine[0]["message"]
    assert "20 days left" in mine[0]["message_en"]
    assert not [w for w in warnings if w["lease_no"] == late["lease_no"]]
    dashboard = client.get("/")
    assert dashboard.status_code == 200 and 'id="lease-warnings"' in dashboard.text
    assert f"/space/leases#lease-{soon['lease_no']}" in dashboard.text
    statutory = [w for w in warnings if w["lease_no"] is None]
    assert statutory and all(w["case_no"] or w["parcel_code"] for w in statutory)
