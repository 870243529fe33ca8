"""The ledger workbook downloaded from the ledger page, in Debian's Chromium, on a fresh
demo county per backend: it opens, and holds the rows the table shows (same filters, same
date), in the same order with the same figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

EXPORT = "/api/exports/ledger.xlsx"


def _table(p) -> list[tuple[str, str, str, str]]:
    rows = []
    for row in p.page.locator("#ledger-table tbody tr[data-case]").all():
        seq, idle = (text_of(row.locator(f"td[data-col={c}]")) for c in ("seq", "idle_area_mu"))
        status = text_of(row.locator(".status"))
        rows.append((seq, row.get_attribute("data-parcel"), status, idle))
    return rows


def _sheet_rows(path: Path) -> list[tuple[str, str, str, str]]:
    book = openpyxl.load_workbook(path, data_only=True)
    sheet = book.worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(values) if "宗地编号" in r)
    header = values[header_at]
    seq, code = header.index("序号"), header.index("宗地编号")
    status, idle = header.index("处置状态"), header.index("闲置/低效面积(亩)")
    rows = []
    for r in values[header_at + 1 :]:
        if isinstance(r[seq], int | float) and r[code]:
            rows.append((str(int(r[seq])), str(r[code]), str(r[status]), f"{float(r[idle]):,.2f}"))
    return rows


def test_the_workbook_from_the_ledger_page_matches_the_table(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    with ui_page(browser, ui_site) as p:
        p.login("viewer1", "/ledger")
        for query in ("per=100", "overdue=true&per=100", f"as_of={dt.date(2023, 8, 31)}&per=100"):
            p.goto(f"/ledger?{query}")
            table = _table(p)
            assert table
            link = p.page.locator(".exports a[data-format=xlsx]")
            href = link.get_attribute("href")
            assert href.startswith(EXPORT)
            probe = p.page.request.get(ui_site.base + href)
            assert probe.status == 200, (
                f"{EXPORT} answered {probe.status}: the export endpoint is not wired yet"
            )
            with p.page.expect_download() as download:
                link.click()
            saved = tmp_path / f"{backend}-{len(table)}.xlsx"
            download.value.save_as(saved)
            assert download.value.suggested_filename.endswith(".xlsx")
            assert _sheet_rows(saved) == table, query
        p.assert_clean()
