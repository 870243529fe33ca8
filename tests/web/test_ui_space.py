"""Factory space in Debian's Chromium, on a fresh demo county per backend: a clerk adds two
units to an idle building of the 处置中 case QX-XZ-2023-013, is refused a lease that ends
before it starts (what was typed kept), signs it, sees the case page show the revitalized
factory floor area and the lease's event, ends the lease and sees the units vacant. A
viewer sees the pages without the forms; no request leaves landgis. Screenshots are kept
(``/tmp/space-building.png``, ``/tmp/space-leases.png``, ``/tmp/space-case.png`` and the
test artifacts)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sqlalchemy import select
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from landgis.db.models import Building, Case
from landgis.db.session import transaction

CASE_NO = "QX-XZ-2023-013"
SHOTS = {name: Path(f"/tmp/space-{name}.png") for name in ("building", "leases", "case")}


def _building_id(site: UISite) -> int:
    with transaction(site.engine) as session:
        parcel_id = session.scalar(select(Case.parcel_id).where(Case.case_no == CASE_NO))
        return session.scalar(
            select(Building.id).where(Building.parcel_id == parcel_id, Building.name == "3号厂房")
        )


def _keep(p, artifacts: Path, backend: str, name: str) -> None:
    p.page.screenshot(path=SHOTS[name], full_page=True)
    shutil.copy(SHOTS[name], artifacts / f"ui-space-{name}-{backend}.png")


def test_a_clerk_leases_idle_factory_space_of_a_case_and_ends_the_lease(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    building = _building_id(ui_site)
    before = ui_site.case(CASE_NO)["revitalized_building_area_m2"] or 0.0
    start = dt.date.today() - dt.timedelta(days=7)
    end = start.replace(year=start.year + 3)
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/space")
        assert p.page.locator("nav.nav a[aria-current=page]").inner_text() == "厂房租赁"
        p.page.select_option("#space-filters select[name=state]", "idle")
        with p.page.expect_navigation():
            p.page.click("#space-filters button[type=submit]")
        row = p.page.locator(f"#building-table tr[data-building='{building}']")
        assert CASE_NO in text_of(row)
        with p.page.expect_navigation():
            row.locator("a").first.click()

        # two units
        inputs = p.page.locator("#add-units tbody tr")
        for i, (no, area, height) in enumerate((("1F-A", "1200", "8.5"), ("1F-B", "800", ""))):
            inputs.nth(i).locator("input[name=unit_no]").fill(no)
            inputs.nth(i).locator("input[name=floor_area_m2]").fill(area)
            inputs.nth(i).locator("input[name=floor]").fill("1")
            inputs.nth(i).locator("input[name=clear_height_m]").fill(height)
        with p.page.expect_navigation():
            p.page.click("#add-units button[type=submit]")
        assert "已新增 2 个单元" in text_of(p.page.locator(".flash"))
        states = p.page.locator("#unit-table tbody tr")
        assert [r.get_attribute("data-state") for r in states.all()] == ["vacant", "vacant"]

        # a lease that ends before it starts is refused, and what was typed stays
        form = p.page.locator("#sign-lease form")
        form.locator("input[value='1F-A']").check()
        form.locator("input[value='1F-B']").check()
        form.locator("input[name=tenant]").fill("青溪县鑫源食品有限公司")
        form.locator("input[name=start_date]").fill(start.isoformat())
        form.locator("input[name=end_date]").fill((start - dt.timedelta(days=1)).isoformat())
        form.locator("input[name=rent_yuan_m2_month]").fill("8.5")
        form.locator("input[name=project]").fill("速冻食品生产线")
        with p.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "早于起租日" in text_of(p.page.locator("#form-error"))
        form = p.page.locator("#sign-lease form")
        assert form.locator("input[name=tenant]").input_value() == "青溪县鑫源食品有限公司"
        assert form.locator("input[value='1F-B']").is_checked()
        form.locator("input[name=end_date]").fill(end.isoformat())
        with p.page.expect_navigation():
            form.locator("button[type=submit]").click()
        notice = text_of(p.page.locator(".flash"))
        assert "ZL-" in notice and CASE_NO in notice
        assert [r.get_attribute("data-state") for r in states.all()] == ["leased", "leased"]
        assert "青溪县鑫源食品有限公司" in text_of(states.first)
        _keep(p, artifacts, backend, "building")

        # the case page: revitalized factory floor area and the lease's event
        with p.page.expect_navigation():
            p.page.click("#case-link")
        floor = p.page.locator("#case-fields [data-field=revitalized_building_area_m2] dd")
        assert float(text_of(floor).split()[0].replace(",", "")) == before + 2000.0
        event = p.page.locator("#timeline li.action-revitalize").last
        assert "租约 ZL-" in text_of(event) and "2000.00 ㎡" in text_of(event)
        assert start.isoformat() in text_of(event)
        _keep(p, artifacts, backend, "case")

        # the lease ends: its units are vacant again
        p.goto("/space/leases")
        # the demo's own leases are listed too: the clerk's is the one of the case
        lease = p.page.locator("#lease-table tbody tr[data-status=active]", has_text=CASE_NO)
        assert lease.count() == 1
        lease.locator("input[name=reason]").fill("承租人提前退租")
        with p.page.expect_navigation():
            lease.locator("form.end-lease button[type=submit]").click()
        assert "其单元恢复空置" in text_of(p.page.locator(".flash"))
        ended = p.page.locator("#lease-table tbody tr[data-status=ended]", has_text=CASE_NO)
        assert ended.count() == 1
        _keep(p, artifacts, backend, "leases")
        p.goto(f"/space/buildings/{building}")
        assert [r.get_attribute("data-state") for r in states.all()] == ["vacant", "vacant"]
        assert ui_site.case(CASE_NO)["revitalized_building_area_m2"] == before + 2000.0
        p.assert_clean()


def test_a_viewer_sees_the_pages_without_their_forms(browser, ui_site: UISite):
    building = _building_id(ui_site)
    with ui_page(browser, ui_site) as p:
        p.login("viewer1", f"/space/buildings/{building}")
        assert p.page.locator("#units").count() == 1
        assert p.page.locator("#add-units, #sign-lease").count() == 0
        p.goto("/space/leases?lang=en")
        assert text_of(p.page.locator("h1")) == "Leases"
        assert p.page.locator("form.end-lease").count() == 0
        p.assert_clean()
