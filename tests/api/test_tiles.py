"""Vector tiles on each backend: the right features and attributes, filters, HTTP caching
with ETags that change with the data, and errors as JSON."""

from __future__ import annotations

import datetime as dt
import math

import mapbox_vector_tile
import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import shape

from api.main import create_app
from landgis import cases
from landgis.cases import Actor
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.gcj02 import to_gcj02
from landgis.settings import DEMO_DATA, Settings

MVT = "application/vnd.mapbox-vector-tile"
PARK_TILE = (13, 6481, 3376)  # z13 tile over the east of the demo park
WIDE_TILE = (8, 202, 105)  # holds the whole demo park
FAR_TILE = (13, 100, 100)  # the Arctic Ocean
CASE = "QX-XZ-2023-009"  # identified, no route yet, past its deadline in the demo


def _client(engine) -> TestClient:
    url = engine.url.render_as_string(hide_password=False)
    return TestClient(create_app(Settings(database_url=url)))


@pytest.fixture(scope="module")
def client(demo_engine):
    with _client(demo_engine) as test_client:
        yield test_client


def tile_url(z: int, x: int, y: int, collection: str = "parcels") -> str:
    return f"/tiles/{collection}/{z}/{x}/{y}.mvt"


def lonlat_box(z: int, x: int, y: int) -> shapely.Polygon:
    """The tile's bounds in longitude/latitude (the usual slippy-map formulas)."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return shapely.box(x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    row = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(row)


def features(response, layer: str = "parcels") -> dict[str, dict]:
    """The decoded features of a tile response, by code (an empty dict for 204)."""
    if response.status_code == 204:
        return {}
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MVT
    decoded = mapbox_vector_tile.decode(response.content)
    assert decoded[layer]["extent"] == 4096
    found = {f["properties"]["code"]: f for f in decoded[layer]["features"]}
    assert len(found) == len(decoded[layer]["features"])
    return found


def expected(client, z: int, x: int, y: int, **params) -> dict[str, dict]:
    """The GeoJSON parcels (same filters) whose geometry intersects the tile, by code."""
    every = client.get("/api/parcels", params=params).json()["features"]
    box = lonlat_box(z, x, y)
    return {f["id"]: f["properties"] for f in every if shape(f["geometry"]).intersects(box)}


def test_a_park_tile_holds_the_parcels_that_intersect_it(client):
    response = client.get(tile_url(*PARK_TILE))
    found = features(response)
    wanted = expected(client, *PARK_TILE)
    assert len(wanted) >= 10
    assert set(found) == set(wanted)
    for code, feature in found.items():
        properties, truth = feature["properties"], wanted[code]
        assert properties["status"] == (truth["status"] or "none")
        assert properties["overdue"] is bool(truth["overdue"])
        assert properties.get("route") == truth["route"]
        assert properties.get("case_no") == truth["case_no"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert any(f["properties"].get("case_no") for f in found.values())


def test_a_known_case_has_its_status_and_overdue_flag(client):
    parcel = next(
        f
        for f in client.get("/api/parcels").json()["features"]
        if f["properties"]["case_no"] == CASE
    )
    point = shape(parcel["geometry"]).representative_point()
    found = features(client.get(tile_url(*tile_of(point.x, point.y, 14))))
    properties = found[parcel["id"]]["properties"]
    assert properties["case_no"] == CASE
    assert properties["status"] == "identified"
    assert properties["overdue"] is True
    assert "route" not in properties  # no route yet: the attribute is absent


def test_a_tile_far_away_is_empty(client):
    response = client.get(tile_url(*FAR_TILE))
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["etag"]
    # At zoom 0 a pixel is ~10 km: every parcel shrinks below the grid and is dropped.
    assert client.get(tile_url(0, 0, 0)).status_code == 204
    assert len(features(client.get(tile_url(*WIDE_TILE)))) == len(expected(client, *WIDE_TILE))


def test_filters_narrow_the_features(client):
    every = features(client.get(tile_url(*PARK_TILE)))
    response = client.get(tile_url(*PARK_TILE), params={"status": "disposing"})
    disposing = features(response)
    assert set(disposing) == set(expected(client, *PARK_TILE, status="disposing"))
    assert set(disposing) < set(every)
    assert {f["properties"]["status"] for f in disposing.values()} == {"disposing"}
    overdue = features(client.get(tile_url(*WIDE_TILE), params={"overdue": "true"}))
    assert overdue and all(f["properties"]["overdue"] is True for f in overdue.values())
    assert features(client.get(tile_url(*WIDE_TILE), params={"q": "no such parcel"})) == {}


def test_zones_are_tiled_too(client):
    decoded = mapbox_vector_tile.decode(client.get(tile_url(*PARK_TILE, "zones")).content)
    zones = decoded["zones"]["features"]
    assert zones
    assert all({"code", "name", "kind"} <= set(f["properties"]) for f in zones)


def test_both_backends_give_the_same_features(demo_engines):
    tiles = [PARK_TILE, WIDE_TILE, (12, 3240, 1688), (14, 12963, 6755), (0, 0, 0)]
    seen = {}
    for backend in ("spatialite", "postgis"):
        with _client(demo_engines[backend]) as client:
            seen[backend] = [
                {
                    code: f["properties"]
                    for code, f in features(client.get(tile_url(*tile), params=params)).items()
                }
                for tile in tiles
                for params in ({}, {"status": "disposing"})
            ]
    assert seen["spatialite"] == seen["postgis"]
    assert any(seen["postgis"])


def test_etag_round_trip_gives_304(client):
    first = client.get(tile_url(*PARK_TILE))
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert "no-cache" in first.headers["cache-control"]
    again = client.get(tile_url(*PARK_TILE), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get(tile_url(*PARK_TILE), headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    stale = client.get(tile_url(*PARK_TILE), headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.headers["etag"] == etag
    filtered = client.get(tile_url(*PARK_TILE), params={"status": "disposing"})
    assert filtered.headers["etag"] != etag
    other = client.get(tile_url(PARK_TILE[0], PARK_TILE[1], PARK_TILE[2] + 1))
    assert other.headers["etag"] != etag


def test_the_etag_changes_when_a_case_changes(databases):
    engine = databases.engine()  # a database of its own: this test commits
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
    with _client(engine) as client:
        url = tile_url(*WIDE_TILE)
        before = client.get(url)
        assert client.get(url, headers={"If-None-Match": before.headers["etag"]}).status_code == 304
        with transaction(engine) as session:
            case = cases.get_case(session, CASE)
            cases.edit_case(
                session,
                CASE,
                version=case.version,
                actor=Actor("zhangwei"),
                occurred_on=dt.date.today(),
                fields={"route": "buyback", "deadline": dt.date.today() + dt.timedelta(days=90)},
            )
        after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert after.headers["etag"] != before.headers["etag"]
        changed = next(
            f["properties"]
            for f in features(after).values()
            if f["properties"].get("case_no") == CASE
        )
        assert changed["route"] == "buyback"
        assert changed["overdue"] is False


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/tiles/roads/13/6481/3376.mvt", 404),
        ("/tiles/parcels/23/0/0.mvt", 422),
        ("/tiles/parcels/-1/0/0.mvt", 422),
        ("/tiles/parcels/2/4/0.mvt", 422),
        ("/tiles/parcels/2/0/4.mvt", 422),
        ("/tiles/parcels/2/0/-1.mvt", 422),
        ("/tiles/parcels/2/0/y.mvt", 422),
        ("/tiles/parcels/2/0.5/0.mvt", 422),
        ("/tiles/parcels/0/0/0.mvt?bbox=1,2", 422),
        ("/tiles/parcels/0/0/0.mvt?status=bogus", 422),
        ("/tiles/parcels/99999999999999999999999/0/0.mvt", 422),
    ],
)
def test_bad_requests_are_json_errors(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    body = response.json()
    assert body["message"] and body["message_en"]


def _tile_pixels(lon: float, lat: float, z: int, x: int, y: int) -> tuple[float, float]:
    """Where a point falls in tile z/x/y, in the tile's 4096 units (y down)."""
    n = 2**z
    column = (lon + 180) / 360 * n
    row = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return (column - x) * 4096, (row - y) * 4096


