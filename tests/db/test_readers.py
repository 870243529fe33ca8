"""Reading every supported format, guarding coordinates, mapping fields, validating rows,
and the insert / upsert / dry-run modes. Each fixture file is made here; every refused
import leaves the database as it was."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.affinity import scale, translate
from shapely.geometry import LineString, MultiPolygon, Polygon, box
from sqlalchemy import func, select
from typer.testing import CliRunner

from landgis.cli import app
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.errors import CRSError
from landgis.gcj02 import to_gcj02
from landgis.geo import planar_areas_m2
from landgis.imports import ImportOptions, ImportRefused, check_file, import_parcels
from landgis.io.archives import ArchiveLimits
from landgis.io.crs_guard import swap_axes
from landgis.io.encoding import bytes_encoding, decode_text, shapefile_encoding
from landgis.io.fields import area_unit, plan_columns, supply_method_code
from landgis.io.file_limits import FileTooLarge, check_legacy_workbook
from landgis.io.problems import FileRefused
from landgis.io.tables import parse_coordinates
from landgis.io.validate import repair
from landgis.ledger import current_states, replayed_states
from landgis.units import mu_to_m2

pytestmark = pytest.mark.filterwarnings(
    "ignore:'crs' was not provided", "ignore:Could not decode error message"
)

# Inside the demo county, north-east of its park, clear of its parcels.
ORIGIN = (104.90, 30.15)


def _square(i: int, size: float = 0.001) -> Polygon:
    x, y = ORIGIN
    return translate(box(0, 0, size, size * 0.9), x + i * 0.002, y)


def _frame(n: int = 3, **columns) -> gpd.GeoDataFrame:
    data = {
        "宗地编号": [f"R-{i:03d}" for i in range(n)],
        "权利人": [f"四川青溪测试有限公司{i}" for i in range(n)],
    }
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry=[_square(i) for i in range(n)], crs=4490)


def _gk_areas(n: int = 3) -> list[float]:
    return list(_frame(n).to_crs(4544).area)


def _count(session) -> int:
    return session.scalar(select(func.count(Parcel.id)))


def _events(session) -> int:
    return session.scalar(select(func.count(CaseEvent.id)))


def _stored(session, code: str) -> Parcel:
    return session.scalars(select(Parcel).where(Parcel.parcel_code == code)).one()


def _refused(session, path, **options) -> ImportRefused:
    """Import expecting a refusal; checks that nothing was written."""
    before = (_count(session), _events(session))
    with pytest.raises(ImportRefused) as raised:
        import_parcels(session, path, ImportOptions.build(**options))
    assert (_count(session), _events(session)) == before
    assert raised.value.report.accepted is False
    return raised.value


def _kinds(problems) -> set[str]:
    return {p.kind for p in problems}


def _no_crs(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.set_crs(None, allow_override=True)


# ---- Shapefile: encodings, zips and folders --------------------------------------------


def test_gbk_shapefile_without_cpg_keeps_its_chinese(session, tmp_path):
    path = tmp_path / "gbk.shp"
    pyogrio.write_dataframe(
        _frame(3, 坐落=["青溪县城关镇", "青溪县", "工业园"]), path, encoding="GBK"
    )
    path.with_suffix(".cpg").unlink()
    assert shapefile_encoding(path)[:2] == ("GB18030", "detected")

    report = import_parcels(session, path)

    assert (report.inserted, report.encoding) == (3, "GB18030")
    stored = _stored(session, "R-001")
    assert (stored.holder, stored.location) == ("四川青溪测试有限公司1", "青溪县")
    assert report.problems == []


def test_utf8_shapefile_with_truncated_chinese_field_names(session, tmp_path):
    # 宗地编号 is 12 bytes in UTF-8; the DBF keeps 10, cutting a character in half
    path = tmp_path / "utf8.shp"
    pyogrio.write_dataframe(_frame(2), path, encoding="UTF-8")
    path.with_suffix(".cpg").unlink()

    report = import_parcels(session, path)

    assert report.encoding == "UTF-8"
    assert _stored(session, "R-000").holder == "四川青溪测试有限公司0"


def test_a_cpg_is_honoured(session, tmp_path):
    path = tmp_path / "cpg.shp"
    pyogrio.write_dataframe(_frame(2), path, encoding="GBK")
    assert path.with_suffix(".cpg").read_text() == "GBK"
    result = check_file(session, path, ImportOptions())
    assert result.report.encoding == "GBK"
    assert result.frame["holder"].iloc[0] == "四川青溪测试有限公司0"


def test_zipped_shapefile_and_folder(session, tmp_path):
    folder = tmp_path / "parcels"
    folder.mkdir()
    pyogrio.write_dataframe(_frame(2), folder / "宗地.shp", encoding="GBK")
    archive = tmp_path / "parcels.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, f"数据/{part.name}")

    report = import_parcels(session, archive, dry_run=True)
    assert (report.format, report.layer, report.inserted) == ("ESRI Shapefile", "宗地", 2)
    report = import_parcels(session, folder)
    assert report.inserted == 2
    assert _stored(session, "R-001").holder == "四川青溪测试有限公司1"


def test_a_shapefile_missing_its_dbf_is_refused_clearly(session, tmp_path):
    path = tmp_path / "partial.shp"
    pyogrio.write_dataframe(_frame(1), path)
    path.with_suffix(".dbf").unlink()
    refused = _refused(session, path)
    assert "lacks its .dbf" in refused.message_en


# ---- Gauss-Kruger coordinates, swapped axes, missing .prj -------------------------------


def test_gk_zone_prefixed_shapefile_without_prj(session, tmp_path):
    path = tmp_path / "gk35.shp"
    pyogrio.write_dataframe(_no_crs(_frame(3).to_crs(4523)), path)
    assert not path.with_suffix(".prj").exists()

    refused = _refused(session, path)
    assert isinstance(refused, CRSError)
    assert "zone 35" in refused.message_en and "coordinate system EPSG:4523" in refused.message_en
    assert refused.report.problems[0].suggestion == {"crs": ["EPSG:4523"]}
    assert "EPSG:4523" in refused.message

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4523"))
    assert report.crs == "EPSG:4523"
    stored = _stored(session, "R-002")
    assert stored.area_m2 == pytest.approx(_gk_areas()[2], rel=1e-6)
    assert stored.gk_epsg == 4544


def test_gk_shapefile_without_zone_prefix_gets_its_zone_from_the_county(session, tmp_path):
    path = tmp_path / "gk.shp"
    pyogrio.write_dataframe(_no_crs(_frame(3).to_crs(4544)), path)

    refused = _refused(session, path)
    assert "central meridian" in refused.message_en
    assert "105°E" in refused.message_en and "coordinate system EPSG:4544" in refused.message_en

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4544"))
    assert report.inserted == 3
    assert _stored(session, "R-000").area_m2 == pytest.approx(_gk_areas()[0], rel=1e-6)


def test_swapped_xy_is_named_and_fixed_on_request(session, tmp_path):
    gk = _frame(3).to_crs(4523)
    path = tmp_path / "swapped.shp"
    pyogrio.write_dataframe(gk.set_geometry(swap_axes(gk.geometry)), path)

    refused = _refused(session, path)
    assert [p.kind for p in refused.report.problems] == ["swapped_xy"]
    assert "“Swap X and Y”" in refused.message_en and "X 为北坐标" in refused.message

    report = import_parcels(session, path, ImportOptions.build(swap_xy=True))
    assert report.inserted == 3
    assert _stored(session, "R-001").area_m2 == pytest.approx(_gk_areas()[1], rel=1e-6)


def test_swapped_xy_without_prj_names_both_fixes(session, tmp_path):
    gk = _frame(2).to_crs(4523)
    path = tmp_path / "swapped_noprj.shp"
    pyogrio.write_dataframe(_no_crs(gk.set_geometry(swap_axes(gk.geometry))), path)

    refused = _refused(session, path)
    assert [p.kind for p in refused.report.problems] == ["swapped_xy", "crs_missing"]
    assert (
        "EPSG:4523 when importing, and choose “Swap X and Y”"
        in refused.report.problems[1].message_en
    )
    assert refused.report.problems[1].suggestion == {"crs": ["EPSG:4523"], "swap_xy": True}
    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4523", swap_xy=True))
    assert report.inserted == 2


def test_latitude_longitude_swapped_geojson(session, tmp_path):
    frame = _frame(2)
    path = tmp_path / "latlon.geojson"
    frame.set_geometry(swap_axes(frame.geometry)).to_file(path, driver="GeoJSON")

    refused = _refused(session, path)
    assert "Latitude and longitude are swapped" in refused.message_en
    assert import_parcels(session, path, ImportOptions.build(swap_xy=True)).inserted == 2


def test_parcels_outside_the_county_are_errors(session, tmp_path):
    frame = _frame(2)
    frame.loc[1, "geometry"] = box(106.5, 29.5, 106.501, 29.501)  # Chongqing
    path = tmp_path / "away.geojson"
    frame.to_file(path, driver="GeoJSON")

    refused = _refused(session, path)
    (found,) = refused.report.problems
    assert (found.row, found.kind, found.severity) == (2, "outside_county", "error")
    assert isinstance(refused, CRSError)


# ---- GeoPackage, GeoJSON, KML/KMZ -------------------------------------------------------


def test_web_mercator_geopackage_with_several_layers(session, tmp_path):
    path = tmp_path / "mercator.gpkg"
    _frame(2).to_crs(3857).to_file(path, layer="宗地", driver="GPKG")
    other = _frame(2).assign(宗地编号=["B-1", "B-2"]).to_crs(3857)
    other.to_file(path, layer="规划地块", driver="GPKG")
    road = LineString(_frame(1).to_crs(3857).geometry.iloc[0].exterior.coords)
    roads = gpd.GeoDataFrame({"name": ["路"]}, geometry=[road], crs=3857)
    roads.to_file(path, layer="roads", driver="GPKG")

    refused = _refused(session, path)
    assert (refused.report.problems[0].kind, "宗地" in refused.message) == ("layer_required", True)
    assert "2 polygon layers" in refused.message_en and "roads" not in refused.message_en

    report = import_parcels(session, path, ImportOptions.build(layer="宗地"))
    assert (report.layer, report.crs, report.inserted) == ("宗地", "EPSG:3857", 2)
    stored = _stored(session, "R-001")
    assert stored.area_m2 == pytest.approx(_gk_areas()[1], rel=1e-6)
    assert _frame(2).to_crs(3857).area.iloc[1] / stored.area_m2 > 1.3


def test_geojson_with_the_older_crs_member(session, tmp_path):
    collection = json.loads(_frame(2).to_crs(4544).to_json())
    collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4544"}}
    path = tmp_path / "old.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")

    report = import_parcels(session, path)

    assert (report.crs, report.inserted) == ("EPSG:4544", 2)
    assert _stored(session, "R-000").area_m2 == pytest.approx(_gk_areas()[0], rel=1e-6)


def test_kml_and_kmz(session, tmp_path):
    frame = _frame(2).rename(columns={"宗地编号": "Name"})
    kml = tmp_path / "parcels.kml"
    pyogrio.write_dataframe(frame, kml, driver="KML")
    kmz = tmp_path / "parcels.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(kml, "doc.kml")

    report = import_parcels(session, kmz, dry_run=True)
    assert (report.format, report.inserted, report.parcel_codes) == ("KMZ", 2, ["R-000", "R-001"])
    report = import_parcels(session, kml)
    assert (report.format, report.crs, report.inserted) == ("KML", "EPSG:4326", 2)
    stored = _stored(session, "R-001")
    assert stored.holder == "四川青溪测试有限公司1"
    assert stored.area_m2 == pytest.approx(_gk_areas()[1], rel=1e-6)


def test_a_kmz_bomb_is_refused(session, tmp_path):
    kmz = tmp_path / "bomb.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", b" " * (50 * 1024 * 1024))
    refused = _refused(session, kmz)
    assert refused.report.problems[0].kind == "unsafe_archive"
    assert "bomb" in refused.message_en


def test_a_zip_climbing_out_is_refused(session, tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("../evil.geojson", _frame(1).to_json())
    refused = _refused(session, path)
    assert refused.report.problems[0].kind == "unsafe_archive"
    assert not (tmp_path.parent / "evil.geojson").exists()


# ---- DXF ------------------------------------------------------------------------------


def _dxf(polygons, labels, layer: str = "宗地") -> str:
    """A minimal DXF (no header, as many CAD exports are) of closed polylines and labels."""
    out = ["0", "SECTION", "2", "ENTITIES"]
    for n, poly in enumerate(polygons):
        coords = list(poly.exterior.coords)[:-1]
        if n % 2 == 0:  # LWPOLYLINE, closed by flag
            out += ["0", "LWPOLYLINE", "5", f"{0x20 + n:X}", "8", layer, "90", str(len(coords))]
            out += ["70", "1"]
            for x, y in coords:
                out += ["10", f"{x:.4f}", "20", f"{y:.4f}"]
        else:  # old-style POLYLINE with VERTEX entities
            out += ["0", "POLYLINE", "5", f"{0x20 + n:X}", "8", layer, "66", "1", "70", "1"]
            for x, y in coords:
                out += ["0", "VERTEX", "8", layer, "10", f"{x:.4f}", "20", f"{y:.4f}"]
            out += ["0", "SEQEND"]
    for n, (poly, text) in enumerate(zip(polygons, labels, strict=True)):
        c = poly.representative_point()
        out += ["0", "TEXT", "5", f"{0x40 + n:X}", "8", "标注", "10", f"{c.x:.4f}"]
        out += ["20", f"{c.y:.4f}", "40", "2.5", "1", text]
    out += ["0", "LINE", "5", "60", "8", "0", "10", "35500000", "20", "3340000"]
    out += ["11", "35500100", "21", "3340000", "0", "ENDSEC", "0", "EOF"]
    return "\r\n".join(out) + "\r\n"


def test_dxf_closed_polylines_become_parcels(session, tmp_path):
    polygons = list(_frame(3).to_crs(4523).geometry)
    path = tmp_path / "cad.dxf"
    path.write_bytes(_dxf(polygons, ["CAD-1", "CAD-2", "CAD-3"]).encode("gbk"))

    refused = _refused(session, path)
    assert "EPSG:4523" in refused.message_en  # DXF has no CRS: the guard names it

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4523"))
    assert (report.format, report.inserted, report.encoding) == ("DXF", 3, "GB18030")
    assert [p.kind for p in report.problems] == ["skipped_entities"]
    stored = _stored(session, "CAD-2")
    assert stored.extra == {"layer": "宗地", "handle": "21"}
    assert stored.area_m2 == pytest.approx(_gk_areas()[1], rel=1e-4)


def test_dxf_with_shapes_on_several_layers_needs_a_layer(session, tmp_path):
    polygons = list(_frame(2).to_crs(4523).geometry)
    text = _dxf(polygons[:1], ["A-1"], layer="宗地").replace("0\r\nENDSEC", "0\r\nXXX", 1)
    second = _dxf(polygons[1:], ["A-2"], layer="建筑")
    body = second.split("ENTITIES\r\n", 1)[1].rsplit("0\r\nENDSEC", 1)[0]
    path = tmp_path / "layers.dxf"
    path.write_text(text.replace("0\r\nXXX", body + "0\r\nENDSEC", 1), encoding="utf-8")

    refused = _refused(session, path, crs="EPSG:4523")
    assert refused.report.problems[0].kind == "layer_required"
    assert "宗地(1 个)、建筑(1 个)" in refused.message and "--layer" not in refused.message
    assert "宗地 (1), 建筑 (1)" in refused.message_en and "--layer" not in refused.message_en
    assert refused.report.problems[0].suggestion == {"layer": ["宗地", "建筑"]}
    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4523", layer="建筑"))
    assert report.parcel_codes == ["A-2"]


def test_dxf_hatches_with_a_mapping_file(session, tmp_path):
    hatches = gpd.GeoDataFrame(
        {"Layer": ["ZD", "ZD"]}, geometry=list(_frame(2).to_crs(4523).geometry)
    )
    path = tmp_path / "hatch.dxf"
    pyogrio.write_dataframe(hatches, path, driver="DXF")  # GDAL writes polygons as hatches
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"handle": "parcel_code"}), encoding="utf-8")

    refused = _refused(session, path, crs="EPSG:4523")
    assert _kinds(refused.report.problems) == {"missing_code"}
    assert "rename that column" in refused.report.problems[0].message_en
    assert refused.report.problems[0].suggestion == {"mapping": "parcel_code", "codes": True}

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4523", mapping=mapping))
    assert report.inserted == 2
    assert all(code.isalnum() for code in report.parcel_codes)


# ---- CSV and XLSX -----------------------------------------------------------------------


def test_csv_with_wkt_in_gbk(session, tmp_path):
    frame = _frame(3)
    table = frame.drop(columns="geometry").assign(
        **{"面积(亩)": [14.4, 14.42, 20.0], "WKT": frame.geometry.to_wkt(), "备注": ["", "甲", ""]}
    )
    path = tmp_path / "parcels.csv"
    table.to_csv(path, index=False, encoding="gbk")

    refused = _refused(session, path)
    assert "coordinate system EPSG:4490" in refused.message_en

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4490"))
    assert (report.format, report.encoding, report.inserted) == ("CSV", "GB18030", 3)
    stored = _stored(session, "R-001")
    assert stored.holder == "四川青溪测试有限公司1"
    assert stored.registered_area_m2 == pytest.approx(mu_to_m2(14.42))
    assert stored.extra == {"备注": "甲"}
    mismatch = [p for p in report.problems if p.kind == "area_mismatch"]
    assert [(p.row, p.severity) for p in mismatch] == [(3, "warning")]  # 20 亩 ≠ 14.4


def test_xlsx_with_coordinate_lists(session, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "地块"
    sheet.append(["地块编号", "用地单位", "供地方式", "面积（公顷）", "签订日期", "坐标"])
    for i, poly in enumerate(_frame(2).to_crs(4544).geometry):
        ring = ";".join(f"{x:.3f},{y:.3f}" for x, y in poly.exterior.coords)
        method = "挂牌出让" if i == 0 else "划拨"
        sheet.append([f"X-{i}", f"用地单位{i}", method, 0.9612, "2019年6月18日", ring])
    notes = book.create_sheet("说明")
    notes.append(["说明"])
    notes.append(["坐标为 CGCS2000 3 度带"])
    path = tmp_path / "parcels.xlsx"
    book.save(path)

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4544"))

    assert (report.format, report.layer, report.inserted) == ("XLSX", "地块", 2)
    first, second = _stored(session, "X-0"), _stored(session, "X-1")
    assert (first.supply_method, second.supply_method) == ("transfer", "allocation")
    assert first.registered_area_m2 == pytest.approx(9612.0)
    assert first.contract_date == dt.date(2019, 6, 18)
    assert first.area_m2 == pytest.approx(_gk_areas()[0], rel=1e-5)
    assert report.problems == []


def test_old_excel_xls_reads_like_xlsx(session):
    """An Excel 97-2003 workbook (tests/fixtures/parcels.xls, see make_parcels_xls.py):
    the sheet with coordinates is found, codes stored as numbers stay whole, date cells
    are dates, areas in 公顷 are converted."""
    path = Path(__file__).parents[1] / "fixtures" / "parcels.xls"

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4544"))

    assert (report.format, report.layer, report.inserted) == ("XLS", "地块", 2)
    assert report.parcel_codes == ["5115020010001", "5115020010002"]
    first, second = _stored(session, "5115020010001"), _stored(session, "5115020010002")
    assert (first.supply_method, second.supply_method) == ("transfer", "allocation")
    assert (first.contract_date, second.contract_date) == (
        dt.date(2019, 6, 18),
        dt.date(2019, 6, 19),
    )
    assert first.registered_area_m2 == pytest.approx(9612.0)
    assert first.area_m2 == pytest.approx(_gk_areas()[0], rel=1e-5)
    assert report.problems == []


def test_an_xls_above_the_in_memory_limit_is_refused_before_it_is_read(session):
    path = Path(__file__).parents[1] / "fixtures" / "parcels.xls"
    options = ImportOptions.build(crs="EPSG:4544", limits=ArchiveLimits(max_text_bytes=1024))

    result = check_file(session, path, options)

    assert result.file_refused and result.frame.empty
    assert [p.kind for p in result.report.problems] == ["too_large"]
    said = result.report.problems[0].message
    assert "parcels.xls" in said and ".xlsx" in said
    with pytest.raises(FileTooLarge):  # an upload refused by it is a 413
        check_legacy_workbook(path, ArchiveLimits(max_text_bytes=1024))


def test_a_damaged_xls_is_refused_by_name(session, tmp_path):
    path = tmp_path / "坏表.xls"
    path.write_bytes(b"not a workbook at all" * 20)

    refused = _refused(session, path, crs="EPSG:4544")

    assert _kinds(refused.report.problems) == {"unreadable"}
    assert "坏表.xls" in refused.message


def test_xlsx_with_surveyors_x_first_is_swapped(session, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["宗地号", "界址点坐标"])
    poly = _frame(1).to_crs(4523).geometry.iloc[0]
    book.active.append(["S-1", " ".join(f"{y:.3f},{x:.3f}" for x, y in poly.exterior.coords)])
    path = tmp_path / "survey.xlsx"
    book.save(path)

    refused = _refused(session, path)
    assert [p.kind for p in refused.report.problems] == ["swapped_xy", "crs_missing"]
    options = ImportOptions.build(crs="EPSG:4523", swap_xy=True)
    assert import_parcels(session, path, options).inserted == 1


# ---- row checks -------------------------------------------------------------------------


def test_bow_tie_is_repaired_with_a_warning(session, tmp_path):
    x, y = ORIGIN[0] + 0.002, ORIGIN[1]  # where _square(1) would be
    bow_tie = Polygon([(x, y), (x + 0.001, y + 0.001), (x + 0.001, y), (x, y + 0.001)])
    frame = _frame(2)
    frame.loc[1, "geometry"] = bow_tie
    path = tmp_path / "bowtie.geojson"
    frame.to_file(path, driver="GeoJSON")

    report = import_parcels(session, path)

    assert report.inserted == 2
    (found,) = report.problems
    assert (found.row, found.kind, found.severity) == (2, "repaired_geometry", "warning")
    stored = _stored(session, "R-001")
    expected = planar_areas_m2(gpd.GeoSeries([shapely.make_valid(bow_tie)], crs=4490))[0]
    assert stored.area_m2 == pytest.approx(expected, rel=1e-6)
    assert stored.area_m2 > 0.4 * _gk_areas()[0]  # both lobes kept


def test_a_hole_outside_its_shell_is_not_guessed_at(session, tmp_path):
    x, y = ORIGIN
    shell = [(x, y), (x + 0.001, y), (x + 0.001, y + 0.001), (x, y + 0.001)]
    hole = [(x + 0.002, y), (x + 0.003, y), (x + 0.003, y + 0.001), (x + 0.002, y + 0.001)]
    frame = _frame(1)
    frame.loc[0, "geometry"] = Polygon(shell, [hole])
    path = tmp_path / "hole.gpkg"
    frame.to_file(path, driver="GPKG")

    refused = _refused(session, path)
    assert [(p.row, p.kind) for p in refused.report.problems] == [(1, "invalid_geometry")]


def test_null_and_empty_geometries_are_refused(session, tmp_path):
    frame = _frame(3)
    frame.loc[1, "geometry"] = None
    frame.loc[2, "geometry"] = Polygon()
    path = tmp_path / "nulls.gpkg"
    frame.to_file(path, driver="GPKG")

    refused = _refused(session, path)
    assert [(p.row, p.kind) for p in refused.report.problems] == [
        (2, "empty_geometry"),
        (3, "empty_geometry"),
    ]
    assert refused.report.parcels == 1


def test_duplicate_codes_name_each_other(session, tmp_path):
    frame = _frame(3)
    frame.loc[2, "宗地编号"] = "R-000"
    path = tmp_path / "dup.geojson"
    frame.to_file(path, driver="GeoJSON")

    refused = _refused(session, path)
    assert [(p.row, p.kind) for p in refused.report.problems] == [
        (1, "duplicate_code"),
        (3, "duplicate_code"),
    ]
    assert "also row 3" in refused.report.problems[0].message_en


def test_overlap_with_an_existing_demo_parcel(session, tmp_path):
    code, wkb = session.execute(
        select(Parcel.parcel_code, func.ST_AsBinary(Parcel.geom)).order_by(Parcel.id).limit(1)
    ).one()
    demo = shapely.from_wkb(bytes(wkb))
    frame = _frame(2)
    frame.loc[1, "geometry"] = scale(demo, 0.5, 0.5)  # inside the demo parcel
    path = tmp_path / "overlap.geojson"
    frame.to_file(path, driver="GeoJSON")

    refused = _refused(session, path)
    (found,) = refused.report.problems
    assert (found.row, found.kind, found.severity) == (2, "overlap", "error")
    assert code in found.message_en and "m²" in found.message_en


def test_overlaps_within_the_file(session, tmp_path):
    frame = _frame(2)
    frame.loc[1, "geometry"] = translate(_square(0), 0.0005, 0)
    path = tmp_path / "self.geojson"
    frame.to_file(path, driver="GeoJSON")
    refused = _refused(session, path)
    assert [(p.row, p.kind) for p in refused.report.problems] == [(1, "overlap"), (2, "overlap")]


def test_slivers_below_the_tolerance_are_not_overlaps(session, tmp_path):
    frame = _frame(2)
    frame.loc[1, "geometry"] = translate(_square(0), 0.001 - 1e-7, 0)  # ~1 cm strip
    path = tmp_path / "sliver.geojson"
    frame.to_file(path, driver="GeoJSON")
    assert import_parcels(session, path).inserted == 2


def test_area_mismatch_is_a_warning_only(session, tmp_path):
    areas = _gk_areas()
    frame = _frame(3, 登记面积=[areas[0] * 1.2, areas[1] * 1.04, None])
    path = tmp_path / "areas.geojson"
    frame.to_file(path, driver="GeoJSON")

    report = import_parcels(session, path)

    assert report.inserted == 3
    (found,) = report.problems
    assert (found.row, found.kind, found.severity) == (1, "area_mismatch", "warning")
    assert "-16.7%" in found.message_en


def test_unreadable_values_are_row_errors(session, tmp_path):
    frame = _frame(2, 供地方式=["出让", "租赁"], 签订日期=["2020-01-02", "去年"])
    path = tmp_path / "values.geojson"
    frame.to_file(path, driver="GeoJSON")
    refused = _refused(session, path)
    assert [(p.row, p.kind) for p in refused.report.problems] == [
        (2, "invalid_value"),
        (2, "invalid_value"),
    ]


def _with_heights(frame: gpd.GeoDataFrame, heights: list[float]) -> gpd.GeoDataFrame:
    """The frame's polygons as PolygonZ, each at its own height."""
    lifted = [shapely.force_3d(g, z) for g, z in zip(frame.geometry, heights, strict=True)]
    return frame.set_geometry(gpd.GeoSeries(lifted, crs=frame.crs))


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_polygons_with_heights_are_flattened_with_one_warning(session, tmp_path, suffix):
    frame = _with_heights(_frame(3), [512.5, 0.0, 498.0])
    path = tmp_path / f"heights{suffix}"
    pyogrio.write_dataframe(frame, path)

    read = check_file(session, path, ImportOptions())
    assert not shapely.has_z(read.frame.geometry.values).any()
    (found,) = read.report.problems
    assert (found.row, found.kind, found.severity) == (None, "flattened_z", "warning")
    assert found.message_en.startswith("2 rows had heights")

    report = import_parcels(session, path, ImportOptions.build(batch_size=2))
    assert report.inserted == 3
    assert [(p.kind, p.message_en[:6]) for p in report.problems] == [("flattened_z", "2 rows")]
    wkb = session.scalar(select(func.ST_AsBinary(Parcel.geom)).where(Parcel.parcel_code == "R-000"))
    assert not shapely.has_z(shapely.from_wkb(bytes(wkb)))


