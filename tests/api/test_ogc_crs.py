"""OGC API - Features, Part 2 (CRS by reference) at /ogc, on the demo database of each
backend: the collections' CRS lists, features in another CRS (reprojected by the database,
axes in the CRS's order) with their Content-Crs, bbox in another CRS, and GDAL's OAPIF
driver reading a reprojected collection from a live server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from fastapi.testclient import TestClient
from owslib.ogcapi.features import Features
from pyproj import Transformer
from server_start import wait_until_served
from shapely.geometry import shape
from sqlalchemy import event

from api.main import create_app
from landgis import features
from landgis.ogc_crs import CRS84, DEFAULT_CRS, parse_crs
from landgis.settings import Settings

CRS_CLASS = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
CGCS2000 = EPSG.format(4490)
WGS84 = EPSG.format(4326)
# CGCS2000 / 3-degree Gauss-Kruger zone 40 (central meridian 120°E), far east of the demo
# county (near 104.8°E): its grid is turned some 7° from north there.
ZONE_40 = EPSG.format(4528)
# Zone 35 (central meridian 105°E), the county's own zone.
ZONE_35 = EPSG.format(4523)
# The features' longitudes and latitudes have 7 decimals (1 cm); metres have 3.
METRES = 0.03
LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def _items(client, collection: str = "parcels", **params) -> tuple[dict, str]:
    response = client.get(f"/ogc/collections/{collection}/items", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json(), response.headers["content-crs"]


def _ids(body: dict) -> list[str]:
    return [f["id"] for f in body["features"]]


def _geometries(body: dict) -> dict[str, shapely.Geometry]:
    return {f["id"]: shape(f["geometry"]) for f in body["features"]}


def _swapped(geometry: shapely.Geometry) -> shapely.Geometry:
    """The geometry with its two axes exchanged (north-first read as x, y)."""
    return shapely.transform(geometry, lambda xy: xy[:, ::-1])


def _projected(geometry: shapely.Geometry, epsg: int) -> shapely.Geometry:
    """A CGCS2000 lon/lat geometry in EPSG ``epsg``, easting as x (pyproj)."""
    to = Transformer.from_crs(4490, epsg, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(to.transform(xy[:, 0], xy[:, 1])))


# --- discovery ---------------------------------------------------------------------------


def test_collections_offer_crs84_the_storage_crs_wgs84_and_the_gauss_kruger_zones(client):
    expected = [CRS84, CGCS2000, WGS84, *(EPSG.format(code) for code in range(4513, 4555))]
    body = client.get("/ogc/collections").json()
    assert body["crs"] == expected
    for collection in body["collections"]:
        assert collection["crs"] == expected
        assert collection["storageCrs"] == CGCS2000 in collection["crs"]
        assert "storageCrsCoordinateEpoch" not in collection
        assert client.get(f"/ogc/collections/{collection['id']}").json()["crs"] == expected
        # The extent stays in CRS84, as Part 1 wants.
        assert collection["extent"]["spatial"]["crs"] == CRS84
    assert CRS_CLASS in client.get("/ogc/conformance").json()["conformsTo"]


def test_the_openapi_document_declares_crs_and_bbox_crs(client):
    paths = client.get("/openapi.json").json()["paths"]
    items = {
        p["name"] for p in paths["/ogc/collections/{collection_id}/items"]["get"]["parameters"]
    }
    one = paths["/ogc/collections/{collection_id}/items/{feature_id}"]["get"]["parameters"]
    assert {"crs", "bbox-crs", "bbox"} <= items
    assert "crs" in {p["name"] for p in one}


# --- crs: features in another CRS ---------------------------------------------------------


@pytest.mark.parametrize("collection", ["parcels", "cases", "zones"])
def test_content_crs_names_crs84_by_default_and_the_crs_asked_for(client, collection):
    body, header = _items(client, collection, limit=3)
    assert header == f"<{CRS84}>"
    first = body["features"][0]["id"]
    one = client.get(f"/ogc/collections/{collection}/items/{first}")
    assert one.status_code == 200
    assert one.headers["content-crs"] == f"<{CRS84}>"
    # Asked by URI or by safe CURIE, the header names the URI.
    for asked in (ZONE_40, "[EPSG:4528]"):
        _body, header = _items(client, collection, limit=3, crs=asked)
        assert header == f"<{ZONE_40}>"
        one = client.get(f"/ogc/collections/{collection}/items/{first}", params={"crs": asked})
        assert one.status_code == 200, one.text
        assert one.headers["content-crs"] == f"<{ZONE_40}>"
    _body, header = _items(client, collection, limit=1, crs="[OGC:CRS84]")
    assert header == f"<{CRS84}>"


@pytest.mark.parametrize(("uri", "epsg"), [(ZONE_40, 4528), (ZONE_35, 4523)])
def test_a_page_in_a_gauss_kruger_zone_is_the_crs84_page_projected_northing_first(
    client, uri, epsg
):
    plain, _ = _items(client, limit=25)
    projected, header = _items(client, limit=25, crs=uri)
    assert header == f"<{uri}>"
    assert _ids(projected) == _ids(plain)
    assert projected["numberMatched"] == plain["numberMatched"]
    mine = _geometries(projected)
    for code, geometry in _geometries(plain).items():
        expected = shapely.get_coordinates(_projected(geometry, epsg))  # easting, northing
        served = shapely.get_coordinates(mine[code])
        # EPSG orders these axes X (northing) first, Y (easting) second.
        np.testing.assert_allclose(served[:, 0], expected[:, 1], rtol=0, atol=METRES)
        np.testing.assert_allclose(served[:, 1], expected[:, 0], rtol=0, atol=METRES)
    # Northings near 3 330 km; eastings carry the zone number before the 500 km false easting.
    northing, easting = shapely.get_coordinates(next(iter(mine.values())))[0]
    assert 3_300_000 < northing < 3_450_000 < 30_000_000 < easting
    # Metres to the millimetre.
    millimetres = np.vstack([shapely.get_coordinates(g) for g in mine.values()]) * 1000
    np.testing.assert_allclose(millimetres, np.round(millimetres), rtol=0, atol=1e-3)


@pytest.mark.parametrize("uri", [CGCS2000, WGS84, "[EPSG:4490]"])
def test_geographic_crss_give_the_same_numbers_latitude_first(client, uri):
    plain, _ = _items(client, "zones", limit=10)
    swapped, header = _items(client, "zones", limit=10, crs=uri)
    assert header == f"<{parse_crs(uri).uri}>"
    for code, geometry in _geometries(plain).items():
        served = shapely.get_coordinates(_geometries(swapped)[code])
        np.testing.assert_array_equal(served, shapely.get_coordinates(geometry)[:, ::-1])
        lat, lon = served[0]
        assert 29 < lat < 31 and 104 < lon < 106


@pytest.mark.parametrize("collection", ["parcels", "cases", "zones"])
def test_one_feature_in_a_crs_equals_its_entry_in_the_page(client, collection):
    listed = _items(client, collection, limit=5, crs=ZONE_35)[0]["features"][2]
    one = client.get(f"/ogc/collections/{collection}/items/{listed['id']}", params={"crs": ZONE_35})
    assert one.status_code == 200
    feature = one.json()
    assert feature["geometry"] == listed["geometry"]
    assert feature["properties"] == listed["properties"]


def test_every_feature_comes_out_projected_and_large_pages_are_streamed_alike(client, monkeypatch):
    monkeypatch.setattr(features.pages, "STREAM_BATCH", 7)
    built, _ = _items(client, limit=features.STREAM_ABOVE, crs=ZONE_40)
    streamed, header = _items(client, limit=features.STREAM_ABOVE + 1, crs=ZONE_40)
    assert header == f"<{ZONE_40}>"
    assert streamed["features"] == built["features"]
    assert all(f["geometry"] is not None for f in streamed["features"])
    assert len(streamed["features"]) == streamed["numberMatched"] == 90


def test_next_links_keep_the_crs(client):
    first, _ = _items(client, limit=4, crs=ZONE_40)
    next_href = next(link["href"] for link in first["links"] if link["rel"] == "next")
    response = client.get(next_href)
    assert response.headers["content-crs"] == f"<{ZONE_40}>"
    northing, _easting = shapely.get_coordinates(shape(response.json()["features"][0]["geometry"]))[
        0
    ]
    assert northing > 3_000_000


def _sql_of(session, call) -> tuple[object, str]:
    """What ``call()`` returns and the SQL it ran, lower-cased."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        return call(), "\n".join(statements).lower()
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_the_database_reprojects_and_orders_the_axes(session):
    page, projected = _sql_of(
        session, lambda: features.items_page(session, "parcels", limit=3, crs=parse_crs(ZONE_40))
    )
    default, plain = _sql_of(session, lambda: features.items_page(session, "parcels", limit=3))
    assert page.number_returned == default.number_returned == 3
    assert "st_transform" in projected
    assert "flipcoordinates" in projected or "swapcoordinates" in projected
    assert "st_transform" not in plain and "coordinates(" not in plain
    assert features.items_page(session, "parcels", limit=3, crs=DEFAULT_CRS) == default


