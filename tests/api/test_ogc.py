"""OGC API - Features (Core, GeoJSON) at /ogc, on the demo database of each backend, and
read back by GDAL's OAPIF driver from a live server."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from fastapi.testclient import TestClient
from server_start import drained_output, wait_until_served
from sqlalchemy import event, func, select, update

from api import route_urls
from api.main import create_app
from landgis import features
from landgis.db.migrate import upgrade
from landgis.db.models import Case, CountCache, Parcel, Zone
from landgis.db.session import read_session
from landgis.errors import InvalidInput, NotFound
from landgis.parcels import ParcelFilter
from landgis.settings import Settings

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def counts(demo_engine):
    """How many parcels, cases and zones the demo database holds, counted directly."""
    with demo_engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(model))
            for name, model in (("parcels", Parcel), ("cases", Case), ("zones", Zone))
        }


def _links(document: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in document["links"]}


def _features(client, collection: str, **params) -> dict:
    response = client.get(f"/ogc/collections/{collection}/items", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json()


def _first_point(feature: dict) -> tuple[float, float]:
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    return lon, lat


# --- landing page, conformance, collections -------------------------------------------


def test_landing_page_links_lead_where_they_say(client):
    response = client.get("/ogc")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    page = response.json()
    assert page["title"] and page["description"]
    links = _links(page)
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(links)
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-desc"]["href"].endswith("/ogc/api")
    assert links["service-doc"]["href"].endswith("/docs")
    assert links["conformance"]["href"].endswith("/ogc/conformance")
    assert links["data"]["href"].endswith("/ogc/collections")
    for link in links.values():
        assert client.get(link["href"]).status_code == 200, link
    openapi = client.get(links["service-desc"]["href"]).json()
    assert openapi["openapi"].startswith("3.0.")
    assert openapi["servers"][0]["url"].endswith("/ogc")
    assert "/collections/{collectionId}/items" in openapi["paths"]


def test_conformance_declares_core_and_geojson(client):
    conforms = client.get("/ogc/conformance").json()["conformsTo"]
    assert CORE in conforms
    assert GEOJSON_CLASS in conforms


def test_collections_list_parcels_cases_zones_the_evaluation_buildings_and_projects(client):
    body = client.get("/ogc/collections").json()
    assert _links(body)["self"]["href"].endswith("/ogc/collections")
    collections = {c["id"]: c for c in body["collections"]}
    assert list(collections) == [
        "parcels",
        "cases",
        "zones",
        "efficiency",
        "buildings",
        "projects",
    ]
    for collection in collections.values():
        assert collection["itemType"] == "feature"
        assert collection["crs"][0] == CRS84  # the default first (more: test_ogc_crs.py)
        assert collection["title"] and collection["description"]
        links = _links(collection)
        assert links["self"]["href"].endswith(f"/ogc/collections/{collection['id']}")
        assert links["items"]["type"] == "application/geo+json"
        assert links["items"]["href"].endswith(f"/ogc/collections/{collection['id']}/items")
        assert collection["extent"]["spatial"]["crs"] == CRS84
        [bbox] = collection["extent"]["spatial"]["bbox"]
        minx, miny, maxx, maxy = bbox
        # The demo county lies near 104.8°E 30.1°N: longitude first.
        assert 104 < minx < maxx < 106
        assert 29 < miny < maxy < 31
    assert (
        "宗地" in collections["parcels"]["title"] and "Parcels" in collections["parcels"]["title"]
    )
    assert "台账" in collections["cases"]["title"]
    assert "片区" in collections["zones"]["title"]
    assert "亩均效益评价" in collections["efficiency"]["title"]
    assert "厂房" in collections["buildings"]["title"]
    assert "招商项目" in collections["projects"]["title"]


def test_extents_are_the_bounds_of_the_data(client):
    for name in ("parcels", "cases", "zones", "efficiency", "buildings", "projects"):
        [bbox] = client.get(f"/ogc/collections/{name}").json()["extent"]["spatial"]["bbox"]
        every = _features(client, name, limit=10_000)["features"]
        # a project matched to nothing yet is not located
        located = [feature for feature in every if feature["geometry"] is not None]
        assert located, name
        points = [
            point
            for feature in located
            for polygon in feature["geometry"]["coordinates"]
            for point in polygon[0]  # the exterior ring
        ]
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        # The features' coordinates are rounded to 7 decimals.
        assert bbox == pytest.approx([min(lons), min(lats), max(lons), max(lats)], abs=1e-6)


def test_no_located_project_no_extent(databases):
    """With no project matched to a parcel yet, the projects collection has no extent."""
    engine = databases.engine()
    upgrade(engine)
    url = engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as empty:
        listed = {c["id"]: c for c in empty.get("/ogc/collections").json()["collections"]}
        assert "extent" not in listed["projects"]
        assert "extent" not in empty.get("/ogc/collections/projects").json()
        assert empty.get("/ogc/collections", params={"f": "html"}).status_code == 200


def test_one_collection_and_an_unknown_one(client):
    parcels = client.get("/ogc/collections/parcels").json()
    assert parcels["id"] == "parcels"
    missing = client.get("/ogc/collections/roads")
    assert missing.status_code == 404
    assert "roads" in missing.json()["message_en"]


# --- items ------------------------------------------------------------------------------


def test_items_are_rfc7946_with_counts_and_a_timestamp(client, counts):
    body = _features(client, "parcels")
    assert body["type"] == "FeatureCollection"
    assert "crs" not in body
    assert body["numberMatched"] == counts["parcels"] == 90
    assert body["numberReturned"] == len(body["features"]) == 10
    assert body["timeStamp"].endswith("Z")
    for feature in body["features"]:
        assert "crs" not in feature
        assert feature["id"] == feature["properties"]["parcel_code"]
        assert feature["geometry"]["type"] == "MultiPolygon"
        lon, lat = _first_point(feature)
        assert 104 < lon < 106 and 29 < lat < 31


def test_parcel_properties_are_those_of_the_parcels_api(client):
    ogc = _features(client, "parcels", limit=90)["features"]
    api = client.get("/api/parcels").json()["features"]
    assert [f["id"] for f in ogc] == [f["id"] for f in api]
    for mine, theirs in zip(ogc, api, strict=True):
        expected = {k: v for k, v in theirs["properties"].items() if k != "id"}
        assert mine["properties"] == expected
        assert mine["geometry"] == theirs["geometry"]
    in_ledger = [f for f in ogc if f["properties"]["case_no"]]
    assert len(in_ledger) == 13
    assert {"holder", "status", "area_mu", "zone_code"} <= set(ogc[0]["properties"])


def test_paging_by_next_links_sees_every_parcel_once(client, counts):
    seen: list[str] = []
    url = "/ogc/collections/parcels/items?limit=10"
    pages = 0
    while url:
        body = client.get(url).json()
        pages += 1
        assert body["numberMatched"] == counts["parcels"]
        assert body["numberReturned"] == len(body["features"])
        seen += [f["id"] for f in body["features"]]
        links = _links(body)
        assert links["self"]["type"] == "application/geo+json"
        assert links["collection"]["href"].endswith("/ogc/collections/parcels")
        assert ("prev" in links) == (pages > 1)
        url = links.get("next", {}).get("href")
        if url:
            assert links["next"]["type"] == "application/geo+json"
        assert pages <= 10
    assert pages == 9
    assert len(seen) == len(set(seen)) == counts["parcels"]
    assert seen == sorted(seen)  # ordered by parcel code


def test_prev_link_leads_back_one_page(client):
    first = _features(client, "parcels", limit=7)
    second = client.get(_links(first)["next"]["href"]).json()
    back = client.get(_links(second)["prev"]["href"]).json()
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]
    # A page that does not start on a multiple of the limit goes back to the start.
    odd = _features(client, "parcels", limit=7, offset=3)
    start = client.get(_links(odd)["prev"]["href"]).json()
    assert [f["id"] for f in start["features"]] == [f["id"] for f in first["features"]]


def test_the_last_page_has_no_next_and_past_the_end_is_empty(client, counts):
    last = _features(client, "parcels", limit=10, offset=counts["parcels"] - 3)
    assert last["numberReturned"] == 3
    assert "next" not in _links(last)
    beyond = _features(client, "parcels", offset=counts["parcels"] + 50)
    assert beyond["features"] == []
    assert beyond["numberReturned"] == 0
    assert beyond["numberMatched"] == counts["parcels"]


def test_limit_above_the_maximum_is_served_as_the_maximum(client, counts):
    body = _features(client, "parcels", limit=50_000, offset=5)
    assert body["numberReturned"] == counts["parcels"] - 5
    links = _links(body)
    assert "next" not in links
    assert "limit=10000" in links["prev"]["href"] and "offset=0" in links["prev"]["href"]


def test_links_follow_the_host_and_root_path_of_each_request(client, monkeypatch):
    """The routes' URLs are kept between requests, per base URL: each request's links name
    its own host and root path, also once the kept URLs were forgotten for room."""
    monkeypatch.setattr(route_urls, "KEEP_MAX", 2)
    rooted = TestClient(client.app, root_path="/gis")
    asks = [
        (client, "a.example", "http://a.example"),
        (client, "b.example:8080", "http://b.example:8080"),
        (rooted, "a.example", "http://a.example/gis"),
        (client, "c.example", "http://c.example"),
        (client, "a.example", "http://a.example"),
    ]
    for asker, host, base in asks * 2:
        body = asker.get(
            "/ogc/collections/parcels/items", params={"limit": 2}, headers={"Host": host}
        ).json()
        links = _links(body)
        assert links["collection"]["href"] == f"{base}/ogc/collections/parcels"
        collection = asker.get("/ogc/collections/zones", headers={"Host": host}).json()
        assert _links(collection)["items"]["href"] == f"{base}/ogc/collections/zones/items"


def test_next_link_keeps_the_filters(client):
    body = _features(client, "parcels", limit=2, status="disposing,planned")
    next_href = _links(body)["next"]["href"]
    assert "status=disposing%2Cplanned" in next_href or "status=disposing,planned" in next_href
    second = client.get(next_href).json()
    assert {f["properties"]["status"] for f in second["features"]} <= {"disposing", "planned"}


def test_unknown_query_parameters_are_refused(client):
    odd = client.get(
        "/ogc/collections/parcels/items", params={"limit": 5, "SERVICE": "WFS", "foo": "bar"}
    )
    assert odd.status_code == 400
    body = odd.json()
    assert body["code"] == "InvalidParameterValue"
    assert "SERVICE" in body["message_en"] and "foo" in body["message_en"]


# --- bbox and axis order ------------------------------------------------------------------


def _one_parcel(client) -> tuple[str, tuple[float, float, float, float]]:
    every = _features(client, "parcels", limit=100)["features"]
    feature = every[17]
    ring = feature["geometry"]["coordinates"][0][0]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    cx, cy = sum(lons) / len(lons), sum(lats) / len(lats)
    return feature["id"], (cx - 1e-5, cy - 1e-5, cx + 1e-5, cy + 1e-5)


def test_bbox_is_longitude_first(client):
    code, (minx, miny, maxx, maxy) = _one_parcel(client)
    assert 104 < minx < 106 and 29 < miny < 31
    found = _features(client, "parcels", bbox=f"{minx},{miny},{maxx},{maxy}")
    assert code in [f["id"] for f in found["features"]]
    assert found["numberMatched"] == found["numberReturned"] < 5
    # The same box, explicitly in CRS84, and with heights (six numbers).
    crs84 = _features(client, "parcels", bbox=f"{minx},{miny},{maxx},{maxy}", **{"bbox-crs": CRS84})
    assert [f["id"] for f in crs84["features"]] == [f["id"] for f in found["features"]]
    with_heights = _features(client, "parcels", bbox=f"{minx},{miny},0,{maxx},{maxy},100")
    assert [f["id"] for f in with_heights["features"]] == [f["id"] for f in found["features"]]


def test_bbox_with_latitude_first_finds_nothing(client):
    code, (minx, miny, maxx, maxy) = _one_parcel(client)
    # Latitude first puts 104.8 where a latitude belongs: refused, never read as lat/lon.
    swapped = client.get(
        "/ogc/collections/parcels/items", params={"bbox": f"{miny},{minx},{maxy},{maxx}"}
    )
    assert swapped.status_code == 400
    assert "bbox" in swapped.json()["message_en"]
    # A band of the parcel's latitudes around the globe finds it; the same numbers as a band
    # of longitudes (what a lat/lon reading would need) find nothing.
    latitude_band = _features(client, "parcels", bbox=f"-180,{miny},180,{maxy}")
    assert code in [f["id"] for f in latitude_band["features"]]
    longitude_band = _features(client, "parcels", bbox=f"{miny},-90,{maxy},90")
    assert longitude_band["features"] == []
    assert longitude_band["numberMatched"] == 0


def test_bbox_narrows_cases_and_zones(client):
    _code, (minx, miny, maxx, maxy) = _one_parcel(client)
    box = f"{minx},{miny},{maxx},{maxy}"
    zones = _features(client, "zones", bbox=box)
    assert {f["properties"]["kind"] for f in zones["features"]} >= {"county", "park"}
    far = _features(client, "cases", bbox="100,20,100.1,20.1")
    assert far["features"] == [] and far["numberMatched"] == 0
    case = _features(client, "cases", limit=1)["features"][0]
    lon, lat = _first_point(case)
    near = _features(client, "cases", bbox=f"{lon - 1e-4},{lat - 1e-4},{lon + 1e-4},{lat + 1e-4}")
    assert case["id"] in [f["id"] for f in near["features"]]


# --- parcel filters -------------------------------------------------------------------------


def test_parcel_filters_match_the_parcels_api(client):
    for params in (
        {"status": "disposing"},
        {"zone": "QX-KFQ-LJ"},
        {"category": "idle"},
        {"route": "buyback"},
        {"cause": "government"},
        {"q": "机械"},
        {"overdue": "true"},
    ):
        ogc = _features(client, "parcels", limit=1000, **params)
        api = client.get("/api/parcels", params=params).json()["features"]
        assert [f["id"] for f in ogc["features"]] == [f["id"] for f in api], params
        assert ogc["numberMatched"] == len(api), params
    several = _features(client, "parcels", limit=1000, status="disposing,planned")
    repeated = client.get(
        "/ogc/collections/parcels/items?limit=1000&status=disposing&status=planned"
    ).json()
    assert [f["id"] for f in several["features"]] == [f["id"] for f in repeated["features"]]
    assert {f["properties"]["status"] for f in several["features"]} == {"disposing", "planned"}


# --- cases and zones ----------------------------------------------------------------------


def test_cases_are_the_13_ledger_cases_on_their_parcels(client, counts):
    body = _features(client, "cases", limit=100)
    assert body["numberMatched"] == body["numberReturned"] == counts["cases"] == 13
    parcels = {f["id"]: f for f in _features(client, "parcels", limit=100)["features"]}
    ledger = {row["case_no"]: row for row in client.get("/api/ledger").json()["rows"]}
    for case in body["features"]:
        properties = case["properties"]
        assert case["id"] == properties["case_no"]
        parcel = parcels[properties["parcel_code"]]
        assert case["geometry"] == parcel["geometry"]
        assert parcel["properties"]["case_no"] == case["id"]
        assert properties["status"] == parcel["properties"]["status"]
        row = ledger[case["id"]]
        for key in ("status", "route", "category", "cause", "idle_area_mu", "holder"):
            assert properties[key] == row[key], key
    total_mu = sum(f["properties"]["idle_area_mu"] for f in body["features"])
    assert total_mu == pytest.approx(539, abs=0.5)
    disposing = _features(client, "cases", status="disposing")
    assert disposing["numberMatched"] == sum(
        1 for f in body["features"] if f["properties"]["status"] == "disposing"
    )


def test_zones_are_the_county_the_park_and_its_areas(client, counts):
    body = _features(client, "zones", limit=100)
    assert body["numberMatched"] == counts["zones"] == 5
    kinds = [f["properties"]["kind"] for f in body["features"]]
    assert kinds.count("county") == 1 and kinds.count("park") == 1 and kinds.count("area") == 3
    by_code = {f["id"]: f["properties"] for f in body["features"]}
    for code, properties in by_code.items():
        assert code == properties["code"]
    park = next(p for p in by_code.values() if p["kind"] == "park")
    county = next(p for p in by_code.values() if p["kind"] == "county")
    assert park["parent_code"] == county["code"]
    assert park["kind_name"] == "园区"
    for area in (p for p in by_code.values() if p["kind"] == "area"):
        assert area["parent_code"] == park["code"]


def test_zones_cannot_be_filtered_by_case_fields(client):
    response = client.get("/ogc/collections/zones/items", params={"status": "planned"})
    assert response.status_code == 400
    assert "status" in response.json()["message_en"]


# --- single features --------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["parcels", "cases", "zones"])
def test_one_feature_equals_its_entry_in_the_list(client, collection):
    listed = _features(client, collection, limit=100)["features"][2]
    response = client.get(f"/ogc/collections/{collection}/items/{listed['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    feature = response.json()
    assert feature["type"] == "Feature"
    assert "crs" not in feature
    assert feature["id"] == listed["id"]
    assert feature["properties"] == listed["properties"]
    assert feature["geometry"] == listed["geometry"]
    links = _links(feature)
    assert links["self"]["href"].endswith(f"/ogc/collections/{collection}/items/{listed['id']}")
    assert links["collection"]["href"].endswith(f"/ogc/collections/{collection}")


@pytest.mark.parametrize(
    "path",
    [
        "/ogc/collections/parcels/items/NO-SUCH-PARCEL",
        "/ogc/collections/cases/items/QX-XZ-1999-999",
        "/ogc/collections/zones/items/nowhere",
        "/ogc/collections/roads/items",
        "/ogc/collections/roads/items/1",
        "/ogc/collections/parcels/items/%25",
        "/ogc/collections/parcels/items/%00",
    ],
)
def test_unknown_ids_and_collections_are_404_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    body = response.json()
    assert body["message"] and body["message_en"]


# --- bad parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": -5}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1e3"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "x"}, "offset"),
        ({"offset": 10**20}, "offset"),
        ({"bbox": "104,30,105"}, "bbox"),
        ({"bbox": "104,30,105,31,1"}, "bbox"),
        ({"bbox": "104,30,181,31"}, "bbox"),
        ({"bbox": "104,31,105,30"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "nan,30,105,31"}, "bbox"),
        ({"bbox": "-inf,30,inf,31"}, "bbox"),
        ({"bbox": "104,-91,105,31"}, "bbox"),
        ({"bbox": "104,30,105,31", "bbox-crs": "EPSG:4490"}, "bbox-crs"),
        ({"status": "lost"}, "status"),
        ({"category": "odd"}, "category"),
        ({"overdue": "maybe"}, "overdue"),
        ({"q": "a\x00b"}, "q"),
        ({"zone": "x\x00"}, "zone"),
        ({"f": "xml"}, "f="),
    ],
)
def test_bad_parameters_are_400_json_with_a_message(client, params, says):
    response = client.get("/ogc/collections/parcels/items", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["message"] and body["message_en"]
    assert says in json.dumps(body, ensure_ascii=False)


def test_json_format_is_accepted(client):
    for path in ("/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/zones"):
        assert client.get(path, params={"f": "json"}).status_code == 200, path
    assert _features(client, "zones", f="json")["numberMatched"] == 5


def test_reads_can_be_put_behind_a_login(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, read_requires_login=True)
    with TestClient(create_app(settings)) as closed:
        for path in ("/ogc", "/ogc/collections", "/ogc/collections/parcels/items"):
            response = closed.get(path)
            assert response.status_code == 401, path
            assert response.json()["message_en"]


# --- the library: counting and paging in SQL ----------------------------------------------


def _statements(session, call):
    """What ``call()`` returns and the SQL statements it ran."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        return call(), statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_items_page_builds_features_in_sql_and_counts_once_per_data_version(session, counts):
    def last_two():
        return features.items_page(session, "parcels", limit=4, offset=counts["parcels"] - 2)

    # Some change (here a parcel's holder) bumps the data version: the count is taken.
    session.execute(update(Parcel).where(Parcel.id == 1).values(holder="某公司"))
    page, first_run = _statements(session, last_two)
    assert page.number_matched == counts["parcels"]
    assert page.number_returned == 2
    assert not page.has_next and page.has_prev
    assert any("count(" in s.lower() for s in first_run)
    # The features come out of the database as GeoJSON text.
    assert all(json.loads(f)["type"] == "Feature" for f in page.features)
    # Asked again with nothing changed: the count comes from the cache.
    again, second_run = _statements(session, last_two)
    assert again.features == page.features and again.number_matched == counts["parcels"]
    assert not any("count(" in s.lower() for s in second_run)
    # A change to a parcel bumps the data version, and the count is taken again.
    first = feature_id(page.features[0])
    session.execute(update(Parcel).where(Parcel.parcel_code == first).values(holder="x"))
    _, after_change = _statements(session, last_two)
    assert any("count(" in s.lower() for s in after_change)


