"""The public idle-land list (闲置土地信息公开) as a PDF, on both backends, read back with
poppler's pdftotext and pdffonts: the title with the county and the date, every published
parcel, the published columns only, the header row and the page count on every page, the
CJK font embedded; in Chinese and in English."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from poppler import cjk_fonts, pdf_pages, unspaced

from landgis.disclosure import COLUMNS, DisclosureList, columns_of, disclosure_for
from landgis.io.exports.disclosure_pdf import disclosure_pdf, write_disclosure_pdf_file
from landgis.settings import Settings

TITLE = "青溪县闲置土地信息公开"


def _settings(**values) -> Settings:
    return Settings(database_url="sqlite://", **values)


def _written(tmp_path: Path, listed: DisclosureList, lang: str = "zh") -> Path:
    path = write_disclosure_pdf_file(listed, tmp_path / f"list-{lang}.pdf", lang)
    assert path.read_bytes().startswith(b"%PDF-")
    assert not list(tmp_path.glob(".*.part"))
    return path


def _unpublished_headers(listed: DisclosureList, lang: str) -> list[str]:
    """The headers of the columns the list does not publish, but those a published value
    holds (the route 调整土地用途、规划条件 holds 土地用途)."""
    published = {c.key for c in listed.columns}
    shown = "".join(unspaced(str(v)) for cells in listed.cells(lang) for v in cells)
    headers = [unspaced(c.header(lang)) for c in COLUMNS.values() if c.key not in published]
    return [h for h in headers if h not in shown]


def _header_row(page: str, first_row: str) -> str:
    """The text of the header row: between the line of the date and totals and the first
    row (序号 1 and its first cell)."""
    return page.split("亩", 1)[1].split(first_row, 1)[0]


def test_the_pdf_shows_the_title_every_published_parcel_and_only_the_published_columns(
    session, tmp_path
):
    listed = disclosure_for(session, _settings())
    assert listed.count == 11
    path = _written(tmp_path, listed)
    pages = [unspaced(p) for p in pdf_pages(path)]
    text = "".join(pages)
    assert pages[0].startswith(unspaced(TITLE))
    day = listed.as_of
    assert f"截至{day.year}年{day.month}月{day.day}日" in pages[0]
    assert f"共{listed.count}宗,面积{listed.total_mu:.2f}亩" in pages[0]
    for row in listed.rows:
        assert unspaced(row["location"]) in text, row["location"]
        assert row["parcel_code"] in text
        assert unspaced(row["holder"]) in text
    first_row = "1" + unspaced(listed.rows[0]["location"])
    assert _header_row(pages[0], first_row) == "序号" + "".join(map(unspaced, listed.headers()))
    unpublished = _unpublished_headers(listed, "zh")
    assert len(unpublished) >= 6
    for header in unpublished:
        assert header not in text, header
    assert f"合计:{listed.count}宗{listed.total_mu:.2f}" in text
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in page
    fonts = cjk_fonts(path)
    assert fonts and all(embedded for _name, embedded in fonts), fonts


def test_the_columns_and_statuses_are_the_settings(session, tmp_path):
    settings = _settings(
        disclosure_columns=["parcel_code", "area_mu"], disclosure_statuses=["identified"]
    )
    listed = disclosure_for(session, settings)
    everything = disclosure_for(session, _settings())
    assert 0 < listed.count < everything.count
    text = unspaced("".join(pdf_pages(_written(tmp_path, listed))))
    first_row = "1" + listed.rows[0]["parcel_code"]
    assert _header_row(text, first_row) == "序号宗地编号面积(亩)"
    for header in _unpublished_headers(listed, "zh"):
        assert header not in text, header
    shown = {row["parcel_code"] for row in listed.rows}
    for row in everything.rows:
        assert (row["parcel_code"] in text) == (row["parcel_code"] in shown)
        assert unspaced(row["holder"]) not in text
        assert unspaced(row["location"]) not in text


def test_the_pdf_in_english(session, tmp_path):
    listed = disclosure_for(session, _settings())
    pages = pdf_pages(_written(tmp_path, listed, "en"))
    first = pages[0]
    assert "Idle land in 青溪县: public list" in first
    assert f"As of {listed.as_of.isoformat()}" in first
    for header in ("Location", "Parcel code", "Land-use right holder", "Disposal route"):
        assert header in first
    assert "Buyback" in first and f"Page 1 of {len(pages)}" in first
    assert "已认定" not in first and "处置中" not in first and "序号" not in first


def test_a_long_list_repeats_its_header_row_and_counts_its_pages(tmp_path):
    columns = columns_of(["location", "parcel_code", "area_mu", "holder", "progress"])
    rows = tuple(
        {
            "location": f"青溪县城关镇纬{n}路{n}号",
            "parcel_code": f"51990100{n:04d}GB00001",
            "area_mu": 6666.67 + n,
            "holder": f"四川测试第{n}有限公司",
            "progress": "disposing",
        }
        for n in range(1, 81)
    )
    listed = DisclosureList(
        county="青溪县",
        as_of=dt.date(2026, 3, 1),
        columns=columns,
        rows=rows,
        total_m2=sum(r["area_mu"] for r in rows),
    )
    path = tmp_path / "long.pdf"
    path.write_bytes(disclosure_pdf(listed))
    pages = [unspaced(p) for p in pdf_pages(path)]
    assert len(pages) >= 3
    header = "序号宗地位置宗地编号面积(亩)土地使用权人处置进展"
    text = "".join(pages)
    for number, page in enumerate(pages, start=1):
        assert header in page, number
        assert f"第{number}页共{len(pages)}页" in page
        if number > 1:  # the running title, from the second page on
            assert unspaced(TITLE) in page
    assert all(r["parcel_code"] in text for r in rows)
    assert text.count(header) == len(pages)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_list_still_has_its_title_header_and_total(tmp_path, lang):
    empty = DisclosureList(
        county="青溪县",
        as_of=dt.date(2026, 3, 1),
        columns=columns_of(["parcel_code", "area_mu"]),
        rows=(),
        total_m2=0.0,
    )
    (page,) = pdf_pages(_written(tmp_path, empty, lang))
    if lang == "zh":
        assert "目前没有需要公开的闲置土地" in unspaced(page)
        assert "合计:0宗0.00" in unspaced(page)
    else:
        assert "Idle land in 青溪县: public list" in page and "Total: 0 cases" in page
