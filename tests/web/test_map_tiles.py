"""The tiled ledger map in a real browser (Debian's Chromium), on the demo county of each
backend with the inline threshold set low (10 parcels), so ``/map`` draws its 90 parcels
from vector tiles.

Every request the page makes is checked: only landgis's own URLs pass, anything else fails
the test, as does any console error.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from shapely.geometry import shape

from api.main import create_app
from landgis.gcj02 import wgs84_to_gcj02
from landgis.settings import Settings

THRESHOLD = 10
AMAP_HOST = re.compile(r"^webrd0[1-4]\.is\.autonavi\.com$")  # answered with a blank tile
ONE_PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AwAI/AL+p5qgoAAAAABJRU5ErkJggg=="
)
XSS_HOLDER = '<img src=x onerror="window.__xss=1">'
DRAWN = "() => document.documentElement.dataset.parcelsDrawn !== undefined"
PARCEL_PATHS = ".leaflet-overlay-pane path.landgis-parcel"


@dataclass
class Site:
    base: str
    xss_code: str
    parcels: dict[str, Any]
    url: str = ""


@pytest.fixture(scope="module")
def site(html_demo, live_server) -> Iterator[Site]:
    """The demo county (one ledger parcel's holder is HTML) served with threshold 10."""
    url, _engine, code = html_demo(XSS_HOLDER)
    app = create_app(Settings(database_url=url, map_inline_max_parcels=THRESHOLD))
    with live_server(app) as base:
        with urllib.request.urlopen(base + "/api/parcels", timeout=30) as response:
            features = json.load(response)["features"]
        yield Site(base=base, xss_code=code, parcels={f["id"]: f for f in features}, url=url)


@dataclass
class Probe:
    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    responses: list[tuple[int, str]] = field(default_factory=list)

    def route(self, route: Any) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        elif AMAP_HOST.match(urlsplit(route.request.url).hostname or ""):
            route.fulfill(status=200, content_type="image/png", body=ONE_PIXEL_PNG)
        else:
            self.outside.append(route.request.url)
            route.abort()

    def tiles(self) -> list[tuple[int, str]]:
        return [(status, url) for status, url in self.responses if ".mvt" in url]

    def redrawn(self, script: str, arg: Any = None) -> None:
        """Run ``script`` (which changes the view) and wait until the parcels are drawn."""
        self.page.evaluate("() => { delete document.documentElement.dataset.parcelsDrawn; }")
        self.page.evaluate(script, arg)
        self.page.wait_for_function(DRAWN)

    def assert_clean(self) -> None:
        assert self.outside == [], "requests outside landgis"
        assert self.errors == [], "console errors"


@contextmanager
def probe(browser: Any, site: Site, path: str) -> Iterator[Probe]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    recorder = Probe(page=page, base=site.base)
    page.on("console", lambda m: m.type == "error" and recorder.errors.append(m.text))
    page.on("pageerror", lambda e: recorder.errors.append(f"pageerror: {e}"))
    page.on("response", lambda r: recorder.responses.append((r.status, r.url)))
    page.route("**/*", recorder.route)
    try:
        page.goto(site.base + path)
        page.wait_for_function(DRAWN)
        yield recorder
    finally:
        context.close()


def centre_on(p: Probe, site: Site, code: str, zoom: int = 17) -> None:
    """Centre the map on a point inside parcel ``code`` and wait for its tiles."""
    point = shape(site.parcels[code]["geometry"]).representative_point()
    p.redrawn(
        "([lat, lon, z]) => window.landgis.map.setView([lat, lon], z, { animate: false })",
        [point.y, point.x, zoom],
    )


def click_centre(p: Probe) -> Any:
    """Click the middle of the map; return the popup response it triggers."""
    box = p.page.locator(".folium-map").bounding_box()
    with p.page.expect_response(lambda r: "/popup" in r.url) as popup:
        p.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return popup.value


def test_the_map_draws_parcels_from_tiles_and_fetches_popups(
    browser, site: Site, backend: str, artifacts: Path
):
    with probe(browser, site, "/map") as p:
        page = p.page
        assert page.evaluate("window.landgis.tiled") is True
        assert page.evaluate("window.landgis.map.getZoom()") >= 12
        tiles = p.tiles()
        assert tiles, "parcel tiles were requested"
        assert all(url.startswith(site.base + "/tiles/parcels/") for _, url in tiles)
        assert all(status in (200, 204) for status, _ in tiles)
        assert any(status == 200 for status, _ in tiles)
        assert float(page.evaluate("document.documentElement.dataset.parcelsDrawn")) > 0
        # Every parcel is drawn (tiles cut some in pieces), coloured by status.
        assert page.locator(PARCEL_PATHS).count() >= len(site.parcels)
        assert page.locator(f"{PARCEL_PATHS}.landgis-status-none").count() > 0
        assert page.locator(f"{PARCEL_PATHS}.landgis-status-identified").count() > 0
        assert page.locator("path.landgis-zone").count() > 0
        assert not page.locator(".landgis-zoom-hint").is_visible()
        page.screenshot(path=artifacts / f"map-tiles-{backend}.png")

        # Hover: code and status from the tile's attributes.
        code = site.xss_code
        centre_on(p, site, code)
        box = page.locator(".folium-map").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = page.locator(".landgis-parcel-tip")
        tip.wait_for()
        status = site.parcels[code]["properties"]["status"]
        assert code in tip.inner_text() and "宗地编号" in tip.inner_text()
        assert status not in tip.inner_text(), "the status is shown by its label"

        # Click: the popup comes from the server, user text shown as text.
        response = click_centre(p)
        assert response.status == 200
        assert response.url == f"{site.base}/map/parcels/{code}/popup?lang=zh"
        popup = page.locator(".leaflet-popup .landgis-popup")
        popup.wait_for()
        assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in response.text()
        assert XSS_HOLDER in popup.inner_text()
        assert site.parcels[code]["properties"]["case_no"] in popup.inner_text()
        assert "查看台账详情 »" in popup.inner_text()
        assert page.evaluate("window.__xss") is None
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
        )
        page.screenshot(path=artifacts / f"map-tiles-popup-{backend}.png")
        p.assert_clean()


