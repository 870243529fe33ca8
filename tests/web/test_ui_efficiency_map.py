"""The evaluation's class map and review list in Debian's Chromium, on a fresh demo county
per backend, with no request leaving landgis: the map draws each parcel in its
enterprise's class colour (grey without figures) and opens a popup with the figures and
links; on the review list an editor opens a case from a suggestion (landing on the case,
whose first event carries the evaluation's figures) and dismisses another with a reason
(refused without one); a viewer sees the list without the forms. Screenshots are kept
(``/tmp/efficiency-*.png`` and the test artifacts)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from landgis.db.session import transaction
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.rules import EfficiencyRules
from landgis.maps.styles import CLASS_COLOURS
from landgis.parcels import parcels_frame

CLOSED_IDLE = "519901007001GB00012"  # closed-out case; its enterprise paid no tax 2022-2023
REASON = "企业已于 2024 年恢复生产"
FILLS = """() => Array.from(document.querySelectorAll("path.landgis-parcel"))
    .map((p) => p.getAttribute("fill"))"""


def _shot(p, artifacts: Path, name: str, backend: str) -> None:
    shot = Path(f"/tmp/efficiency-{name}.png")
    p.page.screenshot(path=shot, full_page=name != "map")
    shutil.copy(shot, artifacts / f"ui-efficiency-{name}-{backend}.png")


def test_the_class_map_draws_each_parcel_in_its_class_colour_and_opens_a_popup(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    with transaction(ui_site.engine, write=False) as session:
        evaluation = evaluate(session, EfficiencyRules(), 2023)
        parcels = parcels_frame(session).set_index("parcel_code")
    items = evaluation.items
    by_class = Counter(
        grade
        for codes, grade in zip(items["parcel_codes"], items["class"], strict=True)
        for _ in codes
    )
    expected = {CLASS_COLOURS[grade]: n for grade, n in by_class.items()}
    expected[CLASS_COLOURS["none"]] = len(parcels) - sum(by_class.values())

    with ui_page(browser, ui_site) as p:
        p.login("viewer1", "/efficiency/map?year=2023")
        assert text_of(p.page.locator("h1")) == "2023 年度亩均效益分类图"
        assert p.page.locator("#year-picker option[selected]").get_attribute("value") == "2023"
        frame = p.map_frame("#efficiency-map")
        fills = Counter(frame.evaluate(FILLS))
        assert fills == expected and set(by_class) == {"A", "B", "C", "D"}
        legend = text_of(frame.locator(".landgis-legend"))
        assert f"A 类 优先发展 {evaluation.class_counts()['A']} 家企业" in legend
        _shot(p, artifacts, "map", backend)

        row = items[items["class"] == "D"].iloc[0]
        code = next(c for c in row["parcel_codes"] if isinstance(parcels.at[c, "case_no"], str))
        assert frame.evaluate("(code) => window.landgis.openPopup(code)", code)
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for()
        text = text_of(popup)
        assert row["name"] in text and row["credit_code"] in text and "D 类 淘汰退出" in text
        links = {a.inner_text(): a.get_attribute("href") for a in popup.locator("a").all()}
        assert links["查看评价表 »"] == f"/efficiency?year=2023&q={row['credit_code']}"
        assert links["查看台账详情 »"] == f"/cases/{parcels.at[code, 'case_no']}"
        p.assert_clean()


def _row(p, table: str, code: str):
    return p.page.locator(f"#{table} tr[data-parcel='{code}']")


def test_an_editor_opens_a_case_from_a_suggestion_and_dismisses_another(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/efficiency/suggestions?year=2023")
        assert text_of(p.page.locator("h1")) == "2023 年度建议立案清单"
        _shot(p, artifacts, "suggestions", backend)
        idle = _row(p, "suggestion-table", CLOSED_IDLE)
        assert "连续 2 年无税收" in text_of(idle) and "D" in text_of(idle.locator(".grade"))

        with p.page.expect_navigation():
            idle.locator("form.open-case button").click()
        assert re.search(r"/cases/[^/?#]+$", p.page.url), p.page.url
        case_no = p.page.url.rsplit("/", 1)[1]
        assert f"已依据亩均效益评价建议立案:{case_no}" in text_of(p.page.locator(".flash"))
        first = text_of(p.page.locator("#timeline li.event").last)
        assert "依据亩均效益评价建议立案" in first and "2023 年度亩均效益评价为 D 类" in first

        p.goto("/efficiency/suggestions?year=2023")
        assert _row(p, "suggestion-table", CLOSED_IDLE).count() == 0
        opened = _row(p, "decision-table", CLOSED_IDLE)
        assert opened.get_attribute("data-decision") == "opened"
        assert opened.locator(f"a[href='/cases/{case_no}']").count() == 1

        other = p.page.locator("#suggestion-table tr[data-kind=no_figures]").first
        code = other.get_attribute("data-parcel")
        other.locator("input[name=reason]").fill("   ")  # passes the browser, not the ledger
        with p.page.expect_navigation():
            other.locator("form.dismiss button").click()
        assert text_of(p.page.locator("#form-error")) == "不予立案需要填写理由。"
        assert _row(p, "suggestion-table", code).count() == 1

        row = _row(p, "suggestion-table", code)
        row.locator("input[name=reason]").fill(REASON)
        with p.page.expect_navigation():
            row.locator("form.dismiss button").click()
        assert p.page.url.endswith("/efficiency/suggestions?year=2023#decisions")
        assert _row(p, "suggestion-table", code).count() == 0
        dismissed = text_of(_row(p, "decision-table", code))
        assert REASON in dismissed and "不予立案" in dismissed and "张编辑" in dismissed
        _shot(p, artifacts, "decisions", backend)

        p.goto("/efficiency/suggestions?year=2023&lang=en")
        assert text_of(p.page.locator("h1")) == "Suggested cases 2023"
        assert "Dismiss" in text_of(_row(p, "decision-table", code))
        p.goto("/efficiency/suggestions?year=2023&lang=zh")
        p.assert_clean()


def test_a_viewer_sees_the_list_without_the_forms(browser, ui_site: UISite):
    with ui_page(browser, ui_site) as p:
        p.login("viewer1", "/efficiency/suggestions?year=2023")
        assert p.page.locator("#suggestion-table tbody tr").count() > 0
        assert p.page.locator("#suggestion-table form").count() == 0
        assert p.page.locator("#suggestion-table button").count() == 0
        p.assert_clean()
