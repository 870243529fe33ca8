"""The dashboard's factory-space card in Debian's Chromium, on a fresh demo county whose
factory space :func:`factory_space.let_space` lets, in both languages (screenshots kept
in test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from factory_space import PERIOD, TODAY, let_space
from ui_conftest import (  # noqa: F401 - serve_ui_site is the ui_site fixture
    UISite,
    serve_ui_site,
    text_of,
    ui_page,
)

from landgis.db.session import transaction
from landgis.stats import headline_figures
from landgis.wallclock import frozen_at

PERIOD_QUERY = f"?date_from={PERIOD[0]}&date_to={PERIOD[1]}"


@pytest.fixture(scope="module")
def let_site(ui_site: UISite) -> UISite:
    with frozen_at(TODAY), transaction(ui_site.engine) as session:
        let_space(session)
    return ui_site


def test_the_dashboard_shows_the_factory_space(
    browser, let_site: UISite, backend: str, artifacts: Path
):
    with frozen_at(TODAY):
        with transaction(let_site.engine) as session:
            figures = headline_figures(session, date_from=PERIOD[0], date_to=PERIOD[1])
        occupancy = figures["occupancy"]
        with ui_page(browser, let_site) as p:
            p.login("viewer1")
            p.goto("/" + PERIOD_QUERY)
            card = p.page.locator("#factory-space")
            card.scroll_into_view_if_needed()
            assert card.is_visible()
            assert text_of(card.locator("h2")) == "厂房空间"
            assert text_of(p.page.locator("#space-leased .figure-value")) == (
                f"{occupancy['leased_m2']:,.2f} ㎡"
            )
            assert text_of(p.page.locator("#space-rate .figure-value")) == (
                f"{occupancy['occupancy_rate'] * 100:.1f} %"
            )
            assert text_of(p.page.locator("#space-revitalized .figure-value")) == (
                f"{figures['revitalized_building_area_wan_m2']:,.2f} 万平方米"
            )
            rows = p.page.locator("#space-by-zone tbody tr")
            assert rows.count() == len(occupancy["by_zone"])
            assert text_of(rows.last.locator("td.zone-name")) == "未指定"
            card.screenshot(path=artifacts / f"ui-factory-space-zh-{backend}.png")

            p.goto("/" + PERIOD_QUERY + "&lang=en")
            card = p.page.locator("#factory-space")
            card.scroll_into_view_if_needed()
            assert text_of(card.locator("h2")) == "Factory space"
            assert "Occupancy rate" in text_of(card)
            assert text_of(p.page.locator("#space-revitalized .figure-value")).endswith("× 10⁴ m²")
            card.screenshot(path=artifacts / f"ui-factory-space-en-{backend}.png")
            p.shot(artifacts, f"dashboard-factory-space-{backend}")
            p.assert_clean()
