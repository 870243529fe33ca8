"""The map pages in a real browser (Debian's Chromium), on the demo county of each backend.

Every request the page makes is checked: the app's own URLs pass, tile requests of the
chosen background get a local 1x1 PNG, anything else fails the test. So the default map
(basemap none) is proven to need nothing but landgis itself.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import geopandas as gpd
import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.main import create_app
from landgis.db.models import Building, Parcel
from landgis.gcj02 import wgs84_to_gcj02
from landgis.geo import gk_zone_epsg
from landgis.settings import Settings

MODES = ("none", "osm", "tianditu", "amap")
TIANDITU_TEST_KEY = "test-key-0123"
XSS_HOLDER = '<img src=x onerror="window.__xss=1">'
XSS_PROJECT = "<script>window.__xss=2</script>"
TILE_HOSTS = {
    "osm": re.compile(r"^tile\.openstreetmap\.org$"),
    "tianditu": re.compile(r"^t[0-7]\.tianditu\.gov\.cn$"),
    "amap": re.compile(r"^webrd0[1-4]\.is\.autonavi\.com$"),
}
ONE_PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AwAI/AL+p5qgoAAAAABJRU5ErkJggg=="
)
DRAWN_PARCELS = """() => Object.entries(window.landgis.parcels)
    .filter(([, layer]) => window.landgis.map.hasLayer(layer))
    .filter(([, layer]) => layer._path && (layer._path.getAttribute("d") || "").length > 0)
    .map(([code]) => code)"""


# --- the demo county, served -------------------------------------------------------------


@dataclass
class Site:
    base: str
    url: str
    engine: Engine
    xss_code: str
    parcels: dict[str, Any] = field(default_factory=dict)

    def get(self, path: str) -> tuple[int, str, bytes]:
        """Status, content type and body of ``path`` on the live server."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as response:
                return response.status, response.headers.get("content-type", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("content-type", ""), error.read()

    def features(self, **params: str) -> list[dict[str, Any]]:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        status, _, body = self.get(f"/api/parcels?{query}")
        assert status == 200
        return json.loads(body)["features"]


@pytest.fixture(scope="module")
def site(html_demo, live_server) -> Iterator[Site]:
    """A fresh copy of the demo county (one ledger parcel's holder and project are HTML),
    served by the app on 127.0.0.1 with a 天地图 test key configured."""
    url, engine, code = html_demo(XSS_HOLDER, XSS_PROJECT)
    app = create_app(Settings(database_url=url, tianditu_key=TIANDITU_TEST_KEY))
    with live_server(app) as base:
        site = Site(base=base, url=url, engine=engine, xss_code=code)
        site.parcels = {f["id"]: f for f in site.features()}
        yield site


# --- a page that records what it asks for ------------------------------------------------


@dataclass
class Probe:
    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(self.base + "/"):
            route.continue_()
        elif any(pattern.match(host) for pattern in TILE_HOSTS.values()):
            self.tiles.append(url)
            route.fulfill(status=200, content_type="image/png", body=ONE_PIXEL_PNG)
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_function("() => window.landgis !== undefined")
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self) -> None:
        assert self.outside == [], "requests outside landgis"
        assert self.errors == [], "console errors"


@contextmanager
def probe(browser: Any, site: Site) -> Iterator[Probe]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    recorder = Probe(page=page, base=site.base)
    page.on("console", lambda m: m.type == "error" and recorder.errors.append(m.text))
    page.on("pageerror", lambda e: recorder.errors.append(f"pageerror: {e}"))
    page.route("**/*", recorder.route)
    try:
        yield recorder
    finally:
        context.close()


def first_vertex(feature: dict[str, Any]) -> tuple[float, float]:
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    return lon, lat


def drawn_first_vertex(page: Any, code: str) -> tuple[float, float]:
    latlng = page.evaluate(
        """(code) => {
            let ll = window.landgis.parcels[code].getLatLngs();
            while (Array.isArray(ll)) { ll = ll[0]; }
            return [ll.lng, ll.lat];
        }""",
        code,
    )
    return latlng[0], latlng[1]


# --- offline: every asset is local and served ------------------------------------------


