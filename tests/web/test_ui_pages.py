"""The staff pages in Debian's Chromium, on a fresh demo county per backend: every page in
both languages with no outside request and no console error (screenshots kept in
test-artifacts/), the login, the dashboard's figures and charts, the ledger's filters,
sorting, search, paging and export links, and what a viewer may not do."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi.testclient import TestClient
from ui_conftest import (  # noqa: F401 - serve_ui_site is the ui_site fixture
    CAMPAIGN_TARGET_MU,
    TABLET,
    UISite,
    serve_ui_site,
    text_of,
    ui_page,
)

from api.main import create_app
from api.web.i18n import Translator
from landgis.db.session import transaction
from landgis.ledger import case_list
from landgis.parcels import ParcelFilter
from landgis.stats import headline_figures
from landgis.vocab import CASE_STATUSES

ZH, EN = Translator("zh"), Translator("en")
CASE_NO = "QX-XZ-2023-010"  # investigating: every section of the case page has content
EXPORT_FORMATS = ("xlsx", "csv", "geojson", "gpkg", "shp.zip", "kml", "pdf")
PAGES = {
    # name: (path, heading)
    "dashboard": ("/", "总览"),
    "ledger": ("/ledger", "闲置土地处置台账"),
    "case": (f"/cases/{CASE_NO}", None),
    "map": ("/map-page", None),
    "import": ("/import", "导入宗地"),
}
FRAMES = {"dashboard": ".map-card iframe", "case": "#parcel-map", "map": "#ledger-map"}


def _figures(site: UISite) -> dict:
    with transaction(site.engine) as session:
        return headline_figures(session)


def _cases(site: UISite, filters: ParcelFilter | None = None, as_of: dt.date | None = None):
    with transaction(site.engine) as session:
        rows, _ = case_list(session, filters, as_of)
    return rows


def test_every_page_in_both_languages_loads_nothing_from_outside(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    with ui_page(browser, ui_site) as p:
        p.login("editor1")
        header = text_of(p.page.locator("header"))
        assert "张编辑" in header and "编辑" in header and "退出登录" in header
        for lang, t in (("zh", ZH), ("en", EN)):
            if lang == "en":
                p.page.click("a.lang[data-lang=en]")
                p.page.wait_for_load_state("load")
                assert p.page.locator("html").get_attribute("lang") == "en"
            for name, (path, heading) in PAGES.items():
                p.goto(path)
                if name in FRAMES:
                    p.map_frame(FRAMES[name])
                p.page.wait_for_load_state("networkidle")
                if heading:
                    assert text_of(p.page.locator("h1")).startswith(t(heading))
                nav = text_of(p.page.locator("nav.nav"))
                assert all(t(k) in nav for k in ("总览", "台账", "地图"))
                p.shot(artifacts, f"{name}-{lang}-{backend}")
            p.assert_clean()
        # English throughout: statuses, table headers, the case page's sections.
        p.goto("/ledger")
        statuses = {text_of(s) for s in p.page.locator("#ledger-table .status").all()}
        assert statuses and statuses <= {EN.term("status", code) for code in CASE_STATUSES}
        assert "Parcel code" in text_of(p.page.locator("#ledger-table thead"))
        p.goto(f"/cases/{CASE_NO}")
        body = text_of(p.page.locator("main"))
        for key in ("台账信息", "宗地信息", "法定时限提示", "处置记录"):
            assert EN(key) in body
        assert not re.search(r"[\u4e00-\u9fff]", text_of(p.page.locator("#actions"))), (
            "the action forms are all in English"
        )
        p.page.click("a.lang[data-lang=zh]")
        p.page.wait_for_load_state("load")
        assert p.page.locator("html").get_attribute("lang") == "zh-CN"
        assert ZH("处置记录") in text_of(p.page.locator("main"))
        p.assert_clean()

    # A tablet, held upright: the same pages, one column.
    with ui_page(browser, ui_site, viewport=TABLET) as p:
        p.login("editor1")
        for name in ("dashboard", "ledger", "case"):
            p.goto(PAGES[name][0])
            if name in FRAMES:
                p.map_frame(FRAMES[name])
            width = p.page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= TABLET["width"], f"{name} scrolls sideways"
            p.shot(artifacts, f"{name}-tablet-{backend}")
        p.assert_clean()


def test_login_shows_the_user_and_role_and_logout_needs_a_post(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    with ui_page(browser, ui_site) as p:
        p.goto("/login")
        p.shot(artifacts, f"login-{backend}")
        form = p.page.locator("form.login-card")
        for name in ("username", "password", "csrf_token", "next"):
            assert form.locator(f"[name={name}]").count() == 1
        p.page.fill("#username", "editor1")
        p.page.fill("#password", "wrong password")
        p.page.click("form.login-card button[type=submit]")
        p.page.wait_for_load_state("load")
        assert "用户名或密码不正确" in text_of(p.page.locator(".error"))
        p.errors.clear()  # the refused login is a 401 page, as it should be
        p.login("viewer1", "/ledger")
        assert urlsplit(p.page.url).path == "/ledger"
        user = text_of(p.page.locator(".user"))
        assert "王查看" in user and ZH.term("role", "viewer") in user
        p.page.click("form.logout button")
        p.page.wait_for_load_state("load")
        assert urlsplit(p.page.url).path == "/login"
        assert p.page.locator(".user").count() == 0
        assert p.page.request.get(ui_site.base + "/api/me").json()["user"] is None
        p.goto("/login?lang=en")
        assert text_of(p.page.locator("h1")) == EN("登录")
        for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
            switch = p.page.request.get(
                f"{ui_site.base}/lang/zh", params={"next": target}, max_redirects=0
            )
            assert (switch.status, switch.headers["location"]) == (303, "/")
        p.assert_clean()


def test_dashboard_shows_the_headline_figures_charts_and_map(
    browser, ui_site: UISite, backend: str
):
    figures = _figures(ui_site)
    with ui_page(browser, ui_site) as p:
        p.goto("/")
        assert text_of(p.page.locator("#fig-cases .figure-value")) == f"{figures['cases']} 宗"
        ledger_area = f"{figures['ledger_area_mu']:,.2f}"
        assert text_of(p.page.locator("#fig-ledger-area .figure-value")) == f"{ledger_area} 亩"
        revitalized = f"{figures['revitalized_area_mu']:,.2f}"
        assert text_of(p.page.locator("#fig-revitalized .figure-value")) == f"{revitalized} 亩"
        floor = f"{figures['revitalized_building_area_m2']:,.2f}"
        assert floor in text_of(p.page.locator("#fig-floor"))
        share = figures["revitalized_total_area_mu"] / CAMPAIGN_TARGET_MU * 100
        assert f"{share:.1f}" in text_of(p.page.locator("#fig-target"))
        overdue = text_of(p.page.locator("#fig-overdue .figure-value"))
        assert overdue == f"{figures['overdue_cases']} 宗"
        # Charts: server-drawn SVG, one bar per route, zone (two series) and month.
        routes = p.page.locator("#chart-route svg rect.bar")
        assert routes.count() == len(figures["revitalized_by_route"]) > 0
        labels = {r.get_attribute("data-label") for r in p.page.locator("#chart-route g").all()}
        assert labels == {ZH.term("route", k) for k in figures["revitalized_by_route"]}
        zones = set(figures["by_zone"]) | set(figures["revitalized_by_zone"])
        assert p.page.locator("#chart-zone svg rect.bar").count() == 2 * len(zones)
        months = p.page.locator("#chart-month svg rect.bar")
        assert months.count() == len(figures["revitalized_by_month"])
        values = sorted(float(m.get_attribute("data-value")) for m in months.all())
        expected = sorted(g["area_mu"] for g in figures["revitalized_by_month"].values())
        assert values == expected
        assert p.page.locator("script[src^=http], link[href^=http]").count() == 0
        frame = p.map_frame(".map-card iframe")
        assert frame.evaluate("() => Object.keys(window.landgis.parcels).length") == 90
        # A period: revitalized figures of the period only.
        p.page.fill("input[name=date_from]", "2023-01-01")
        p.page.fill("input[name=date_to]", "2023-03-31")
        p.page.click("form.period button")
        p.page.wait_for_load_state("load")
        with transaction(ui_site.engine) as session:
            period = headline_figures(
                session, date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 3, 31)
            )
        shown = text_of(p.page.locator("#fig-revitalized .figure-value"))
        assert shown == f"{period['revitalized_area_mu']:,.2f} 亩"
        p.assert_clean()


def _table(p) -> list[dict[str, str]]:
    rows = []
    for row in p.page.locator("#ledger-table tbody tr[data-case]").all():
        rows.append(
            {
                "case_no": row.get_attribute("data-case"),
                "parcel_code": row.get_attribute("data-parcel"),
                "status": row.get_attribute("data-status"),
                "overdue": "overdue" in (row.get_attribute("class") or ""),
            }
        )
    return rows


def test_ledger_filters_sorting_search_paging_date_and_export_links(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    everything = _cases(ui_site)
    with ui_page(browser, ui_site) as p:
        p.goto("/ledger")
        rows = _table(p)
        assert [r["case_no"] for r in rows] == list(everything["case_no"])
        assert [r["overdue"] for r in rows] == list(everything["overdue"])
        assert any(r["overdue"] for r in rows) and not all(r["overdue"] for r in rows)
        overdue_row = p.page.locator("#ledger-table tbody tr.overdue").first
        colour = overdue_row.evaluate("(row) => getComputedStyle(row).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")

        # Filter by status with the form.
        p.page.select_option("select[name=status]", "disposing")
        p.page.click("form.filters button[type=submit]")
        p.page.wait_for_load_state("load")
        disposing = _cases(ui_site, ParcelFilter(status=("disposing",)))
        assert {r["case_no"] for r in _table(p)} == set(disposing["case_no"]) != set()
        assert f"{len(disposing)} 宗" in text_of(p.page.locator("#ledger-totals"))

        # Zone, route, cause, category, overdue and a search, in the query string.
        zone = str(everything["zone_code"].iloc[0])
        p.goto(f"/ledger?zone={zone}&overdue=true")
        expected = _cases(ui_site, ParcelFilter(zone=(zone,), overdue=True))
        assert {r["case_no"] for r in _table(p)} == set(expected["case_no"])
        assert all(r["overdue"] for r in _table(p))
        for name in ("route", "cause", "category"):
            value = str(everything[name].dropna().iloc[0])
            p.goto(f"/ledger?{name}={value}")
            matching = everything[everything[name] == value]
            assert {r["case_no"] for r in _table(p)} == set(matching["case_no"])
        holder = str(everything["holder"].iloc[3])
        p.goto("/ledger")
        p.page.fill("input[name=q]", holder[:4])
        p.page.click("form.filters button[type=submit]")
        p.page.wait_for_load_state("load")
        found = _cases(ui_site, ParcelFilter(text=holder[:4]))
        assert {r["case_no"] for r in _table(p)} == set(found["case_no"])
        p.goto("/ledger?q=QX-XZ-2023-012")
        assert [r["case_no"] for r in _table(p)] == ["QX-XZ-2023-012"]

        # Sorting: by deadline, then descending by clicking again.
        p.goto("/ledger")
        p.page.click("a.sort[data-sort=deadline]")
        p.page.wait_for_load_state("load")
        ordered = everything.sort_values("deadline", kind="stable")
        assert [r["case_no"] for r in _table(p)] == list(ordered["case_no"])
        p.page.click("a.sort[data-sort=deadline]")
        p.page.wait_for_load_state("load")
        deadlines = [
            dt.date.fromisoformat(text_of(td)[:10])
            for td in p.page.locator("#ledger-table tbody tr td[data-col=deadline]").all()
        ]
        assert deadlines == sorted(deadlines, reverse=True)

        # Paging: ten a page.
        p.goto("/ledger?per=10")
        first = _table(p)
        assert len(first) == 10
        p.page.click("a[rel=next]")
        p.page.wait_for_load_state("load")
        second = _table(p)
        assert [r["case_no"] for r in first + second] == list(everything["case_no"])
        assert "2 / 2" in text_of(p.page.locator(".pager"))

        # The ledger as it stood on a past date, rebuilt from the events.
        day = dt.date(2023, 3, 31)
        p.goto("/ledger")
        p.page.fill("input[name=as_of]", day.isoformat())
        p.page.click("form.filters button[type=submit]")
        p.page.wait_for_load_state("load")
        past = _cases(ui_site, as_of=day)
        assert [(r["case_no"], r["status"]) for r in _table(p)] == list(
            zip(past["case_no"], past["status"], strict=True)
        )
        assert len(past) < len(everything)

        # Export links carry the filters and the date.
        p.page.select_option("select[name=status]", "planned")
        p.page.select_option("select[name=overdue]", "true")
        p.page.click("form.filters button[type=submit]")
        p.page.wait_for_load_state("load")
        p.shot(artifacts, f"ledger-filtered-{backend}")
        links = p.page.locator(".exports a")
        assert sorted(a.get_attribute("data-format") for a in links.all()) == sorted(EXPORT_FORMATS)
        for link in links.all():
            href = urlsplit(link.get_attribute("href"))
            assert href.path == f"/api/exports/ledger.{link.get_attribute('data-format')}"
            query = parse_qs(href.query)
            assert query == {
                "status": ["planned"],
                "overdue": ["true"],
                "as_of": [day.isoformat()],
            }
        p.assert_clean()


def test_a_viewer_sees_no_edit_controls_and_forged_posts_are_refused(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    before = ui_site.case(CASE_NO)
    forged = {
        "target": "identified",
        "version": str(before["version"]),
        "field_determination_no": "伪造〔2026〕1号",
        "field_identified_on": dt.date.today().isoformat(),
    }
    with ui_page(browser, ui_site) as p:
        p.login("viewer1", f"/cases/{CASE_NO}")
        p.shot(artifacts, f"case-viewer-{backend}")
        assert p.page.locator("#actions").count() == 0
        assert p.page.locator("form[data-form]").count() == 0
        assert p.page.locator("input[type=file]").count() == 0
        assert EN("导入宗地") not in text_of(p.page.locator("nav.nav"))
        assert ZH("导入宗地") not in text_of(p.page.locator("nav.nav"))
        assert p.page.locator("#timeline > li").count() == before["version"]
        token = p.csrf()  # a valid session with a valid token: still no editor role
        request = p.page.request
        for path in ("status", "edit", "revitalizations"):
            url = f"{ui_site.base}/cases/{CASE_NO}/{path}"
            with_token = request.post(url, form={**forged, "csrf_token": token})
            assert with_token.status == 403, (path, with_token.text())
            assert "权限" in with_token.json()["message"]
            without = request.post(url, form=forged)
            assert without.status == 403
        upload = request.post(
            f"{ui_site.base}/cases/{CASE_NO}/attachments",
            multipart={
                "csrf_token": token,
                "file": {"name": "a.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"},
            },
        )
        assert upload.status == 403
        assert request.get(ui_site.base + "/import").status == 403
        imported = request.post(ui_site.base + "/import", form={"csrf_token": token})
        assert imported.status == 403
        p.assert_clean()

    # An editor's session without the token is refused too.
    with ui_page(browser, ui_site) as p:
        p.login("editor1", f"/cases/{CASE_NO}")
        assert p.page.locator("form[data-form=status]").count() > 0
        no_token = p.page.request.post(f"{ui_site.base}/cases/{CASE_NO}/status", form=forged)
        assert no_token.status == 403
        assert "CSRF" in no_token.json()["message"]
        wrong = p.page.request.post(
            f"{ui_site.base}/cases/{CASE_NO}/status", form={**forged, "csrf_token": "x" * 43}
        )
        assert wrong.status == 403
        p.assert_clean()
    assert ui_site.case(CASE_NO) == before


def test_anonymous_readers_see_pages_without_edit_controls(browser, ui_site: UISite):
    with ui_page(browser, ui_site) as p:
        p.goto(f"/cases/{CASE_NO}")
        assert p.page.locator("#actions").count() == 0
        assert p.page.locator("a.login-link").count() == 1
        assert p.page.request.post(f"{ui_site.base}/cases/{CASE_NO}/edit").status == 401
        p.assert_clean()


def test_pages_behind_a_login_send_browsers_to_it(ui_site: UISite):
    settings = ui_site.settings.model_copy(update={"read_requires_login": True})
    with TestClient(create_app(settings)) as client:
        html = {"Accept": "text/html"}
        for path in ("/", "/ledger?status=planned", f"/cases/{CASE_NO}", "/map-page", "/import"):
            page = client.get(path, headers=html, follow_redirects=False)
            assert page.status_code == 303, path
            assert page.headers["location"] == "/login?" + urlencode({"next": path})
        login = client.get("/login")
        assert login.status_code == 200 and 'class="nav"' not in login.text
        assert client.get("/static/app/app.css").status_code == 200