def test_flat_polygons_get_no_height_warning(session, tmp_path):
    path = tmp_path / "flat.gpkg"
    pyogrio.write_dataframe(_frame(2), path)
    assert check_file(session, path, ImportOptions()).report.problems == []


# Numbers stored as text, as spreadsheets and Shapefile text fields hold them.
TEXT_NUMBERS = ["1,234.5", " 12.5 ", "1 234 567"]
READ_NUMBERS = [1234.5, 12.5, 1234567.0]


def _numbers_as_text(n: int = 3) -> gpd.GeoDataFrame:
    areas = [f"{a:,.1f}" for a in _gk_areas(n)]  # e.g. "1,123.4": no area mismatch
    return _frame(n, 登记面积=areas, 出让价款=TEXT_NUMBERS[:n])


def _typed_numbers(session) -> None:
    for i, price in enumerate(READ_NUMBERS):
        stored = _stored(session, f"R-{i:03d}")
        assert stored.land_price_yuan == price
        assert stored.registered_area_m2 == pytest.approx(_gk_areas()[i], abs=0.06)


def test_numbers_written_as_text_in_a_csv_are_numbers(session, tmp_path):
    frame = _numbers_as_text()
    path = tmp_path / "numbers.csv"
    frame.drop(columns="geometry").assign(WKT=frame.geometry.to_wkt()).to_csv(path, index=False)
    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4490"))
    assert (report.inserted, report.problems) == (3, [])
    _typed_numbers(session)


