"""The printed ledger (打印版台账) on both backends, read back with the tools a reader of
the PDF has: poppler's pdftotext (the words, and their boxes), pdffonts (the fonts
embedded) and pdfinfo (the paper); and the workbook's print set-up, read back by openpyxl
and printed to PDF by LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fontTools.ttLib import TTCollection
from libreoffice import converted
from poppler import poppler, unspaced
from pydantic import ValidationError

from landgis.errors import InvalidInput
from landgis.filters import ParcelFilter
from landgis.io.exports import export_ledger
from landgis.io.exports import pdf as pdf_format
from landgis.io.exports.print_setup import PrintSetup
from landgis.io.exports.printed_ledger import cjk_families
from landgis.io.exports.printed_ledger.document import STYLESHEET, _weasyprint, local_fetcher
from landgis.ledger import case_list
from landgis.ledger_rules.totals import totals_of, zone_totals_of
from landgis.schema import PRINTED
from landgis.settings import Settings

AUG_31 = dt.date(2023, 8, 31)
ZONE, ZONE_NAME = "QX-KFQ-LJ", "临江工业区"
TITLE = "青溪县低效闲置工业用地处置台账(截至 2023年8月31日)"
HEADERS = [c.zh for c in PRINTED]
# pdfinfo's page sizes, landscape (points).
A3_LANDSCAPE, A4_LANDSCAPE = "1190.55 x 841.89 pts (A3)", "841.89 x 595.276 pts (A4)"
MIN_BODY_PT = 8.0


def pdf(session, tmp_path: Path, name: str = "ledger.pdf", **options) -> Path:
    result = export_ledger(session, "pdf", **options)
    assert result.media_type == "application/pdf"
    assert result.content is not None and result.content.startswith(b"%PDF-")
    path = tmp_path / name
    path.write_bytes(result.content)
    return path


def info(path: Path) -> dict[str, str]:
    lines = poppler("pdfinfo", str(path)).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def layout_pages(path: Path) -> list[str]:
    """Each page's text as laid out (pages split at form feeds)."""
    return poppler("pdftotext", "-layout", str(path), "-").split("\f")[:-1]


def compact(path: Path) -> str:
    """The text in reading order with every space and line break taken out: a cell's
    text wrapped over lines reads as one."""
    return re.sub(r"\s+", "", poppler("pdftotext", "-raw", str(path), "-"))


def raw_pages(path: Path) -> list[str]:
    """Each page's text in reading order, without spaces or line breaks."""
    return [unspaced(p) for p in poppler("pdftotext", "-raw", str(path), "-").split("\f")[:-1]]


def words(path: Path) -> list[tuple[int, str, float]]:
    """(page, word, height in pt) of every word, from ``pdftotext -bbox``."""
    html = poppler("pdftotext", "-bbox", str(path), "-")
    found = []
    for page, body in enumerate(html.split("<page ")[1:], start=1):
        for y_min, y_max, word in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            body,
        ):
            found.append((page, word, float(y_max) - float(y_min)))
    return found


def line_height_em(family: str) -> float:
    """Ascent plus descent of ``family`` in ems (hhea), as pdftotext draws word boxes:
    a word's box is its font size times this."""
    path = poppler("fc-match", "-f", "%{file}", family).strip() if shutil.which("fc-match") else ""
    assert path, family
    fonts = TTCollection(path).fonts if path.endswith(".ttc") else None
    assert fonts, path
    font = next(f for f in fonts if family in f["name"].getDebugName(1))
    hhea = font["hhea"]
    return (hhea.ascent - hhea.descent) / font["head"].unitsPerEm


def line_of(page: str, start: str) -> str:
    found = [line for line in page.splitlines() if line.strip().startswith(start)]
    assert found, start
    return found[0]


def figures(line: str) -> list[str]:
    return re.findall(r"\d+\.\d{2}", line)


