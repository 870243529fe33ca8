"""The ledger map switches to vector tiles above ``map_inline_max_parcels``, on each backend:
the page then references the parcel tiles with its filters and inlines no parcel, opens on
the filtered parcels' extent, and fetches popups from ``/map/parcels/{code}/popup``."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlsplit

import mapbox_vector_tile
import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import shape
from sqlalchemy.orm import Session

from api.main import create_app
from landgis.filters import parse_filters
from landgis.gcj02 import wgs84_to_gcj02
from landgis.parcels import ParcelFilter
from landgis.settings import Settings
from landgis.tiled_map import parcel_tile_url, parcels_extent, status_counts

THRESHOLD = 10
XSS_HOLDER = '<img src=x onerror="window.__xss=1">'
XSS_PROJECT = "<script>window.__xss=2</script>"
PARK = "QX-KFQ-CC"  # one area of the demo park
TILE_TEMPLATE = re.compile(r"'(/tiles/parcels/\{z\}/\{x\}/\{y\}\.mvt[^']*)'")


@pytest.fixture(scope="module")
def demo(html_demo):
    """A fresh demo county whose first ledger parcel has an HTML holder and project."""
    return html_demo(XSS_HOLDER, XSS_PROJECT)


@pytest.fixture(scope="module")
def tiled(demo):
    with TestClient(
        create_app(Settings(database_url=demo[0], map_inline_max_parcels=THRESHOLD))
    ) as c:
        yield c


@pytest.fixture(scope="module")
def inline(demo):
    with TestClient(create_app(Settings(database_url=demo[0]))) as c:
        yield c


def get(client: TestClient, path: str, **params: str) -> str:
    """The page, with the JSON string escapes (\\u5b97 …) of its embedded data undone."""
    page = client.get(path, params=params).text
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def codes(client: TestClient, **params: str) -> list[str]:
    return [f["id"] for f in client.get("/api/parcels", params=params).json()["features"]]


def tile_template(page: str) -> str:
    found = TILE_TEMPLATE.findall(page)
    assert len(found) == 1, found
    return found[0]


def fit_bounds(page: str) -> list[float]:
    match = re.search(
        r"\.fitBounds\(\s*\[\[([-\d.e]+),\s*([-\d.e]+)\],\s*\[([-\d.e]+),\s*([-\d.e]+)\]\]", page
    )
    assert match, "the map fits a bounding box"
    return [float(v) for v in match.groups()]


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    row = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(row)


def test_below_the_threshold_the_map_inlines_the_parcels(inline):
    page = get(inline, "/map")
    assert ".mvt" not in page and "vectorgrid" not in page.lower()
    every = codes(inline)
    assert len(every) == 90
    assert all(f'"id": "{code}"' in page for code in every)
    assert "dataset.parcelsDrawn" in page


def test_above_the_threshold_the_map_draws_tiles_and_inlines_no_parcel(tiled):
    assert tiled.get("/map").status_code == 200
    page = get(tiled, "/map")
    assert tile_template(page) == "/tiles/parcels/{z}/{x}/{y}.mvt"
    assert '<script src="/static/vendor/vectorgrid/Leaflet.VectorGrid.bundled.js">' in page
    assert "unpkg" not in page and "http://" not in page and "https://" not in page
    assert not any(code in page for code in codes(tiled)), "no parcel is inlined"
    assert '"/map/parcels/{code}/popup?lang=zh"' in page
    assert "var minZoom = 12;" in page and "minZoom: 11.5," in page and "放大以查看宗地" in page
    assert "dataset.parcelsDrawn" in page
    # Zones stay inline: their names are in the page.
    assert "青溪经济开发区" in page
    # The vendored script is served by landgis.
    script = tiled.get("/static/vendor/vectorgrid/Leaflet.VectorGrid.bundled.js")
    assert script.status_code == 200 and "L.VectorGrid" in script.text


def test_the_legend_counts_each_status_from_one_count_query(tiled, demo):
    page = get(tiled, "/map")
    legend = re.search(r'<div class="landgis-legend".*?</div></div>', page, re.S).group(0)
    features = tiled.get("/api/parcels").json()["features"]
    not_in_ledger = sum(1 for f in features if not f["properties"].get("case_no"))
    assert f"未列入台账 ({not_in_ledger})" in legend
    assert "宗地 (90)" in page


def test_the_count_follows_the_filters(tiled):
    # Few identified parcels: inline again, even with the low threshold.
    identified = codes(tiled, status="identified")
    assert 0 < len(identified) <= THRESHOLD
    page = get(tiled, "/map", status="identified")
    assert ".mvt" not in page and all(code in page for code in identified)
    # A page of at most the threshold is inline too.
    assert ".mvt" not in get(tiled, "/map", limit=str(THRESHOLD))


def test_the_tile_url_carries_the_filters_and_serves_the_filtered_parcels(tiled):
    params = {"zone": PARK, "overdue": "false", "q": "GB", "bbox": "100,20,110,40"}
    expected = codes(tiled, **params)
    assert len(expected) > THRESHOLD
    page = get(tiled, "/map", **params)
    template = tile_template(page)
    query = parse_qs(urlsplit(template).query)
    assert query == {k: [v] for k, v in params.items()} | {"bbox": ["100.0,20.0,110.0,40.0"]}
    # The page's tile URL, over the filtered parcels, holds exactly them.
    south, west, north, east = fit_bounds(page)
    z, x, y = tile_of((west + east) / 2, (south + north) / 2, 12)
    got: set[str] = set()
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            url = template.replace("{z}/{x}/{y}", f"{z}/{x + dx}/{y + dy}")
            response = tiled.get(url.replace("&amp;", "&"))
            assert response.status_code in (200, 204)
            if response.status_code == 200:
                layer = mapbox_vector_tile.decode(response.content)["parcels"]
                got |= {f["properties"]["code"] for f in layer["features"]}
    assert got == set(expected)


def test_the_map_opens_on_the_filtered_parcels_extent(tiled, demo):
    _, engine, _ = demo
    filters = ParcelFilter(zone=(PARK,))
    with Session(engine) as session:
        minx, miny, maxx, maxy = parcels_extent(session, filters)
        assert parcels_extent(session, ParcelFilter(text="no such parcel")) is None
        counts = status_counts(session, filters)
    features = tiled.get("/api/parcels", params={"zone": PARK}).json()["features"]
    assert sum(counts.values()) == len(features)
    bounds = shapely.GeometryCollection([shape(f["geometry"]) for f in features]).bounds
    # Computed in the database (PostGIS from its float4 bounding boxes: within 1e-4°).
    assert (minx, miny, maxx, maxy) == pytest.approx(bounds, abs=1e-4)
    page = get(tiled, "/map", zone=PARK)
    assert fit_bounds(page) == pytest.approx([miny, minx, maxy, maxx], abs=1e-9)


def test_the_popup_endpoint_returns_the_escaped_popup(tiled, demo):
    _, _, code = demo
    response = tiled.get(f"/map/parcels/{code}/popup")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    body = response.text
    assert body.startswith('<div class="landgis-popup">')
    assert XSS_HOLDER not in body and XSS_PROJECT not in body
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in body
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in body
    assert "台账编号" in body and 'href="/cases/' in body and "查看台账详情 »" in body
    english = tiled.get(f"/map/parcels/{code}/popup", params={"lang": "en"}).text
    assert "View the case »" in english and "台账编号" not in english


def test_a_parcel_outside_the_ledger_links_to_its_map(tiled):
    features = tiled.get("/api/parcels").json()["features"]
    code = next(f["id"] for f in features if not f["properties"].get("case_no"))
    body = tiled.get(f"/map/parcels/{code}/popup").text
    assert f'href="/map/parcels/{code}"' in body and "查看宗地图 »" in body
    assert "未列入台账" in body


def test_an_unknown_parcel_has_no_popup(tiled):
    response = tiled.get("/map/parcels/NO-SUCH-PARCEL/popup")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


def test_the_tiled_map_speaks_english(tiled):
    page = get(tiled, "/map", lang="en")
    assert "Zoom in to see parcels" in page and "Parcels (90)" in page
    assert '"/map/parcels/{code}/popup?lang=en"' in page
    assert "放大以查看宗地" not in page and "处置状态" not in page


def test_filters_round_trip_through_the_tile_url():
    filters = parse_filters(
        {
            "status": ["identified", "planned"],
            "zone": ["A&B"],
            "route": ["buyback"],
            "overdue": "true",
            "bbox": "1,2,3,4",
            "q": "厂 <x>",
            "code": "X",
        },
        strict=True,
    )
    url = parcel_tile_url(filters)
    assert url.startswith("/tiles/parcels/{z}/{x}/{y}.mvt?")
    assert parse_filters(parse_qs(urlsplit(url).query), strict=True) == filters
    assert parcel_tile_url(ParcelFilter()) == "/tiles/parcels/{z}/{x}/{y}.mvt"


def test_the_map_opens_where_view_says_in_either_mode(tiled, inline):
    for client in (tiled, inline):
        page = get(client, "/map", view="30.1,104.81,14.5")
        assert "center: [30.1, 104.81]" in page
        assert '"zoom": 14.5' in page
        assert ".fitBounds(" not in page
        # Without a view the map fits the parcels.
        assert ".fitBounds(" in get(client, "/map")


@pytest.mark.parametrize("view", ["30.1,104.81", "91,104,10", "30,104,23", "a,b,c"])
def test_a_bad_view_is_refused_with_a_message(tiled, view):
    response = tiled.get("/map", params={"view": view})
    assert response.status_code == 422
    assert "lat,lon,zoom" in response.json()["message_en"]


def test_on_amap_backgrounds_the_tiles_zones_and_view_are_shifted_to_gcj02(tiled):
    """高德 tiles are drawn in GCJ-02: the page asks for tiles shifted alike and shifts the
    zones it inlines and the extent it opens on; other backgrounds stay in CGCS2000."""
    plain, amap = get(tiled, "/map"), get(tiled, "/map", basemap="amap")
    assert tile_template(plain) == "/tiles/parcels/{z}/{x}/{y}.mvt"
    assert tile_template(amap) == "/tiles/parcels/{z}/{x}/{y}.mvt?gcj02=true"
    filtered = get(tiled, "/map", basemap="amap", zone=PARK, q="5199")
    assert parse_qs(urlsplit(tile_template(filtered)).query)["gcj02"] == ["true"]
    south, west, north, east = fit_bounds(plain)
    shifted = fit_bounds(amap)
    lons, lats = wgs84_to_gcj02([west, east], [south, north])
    assert shifted == pytest.approx([lats[0], lons[0], lats[1], lons[1]], abs=1e-9)
    # The zones' first coordinates, as inlined (GeoJSON, lon first).
    first = re.compile(r'"coordinates": \[\[\[\[?([-\d.]+), ([-\d.]+)\]')
    zone_plain = [float(v) for v in first.search(plain).groups()]
    zone_amap = [float(v) for v in first.search(amap).groups()]
    expected = [float(v) for v in wgs84_to_gcj02(*zone_plain)]
    assert zone_amap == pytest.approx(expected, abs=1e-6)  # the page keeps 7 decimals
    assert abs(zone_amap[0] - zone_plain[0]) > 1e-3  # hundreds of metres