# --- bbox-crs -----------------------------------------------------------------------------


def _zone_40_rectangle(client) -> tuple[float, float, float, float]:
    """A rectangle of zone 40 (easting, northing bounds) of 1.2 km by 0.9 km in the middle
    of the demo parcels."""
    every, _ = _items(client, limit=100, crs=ZONE_40)
    points = np.vstack([shapely.get_coordinates(g) for g in _geometries(every).values()])
    northing, easting = np.median(points, axis=0)
    return easting - 600, northing - 450, easting + 600, northing + 450


def test_bbox_in_a_gauss_kruger_zone_finds_what_the_rectangle_meets(client):
    xmin, ymin, xmax, ymax = _zone_40_rectangle(client)
    every, _ = _items(client, limit=100, crs=ZONE_40)
    rectangle = shapely.box(xmin, ymin, xmax, ymax)
    meeting = sorted(
        code for code, g in _geometries(every).items() if _swapped(g).intersects(rectangle)
    )
    assert 3 < len(meeting) < 80
    # Northing first, as EPSG:4528 orders its axes.
    found, _ = _items(
        client, limit=100, bbox=f"{ymin},{xmin},{ymax},{xmax}", **{"bbox-crs": ZONE_40}
    )
    assert _ids(found) == meeting
    assert found["numberMatched"] == len(meeting)
    # The lon/lat rectangle around the corners (turned 7° from the grid) holds more.
    corners = Transformer.from_crs(4528, 4490, always_xy=True).transform(
        [xmin, xmax, xmax, xmin], [ymin, ymin, ymax, ymax]
    )
    around = f"{min(corners[0])},{min(corners[1])},{max(corners[0])},{max(corners[1])}"
    envelope, _ = _items(client, limit=100, bbox=around)
    assert set(meeting) < set(_ids(envelope))
    # Easting first puts 39 000 km where a northing belongs, beyond the pole: refused.
    swapped = client.get(
        "/ogc/collections/parcels/items",
        params={"bbox": f"{xmin},{ymin},{xmax},{ymax}", "bbox-crs": ZONE_40},
    )
    assert swapped.status_code in (400, 422)
    # Zones and cases are narrowed the same way, and crs goes with bbox-crs.
    zones, header = _items(
        client,
        "zones",
        bbox=f"{ymin},{xmin},{ymax},{xmax}",
        crs=ZONE_40,
        **{"bbox-crs": "[EPSG:4528]"},
    )
    assert header == f"<{ZONE_40}>"
    assert {f["properties"]["kind"] for f in zones["features"]} >= {"county", "park"}


