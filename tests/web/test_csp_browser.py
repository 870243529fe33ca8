"""The Content Security Policy in Debian's Chromium, on a fresh demo county per backend:
every staff page, its maps (inline and tiled), the import preview, the login page and the
API documentation load and work with no policy violation; markup slipped into a page runs
nothing; map images come only from the chosen background's servers; attachments that are
active documents are never shown.

Violations are seen twice over: each document records its ``securitypolicyviolation``
events (a script added to every frame before its own), and Chromium's console reports
every refusal (an error message naming the Content Security Policy).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from shapely.geometry import shape
from sqlalchemy import func, select, update
from test_ui_import import NEW_CODES, _free_squares, _geojson
from ui_conftest import UIPage, UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from api.main import create_app
from landgis.db.models import Attachment, Case, Parcel
from landgis.db.session import transaction

CASE_NO = "QX-XZ-2023-010"  # investigating: every section of the case page has content
XSS_HOLDER = '<img src=x onerror="window.__xss=1">'
XSS_PROJECT = "<script>window.__xss=2</script>"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AwAI/AL+p5qgoAAAAABJRU5ErkJggg=="
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>window.__xss=3</script></svg>'
TILE_HOSTS = {
    "osm": {"tile.openstreetmap.org"},
    "amap": {f"webrd0{i}.is.autonavi.com" for i in range(1, 5)},
}
# On the window, not the document: a frame's first document (about:blank) is replaced by
# the page while the window stays.
RECORD_VIOLATIONS = """
(() => {
    window.__cspViolations = [];
    window.addEventListener("securitypolicyviolation", (event) => {
        window.__cspViolations.push(
            [event.effectiveDirective, event.blockedURI, event.sample].join(" | ")
        );
    });
})();
"""


@contextmanager
def csp_page(browser: Any, site: UISite) -> Iterator[UIPage]:
    """:func:`ui_page` that also records every policy violation in every frame."""
    with ui_page(browser, site) as p:
        p.csp_console = []  # type: ignore[attr-defined]
        p.page.context.add_init_script(RECORD_VIOLATIONS)
        p.page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and p.csp_console.append(m.text),
        )
        yield p


def violations(p: UIPage) -> list[str]:
    """Every violation seen so far: the console's, and those of the documents now open."""
    found = list(p.csp_console)  # type: ignore[attr-defined]
    for frame in p.page.frames:
        if frame.url.startswith(p.base):
            found += frame.evaluate("() => window.__cspViolations || []")
    return found


def forget_violations(p: UIPage) -> None:
    p.csp_console.clear()  # type: ignore[attr-defined]
    p.errors.clear()
    for frame in p.page.frames:
        if frame.url.startswith(p.base):
            frame.evaluate("() => { window.__cspViolations = []; }")


def assert_clean(p: UIPage) -> None:
    assert violations(p) == [], "Content Security Policy violations"
    p.assert_clean()


def open_page(p: UIPage, path: str) -> None:
    """Go to ``path``; the response is a landgis page under its policy."""
    response = p.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def drawn(frame: Any) -> int:
    """How many parcels the map in ``frame`` drew, once it says they are drawn."""
    frame.wait_for_function("() => document.documentElement.dataset.parcelsDrawn !== undefined")
    return frame.evaluate("() => document.querySelectorAll('path.landgis-parcel').length")


def open_popup(frame: Any, code: str) -> str:
    """Open parcel ``code``'s popup on the inline map in ``frame``; its text."""
    assert frame.evaluate("(code) => window.landgis.openPopup(code)", code)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    return text_of(popup)


def parcel_count(site: UISite) -> int:
    with transaction(site.engine) as session:
        return session.scalar(select(func.count()).select_from(Parcel))


def parcel_of(site: UISite, case_no: str) -> str:
    with transaction(site.engine) as session:
        return session.scalar(
            select(Parcel.parcel_code)
            .join(Case, Case.parcel_id == Parcel.id)
            .where(Case.case_no == case_no)
        )


# --- the pages, as staff use them -----------------------------------------------------------