def expected_rows(session, filters: ParcelFilter | None = None) -> pd.DataFrame:
    rows, _ = case_list(session, filters or ParcelFilter(), AUG_31)
    return rows


def test_the_printed_ledger_holds_every_case_the_zone_subtotals_and_the_totals(session, tmp_path):
    path = pdf(session, tmp_path, as_of=AUG_31)
    meta = info(path)
    assert meta["Page size"] == A3_LANDSCAPE
    assert meta["Title"] == TITLE
    pages = layout_pages(path)
    assert len(pages) == int(meta["Pages"])
    text = "\n".join(pages)
    assert TITLE in text
    header = line_of(pages[0], "序号")
    positions = [header.find(h) for h in HEADERS]
    assert -1 not in positions and positions == sorted(positions), header

    rows = expected_rows(session)
    assert len(rows) == 13
    reading = compact(path)
    for _, row in rows.iterrows():
        assert row["parcel_code"] in text
        assert row["holder"].replace(" ", "") in reading, row["holder"]

    # The subtotals and the totals: the totals' rule's digits, from the totals module.
    for zone, totals in zone_totals_of(rows, AUG_31).items():
        shown = totals.shown()
        line = line_of(text, f"小计:{zone} {totals.cases} 宗")
        assert figures(line) == [f"{shown.idle_area_mu:.2f}", f"{shown.revitalized_area_mu:.2f}"]
    shown = totals_of(rows, AUG_31).shown()
    line = line_of(text, "合计:13 宗")
    assert figures(line) == [f"{shown.idle_area_mu:.2f}", f"{shown.revitalized_area_mu:.2f}"]

    # The sign-off line, the note, the page footer.
    signed = line_of(text, "填报单位")
    for label in ("填报人", "审核人", "联系电话", "填报日期"):
        assert label in signed
    assert f"第1页共{len(pages)}页" in unspaced(pages[0])


def test_the_cjk_font_is_embedded_and_the_body_is_printed_at_nine_points_or_more(session, tmp_path):
    path = pdf(session, tmp_path, as_of=AUG_31)
    fonts = poppler("pdffonts", str(path)).splitlines()[2:]
    assert fonts
    for line in fonts:
        name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
        assert "CJK" in name and (emb, sub) == ("yes", "yes"), line
    assert any("Noto-Sans-CJK-SC" in line for line in fonts)
    assert cjk_families()[0] == "Noto Sans CJK SC"

    # A word's box is its font size times the font's ascent plus descent: the case rows'
    # words (dates, codes, areas: set in the body's size) give the size they were set in.
    em = line_height_em("Noto Sans CJK SC")
    rows = expected_rows(session)
    body = {
        *rows["parcel_code"],
        *(d.isoformat() for d in pd.to_datetime(rows["deadline"]).dt.date),
    }
    sizes = [height / em for _page, word, height in words(path) if word in body]
    assert len(sizes) >= 2 * len(rows)
    assert min(sizes) >= MIN_BODY_PT
    assert min(sizes) == pytest.approx(9.5, abs=0.1)  # ledger.css: td 9.5pt on A3
    every = [height / em for _page, _word, height in words(path)]
    assert min(every) >= MIN_BODY_PT  # nothing on the page is smaller, footer included


def test_on_a4_the_header_row_and_the_footer_are_on_every_page(session, tmp_path):
    path = pdf(session, tmp_path, as_of=AUG_31, paper="A4")
    meta = info(path)
    assert meta["Page size"] == A4_LANDSCAPE
    pages = layout_pages(path)
    assert len(pages) == int(meta["Pages"]) >= 2
    read = raw_pages(path)
    assert len(read) == len(pages)
    for number, (page, in_order) in enumerate(zip(pages, read, strict=True), start=1):
        assert "".join(HEADERS) in in_order, in_order[:200]  # the header row, every page
        assert f"第{number}页共{len(pages)}页" in unspaced(page)
    em = line_height_em("Noto Sans CJK SC")
    assert min(h / em for _p, _w, h in words(path)) >= MIN_BODY_PT  # A4: 9pt
    codes = set(expected_rows(session)["parcel_code"])
    assert codes <= set("\n".join(pages).split())


