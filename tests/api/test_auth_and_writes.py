"""Who may change what, through the API: tokens, browser sessions with CSRF, roles, and
the ledger's write endpoints with versions. These tests commit, on a database of their own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token

PASSWORD = "correct horse battery"
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[104.90, 30.20], [104.902, 30.20], [104.902, 30.202], [104.90, 30.202], [104.90, 30.20]]
    ],
}


@pytest.fixture(scope="module")
def site(databases):
    engine = databases.engine()
    upgrade(engine)
    tokens = {}
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        for name, role in (("viewer1", "viewer"), ("editor1", "editor"), ("admin1", "admin")):
            create_user(session, name, PASSWORD, role=role, display_name=name.upper())
            tokens[role] = issue_token(session, name)
    url = engine.url.render_as_string(hide_password=False)
    return {"engine": engine, "url": url, "tokens": tokens}


@pytest.fixture
def client(site):
    with TestClient(create_app(Settings(database_url=site["url"]))) as test_client:
        yield test_client


def _auth(site, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {site['tokens'][role]}"}


def _counts(site) -> tuple[int, int, int]:
    with transaction(site["engine"]) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Parcel, Case, CaseEvent)
        )


def _case(client, case_no: str) -> dict:
    return client.get(f"/api/cases/{case_no}").json()


def _write_routes(client) -> list[tuple[str, str]]:
    """Every state-changing API endpoint the OpenAPI schema documents."""
    found = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method in operations:
            if path.startswith("/api") and method in ("post", "put", "patch", "delete"):
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "QX-XZ-2023-009", path)))
    return found


def test_every_write_endpoint_refuses_anonymous_and_viewer_and_changes_nothing(site, client):
    routes = _write_routes(client)
    assert len(routes) >= 8
    before = _counts(site)
    for method, path in routes:
        anonymous = client.request(method, path, json={"version": 1, "fields": {"x": 1}})
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        assert anonymous.headers["WWW-Authenticate"] == "Bearer"
        assert anonymous.json()["message"] and anonymous.json()["message_en"]
        if path.startswith("/api/me/"):
            continue  # one's own account (sessions, password): any logged-in user
        viewer = client.request(method, path, json={}, headers=_auth(site, "viewer"))
        assert viewer.status_code == 403, (method, path, viewer.text)
    assert _counts(site) == before


def test_an_unknown_token_is_401(client):
    response = client.get("/api/me", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_editor_moves_a_case_and_is_the_actor_of_the_event(site, client):
    case = _case(client, "QX-XZ-2023-012")
    assert case["status"] == "identified"
    response = client.post(
        "/api/cases/QX-XZ-2023-012/status",
        json={
            "status": "planned",
            "version": case["version"],
            "fields": {"route": "buyback", "plan_no": "青府函〔2026〕9号"},
            "document_no": "青府函〔2026〕9号",
        },
        headers=_auth(site, "editor"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "planned"
    assert response.headers["ETag"] == f'"{case["version"] + 1}"'
    events = client.get("/api/cases/QX-XZ-2023-012/events").json()
    assert events[-1]["actor"] == "editor1"
    assert events[-1]["changes"]["plan_no"] == [None, "青府函〔2026〕9号"]


def test_stale_version_forbidden_transition_missing_evidence_and_no_version(site, client):
    editor = _auth(site, "editor")
    case = _case(client, "QX-XZ-2023-010")  # investigating
    version = case["version"]
    stale = client.patch(
        "/api/cases/QX-XZ-2023-010",
        json={"version": version - 1, "fields": {"remarks": "旧"}},
        headers=editor,
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == version
    forbidden = client.post(
        "/api/cases/QX-XZ-2023-010/status",
        json={"status": "closed", "version": version},
        headers=editor,
    )
    assert forbidden.status_code == 409
    missing = client.post(
        "/api/cases/QX-XZ-2023-010/status",
        json={"status": "identified", "version": version},
        headers=editor,
    )
    assert missing.status_code == 422
    assert missing.json()["problems"][0]["field"] == "determination_no"
    unversioned = client.patch(
        "/api/cases/QX-XZ-2023-010", json={"fields": {"remarks": "x"}}, headers=editor
    )
    assert unversioned.status_code == 428
    by_header = client.patch(
        "/api/cases/QX-XZ-2023-010",
        json={"fields": {"remarks": "新"}},
        headers={**editor, "If-Match": f'"{version}"'},
    )
    assert by_header.status_code == 200, by_header.text
    assert _case(client, "QX-XZ-2023-010")["version"] == version + 1


def test_partial_revitalization_close_out_and_reopen_by_an_administrator(site, client):
    editor, admin = _auth(site, "editor"), _auth(site, "admin")
    case = _case(client, "QX-XZ-2023-013")  # disposing
    idle_mu = case["idle_area_m2"] * 3 / 2000
    url = "/api/cases/QX-XZ-2023-013/revitalizations"
    in_mu = client.post(
        url, json={"version": case["version"], "area_mu": idle_mu + 1}, headers=editor
    )
    assert in_mu.status_code == 422, in_mu.text
    refused = in_mu.json()
    # The areas in the unit typed: 亩, two decimals; never m².
    assert f"盘活面积 {idle_mu + 1:.2f} 亩 超过闲置面积 {idle_mu:.2f} 亩" in refused["message"]
    assert f"Revitalized area {idle_mu + 1:.2f} mu exceeds" in refused["message_en"]
    assert "㎡" not in refused["message"] and "m²" not in refused["message_en"]
    in_m2 = client.post(
        url, json={"version": case["version"], "area_m2": case["idle_area_m2"] + 1}, headers=editor
    )
    assert in_m2.status_code == 422, in_m2.text
    assert f"超过闲置面积 {case['idle_area_m2']:.2f} ㎡" in in_m2.json()["message"]
    partial = client.post(
        "/api/cases/QX-XZ-2023-013/revitalizations",
        json={
            "version": case["version"],
            "area_mu": 10,
            "building_area_m2": 0,
            "new_holder": "四川新材料有限公司",
        },
        headers=editor,
    )
    assert partial.status_code == 200, partial.text
    assert partial.json()["revitalized_area_m2"] == pytest.approx(10 * 2000 / 3)
    completing = {"version": partial.json()["version"], "area_mu": 5, "complete": True}
    short = client.post(
        "/api/cases/QX-XZ-2023-013/revitalizations", json=completing, headers=editor
    )
    assert short.status_code == 409, short.text  # 15 亩 of the idle area: to be confirmed
    idle_mu = partial.json()["idle_area_m2"] * 3 / 2000
    assert short.json()["error"] == "NeedsConfirmation"
    assert short.json()["remaining_mu"] == pytest.approx(idle_mu - 15, abs=0.005)
    assert _case(client, "QX-XZ-2023-013")["version"] == partial.json()["version"]
    done = client.post(
        "/api/cases/QX-XZ-2023-013/revitalizations",
        json=completing | {"confirm_short": True},
        headers=editor,
    )
    assert done.json()["status"] == "revitalized"
    closed = client.post(
        "/api/cases/QX-XZ-2023-013/close",
        json={"version": done.json()["version"], "document_no": "销〔1〕号"},
        headers=editor,
    )
    assert closed.json()["status"] == "closed"
    version = closed.json()["version"]
    assert (
        client.post(
            "/api/cases/QX-XZ-2023-013/reopen",
            json={"version": version, "reason": "复核"},
            headers=editor,
        ).status_code
        == 403
    )
    reopened = client.post(
        "/api/cases/QX-XZ-2023-013/reopen",
        json={"version": version, "reason": "复核面积"},
        headers=admin,
    )
    assert reopened.json()["status"] == "revitalized"
    assert client.get("/api/cases/QX-XZ-2023-013/events").json()[-1]["actor"] == "admin1"


def test_open_a_case_on_a_new_parcel_created_through_the_api(site, client):
    editor = _auth(site, "editor")
    created = client.post(
        "/api/parcels",
        json={
            "type": "Feature",
            "geometry": SQUARE,
            "properties": {"parcel_code": "API-0001", "holder": "<b>测试</b>公司", "area_m2": 1},
        },
        headers=editor,
    )
    assert created.status_code == 422  # area_m2 is computed, never typed in
    created = client.post(
        "/api/parcels",
        json={
            "type": "Feature",
            "geometry": SQUARE,
            "properties": {"parcel_code": "API-0001", "holder": "<b>测试</b>公司"},
        },
        headers=editor,
    )
    assert created.status_code == 201, created.text
    feature = created.json()
    assert feature["id"] == "API-0001"
    assert 40_000 < feature["properties"]["area_m2"] < 45_000
    again = client.post(
        "/api/parcels",
        json={"type": "Feature", "geometry": SQUARE, "properties": {"parcel_code": "API-0001"}},
        headers=editor,
    )
    assert again.status_code == 409
    opened = client.post(
        "/api/cases", json={"parcel_code": "API-0001", "category": "idle"}, headers=editor
    )
    assert opened.status_code == 201, opened.text
    assert opened.headers["Location"] == f"/api/cases/{opened.json()['case_no']}"
    smaller = {
        "type": "Polygon",
        "coordinates": [[[104.90, 30.20], [104.901, 30.20], [104.901, 30.201], [104.90, 30.20]]],
    }
    shrink = client.patch("/api/parcels/API-0001", json={"geometry": smaller}, headers=editor)
    assert shrink.status_code == 422  # below the open case's idle area
    renamed = client.patch(
        "/api/parcels/API-0001", json={"properties": {"holder": "新公司"}}, headers=editor
    )
    assert renamed.json()["properties"]["holder"] == "新公司"


def test_bad_geometry_is_422_not_500(site, client):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [
                [104.90, 30.20],
                [104.902, 30.202],
                [104.902, 30.20],
                [104.90, 30.202],
                [104.90, 30.20],
            ]
        ],
    }
    response = client.post(
        "/api/parcels",
        json={"type": "Feature", "geometry": bowtie, "properties": {"parcel_code": "API-BAD"}},
        headers=_auth(site, "editor"),
    )
    assert response.status_code == 422
    far = {"type": "Polygon", "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]]}
    response = client.post(
        "/api/parcels",
        json={"type": "Feature", "geometry": far, "properties": {"parcel_code": "API-FAR"}},
        headers=_auth(site, "editor"),
    )
    assert response.status_code == 422
    assert "China" in response.json()["message_en"]


def _square(lon: float, lat: float, size: float = 0.002) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_a_parcel_outside_the_county_is_refused_as_an_import_would_be(site, client):
    editor = _auth(site, "editor")
    before = _counts(site)
    far = _square(113.9, 22.5)  # in China, about 1 300 km from the county
    response = client.post(
        "/api/parcels",
        json={"type": "Feature", "geometry": far, "properties": {"parcel_code": "API-OUT"}},
        headers=editor,
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "CRSError"
    assert [p["kind"] for p in body["problems"]] == ["outside_county"]
    assert body["problems"][0]["severity"] == "error"
    assert "API-OUT" in body["message"] and "outside the county" in body["message_en"]
    abroad = _square(2.0, 48.0)
    response = client.post(
        "/api/parcels",
        json={"type": "Feature", "geometry": abroad, "properties": {"parcel_code": "API-OUT"}},
        headers=editor,
    )
    assert response.status_code == 422
    assert [p["kind"] for p in response.json()["problems"]] == ["outside_china"]
    assert _counts(site) == before

    inside = client.post(
        "/api/parcels",
        json={
            "type": "Feature",
            "geometry": _square(104.80, 30.10),
            "properties": {"parcel_code": "API-IN"},
        },
        headers=editor,
    )
    assert inside.status_code == 201, inside.text
    moved = client.patch("/api/parcels/API-IN", json={"geometry": far}, headers=editor)
    assert moved.status_code == 422
    assert [p["kind"] for p in moved.json()["problems"]] == ["outside_county"]
    stored = client.get("/api/parcels/API-IN").json()["geometry"]["coordinates"]
    assert stored[0][0][0][0] == pytest.approx(104.80)  # the refused change left it as it was


def test_browser_login_session_and_csrf(site, client):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    wrong = client.post(
        "/login", data={"username": "editor1", "password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == 401 and "不正确" in wrong.text
    no_csrf = client.post("/login", data={"username": "editor1", "password": PASSWORD})
    assert no_csrf.status_code == 403
    ok = client.post(
        "/login",
        data={
            "username": "editor1",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    me = client.get("/api/me").json()
    assert (me["user"], me["role"]) == ("editor1", "editor")
    case = _case(client, "QX-XZ-2023-011")
    forged = client.patch(
        "/api/cases/QX-XZ-2023-011",
        json={"version": case["version"], "fields": {"remarks": "伪造"}},
    )
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["message"]
    real = client.patch(
        "/api/cases/QX-XZ-2023-011",
        json={"version": case["version"], "fields": {"remarks": "现场核查"}},
        headers={"X-CSRF-Token": me["csrf_token"]},
    )
    assert real.status_code == 200, real.text
    assert client.get("/api/cases/QX-XZ-2023-011/events").json()[-1]["actor"] == "editor1"
    client.post("/logout", data={"csrf_token": me["csrf_token"]})
    assert client.get("/api/me").json()["user"] is None


def test_reads_can_be_put_behind_a_login(site):
    settings = Settings(database_url=site["url"], read_requires_login=True)
    with TestClient(create_app(settings)) as private:
        for path in ("/api/parcels", "/api/stats", "/api/cases", "/api/ledger", "/map"):
            assert private.get(path).status_code == 401, path
        assert private.get("/api/stats", headers=_auth(site, "viewer")).status_code == 200
        assert private.get("/login").status_code == 200
        page = private.get("/map?zone=A", headers={"Accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fmap%3Fzone%3DA"
        assert private.get("/health").status_code == 200


def test_case_list_filters_and_pages(client):
    everything = client.get("/api/cases").json()
    assert everything["total"] >= 13
    overdue = client.get("/api/cases", params={"overdue": True}).json()
    assert overdue["items"] and all(item["overdue"] for item in overdue["items"])
    page = client.get("/api/cases", params={"limit": 5, "offset": 5}).json()
    assert [i["case_no"] for i in page["items"]] == [
        i["case_no"] for i in everything["items"][5:10]
    ]
    found = client.get("/api/cases", params={"q": "QX-XZ-2023-00"}).json()
    assert 0 < found["total"] <= 9
    assert dt.date.fromisoformat(everything["items"][0]["deadline"])
