"""The public idle-land page in Debian's Chromium, on a demo county whose reading needs a
login: it opens without one, every request stays on landgis (outside ones are refused),
nothing breaks the Content Security Policy, the language switches and the workbook and
the PDF download. A screenshot of the page is kept (``/tmp/disclosure.png``)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from poppler import pdf_pages, unspaced
from test_csp_browser import csp_page, violations
from ui_conftest import UISite, text_of

from api.main import create_app
from landgis.db.session import transaction
from landgis.disclosure import disclosure_for

SCREENSHOT = Path("/tmp/disclosure.png")


@pytest.fixture(scope="module")
def public_site(databases, live_server):
    """The demo county with reading behind a login, served on 127.0.0.1."""
    demo = databases.demo()
    settings = demo.settings(read_requires_login=True, secret_key="public-page-secret")
    with live_server(create_app(settings)) as base:
        yield UISite(base=base, url=demo.url, engine=demo.engine, settings=settings)


def test_the_public_page_works_without_a_login_and_without_the_outside_world(
    browser, public_site: UISite, backend: str, artifacts: Path
):
    with transaction(public_site.engine, write=False) as session:
        listed = disclosure_for(session, public_site.settings)
    with csp_page(browser, public_site) as p:
        requested: list[str] = []
        p.page.on("request", lambda request: requested.append(request.url))
        response = p.goto("/public/idle-land")
        assert response.status == 200
        assert p.page.url == public_site.base + "/public/idle-land", "no login asked"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert text_of(p.page.locator("h1")) == "青溪县闲置土地信息公开"
        rows = p.page.locator("#disclosure-table tbody tr")
        assert rows.count() == listed.count == 11
        assert text_of(p.page.locator("#disclosure-totals")) == listed.total_line()
        assert p.page.locator("nav, form, a.login-link").count() == 0
        # The header stays within the page: nothing runs off to the right.
        width = p.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= p.page.viewport_size["width"]
        p.page.screenshot(path=SCREENSHOT, full_page=True)
        shutil.copy(SCREENSHOT, artifacts / f"ui-disclosure-{backend}.png")

        with p.page.expect_download() as download:
            p.page.locator("#disclosure-xlsx").click()
        assert download.value.suggested_filename == f"闲置土地信息公开_青溪县_{listed.as_of}.xlsx"
        content = Path(download.value.path()).read_bytes()
        sheet = openpyxl.load_workbook(io.BytesIO(content), data_only=True).active
        assert sheet["A1"].value == "青溪县闲置土地信息公开"
        assert sheet.cell(row=3 + listed.count + 1, column=3).value == listed.total_mu

        pdf_link = p.page.locator("#disclosure-pdf")
        assert (
            pdf_link.bounding_box()["y"] == p.page.locator("#disclosure-xlsx").bounding_box()["y"]
        )
        with p.page.expect_download() as download:
            pdf_link.click()
        assert download.value.suggested_filename == f"闲置土地信息公开_青溪县_{listed.as_of}.pdf"
        pages = [unspaced(page) for page in pdf_pages(Path(download.value.path()))]
        assert pages[0].startswith("青溪县闲置土地信息公开截至")
        assert all(row["parcel_code"] in "".join(pages) for row in listed.rows)

        with p.page.expect_navigation():
            p.page.locator("a[data-lang=en]").click()
        assert p.page.url.endswith("/public/idle-land?lang=en")
        assert text_of(p.page.locator("h1")) == "Idle land in 青溪县: public list"
        assert p.page.locator("html").get_attribute("lang") == "en"
        p.page.screenshot(path=SCREENSHOT.with_name("disclosure-en.png"), full_page=True)
        with p.page.expect_download() as download:
            p.page.locator("#disclosure-xlsx").click()
        book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert book.active["A3"].value == "Location"

        # The ledger is still closed to this anonymous reader.
        p.goto("/ledger")
        assert "/login" in p.page.url

        assert violations(p) == [], "Content Security Policy violations"
        p.assert_clean()  # no console error, no request outside landgis
        assert requested and all(url.startswith(public_site.base + "/") for url in requested)