def feature_id(feature: str) -> str:
    return json.loads(feature)["id"]


def test_keyset_pages_equal_offset_pages_and_read_no_skipped_rows(session, counts):
    by_offset = features.items_page(session, "parcels", limit=5, offset=40)
    before = features.items_page(session, "parcels", limit=5, offset=35)
    by_key, statements = _statements(
        session,
        lambda: features.items_page(session, "parcels", limit=5, after=before.next_after),
    )
    assert by_key.features == by_offset.features
    assert "parcels.parcel_code >" in statements[-1]
    # Filters apply to keyset pages too.
    first = features.items_page(session, "parcels", ParcelFilter(in_ledger=True), limit=3)
    rest = features.items_page(
        session, "parcels", ParcelFilter(in_ledger=True), limit=100, after=first.next_after
    )
    ids = [feature_id(f) for f in first.features + rest.features]
    assert len(ids) == first.number_matched == rest.number_matched == counts["cases"]
    assert ids == sorted(ids)


def test_items_page_clamps_the_limit_and_refuses_unknown_collections(session):
    assert features.items_page(session, "zones", limit=10**9).limit == features.MAX_LIMIT
    with pytest.raises(InvalidInput):
        features.items_page(session, "zones", limit=0)
    with pytest.raises(InvalidInput):
        features.items_page(session, "zones", ParcelFilter(status=("planned",)))
    with pytest.raises(NotFound):
        features.items_page(session, "roads")
    with pytest.raises(NotFound):
        features.item(session, "parcels", "nothing-like-it")