def test_numbers_in_shapefile_text_fields_are_numbers(session, tmp_path):
    path = tmp_path / "numbers.shp"
    pyogrio.write_dataframe(_numbers_as_text(), path, encoding="UTF-8")
    report = import_parcels(session, path)
    assert (report.inserted, report.problems) == (3, [])
    _typed_numbers(session)


def test_a_number_with_a_unit_or_a_decimal_comma_is_not_a_number(session, tmp_path):
    frame = _frame(3, 出让价款=["12.5亩", "12,5", "1_000"])
    path = tmp_path / "units.xlsx"
    frame.drop(columns="geometry").assign(WKT=frame.geometry.to_wkt()).to_excel(path, index=False)
    refused = _refused(session, path, crs="EPSG:4490")
    assert [(p.row, p.kind) for p in refused.report.problems] == [
        (1, "invalid_value"),
        (2, "invalid_value"),
        (3, "invalid_value"),
    ]
    assert "12.5亩" in refused.report.problems[0].message


# ---- the unit of an area column named without one ---------------------------------------

UNIT_VALUES = {"公顷": 10_000, "亩": 2000 / 3, "m²": 1.0}


def _area_file(tmp_path, unit: str, suffix: str, column: str = "面积", n: int = 4) -> Path:
    """Parcels whose ``column`` holds their areas in ``unit``, a little rounded."""
    areas = [round(a / UNIT_VALUES[unit], 2) for a in _gk_areas(n)]
    frame = _frame(n, **{column: areas})
    path = tmp_path / f"areas{suffix}"
    if suffix == ".csv":
        frame.drop(columns="geometry").assign(WKT=frame.geometry.to_wkt()).to_csv(path, index=False)
    else:
        frame.to_file(path, driver="GPKG")
    return path


