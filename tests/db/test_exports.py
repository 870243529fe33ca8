"""Ledger exports on both backends, read back with the tools users open them with:
openpyxl and LibreOffice for the workbook, pandas for CSV, GDAL (pyogrio) for GIS files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from libreoffice import converted as libreoffice_converted
from sqlalchemy import func, select, update

from landgis import vocab
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.errors import InvalidInput
from landgis.io.exports import (
    EXPORTERS,
    SHAPEFILE_FIELDS,
    ExportResult,
    export_ledger,
    get_exporter,
    shapefile_field_names,
)
from landgis.io.exports.ledger_workbook import MEDIA_TYPE as XLSX_MEDIA_TYPE
from landgis.io.exports.print_setup import PrintSetup
from landgis.io.exports.tabular import csv_column
from landgis.ledger import LEDGER_COLUMNS, ledger_rows
from landgis.ledger_rules.totals import area_total
from landgis.stats import headline_figures

JAN_1, MAR_31, AUG_31 = dt.date(2023, 1, 1), dt.date(2023, 3, 31), dt.date(2023, 8, 31)
HEADERS = [header for _, header in LEDGER_COLUMNS] + ["台账编号", "版本"]
COLUMN = {header: i for i, header in enumerate(HEADERS)}
MU_HEADERS = ["宗地面积(亩)", "闲置/低效面积(亩)", "盘活面积(亩)"]
M2_HEADERS = ["闲置厂房面积(㎡)", "盘活厂房面积(㎡)"]
AREA_HEADERS = MU_HEADERS + M2_HEADERS
# The stored m² each area column is summed from, and the unit it is shown in.
STORED = {
    "宗地面积(亩)": ("parcel_area_m2", "mu"),
    "闲置/低效面积(亩)": ("idle_area_m2", "mu"),
    "盘活面积(亩)": ("revitalized_area_m2", "mu"),
    "闲置厂房面积(㎡)": ("idle_building_area_m2", "m2"),
    "盘活厂房面积(㎡)": ("revitalized_building_area_m2", "m2"),
}
DATE_HEADERS = ["认定日期", "完成时限", "盘活日期", "销号日期"]
LABELLED = {
    "处置状态": vocab.CASE_STATUSES,
    "问题类型": vocab.CATEGORIES,
    "闲置原因": vocab.CAUSES,
    "处置方式": vocab.ROUTES,
    "供地方式": vocab.SUPPLY_METHODS,
}
OVERDUE_FILL = "FFFFC7CE"
# Demo parcels lie near 104.8°E: the 3-degree zone of 105°E, EPSG:4544.
DEMO_GK_EPSG = 4544


def workbook(result: ExportResult, *, data_only: bool = True) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(result.content), data_only=data_only)


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def split_ledger(rows: list[list]) -> tuple[list[list], list[list], list]:
    """Data rows (those with a case number), subtotal rows and the totals row."""
    body = rows[2:]
    data = [r for r in body if r[COLUMN["台账编号"]]]
    subtotals = [r for r in body if isinstance(r[0], str) and r[0].startswith("小计:")]
    totals = [r for r in body if isinstance(r[0], str) and r[0].startswith("合计:")]
    assert len(totals) == 1
    return data, subtotals, totals[0]


def rule_total(rows: pd.DataFrame, header: str) -> float:
    """The totals' rule on the ledger rows' stored m² of the column ``header``."""
    source, unit = STORED[header]
    return area_total(float(rows[source].fillna(0.0).sum()), unit)


def events_up_to(session, day: dt.date, case_nos) -> int:
    stmt = (
        select(func.count())
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.occurred_on <= day, Case.case_no.in_(list(case_nos)))
    )
    return session.scalar(stmt)


def write(tmp_path: Path, result: ExportResult) -> Path:
    path = tmp_path / result.ascii_filename
    path.write_bytes(result.content)
    return path


def dbf_field_names(dbf: bytes, encoding: str) -> list[str]:
    """Field names straight from the dBase header (32-byte descriptors after the header)."""
    header_length = int.from_bytes(dbf[8:10], "little")
    names = []
    for offset in range(32, header_length - 1, 32):
        if dbf[offset] == 0x0D:
            break
        names.append(dbf[offset : offset + 11].split(b"\0", 1)[0])
    for raw in names:
        assert len(raw) <= 10, raw
    return [raw.decode(encoding) for raw in names]


def unzip(result: ExportResult, tmp_path: Path) -> Path:
    folder = tmp_path / "shp"
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        archive.extractall(folder)
    return folder


# --- the workbook -----------------------------------------------------------------------


def test_workbook_ledger_sheet_has_title_headers_rows_and_formats(session):
    result = export_ledger(session, "xlsx", as_of=AUG_31)
    expected = ledger_rows(session, AUG_31)

    assert result.filename == "台账_青溪县_2023-08-31.xlsx"
    assert result.ascii_filename == "ledger_2023-08-31.xlsx"
    assert result.media_type == XLSX_MEDIA_TYPE
    assert result.rows == 13
    book = workbook(result)
    assert book.sheetnames == ["台账", "核心数据", "处置记录", "打印"]
    sheet = book["台账"]
    assert sheet["A1"].value == "青溪县低效闲置工业用地处置台账(截至2023年8月31日)"
    assert [c.value for c in sheet[2]] == HEADERS
    assert sheet.freeze_panes == "C3"

    data, _subtotals, _totals = split_ledger(sheet_rows(sheet))
    assert len(data) == 13
    assert [r[COLUMN["序号"]] for r in data] == list(range(1, 14))
    assert [r[COLUMN["台账编号"]] for r in data] == list(expected["case_no"])
    assert [r[COLUMN["版本"]] for r in data] == list(expected["version"])
    assert [r[COLUMN["闲置/低效面积(亩)"]] for r in data] == pytest.approx(
        list(expected["idle_area_mu"]), abs=0.005
    )
    assert [r[COLUMN["统一社会信用代码"]] for r in data] == list(expected["credit_code"])
    for header, labels in LABELLED.items():
        values = {r[COLUMN[header]] for r in data} - {None}
        assert values and values <= set(labels.values()), header

    dates = 0
    for row in sheet.iter_rows(min_row=3):
        if not row[COLUMN["台账编号"]].value:
            continue
        for header in AREA_HEADERS:
            cell = row[COLUMN[header]]
            assert isinstance(cell.value, int | float), (header, cell.value)
            assert cell.number_format == "0.00"
        for header in DATE_HEADERS:
            cell = row[COLUMN[header]]
            if cell.value is not None:
                assert isinstance(cell.value, dt.datetime), (header, cell.value)
                assert cell.number_format == "yyyy-mm-dd"
                dates += 1
    assert dates >= 13


def test_workbook_subtotals_by_zone_and_totals_equal_the_rows(session):
    result = export_ledger(session, "xlsx", as_of=AUG_31)
    rows = sheet_rows(workbook(result)["台账"])
    data, subtotals, totals = split_ledger(rows)

    expected = ledger_rows(session, AUG_31)
    zones = list(dict.fromkeys(r[COLUMN["所在园区"]] for r in data))
    assert len(subtotals) == len(zones) == 3
    position = 0
    for zone, subtotal in zip(zones, subtotals, strict=True):
        members = [r for r in data if r[COLUMN["所在园区"]] == zone]
        assert subtotal[0] == f"小计:{zone} {len(members)} 宗"
        # the zone's rows come right before its subtotal row
        assert data[position : position + len(members)] == members
        position += len(members)
        stored = expected[expected["zone_name"] == zone]
        for header in AREA_HEADERS:
            # the rule's total of the stored m², not a sum of rounded cells
            assert subtotal[COLUMN[header]] == rule_total(stored, header), (zone, header)
            assert subtotal[COLUMN[header]] == pytest.approx(
                sum(r[COLUMN[header]] for r in members), abs=0.005
            ), (zone, header)
    assert totals[0] == "合计:13 宗"
    for header in AREA_HEADERS:
        assert totals[COLUMN[header]] == rule_total(expected, header), header
    assert totals[COLUMN["闲置/低效面积(亩)"]] == pytest.approx(539, abs=0.5)
    assert totals[COLUMN["盘活面积(亩)"]] == pytest.approx(120, abs=0.5)

    formulas = sheet_rows(workbook(result, data_only=False)["台账"])
    _data, formula_subtotals, formula_totals = split_ledger(formulas)
    for row in [*formula_subtotals, formula_totals]:
        for header in AREA_HEADERS:
            formula = str(row[COLUMN[header]])
            assert formula.startswith("=ROUND(SUBTOTAL(9,") and formula.endswith(",2)"), formula


def test_workbook_highlights_overdue_rows(session):
    expected = ledger_rows(session, AUG_31)
    late = set(expected.loc[expected["overdue"], "case_no"])
    assert late, "the demo ledger has an overdue case on 31 August"
    sheet = workbook(export_ledger(session, "xlsx", as_of=AUG_31))["台账"]
    for row in sheet.iter_rows(min_row=3):
        case_no = row[COLUMN["台账编号"]].value
        if not case_no:
            continue
        fills = {cell.fill.fgColor.rgb for cell in row[: COLUMN["备注"] + 1]}
        if case_no in late:
            assert fills == {OVERDUE_FILL}, case_no
        else:
            assert OVERDUE_FILL not in fills, case_no


def test_a_ledger_past_the_detail_limit_leaves_out_the_events_and_print_sheets(session):
    """A province's ledger is written as its 台账 sheet: above the setting's number of rows
    the 处置记录 and 打印 sheets are left out, and the notes below the ledger say so."""
    full = workbook(export_ledger(session, "xlsx", as_of=AUG_31))
    assert full.sheetnames == ["台账", "核心数据", "处置记录", "打印"]
    setup = PrintSetup(workbook_detail_max_rows=12)
    result = export_ledger(session, "xlsx", as_of=AUG_31, print_setup=setup)
    assert result.rows == 13
    book = workbook(result)
    assert book.sheetnames == ["台账", "核心数据"]
    notes = [row[0].value for row in book["台账"].iter_rows() if row[0].value]
    assert any("台账共 13 条,多于 12 条" in str(note) for note in notes)
    assert not any("打印请用" in str(note) for note in notes)
    assert sheet_rows(book["台账"])[2:15] == sheet_rows(full["台账"])[2:15]

    exact = workbook(
        export_ledger(
            session, "xlsx", as_of=AUG_31, print_setup=PrintSetup(workbook_detail_max_rows=13)
        )
    )
    assert exact.sheetnames == ["台账", "核心数据", "处置记录", "打印"]


def test_workbook_figures_sheet_reproduces_the_period(session):
    result = export_ledger(session, "xlsx", as_of=AUG_31)
    sheet = workbook(result)["核心数据"]
    values = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r[0]}
    figures = headline_figures(session, date_from=JAN_1, date_to=AUG_31)

    assert "2023年1月1日至2023年8月31日" in sheet["A1"].value
    assert values["台账宗数"] == 13 == figures["cases"]
    assert values["台账闲置/低效面积"] == pytest.approx(539, abs=0.5)
    assert values["台账闲置/低效面积"] == figures["ledger_area_mu"]
    assert values["期间盘活面积"] == pytest.approx(120, abs=0.5)
    assert values["期间盘活面积"] == figures["revitalized_area_mu"]
    assert values["逾期宗数"] == figures["overdue_cases"]
    for route in figures["revitalized_by_route"]:
        assert vocab.ROUTES[route] in values

    later = workbook(export_ledger(session, "xlsx", as_of=AUG_31, period_from="2023-05-01"))
    later_values = {r[0]: r[1] for r in later["核心数据"].iter_rows(values_only=True) if r[0]}
    assert 0 < later_values["期间盘活面积"] < values["期间盘活面积"]
    assert later_values["台账宗数"] == 13


def test_workbook_events_sheet_lists_every_event_up_to_the_date(session):
    counts = {}
    for day in (AUG_31, MAR_31):
        sheet = workbook(export_ledger(session, "xlsx", as_of=day))["处置记录"]
        rows = sheet_rows(sheet)
        header = rows[0]
        assert header[:7] == ["台账编号", "宗地编号", "日期", "经办人", "操作", "原状态", "新状态"]
        assert "变更内容" in header and "文号" in header and "备注" in header
        events = rows[1:]
        case_nos = set(ledger_rows(session, day)["case_no"])
        all_events = session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.occurred_on <= day)
        )
        assert len(events) == events_up_to(session, day, case_nos) == all_events
        assert {r[0] for r in events} == case_nos
        assert all(isinstance(r[2], dt.datetime) and r[2].date() <= day for r in events)
        statuses = {r[6] for r in events} - {None}
        assert statuses <= set(vocab.CASE_STATUSES.values())
        assert any(r[7] and "→" in r[7] for r in events)
        counts[day] = len(events)
    assert counts[MAR_31] < counts[AUG_31]


def test_libreoffice_reads_the_same_rows_and_totals(session, tmp_path):
    result = export_ledger(session, "xlsx", as_of=AUG_31)
    # UTF-8 (76), comma-separated, cells as shown: the first sheet, the 台账; the subtotals
    # and totals are LibreOffice's own results, not the values cached in the file.
    converted = libreoffice_converted(
        write(tmp_path, result), tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76,1", "csv"
    )
    with converted.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))

    assert rows[0][0] == "青溪县低效闲置工业用地处置台账(截至2023年8月31日)"
    assert rows[1][: len(HEADERS)] == HEADERS
    data, subtotals, totals = split_ledger(rows)
    expected = ledger_rows(session, AUG_31)
    assert [r[COLUMN["台账编号"]] for r in data] == list(expected["case_no"])
    assert [float(r[COLUMN["闲置/低效面积(亩)"]]) for r in data] == pytest.approx(
        list(expected["idle_area_mu"]), abs=0.005
    )
    assert all(r[COLUMN["宗地面积(亩)"]].count(".") == 1 for r in data)  # shown as 0.00
    assert {r[COLUMN["认定日期"]] for r in data} - {""} <= {
        d.isoformat() for d in expected["identified_on"] if d is not None
    }
    assert len(subtotals) == 3
    assert totals[0] == "合计:13 宗"
    # LibreOffice's own ROUND(SUBTOTAL(…)) shows the rule's digits, not a sum of rounded cells
    for header in AREA_HEADERS:
        assert totals[COLUMN[header]] == f"{rule_total(expected, header):.2f}", header
    for subtotal in subtotals:
        zone = subtotal[0].removeprefix("小计:").rsplit(" ", 2)[0]
        stored = expected[expected["zone_name"] == zone]
        for header in AREA_HEADERS:
            assert subtotal[COLUMN[header]] == f"{rule_total(stored, header):.2f}", zone


# --- CSV --------------------------------------------------------------------------------

FORMULAS = (
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\tleading tab",
    "\rleading carriage return",
)


def test_csv_text_that_would_run_as_a_formula_is_shown_as_text(session, tmp_path):
    cases = session.execute(select(Case.case_no, Case.parcel_id).order_by(Case.case_no)).all()
    holders = dict(zip([c.case_no for c in cases], FORMULAS, strict=False))
    for (_, parcel_id), text in zip(cases, FORMULAS, strict=False):
        session.execute(update(Parcel).where(Parcel.id == parcel_id).values(holder=text))
    session.flush()
    result = export_ledger(session, "csv", as_of=AUG_31)

    # Python's csv module: each such cell starts with an apostrophe, the rest as typed.
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"), newline="")))
    by_case = {r[COLUMN["台账编号"]]: r for r in rows[1:]}
    for case_no, text in holders.items():
        assert by_case[case_no][COLUMN["土地使用权人"]] == "'" + text, case_no
    areas = [by_case[c][COLUMN["宗地面积(亩)"]] for c in holders]
    assert all(float(a) > 0 for a in areas)  # numbers stay numbers (no apostrophe)

    # LibreOffice opens the CSV as a spreadsheet program does: no cell is a formula.
    source = write(tmp_path, result)
    converted = libreoffice_converted(source, tmp_path, "xlsx", "xlsx", "--infilter=CSV:44,34,76,1")
    sheet = openpyxl.load_workbook(converted).active  # formulas as written, not their values
    cells = list(sheet.iter_rows(min_row=2))
    assert not [c.coordinate for row in cells for c in row if c.data_type == "f"]
    shown = {row[COLUMN["台账编号"]].value: row for row in cells}
    for case_no, text in holders.items():
        cell = shown[case_no][COLUMN["土地使用权人"]]
        assert cell.data_type == "s", case_no
        assert cell.value.startswith("'") and cell.value[1:].strip() == text.strip(), case_no
    assert all(shown[c][COLUMN["宗地面积(亩)"]].data_type == "n" for c in holders)


def test_csv_numbers_are_never_prefixed_even_when_negative():
    numbers = csv_column(pd.Series([-1.5, 2.0, None]), "mu")
    assert numbers.tolist() == ["-1.50", "2.00", ""]
    texts = csv_column(pd.Series(["-1.5", "=1+1", "普通文字", None], dtype=object), "text")
    assert texts.tolist() == ["'-1.5", "'=1+1", "普通文字", ""]


def test_csv_has_a_bom_the_workbook_columns_and_round_trips(session):
    result = export_ledger(session, "csv", as_of=AUG_31)
    assert result.content.startswith(b"\xef\xbb\xbf")
    assert result.media_type.startswith("text/csv")
    assert result.filename == "台账_青溪县_2023-08-31.csv"

    frame = pd.read_csv(io.BytesIO(result.content), encoding="utf-8-sig", dtype=str)
    expected = ledger_rows(session, AUG_31)
    assert list(frame.columns) == HEADERS
    assert len(frame) == 13  # no title, subtotal or totals rows
    assert list(frame["台账编号"]) == list(expected["case_no"])
    assert list(frame["统一社会信用代码"]) == list(expected["credit_code"])
    assert list(frame["电子监管号"]) == list(expected["supervision_no"])
    assert pd.to_numeric(frame["闲置/低效面积(亩)"]).tolist() == pytest.approx(
        list(expected["idle_area_mu"]), abs=0.005
    )
    assert all(v.count(".") == 1 and len(v.split(".")[1]) == 2 for v in frame["宗地面积(亩)"])
    assert set(frame["处置状态"]) <= set(vocab.CASE_STATUSES.values())
    assert pd.to_datetime(frame["认定日期"].dropna(), format="%Y-%m-%d").notna().all()

    book_rows = split_ledger(
        sheet_rows(workbook(export_ledger(session, "xlsx", as_of=AUG_31))["台账"])
    )[0]
    assert [r[COLUMN["土地使用权人"]] for r in book_rows] == list(frame["土地使用权人"])


# --- GIS files --------------------------------------------------------------------------


def test_geojson_is_rfc7946_lon_lat_with_chinese_properties(session, tmp_path):
    result = export_ledger(session, "geojson", as_of=AUG_31)
    assert result.media_type == "application/geo+json"
    collection = json.loads(result.content)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert len(collection["features"]) == 13
    first = collection["features"][0]
    lon, lat = first["geometry"]["coordinates"][0][0][0]
    assert 104 < lon < 106 and 29 < lat < 31  # longitude first
    assert first["id"] == first["properties"]["宗地编号"]
    assert first["properties"]["处置状态"] in vocab.CASE_STATUSES.values()

    frame = pyogrio.read_dataframe(write(tmp_path, result))
    expected = ledger_rows(session, AUG_31)
    assert frame.crs.to_epsg() == 4326  # RFC 7946: WGS 84 lon/lat (CGCS2000 agrees to cm)
    assert len(frame) == 13
    assert list(frame["台账编号"]) == list(expected["case_no"])
    assert list(frame["土地使用权人"]) == list(expected["holder"])
    assert frame.geometry.notna().all()


def test_geopackage_in_cgcs2000_or_a_gk_zone(session, tmp_path):
    result = export_ledger(session, "gpkg", as_of=AUG_31)
    path = write(tmp_path, result)
    assert [layer[0] for layer in pyogrio.list_layers(path)] == ["ledger"]
    frame = pyogrio.read_dataframe(path)
    expected = ledger_rows(session, AUG_31)
    assert frame.crs.to_epsg() == 4490
    assert len(frame) == 13
    assert list(frame["土地使用权人"]) == list(expected["holder"])
    assert set(frame["处置状态"]) <= set(vocab.CASE_STATUSES.values())

    projected = export_ledger(session, "gpkg", as_of=AUG_31, epsg=DEMO_GK_EPSG)
    path = tmp_path / "gk.gpkg"
    path.write_bytes(projected.content)
    frame = pyogrio.read_dataframe(path)
    assert frame.crs.to_epsg() == DEMO_GK_EPSG
    # planar area in the parcel's own zone is the stored parcel area (DOMAIN section 4)
    areas_mu = frame.geometry.area * 3 / 2000
    assert areas_mu.tolist() == pytest.approx(frame["宗地面积(亩)"].tolist(), abs=0.006)


def test_geopackages_are_version_1_2(session, tmp_path):
    for scope in ("ledger", "parcels"):
        path = tmp_path / f"{scope}.gpkg"
        path.write_bytes(export_ledger(session, "gpkg", as_of=AUG_31, scope=scope).content)
        with sqlite3.connect(path) as db:
            application_id = db.execute("PRAGMA application_id").fetchone()[0]
            user_version = db.execute("PRAGMA user_version").fetchone()[0]
        assert application_id.to_bytes(4, "big") == b"GPKG" and user_version == 10200
        assert len(pyogrio.read_dataframe(path)) == (13 if scope == "ledger" else 90)


def test_shapefile_zip_utf8_with_cpg_prj_and_field_mapping(session, tmp_path):
    result = export_ledger(session, "shapefile", as_of=AUG_31)
    assert result.filename == "台账_青溪县_2023-08-31.shp.zip"
    assert result.media_type == "application/zip"
    folder = unzip(result, tmp_path)
    names = {p.name for p in folder.iterdir()}
    assert {"ledger.shp", "ledger.shx", "ledger.dbf", "ledger.prj", "ledger.cpg"} <= names
    assert {"fields.txt", "README.txt"} <= names
    assert (folder / "ledger.cpg").read_text().strip() == "UTF-8"
    assert "China_Geodetic_Coordinate_System_2000" in (folder / "ledger.prj").read_text()

    fields = dbf_field_names((folder / "ledger.dbf").read_bytes(), "utf-8")
    assert fields == list(SHAPEFILE_FIELDS.values())
    mapping = (folder / "fields.txt").read_text(encoding="utf-8-sig").splitlines()
    pairs = dict(line.split("\t")[:2] for line in mapping[1:])
    assert pairs["TDSYQR"] == "土地使用权人" and pairs["TZBH"] == "台账编号"
    assert set(pairs) == set(fields)

    frame = pyogrio.read_dataframe(folder / "ledger.shp")
    expected = ledger_rows(session, AUG_31)
    assert frame.crs.to_epsg() == 4490
    assert len(frame) == 13
    assert list(frame["TDSYQR"]) == list(expected["holder"])
    assert list(frame["TZBH"]) == list(expected["case_no"])
    assert set(frame["CZZT"]) <= set(vocab.CASE_STATUSES.values())
    assert frame["XZMJ_MU"].tolist() == pytest.approx(list(expected["idle_area_mu"]), abs=0.005)


def test_shapefile_zip_gbk_with_chinese_field_names_in_a_gk_zone(session, tmp_path):
    result = export_ledger(
        session, "shp", as_of=AUG_31, encoding="gbk", field_names="chinese", epsg=DEMO_GK_EPSG
    )
    folder = unzip(result, tmp_path)
    expected = ledger_rows(session, AUG_31)
    assert (folder / "ledger.cpg").read_text().strip() == "936"
    dbf = (folder / "ledger.dbf").read_bytes()
    assert dbf[29] == 0x4D  # language driver: GBK (code page 936)
    holder = expected["holder"].iloc[0]
    assert holder.encode("gbk") in dbf and holder.encode("utf-8") not in dbf
    fields = dbf_field_names(dbf, "gbk")
    assert fields == list(shapefile_field_names("gbk", "chinese").values())
    assert {"使用权人", "所在园区", "电子监管号", "台账编号"} <= set(fields)
    prj = (folder / "ledger.prj").read_text()
    assert "Gauss_Kruger" in prj and "105" in prj

    frame = pyogrio.read_dataframe(folder / "ledger.shp")  # decoded as the .cpg says
    assert frame.crs.to_epsg() == DEMO_GK_EPSG
    assert len(frame) == 13
    assert list(frame["使用权人"]) == list(expected["holder"])
    assert list(frame["所在园区"]) == list(expected["zone_name"])
    assert frame.geometry.bounds["minx"].between(400_000, 600_000).all()  # no zone prefix
    readme = (folder / "README.txt").read_text(encoding="utf-8-sig")
    assert f"EPSG:{DEMO_GK_EPSG}" in readme and "GBK" in readme

    auto = unzip(export_ledger(session, "shapefile", as_of=AUG_31, epsg="auto"), tmp_path / "a")
    assert pyogrio.read_info(auto / "ledger.shp")["crs"] == f"EPSG:{DEMO_GK_EPSG}"


DEMO_GK_PREFIXED_EPSG = 4523  # the demo's zone (35, 105°E) with the zone number in X


def test_gis_exports_into_a_zone_prefixed_gk_system(session, tmp_path):
    plain = pyogrio.read_dataframe(
        write(tmp_path, export_ledger(session, "gpkg", as_of=AUG_31, epsg=DEMO_GK_EPSG))
    )
    gpkg = tmp_path / "prefixed.gpkg"
    gpkg.write_bytes(
        export_ledger(session, "gpkg", as_of=AUG_31, epsg=f"EPSG:{DEMO_GK_PREFIXED_EPSG}").content
    )
    shp = unzip(
        export_ledger(session, "shp", as_of=AUG_31, epsg=DEMO_GK_PREFIXED_EPSG), tmp_path / "s"
    )
    for path in (gpkg, shp / "ledger.shp"):
        frame = pyogrio.read_dataframe(path)
        assert frame.crs.to_epsg() == DEMO_GK_PREFIXED_EPSG
        assert len(frame) == 13
        bounds = frame.geometry.bounds
        assert bounds["minx"].between(35_400_000, 35_600_000).all()  # zone 35 in front
        assert (bounds["minx"] - plain.geometry.bounds["minx"]).tolist() == pytest.approx(
            [35_000_000] * 13, abs=0.01
        )
        assert bounds["miny"].tolist() == pytest.approx(
            plain.geometry.bounds["miny"].tolist(), abs=0.01
        )
    geographic = gpd.read_file(write(tmp_path, export_ledger(session, "gpkg", as_of=AUG_31)))
    back = gpd.read_file(gpkg).to_crs(4490)
    assert back.total_bounds == pytest.approx(geographic.total_bounds, abs=1e-7)
    readme = (shp / "README.txt").read_text(encoding="utf-8-sig")
    assert f"EPSG:{DEMO_GK_PREFIXED_EPSG}" in readme


def test_shapefile_text_is_cut_to_254_bytes_and_unencodable_characters_reported(session, tmp_path):
    case = session.scalars(select(Case).order_by(Case.case_no)).first()
    case.remarks = "😀" + "闲置土地处置进展说明" * 20  # 201 characters; the emoji is not in GBK
    session.flush()
    result = export_ledger(session, "shapefile", encoding="gbk")
    folder = unzip(result, tmp_path)
    frame = pyogrio.read_dataframe(folder / "ledger.shp")
    remark = frame.loc[frame["TZBH"] == case.case_no, "BZ"].iloc[0]
    assert remark.startswith("?闲置土地处置进展说明")
    assert len(remark.encode("gbk")) <= 254 and len(remark) < len(case.remarks)
    assert "1 个文本值" in (folder / "README.txt").read_text(encoding="utf-8-sig")

    utf8 = unzip(export_ledger(session, "shapefile"), tmp_path / "utf8")
    frame = pyogrio.read_dataframe(utf8 / "ledger.shp")
    remark = frame.loc[frame["TZBH"] == case.case_no, "BZ"].iloc[0]
    assert remark.startswith("😀闲置") and len(remark.encode("utf-8")) <= 254


def test_shapefile_field_names_fit_ten_bytes_in_each_encoding():
    for encoding in ("utf-8", "gbk"):
        for style in ("short", "chinese"):
            names = shapefile_field_names(encoding, style)
            assert all(len(n.encode(encoding)) <= 10 for n in names.values()), (encoding, style)
            assert len({n.upper() for n in names.values()}) == len(names), (encoding, style)
    assert shapefile_field_names("gbk", "chinese")["supervision_no"] == "电子监管号"  # 10 bytes
    assert len(shapefile_field_names("utf-8", "chinese")["supervision_no"]) == 3


def test_kml_names_parcels_and_summarizes_cases(session, tmp_path):
    result = export_ledger(session, "kml", as_of=AUG_31)
    assert result.media_type == "application/vnd.google-earth.kml+xml"
    expected = ledger_rows(session, AUG_31)
    root = ET.fromstring(result.content)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = root.findall(".//k:Placemark", ns)
    assert len(placemarks) == 13
    assert [p.findtext("k:name", namespaces=ns) for p in placemarks] == list(
        expected["parcel_code"]
    )
    description = placemarks[0].findtext("k:description", namespaces=ns)
    assert expected["case_no"].iloc[0] in description
    assert vocab.CASE_STATUSES[expected["status"].iloc[0]] in description
    lon, lat = placemarks[0].findtext(".//k:coordinates", namespaces=ns).split()[0].split(",")[:2]
    assert 104 < float(lon) < 106 and 29 < float(lat) < 31

    frame = pyogrio.read_dataframe(write(tmp_path, result))
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == 13
    assert list(frame["土地使用权人"]) == list(expected["holder"])


def test_gis_exports_can_hold_every_parcel(session, tmp_path):
    from landgis.parcels import ParcelFilter, parcels_frame

    every = len(parcels_frame(session))
    ledger = json.loads(export_ledger(session, "geojson", as_of=AUG_31).content)
    parcels = json.loads(export_ledger(session, "geojson", as_of=AUG_31, scope="parcels").content)
    with_case = [f for f in parcels["features"] if f["properties"]["台账编号"]]
    assert len(parcels["features"]) == every > len(ledger["features"]) == len(with_case) == 13
    assert all(f["properties"]["宗地编号"] and f["geometry"] for f in parcels["features"])
    assert all(f["properties"]["项目名称"] for f in parcels["features"])

    outside = export_ledger(
        session, "gpkg", as_of=AUG_31, scope="parcels", filters=ParcelFilter(in_ledger=False)
    )
    frame = pyogrio.read_dataframe(write(tmp_path, outside))
    assert len(frame) == every - 13
    assert frame["台账编号"].isna().all() and frame["宗地面积(亩)"].notna().all()
    assert [layer[0] for layer in pyogrio.list_layers(tmp_path / outside.ascii_filename)] == [
        "parcels"
    ]


def test_gis_files_keep_numbers_and_integers_typed(session, tmp_path):
    info = pyogrio.read_info(write(tmp_path, export_ledger(session, "gpkg", as_of=AUG_31)))
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["序号"] == types["版本"] == "int64"
    assert types["宗地面积(亩)"] == types["盘活厂房面积(㎡)"] == "float64"
    shp = unzip(export_ledger(session, "shapefile", as_of=AUG_31), tmp_path)
    info = pyogrio.read_info(shp / "ledger.shp")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["XH"].startswith("int") and types["XZMJ_MU"] == "float64"


def test_an_empty_ledger_exports_in_every_format(databases, tmp_path):
    from landgis.db.migrate import upgrade
    from landgis.db.session import transaction

    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        results = {fmt: export_ledger(session, fmt, as_of=AUG_31) for fmt in EXPORTERS}
    assert all(r.rows == 0 and r.content for r in results.values())
    rows = sheet_rows(workbook(results["xlsx"])["台账"])
    assert rows[1] == HEADERS and split_ledger(rows)[2][0] == "合计:0 宗"
    assert results["csv"].content.decode("utf-8-sig").splitlines() == [",".join(HEADERS)]
    assert json.loads(results["geojson"].content)["features"] == []
    assert len(pyogrio.read_dataframe(write(tmp_path, results["gpkg"]))) == 0
    assert len(pyogrio.read_dataframe(unzip(results["shapefile"], tmp_path) / "ledger.shp")) == 0
    assert b"<Placemark" not in results["kml"].content


# --- filters, dates, options ------------------------------------------------------------


def test_filters_narrow_every_format(session):
    from landgis.parcels import ParcelFilter

    disposing = ParcelFilter(status=("disposing",), limit=1, offset=5)  # paging is ignored
    expected = ledger_rows(session, AUG_31)
    count = int((expected["status"] == "disposing").sum())
    assert 0 < count < 13

    frame = pd.read_csv(
        io.BytesIO(export_ledger(session, "csv", as_of=AUG_31, filters=disposing).content),
        encoding="utf-8-sig",
        dtype=str,
    )
    assert len(frame) == count and set(frame["处置状态"]) == {"处置中"}
    assert list(frame["序号"]) == [str(i) for i in range(1, count + 1)]

    book = workbook(export_ledger(session, "xlsx", as_of=AUG_31, filters=disposing))
    data, _subtotals, totals = split_ledger(sheet_rows(book["台账"]))
    assert len(data) == count and totals[0] == f"合计:{count} 宗"
    assert "筛选条件:处置状态:处置中" in [r[0] for r in sheet_rows(book["台账"])]

    geo = json.loads(export_ledger(session, "geojson", as_of=AUG_31, filters=disposing).content)
    assert len(geo["features"]) == count
    zone = expected["zone_code"].iloc[0]
    in_zone = export_ledger(session, "csv", as_of=AUG_31, filters=ParcelFilter(zone=(zone,)))
    assert in_zone.rows == int((expected["zone_code"] == zone).sum())


def test_an_earlier_date_gives_the_ledger_as_it_stood(session):
    def revitalized(day: dt.date) -> tuple[int, float]:
        frame = pd.read_csv(
            io.BytesIO(export_ledger(session, "csv", as_of=day).content),
            encoding="utf-8-sig",
            dtype=str,
        )
        done = frame["处置状态"].isin(["已盘活", "已销号"])
        return int(done.sum()), float(pd.to_numeric(frame["盘活面积(亩)"]).sum())

    march_cases, march_area = revitalized(MAR_31)
    august_cases, august_area = revitalized(AUG_31)
    assert march_cases < august_cases
    assert march_area < august_area == pytest.approx(120, abs=0.5)

    march = workbook(export_ledger(session, "xlsx", as_of=MAR_31))
    assert march["台账"]["A1"].value.endswith("(截至2023年3月31日)")
    values = {r[0]: r[1] for r in march["核心数据"].iter_rows(values_only=True) if r[0]}
    assert values["期间盘活面积"] < 120
    assert (
        values["期间盘活面积"]
        == headline_figures(session, date_from=JAN_1, date_to=MAR_31)["revitalized_area_mu"]
    )


def test_export_to_a_file_path(session, tmp_path):
    target = tmp_path / "台账.xlsx"
    result = export_ledger(session, "xlsx", as_of=AUG_31, out=target)
    assert result.content is None and result.path == target
    assert openpyxl.load_workbook(target)["台账"]["A1"].value.startswith("青溪县")
    assert [p.name for p in tmp_path.iterdir()] == ["台账.xlsx"]
    disposition = result.content_disposition
    assert 'filename="ledger_2023-08-31.xlsx"' in disposition
    assert "filename*=UTF-8''%E5%8F%B0%E8%B4%A6_" in disposition


@pytest.mark.parametrize(
    ("fmt", "options", "message"),
    [
        ("docx", {}, "Unknown export format"),
        ("pdf", {"paper": "letter"}, "A3, A4"),
        ("pdf", {"epsg": 4544}, "no option epsg"),
        ("shapefile", {"epsg": 4512}, "4513"),
        ("gpkg", {"epsg": 4555}, "4534"),
        ("shapefile", {"epsg": 3857}, "4534"),
        ("gpkg", {"epsg": "cgcs"}, "4534"),
        ("shapefile", {"encoding": "latin-1"}, "utf-8 or gbk"),
        ("shapefile", {"field_names": "long"}, "field_names"),
        ("geojson", {"epsg": 4544}, "no option epsg"),
        ("csv", {"encoding": "gbk"}, "no option encoding"),
        ("kml", {"scope": "world"}, "scope"),
        ("xlsx", {"period_from": "2023-13-01"}, "period_from"),
        ("xlsx", {"period_from": "2023-09-01"}, "after the ledger date"),
    ],
)
def test_bad_options_are_refused_in_both_languages(session, fmt, options, message):
    with pytest.raises(InvalidInput, match=message) as caught:
        export_ledger(session, fmt, as_of=AUG_31, **options)
    error = caught.value
    assert error.message != error.message_en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message)


def test_the_registry_names_each_format_once():
    assert set(EXPORTERS) == {"xlsx", "csv", "geojson", "gpkg", "shapefile", "kml", "pdf"}
    for name, exporter in EXPORTERS.items():
        assert exporter.name == name and exporter.media_type and exporter.extension
        assert get_exporter(name) is exporter
        assert get_exporter(f".{exporter.extension.upper()}") is exporter
