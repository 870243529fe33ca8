"""The abstract test suite of OGC API - Features - Part 1 (OGC 17-069r4, Annex A): one test
per abstract test of the Core, GeoJSON and OpenAPI 3.0 conformance classes, named after it,
against ``landgis serve`` on loopback (HTTP/1.1, as a client sees it), on each backend.

The served demo county is given known times first: each parcel its own ``updated_at``, and
one ledger case no event at all, so that what ``datetime`` must select is known here
independently of the server. The server runs in the county's time zone (Asia/Shanghai), so
county days differ from UTC days. Schemas are the standard's (its openapi/schemas), written
out below as JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import socket
import zoneinfo
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from fastapi.testclient import TestClient
from schemathesis.specs.openapi.definitions import OPENAPI_30
from shapely.geometry import box, shape

from api.main import create_app
from landgis import wallclock
from landgis.settings import Settings
from tests.api.ogc_live import GEOJSON, SILENT_CASE, Answer, Site, serve
from tests.api.ogc_live import links_by_rel as _links

COUNTY = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
JSON = "application/json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
HTML_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"
COLLECTIONS = ("parcels", "cases", "zones", "efficiency", "buildings", "projects")
UNKNOWN = "unknownQueryParameter"

# --- the standard's schemas (core/openapi/schemas), as JSON Schema -------------------------

STRING = {"type": "string"}
LINK = {
    "type": "object",
    "required": ["href", "rel"],
    "properties": {
        "href": STRING,
        "rel": STRING,
        "type": STRING,
        "hreflang": STRING,
        "title": STRING,
        "length": {"type": "integer"},
    },
}
LINKS = {"type": "array", "items": LINK}
LANDING_PAGE = {
    "type": "object",
    "required": ["links"],
    "properties": {"title": STRING, "description": STRING, "links": LINKS},
}
CONF_CLASSES = {
    "type": "object",
    "required": ["conformsTo"],
    "properties": {"conformsTo": {"type": "array", "items": STRING}},
}
BBOX = {
    "type": "array",
    "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
    "items": {"type": "number"},
}
EXTENT = {
    "type": "object",
    "properties": {
        "spatial": {
            "type": "object",
            "properties": {
                "bbox": {"type": "array", "minItems": 1, "items": BBOX},
                "crs": {"enum": [CRS84, "http://www.opengis.net/def/crs/OGC/0/CRS84h"]},
            },
        },
        "temporal": {
            "type": "object",
            "properties": {
                "interval": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 2,
                        "items": {"type": ["string", "null"]},
                    },
                },
                "trs": {"enum": [GREGORIAN]},
            },
        },
    },
}
COLLECTION = {
    "type": "object",
    "required": ["id", "links"],
    "properties": {
        "id": STRING,
        "title": STRING,
        "description": STRING,
        "links": LINKS,
        "extent": EXTENT,
        "itemType": STRING,
        "crs": {"type": "array", "items": STRING},
    },
}
COLLECTIONS_SCHEMA = {
    "type": "object",
    "required": ["links", "collections"],
    "properties": {"links": LINKS, "collections": {"type": "array", "items": COLLECTION}},
}
POSITION = {"type": "array", "minItems": 2, "items": {"type": "number"}}
RING = {"type": "array", "minItems": 4, "items": POSITION}


def _geometry(kind: str, coordinates: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {"type": {"enum": [kind]}, "coordinates": coordinates},
    }


GEOMETRY = {
    "oneOf": [
        _geometry("Point", POSITION),
        _geometry("MultiPoint", {"type": "array", "items": POSITION}),
        _geometry("LineString", {"type": "array", "minItems": 2, "items": POSITION}),
        _geometry(
            "MultiLineString",
            {"type": "array", "items": {"type": "array", "minItems": 2, "items": POSITION}},
        ),
        _geometry("Polygon", {"type": "array", "items": RING}),
        _geometry("MultiPolygon", {"type": "array", "items": {"type": "array", "items": RING}}),
    ]
}
FEATURE = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"enum": ["Feature"]},
        "geometry": {"oneOf": [GEOMETRY, {"type": "null"}]},
        "properties": {"type": ["object", "null"]},
        "id": {"type": ["string", "integer"]},
        "links": LINKS,
    },
}
FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": FEATURE},
        "links": LINKS,
        "timeStamp": STRING,
        "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0},
    },
}
EXCEPTION = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": STRING, "description": STRING},
}


def _valid(instance: Any, schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema).validate(instance)


@pytest.fixture(scope="module")
def site(databases: Any) -> Iterator[Site]:
    """``landgis serve`` on a demo county of its own, in the county's time zone."""
    yield from serve(databases)


def _routes(site: Site) -> dict[str, str]:
    """A path under the landing page for every route of the API."""
    parcel = site.items("parcels", limit=1)["features"][0]["id"]
    return {
        "landing": "",
        "landing/": "/",
        "api": "/api",
        "conformance": "/conformance",
        "collections": "/collections",
        "collection": "/collections/parcels",
        "items": "/collections/parcels/items",
        "item": f"/collections/parcels/items/{parcel}",
    }