def test_a_zone_filter_prints_that_zone_its_totals_and_the_filter_in_words(session, tmp_path):
    filters = ParcelFilter(zone=(ZONE,))
    path = pdf(session, tmp_path, as_of=AUG_31, filters=filters)
    text = "\n".join(layout_pages(path))
    rows = expected_rows(session, filters)
    everything = expected_rows(session)
    assert 0 < len(rows) < len(everything)
    assert f"筛选条件:园区:{ZONE_NAME}" in text
    for code in everything["parcel_code"]:
        assert (code in text) == (code in set(rows["parcel_code"])), code
    assert [line.strip().split()[0] for line in text.splitlines() if "小计" in line] == [
        f"小计:{ZONE_NAME}"
    ]
    shown = totals_of(rows, AUG_31).shown()
    line = line_of(text, f"合计:{len(rows)} 宗")
    assert figures(line) == [f"{shown.idle_area_mu:.2f}", f"{shown.revitalized_area_mu:.2f}"]


def test_in_english_the_headers_totals_and_footer_are_english(session, tmp_path):
    path = pdf(session, tmp_path, as_of=AUG_31, lang="en", filters=ParcelFilter(zone=(ZONE,)))
    text = "\n".join(layout_pages(path))
    assert "青溪县: ledger of idle and low-efficiency industrial land (as of 2023-08-31)" in text
    assert f"Filters: Zone: {ZONE_NAME}" in text
    for header in ("No.", "Zone", "Enterprise", "Determination", "Deadline", "Remarks"):
        assert header in text
    assert "Total: 4 cases" in text and f"Subtotal: {ZONE_NAME}, 4 cases" in text
    assert "Page 1 of 1" in text
    assert "Judicial auction" in text and "Revitalized" in text  # routes, statuses
    for chinese in ("序号", "合计", "小计", "第 1 页", "填报单位"):
        assert chinese not in text


def test_the_printed_columns_and_the_paper_come_from_the_settings(session, tmp_path):
    settings = Settings(print_columns=["seq", "case_no", "parcel_code", "idle_area_mu"])
    assert settings.print_paper == "A3"
    setup = PrintSetup.from_settings(settings, "A4")
    path = pdf(session, tmp_path, as_of=AUG_31, print_setup=setup)
    assert info(path)["Page size"] == A4_LANDSCAPE
    pages = layout_pages(path)
    header = line_of(pages[0], "序号")
    assert header.split() == ["序号", "台账编号", "宗地编号", "闲置/低效面积(亩)"]
    rows = expected_rows(session)
    for _, row in rows.iterrows():
        assert row["case_no"] in pages[0]
    assert "企业名称" not in pages[0]

    with pytest.raises(ValidationError, match="unknown printed columns nope"):
        Settings(print_columns=["seq", "nope"])
    with pytest.raises(ValidationError, match="cannot be an area"):
        Settings(print_columns=["idle_area", "seq"])
    with pytest.raises(ValidationError):
        Settings(print_paper="A5")
    with pytest.raises(InvalidInput) as refused:
        export_ledger(session, "pdf", as_of=AUG_31, paper="letter")
    assert "A3、A4" in refused.value.message and "A3, A4" in refused.value.message_en
    with pytest.raises(InvalidInput):
        PrintSetup(columns=("seq", "seq"))


def test_nothing_but_the_packages_own_files_is_fetched():
    fetcher = local_fetcher(_weasyprint())
    response = fetcher(STYLESHEET.as_uri())
    try:
        assert b"@page" in response.read()
    finally:
        response.close()
    for url in ("http://example.com/x.css", "https://example.com/font.woff2", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="only its own files"):
            fetcher(url)


# --- the workbook's print set-up ---------------------------------------------------------