@pytest.mark.parametrize(("unit", "suffix"), [("公顷", ".gpkg"), ("亩", ".csv")])
def test_an_area_column_without_a_unit_gets_it_from_its_values(session, tmp_path, unit, suffix):
    path = _area_file(tmp_path, unit, suffix)

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4490"))

    assert report.inserted == 4
    for code, area in zip(["R-000", "R-003"], [_gk_areas(4)[0], _gk_areas(4)[3]], strict=True):
        assert _stored(session, code).registered_area_m2 == pytest.approx(area, rel=0.01)
    (found,) = report.problems
    assert (found.row, found.kind, found.severity) == (
        None,
        "area_unit_guessed",
        "warning",
    )
    assert found.message == (
        f"“面积”一列按数值判断为{unit}(与图形面积相差不超过 5%),已换算为平方米。"
    )
    english = {"公顷": "ha", "亩": "mu"}[unit]
    assert f"Column “面积” was judged from its values to be in {english}" in found.message_en


def test_an_area_column_in_square_metres_stays_as_it_is(session, tmp_path):
    path = _area_file(tmp_path, "m²", ".gpkg", column="宗地面积")

    report = import_parcels(session, path)

    assert report.inserted == 4
    stored = _stored(session, "R-002")
    assert stored.registered_area_m2 == pytest.approx(round(_gk_areas(4)[2], 2))
    assert report.problems == []


