"""The per-mu evaluation as the OGC API - Features collection ``efficiency``, on the demo
county's figures of 2022 and 2023 on each backend: every feature checked against
``evaluate(...)``, paged by the ``next`` links, filtered by CQL2, ``bbox``, ``datetime``
and ``properties``, its queryables, the results rewritten when the county's settings
change, and the collection read with OWSLib from a live server as a GIS officer would."""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from fastapi.testclient import TestClient
from owslib.ogcapi.features import Features
from server_start import wait_until_served
from shapely.geometry import shape

from api.main import create_app
from landgis.db.session import read_session
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.indicators import FIGURES, INDICATORS
from landgis.efficiency.results import result_key
from landgis.efficiency.rules import EfficiencyRules
from landgis.settings import Settings
from landgis.units import m2_to_mu

YEARS = (2022, 2023)
LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def url(demo_engine) -> str:
    return demo_engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def client(url):
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def expected(demo_engine) -> dict[str, dict[str, Any]]:
    """What each feature must say, by its id, from the evaluation of each year under the
    default rules: one entry per parcel of each enterprise evaluated."""
    rules = EfficiencyRules()
    found: dict[str, dict[str, Any]] = {}
    with read_session(demo_engine) as session:
        for year in YEARS:
            for record in evaluate(session, rules, year).items.to_dict("records"):
                for code in record["parcel_codes"]:
                    found.setdefault(result_key(year, code), {**record, "year": year})
    return found


