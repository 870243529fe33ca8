"""The work report (工作情况报告) of the demo county for 1 January - 31 August 2023: the
Word document read back by python-docx (and printed to PDF by LibreOffice Writer), the PDF
read back by poppler, a county's own template, and bad templates refused."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
import pandas as pd
import pytest
from libreoffice import converted
from poppler import cjk_fonts, pdf_pages, poppler, unspaced

from landgis import ledger
from landgis.errors import ConfigurationError, InvalidInput
from landgis.ledger import ledger_rows, shared_states, states_as_of
from landgis.reports.work import write_work
from landgis.reports.work_template import build_template
from landgis.settings import Settings
from landgis.stats import headline_figures

JAN_1, AUG_31 = dt.date(2023, 1, 1), dt.date(2023, 8, 31)
TITLE = "青溪县低效闲置工业用地处置工作情况报告"
# The source report's paragraph, as the demo county's figures write it.
PARAGRAPH = (
    "2023年1月1日至2023年8月31日,建立13宗、539亩工业用地低效闲置问题处置台账,"
    "通过依法回购、司法拍卖、租赁转产等方式,盘活低效用地120亩、闲置厂房1.64万平方米。"
)


def written(session, fmt: str, settings: Settings | None = None, **kwargs) -> bytes:
    out = io.BytesIO()
    period = kwargs.pop("period", (JAN_1, AUG_31))
    write_work(session, settings or Settings(), *period, fmt, out, **kwargs)
    return out.getvalue()


def read_docx(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def table_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def august(session):
    figures = headline_figures(session, date_from=JAN_1, date_to=AUG_31)
    return ledger_rows(session, AUG_31), figures


def test_the_paragraph_states_the_source_reports_figures(session, august):
    _rows, figures = august
    assert (figures["cases"], figures["ledger_area_mu"], figures["revitalized_area_mu"]) == (
        13,
        539.0,
        120.0,
    )
    document = read_docx(written(session, "docx"))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == TITLE
    assert PARAGRAPH in texts
    assert document.core_properties.title == TITLE


def test_the_figures_tables_agree_with_the_headline_figures(session, august):
    _rows, figures = august
    routes, zones, months, _annex = (
        table_texts(t) for t in read_docx(written(session, "docx")).tables
    )
    assert routes[0] == ["处置方式", "宗数", "盘活面积(亩)", "盘活厂房面积(㎡)"]
    by_route = {row[0]: row[1:] for row in routes[1:-1]}
    assert by_route == {
        "依法回购": ["2", "45.90", "0.00"],
        "司法拍卖": ["2", "54.40", "13477.34"],
        "租赁转产": ["1", "19.70", "2889.33"],
    }
    assert routes[-1] == ["合计", "5", "120.00", f"{figures['revitalized_building_area_m2']:.2f}"]
    assert zones[-1] == ["合计", "13", "539.00", "120.00"]
    assert sum(int(row[1]) for row in zones[1:-1]) == 13
    assert [row[0] for row in months[1:-1]] == ["2023年4月", "2023年5月", "2023年6月", "2023年7月"]
    assert sum(float(row[2]) for row in months[1:-1]) == pytest.approx(120.0)


def test_the_word_document_holds_the_map_the_charts_and_the_ledger_as_annex(session, august):
    rows, _figures = august
    document = read_docx(written(session, "docx"))
    assert len(document.inline_shapes) == 4  # three charts and the map
    assert all(shape.width > 0 and shape.height > 0 for shape in document.inline_shapes)
    annex = table_texts(document.tables[-1])
    codes = list(rows["parcel_code"])
    annex_text = "\n".join("|".join(row) for row in annex)
    assert all(code in annex_text for code in codes)
    assert any(row[0].startswith("合计") or "合计" in row[0] for row in annex)
    first, annex_section = document.sections[0], document.sections[-1]
    assert first.page_width < first.page_height  # the report portrait
    assert annex_section.page_width > annex_section.page_height  # the annex landscape
    header = document.tables[-1].rows[0]._tr
    assert header.xpath("./w:trPr/w:tblHeader")  # repeated on every page


def test_the_pdf_holds_the_paragraph_every_case_page_numbers_and_the_cjk_font(
    session, august, tmp_path
):
    rows, _figures = august
    path = tmp_path / "work.pdf"
    path.write_bytes(written(session, "pdf"))
    pages = pdf_pages(path)
    text = unspaced("".join(pages))
    assert unspaced(TITLE) in unspaced(pages[0])
    assert unspaced(PARAGRAPH) in text
    assert all(code in text for code in rows["parcel_code"])
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in unspaced(page)
    assert "附件:青溪县低效闲置工业用地处置台账" in text and "填报单位:" in text
    fonts = cjk_fonts(path)
    assert fonts and all(embedded for _name, embedded in fonts)
    sizes = re.findall(
        r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)",
        poppler("pdfinfo", "-f", "1", "-l", str(len(pages)), str(path)),
    )
    first, last = (tuple(float(v) for v in size) for size in (sizes[0], sizes[-1]))
    assert first == pytest.approx((595.3, 841.9), abs=1)  # A4 portrait
    assert last == pytest.approx((841.9, 595.3), abs=1)  # the annex: A4 landscape
    images = poppler("pdfimages", "-list", str(path)).splitlines()[2:]
    assert len(images) >= 4  # three charts and the map


def test_libreoffice_writer_prints_the_word_document(session, august, tmp_path):
    rows, _figures = august
    source = tmp_path / "work.docx"
    source.write_bytes(written(session, "docx"))
    pages = pdf_pages(converted(source, tmp_path, "pdf", "pdf"))
    text = unspaced("".join(pages))
    assert unspaced(PARAGRAPH) in text
    assert all(code in text for code in rows["parcel_code"])
    assert f"第1页共{len(pages)}页" in unspaced(pages[0])


def test_a_countys_own_template_writes_its_own_words(session, tmp_path):
    template = read_docx(build_template("zh"))
    paragraph = next(p for p in template.paragraphs if "工业用地低效闲置问题处置台账" in p.text)
    for run in paragraph.runs[1:]:
        run.text = ""
    paragraph.runs[0].text = "我县共排查{{ cases }}宗低效闲置工业用地,计{{ ledger_mu }}亩。"
    path = tmp_path / "本县模板.docx"
    template.save(path)
    document = read_docx(written(session, "docx", Settings(work_report_template=path)))
    texts = [p.text for p in document.paragraphs]
    assert "我县共排查13宗低效闲置工业用地,计539亩。" in texts
    assert PARAGRAPH not in texts


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "找不到工作情况报告模板"),
        (b"not a word document", "不是有效的 .docx 文件"),
        ("{{ cases ", "有误"),
        ("{{ no_such_figure }}", "有误"),
    ],
)
def test_a_broken_template_is_refused_with_a_message_naming_it(session, tmp_path, content, words):
    path = tmp_path / "broken.docx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        template = read_docx(build_template("zh"))
        template.add_paragraph(content)
        template.save(path)
    with pytest.raises(ConfigurationError) as refused:
        written(session, "docx", Settings(work_report_template=path))
    message = refused.value.message
    assert words in message and "broken.docx" in message


def test_the_report_in_english(session, tmp_path):
    document = read_docx(written(session, "docx", lang="en"))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Report on the disposal of idle and low-efficiency industrial land, 青溪县"
    paragraph = next(t for t in texts if "ledger of 13 parcels" in t)
    assert "539 mu" in paragraph and "120 mu" in paragraph and "1.64 × 10⁴ m²" in paragraph
    assert "through Buyback, Judicial auction, Lease or conversion and other routes" in paragraph
    path = tmp_path / "work-en.pdf"
    path.write_bytes(written(session, "pdf", lang="en"))
    pages = pdf_pages(path)
    assert "Page 1 of" in pages[0] and "ledger of 13 parcels" in " ".join(pages[0].split())


def test_a_period_with_nothing_revitalized_leaves_out_routes_and_charts(session):
    document = read_docx(
        written(session, "docx", period=(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))
    )
    paragraph = next(p.text for p in document.paragraphs if "处置台账" in p.text)
    assert "通过" not in paragraph and "盘活低效用地0亩" in paragraph
    assert len(document.inline_shapes) == 1  # the map alone


def test_a_period_that_ends_before_it_starts_is_refused(session):
    with pytest.raises(InvalidInput) as refused:
        written(session, "pdf", period=(AUG_31, JAN_1))
    assert "晚于" in refused.value.message


def test_the_default_template_is_a_word_document_with_the_fields(tmp_path):
    path = tmp_path / "template.docx"
    path.write_bytes(build_template("zh"))
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    for field in ("{{ cases }}", "{{ ledger_mu }}", "{{ routes }}", "{{ revitalized_mu }}"):
        assert field in text
    assert "{{ factory_wan_m2 }}万平方米" in text and "{{p annex }}" in text
    assert Path(path).stat().st_size > 0


def test_a_ledger_too_long_to_print_leaves_the_annex_to_a_note(session, monkeypatch, tmp_path):
    monkeypatch.setattr("landgis.reports.work_document.MAX_PRINTED_CASES", 5)
    document = read_docx(written(session, "docx"))
    texts = [p.text for p in document.paragraphs]
    assert any("台账超过 5 宗,不随报告附印" in t for t in texts)
    assert len(document.tables) == 3  # the figures; no annex table
    path = tmp_path / "work.pdf"
    path.write_bytes(written(session, "pdf"))
    text = unspaced("".join(pdf_pages(path)))
    assert "台账超过5宗,不随报告附印" in text and "填报单位" not in text


def counted_replays(monkeypatch) -> list[dt.date]:
    """The days whose ledger is read (rebuilt from the events) from now on, in order."""
    days: list[dt.date] = []
    read = ledger._states_of_day

    def counting(session, day):
        days.append(day)
        return read(session, day)

    monkeypatch.setattr(ledger, "_states_of_day", counting)
    return days


def test_shared_states_rebuild_each_past_ledger_once_and_hand_out_copies(session, monkeypatch):
    days = counted_replays(monkeypatch)
    with shared_states(session):
        first = states_as_of(session, AUG_31)
        first["status"] = "changed"
        again = states_as_of(session, AUG_31)
        earlier = states_as_of(session, JAN_1)
        with shared_states(session):  # nested: the same states
            states_as_of(session, AUG_31)
    alone = states_as_of(session, AUG_31)
    assert days == [AUG_31, JAN_1, AUG_31]
    pd.testing.assert_frame_equal(again, alone)
    assert "changed" not in set(again["status"]) and len(earlier) <= len(alone)


def test_the_report_rebuilds_its_ledger_once_and_reads_no_annex_it_leaves_out(
    session, monkeypatch, tmp_path
):
    days = counted_replays(monkeypatch)
    monkeypatch.setattr("landgis.reports.work_document.MAX_PRINTED_CASES", 5)

    def unread(*args, **kwargs):
        raise AssertionError("the annex's lines were read")

    monkeypatch.setattr("landgis.reports.work_document.printed_lines", unread)
    path = tmp_path / "work.pdf"
    path.write_bytes(written(session, "pdf"))
    assert days.count(AUG_31) == 1
    assert "台账超过5宗,不随报告附印" in unspaced("".join(pdf_pages(path)))