class _Assets(HTMLParser):
    """Every URL a page would fetch by itself: src/href of script, link, img (and the like),
    and url() in style elements and attributes."""

    FETCHING: ClassVar[dict[str, str]] = {
        "script": "src",
        "link": "href",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "embed": "src",
        "object": "data",
        "video": "poster",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.stylesheets: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        name = self.FETCHING.get(tag)
        if name and values.get(name):
            self.urls.append(values[name])
            if tag == "link" and "stylesheet" in (values.get("rel") or ""):
                self.stylesheets.append(values[name])
        if tag == "img" and values.get("srcset"):
            self.urls.extend(part.split()[0] for part in values["srcset"].split(","))
        self.urls.extend(css_urls(values.get("style") or ""))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(css_urls(data))


def css_urls(css: str) -> list[str]:
    found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", css)
    found += re.findall(r"""@import\s+['"]([^'"]+)['"]""", css)
    return [u for u in found if not u.startswith(("data:", "#"))]


@pytest.mark.parametrize("mode", MODES)
def test_map_pages_load_only_assets_served_by_landgis(site: Site, mode: str):
    for path in (f"/map?basemap={mode}", f"/map/parcels/{site.xss_code}?basemap={mode}"):
        status, content_type, body = site.get(path)
        assert status == 200, path
        assert content_type.startswith("text/html")
        parser = _Assets()
        parser.feed(body.decode())
        assert parser.urls, "the page loads Leaflet"
        assert parser.stylesheets
        for asset in parser.urls:
            assert asset.startswith("/") and not asset.startswith("//"), asset
            status, _, content = site.get(asset)
            assert status == 200, asset
            assert content, asset
        for sheet in parser.stylesheets:
            _, _, css = site.get(sheet)
            for ref in css_urls(css.decode()):
                absolute = urljoin(site.base + sheet, ref)
                assert absolute.startswith(site.base + "/"), (sheet, ref)
                status, _, _ = site.get(absolute[len(site.base) :])
                assert status == 200, (sheet, ref)
        if mode == "none":
            assert "http://" not in body.decode() and "https://" not in body.decode()


# --- the ledger map ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_ledger_map_draws_every_parcel_with_no_outside_request(
    browser, site: Site, mode: str, backend: str, artifacts: Path
):
    assert len(site.parcels) == 90, "the demo county has 90 parcels"
    with probe(browser, site) as p:
        p.open(f"/map?basemap={mode}")
        p.page.screenshot(path=artifacts / f"map-{backend}-{mode}.png")
        p.assert_clean()
        assert p.page.locator("path.landgis-parcel").count() == len(site.parcels)
        assert sorted(p.page.evaluate(DRAWN_PARCELS)) == sorted(site.parcels)
        assert p.page.locator(".landgis-legend").inner_text().startswith("处置状态")
        assert p.page.locator(".leaflet-control-scale-line").count() == 1

        if mode == "none":
            assert p.tiles == []
        else:
            hosts = {urlsplit(url).hostname for url in p.tiles}
            assert hosts and all(TILE_HOSTS[mode].match(h) for h in hosts), hosts
        if mode == "tianditu":
            assert all(f"tk={TIANDITU_TEST_KEY}" in url for url in p.tiles)
            assert {"vec_w", "cva_w"} <= {urlsplit(url).path.split("/")[1] for url in p.tiles}

        code = site.xss_code
        true_lon, true_lat = first_vertex(site.parcels[code])
        lon, lat = drawn_first_vertex(p.page, code)
        if mode == "amap":
            # Drawn in GCJ-02: hundreds of metres off the stored position, by the transform.
            assert abs(lon - true_lon) > 1e-3 or abs(lat - true_lat) > 1e-3
            expected_lon, expected_lat = wgs84_to_gcj02(true_lon, true_lat)
            assert lon == pytest.approx(float(expected_lon), abs=1e-6)
            assert lat == pytest.approx(float(expected_lat), abs=1e-6)
        else:
            assert (lon, lat) == pytest.approx((true_lon, true_lat), abs=1e-7)
    # Display only: what the API serves (the stored geometry) did not move.
    stored = next(f for f in site.features(q=code) if f["id"] == code)
    assert first_vertex(stored) == (true_lon, true_lat)


def test_map_filters_are_the_parcel_list_filters(browser, site: Site):
    zone = next(f["properties"]["zone_code"] for f in site.parcels.values())
    expected = sorted(f["id"] for f in site.features(zone=zone, category="idle"))
    assert 0 < len(expected) < len(site.parcels)
    with probe(browser, site) as p:
        p.open(f"/map?zone={zone}&category=idle")
        p.assert_clean()
        assert sorted(p.page.evaluate(DRAWN_PARCELS)) == expected