def _page(client, **params: Any) -> dict[str, Any]:
    response = client.get("/ogc/collections/efficiency/items", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json()


def _walk(client, **params: Any) -> list[dict[str, Any]]:
    """Every matching feature, page after page by the ``next`` links."""
    page = _page(client, **params)
    found = list(page["features"])
    while nexts := [link for link in page["links"] if link["rel"] == "next"]:
        response = client.get(nexts[0]["href"])
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["features"]
    return found


def _close(got: Any, wanted: Any) -> bool:
    if wanted is None or (isinstance(wanted, float) and math.isnan(wanted)):
        return got is None
    if isinstance(wanted, float | int) and not isinstance(wanted, bool):
        return got == pytest.approx(wanted, rel=1e-9, abs=1e-9)
    return got == wanted


def test_the_collection_is_listed_with_the_years_as_its_time(client):
    listed = client.get("/ogc/collections").json()["collections"]
    assert [c["id"] for c in listed][3] == "efficiency"

    document = client.get("/ogc/collections/efficiency").json()
    assert document["title"].startswith("亩均效益评价")
    temporal = document["extent"]["temporal"]
    assert temporal["property"] == "year"
    first, last = temporal["interval"][0]
    assert first.startswith("2022-01-01T00:00:00") and last.startswith("2023-12-31T23:59:59")
    west, south, east, north = document["extent"]["spatial"]["bbox"][0]
    assert 100 < west < east < 110 and 20 < south < north < 40


def test_every_feature_is_a_parcel_of_an_evaluated_enterprise_as_evaluate_gives_it(
    client, expected
):
    # Small pages: the walk follows a dozen next links and more.
    features = _walk(client, limit=17)

    assert sorted(f["id"] for f in features) == sorted(expected)
    assert len(features) == len({f["id"] for f in features})
    for feature in features:
        wanted, got = expected[feature["id"]], feature["properties"]
        assert got["year"] == wanted["year"]
        assert feature["id"] == f"{got['year']}-{got['parcel_code']}"
        assert got["parcel_code"] in wanted["parcel_codes"]
        assert got["parcel_count"] == len(wanted["parcel_codes"])
        assert _close(got["credit_code"], wanted["credit_code"]) and got["name"] == wanted["name"]
        assert got["matched_by"] == wanted["matched_by"]
        assert got["area_mu"] == pytest.approx(round(m2_to_mu(wanted["area_m2"]), 2))
        for name in (*FIGURES, *(i.key for i in INDICATORS), "score", "previous_score"):
            assert _close(got[name], wanted[name]), (feature["id"], name, got[name], wanted[name])
        for name in ("class", "previous_class", "trend"):
            assert _close(got[name], wanted[name]), (feature["id"], name)
        assert feature["geometry"]["type"] == "MultiPolygon"
        # The indicators are per 亩 of the enterprise's land, the parcel's share of it.
        if got["parcel_count"] == 1:
            assert got["parcel_area_mu"] == got["area_mu"]
        else:
            assert got["parcel_area_mu"] < got["area_mu"]


def test_a_cql2_filter_on_class_and_year_selects_the_evaluations_class_d(client, expected):
    wanted = sorted(k for k, v in expected.items() if v["year"] == 2023 and v["class"] == "D")
    assert 0 < len(wanted) < len(expected)

    page = _page(client, filter="class = 'D' AND year = 2023", limit=1000)

    assert sorted(f["id"] for f in page["features"]) == wanted
    assert page["numberMatched"] == len(wanted)
    high = _walk(client, filter="score >= 120", limit=5)
    assert sorted(f["id"] for f in high) == sorted(
        k for k, v in expected.items() if v["score"] >= 120
    )
    assert {f["properties"]["class"] for f in high} == {"A"}


def test_datetime_selects_a_year_and_paging_keeps_the_filter(client, expected):
    wanted = sorted(k for k, v in expected.items() if v["year"] == 2022)

    found = _walk(client, datetime="2022-06-30T12:00:00Z", limit=9)

    assert sorted(f["id"] for f in found) == wanted
    spanning = _page(client, datetime="2022-12-31T00:00:00Z/2023-01-01T23:00:00Z", limit=1)
    assert spanning["numberMatched"] == len(expected)
    assert _page(client, datetime="2024-06-01T00:00:00Z")["numberMatched"] == 0


def test_bbox_selects_the_parcels_it_meets(client, expected):
    every = _walk(client, limit=1000)
    shapes = {f["id"]: shape(f["geometry"]) for f in every}
    west, south, east, north = shapely.union_all(list(shapes.values())).bounds
    half = shapely.box(west, south, (west + east) / 2, north)
    wanted = sorted(key for key, geometry in shapes.items() if geometry.intersects(half))
    assert 0 < len(wanted) < len(expected)

    found = _walk(client, bbox=",".join(map(str, half.bounds)), limit=10)

    assert sorted(f["id"] for f in found) == wanted


def test_properties_choose_the_members_returned(client):
    page = _page(client, properties="year,class,score", limit=3)

    assert [sorted(f["properties"]) for f in page["features"]] == [["class", "score", "year"]] * 3
    refused = client.get(
        "/ogc/collections/efficiency/items", params={"properties": "status", "limit": 1}
    )
    assert refused.status_code == 400
    assert "status" in refused.json()["description"]


def test_one_feature_and_a_filter_on_a_missing_collection_parameter(client, expected):
    key = next(iter(expected))
    feature = client.get(f"/ogc/collections/efficiency/items/{key}").json()
    assert feature["id"] == key and feature["properties"]["score"] == pytest.approx(
        expected[key]["score"]
    )
    refused = client.get("/ogc/collections/efficiency/items", params={"status": "identified"})
    assert refused.status_code == 400


def test_the_queryables_list_every_property_with_the_classes(client):
    response = client.get("/ogc/collections/efficiency/queryables")
    assert response.status_code == 200
    members = response.json()["properties"]

    for name in ("year", "parcel_code", "zone_name", "credit_code", "name", "area_mu", "score"):
        assert name in members
    assert {*FIGURES, *(i.key for i in INDICATORS)} <= set(members)
    assert members["class"]["enum"] == ["A", "B", "C", "D"]
    assert members["previous_class"]["enum"] == ["A", "B", "C", "D"]
    assert members["trend"]["enum"] == ["up", "same", "down", "new"]
    assert members["year"]["type"] == "integer" and members["score"]["type"] == "number"
    assert members["geom"]["format"] == "geometry-any"


def test_changed_settings_rewrite_the_results_on_the_next_request(url, client, demo_engine):
    strict = EfficiencyRules(thresholds={"A": 150.0, "B": 140.0, "C": 130.0})
    with read_session(demo_engine) as session:
        evaluation = evaluate(session, strict, 2023)
    d_parcels = sum(
        len(codes)
        for codes, grade in evaluation.items[["parcel_codes", "class"]].values
        if grade == "D"
    )
    settings = Settings(database_url=url, efficiency=strict)
    with TestClient(create_app(settings)) as strict_client:
        page = _page(strict_client, filter="year = 2023 AND class = 'D'", limit=1)
        assert page["numberMatched"] == d_parcels
    # The default settings again: rewritten back, and counted again.
    back = _page(client, filter="year = 2023 AND class = 'D'", limit=1)
    assert back["numberMatched"] < d_parcels


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(url, tmp_path_factory):
    """``landgis serve`` on the demo database, on loopback, stopped at the end."""
    assert LANDGIS, "the landgis console script is installed with the package"
    port = _free_port()
    log = tmp_path_factory.mktemp("served") / "server.log"
    server = subprocess.Popen(
        [LANDGIS, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "LANDGIS_DATABASE_URL": url},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(f"{base}/ogc", server, log.read_text)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("NO_PROXY", "127.0.0.1,localhost")
            patch.setenv("no_proxy", "127.0.0.1,localhost")
            yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_owslib_reads_the_class_d_parcels_of_a_year(served, expected):
    """What a GIS officer's script does: list the collections, read the queryables, ask
    for the class D parcels of 2023 with a CQL2 filter, and page through the year."""
    api = Features(f"{served}/ogc")
    ids = [c["id"] for c in api.collections()["collections"]]
    assert "efficiency" in ids
    assert "class" in api.collection_queryables("efficiency")["properties"]

    page = api.collection_items(
        "efficiency", filter="class = 'D' AND year = 2023", **{"filter-lang": "cql2-text"}
    )
    wanted = sorted(k for k, v in expected.items() if v["year"] == 2023 and v["class"] == "D")
    assert page["numberMatched"] == len(wanted)
    # Pages follow the key: the first ten of them.
    assert [f["id"] for f in page["features"]] == wanted[:10]
    for feature in page["features"]:
        assert feature["properties"]["class"] == "D"
        assert feature["properties"]["tax_per_mu"] == pytest.approx(
            expected[feature["id"]]["tax_per_mu"], nan_ok=True
        )
    # Page by page through 2023, as the next links lead.
    seen: list[str] = []
    after = None
    while True:
        params: dict[str, Any] = {"filter": "year = 2023", "limit": 20}
        if after:
            params["after"] = after
        page = api.collection_items("efficiency", **params)
        seen += [f["id"] for f in page["features"]]
        nexts = [link for link in page["links"] if link["rel"] == "next"]
        if not nexts:
            break
        after = parse_qs(urlsplit(nexts[0]["href"]).query)["after"][0]
    assert sorted(seen) == sorted(k for k, v in expected.items() if v["year"] == 2023)