def test_an_area_column_of_no_unit_stays_in_square_metres_with_mismatches(session, tmp_path):
    frame = _frame(3, AREA=[5.0, 7.0, 9.0])
    path = tmp_path / "areas.gpkg"
    frame.to_file(path, driver="GPKG")

    report = import_parcels(session, path)

    assert _stored(session, "R-001").registered_area_m2 == pytest.approx(7.0)
    assert _kinds(report.problems) == {"area_mismatch"}
    assert len(report.problems) == 3


def test_a_unit_in_the_name_or_a_mapping_wins_over_the_values(session, tmp_path):
    path = _area_file(tmp_path, "公顷", ".gpkg", column="面积_亩")  # hectares, named 亩
    report = import_parcels(session, path)
    hectares = round(_gk_areas(4)[1] / 10_000, 2)
    assert _stored(session, "R-001").registered_area_m2 == pytest.approx(mu_to_m2(hectares))
    assert _kinds(report.problems) == {"area_mismatch"}

    (tmp_path / "mapped").mkdir()
    path = _area_file(tmp_path / "mapped", "公顷", ".gpkg")
    mapping = {"宗地编号": "parcel_code", "面积": "registered_area_m2"}
    report = import_parcels(session, path, ImportOptions.build(mode="upsert", mapping=mapping))
    assert _stored(session, "R-001").registered_area_m2 == pytest.approx(hectares)
    assert _kinds(report.problems) == {"area_mismatch"}


