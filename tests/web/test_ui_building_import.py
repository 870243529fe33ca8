"""Importing building footprints through ``/space/import`` in Debian's Chromium, on a
fresh demo county per backend: an editor reaches the form from the factory space tabs,
checks a GeoPackage of three footprints (nothing written: the report lists each building
on its parcel), imports it, and finds the buildings in the list; a file with a footprint
across two parcels is refused with the row and the parcels. A screenshot of the report
is kept (test artifact)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from landgis.db.models import Building
from landgis.db.session import transaction
from tests.footprint_places import (
    FREE,
    NEIGHBOUR,
    OTHER,
    square_across,
    square_in,
    write_footprints,
)

ROWS = [
    {"名称": "甲厂房", "层数": 2, "类型": "标准厂房"},
    {"名称": "乙厂房", "层数": 1},
    {"名称": "丙仓库", "层数": 3},
]


def _count(site: UISite) -> int:
    with transaction(site.engine) as session:
        return session.scalar(select(func.count(Building.id)))


def _submit(p, path: Path, *, check_only: bool) -> int:
    form = p.page.locator("#buildings-form")
    form.locator("input[name=file]").set_input_files(str(path))
    form.locator("input[name=check_only]").set_checked(check_only)
    with p.page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    return navigation.value.status


def test_an_editor_checks_then_imports_footprints_onto_their_parcels(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    footprints = [square_in(FREE), square_in(NEIGHBOUR), square_in(OTHER)]
    good = write_footprints(tmp_path / "厂房轮廓.gpkg", ROWS, footprints)
    bad = write_footprints(
        tmp_path / "跨界.gpkg", [{"名称": "跨界厂房", "层数": 1}], [square_across()]
    )
    before = _count(ui_site)
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/space")
        with p.page.expect_navigation():
            p.page.click("#space-import-tab")
        assert p.page.url.endswith("/space/import")

        assert _submit(p, good, check_only=True) == 200
        assert "检查通过" in text_of(p.page.locator("#buildings-report h2"))
        assert text_of(p.page.locator("#buildings-stored")) == "3"
        sited = p.page.locator("#buildings-sited tbody tr")
        assert [text_of(sited.nth(i).locator("td").nth(2)) for i in range(3)] == [
            FREE,
            NEIGHBOUR,
            OTHER,
        ]
        assert text_of(sited.nth(0).locator("td").nth(3)) == "900.00"
        assert text_of(sited.nth(0).locator("td").nth(4)) == "1,800.00"
        p.shot(artifacts, f"space-import-report-{backend}")
        assert _count(ui_site) == before, "a check writes nothing"

        assert _submit(p, good, check_only=False) == 200
        assert "已导入厂房 3 栋" in text_of(p.page.locator("#buildings-head"))
        assert _count(ui_site) == before + 3
        with p.page.expect_navigation():
            p.page.click("#buildings-list-link")
        assert "甲厂房" in text_of(p.page.locator("#building-table"))
        p.assert_clean()

        p.goto("/space/import")
        assert _submit(p, bad, check_only=False) == 422
        error = text_of(p.page.locator("#buildings-error"))
        assert error.startswith("第 1 行:厂房占地有 ") and FREE in error and NEIGHBOUR in error
        assert _count(ui_site) == before + 3
