"""The pages as staff use them every day, in Debian's Chromium on a fresh demo county per
backend: the ledger's key columns on screen on a 1920×1080 window (its first columns fixed
while it scrolls sideways, its scrollbar in the window), holders sorted by pinyin, a
completion that leaves area unrevitalized asked about first, people named by their display
names, and the map's layer control clear of its legend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from ui_conftest import DESKTOP, TABLET, UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from api.web.i18n import Translator
from landgis.text_sort import sorted_texts
from landgis.units import m2_to_mu

ZH = Translator("zh")
WIDE = {"width": 1920, "height": 1080}
TODAY = dt.date.today().isoformat()
PARTLY_DONE = "QX-XZ-2023-005"  # 处置中: 20 of its 55 亩 revitalized
KEY_COLUMNS = ("seq", "case_no", "parcel_code", "holder", "status", "revitalized_area_mu")
FIXED_COLUMNS = ("seq", "case_no", "parcel_code", "holder")


def _inside(box: dict[str, float] | None, area: dict[str, float]) -> bool:
    """Whether ``box`` lies wholly within ``area`` (both x, y, width, height)."""
    return (
        box is not None
        and box["x"] >= area["x"] - 0.5
        and box["y"] >= area["y"] - 0.5
        and box["x"] + box["width"] <= area["x"] + area["width"] + 0.5
        and box["y"] + box["height"] <= area["y"] + area["height"] + 0.5
    )


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _window(viewport: dict[str, int]) -> dict[str, float]:
    return {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"]}


def _cell(row: Any, column: str) -> Any:
    return row.locator(f"td[data-col={column}]")


@pytest.mark.parametrize("viewport", [WIDE, DESKTOP], ids=["1920x1080", "1366x900"])
def test_the_ledgers_key_columns_stay_on_screen(
    browser, ui_site: UISite, backend: str, artifacts: Path, viewport: dict[str, int]
):
    window = _window(viewport)
    size = f"{viewport['width']}x{viewport['height']}"
    with ui_page(browser, ui_site, viewport=viewport) as p:
        p.goto("/ledger?per=100")
        wrap = p.page.locator("#ledger-wrap")
        # The table scrolls in a box inside the window: its scrollbars are on screen.
        assert _inside(wrap.bounding_box(), window)
        assert _inside(p.page.locator(".pager").bounding_box(), window)
        assert p.page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        rows = p.page.locator("#ledger-table tbody tr[data-case]")
        overdue = p.page.locator("#ledger-table tbody tr.overdue").first
        for row in (rows.first, overdue):
            for column in KEY_COLUMNS:
                assert _inside(_cell(row, column).bounding_box(), window), column
            badge = _cell(row, "deadline").locator(".overdue-badge")
            if badge.count():
                assert _inside(badge.bounding_box(), window), "overdue"
        assert overdue.locator(".overdue-badge").count() == 1
        p.page.screenshot(path=artifacts / f"ui-ledger-{size}-{backend}.png")

        # Scrolled to the end, sideways and down: the first columns stay where they were,
        # the header stays on top, the last row and column come into the window.
        fixed = {c: _cell(rows.first, c).bounding_box()["x"] for c in FIXED_COLUMNS}
        wrap.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
        for column, x in fixed.items():
            assert _cell(rows.first, column).bounding_box()["x"] == pytest.approx(x), column
        last_column = _cell(rows.first, "revitalized_building_area_m2")
        assert _inside(last_column.bounding_box(), window)
        wrap.evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
        last = rows.last
        for column in (*FIXED_COLUMNS, "revitalized_building_area_m2"):
            assert _inside(_cell(last, column).bounding_box(), window), column
        header = p.page.locator("#ledger-table thead th[data-col=holder]").bounding_box()
        assert _inside(header, wrap.bounding_box()), "the header stays on top"
        assert not _overlap(header, _cell(last, "holder").bounding_box())
        p.page.screenshot(path=artifacts / f"ui-ledger-{size}-scrolled-{backend}.png")
        p.assert_clean()


def test_holders_sort_by_pinyin(browser, ui_site: UISite):
    with ui_page(browser, ui_site) as p:
        p.goto("/ledger?per=100")
        p.page.click("a.sort[data-sort=holder]")
        p.page.wait_for_load_state("load")
        cells = p.page.locator("#ledger-table tbody td[data-col=holder]").all()
        holders = [text_of(td) for td in cells]
        assert holders == sorted_texts(holders)
        assert holders != sorted(holders), "by pinyin, not by code point"
        # 青溪… (qing) before 四川… (si), where a clerk looks for them.
        qing = [i for i, h in enumerate(holders) if h.startswith("青溪")]
        si = [i for i, h in enumerate(holders) if h.startswith("四川")]
        assert qing and si and max(qing) < min(si)
        p.page.click("a.sort[data-sort=holder]")  # descending
        p.page.wait_for_load_state("load")
        cells = p.page.locator("#ledger-table tbody td[data-col=holder]").all()
        assert [text_of(td) for td in cells] == holders[::-1]
        p.assert_clean()


def test_completing_with_area_left_is_asked_about_first(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    before = ui_site.case(PARTLY_DONE)
    left = m2_to_mu(before["idle_area_m2"] - before["revitalized_area_m2"])
    assert round(left, 2) == 35
    with ui_page(browser, ui_site) as p:
        p.login("editor1", f"/cases/{PARTLY_DONE}")
        panel = p.page.locator("details.transition[data-target=revitalized]")
        if panel.get_attribute("open") is None:
            panel.locator("summary").click()
        panel.locator("input[name=field_revitalized_on]").fill(TODAY)
        panel.locator("textarea[name=note]").fill("剩余部分不再盘活")
        with p.page.expect_navigation():
            panel.locator("button[type=submit]").click()
        question = p.page.locator("#confirm-shortfall")
        assert "还有 35.00 亩未盘活，确定办结？" in text_of(question)
        assert _inside(question.bounding_box(), _window(DESKTOP)), "asked at the top"
        assert p.page.locator("#case-status").get_attribute("data-status") == "disposing"
        # What was typed is kept in the form below, to change the area instead.
        kept = p.page.locator("details.transition[data-target=revitalized]")
        assert kept.get_attribute("open") is not None
        assert kept.locator("textarea[name=note]").input_value() == "剩余部分不再盘活"
        p.shot(artifacts, f"case-confirm-completion-{backend}")
        assert ui_site.case(PARTLY_DONE) == before

        with p.page.expect_navigation():
            question.locator("button[type=submit]").click()
        assert p.page.locator("#case-status").get_attribute("data-status") == "revitalized"
        assert ZH("处置状态已更新。") in text_of(p.page.locator(".flash"))
        last = p.page.locator("#timeline > li").last
        assert "剩余部分不再盘活" in text_of(last)
        # Named as staff know each other; the login name on hover.
        assert "张编辑" in text_of(last) and "editor1" not in text_of(last)
        assert last.locator(".person").get_attribute("title") == "editor1"
        p.assert_clean()
    assert ui_site.case(PARTLY_DONE)["status"] == "revitalized"


@pytest.mark.parametrize(
    ("path", "frame", "viewport"),
    [
        ("/", ".map-card iframe", DESKTOP),
        ("/", ".map-card iframe", TABLET),
        ("/map-page", "#ledger-map", DESKTOP),
    ],
    ids=["dashboard", "dashboard-tablet", "map-page"],
)
def test_the_layer_control_does_not_cover_the_legend(
    browser, ui_site: UISite, backend: str, artifacts: Path, path, frame, viewport
):
    with ui_page(browser, ui_site, viewport=viewport) as p:
        p.login("viewer1", path)
        inner = p.map_frame(frame)
        box = p.page.locator(frame).bounding_box()
        control = inner.locator(".leaflet-control-layers").bounding_box()
        legend = inner.locator(".landgis-legend").bounding_box()
        zoom = inner.locator(".leaflet-control-zoom").bounding_box()
        scale = inner.locator(".leaflet-control-scale").bounding_box()
        assert control and legend and zoom and scale
        for part in (control, legend, zoom, scale):
            assert _inside(part, box), "on the map"
        for other in (legend, zoom, scale):
            assert not _overlap(control, other), (control, other)
        name = path.strip("/") or "dashboard"
        p.page.locator(frame).screenshot(
            path=artifacts / f"ui-map-controls-{name}-{viewport['width']}-{backend}.png"
        )
        p.assert_clean()
