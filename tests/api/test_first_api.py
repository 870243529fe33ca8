"""The first API on the demo database of each backend."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from landgis.cli import app as cli
from landgis.settings import Settings


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        test_client.database_url = url
        yield test_client


def test_health_names_the_backend_and_schema(client, backend):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["backend"] == backend
    assert body["schema"] == body["schema_expected"]


def test_the_icon_is_served_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg")


def test_stats_equal_the_cli_json(client):
    api = client.get("/api/stats").json()
    result = CliRunner().invoke(cli, ["stats", "--json", "--database-url", client.database_url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api
    assert api["cases"] == 13
    assert api["ledger_area_mu"] == pytest.approx(539, abs=0.5)
    assert api["revitalized_area_mu"] == pytest.approx(120, abs=0.5)
    for key in ("idle_building_area_m2", "revitalized_building_area_m2"):
        assert api[key] > 0


def test_parcels_are_rfc7946_geojson(client):
    response = client.get("/api/parcels")
    assert response.headers["content-type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    features = collection["features"]
    assert 60 <= len(features) <= 120
    for feature in features:
        assert "crs" not in feature
        assert feature["id"] == feature["properties"]["parcel_code"]
        assert feature["geometry"]["type"] == "MultiPolygon"
        lon, lat = feature["geometry"]["coordinates"][0][0][0]
        assert 73 < lon < 136 and 3 < lat < 54  # longitude first
    in_ledger = [f for f in features if f["properties"]["case_no"]]
    assert len(in_ledger) == 13


def test_parcels_filter_by_status_text_and_page(client):
    disposing = client.get("/api/parcels", params={"status": "disposing"}).json()["features"]
    assert disposing
    assert {f["properties"]["status"] for f in disposing} == {"disposing"}
    every = client.get("/api/parcels").json()["features"]
    code = every[5]["properties"]["parcel_code"]
    found = client.get("/api/parcels", params={"q": code}).json()["features"]
    assert [f["id"] for f in found] == [code]
    page = client.get("/api/parcels", params={"limit": 10, "offset": 10}).json()["features"]
    assert [f["id"] for f in page] == [f["id"] for f in every[10:20]]


def test_parcels_filter_by_route_cause_category_and_bbox(client):
    for name, value in (("route", "buyback"), ("cause", "government"), ("category", "idle")):
        found = client.get("/api/parcels", params={name: value}).json()["features"]
        assert found, name
        assert {f["properties"][name] for f in found} == {value}
    every = client.get("/api/parcels").json()["features"]
    lon, lat = every[0]["geometry"]["coordinates"][0][0][0]
    box = f"{lon - 0.0005},{lat - 0.0005},{lon + 0.0005},{lat + 0.0005}"
    near = client.get("/api/parcels", params={"bbox": box}).json()["features"]
    assert every[0]["id"] in {f["id"] for f in near}
    assert 0 < len(near) < len(every)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"limit": 0}, "limit"),
        ({"status": "lost"}, "status"),
        ({"bbox": "104,30,105"}, "bbox"),
        ({"bbox": "105,30,104,31"}, "bbox"),
    ],
)
def test_bad_parameters_are_422_with_a_message(client, params, says):
    response = client.get("/api/parcels", params=params)
    assert response.status_code == 422
    assert says in json.dumps(response.json(), ensure_ascii=False)


def test_map_colours_parcels_by_status_with_a_legend(client):
    response = client.get("/map")
    assert response.status_code == 200
    page = response.text
    assert "处置状态" in page and "已盘活" in page
    assert "#2a9d8f" in page  # the revitalized colour
    assert page.count('"type": "Feature"') + page.count('"type":"Feature"') >= 60


def test_map_loads_its_scripts_and_styles_from_landgis_itself(client):
    page = client.get("/map").text
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert assets, "the map page loads Leaflet"
    for asset in assets:
        assert asset.startswith("/static/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 1000