def test_bbox_in_a_gauss_kruger_zone_equals_the_crs84_bbox_of_the_same_spot(client):
    plain, _ = _items(client, limit=100)
    ring = np.array(plain["features"][17]["geometry"]["coordinates"][0][0])
    lon, lat = ring.mean(axis=0)
    tiny = (lon - 1e-5, lat - 1e-5, lon + 1e-5, lat + 1e-5)
    in_crs84, _ = _items(client, bbox=",".join(map(str, tiny)))
    to = Transformer.from_crs(4490, 4523, always_xy=True)
    (e0, e1), (n0, n1) = to.transform([tiny[0], tiny[2]], [tiny[1], tiny[3]])
    in_zone, _ = _items(client, bbox=f"{n0},{e0},{n1},{e1}", **{"bbox-crs": ZONE_35})
    assert plain["features"][17]["id"] in _ids(in_zone)
    assert _ids(in_zone) == _ids(in_crs84)


@pytest.mark.parametrize("uri", [CGCS2000, WGS84])
def test_bbox_in_a_geographic_crs_is_latitude_first(client, uri):
    box = "104.78,30.08,104.82,30.12"
    plain, _ = _items(client, limit=100, bbox=box)
    latitude_first, _ = _items(
        client, limit=100, bbox="30.08,104.78,30.12,104.82", **{"bbox-crs": uri}
    )
    assert _ids(latitude_first) == _ids(plain)
    assert len(_ids(plain)) > 5
    # Longitude first in a latitude-first CRS puts 104.78 where a latitude belongs: refused.
    wrong = client.get("/ogc/collections/parcels/items", params={"bbox": box, "bbox-crs": uri})
    assert wrong.status_code in (400, 422)
    assert "bbox" in wrong.json()["message_en"]


