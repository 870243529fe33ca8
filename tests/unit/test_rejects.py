"""The rows an import refused, written to a workbook and a GeoPackage a clerk fixes and
imports again, read back with openpyxl and pyogrio; and kept for download for a day."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from pathlib import Path

import openpyxl
import pyogrio
import pytest
import shapely
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, Point, Polygon

from landgis.errors import InvalidInput, NotFound
from landgis.i18n import _
from landgis.imports.rejects import REJECT_COLUMNS, RejectedRow, RejectsFiles, write_rejects
from landgis.imports.rejects_store import (
    REJECTS_HOURS,
    STEM_MAX,
    keep_rejects,
    kept_rejects,
    rejects_filename,
)
from landgis.io.fields import plan_columns
from landgis.io.validate import geometry_type_name

CRS = "EPSG:4547"  # CGCS2000 3-degree Gauss-Kruger, central meridian 114°E
COLUMNS = ["宗地编号", "项目名称", "面积(亩)", "签订日期", "动工时间", "户数", "备注", "fid"]
SQUARE = Polygon([(500000, 3400000), (500100, 3400000), (500100, 3400100), (500000, 3400100)])
TWO_SQUARES = MultiPolygon([SQUARE, shapely.affinity.translate(SQUARE, 300, 300)])
FORMULA = '=HYPERLINK("http://example.invalid","点此")'


def _rows() -> list[RejectedRow]:
    missing = _("缺少宗地编号")
    not_polygon = _("图形类型为 {geometry_type},不是面", geometry_type=geometry_type_name("Point"))
    return [
        RejectedRow(
            row=2,
            parcel_code="GY-001",
            problems=(not_polygon,),
            attributes={
                "宗地编号": "GY-001",
                "项目名称": "城东机械厂",
                "面积(亩)": 12.5,
                "签订日期": dt.date(2020, 5, 1),
                "动工时间": dt.datetime(2021, 3, 4, 10, 30),
                "户数": 3,
                "备注": FORMULA,
                "fid": 7,
                "退回原因": "上一轮的退回原因",
            },
            geometry=SQUARE,
        ),
        RejectedRow(
            row=3,
            parcel_code=None,
            problems=(missing, not_polygon),
            attributes={
                "宗地编号": None,
                "项目名称": "无图形的地块",
                "面积(亩)": None,
                "签订日期": "2020-13-01",
                "户数": 123456789012345678,
                "备注": "-12",
                "fid": 8,
            },
            geometry=None,
        ),
        RejectedRow(
            row=5,
            parcel_code="GY-003",
            problems=(missing,),
            attributes={"宗地编号": "GY-003", "面积(亩)": 8, "备注": "@sum(A1)", "fid": 9},
            geometry=TWO_SQUARES,
        ),
    ]


@pytest.fixture
def written(tmp_path: Path) -> RejectsFiles:
    return write_rejects(_rows(), tmp_path / "退回行.xlsx", crs=CRS, columns=COLUMNS)


def test_the_files_are_named_after_the_workbook(written: RejectsFiles, tmp_path: Path) -> None:
    assert written == RejectsFiles(tmp_path / "退回行.xlsx", tmp_path / "退回行.gpkg", 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["退回行.gpkg", "退回行.xlsx"]


def test_the_workbook_lists_each_row_with_its_problems_in_chinese(written: RejectsFiles) -> None:
    book = openpyxl.load_workbook(written.workbook)
    assert book.sheetnames == ["退回行"]
    sheet = book["退回行"]
    header = [cell.value for cell in sheet[1]]
    assert header == [*REJECT_COLUMNS, *COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == [2, 3, 5]
    assert all(type(row[0]) is int for row in rows)
    assert [row[1] for row in rows] == ["GY-001", None, "GY-003"]
    assert rows[0][2] == "图形类型为 点,不是面"
    assert rows[1][2] == "缺少宗地编号\n图形类型为 点,不是面"
    assert sheet.cell(3, 3).alignment.wrap_text
    assert sheet.row_dimensions[3].height == 30  # two lines of problems


def test_the_workbook_keeps_the_original_values_typed(written: RejectsFiles) -> None:
    sheet = openpyxl.load_workbook(written.workbook)["退回行"]
    first, second, third = (
        dict(zip([*REJECT_COLUMNS, *COLUMNS], [c.value for c in row], strict=True))
        for row in sheet.iter_rows(min_row=2)
    )
    assert first["项目名称"] == "城东机械厂" and first["面积(亩)"] == 12.5
    assert first["签订日期"] == dt.datetime(2020, 5, 1)
    assert sheet["G2"].number_format == "yyyy-mm-dd"
    assert first["动工时间"] == dt.datetime(2021, 3, 4, 10, 30)
    assert first["户数"] == 3 and type(first["户数"]) is int
    # a long integer stays whole, as text; a blank stays blank
    assert second["户数"] == "123456789012345678" and second["面积(亩)"] is None
    assert second["签订日期"] == "2020-13-01"
    assert third["面积(亩)"] == 8 and third["动工时间"] is None


def test_text_that_looks_like_a_formula_is_written_as_text_unchanged(written: RejectsFiles) -> None:
    sheet = openpyxl.load_workbook(written.workbook)["退回行"]
    column = [*REJECT_COLUMNS, *COLUMNS].index("备注") + 1
    cells = [sheet.cell(row, column) for row in (2, 3, 4)]
    assert [cell.value for cell in cells] == [FORMULA, "-12", "@sum(A1)"]
    assert all(cell.data_type == "s" for cell in cells)


def test_the_reject_columns_are_not_taken_for_parcel_fields_on_the_next_import() -> None:
    plan = plan_columns([*REJECT_COLUMNS, *COLUMNS])
    assert plan.rename["宗地编号"] == "parcel_code"
    assert set(REJECT_COLUMNS) <= set(plan.extra)


def test_the_geopackage_holds_the_rows_with_their_geometries_as_read(written: RejectsFiles) -> None:
    assert written.geopackage is not None
    info = pyogrio.read_info(written.geopackage)
    assert info["layer_name"] == "rejects" and info["geometry_type"] == "MultiPolygon"
    frame = pyogrio.read_dataframe(written.geopackage)
    assert frame.crs.to_epsg() == 4547
    assert list(frame.columns) == [*REJECT_COLUMNS, *COLUMNS[:-1], "fid_2", "geometry"]
    assert frame["退回行号"].tolist() == [2, 3, 5]
    assert frame["退回原因"][1] == "缺少宗地编号；图形类型为 点,不是面"
    assert frame.geometry[0].equals(SQUARE) and frame.geometry[2].equals(TWO_SQUARES)
    assert frame.geometry[1] is None
    assert frame["项目名称"].tolist()[:2] == ["城东机械厂", "无图形的地块"]
    assert frame["项目名称"].isna().tolist() == [False, False, True]
    assert frame["面积(亩)"][0] == 12.5
    assert frame["面积(亩)"].isna().tolist() == [False, True, False]
    # a column holding a date and a text that is not one is text, the date in ISO form
    assert frame["签订日期"].tolist()[:2] == ["2020-05-01", "2020-13-01"]
    fields = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert fields["户数"] == "OFTInteger64" and fields["面积(亩)"] == "OFTReal"
    with sqlite3.connect(written.geopackage) as db:
        whole = db.execute('SELECT "户数" FROM rejects ORDER BY fid').fetchall()
    assert whole == [(3,), (123456789012345678,), (None,)]
    assert frame["备注"][0] == FORMULA and frame["fid_2"].tolist() == [7, 8, 9]


def test_the_geopackage_is_version_1_2(written: RejectsFiles) -> None:
    assert written.geopackage is not None
    with sqlite3.connect(written.geopackage) as db:
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        user_version = db.execute("PRAGMA user_version").fetchone()[0]
    assert application_id.to_bytes(4, "big") == b"GPKG" and user_version == 10200


def test_points_among_polygons_are_written_as_a_generic_geometry(tmp_path: Path) -> None:
    rows = [
        RejectedRow(2, "A", (_("缺少宗地编号"),), {"名称": "面"}, SQUARE),
        RejectedRow(3, "B", (_("缺少宗地编号"),), {"名称": "点"}, Point(500050, 3400050)),
        RejectedRow(4, "C", (_("缺少宗地编号"),), {"名称": "空"}, Polygon()),
    ]
    files = write_rejects(rows, tmp_path / "r.xlsx", crs=CRS)
    assert files.geopackage is not None
    assert pyogrio.read_info(files.geopackage)["geometry_type"] == "Unknown"
    frame = pyogrio.read_dataframe(files.geopackage)
    assert frame.geometry[0].equals(SQUARE) and frame.geometry[1].equals(Point(500050, 3400050))
    assert frame.geometry[2] is None and frame["名称"].tolist() == ["面", "点", "空"]


def test_without_any_geometry_only_the_workbook_is_written(tmp_path: Path) -> None:
    rows = [RejectedRow(2, None, (_("缺少宗地编号"),), {"名称": "甲"}, None)]
    files = write_rejects(rows, tmp_path / "r.xlsx", crs=None)
    assert files == RejectsFiles(tmp_path / "r.xlsx", None, 1)
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]
    sheet = openpyxl.load_workbook(files.workbook)["退回行"]
    assert [c.value for c in sheet[2]] == [2, None, "缺少宗地编号", "甲"]


def test_a_workbook_path_of_another_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        write_rejects(_rows(), tmp_path / "退回行.csv", crs=CRS)
    assert refused.value.message == "退回行文件须保存为 .xlsx 工作簿,不能保存为 退回行.csv。"
    assert not list(tmp_path.iterdir())


def test_files_are_replaced_whole_and_a_failed_write_leaves_them_alone(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_rejects(_rows(), path, crs=CRS)
    files = write_rejects(_rows()[:1], path, crs=CRS)
    assert len(pyogrio.read_dataframe(files.geopackage)) == 1  # replaced, not appended
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(CRSError):
        write_rejects(_rows(), path, crs="EPSG:0")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# The store


def _written(tmp_path: Path) -> RejectsFiles:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return write_rejects(_rows(), out / "退回行.xlsx", crs=CRS)


def test_kept_files_are_found_by_their_token(tmp_path: Path) -> None:
    store = tmp_path / "store"
    files = _written(tmp_path)
    token = keep_rejects(store, files)
    assert len(token) >= 16 and not files.workbook.exists()
    kept = kept_rejects(store, token)
    assert kept.rows == 3 and kept.workbook.parent.parent == store
    assert kept.workbook.name == "退回行.xlsx" and kept.geopackage is not None
    assert openpyxl.load_workbook(kept.workbook)["退回行"].max_row == 4
    assert len(pyogrio.read_dataframe(kept.geopackage)) == 3
    other = keep_rejects(store, write_rejects(_rows()[1:2], tmp_path / "b.xlsx", crs=None))
    assert other != token and kept_rejects(store, other).geopackage is None


def test_kept_files_expire(tmp_path: Path) -> None:
    store = tmp_path / "store"
    token = keep_rejects(store, _written(tmp_path))
    old = time.time() - (REJECTS_HOURS + 1) * 3600
    os.utime(store / token, (old, old))
    with pytest.raises(NotFound) as gone:
        kept_rejects(store, token)
    assert gone.value.message == "退回行文件已失效(已过期或不存在),请重新导入以重新生成。"
    assert not (store / token).exists()
    token = keep_rejects(store, _written(tmp_path))
    os.utime(store / token, (old, old))
    fresh = keep_rejects(store, _written(tmp_path))
    assert [p.name for p in store.iterdir()] == [fresh]


@pytest.mark.parametrize(
    "token", ["", "..", "../../etc/passwd", "a" * 15, "a" * 65, "abc/def" * 4, "x" * 24]
)
def test_a_malformed_or_unknown_token_finds_nothing(tmp_path: Path, token: str) -> None:
    store = tmp_path / "store"
    keep_rejects(store, _written(tmp_path))
    with pytest.raises(NotFound):
        kept_rejects(store, token)


def test_a_token_never_leads_out_of_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    outside = _written(tmp_path)
    token = keep_rejects(store, outside)
    elsewhere = tmp_path / "elsewhere"
    (store / token).rename(elsewhere)
    (store / token).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(NotFound):
        kept_rejects(store, token)


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("宗地_含问题行.gpkg", "宗地_含问题行_退回.xlsx"),
        ("C:\\县里\\宗地图.shp.zip", "宗地图.shp_退回.xlsx"),
        ('a:b*c?"d<e>f|g\x01.csv', "a_b_c_d_e_f_g_退回.xlsx"),
        (".hidden", "hidden_退回.xlsx"),
        ("...", "rejects_退回.xlsx"),
        ("宗" * 100 + ".geojson", "宗" * STEM_MAX + "_退回.xlsx"),
    ],
)
def test_rejects_are_named_after_the_file_imported(source: str, name: str) -> None:
    assert rejects_filename(source) == name