def test_login_dashboard_ledger_case_and_map_pages_work_with_no_violation(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    code = parcel_of(ui_site, CASE_NO)
    with csp_page(browser, ui_site) as p:
        open_page(p, "/login?next=/")
        assert_clean(p)
        p.login("editor1")  # the login form submits
        assert p.page.url == ui_site.base + "/"

        # The dashboard, with its map.
        frame = p.map_frame(".map-card iframe")
        assert drawn(frame) == parcel_count(ui_site)
        assert_clean(p)

        # The ledger: its filter form submits.
        open_page(p, "/ledger")
        p.page.select_option("select[name=status]", "investigating")
        with p.page.expect_navigation():
            p.page.locator("form.filters button[type=submit]").first.click()
        rows = p.page.locator("#ledger-table tbody tr[data-case]")
        assert rows.count() > 0
        assert {r.get_attribute("data-status") for r in rows.all()} == {"investigating"}
        assert_clean(p)

        # The case page: its map draws the parcel, a popup opens, a form posts.
        open_page(p, f"/cases/{CASE_NO}")
        frame = p.map_frame("#parcel-map")
        assert frame.locator("path.landgis-parcel-focus").count() == 1
        assert CASE_NO in open_popup(frame, code)
        p.page.wait_for_timeout(300)
        p.shot(artifacts, f"csp-case-{backend}")
        assert_clean(p)
        form = p.page.locator("form[data-form=attachment]")
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}]
        )
        with p.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "现场照片.png" in text_of(p.page.locator("#attachment-list"))
        p.map_frame("#parcel-map")
        assert_clean(p)

        # The full-screen map: parcels, a popup, its link opens the case in the window.
        open_page(p, "/map-page")
        frame = p.map_frame("#ledger-map")
        assert drawn(frame) == parcel_count(ui_site)
        assert CASE_NO in open_popup(frame, code)
        p.page.wait_for_timeout(300)
        p.shot(artifacts, f"csp-map-{backend}")
        with p.page.expect_navigation():
            frame.locator(".leaflet-popup-content a.landgis-link").click()
        assert p.page.url == f"{ui_site.base}/cases/{CASE_NO}"
        p.map_frame("#parcel-map")
        assert_clean(p)


def test_account_and_administration_pages_work_with_no_violation(browser, ui_site: UISite):
    with csp_page(browser, ui_site) as p:
        p.login("admin1", "/account")
        for path in ("/account", "/admin/users", "/admin/audit"):
            open_page(p, path)
            assert p.page.locator("main form, main table").count() > 0, path
            assert_clean(p)


def test_the_tiled_map_works_with_no_violation(
    browser, ui_site: UISite, live_server, backend: str, artifacts: Path
):
    code = parcel_of(ui_site, CASE_NO)
    with transaction(ui_site.engine) as session:
        geometry = session.scalar(
            select(Parcel.geom.ST_AsGeoJSON()).where(Parcel.parcel_code == code)
        )
    point = shape(json.loads(geometry)).representative_point()
    settings = ui_site.settings.model_copy(update={"map_inline_max_parcels": 10})
    with live_server(create_app(settings)) as base:
        site = UISite(base=base, url=ui_site.url, engine=ui_site.engine, settings=settings)
        with csp_page(browser, site) as p:
            open_page(p, "/map-page")
            frame = p.map_frame("#ledger-map")
            assert frame.evaluate("() => window.landgis.tiled") is True
            assert drawn(frame) > 0
            with p.page.expect_response(lambda r: "/popup" in r.url):
                frame.evaluate(
                    "([code, lat, lon]) => window.landgis.showPopup(code, L.latLng(lat, lon))",
                    [code, point.y, point.x],
                )
            popup = frame.locator(".leaflet-popup-content")
            popup.wait_for()
            assert CASE_NO in text_of(popup)
            p.shot(artifacts, f"csp-tiled-{backend}")
            assert_clean(p)


def test_the_import_page_checks_previews_and_confirms_with_no_violation(
    browser, ui_site: UISite, tmp_path: Path
):
    squares = _free_squares(ui_site, len(NEW_CODES))
    path = _geojson(tmp_path / "新宗地.geojson", NEW_CODES, squares)
    with csp_page(browser, ui_site) as p:
        p.login("editor1", "/import")
        assert_clean(p)
        p.page.locator("#import-form input[name=file]").set_input_files(str(path))
        with p.page.expect_navigation():
            p.page.locator("#import-form button[type=submit]").click()
        preview = p.map_frame("#import-preview")
        assert sorted(preview.evaluate("() => Object.keys(window.landgis.parcels)")) == sorted(
            NEW_CODES
        )
        assert_clean(p)
        with p.page.expect_navigation():
            p.page.locator("#import-confirm button[type=submit]").click()
        assert p.page.locator(".flash").count() == 1
        assert_clean(p)