def test_batches_share_the_unit_judged_from_the_first(session, tmp_path):
    path = _area_file(tmp_path, "公顷", ".gpkg", n=5)
    areas = _gk_areas(5)

    checked = check_file(session, path, ImportOptions.build(batch_size=2))

    assert [batch.rows for batch in checked.batches] == [2, 2, 1]
    assert checked.frame["registered_area_m2"].tolist() == pytest.approx(areas, rel=0.01)
    assert [p.kind for p in checked.report.problems] == ["area_unit_guessed"]


def test_a_batched_import_converts_every_batch_and_warns_once(session, tmp_path):
    path = _area_file(tmp_path, "亩", ".gpkg", n=5)

    report = import_parcels(session, path, ImportOptions.build(batch_size=2))

    assert report.inserted == 5
    assert _stored(session, "R-004").registered_area_m2 == pytest.approx(_gk_areas(5)[4], rel=0.01)
    assert [p.kind for p in report.problems] == ["area_unit_guessed"]


# ---- field mapping ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_mapping_file_names_the_columns(session, tmp_path, suffix):
    frame = gpd.GeoDataFrame(
        {
            "DKH": ["M-1", "M-2"],
            "单位": ["甲公司", "乙公司"],
            "亩数": [14.4, 14.4],
            "内部备注": ["x", "y"],
            "其他": ["留", "存"],
        },
        geometry=[_square(0), _square(1)],
        crs=4490,
    )
    path = tmp_path / "mapped.geojson"
    frame.to_file(path, driver="GeoJSON")
    mapping = tmp_path / f"mapping{suffix}"
    if suffix == ".json":
        content = {"DKH": "parcel_code", "单位": "holder", "亩数": "registered_area_mu"}
        mapping.write_text(json.dumps(content | {"内部备注": None}), encoding="utf-8")
    else:
        mapping.write_text(
            "DKH: parcel_code\n单位: holder\n亩数: registered_area_mu\n内部备注: null\n",
            encoding="utf-8",
        )

    report = import_parcels(session, path, ImportOptions.build(mapping=mapping))

    assert report.inserted == 2
    stored = _stored(session, "M-2")
    assert stored.holder == "乙公司"
    assert stored.registered_area_m2 == pytest.approx(9600.0)
    assert stored.extra == {"其他": "存"}


def test_a_mapping_to_unknown_fields_is_refused(session, tmp_path):
    path = tmp_path / "p.geojson"
    _frame(1).to_file(path, driver="GeoJSON")
    with pytest.raises(FileRefused) as raised:
        ImportOptions.build(mapping={"权利人": "owner_name"})
    refused = raised.value
    assert refused.kind == "mapping_invalid"
    assert "owner_name" in refused.message_en and "holder" in refused.message_en


# ---- upsert and the ledger ---------------------------------------------------------------