# --- refused values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "http://www.opengis.net/def/crs/0/unsupported",
        "http://www.opengis.net/def/crs/EPSG/0/3857",
        "http://www.opengis.net/def/crs/EPSG/0/4512",
        "http://www.opengis.net/def/crs/EPSG/0/4555",
        "EPSG:4528",
        "[EPSG:3857]",
        "[OGC:CRS83]",
        "urn:ogc:def:crs:EPSG::4528",
        "",
    ],
)
def test_a_crs_not_offered_is_refused_with_a_message(client, value):
    # OGC asks for 400; the app answers library InvalidInput errors with 422 for now.
    for path in ("/ogc/collections/parcels/items", "/ogc/collections/zones/items/QX"):
        response = client.get(path, params={"crs": value})
        assert response.status_code in (400, 422), (path, response.text)
        body = response.json()
        assert body["message"] and "crs" in body["message_en"], body
        assert "content-crs" not in response.headers
    response = client.get(
        "/ogc/collections/parcels/items", params={"bbox": "1,2,3,4", "bbox-crs": value}
    )
    assert response.status_code in (400, 422)
    assert "bbox-crs" in response.json()["message_en"]


@pytest.mark.parametrize(
    "bbox",
    [
        "3430000,39026000,3433000",  # three numbers
        "3430000,39026000,0,3433000,39028000,10",  # heights: the zones have none
        "3433000,39026000,3430000,39028000",  # minimum above maximum
        "nan,39026000,3433000,39028000",
        "0,0,1e9,1e9",  # beyond the pole: no longitude or latitude there
        "a,b,c,d",
    ],
)
def test_a_bad_bbox_in_a_gauss_kruger_zone_is_refused(client, bbox):
    response = client.get(
        "/ogc/collections/parcels/items", params={"bbox": bbox, "bbox-crs": ZONE_40}
    )
    assert response.status_code in (400, 422), response.text
    message = response.json()["message_en"]
    assert "bbox" in message and "northing" in message