def _vertices(feature: dict) -> list[tuple[float, float]]:
    """A decoded MVT polygon's vertices in tile units, y down."""
    geometry = shape(feature["geometry"])
    return [
        xy for polygon in getattr(geometry, "geoms", [geometry]) for xy in polygon.exterior.coords
    ]


def test_gcj02_tiles_hold_the_parcels_shifted_for_display(client):
    """With ``gcj02=true`` (the tiled map on 高德 backgrounds) the features are where the
    inline map draws them: shifted to GCJ-02, hundreds of metres from the stored place."""
    parcels = client.get("/api/parcels", params={"q": "519901001003GB00042"}).json()["features"]
    parcel = shape(parcels[0]["geometry"])
    shifted = to_gcj02(parcel)
    z, x, y = tile_of(*shifted.representative_point().coords[0], 16)
    plain = features(client.get(tile_url(z, x, y)))
    moved = features(client.get(tile_url(z, x, y), params={"gcj02": "true"}))
    code = parcels[0]["id"]
    assert code in moved
    tile = lonlat_box(z, x, y)
    assert set(moved) == {
        f["id"]
        for f in client.get("/api/parcels").json()["features"]
        if to_gcj02(shape(f["geometry"])).intersects(tile)
    }
    assert set(moved) != set(plain)
    # Every vertex inside the tile is the GCJ-02 vertex, to the tile grid (1/4096).
    body = client.get(tile_url(z, x, y), params={"gcj02": "true"}).content
    decoded = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})
    [feature] = [f for f in decoded["parcels"]["features"] if f["properties"]["code"] == code]
    drawn = _vertices(feature)
    inside = [
        _tile_pixels(vx, vy, z, x, y)
        for vx, vy in shifted.geoms[0].exterior.coords
        if tile.contains(shapely.Point(vx, vy))
    ]
    assert inside
    for want in inside:
        assert min(math.dist(want, got) for got in drawn) <= 1.0
    # Unshifted, the vertices would lie some 500 m (over 3000 units at zoom 16) away.
    for vx, vy in parcel.geoms[0].exterior.coords:
        assert min(math.dist(_tile_pixels(vx, vy, z, x, y), got) for got in drawn) > 1000
    # The ETag tells the shifted tile from the plain one.
    etag = client.get(tile_url(z, x, y)).headers["etag"]
    shifted_etag = client.get(tile_url(z, x, y), params={"gcj02": "true"}).headers["etag"]
    assert etag != shifted_etag
    # Zones are shifted alike; the stored geometries are not.
    zones = features(client.get(tile_url(8, 202, 105, "zones"), params={"gcj02": "true"}), "zones")
    assert zones
    again = client.get("/api/parcels", params={"q": code}).json()["features"][0]["geometry"]
    assert shape(again).equals(parcel)
