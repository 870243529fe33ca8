"""The monthly progress report (月度进展情况) of the demo county for August 2023: the Word
document read back by python-docx (and printed to PDF by LibreOffice Writer), the PDF read
back by poppler's pdftotext and pdffonts."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from libreoffice import SOFFICE, converted
from poppler import poppler, unspaced
from sqlalchemy import select

from landgis.db.models import Case, CaseEvent
from landgis.errors import InvalidInput
from landgis.ledger import ledger_rows
from landgis.ledger_rules.totals import totals_of
from landgis.monthly import default_month
from landgis.reports import monthly_document, parse_month, write_monthly
from landgis.reports.monthly_document import format_of
from landgis.settings import Settings
from landgis.stats import headline_figures

AUG_1, AUG_31 = dt.date(2023, 8, 1), dt.date(2023, 8, 31)
TITLE = "青溪县低效闲置工业用地处置月度进展情况(2023年8月)"
HEADERS = ["序号", "宗地编号", "企业名称", "面积(亩)", "上月状态", "本月进展", "下月计划"]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def written(session, fmt: str, lang: str = "zh") -> bytes:
    report = monthly_document(session, Settings(), 2023, 8, lang)
    out = io.BytesIO()
    write_monthly(report, fmt, out)
    return out.getvalue()


@pytest.fixture
def august(session):
    rows = ledger_rows(session, AUG_31)
    return rows, headline_figures(session, date_from=AUG_1, date_to=AUG_31)


def test_the_word_document_holds_title_figures_and_every_case(session, august):
    rows, figures = august
    document = docx.Document(io.BytesIO(written(session, "docx")))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == TITLE
    summary = texts[1]
    shown = totals_of(rows, AUG_31).shown()
    numbers = re.findall(r"\d+(?:\.\d+)?", summary.split("底", 1)[1])
    assert numbers == [
        str(shown.cases),
        f"{shown.idle_area_mu:.2f}",
        f"{figures['revitalized_area_mu']:.2f}",
        f"{figures['revitalized_total_area_mu']:.2f}",
    ]
    assert figures["cases"] == shown.cases == len(rows)
    assert figures["ledger_area_mu"] == shown.idle_area_mu
    assert texts[-1].startswith("填报单位:") and "审核人:" in texts[-1] and "填报日期:" in texts[-1]

    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == HEADERS
    body = table.rows[1:-1]
    assert [r.cells[1].text for r in body] == list(rows["parcel_code"])
    assert [r.cells[0].text for r in body] == [str(i) for i in range(1, len(rows) + 1)]
    assert table.rows[-1].cells[0].text == f"合计:{len(rows)} 宗"
    assert table.rows[-1].cells[3].text == f"{shown.idle_area_mu:.2f}"
    assert all(r.cells[5].text and r.cells[6].text for r in body)
    header_props = table.rows[0]._tr.trPr
    assert header_props.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in body)


def test_the_word_document_is_landscape_a4_in_a_cjk_font(session):
    document = docx.Document(io.BytesIO(written(session, "docx")))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    runs = [run for p in document.paragraphs for run in p.runs]
    runs += [run for cell in document.tables[0]._cells for p in cell.paragraphs for run in p.runs]
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:ascii"))
        assert "CJK" in fonts.get(qn("w:eastAsia")) or "Hei" in fonts.get(qn("w:eastAsia"))
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "第 " in footer


def test_the_word_document_in_english(session):
    document = docx.Document(io.BytesIO(written(session, "docx", "en")))
    title = document.paragraphs[0].text
    assert title.startswith("青溪县: monthly progress") and title.endswith("(2023-08)")
    assert document.paragraphs[1].text.startswith("At the end of 2023-08 the ledger holds")
    headers = [c.text for c in document.tables[0].rows[0].cells]
    assert headers == [
        "No.",
        "Parcel code",
        "Enterprise",
        "Area (mu)",
        "Status last month",
        "Progress this month",
        "Plan for next month",
    ]
    assert document.paragraphs[-1].text.startswith("Reporting unit: ")


def typed_in_august(session) -> list[str]:
    """What clerks typed that the August report quotes as typed: the notes and document
    numbers of the month's events and the plans written on the cases."""
    events = session.execute(
        select(CaseEvent.note, CaseEvent.document_no).where(
            CaseEvent.occurred_on.between(AUG_1, AUG_31)
        )
    ).all()
    typed = [text for row in events for text in row if text]
    typed += [text for text in session.scalars(select(Case.next_step)) if text]
    return sorted(typed, key=len, reverse=True)


def without(text: str, names) -> str:
    for name in names:
        text = text.replace(name, "")
    return text