def test_below_the_minimum_zoom_only_zones_show_with_a_hint(browser, site: Site):
    with probe(browser, site, "/map") as p:
        page = p.page
        before = len(p.tiles())
        p.redrawn("() => window.landgis.map.setZoom(10, { animate: false })")
        assert page.locator(".landgis-zoom-hint").is_visible()
        assert page.locator(".landgis-zoom-hint").inner_text() == "放大以查看宗地"
        assert page.locator("path.landgis-zone").count() > 0
        page.wait_for_load_state("networkidle")
        assert len(p.tiles()) == before, "no parcel tile below the minimum zoom"
        assert page.locator(PARCEL_PATHS).count() == 0
        p.redrawn("() => window.landgis.map.setZoom(13, { animate: false })")
        assert not page.locator(".landgis-zoom-hint").is_visible()
        assert page.locator(PARCEL_PATHS).count() > 0
        assert all("/tiles/parcels/13/" in url for _, url in p.tiles()[before:])
        # Zoom 11.75 shows zoom-12 tiles (Leaflet rounds): parcels, no hint; 11.25 none.
        before = len(p.tiles())
        p.redrawn("() => window.landgis.map.setZoom(11.75, { animate: false })")
        assert not page.locator(".landgis-zoom-hint").is_visible()
        assert page.locator(PARCEL_PATHS).count() > 0
        assert all("/tiles/parcels/12/" in url for _, url in p.tiles()[before:])
        before = len(p.tiles())
        p.redrawn("() => window.landgis.map.setZoom(11.25, { animate: false })")
        assert page.locator(".landgis-zoom-hint").is_visible()
        assert page.locator(PARCEL_PATHS).count() == 0
        page.wait_for_load_state("networkidle")
        assert len(p.tiles()) == before
        p.assert_clean()