def _case_parcel(session, status: str = "disposing") -> tuple[Parcel, Case]:
    """A demo parcel whose case is open in ``status`` (its idle area is the whole parcel)."""
    parcel, case = session.execute(
        select(Parcel, Case)
        .join(Case, Case.parcel_id == Parcel.id)
        .where(Case.status == status)
        .order_by(Case.id)
        .limit(1)
    ).one()
    return parcel, case


def _parcel_file(session, tmp_path, parcel: Parcel, name: str = "upsert.gpkg", **columns) -> Path:
    wkb = session.scalar(select(func.ST_AsBinary(Parcel.geom)).where(Parcel.id == parcel.id))
    geom = columns.pop("geometry", None) or shapely.from_wkb(bytes(wkb))
    data = {"宗地编号": [parcel.parcel_code], "权利人": [parcel.holder]} | {
        k: [v] for k, v in columns.items()
    }
    path = tmp_path / name
    gpd.GeoDataFrame(data, geometry=[geom], crs=4490).to_file(path, driver="GPKG")
    return path


def _ledger_equals_rows(session) -> None:
    pd.testing.assert_frame_equal(
        replayed_states(session, dt.date.today()), current_states(session), check_dtype=False
    )


def test_upsert_changing_a_case_parcels_holder_records_one_event(session, tmp_path):
    parcel, case = _case_parcel(session)
    old_holder, version = parcel.holder, case.version
    events_before = _events(session)
    path = _parcel_file(session, tmp_path, parcel, 权利人="四川新承接实业有限公司")

    refused = _refused(session, path)  # insert mode: the code exists
    assert _kinds(refused.report.problems) == {"exists"}

    report = import_parcels(session, path, ImportOptions.build(mode="upsert"))

    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    assert report.updates[0]["changes"] == {"parcel.holder": [old_holder, "四川新承接实业有限公司"]}
    session.expire_all()
    assert _stored(session, parcel.parcel_code).holder == "四川新承接实业有限公司"
    (event,) = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc()).limit(1)
    )
    assert _events(session) == events_before + 1
    assert (event.action, event.status_before, event.status_after) == (
        "parcel_update",
        case.status,
        case.status,
    )
    assert event.changes == {"parcel.holder": [old_holder, "四川新承接实业有限公司"]}
    case = session.get(Case, case.id)
    count = session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case.id))
    assert case.version == version + 1 == count
    _ledger_equals_rows(session)


def test_upsert_of_an_unchanged_parcel_changes_nothing(session, tmp_path):
    parcel, _case = _case_parcel(session)
    events_before = _events(session)
    path = _parcel_file(session, tmp_path, parcel)

    report = import_parcels(session, path, ImportOptions.build(mode="upsert"))

    assert (report.updated, report.unchanged) == (0, 1)
    assert _events(session) == events_before


def test_upsert_of_a_new_geometry_recomputes_the_area(session, tmp_path):
    parcel, case = _case_parcel(session)
    old_area = parcel.area_m2
    wkb = session.scalar(select(func.ST_AsBinary(Parcel.geom)).where(Parcel.id == parcel.id))
    # a little larger (the idle area is the whole parcel): overlaps with the neighbours stay
    # below the tolerance of 1 % of the smaller parcel
    bigger = scale(shapely.from_wkb(bytes(wkb)), 1.002, 1.002)
    path = _parcel_file(session, tmp_path, parcel, geometry=bigger)

    report = import_parcels(session, path, ImportOptions.build(mode="upsert"))

    assert report.updated == 1 and report.updates[0]["geometry_changed"]
    session.expire_all()
    stored = _stored(session, parcel.parcel_code)
    assert stored.area_m2 == pytest.approx(old_area * 1.002**2, rel=1e-4)
    event = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
    ).first()
    assert set(event.changes) == {"parcel.area_m2", "parcel.geom"}
    assert event.changes["parcel.area_m2"][0] == pytest.approx(old_area)
    assert event.changes["parcel.geom"][0].startswith("centroid 104.")
    _ledger_equals_rows(session)


def test_upsert_below_the_idle_area_of_an_open_case_is_refused(session, tmp_path):
    parcel, case = _case_parcel(session)
    wkb = session.scalar(select(func.ST_AsBinary(Parcel.geom)).where(Parcel.id == parcel.id))
    ratio = (case.idle_area_m2 / parcel.area_m2) ** 0.5 * 0.9
    smaller = scale(shapely.from_wkb(bytes(wkb)), ratio, ratio)
    path = _parcel_file(session, tmp_path, parcel, geometry=smaller, 权利人="改名")

    refused = _refused(session, path, mode="upsert")

    assert [(p.row, p.kind) for p in refused.report.problems] == [(1, "idle_area_exceeds")]
    session.expire_all()
    assert _stored(session, parcel.parcel_code).holder == parcel.holder


def test_dry_run_upsert_reports_changes_and_writes_nothing(session, tmp_path):
    parcel, _case = _case_parcel(session)
    events_before = _events(session)
    path = _parcel_file(session, tmp_path, parcel, 权利人="试算公司")

    report = import_parcels(session, path, ImportOptions.build(mode="upsert"), dry_run=True)

    assert (report.updated, report.dry_run, report.accepted) == (1, True, True)
    assert report.updates[0]["changes"]["parcel.holder"][1] == "试算公司"
    session.expire_all()
    assert _stored(session, parcel.parcel_code).holder == parcel.holder
    assert _events(session) == events_before


def test_gcj02_shifted_parcels_are_recognised(session, tmp_path):
    rows = session.execute(
        select(Parcel.parcel_code, Parcel.holder, func.ST_AsBinary(Parcel.geom))
        .order_by(Parcel.id)
        .limit(5)
    ).all()
    frame = gpd.GeoDataFrame(
        {"宗地编号": [r[0] for r in rows], "权利人": [r[1] for r in rows]},
        geometry=[shapely.from_wkb(bytes(r[2])) for r in rows],
        crs=4490,
    )
    path = tmp_path / "amap.gpkg"
    to_gcj02(frame).to_file(path, driver="GPKG")

    refused = _refused(session, path, mode="upsert")
    assert isinstance(refused, CRSError)
    found = next(p for p in refused.report.problems if p.kind == "gcj02_suspected")
    assert "GCJ-02" in found.message_en and "火星坐标" in found.message

    report = import_parcels(session, path, ImportOptions.build(mode="upsert", from_gcj02=True))
    assert (report.updated, report.unchanged) == (0, 5)