def test_the_english_report_writes_progress_and_plans_in_english(session, august, tmp_path):
    rows, _figures = august
    typed = typed_in_august(session)
    assert typed  # the demo's August has notes and a document number in Chinese
    document = docx.Document(io.BytesIO(written(session, "docx", "en")))
    body = document.tables[0].rows[1:-1]
    progress = [r.cells[5].text for r in body]
    plans = [r.cells[6].text for r in body]
    assert len(progress) == len(rows) and all(progress) and all(plans)
    for text in progress + plans:
        assert not CJK.search(without(text, typed)), text
    assert progress.count("No new progress this month") >= len(rows) - 2
    assert any(
        t.startswith('08-15 Status changed from "Revitalized" to "Closed out"') for t in progress
    )
    assert any(t.startswith("08-09 Edited Remarks") for t in progress)
    assert "Inspect and accept the work, then close out the case" in plans
    assert any(re.fullmatch(r"Move on to \"[A-Za-z ]+\" by \d{4}-\d{2}-\d{2}", t) for t in plans)
    chinese = docx.Document(io.BytesIO(written(session, "docx")))
    zh_progress = [r.cells[5].text for r in chinese.tables[0].rows[1:-1]]
    assert "8月15日 处置状态由“已盘活”改为“已销号”" in "".join(zh_progress)

    # The PDF: nothing Chinese but the county, the enterprises and what clerks typed.
    path = tmp_path / "monthly-en.pdf"
    path.write_bytes(written(session, "pdf", "en"))
    text = unspaced(poppler("pdftotext", "-raw", str(path), "-"))
    names = [unspaced(n) for n in [*typed, *rows["holder"].dropna()]] + ["青溪县"]
    assert not CJK.search(without(text, sorted(names, key=len, reverse=True)))
    assert "Nonewprogressthismonth" in text and "Inspectandaccept" in text


def test_the_pdf_holds_title_every_case_page_numbers_and_the_cjk_font(session, august, tmp_path):
    rows, _figures = august
    path = tmp_path / "monthly.pdf"
    path.write_bytes(written(session, "pdf"))
    pages = poppler("pdftotext", "-raw", str(path), "-").split("\f")[:-1]
    text = unspaced("".join(pages))
    assert unspaced(TITLE) in unspaced(pages[0])
    for code, holder in zip(rows["parcel_code"], rows["holder"], strict=True):
        assert code in text and unspaced(holder) in text
    assert "".join(HEADERS) in unspaced(pages[0])
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in unspaced(page)
    assert "填报单位:" in text and "填报日期:" in text
    fonts = poppler("pdffonts", str(path)).splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line or "Hei" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # emb


def test_the_pdf_in_english(session, tmp_path):
    path = tmp_path / "monthly-en.pdf"
    path.write_bytes(written(session, "pdf", "en"))
    pages = poppler("pdftotext", "-raw", str(path), "-").split("\f")[:-1]
    assert "monthly progress in disposing" in pages[0]
    assert "Progress this month" in pages[0] and f"Page 1 of {len(pages)}" in pages[0]


def test_libreoffice_writer_prints_the_word_document(session, august, tmp_path):
    rows, _figures = august
    program = Path(SOFFICE).resolve().parent
    if not (program / "libswlo.so").exists():
        pytest.fail(
            f"LibreOffice Writer is not installed next to {SOFFICE}: run "
            "`scripts/system-deps.sh --test` (Debian package libreoffice-writer-nogui).",
            pytrace=False,
        )
    source = tmp_path / "monthly.docx"
    source.write_bytes(written(session, "docx"))
    printed = converted(source, tmp_path, "pdf", "pdf")
    pages = poppler("pdftotext", "-raw", str(printed), "-").split("\f")[:-1]
    text = unspaced("".join(pages))
    assert unspaced(TITLE) in text
    assert all(code in text for code in rows["parcel_code"])
    assert f"第1页共{len(pages)}页" in unspaced(pages[0])


@pytest.mark.parametrize("text", ["2023-13", "2023-00", "2023/08", "August", "", "23-08"])
def test_a_bad_month_is_refused(text):
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        parse_month(text)


def test_months_and_formats_read():
    assert parse_month("2023-08") == parse_month(" 2023-8 ") == (2023, 8)
    assert format_of("report.DOCX") == "docx" and format_of("pdf") == "pdf"
    with pytest.raises(InvalidInput, match=r"\.docx"):
        format_of("report.xlsx")


def test_the_month_offered_is_last_month_or_the_latest_with_events(session):
    # The demo's events run from January to August 2023.
    assert default_month(session, dt.date(2023, 9, 10)) == (2023, 8)
    assert default_month(session, dt.date(2023, 8, 20)) == (2023, 7)  # August not over
    assert default_month(session, dt.date(2023, 3, 1)) == (2023, 2)
    assert default_month(session, dt.date(2026, 12, 4)) == (2023, 8)  # nothing since
    assert default_month(session, dt.date(2024, 1, 5)) == (2023, 8)
    assert default_month(session, dt.date(2022, 6, 15)) == (2022, 5)  # nothing before
    assert default_month(session, dt.date(2023, 1, 15)) == (2022, 12)
