"""Importing a year's enterprise figures through ``/efficiency/import`` in Debian's
Chromium, on a fresh demo county per backend whose 2023 figures are removed first: the
dashboard shows 2022's evaluation; "check only" on the demo's 2023 table shows the report
and writes nothing; importing it for real turns the dashboard to 2023's classes.
Screenshots of the report and of the dashboard's section are kept (test artifacts)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from landgis.db.models import EnterpriseFigures
from landgis.db.session import transaction
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.indicators import CLASSES
from landgis.settings import DEMO_DATA

DEMO_CSV = DEMO_DATA.parent / "demo_county" / "enterprise_figures_2023.csv"
DEMO_2023 = {"A": 22, "B": 15, "C": 16, "D": 13}


def _classes(p) -> dict[str, int]:
    section = p.page.locator("#efficiency-summary")
    return {n: int(section.locator(f"#eff-class-{n}").get_attribute("data-count")) for n in CLASSES}


def _submit(p, *, check_only: bool) -> int:
    form = p.page.locator("#figures-form")
    form.locator("input[name=file]").set_input_files(str(DEMO_CSV))
    form.locator("input[name=year]").fill("2023")
    form.locator("input[name=dry_run]").set_checked(check_only)
    with p.page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    return navigation.value.status


def test_an_editor_checks_then_imports_a_year_and_the_dashboard_follows(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    with transaction(ui_site.engine) as session:
        session.execute(delete(EnterpriseFigures).where(EnterpriseFigures.year == 2023))
        before = evaluate(session, ui_site.settings.efficiency, 2022).class_counts()
    assert before != DEMO_2023
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/")
        assert "2022" in text_of(p.page.locator("#efficiency-summary h2"))
        assert _classes(p) == before

        p.goto("/efficiency/import")
        assert _submit(p, check_only=True) == 200
        report = p.page.locator("#figures-report")
        assert text_of(p.page.locator("#figures-rows")) == "66"
        assert text_of(p.page.locator("#figures-by-code")) == "64"
        assert text_of(p.page.locator("#figures-by-name")) == "2"
        assert "检查通过" in text_of(report.locator("h2"))
        assert "519901001003GB00017" in text_of(p.page.locator("#figures-name-matches"))
        p.shot(artifacts, f"efficiency-import-report-{backend}")
        p.goto("/")
        assert _classes(p) == before, "a check writes nothing"

        p.goto("/efficiency/import")
        assert _submit(p, check_only=False) == 200
        assert "已导入 2023 年度企业数据 66 家" in text_of(p.page.locator("#figures-head"))
        p.goto("/")
        section = p.page.locator("#efficiency-summary")
        assert "2023" in text_of(section.locator("h2"))
        assert _classes(p) == DEMO_2023
        assert section.locator("a#efficiency-summary-link").get_attribute("href") == (
            "/efficiency?year=2023"
        )
        section.screenshot(path=artifacts / f"ui-efficiency-dashboard-{backend}.png")
        p.assert_clean()
