"""Buildings added by their footprints over HTTP on both backends: ``POST /api/buildings``
(a GeoJSON Feature, as a parcel is posted) and ``POST /api/buildings/import`` (a file of
footprints, ``check_only`` or not); editors only; every refusal a 4xx with the clerk's
message, nothing written."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.footprint_places import (
    FREE,
    NEIGHBOUR,
    OTHER,
    geojson,
    square_across,
    square_in,
    square_on_no_parcel,
    write_footprints,
)

PASSWORD = "a-good-password"


@pytest.fixture(scope="module")
def site(databases):
    return databases.demo({"ed": "editor", "vi": "viewer"}, password=PASSWORD, tokens=["ed", "vi"])


@pytest.fixture(scope="module")
def client(site):
    with TestClient(create_app(site.settings())) as test_client:
        yield test_client


def _auth(site, who: str = "ed") -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[who]}"}


def _feature(geom, **properties) -> dict:
    return {"type": "Feature", "geometry": geojson(geom), "properties": properties}


def _count(client) -> int:
    return client.get("/api/buildings").json()["total"]


def test_a_drawn_building_is_added_on_the_parcel_it_stands_on(client, site):
    before = _count(client)
    body = _feature(square_in(FREE), name="5号厂房", floors=2, kind="standard")

    response = client.post("/api/buildings", json=body, headers=_auth(site))

    assert response.status_code == 201, response.text
    added = response.json()
    assert response.headers["Location"] == f"/api/buildings/{added['id']}"
    assert (added["parcel_code"], added["name"], added["kind"]) == (FREE, "5号厂房", "standard")
    assert added["footprint_area_m2"] == pytest.approx(900.0, abs=0.01)
    assert added["floor_area_m2"] == pytest.approx(1800.0, abs=0.05)
    assert _count(client) == before + 1
    read = client.get(f"/api/buildings/{added['id']}").json()
    assert read["parcel_code"] == FREE


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        (_feature(square_across(), name="x", floors=1), 422, "之外(至多允许 5%),涉及宗地"),
        (_feature(square_on_no_parcel(), name="x", floors=1), 422, "不在任何宗地上"),
        (_feature(square_in(FREE), name="x", floors=1, parcel_code=OTHER), 422, "不在所填的宗地"),
        (_feature(square_in(FREE), name="x", floors=1, kind="仓库"), 422, "厂房类型“仓库”无效"),
        (_feature(square_in(FREE), name="x", floors=1.5), 422, "层数应为 1 至 200 的整数"),
        (_feature(square_in(FREE), floors=1), 422, "厂房须有名称"),
        (
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1, 2]]]},
             "properties": {"name": "x", "floors": 1}},
            422,
            "",
        ),
    ],
)  # fmt: skip
def test_a_footprint_refused_writes_nothing_and_says_why(client, site, body, status, said):
    before = _count(client)
    response = client.post("/api/buildings", json=body, headers=_auth(site))
    assert response.status_code == status, response.text
    assert said in response.json()["message"]
    assert _count(client) == before


def test_the_message_names_the_share_outside_and_both_parcels(client, site):
    body = _feature(square_across(), name="跨界厂房", floors=1)
    refused = client.post("/api/buildings", json=body, headers=_auth(site)).json()
    assert FREE in refused["message"] and NEIGHBOUR in refused["message"]
    assert "% of the building's footprint lies outside parcel" in refused["message_en"]


def test_a_viewer_may_not_add_a_building(client, site):
    body = _feature(square_in(FREE), name="x", floors=1)
    assert client.post("/api/buildings", json=body, headers=_auth(site, "vi")).status_code == 403


def _upload(client, site, path, **data):
    with path.open("rb") as stream:
        return client.post(
            "/api/buildings/import",
            files={"file": (path.name, stream.read())},
            data=data,
            headers=_auth(site),
        )


ROWS = [
    {"名称": "甲厂房", "层数": 2, "宗地编号": NEIGHBOUR},
    {"名称": "乙厂房", "层数": 1, "建筑面积": 700},
]


def test_a_file_is_checked_then_imported_on_its_parcels(client, site, tmp_path):
    footprints = [square_in(NEIGHBOUR, side=40), square_in(OTHER)]
    path = write_footprints(tmp_path / "厂房.gpkg", ROWS, footprints, crs="EPSG:4544")
    before = _count(client)

    checked = _upload(client, site, path, check_only="true")

    assert checked.status_code == 200, checked.text
    report = checked.json()
    assert (report["accepted"], report["check_only"], report["stored"]) == (True, True, 2)
    assert report["crs"] == "EPSG:4544"
    assert [b["parcel_code"] for b in report["buildings"]] == [NEIGHBOUR, OTHER]
    assert _count(client) == before

    done = _upload(client, site, path)

    assert done.status_code == 200, done.text
    assert done.json()["buildings"] == [
        {"row": 1, "name": "甲厂房", "parcel_code": NEIGHBOUR,
         "footprint_area_m2": 1600.0, "floor_area_m2": 3200.0},
        {"row": 2, "name": "乙厂房", "parcel_code": OTHER,
         "footprint_area_m2": 900.0, "floor_area_m2": 700.0},
    ]  # fmt: skip
    assert _count(client) == before + 2


def test_a_file_with_a_bad_row_is_refused_with_its_report(client, site, tmp_path):
    rows = [*ROWS, {"名称": "丙厂房", "层数": 1}]
    footprints = [square_in(NEIGHBOUR), square_in(OTHER), square_on_no_parcel()]
    path = write_footprints(tmp_path / "bad.geojson", rows, footprints)
    before = _count(client)

    refused = _upload(client, site, path)

    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert (
        body["message"] == "第 3 行:厂房占地不在任何宗地上,请检查其位置或坐标系。未导入任何厂房。"
    )
    assert [(p["row"], p["kind"]) for p in body["report"]["problems"]] == [(3, "off_parcel")]
    assert _count(client) == before


def test_a_file_no_reader_takes_is_refused(client, site, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a map", encoding="utf-8")
    assert _upload(client, site, path).status_code == 415