def test_layers_toggle_parcels_by_status_and_by_zone(
    browser, site: Site, backend: str, artifacts: Path
):
    by_zone: dict[str, int] = {}
    for feature in site.parcels.values():
        zone = feature["properties"]["zone_name"]
        by_zone[zone] = by_zone.get(zone, 0) + 1
    outside_ledger = sum(1 for f in site.parcels.values() if not f["properties"]["case_no"])
    zone, in_zone = sorted(by_zone.items())[0]
    with probe(browser, site) as p:
        p.open("/map")
        control = p.page.locator(".leaflet-control-layers-overlays")
        drawn = lambda: len(p.page.evaluate(DRAWN_PARCELS))  # noqa: E731
        assert drawn() == len(site.parcels)

        zone_box = control.locator("label", has_text=f"片区 · {zone}").locator("input")
        zone_box.uncheck()
        assert drawn() == len(site.parcels) - in_zone
        status_box = control.locator("label", has_text="未列入台账").locator("input")
        status_box.uncheck()
        both_off = sum(
            1
            for f in site.parcels.values()
            if f["properties"]["case_no"] and f["properties"]["zone_name"] != zone
        )
        assert drawn() == both_off
        p.page.screenshot(path=artifacts / f"map-toggled-{backend}.png")
        zone_box.check()
        assert drawn() == len(site.parcels) - outside_ledger
        status_box.check()
        assert drawn() == len(site.parcels)
        p.assert_clean()


def test_user_text_shows_verbatim_and_never_runs(
    browser, site: Site, backend: str, artifacts: Path
):
    with probe(browser, site) as p:
        p.open("/map")
        page = p.page
        # Hover the parcel, as a user would: the tooltip.
        page.evaluate(
            """(code) => {
                const layer = window.landgis.parcels[code];
                window.landgis.map.fitBounds(layer.getBounds(), {animate: false});
            }""",
            site.xss_code,
        )
        box = page.locator(".folium-map").bounding_box()
        centre = page.evaluate(
            """(code) => {
                const map = window.landgis.map;
                const point = map.latLngToContainerPoint(
                    window.landgis.parcels[code].getBounds().getCenter());
                return [point.x, point.y];
            }""",
            site.xss_code,
        )
        page.mouse.move(box["x"] + centre[0], box["y"] + centre[1])
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for()
        assert XSS_HOLDER in tooltip.inner_text()
        # Click it: the popup with the case summary and the link to the case page.
        page.mouse.click(box["x"] + centre[0], box["y"] + centre[1])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert XSS_HOLDER in text and XSS_PROJECT in text
        case_no = site.parcels[site.xss_code]["properties"]["case_no"]
        assert case_no in text and "处置状态" in text and "完成时限" in text
        assert popup.locator("a.landgis-link").get_attribute("href") == f"/cases/{case_no}"
        page.wait_for_timeout(300)
        page.screenshot(path=artifacts / f"map-xss-{backend}.png")
        assert page.evaluate("() => window.__xss") is None
        assert page.locator('img[src="x"]').count() == 0
        p.assert_clean()

        # A parcel outside the ledger links to its own map.
        other = next(c for c, f in site.parcels.items() if not f["properties"]["case_no"])
        assert page.evaluate("(code) => window.landgis.openPopup(code)", other)
        link = page.locator(".leaflet-popup-content a.landgis-link", has_text="查看宗地图")
        link.wait_for()
        assert link.get_attribute("href") == f"/map/parcels/{other}"
        assert other in link.locator("xpath=ancestor::div[1]").inner_text()

        p.open(f"/map/parcels/{site.xss_code}")
        assert page.evaluate("(code) => window.landgis.openPopup(code)", site.xss_code)
        popup.wait_for()
        assert XSS_HOLDER in popup.inner_text()
        assert page.evaluate("() => window.__xss") is None
        p.assert_clean()


# --- one parcel --------------------------------------------------------------------------


def parcel_with_buildings(engine: Engine) -> tuple[str, int]:
    """A parcel with the most building footprints, and how many it has."""
    with Session(engine) as session:
        rows = session.execute(
            select(Parcel.parcel_code, Building.id)
            .join(Building, Building.parcel_id == Parcel.id)
            .where(Building.footprint.is_not(None))
            .order_by(Parcel.parcel_code)
        ).all()
    counts: dict[str, int] = {}
    for code, _ in rows:
        counts[code] = counts.get(code, 0) + 1
    code = max(counts, key=lambda c: (counts[c], c))
    return code, counts[code]


