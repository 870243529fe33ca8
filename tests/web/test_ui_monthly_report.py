"""The monthly progress report from the ledger page, in Debian's Chromium, on a fresh demo
county per backend: the month offered is the latest with events (the demo's last is
August 2023), a month picked downloads as a Word document python-docx opens and as a
PDF, titled with that month, in the page's language. Screenshots are kept
(``/tmp/ledger-monthly.png`` and the test artifacts)."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
from poppler import pdf_pages, unspaced
from sqlalchemy import func, select
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from landgis import wallclock
from landgis.db.models import CaseEvent
from landgis.db.session import transaction
from landgis.monthly import default_month

SCREENSHOT = Path("/tmp/ledger-monthly.png")
AUGUST_TITLE = "青溪县低效闲置工业用地处置月度进展情况(2023年8月)"


def _download(p, fmt: str, saved: Path):
    with p.page.expect_download() as download:
        p.page.locator(f"#monthly-report button[data-format={fmt}]").click()
    download.value.save_as(saved)
    return download.value


def test_the_ledger_page_downloads_the_monthly_report_of_the_month_picked(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    with transaction(ui_site.engine, write=False) as session:
        latest = session.scalar(select(func.max(CaseEvent.occurred_on)))
        assert (latest.year, latest.month) == (2023, 8)
        assert default_month(session, wallclock.today()) == (2023, 8)
    with ui_page(browser, ui_site) as p:
        p.login("viewer1", "/ledger")
        form = p.page.locator("#monthly-report")
        picker = form.locator("input[type=month]")
        assert text_of(form.locator("label")) == "月度进展情况"
        assert picker.input_value() == "2023-08"  # the latest month with events
        assert [text_of(b) for b in form.locator("button").all()] == ["Word 文档", "PDF 文件"]
        p.page.locator("#ledger-table").scroll_into_view_if_needed()
        p.page.screenshot(path=SCREENSHOT, full_page=False)
        shutil.copy(SCREENSHOT, artifacts / f"ui-ledger-monthly-{backend}.png")

        picker.fill("2023-07")
        picker.fill("2023-08")
        saved = tmp_path / "august.docx"
        download = _download(p, "docx", saved)
        assert download.suggested_filename == "月度进展_青溪县_2023-08.docx"
        document = docx.Document(str(saved))
        assert document.paragraphs[0].text == AUGUST_TITLE
        assert document.core_properties.title == AUGUST_TITLE
        assert [c.text for c in document.tables[0].rows[0].cells][-2:] == ["本月进展", "下月计划"]
        assert p.page.url.endswith("/ledger"), "the page stays"

        picker.fill("2023-07")
        saved = tmp_path / "july.pdf"
        download = _download(p, "pdf", saved)
        assert download.suggested_filename == "月度进展_青溪县_2023-07.pdf"
        assert unspaced(pdf_pages(saved)[0]).startswith(
            "青溪县低效闲置工业用地处置月度进展情况(2023年7月)"
        )

        p.goto("/ledger?lang=en")
        assert text_of(form.locator("label")) == "Monthly progress report"
        assert [text_of(b) for b in form.locator("button").all()] == ["Word document", "PDF"]
        picker.fill("2023-08")
        saved = tmp_path / "august-en.docx"
        _download(p, "docx", saved)
        document = docx.Document(str(saved))
        title = document.paragraphs[0].text
        assert title.startswith("青溪县: monthly progress") and title.endswith("(2023-08)")
        progress = [row.cells[5].text for row in document.tables[0].rows[1:-1]]
        assert "No new progress this month" in progress
        p.page.screenshot(path=SCREENSHOT.with_name("ledger-monthly-en.png"), full_page=False)
        p.assert_clean()


def test_the_ledger_page_downloads_the_work_report_of_the_period_picked(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    with ui_page(browser, ui_site) as p:
        p.login("viewer1", "/ledger")
        form = p.page.locator("#work-report")
        assert text_of(form.locator("label")) == "工作情况报告"
        start, end = form.locator("#work-from"), form.locator("#work-to")
        # January to the end of the latest month with events: the source report's period
        assert (start.input_value(), end.input_value()) == ("2023-01-01", "2023-08-31")
        form.screenshot(path=artifacts / f"ui-ledger-work-{backend}.png")
        saved = tmp_path / "work.docx"
        with p.page.expect_download() as download:
            form.locator("button[data-format=docx]").click()
        download.value.save_as(saved)
        assert download.value.suggested_filename == "工作情况报告_青溪县_2023-01-01_2023-08-31.docx"
        texts = [paragraph.text for paragraph in docx.Document(str(saved)).paragraphs]
        assert any("建立13宗、539亩" in t and "盘活低效用地120亩" in t for t in texts)

        start.fill("2023-06-01")
        end.fill("2023-06-30")
        saved = tmp_path / "june.pdf"
        with p.page.expect_download() as download:
            form.locator("button[data-format=pdf]").click()
        download.value.save_as(saved)
        assert download.value.suggested_filename == "工作情况报告_青溪县_2023-06-01_2023-06-30.pdf"
        text = unspaced("".join(pdf_pages(saved)))
        assert "2023年6月1日至2023年6月30日" in text and "盘活低效用地34.40亩" in text
        assert p.page.url.endswith("/ledger"), "the page stays"
        p.assert_clean()
