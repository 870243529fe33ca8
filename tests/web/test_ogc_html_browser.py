"""The HTML pages of the OGC API in Debian's Chromium, with every request leaving landgis
refused: a staff member, logged in with the login form (reading needs a login here),
opens a page of parcels from a link, sees the table and the map drawn under the Content
Security Policy, pages on, and follows a parcel to its own page.

Screenshots go to /tmp/ogchtml-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from test_csp_browser import RECORD_VIOLATIONS
from ui_conftest import PASSWORD, UIPage, UISite, text_of, ui_page

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.models import Parcel
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user

SHOTS = Path("/tmp")
ITEMS = "/ogc/collections/parcels/items?f=html&limit=12"


@pytest.fixture(scope="module")
def site(databases, backend, live_server) -> Iterator[UISite]:
    """A demo county whose data only logged-in staff may read, with a viewer."""
    url = databases.new_url()
    engine = databases.engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "viewer1", PASSWORD, role="viewer", display_name="王查看")
    settings = Settings(database_url=url, secret_key="ogc-html-secret", read_requires_login=True)
    with live_server(create_app(settings)) as base:
        yield UISite(base=base, url=url, engine=engine, settings=settings)


def _parcel_codes(site: UISite) -> list[str]:
    with transaction(site.engine) as session:
        return list(session.scalars(select(Parcel.parcel_code).order_by(Parcel.parcel_code)))


def _violations(p: UIPage) -> list[str]:
    return list(p.page.evaluate("() => window.__cspViolations || []"))


def _drawn(p: UIPage) -> int:
    """How many features the page's map drew, once it says they are drawn."""
    p.page.wait_for_function("() => document.documentElement.dataset.featuresDrawn !== undefined")
    return int(p.page.evaluate("() => document.querySelectorAll('path.landgis-feature').length"))


def _assert_clean(p: UIPage) -> None:
    assert _violations(p) == []
    p.assert_clean()


def test_a_logged_in_browser_reads_parcels_on_a_map_and_opens_one(
    browser, site: UISite, backend: str
) -> None:
    codes = _parcel_codes(site)
    with ui_page(browser, site) as p:
        p.page.context.add_init_script(RECORD_VIOLATIONS)
        csp_console: list[str] = []
        p.page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and csp_console.append(m.text),
        )
        # Not logged in: the browser is sent to the login form, and back after it.
        p.goto(ITEMS)
        assert "/login" in p.page.url
        p.page.fill("#username", "viewer1")
        p.page.fill("#password", PASSWORD)
        with p.page.expect_navigation():
            p.page.click("form.login-card button[type=submit]")
        p.page.wait_for_load_state("load")
        assert p.page.url == site.base + ITEMS

        rows = p.page.locator("#items tbody tr")
        assert rows.count() == 12
        assert [rows.nth(k).get_attribute("data-id") for k in range(12)] == codes[:12]
        assert text_of(p.page.locator("h1")) == "宗地 Parcels"
        assert "项目名称" in text_of(p.page.locator("#items thead"))
        assert _drawn(p) == 12
        map_box = p.page.locator("#ogc-map").bounding_box()
        assert map_box and map_box["height"] > 300 and map_box["width"] > 300
        assert p.page.locator("#ogc-map .leaflet-control-zoom").count() == 1
        p.page.screenshot(path=SHOTS / f"ogchtml-items-{backend}.png", full_page=True)

        # The next page keeps the query and the HTML.
        with p.page.expect_navigation():
            p.page.click("a[rel=next]")
        assert "f=html" in p.page.url and "limit=12" in p.page.url
        assert p.page.locator("#items tbody tr").first.get_attribute("data-id") == codes[12]
        assert _drawn(p) == 12
        assert p.page.locator("a[rel=prev]").count() == 1

        # A parcel's own page: its properties, labelled, and its map.
        with p.page.expect_navigation():
            p.page.locator("#items tbody tr a").first.click()
        p.page.wait_for_load_state("load")
        assert p.page.url.startswith(f"{site.base}/ogc/collections/parcels/items/{codes[12]}")
        assert text_of(p.page.locator("h1")) == codes[12]
        code_row = p.page.locator("#properties tr[data-property=parcel_code]")
        assert text_of(code_row) == f"宗地编号 {codes[12]}"
        assert text_of(p.page.locator("#properties tr[data-property=holder] th")) == "土地使用权人"
        assert _drawn(p) == 1
        p.page.screenshot(path=SHOTS / f"ogchtml-item-{backend}.png", full_page=True)

        # The language switch of the layout: the same page in English.
        with p.page.expect_navigation():
            p.page.click("a.lang[data-lang=en]")
        p.page.wait_for_load_state("load")
        assert text_of(p.page.locator("#properties tr[data-property=holder] th")) == (
            "Land-use right holder"
        )
        assert _drawn(p) == 1
        p.page.screenshot(path=SHOTS / f"ogchtml-item-en-{backend}.png", full_page=True)

        # The collection's page: its extent on a map.
        p.goto("/ogc/collections/parcels?f=html")
        p.page.locator("#ogc-map path.landgis-extent").wait_for()
        p.page.screenshot(path=SHOTS / f"ogchtml-collection-{backend}.png", full_page=True)
        # The landing page leads to the collections, whose rows lead to their features.
        p.goto("/ogc")
        p.page.screenshot(path=SHOTS / f"ogchtml-landing-{backend}.png", full_page=True)
        with p.page.expect_navigation():
            p.page.click("li[data-rel=data] a")
        rows = p.page.locator("#collections tbody tr")
        shown = {rows.nth(k).get_attribute("data-collection") for k in range(rows.count())}
        assert shown == {"parcels", "cases", "zones", "efficiency", "buildings", "projects"}
        p.page.screenshot(path=SHOTS / f"ogchtml-collections-{backend}.png", full_page=True)
        with p.page.expect_navigation():
            p.page.click("tr[data-collection=zones] a[data-link=items]")
        assert _drawn(p) == p.page.locator("#items tbody tr").count() > 0
        p.page.screenshot(path=SHOTS / f"ogchtml-zones-{backend}.png", full_page=True)
        assert csp_console == []
        _assert_clean(p)