def neighbours_within(site: Site, code: str, metres: float) -> set[str]:
    frame = gpd.GeoDataFrame.from_features(list(site.parcels.values()), crs="EPSG:4490")
    frame["code"] = list(site.parcels)
    here = frame[frame["code"] == code]
    zone = f"EPSG:{gk_zone_epsg(float(here.geometry.iloc[0].centroid.x))}"
    projected = frame.to_crs(zone)
    mine = projected[projected["code"] == code].geometry.iloc[0]
    near = projected[(projected["code"] != code) & (projected.distance(mine) <= metres)]
    return set(near["code"])


@pytest.mark.parametrize("mode", ["none", "amap"])
def test_parcel_page_shows_the_parcel_its_neighbours_and_buildings(
    browser, site: Site, mode: str, backend: str, artifacts: Path
):
    code, buildings = parcel_with_buildings(site.engine)
    expected = neighbours_within(site, code, 200.0)
    assert expected, "demo parcels have neighbours"
    with probe(browser, site) as p:
        p.open(f"/map/parcels/{code}?basemap={mode}")
        page = p.page
        page.screenshot(path=artifacts / f"parcel-{backend}-{mode}.png")
        p.assert_clean()
        assert page.locator("path.landgis-parcel-focus").count() == 1
        assert page.locator("path.landgis-neighbour").count() == len(expected)
        assert page.locator("path.landgis-building").count() == buildings
        drawn = set(page.evaluate(DRAWN_PARCELS))
        assert drawn == expected | {code}
        assert page.title() == f"宗地 {code}"
        # Buildings: tooltip with the name and the floor area.
        page.evaluate(
            """() => {
                const group = window.landgis.layers.buildings;
                const layer = group.getLayers()[0];
                layer.fire("mouseover", {latlng: layer.getBounds().getCenter()}, true);
            }"""
        )
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for()
        text = tooltip.inner_text()
        assert "建筑面积(㎡)" in text and "厂房" in text
        assert re.search(r"\d", text)
        state_classes = page.evaluate(
            """() => Array.from(document.querySelectorAll("path.landgis-building"))
                .map((p) => p.getAttribute("class"))"""
        )
        state = re.compile(r"landgis-building-(in_use|idle|revitalized)")
        assert all(state.search(c) for c in state_classes)
        if mode == "amap":
            lon, lat = drawn_first_vertex(page, code)
            true_lon, true_lat = first_vertex(site.parcels[code])
            expected_lon, expected_lat = wgs84_to_gcj02(true_lon, true_lat)
            assert (lon, lat) == pytest.approx((float(expected_lon), float(expected_lat)), abs=1e-6)
        else:
            assert page.locator(".leaflet-tile").count() == 0


def test_unknown_parcel_is_a_404_in_json(site: Site):
    status, content_type, body = site.get("/map/parcels/NO-SUCH-PARCEL")
    assert status == 404
    assert content_type.startswith("application/json")
    payload = json.loads(body)
    assert payload["error"] == "NotFound"
    assert "NO-SUCH-PARCEL" in payload["message"]


def test_tianditu_without_a_key_is_a_clear_422(site: Site):
    app = create_app(Settings(database_url=site.url, tianditu_key=None, basemap="none"))
    with TestClient(app) as client:
        for path in ("/map?basemap=tianditu", f"/map/parcels/{site.xss_code}?basemap=tianditu"):
            response = client.get(path)
            assert response.status_code == 422, path
            body = response.json()
            assert "密钥" in body["message"] and "LANDGIS_TIANDITU_KEY" in body["message"]
            assert "key" in body["message_en"]
        assert client.get("/map?basemap=google").status_code == 422
        assert client.get("/map").status_code == 200


def test_geometries_are_stored_unshifted_after_an_amap_page(site: Site):
    status, _, _ = site.get("/map?basemap=amap")
    assert status == 200
    with Session(site.engine) as session:
        stored = session.scalar(
            select(Parcel.geom.ST_AsBinary()).where(Parcel.parcel_code == site.xss_code)
        )
    lon, lat = shapely.get_coordinates(shapely.from_wkb(bytes(stored)))[0]
    assert (lon, lat) == pytest.approx(first_vertex(site.parcels[site.xss_code]), abs=1e-7)