def test_the_api_documentation_works_offline_with_no_violation(browser, ui_site: UISite):
    with csp_page(browser, ui_site) as p:
        requested: list[str] = []
        p.page.on("request", lambda request: requested.append(request.url))
        open_page(p, "/docs")
        operations = p.page.locator(".opblock")
        operations.first.wait_for()
        assert operations.count() > 20
        info = text_of(p.page.locator(".info"))
        assert "openapi.json" in info and "OAS 3.1" in info
        # Swagger UI rendered the 3.1 description: no error panel, no "Unable to render".
        assert p.page.locator(".errors-wrapper").count() == 0
        assert p.page.locator(".version-pragma").count() == 0
        paths = set(p.page.locator(".opblock-summary-path").all_inner_texts())
        tile = "/ogc/collections/{collection_id}/tiles/{tileMatrixSetId}"
        tile += "/{tileMatrix}/{tileRow}/{tileCol}"
        assert {
            "/api/stats",
            "/api/imports",
            "/ogc/collections",
            "/ogc/tileMatrixSets",
            tile,
        } <= paths
        # Operations open with their parameters and responses drawn.
        for path, parameters in (
            ("/api/imports", set()),
            ("/ogc/collections", {"f"}),
            (tile, {"collection_id", "tileMatrixSetId", "tileMatrix", "tileRow", "tileCol"}),
        ):
            block = p.page.locator(".opblock", has=p.page.get_by_text(path, exact=True)).first
            block.locator(".opblock-summary").click()
            block.locator(".opblock-body .responses-wrapper").wait_for()
            names = block.locator(".parameter__name").all_inner_texts()
            assert parameters <= {name.replace("*", "").strip() for name in names}, path
        assert_clean(p)  # no console error, nothing refused, no request outside landgis
        assert requested and all(url.startswith(ui_site.base + "/") for url in requested)


# --- what the policy stops --------------------------------------------------------------------

INJECT = """() => {
    document.body.insertAdjacentHTML(
        "beforeend", '<img id="injected" src="/no-such-image" onerror="window.__xss = 1">'
    );
    const script = document.createElement("script");
    script.textContent = "window.__xss = 2";
    document.body.appendChild(script);
    // Later, as the page's own code (what the test runs here may always evaluate strings).
    setTimeout(() => {
        try { eval("window.__xss = 3"); window.__evaluated = true; }
        catch (e) { window.__evaluated = false; }
    }, 0);
}"""


def test_markup_slipped_into_a_page_or_a_map_runs_nothing(browser, ui_site: UISite):
    with csp_page(browser, ui_site) as p:
        open_page(p, f"/cases/{CASE_NO}")
        frame = p.map_frame("#parcel-map")
        for target in (p.page, frame):
            target.evaluate(INJECT)
            target.locator("#injected").wait_for(state="attached")
            target.wait_for_function("() => window.__evaluated !== undefined")
            assert target.evaluate("() => window.__evaluated") is False, "eval is refused"
            target.wait_for_function("() => window.__cspViolations.length >= 3")
            assert target.evaluate("() => window.__xss") is None
            seen = target.evaluate("() => window.__cspViolations")
            assert {v.split(" | ")[0] for v in seen} >= {
                "script-src-attr",
                "script-src-elem",
                "script-src",
            }, seen
        forget_violations(p)


def test_user_text_in_tooltips_and_popups_shows_as_text_with_nothing_to_refuse(
    browser, ui_site: UISite
):
    case_no = "QX-XZ-2023-003"
    code = parcel_of(ui_site, case_no)
    with transaction(ui_site.engine) as session:
        session.execute(
            update(Parcel)
            .where(Parcel.parcel_code == code)
            .values(holder=XSS_HOLDER, project_name=XSS_PROJECT)
        )
    with csp_page(browser, ui_site) as p:
        open_page(p, f"/cases/{case_no}")
        assert XSS_HOLDER in text_of(p.page.locator("main"))
        for path, selector in ((f"/cases/{case_no}", "#parcel-map"), ("/map-page", "#ledger-map")):
            open_page(p, path)
            frame = p.map_frame(selector)
            text = open_popup(frame, code)
            assert XSS_HOLDER in text and XSS_PROJECT in text
            frame.evaluate(
                """(code) => {
                    const layer = window.landgis.parcels[code];
                    layer.fire("mouseover", {latlng: layer.getBounds().getCenter()});
                }""",
                code,
            )
            assert XSS_HOLDER in text_of(frame.locator(".leaflet-tooltip").first)
            assert frame.evaluate("() => window.__xss") is None
            assert p.page.evaluate("() => window.__xss") is None
            assert_clean(p)  # escaped: nothing even reached the policy