def _assert_exception(answer: Answer, status: int, code: str, *mentions: str) -> None:
    assert answer.status == status, answer.body[:300]
    assert answer.media_type == JSON
    body = answer.json()
    _valid(body, EXCEPTION)
    assert body["code"] == code
    assert body["message"] and body["message_en"]
    for text in mentions:
        assert text in body["description"], (text, body["description"])


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _quiet(values: list[float], near: float) -> float:
    """A value near ``near`` in the widest gap between ``values`` close to it: a box edge
    there cuts no vertex (rounded or not) finely."""
    ordered = sorted({near - 0.004, near + 0.004, *(v for v in values if abs(v - near) < 0.004)})
    gaps = [(b - a, (a + b) / 2) for a, b in itertools.pairwise(ordered)]
    return max(gaps)[1]


def _shapes(site: Site, collection: str) -> dict[str, Any]:
    """The features' geometries by id (those with none, a project matched to nothing, left
    out)."""
    found = site.every_feature(collection, limit=1000)
    return {f["id"]: shape(f["geometry"]) for f in found if f["geometry"] is not None}


def _vertices(shapes: dict[str, Any]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for geometry in shapes.values():
        for polygon in getattr(geometry, "geoms", [geometry]):
            points += list(polygon.exterior.coords)
    return points


# --- Core: general ----------------------------------------------------------------------------


def test_core_http(site: Site) -> None:
    """/conf/core/http: HTTP/1.1 on every route; HEAD answers as GET without a body;
    OPTIONS says which methods are served; other methods are 405 saying so too."""
    for name, path in _routes(site).items():
        got = site.call("GET", path)
        assert got.status == 200, name
        assert got.version == 11, name
        assert int(got.headers["content-length"]) == len(got.body), name
        head = site.call("HEAD", path)
        assert (head.status, head.version, head.body) == (200, 11, b""), name
        assert head.media_type == got.media_type, name
        assert head.headers["content-length"] == got.headers["content-length"], name
        options = site.call("OPTIONS", path)
        assert options.status in (200, 204), name
        assert {m.strip() for m in options.headers["allow"].split(",")} >= {
            "GET",
            "HEAD",
            "OPTIONS",
        }, name
        refused = site.call("POST", path)
        assert refused.status == 405, name
        assert "GET" in refused.headers["allow"], name
    # A HEAD's answer has no body on the wire, whatever the client library makes of it.
    with socket.create_connection((site.host, site.port), timeout=30) as raw:
        raw.sendall(
            b"HEAD /ogc/collections/zones/items HTTP/1.1\r\n"
            + f"Host: {site.host}:{site.port}\r\n".encode()
            + b"Connection: close\r\n\r\n"
        )
        received = b""
        while chunk := raw.recv(65536):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert rest == b""
    # Errors come the same way: a HEAD of a missing collection is a bodiless 404.
    missing = site.call("HEAD", "/collections/roads")
    assert (missing.status, missing.body) == (404, b"")
    assert site.call("OPTIONS", "/no-such-resource").status == 404


def test_core_crs84(site: Site) -> None:
    """/conf/core/crs84: with no CRS asked for, every geometry is CRS84, longitude first."""
    for collection in site.document("/collections")["collections"]:
        assert collection["crs"][0] == CRS84
        assert collection["extent"]["spatial"]["crs"] == CRS84
    for name in COLLECTIONS:
        for lon, lat in _vertices(_shapes(site, name)):
            # The demo county lies near 104.8°E 30.1°N.
            assert 104 < lon < 106 and 29 < lat < 31, (name, lon, lat)


# --- Core: landing page, API definition, conformance ------------------------------------------


def test_core_root_op(site: Site) -> None:
    """/conf/core/root-op: the landing page is at {root}/ (and {root})."""
    for path in ("", "/"):
        answer = site.get(path)
        assert answer.status == 200
        assert answer.media_type == JSON
        _valid(answer.json(), LANDING_PAGE)


def test_core_root_success(site: Site) -> None:
    """/conf/core/root-success: the landing page links to the API definition (service-desc
    and service-doc), the conformance declaration and the collections (data)."""
    page = site.document("")
    _valid(page, LANDING_PAGE)
    assert page["title"] and page["description"]
    links = _links(page)
    assert links["self"]["href"] == site.root
    assert links["service-desc"]["type"] == OPENAPI
    assert links["service-doc"]["type"] == "text/html"
    assert links["conformance"]["href"] == f"{site.root}/conformance"
    assert links["data"]["href"] == f"{site.root}/collections"
    for link in page["links"]:
        assert link["rel"] and link["type"], link


def test_core_api_definition_op(site: Site) -> None:
    """/conf/core/api-definition-op: every API definition link of the landing page answers."""
    links = [
        link
        for link in site.document("")["links"]
        if link["rel"] in ("service-desc", "service-doc")
    ]
    assert {link["rel"] for link in links} == {"service-desc", "service-doc"}
    for link in links:
        answer = site.get(link["href"])
        assert answer.status == 200, link
        assert answer.media_type.split(";")[0] == link["type"].split(";")[0], link
    described = site.get(_links(site.document(""))["service-desc"]["href"])
    assert described.media_type == OPENAPI


def test_core_api_definition_success(site: Site) -> None:
    """/conf/core/api-definition-success: the API definition is a valid OpenAPI 3.0
    document describing the API where it is served."""
    document = site.api_definition()
    jsonschema.Draft4Validator(OPENAPI_30).validate(document)
    assert document["openapi"].startswith("3.0.")
    assert document["servers"] == [{"url": site.root}]
    assert {
        "/",
        "/api",
        "/conformance",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
    } <= set(document["paths"])


def test_core_conformance_op(site: Site) -> None:
    """/conf/core/conformance-op: the declaration at the landing page's link and at
    {root}/conformance."""
    linked = site.document(_links(site.document(""))["conformance"]["href"])
    assert linked == site.document("/conformance")
    assert site.get("/conformance").media_type == JSON


def test_core_conformance_success(site: Site) -> None:
    """/conf/core/conformance-success: the classes implemented: Core, GeoJSON, HTML, OpenAPI
    3.0."""
    declared = site.document("/conformance")
    _valid(declared, CONF_CLASSES)
    expected = {CONF + "core", CONF + "geojson", CONF + "html", CONF + "oas30"}
    assert expected <= set(declared["conformsTo"])


# --- Core: collections ----------------------------------------------------------------------


def test_core_fc_md_op(site: Site) -> None:
    """/conf/core/fc-md-op: the collections at {root}/collections."""
    answer = site.get("/collections")
    assert answer.status == 200
    assert answer.media_type == JSON


def test_core_fc_md_success(site: Site) -> None:
    """/conf/core/fc-md-success: the collections document's structure; CRS84 first."""
    document = site.document("/collections")
    _valid(document, COLLECTIONS_SCHEMA)
    for collection in document["collections"]:
        assert collection["crs"][0] == CRS84


def test_core_fc_md_links(site: Site) -> None:
    """/conf/core/fc-md-links: a self link, the HTML form as an alternate; every link with
    rel and type."""
    document = site.document("/collections")
    assert _links(document)["self"] == {
        "href": f"{site.root}/collections",
        "rel": "self",
        "type": JSON,
        "title": "Feature collections",
    }
    assert _links(document)["alternate"]["href"] == f"{site.root}/collections?f=html"
    assert _links(document)["alternate"]["type"] == "text/html"
    for link in document["links"]:
        assert link["rel"] and link["type"]


def test_core_fc_md_items(site: Site) -> None:
    """/conf/core/fc-md-items: one entry per collection, each with its id, links and extent."""
    entries = site.document("/collections")["collections"]
    assert [entry["id"] for entry in entries] == list(COLLECTIONS)
    for entry in entries:
        _valid(entry, COLLECTION)
        assert entry["itemType"] == "feature"
        assert entry["title"] and entry["description"]
        assert "spatial" in entry["extent"]


def test_core_fc_md_items_links(site: Site) -> None:
    """/conf/core/fc-md-items-links: each collection links to its features (items) in
    GeoJSON, the one encoding served; every link with rel and type."""
    for entry in site.document("/collections")["collections"]:
        links = _links(entry)
        assert links["items"]["type"] == GEOJSON
        assert links["items"]["href"] == f"{site.root}/collections/{entry['id']}/items"
        answer = site.get(links["items"]["href"])
        assert (answer.status, answer.media_type) == (200, GEOJSON)
        for link in entry["links"]:
            assert link["rel"] and link["type"]


def test_core_fc_md_extent(site: Site) -> None:
    """/conf/core/fc-md-extent: the bounding box holds every geometry and the interval every
    time: parcels' updated_at, cases' last event day (county days); zones have no time and
    so no temporal extent."""
    entries = {entry["id"]: entry for entry in site.document("/collections")["collections"]}
    for name in COLLECTIONS:
        minx, miny, maxx, maxy = entries[name]["extent"]["spatial"]["bbox"][0]
        for lon, lat in _vertices(_shapes(site, name)):
            assert minx - 1e-7 <= lon <= maxx + 1e-7 and miny - 1e-7 <= lat <= maxy + 1e-7
    assert "temporal" not in entries["zones"]["extent"]

    parcels = entries["parcels"]["extent"]["temporal"]
    assert (parcels["trs"], parcels["property"]) == (GREGORIAN, "updated_at")
    [[first, last]] = parcels["interval"]
    assert (_parse_time(first), _parse_time(last)) == (
        min(site.parcel_times.values()),
        max(site.parcel_times.values()),
    )
    for feature in site.every_feature("parcels", limit=1000):
        shown = _parse_time(feature["properties"]["updated_at"])
        assert shown == site.parcel_times[feature["id"]]
        assert _parse_time(first) <= shown <= _parse_time(last)

    cases = entries["cases"]["extent"]["temporal"]
    assert (cases["trs"], cases["property"]) == (GREGORIAN, "last_event_on")
    [[first, last]] = cases["interval"]
    days = [day for day in site.case_days.values() if day is not None]
    assert _parse_time(first) == dt.datetime.combine(min(days), dt.time(), COUNTY)
    assert _parse_time(last) == dt.datetime.combine(max(days), dt.time(23, 59, 59), COUNTY)
    for feature in site.every_feature("cases", limit=1000):
        shown = feature["properties"]["last_event_on"]
        day = site.case_days[feature["id"]]
        assert shown == (day.isoformat() if day else None)


def test_core_sfc_md_op(site: Site) -> None:
    """/conf/core/sfc-md-op: each collection at {root}/collections/{collectionId}; an
    unknown one is a 404."""
    for name in COLLECTIONS:
        answer = site.get(f"/collections/{name}")
        assert (answer.status, answer.media_type) == (200, JSON)
        _valid(answer.json(), COLLECTION)
    _assert_exception(site.get("/collections/roads"), 404, "NotFound", "roads")


def test_core_sfc_md_success(site: Site) -> None:
    """/conf/core/sfc-md-success: a collection reads as its entry in the collections."""
    for entry in site.document("/collections")["collections"]:
        alone = site.document(f"/collections/{entry['id']}")
        for key in ("id", "title", "description", "extent", "itemType", "crs"):
            assert alone[key] == entry[key], key
        for link in entry["links"]:
            assert link in alone["links"]


# --- Core: features -----------------------------------------------------------------------


def test_core_fc_op(site: Site) -> None:
    """/conf/core/fc-op: every collection's features at {root}/collections/{id}/items, and
    bbox with datetime selects the features matching both."""
    for name in COLLECTIONS:
        _valid(site.items(name), FEATURE_COLLECTION)
    shapes = _shapes(site, "parcels")
    lons = [lon for lon, _lat in _vertices(shapes)]
    cut = _quiet(lons, sorted(lons)[len(lons) // 2])
    west = {code for code, geometry in shapes.items() if geometry.bounds[0] <= cut}
    codes = sorted(site.parcel_times)
    first, last = site.parcel_times[codes[20]], site.parcel_times[codes[60]]
    in_time = set(codes[20:61])
    both = site.ids("parcels", bbox=f"-180,-90,{cut},90", datetime=f"{_utc(first)}/{_utc(last)}")
    assert both == west & in_time
    assert 0 < len(both) < len(in_time)


def test_core_fc_bbox_definition(site: Site) -> None:
    """/conf/core/fc-bbox-definition: bbox as the standard defines it."""
    [bbox] = [p for p in _items_parameters(site) if p["name"] == "bbox" and p["in"] == "query"]
    assert bbox["required"] is False
    assert (bbox["style"], bbox["explode"]) == ("form", False)
    assert bbox["schema"] == {
        "type": "array",
        "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
        "items": {"type": "number"},
    }


def test_core_fc_bbox_response(site: Site) -> None:
    """/conf/core/fc-bbox-response: only features whose geometry intersects the box, for
    four numbers, six (heights ignored) and a box across the antimeridian; geometries in
    CRS84; coordinates outside CRS84's range refused."""
    for name in COLLECTIONS:
        shapes = _shapes(site, name)
        points = _vertices(shapes)
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        mid_lon, mid_lat = sorted(lons)[len(lons) // 2], sorted(lats)[len(lats) // 2]
        west, east = _quiet(lons, mid_lon - 0.01), _quiet(lons, mid_lon + 0.01)
        south, north = _quiet(lats, mid_lat - 0.01), _quiet(lats, mid_lat + 0.01)
        area = box(west, south, east, north)
        inside = {code for code, geometry in shapes.items() if geometry.intersects(area)}
        assert inside, name
        assert site.ids(name, bbox=f"{west},{south},{east},{north}") == inside, name
        assert site.ids(name, bbox=f"{west},{south},-10,{east},{north},5000") == inside, name
        # From 170°E eastwards across the antimeridian to the cut: two boxes.
        cut = _quiet(lons, mid_lon)
        halves = box(170, -90, 180, 90), box(-180, -90, cut, 90)
        wrapped = {
            code
            for code, geometry in shapes.items()
            if any(geometry.intersects(half) for half in halves)
        }
        assert site.ids(name, bbox=f"170,-90,{cut},90") == wrapped, name
        assert 0 < len(wrapped) < len(shapes) or name == "zones", name
        nowhere = site.items(name, bbox="10,10,11,11")
        assert nowhere["features"] == [] and nowhere["numberMatched"] == 0
    # The latitude 160 is no coordinate of CRS84.
    _assert_exception(
        site.get("/collections/parcels/items", bbox="104,30,105,160"),
        400,
        "InvalidParameterValue",
        "bbox",
    )


def test_core_fc_limit_definition(site: Site) -> None:
    """/conf/core/fc-limit-definition: limit as the standard defines it."""
    [limit] = [p for p in _items_parameters(site) if p["name"] == "limit"]
    assert limit["in"] == "query" and limit["required"] is False
    assert (limit["style"], limit["explode"]) == ("form", False)
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 10000, "default": 10}


def test_core_fc_limit_response(site: Site) -> None:
    """/conf/core/fc-limit-response: no more features than the limit, nor than the maximum;
    a limit above the maximum is served as the maximum, not refused."""
    assert len(site.items("parcels")["features"]) == 10  # the default
    for limit in (1, 5, 37):
        page = site.items("parcels", limit=limit)
        assert len(page["features"]) == page["numberReturned"] == limit
    for limit in (10_001, 10**9):
        page = site.items("parcels", limit=limit, offset=3)
        assert len(page["features"]) == page["numberMatched"] - 3 <= 10_000
        previous = parse_qs(urlsplit(_links(page)["prev"]["href"]).query)
        assert previous["limit"] == ["10000"]
    for limit in ("0", "-1", "ten", "1.5"):
        _assert_exception(
            site.get("/collections/parcels/items", limit=limit),
            400,
            "InvalidParameterValue",
            "limit",
        )


def test_core_fc_time_definition(site: Site) -> None:
    """/conf/core/fc-time-definition: datetime as the standard defines it."""
    [period] = [p for p in _items_parameters(site) if p["name"] == "datetime"]
    assert period["in"] == "query" and period["required"] is False
    assert (period["style"], period["explode"]) == ("form", False)
    assert period["schema"] == {"type": "string"}


def test_core_fc_time_response(site: Site) -> None:
    """/conf/core/fc-time-response: only features whose time intersects the instant or
    interval, and every feature with no time."""
    codes = sorted(site.parcel_times)
    times = site.parcel_times

    def parcels(value: str) -> set[str]:
        return site.ids("parcels", datetime=value)

    assert parcels(_utc(times[codes[7]])) == {codes[7]}  # an instant: the same second
    assert parcels(f"{_utc(times[codes[3]])}/{_utc(times[codes[9]])}") == set(codes[3:10])
    assert parcels(f"{_utc(times[codes[80]])}/..") == set(codes[80:])
    assert parcels(f"{_utc(times[codes[80]])}/") == set(codes[80:])
    assert parcels(f"../{_utc(times[codes[4]])}") == set(codes[:5])
    assert parcels(f"/{_utc(times[codes[4]])}") == set(codes[:5])
    # Half a second after a parcel's time starts after it.
    half = (times[codes[40]] + dt.timedelta(milliseconds=500)).isoformat()
    assert parcels(f"{half}/..") == set(codes[41:])
    # Other offsets name the same instants.
    in_county = times[codes[12]].astimezone(COUNTY).isoformat()
    assert in_county.endswith("+08:00")
    assert parcels(in_county) == {codes[12]}
    # A date is that whole county day.
    day = times[codes[30]].astimezone(COUNTY).date()
    that_day = {c for c in codes if times[c].astimezone(COUNTY).date() == day}
    assert parcels(day.isoformat()) == that_day and len(that_day) >= 3

    cases = site.case_days
    silent = {case for case, last in cases.items() if last is None}
    assert silent == {SILENT_CASE}

    def in_ledger(value: str) -> set[str]:
        return site.ids("cases", datetime=value)

    day = sorted(d for d in cases.values() if d is not None)[5]
    on_day = {case for case, last in cases.items() if last == day}
    assert in_ledger(day.isoformat()) == on_day | silent
    # 20:00 UTC of the day before is 04:00 of that day in the county.
    evening = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(20), UTC)
    assert in_ledger(_utc(evening)) == on_day | silent
    assert (
        in_ledger(_utc(evening - dt.timedelta(hours=5)))
        == {case for case, last in cases.items() if last == day - dt.timedelta(days=1)} | silent
    )
    start, end = dt.date(2023, 5, 1), dt.date(2023, 6, 30)
    assert (
        in_ledger(f"{start}/{end}")
        == {case for case, last in cases.items() if last and start <= last <= end} | silent
    )
    assert (
        in_ledger(f"../{start}")
        == {case for case, last in cases.items() if last and last <= start} | silent
    )
    # Zones have no time: every zone matches.
    every_zone = site.ids("zones")
    assert len(every_zone) == 5
    assert site.ids("zones", datetime="2024-01-01T00:00:00Z") == every_zone
    assert site.ids("zones", datetime="../1900-01-01") == every_zone


def test_core_query_param_invalid(site: Site) -> None:
    """/conf/core/query-param-invalid: an invalid value is a 400 naming its parameter."""
    items = "/collections/parcels/items"
    for params, says in (
        ({"limit": "unlimited"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "104,30,105,31,1"}, "bbox"),
        ({"bbox": "104,31,105,30"}, "bbox"),
        ({"bbox": "104,30,0,105,31,-5"}, "bbox"),
        ({"bbox": "nan,30,105,31"}, "bbox"),
        ({"datetime": "bad"}, "datetime"),
        ({"datetime": "2024-05-01T08:00:00"}, "datetime"),  # no offset
        ({"datetime": "2024-13-01"}, "datetime"),
        ({"datetime": "2024-05-02/2024-05-01"}, "datetime"),
        ({"datetime": "../.."}, "datetime"),
        ({"datetime": "2024-05-01/P2D"}, "datetime"),
        ({"bbox-crs": "EPSG:4490", "bbox": "104,30,105,31"}, "bbox-crs"),
        ({"status": "lost"}, "status"),
        ({"overdue": "maybe"}, "overdue"),
        ({"f": "xyz"}, "f=xyz"),
    ):
        answer = site.get(items, **params)
        _assert_exception(answer, 400, "InvalidParameterValue", says)
    for path in _routes(site).values():
        _assert_exception(site.get(path, f="xyz"), 400, "InvalidParameterValue", "f=xyz")
    # A parameter of the route that the collection cannot apply.
    _assert_exception(
        site.get("/collections/zones/items", status="planned"),
        400,
        "InvalidParameterValue",
        "status",
    )


def test_core_query_param_unknown(site: Site) -> None:
    """/conf/core/query-param-unknown: a parameter the API definition does not specify is a
    400 naming it and the ones that are specified; every specified one is accepted."""
    definition = site.api_definition()
    for path in _routes(site).values():
        answer = site.get(path, **{UNKNOWN: 1})
        _assert_exception(answer, 400, "InvalidParameterValue", UNKNOWN, "f")
        assert site.call("HEAD", path, {UNKNOWN: 1}).status == 400
    items = site.get("/collections/parcels/items", **{UNKNOWN: 1, "limit": 2})
    _assert_exception(items, 400, "InvalidParameterValue", UNKNOWN, "bbox", "datetime")
    assert site.get("/collections/parcels/items", LIMIT=2).status == 400  # names are exact
    # Every query parameter the definition specifies for items is taken.
    specified = {
        p["name"]
        for p in definition["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
        if p["in"] == "query"
    }
    values = {
        "bbox": "100,20,110,40",
        "bbox-crs": CRS84,
        "crs": CRS84,
        "datetime": "2020-01-01T00:00:00Z/..",
        "limit": "3",
        "offset": "0",
        "after": "",
        "status": "disposing",
        "zone": "QX-KFQ-LJ",
        "category": "idle",
        "route": "buyback",
        "cause": "government",
        "in_ledger": "true",
        "overdue": "false",
        "q": "有限公司",
        "f": "json",
        # Part 3 (Filtering), properties and sortby.
        "filter": "status = 'disposing'",
        "filter-lang": "cql2-text",
        "filter-crs": CRS84,
        "properties": "status,holder",
        "sortby": "-area_m2",
    }
    assert specified == set(values)
    assert site.get("/collections/parcels/items", **values).status == 200


def test_core_fc_response(site: Site) -> None:
    """/conf/core/fc-response: a GeoJSON FeatureCollection of the matching features, with
    links, timeStamp, numberMatched and numberReturned."""
    for name in COLLECTIONS:
        page = site.items(name, limit=4)
        _valid(page, FEATURE_COLLECTION)
        assert page["type"] == "FeatureCollection"
        assert all(feature["type"] == "Feature" for feature in page["features"])
        for key in ("links", "timeStamp", "numberMatched", "numberReturned"):
            assert key in page, (name, key)
    selected = site.every_feature("parcels", limit=5, status="disposing")
    assert selected and {f["properties"]["status"] for f in selected} == {"disposing"}


def test_core_fc_links(site: Site) -> None:
    """/conf/core/fc-links: a self link to the page, next and prev between pages, each link
    with rel and type."""
    first = site.items("parcels", limit=30)
    links = _links(first)
    assert links["self"]["href"] == f"{site.root}/collections/parcels/items?limit=30"
    assert links["self"]["type"] == GEOJSON
    assert links["collection"]["href"] == f"{site.root}/collections/parcels"
    assert "prev" not in links
    second = site.document(links["next"]["href"])
    assert links["next"]["type"] == GEOJSON
    assert _links(second)["prev"]["type"] == GEOJSON
    back = site.document(_links(second)["prev"]["href"])
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]
    for link in first["links"] + second["links"]:
        assert link["rel"] and link["type"]


def test_core_fc_timestamp(site: Site) -> None:
    """/conf/core/fc-timeStamp: the time the response was made, on the clock the server
    reads (:func:`landgis.wallclock.utc_now`)."""
    before = wallclock.utc_now()
    page = site.items("zones")
    after = wallclock.utc_now()
    assert page["timeStamp"].endswith("Z")
    assert before <= _parse_time(page["timeStamp"]) <= after


def test_core_fc_number_matched(site: Site) -> None:
    """/conf/core/fc-numberMatched: the number of features matching bbox, datetime and the
    other selections, all pages together."""
    codes = sorted(site.parcel_times)
    for name, params in (
        ("parcels", {}),
        ("parcels", {"bbox": "104.7,30.0,104.8,30.2"}),
        ("parcels", {"datetime": f"../{_utc(site.parcel_times[codes[44]])}"}),
        ("parcels", {"status": "disposing,planned", "datetime": "2021-03-05/.."}),
        ("cases", {"datetime": "2023-06-01/.."}),
        ("zones", {"bbox": "104.7,30.0,104.8,30.2", "datetime": "2024-01-01"}),
    ):
        matched = site.items(name, limit=7, **params)["numberMatched"]
        every = site.every_feature(name, limit=7, **params)
        assert matched == len(every) == len({f["id"] for f in every}), (name, params)
    assert site.items("parcels")["numberMatched"] == len(codes)


def test_core_fc_number_returned(site: Site) -> None:
    """/conf/core/fc-numberReturned: the number of features in the response."""
    total = len(site.parcel_times)
    for limit, offset in ((10, 0), (7, 84), (10, 300), (1000, 0)):
        page = site.items("parcels", limit=limit, offset=offset)
        assert page["numberReturned"] == len(page["features"]) == max(0, min(limit, total - offset))


def test_core_f_op(site: Site) -> None:
    """/conf/core/f-op: features at {root}/collections/{id}/items/{featureId}."""
    for name in COLLECTIONS:
        every = site.every_feature(name, limit=1000)
        for feature in every[::4]:
            answer = site.get(f"/collections/{name}/items/{feature['id']}")
            assert (answer.status, answer.media_type) == (200, GEOJSON), feature["id"]
            assert answer.json()["properties"] == feature["properties"]
    _assert_exception(site.get("/collections/parcels/items/NO-SUCH"), 404, "NotFound")


def test_core_f_success(site: Site) -> None:
    """/conf/core/f-success: a feature's structure and links."""
    for name in COLLECTIONS:
        listed = site.items(name, limit=3)["features"][2]
        feature = site.document(f"/collections/{name}/items/{listed['id']}")
        _valid(feature, FEATURE)
        assert feature["id"] == listed["id"]
        assert feature["geometry"] == listed["geometry"]


def test_core_f_links(site: Site) -> None:
    """/conf/core/f-links: a feature links to itself and to its collection, with rel and
    type."""
    for name in COLLECTIONS:
        some = site.items(name, limit=1)["features"][0]["id"]
        url = f"{site.root}/collections/{name}/items/{some}"
        links = _links(site.document(url))
        assert links["self"] == {
            "href": url,
            "rel": "self",
            "type": GEOJSON,
            "title": "This feature",
        }
        assert links["collection"]["href"] == f"{site.root}/collections/{name}"
        assert links["collection"]["type"] == JSON
        assert site.document(links["collection"]["href"])["id"] == name


# --- GeoJSON --------------------------------------------------------------------------------


def test_geojson_definition(site: Site) -> None:
    """/conf/geojson/definition: features in application/geo+json, asked for as such; every
    other resource in application/json."""
    for path in ("/collections/cases/items", "/collections/cases/items/QX-XZ-2023-001"):
        answer = site.call("GET", path, headers={"Accept": GEOJSON})
        assert (answer.status, answer.media_type) == (200, GEOJSON), path
    for path in ("", "/conformance", "/collections", "/collections/cases"):
        answer = site.call("GET", path, headers={"Accept": JSON})
        assert (answer.status, answer.media_type) == (200, JSON), path


def test_geojson_content(site: Site) -> None:
    """/conf/geojson/content: RFC 7946 documents (no crs member, valid polygons, longitude
    first); a feature's id is the featureId of its URL."""
    for name in COLLECTIONS:
        page = site.items(name, limit=1000)
        _valid(page, FEATURE_COLLECTION)
        assert "crs" not in page
        for feature in page["features"]:
            assert "crs" not in feature
            if feature["geometry"] is None:  # RFC 7946: an unlocated feature
                assert name == "projects", feature["id"]
                continue
            assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
            geometry = shape(feature["geometry"])
            assert geometry.is_valid, feature["id"]
            assert all(len(p) == 2 for p in _vertices({"g": geometry}))
        some = page["features"][-1]["id"]
        assert site.document(f"/collections/{name}/items/{some}")["id"] == some


# --- HTML -----------------------------------------------------------------------------------


def test_html_definition(site: Site) -> None:
    """/conf/html/definition: every resource is also served as text/html, asked for by the
    Accept header (or f=html); the HTML class is declared."""
    assert HTML_CLASS in site.document("/conformance")["conformsTo"]
    feature = sorted(site.parcel_times)[0]
    paths = ("", "/conformance", "/collections", "/collections/parcels")
    paths += ("/collections/parcels/items", f"/collections/parcels/items/{feature}")
    for path in paths:
        answer = site.call("GET", path, headers={"Accept": "text/html"})
        assert (answer.status, answer.media_type) == (200, "text/html; charset=utf-8"), path
        assert site.get(path, f="html").media_type == "text/html; charset=utf-8", path


def test_html_content(site: Site) -> None:
    """/conf/html/content: the page of a feature shows every property of its GeoJSON."""
    feature = site.items("cases", limit=1)["features"][0]
    answer = site.get(f"/collections/cases/items/{feature['id']}", f="html")
    page = answer.body.decode()
    for name in feature["properties"]:
        assert f'data-property="{name}"' in page, name


# --- OpenAPI 3.0 ----------------------------------------------------------------------------


def _items_parameters(site: Site) -> list[dict[str, Any]]:
    definition = site.api_definition()
    parameters: list[dict[str, Any]] = definition["paths"]["/collections/{collectionId}/items"][
        "get"
    ]["parameters"]
    return parameters


# The OGC API - Tiles operations of the same definition are walked by test_ogc_tiles.
TILES_PATHS = ("/tileMatrixSets", "/collections/{collectionId}/tiles")


def _operations(definition: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The OGC API - Features operations of the definition."""
    for path, item in definition["paths"].items():
        if path.startswith(TILES_PATHS):
            continue
        for method, operation in item.items():
            if method in ("get", "head", "options", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_oas30_completeness(site: Site) -> None:
    """/conf/oas30/completeness: every status code and media type the operations answer
    with is described."""
    definition = site.api_definition()
    ids = {"collectionId": "parcels", "featureId": sorted(site.parcel_times)[0]}
    for path, _method, operation in _operations(definition):
        responses = operation["responses"]
        url = path.format(**ids).rstrip("/")
        seen = [(site.get(url), "200"), (site.get(url, **{UNKNOWN: 1}), "400")]
        if "{collectionId}" in path:
            seen.append((site.get(path.format(collectionId="roads", featureId="x")), "404"))
        for answer, code in seen:
            assert str(answer.status) == code, (path, code)
            assert code in responses, (path, code)
            media_types = set(responses[code].get("content", {}))
            assert answer.media_type in media_types, (path, code, media_types)


def test_oas30_exceptions_codes(site: Site) -> None:
    """/conf/oas30/exceptions-codes: every operation describes its errors (400, 404 where a
    collection or feature is named, any other one as default) as OGC exceptions, and no
    422 it never answers."""
    definition = site.api_definition()
    schemas = definition["components"]["schemas"]
    for path, _method, operation in _operations(definition):
        responses = operation["responses"]
        assert "422" not in responses, path
        codes = {"400", "default"} | ({"404"} if "{collectionId}" in path else set())
        assert codes <= set(responses), path
        for code in codes:
            schema = responses[code]["content"][JSON]["schema"]
            name = schema["$ref"].rsplit("/", 1)[1]
            assert {"code", "description"} <= set(schemas[name]["required"]), path


def test_oas30_oas_definition_1(site: Site) -> None:
    """/conf/oas30/oas-definition-1: the definition in JSON as
    application/vnd.oai.openapi+json;version=3.0 (service-desc), and in HTML (service-doc)."""
    links = _links(site.document(""))
    described = site.get(links["service-desc"]["href"])
    assert (described.status, described.media_type) == (200, OPENAPI)
    assert described.json()["openapi"].startswith("3.0.")
    page = site.get(links["service-doc"]["href"])
    assert page.status == 200 and page.media_type.startswith("text/html")
    assert b"swagger-ui" in page.body


def test_oas30_oas_definition_2(site: Site) -> None:
    """/conf/oas30/oas-definition-2: the definition conforms to OpenAPI 3.0: valid against
    the OpenAPI 3.0 schema, with none of 3.1's schema keywords."""
    described = site.get("/api")
    definition = json.loads(described.body)
    jsonschema.Draft4Validator(OPENAPI_30).validate(definition)

    def schemas(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if "schema" in node and isinstance(node["schema"], dict):
                yield node["schema"]
            for value in node.values():
                yield from schemas(value)
        elif isinstance(node, list):
            for value in node:
                yield from schemas(value)

    every = [*schemas(definition), *definition["components"]["schemas"].values()]
    text = json.dumps(every)
    for only_31 in ('"const"', '"prefixItems"', '"examples"', '"type": "null"', '"$defs"'):
        assert only_31 not in text, only_31
    for schema in every:
        for nested in _nested_schemas(schema):
            assert not isinstance(nested.get("type"), list), nested
            for flag in ("exclusiveMinimum", "exclusiveMaximum"):
                assert isinstance(nested.get(flag, False), bool), nested


def _nested_schemas(schema: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(schema, dict):
        return
    yield schema
    for key in ("properties",):
        for value in schema.get(key, {}).values():
            yield from _nested_schemas(value)
    for key in ("items", "not", "additionalProperties"):
        yield from _nested_schemas(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for value in schema.get(key, []):
            yield from _nested_schemas(value)


def test_oas30_oas_impl(site: Site) -> None:
    """/conf/oas30/oas-impl: every path of the definition, on its server, with every
    collection id and a feature of each, does what the definition says."""
    definition = site.api_definition()
    [server] = definition["servers"]
    collections = [c["id"] for c in site.document("/collections")["collections"]]
    for path, _method, operation in _operations(definition):
        documented = set(operation["responses"]["200"].get("content", {JSON: {}}))
        for collection in collections if "{collectionId}" in path else [None]:
            feature = site.items(collection, limit=1)["features"][0]["id"] if collection else None
            url = server["url"] + path.format(collectionId=collection, featureId=feature)
            answer = site.get(url.rstrip("/") if path == "/" else url)
            assert answer.status == 200, url
            assert answer.media_type in documented, (url, documented)


def test_oas30_security(site: Site) -> None:
    """/conf/oas30/security: the ways to authenticate (a bearer token, the browser's session
    cookie) are described, reading anonymously too; a server that needs a login refuses
    anonymous reads with a 401 OGC exception and serves the token's bearer."""
    definition = site.api_definition()
    schemes = definition["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["session"]["type"] == "apiKey" and schemes["session"]["in"] == "cookie"
    assert definition["security"] == [{}, {"bearer": []}, {"session": []}]
    bearer = {"Authorization": f"Bearer {site.token}"}
    assert site.call("GET", "/collections/zones/items", headers=bearer).status == 200
    closed = create_app(Settings(database_url=site.database_url, read_requires_login=True))
    with TestClient(closed) as client:
        refused = client.get("/ogc/collections/zones/items")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        _valid(refused.json(), EXCEPTION)
        assert refused.json()["code"] == "AuthenticationRequired"
        served = client.get("/ogc/collections/zones/items", headers=bearer)
        assert served.status_code == 200