def test_the_workbook_has_a_print_sheet_set_up_to_print(session, tmp_path):
    result = export_ledger(session, "xlsx", as_of=AUG_31)
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(result.content)
    book = openpyxl.load_workbook(path, data_only=True)
    assert book.sheetnames == ["台账", "核心数据", "处置记录", "打印"]
    sheet = book["打印"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == TITLE
    header_row = next(i for i, r in enumerate(values, start=1) if r[0] == "序号")
    assert values[header_row - 1] == HEADERS
    setup = sheet.page_setup
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    assert sheet.print_area == f"'打印'!$A$1:$M${sheet.max_row}"
    assert setup.orientation == "landscape"
    assert setup.paperSize == 8  # A3
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    # fitToWidth is left out when it is 1, the default of the file format.
    assert (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    cases = [r for r in values if isinstance(r[0], int | float) and r[2]]
    assert len(cases) == 13
    rows = expected_rows(session)
    totals = [r for r in values if isinstance(r[0], str) and r[0].startswith("合计:13 宗")]
    shown = totals_of(rows, AUG_31).shown()
    idle, revitalized = HEADERS.index("面积(亩)"), HEADERS.index("盘活面积(亩)")
    assert [totals[0][idle], totals[0][revitalized]] == [
        shown.idle_area_mu,
        shown.revitalized_area_mu,
    ]
    fonts = {sheet.cell(header_row + 1, c).font.sz for c in range(1, len(HEADERS) + 1)}
    assert fonts == {10}

    ledger = book["台账"]
    assert ledger.page_setup.orientation == "landscape" and ledger.page_setup.paperSize == 8
    assert ledger.print_title_rows == "$1:$2" and ledger.print_title_cols == "$A:$B"
    assert ledger.page_setup.fitToWidth > 1  # 31 columns spread over pages, never one
    assert ledger.oddFooter.center.text == "第 &P 页 共 &N 页"

    a4 = openpyxl.load_workbook(_xlsx(session, tmp_path))
    assert {s.page_setup.paperSize for s in a4.worksheets} == {9}


def _xlsx(session, tmp_path: Path) -> Path:
    path = tmp_path / "a4.xlsx"
    path.write_bytes(export_ledger(session, "xlsx", as_of=AUG_31, paper="A4").content)
    return path


def test_libreoffice_prints_the_workbook_on_readable_pages(session, tmp_path):
    result = export_ledger(session, "xlsx", as_of=AUG_31)
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(result.content)
    printed = converted(path, tmp_path, "pdf", "pdf")
    meta = info(printed)
    pages = int(meta["Pages"])
    assert meta["Page size"] == A3_LANDSCAPE
    assert 4 <= pages <= 20, pages  # every sheet, none shrunk to a single page
    found = words(printed)
    # A word's box is at most ~1.45 times its font size (CJK fonts; DejaVu's is smaller):
    # dividing by it underestimates the size, so this bound is on the safe side.
    smallest = min(height for _page, _word, height in found) / 1.45
    assert smallest >= 6.0, smallest
    text = poppler("pdftotext", "-layout", str(printed), "-")
    rows = expected_rows(session)
    for code in rows["parcel_code"]:
        assert text.count(code) >= 2  # on the 台账 pages and the 打印 page
    last = text.split("\f")[-2]
    assert TITLE.replace(" ", "") in last.replace(" ", "")
    assert "合计:13 宗" in last and "填报单位" in last


def test_a_ledger_too_long_to_print_is_refused_before_it_is_laid_out(session, monkeypatch):
    monkeypatch.setattr(pdf_format, "MAX_PRINTED_CASES", 5)
    monkeypatch.setattr(
        pdf_format, "write_pdf", lambda *_a: pytest.fail("laid out a refused ledger")
    )
    with pytest.raises(InvalidInput) as refused:
        export_ledger(session, "pdf", as_of=AUG_31)
    assert "最多 5 宗" in refused.value.message and "at most 5 cases" in refused.value.message_en