@pytest.mark.parametrize("basemap", ["none", "osm", "amap"])
def test_map_images_load_only_from_the_backgrounds_own_servers(
    browser, ui_site: UISite, live_server, basemap: str
):
    settings = ui_site.settings.model_copy(update={"basemap": basemap})
    with live_server(create_app(settings)) as base:
        site = UISite(base=base, url=ui_site.url, engine=ui_site.engine, settings=settings)
        with csp_page(browser, site) as p:
            tiles: list[str] = []

            def tile(route: Any) -> None:
                host = urlsplit(route.request.url).hostname
                if any(host in hosts for hosts in TILE_HOSTS.values()):
                    tiles.append(host)
                    route.fulfill(status=200, content_type="image/png", body=PNG)
                else:
                    route.fallback()

            p.page.route("**/*", tile)
            open_page(p, "/map-page")
            frame = p.map_frame("#ledger-map")
            assert drawn(frame) == parcel_count(ui_site)
            if basemap == "none":
                assert frame.locator("img.leaflet-tile").count() == 0
            else:
                frame.wait_for_function(
                    "() => Array.from(document.querySelectorAll('img.leaflet-tile'))"
                    ".some((img) => img.complete && img.naturalWidth === 1)"
                )
            assert set(tiles) <= TILE_HOSTS.get(basemap, set())
            assert bool(tiles) == (basemap != "none")
            assert_clean(p)
            # Another server's image is refused before any request leaves.
            others = sorted(
                host for name, hosts in TILE_HOSTS.items() if name != basemap for host in hosts
            )
            before = len(tiles)
            frame.evaluate(
                "(host) => { const img = new Image(); img.src = `https://${host}/1/1/1.png`;"
                " document.body.appendChild(img); }",
                others[0],
            )
            frame.wait_for_function("() => window.__cspViolations.length > 0")
            seen = frame.evaluate("() => window.__cspViolations")
            assert seen[0].startswith(f"img-src | https://{others[0]}/"), seen
            assert len(tiles) == before and p.outside == []
            forget_violations(p)


# --- attachments ----------------------------------------------------------------------------


def test_an_image_attachment_shows_and_an_svg_one_is_only_downloaded(browser, ui_site: UISite):
    folder = Path(ui_site.settings.attachments_dir)
    with transaction(ui_site.engine) as session:
        case_id = session.scalar(select(Case.id).where(Case.case_no == CASE_NO))
        ids = {}
        for name, media_type, content in (
            ("photo.png", "image/png", PNG),
            ("drawing.svg", "image/svg+xml", SVG),  # no upload makes one: forged
        ):
            stored = f"{case_id}/browser-{name}"
            (folder / str(case_id)).mkdir(parents=True, exist_ok=True)
            (folder / stored).write_bytes(content)
            row = Attachment(
                case_id=case_id,
                filename=name,
                media_type=media_type,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                stored_name=stored,
                uploaded_by="editor1",
            )
            session.add(row)
            session.flush()
            ids[name] = row.id
    url = f"/cases/{CASE_NO}/attachments/{{}}"
    with csp_page(browser, ui_site) as p:
        response = p.goto(url.format(ids["photo.png"]))
        assert "sandbox" in response.headers["content-security-policy"]
        assert p.page.evaluate("() => document.images[0].naturalWidth") == 1
        open_page(p, f"/cases/{CASE_NO}")
        with p.page.expect_download() as download:
            p.page.evaluate(
                "(href) => { window.location.href = href; }", url.format(ids["drawing.svg"])
            )
        assert Path(download.value.path()).read_bytes() == SVG
        assert p.page.url == f"{ui_site.base}/cases/{CASE_NO}", "the page stays"
        assert p.page.evaluate("() => window.__xss") is None
        assert_clean(p)
