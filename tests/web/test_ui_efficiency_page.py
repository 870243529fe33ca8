"""The per-mu evaluation's page in Debian's Chromium, on a fresh demo county per backend:
the classes of 2023, the D class filtered and sorted by tax per 亩, one enterprise's steps
checked against the API, the year switched to 2022 and its results table downloaded
through the page's link and read with openpyxl; no request leaves landgis. Screenshots
are kept (``/tmp/efficiency-page.png``, ``/tmp/efficiency-trace.png`` and the test
artifacts)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from landgis.io.exports.efficiency_workbook import FIRST_DATA_ROW, HEADERS, RESULT_SHEET

SCREENSHOTS = Path("/tmp/efficiency-page.png"), Path("/tmp/efficiency-trace.png")


def _number(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


def test_the_evaluation_page_filters_sorts_traces_and_downloads(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    with ui_page(browser, ui_site) as p:
        p.login("viewer1", "/efficiency?year=2023")
        api = p.page.request.get(ui_site.base + "/api/efficiency?year=2023").json()
        assert text_of(p.page.locator("h1")) == "2023 年度亩均效益评价"
        assert p.page.locator("nav.nav a[aria-current=page]").inner_text() == "亩均评价"
        counts = {
            card.get_attribute("data-class"): int(text_of(card.locator(".count")))
            for card in p.page.locator("#class-counts a").all()
        }
        assert counts == {"A": 22, "B": 15, "C": 16, "D": 13} == api["class_counts"]
        p.page.screenshot(path=SCREENSHOTS[0], full_page=False)
        shutil.copy(SCREENSHOTS[0], artifacts / f"ui-efficiency-{backend}.png")

        # class D, then sorted by 亩均税收 (highest first on the second click)
        p.page.select_option("#efficiency-filters select[name=class]", "D")
        with p.page.expect_navigation():
            p.page.click("#efficiency-filters button[type=submit]")
        rows = p.page.locator("#efficiency-table tbody tr[data-class]")
        assert rows.count() == 13
        assert {row.get_attribute("data-class") for row in rows.all()} == {"D"}
        header = p.page.locator("th[data-col=tax_per_mu] a.sort")
        for _click in range(2):
            with p.page.expect_navigation():
                header.click()
        assert (
            "class=D" in p.page.url and "sort=tax_per_mu" in p.page.url and "dir=desc" in p.page.url
        )
        taxes = [_number(text_of(c)) for c in p.page.locator("td[data-col=tax_per_mu]").all()]
        assert taxes == sorted(taxes, reverse=True) and len(taxes) == 13

        # one enterprise's steps against the API's figures
        first = rows.first
        code = first.get_attribute("data-code")
        item = next(each for each in api["items"] if each["credit_code"] == code)
        with p.page.expect_navigation():
            first.locator("a.trace-link").click()
        assert text_of(p.page.locator("#trace-code")) == code
        assert text_of(p.page.locator("#trace-class")) == item["class"] == "D"
        figures = p.page.locator("#trace-figures")
        tax = _number(text_of(figures.locator("tr[data-figure=tax_yuan] td.num")))
        assert tax == round(item["tax_yuan"], 2)
        parcels = p.page.locator("#trace-land tbody tr")
        assert [row.get_attribute("data-parcel") for row in parcels.all()] == item["parcel_codes"]
        assert _number(text_of(p.page.locator("#trace-area"))) == round(item["area_mu"], 4)
        step = p.page.locator("#trace-indicators tr[data-key=tax_per_mu]")
        assert (
            float(step.locator("td[data-value]").get_attribute("data-value"))
            == (item["tax_per_mu"])
        )
        assert (
            float(step.locator("td[data-score]").get_attribute("data-score"))
            == (item["scores"]["tax_per_mu"])
        )
        assert _number(text_of(p.page.locator("#trace-score"))) == round(item["score"], 2)
        p.page.screenshot(path=SCREENSHOTS[1], full_page=True)
        shutil.copy(SCREENSHOTS[1], artifacts / f"ui-efficiency-trace-{backend}.png")

        # the year switched to 2022, then its table downloaded through the link
        with p.page.expect_navigation():
            p.page.locator(".crumbs a").click()
        p.page.select_option("#year-select", "2022")
        with p.page.expect_navigation():
            p.page.click("#year-picker button[type=submit]")
        assert text_of(p.page.locator("h1")) == "2022 年度亩均效益评价"
        api_2022 = p.page.request.get(ui_site.base + "/api/efficiency?year=2022").json()
        link = p.page.locator("#efficiency-xlsx")
        assert link.get_attribute("href") == "/api/exports/efficiency.xlsx?year=2022"
        with p.page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "亩均效益评价_青溪县_2022.xlsx"
        saved = tmp_path / "2022.xlsx"
        download.value.save_as(saved)
        sheet = openpyxl.load_workbook(saved)[RESULT_SHEET]
        assert sheet["A1"].value == "青溪县2022年度工业企业亩均效益综合评价结果表"
        *rows_2022, _total = [
            dict(zip(HEADERS, row, strict=True))
            for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + 1, values_only=True)
        ]
        assert [row["企业名称"] for row in rows_2022] == [i["name"] for i in api_2022["items"]]
        assert [row["评价类别"] for row in rows_2022] == [i["class"] for i in api_2022["items"]]
        assert {row["上年类别"] for row in rows_2022} == {"新参评"}
        p.assert_clean()