# --- GDAL reads it from a live server -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(databases, monkeypatch):
    """``landgis serve`` on a fresh demo database, stopped at the end whatever happens."""
    assert LANDGIS, "the landgis console script is installed with the package"
    env = {**os.environ, "LANDGIS_DATABASE_URL": databases.new_url()}
    for command in ("init", "demo"):
        subprocess.run([LANDGIS, command], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [LANDGIS, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # GDAL speaks to the server directly, never through a proxy of the environment.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    pyogrio.set_gdal_config_options({"GDAL_HTTP_TIMEOUT": "30"})
    try:
        wait_until_served(f"http://127.0.0.1:{port}/ogc", server, drained_output(server))
        yield f"http://127.0.0.1:{port}"
    finally:
        pyogrio.set_gdal_config_options({"GDAL_HTTP_TIMEOUT": None})
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_gdal_reads_the_collections_from_a_live_server(live_server):
    assert "OAPIF" in pyogrio.list_drivers()
    source = f"OAPIF:{live_server}/ogc"
    layers = {name for name, _geometry in pyogrio.list_layers(source)}
    assert layers >= {"parcels", "cases", "zones", "efficiency", "buildings", "projects"}

    parcels = pyogrio.read_dataframe(source, layer="parcels")
    assert len(parcels) == 90
    assert parcels["parcel_code"].is_unique
    assert parcels["holder"].notna().all()
    assert set(parcels["status"].dropna()) >= {"disposing", "revitalized"}
    assert parcels["status"].notna().sum() == 13
    assert parcels["area_mu"].dtype.kind == "f"
    # GDAL reads the storage CRS, CGCS2000 (EPSG:4490), x the longitude.
    assert parcels.crs is not None and parcels.crs.to_epsg() == 4490
    centroids = parcels.geometry.representative_point()
    assert centroids.x.between(104.6, 105.0).all()  # x is the longitude
    assert centroids.y.between(29.9, 30.3).all()  # y is the latitude
    assert abs(centroids.x.mean() - 104.8) < 0.1 and abs(centroids.y.mean() - 30.1) < 0.05

    cases = pyogrio.read_dataframe(source, layer="cases")
    assert len(cases) == 13
    assert set(cases["parcel_code"]) <= set(parcels["parcel_code"])
    zones = pyogrio.read_dataframe(source, layer="zones")
    assert sorted(zones["kind"]) == ["area", "area", "area", "county", "park"]


def test_large_pages_are_written_out_in_batches_and_equal_pages_built_in_memory(
    client, counts, monkeypatch
):
    monkeypatch.setattr(features.pages, "STREAM_BATCH", 7)
    built = _features(client, "parcels", limit=features.STREAM_ABOVE)
    streamed = _features(client, "parcels", limit=features.STREAM_ABOVE + 1)
    assert streamed["features"] == built["features"]
    assert len(streamed["features"]) == streamed["numberReturned"] == counts["parcels"]
    assert streamed["numberMatched"] == counts["parcels"]
    assert "next" not in _links(streamed)


def test_write_items_pages_by_key_like_items_page(session, counts):
    out = io.BytesIO()
    page = features.write_items(session, out, "cases", limit=4, after=None)
    written = json.loads(out.getvalue())
    in_memory = features.items_page(session, "cases", limit=4)
    assert [json.dumps(f) for f in written["features"]] == [
        json.dumps(json.loads(f)) for f in in_memory.features
    ]
    assert page.next_after == in_memory.next_after
    assert written["numberMatched"] == counts["cases"]
    rest = io.BytesIO()
    features.write_items(session, rest, "cases", after=page.next_after)
    assert len(json.loads(rest.getvalue())["features"]) == counts["cases"] - 4


def test_a_read_session_keeps_the_count_it_cached(demo_engine):
    filters = ParcelFilter(text="有限公司", status=("identified",))

    def cached_rows() -> int:
        with demo_engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(CountCache))

    before = cached_rows()
    with read_session(demo_engine) as session:
        page = features.items_page(session, "parcels", filters, limit=2)
    assert page.number_matched is not None
    assert cached_rows() == before + 1