def test_the_filters_reach_the_tiles_and_english_reaches_the_popups(browser, site: Site):
    statuses = ("suspected", "investigating", "identified", "planned", "disposing", "revitalized")
    chosen = [c for c, f in site.parcels.items() if f["properties"].get("status") in statuses]
    others = [c for c in site.parcels if c not in chosen]
    assert len(chosen) > THRESHOLD, "enough parcels for the tiled map"
    query = "&".join(f"status={s}" for s in statuses)
    with probe(browser, site, f"/map?{query}&q=5199&lang=en") as p:
        page = p.page
        tiles = p.tiles()
        assert tiles
        for _, url in tiles:
            assert "status=planned" in url and "status=suspected" in url and "q=5199" in url
        assert page.locator(PARCEL_PATHS).count() >= len(chosen)
        assert page.locator(f"{PARCEL_PATHS}.landgis-status-none").count() == 0
        assert page.locator(f"{PARCEL_PATHS}.landgis-status-closed").count() == 0

        code = chosen[0]
        centre_on(p, site, code)
        response = click_centre(p)
        assert response.url == f"{site.base}/map/parcels/{code}/popup?lang=en"
        popup = page.locator(".leaflet-popup .landgis-popup")
        popup.wait_for()
        assert "View the case »" in popup.inner_text() and "台账" not in popup.inner_text()

        # A parcel the filters leave out is not drawn: clicking it fetches no popup.
        page.evaluate("() => window.landgis.map.closePopup()")
        page.locator(".leaflet-popup").wait_for(state="detached")
        other = others[0]
        centre_on(p, site, other)
        box = page.locator(".folium-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_load_state("networkidle")
        assert not any("/popup" in url and other in url for _, url in p.responses)
        assert page.locator(".leaflet-popup").count() == 0
        p.assert_clean()


def test_at_or_below_the_threshold_the_page_is_inline_with_the_same_signal(browser, site: Site):
    identified = [c for c, f in site.parcels.items() if f["properties"]["status"] == "identified"]
    assert 0 < len(identified) <= THRESHOLD
    with probe(browser, site, "/map?status=identified") as p:
        page = p.page
        assert float(page.evaluate("document.documentElement.dataset.parcelsDrawn")) > 0
        assert page.evaluate("window.landgis.tiled") is None
        drawn = page.evaluate("Object.keys(window.landgis.parcels)")
        assert sorted(drawn) == sorted(identified)
        assert page.locator(f"{PARCEL_PATHS}.landgis-status-identified").count() == len(identified)
        assert p.tiles() == []
        p.assert_clean()


RECT = (
    "(el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
)


def _contained(rect: list[float], outer: list[float], slack: float = 2.0) -> bool:
    return (
        rect[0] >= outer[0] - slack
        and rect[1] >= outer[1] - slack
        and rect[2] <= outer[2] + slack
        and rect[3] <= outer[3] + slack
    )


def test_on_amap_backgrounds_tiles_draw_parcels_where_the_inline_map_does(
    browser, site: Site, live_server, backend: str, artifacts: Path
):
    """On 高德 (GCJ-02) backgrounds the tiled map shows each parcel exactly where the
    inline map draws it (both shifted to GCJ-02), not hundreds of metres off."""
    code = site.xss_code
    lon, lat = shape(site.parcels[code]["geometry"]).representative_point().coords[0]
    shown_lon, shown_lat = (float(v) for v in wgs84_to_gcj02(lon, lat))
    view = "([lat, lon]) => window.landgis.map.setView([lat, lon], 16, { animate: false })"
    inline_app = create_app(Settings(database_url=site.url))
    with live_server(inline_app) as inline_base:
        inline_site = Site(base=inline_base, xss_code=code, parcels=site.parcels)
        with probe(browser, inline_site, "/map?basemap=amap") as p:
            assert p.page.evaluate("window.landgis.tiled") is None
            p.page.evaluate(view, [shown_lat, shown_lon])  # inline: drawn as the view moves
            p.page.evaluate("() => new Promise((done) => requestAnimationFrame(done))")
            path = p.page.evaluate_handle("(c) => window.landgis.parcels[c]._path", code)
            inline_rect = p.page.evaluate(RECT, path)
            p.assert_clean()
    with probe(browser, site, "/map?basemap=amap") as p:
        page = p.page
        assert page.evaluate("window.landgis.tiled") is True
        tiles = p.tiles()
        assert tiles and all("gcj02=true" in url for _, url in tiles)
        p.redrawn(view, [shown_lat, shown_lon])
        rects = page.locator(PARCEL_PATHS).evaluate_all(f"(els) => els.map({RECT})")
        pieces = [r for r in rects if r[2] > r[0] and _contained(r, inline_rect)]
        assert pieces, "the parcel is drawn inside the inline map's outline"
        union = [
            min(r[0] for r in pieces),
            min(r[1] for r in pieces),
            max(r[2] for r in pieces),
            max(r[3] for r in pieces),
        ]
        assert union == pytest.approx(inline_rect, abs=2.0)
        # Hovering the parcel's (shifted) point names it from the tile's attributes.
        box = page.locator(".folium-map").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = page.locator(".landgis-parcel-tip")
        tip.wait_for()
        assert code in tip.inner_text()
        page.screenshot(path=artifacts / f"map-tiles-amap-{backend}.png")
        p.assert_clean()