# --- GDAL reads a reprojected collection from a live server ----------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(demo_engine, tmp_path_factory):
    """``landgis serve`` on the demo database, on loopback, stopped at the end: its base URL
    and the file its log (with the requests) goes to."""
    assert LANDGIS, "the landgis console script is installed with the package"
    url = demo_engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "LANDGIS_DATABASE_URL": url}
    port = _free_port()
    log = tmp_path_factory.mktemp("served") / "server.log"
    server = subprocess.Popen(
        [LANDGIS, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as patch:
        # GDAL speaks to the server directly, never through a proxy of the environment.
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")
        patch.setenv("no_proxy", "127.0.0.1,localhost")
        pyogrio.set_gdal_config_options({"GDAL_HTTP_TIMEOUT": "30"})
        try:
            wait_until_served(f"{base}/ogc", server, log.read_text)
            yield base, log
        finally:
            pyogrio.set_gdal_config_options({"GDAL_HTTP_TIMEOUT": None})
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def test_gdal_reads_parcels_reprojected_to_a_gauss_kruger_zone(served):
    # The CRS open option came with GDAL 3.7.
    assert tuple(pyogrio.__gdal_version__) >= (3, 7, 0)
    base, log = served
    source = f"OAPIF:{base}/ogc/collections/parcels"
    # By default GDAL reads the storage CRS, CGCS2000 longitude/latitude.
    stored = pyogrio.read_dataframe(source)
    assert stored.crs.to_epsg() == 4490
    assert stored.geometry.representative_point().x.between(104.6, 105.0).all()
    projected = pyogrio.read_dataframe(source, CRS="EPSG:4528")
    assert projected.crs.to_epsg() == 4528
    assert len(projected) == len(stored) == 90
    assert list(projected["parcel_code"]) == list(stored["parcel_code"])
    # GDAL hands out easting as x, northing as y whatever the order on the wire.
    for mine, theirs in zip(projected.geometry, stored.geometry, strict=True):
        expected = shapely.get_coordinates(_projected(theirs, 4528))
        np.testing.assert_allclose(shapely.get_coordinates(mine), expected, rtol=0, atol=METRES)
    assert projected.geometry.representative_point().x.between(39_000_000, 39_100_000).all()
    assert projected.geometry.representative_point().y.between(3_300_000, 3_500_000).all()
    # A spatial filter in zone 40 goes to the server as bbox and bbox-crs.
    middle_x, middle_y = np.median(shapely.get_coordinates(projected.geometry.values), axis=0)
    box = (middle_x - 600, middle_y - 450, middle_x + 600, middle_y + 450)
    filtered = pyogrio.read_dataframe(source, CRS="EPSG:4528", bbox=box)
    meeting = projected[projected.intersects(shapely.box(*box))]
    assert 3 < len(filtered) < 80
    assert sorted(filtered["parcel_code"]) == sorted(meeting["parcel_code"])
    asked = [
        line
        for line in log.read_text().splitlines()
        if "GET /ogc/collections/parcels/items" in line
    ]
    assert any(f"crs={ZONE_40}" in line and "bbox-crs" not in line for line in asked)
    assert any(f"bbox-crs={ZONE_40}" in line and f"&crs={ZONE_40}" in line for line in asked)


def test_owslib_and_gdal_read_a_filtered_reprojected_page(served, client):
    """A CQL2 filter through OWSLib and an attribute filter through GDAL, both answered by
    the server in Gauss-Krüger zone 40, as a GIS officer's tools would ask."""
    base, log = served
    every, _ = _items(client, limit=1000)
    west, south, east, north = shapely.union_all(list(_geometries(every).values())).bounds
    half = shapely.box(west, south, (west + east) / 2, north)
    wanted = f"status = 'identified' AND idle_area_mu > 20 AND S_INTERSECTS(geom, {half.wkt})"
    expected = sorted(
        f["id"]
        for f in every["features"]
        if f["properties"]["status"] == "identified"
        and (f["properties"]["idle_area_mu"] or 0) > 20
        and shape(f["geometry"]).intersects(half)
    )
    assert 0 < len(expected) < len(every["features"])
    # OWSLib sends the filter and the CRS as they are; the server filters and reprojects.
    api = Features(f"{base}/ogc")
    page = api.collection_items(
        "parcels", filter=wanted, **{"filter-lang": "cql2-text", "crs": ZONE_40, "limit": 100}
    )
    assert sorted(f["id"] for f in page["features"]) == expected
    assert page["numberMatched"] == len(expected)
    stored = _geometries(every)
    for feature in page["features"]:
        # On the wire northing comes first in zone 40.
        got = _swapped(shape(feature["geometry"]))
        expected_shape = _projected(stored[feature["id"]], 4528)
        assert got.equals_exact(expected_shape, tolerance=METRES), feature["id"]
    # GDAL sends what it can of an attribute filter to the server (equalities on the
    # parameters the API definition lists) and reads the page in zone 40.
    source = f"OAPIF:{base}/ogc/collections/parcels"
    identified = pyogrio.read_dataframe(source, where="status = 'identified'", CRS="EPSG:4528")
    assert identified.crs.to_epsg() == 4528
    by_status = sorted(
        f["id"] for f in every["features"] if f["properties"]["status"] == "identified"
    )
    assert sorted(identified["parcel_code"]) == by_status
    for code, geometry in zip(identified["parcel_code"], identified.geometry, strict=True):
        expected_shape = _projected(stored[code], 4528)
        assert geometry.equals_exact(expected_shape, tolerance=METRES), code
    asked = [
        line for line in log.read_text().splitlines() if "/ogc/collections/parcels/items" in line
    ]
    assert any("status=identified" in line and f"crs={ZONE_40}" in line for line in asked)