# ---- the report, the API's error body, the CLI --------------------------------------------


def test_the_refusal_carries_a_json_ready_report(session, tmp_path):
    frame = _frame(2)
    frame.loc[1, "geometry"] = None
    path = tmp_path / "bad.geojson"
    frame.to_file(path, driver="GeoJSON")

    refused = _refused(session, path)
    body = json.loads(json.dumps(refused.to_dict(), ensure_ascii=False))

    assert body["error"] == "ImportRefused"
    report = body["report"]
    assert (report["accepted"], report["parcels"], report["inserted"]) == (False, 1, 0)
    assert report["area_m2"] == pytest.approx(_gk_areas()[0], abs=0.01)
    assert report["problems"] == [
        {
            "row": 2,
            "parcel_code": "R-001",
            "kind": "empty_geometry",
            "severity": "error",
            "message": "图形为空或无法读取",
            "message_en": "empty, missing or unreadable geometry",
        }
    ]
    assert body["problems"] == report["problems"]


def test_cli_json_report_and_exit_codes(databases, demo_engine, tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad.shp"
    pyogrio.write_dataframe(_no_crs(_frame(2).to_crs(4523)), bad)
    url = demo_engine.url.render_as_string(hide_password=False)

    refused = runner.invoke(app, ["import", str(bad), "--json", "--database-url", url])

    assert refused.exit_code == 2
    body = json.loads(refused.stdout)
    assert (body["accepted"], body["parcels"]) == (False, 0)
    assert body["problems"][0]["kind"] == "crs_missing"
    assert "EPSG:4523" in body["problems"][0]["message_en"]

    fresh = databases.new_url()
    assert runner.invoke(app, ["init", "--database-url", fresh]).exit_code == 0
    args = ["import", str(bad), "--crs", "EPSG:4523", "--database-url", fresh, "--json"]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["inserted"] == 2
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    body = json.loads(done.stdout)
    assert (body["accepted"], body["parcels"], body["inserted"]) == (True, 2, 2)
    assert body["area_m2"] == pytest.approx(sum(_gk_areas(2)), abs=0.01)
    again = runner.invoke(app, [*args[:-1], "--mode", "upsert"])
    assert again.exit_code == 0, again.output
    assert "2 宗无变化" in again.output


def test_cli_text_output_names_rows_and_problems(demo_engine, tmp_path, cli_in):
    frame = _frame(2)
    frame.loc[1, "宗地编号"] = None
    path = tmp_path / "nocode.geojson"
    frame.to_file(path, driver="GeoJSON")
    url = demo_engine.url.render_as_string(hide_password=False)

    result = CliRunner().invoke(app, ["import", str(path), "--database-url", url])

    assert result.exit_code == 2
    assert "第 2 行:缺少宗地编号" in result.output
    assert "[missing_code]" not in result.output  # the clerk reads words, not codes
    english = cli_in("en", "import", str(path), "--no-progress", "--database-url", url)
    assert english.exit_code == 2
    assert english.stderr.startswith("Error: import refused, nothing written (1 errors")
    assert "[Error] row 2: missing parcel code" in english.stderr


# ---- pure helpers (no database) ------------------------------------------------------------


def test_bytes_encoding_and_text_decoding():
    assert bytes_encoding("宗地".encode()) == "UTF-8"
    assert bytes_encoding("宗地".encode("gbk")) == "GB18030"
    assert bytes_encoding(b"ascii only") is None
    assert bytes_encoding(["宗地编号".encode()[:10], "权利人".encode()]) == "UTF-8"
    assert decode_text("\ufeff宗地".encode()) == ("宗地", "UTF-8")
    assert decode_text("宗地".encode("gbk")) == ("宗地", "GB18030")


@pytest.mark.parametrize(
    ("column", "factor"),
    [
        ("面积(亩)", 2000 / 3),
        ("面积（亩）", 2000 / 3),
        ("宗地面积_亩", 2000 / 3),
        ("用地面积（公顷）", 10_000),
        ("area_ha", 10_000),
        ("登记面积(㎡)", 1.0),
        ("面积", None),
        ("亩均税收", None),
        ("area_m2", None),
    ],
)
def test_area_columns_with_units(column, factor):
    if factor is None:
        assert area_unit(column) is None
    else:
        assert area_unit(column) == pytest.approx(factor)


def test_column_plan():
    plan = plan_columns(["宗地编号", "权利人", "面积(亩)", "area_m2", "杂项", "用地单位"])
    assert plan.rename == {
        "宗地编号": "parcel_code",
        "权利人": "holder",
        "面积(亩)": "registered_area_m2",
    }
    assert plan.factors == {"面积(亩)": pytest.approx(2000 / 3)}
    assert plan.extra == ["area_m2", "杂项", "用地单位"]  # computed names are never trusted


def test_supply_methods():
    assert [supply_method_code(v) for v in ("出让", "挂牌出让", "划拨", "transfer", "租赁")] == [
        "transfer",
        "transfer",
        "allocation",
        "transfer",
        None,
    ]


@pytest.mark.parametrize(
    "text",
    [
        "0,0;10,0;10,10;0,10",
        "0 0, 10 0, 10 10, 0 10, 0 0",
        "0,0,10,0,10,10,0,10",
        "0，0；10，0；10，10；0，10",
    ],
)
def test_coordinate_lists(text):
    assert parse_coordinates(text).equals(box(0, 0, 10, 10))


def test_coordinate_lists_with_holes_and_parts():
    geom = parse_coordinates("0,0;10,0;10,10;0,10|2,2;4,2;4,4;2,4|20,0;30,0;30,10")
    assert isinstance(geom, MultiPolygon) and geom.area == pytest.approx(100 - 4 + 50)
    with pytest.raises(ValueError):
        parse_coordinates("0,0;1,1")


def test_repair_keeps_valid_geometries_and_refuses_guesses():
    assert repair(box(0, 0, 1, 1)).status == "valid"
    bow_tie = repair(Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]))
    assert (bow_tie.status, bow_tie.geometry.area) == ("repaired", pytest.approx(0.5))
    outside = Polygon(box(0, 0, 1, 1).exterior.coords, [box(2, 0, 3, 1).exterior.coords])
    assert repair(outside).status == "invalid"
