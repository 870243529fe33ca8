"""The factory space exports (``buildings.xlsx``, ``.gpkg``, ``.geojson``, ``.shp.zip``).

- The workbook: 厂房 (one row per building, its units' floor area by state and the
  occupancy rate), 单元 (one row per unit, with the lease letting it now or next) and 租赁
  (one row per lease), each with a title, a 合计 row and the ledger workbook's print set-up;
- the GIS files: the buildings with their footprints (EPSG:4490; a building with no
  footprint has no geometry) under Chinese field names — in the GeoPackage with the units
  and leases as two attribute tables beside the layer; the zipped Shapefile under short
  field names, mapped to the headers in ``fields.txt``.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import pandas as pd
import pyogrio
import xlsxwriter

from landgis.errors import InvalidInput
from landgis.geo import CGCS2000_EPSG
from landgis.geojson import json_value
from landgis.i18n import _, listing
from landgis.io.exports.entry import safe_place
from landgis.io.exports.gis import copy_file
from landgis.io.exports.ledger_workbook.page_setup import DEFAULT_FOOTER
from landgis.io.exports.ledger_workbook.styles import CellFormats
from landgis.io.exports.options import CPG_CONTENT
from landgis.io.exports.space_records import SpaceRecords
from landgis.io.exports.table_sheet import Column, write_table_sheet
from landgis.io.geopackage import write_geopackage

FORMATS: tuple[str, ...] = ("xlsx", "gpkg", "geojson", "shp.zip")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "shp.zip": "application/zip",
}
BUILDINGS_SHEET, UNITS_SHEET, LEASES_SHEET = "厂房", "单元", "租赁"

# The buildings' columns, and each one's Shapefile field name (≤ 10 bytes).
BUILDING_COLUMNS: tuple[tuple[Column, str], ...] = (
    (Column("id", "厂房编号", "int"), "id"),
    (Column("name", "厂房名称"), "name"),
    (Column("kind_name", "厂房类型"), "kind"),
    (Column("state_name", "厂房状态"), "state"),
    (Column("owner", "产权人"), "owner"),
    (Column("owner_credit_code", "统一社会信用代码"), "owner_code"),
    (Column("floors", "层数", "int"), "floors"),
    (Column("floor_area_m2", "建筑面积(㎡)", "m2", True), "floor_m2"),
    (Column("footprint_area_m2", "占地面积(㎡)", "m2", True), "foot_m2"),
    (Column("parcel_code", "宗地编号"), "parcel"),
    (Column("case_no", "台账编号"), "case_no"),
    (Column("zone_name", "片区"), "zone"),
    (Column("units", "单元数", "int", True), "units"),
    (Column("vacant_m2", "空置面积(㎡)", "m2", True), "vacant_m2"),
    (Column("leased_m2", "已出租面积(㎡)", "m2", True), "leased_m2"),
    (Column("owner_occupied_m2", "自用面积(㎡)", "m2", True), "own_m2"),
    (Column("under_construction_m2", "在建面积(㎡)", "m2", True), "build_m2"),
    (Column("occupancy_rate", "出租率", "percent"), "occupancy"),
)
UNIT_COLUMNS: tuple[Column, ...] = (
    Column("building_id", "厂房编号", "int"),
    Column("building", "厂房名称"),
    Column("parcel_code", "宗地编号"),
    Column("zone_name", "片区"),
    Column("unit_no", "单元号"),
    Column("floor", "楼层", "int"),
    Column("floor_area_m2", "面积(㎡)", "m2", True),
    Column("clear_height_m", "净高(米)", "mu"),
    Column("floor_load_kn_m2", "楼面荷载(kN/㎡)", "mu"),
    Column("state_name", "状态"),
    Column("lease_no", "租赁编号"),
    Column("tenant", "承租人"),
    Column("lease_end", "租期截止", "date"),
)
LEASE_COLUMNS: tuple[Column, ...] = (
    Column("lease_no", "租赁编号"),
    Column("tenant", "承租人"),
    Column("tenant_credit_code", "统一社会信用代码"),
    Column("building", "厂房名称"),
    Column("units_text", "单元"),
    Column("area_m2", "租赁面积(㎡)", "m2", True),
    Column("rent_yuan_m2_month", "租金(元/㎡·月)", "mu"),
    Column("start_date", "起租日期", "date"),
    Column("end_date", "到期日期", "date"),
    Column("ended_on", "提前终止日期", "date"),
    Column("status_name", "状态"),
    Column("project", "项目"),
    Column("case_no", "台账编号"),
)


def space_filenames(county: str, day: dt.date, extension: str) -> tuple[str, str]:
    """``厂房_青溪县_2024-06-20.xlsx`` and its ASCII fallback ``buildings_2024-06-20.xlsx``."""
    return (
        f"厂房_{safe_place(county)}_{day.isoformat()}.{extension}",
        f"buildings_{day.isoformat()}.{extension}",
    )


def check_format(fmt: str) -> str:
    """``fmt`` when the buildings are exported in it; InvalidInput otherwise."""
    if fmt not in FORMATS:
        raise InvalidInput(
            _("厂房导出格式 “{fmt}” 不可用,请选择 {choices}。", fmt=fmt, choices=listing(FORMATS))
        )
    return fmt


def write_space_workbook(
    records: SpaceRecords, out: BinaryIO | str, *, county: str, day: dt.date, paper: str = "A3"
) -> None:
    """The workbook: 厂房, 单元, 租赁."""
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    try:
        title = f"{county}标准厂房与企业厂房台账"
        book.set_properties({"title": title, "subject": "厂房租赁", "company": county})
        formats = CellFormats(book)
        note = (
            f"数据日期:{day.isoformat()};面积单位为平方米,"
            "出租率 = (已出租 + 自用) ÷ 非在建单元面积。"
        )
        sheets = (
            (
                BUILDINGS_SHEET,
                title,
                [c for c, _short in BUILDING_COLUMNS],
                records.buildings,
                "栋",
                2,
            ),
            (UNITS_SHEET, f"{county}厂房单元明细", UNIT_COLUMNS, records.units, "个", 2),
            (LEASES_SHEET, f"{county}厂房租赁台账", LEASE_COLUMNS, records.leases, "份", 2),
        )
        for name, heading, columns, rows, counted, frozen in sheets:
            write_table_sheet(
                book,
                formats,
                name=name,
                title=heading,
                note=note,
                columns=columns,
                records=rows,
                counted=counted,
                paper=paper,
                footer=DEFAULT_FOOTER,
                frozen_columns=frozen,
            )
    finally:
        book.close()


def _frame(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> pd.DataFrame:
    table = {c.header: [row.get(c.key) for row in rows] for c in columns}
    frame = pd.DataFrame(table, columns=[c.header for c in columns])
    for column in columns:
        if column.kind == "date":
            frame[column.header] = frame[column.header].map(
                lambda day: day.isoformat() if isinstance(day, dt.date) else None
            )
    return frame


def buildings_frame(records: SpaceRecords) -> gpd.GeoDataFrame:
    """The buildings under their Chinese headers, with their footprints (EPSG:4490)."""
    columns = [c for c, _short in BUILDING_COLUMNS]
    frame = _frame(records.buildings, columns)
    shapes = [records.footprints.get(row["id"]) for row in records.buildings]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapes), crs=CGCS2000_EPSG)


def _write_geojson(frame: gpd.GeoDataFrame, out: BinaryIO) -> None:
    out.write(b'{"type":"FeatureCollection","features":[')
    attributes = frame.drop(columns="geometry").to_dict("records")
    shapes = frame.geometry.to_json(drop_id=True)
    geometries = [f["geometry"] for f in json.loads(shapes)["features"]]
    for k, (record, geometry) in enumerate(zip(attributes, geometries, strict=True)):
        properties = {key: json_value(value) for key, value in record.items()}
        feature = {
            "type": "Feature",
            "id": properties["厂房编号"],
            "geometry": geometry,
            "properties": properties,
        }
        out.write((b"," if k else b"") + json.dumps(feature, ensure_ascii=False).encode())
    out.write(b"]}")


def _write_gpkg(records: SpaceRecords, out: BinaryIO) -> None:
    with tempfile.TemporaryDirectory(prefix="landgis-export-") as tmp:
        path = Path(tmp) / "buildings.gpkg"
        frame = buildings_frame(records)
        write_geopackage(frame, path, layer="buildings", geometry_type="MultiPolygon")
        for layer, rows, columns in (
            ("units", records.units, UNIT_COLUMNS),
            ("leases", records.leases, LEASE_COLUMNS),
        ):
            pyogrio.write_dataframe(_frame(rows, columns), path, layer=layer, driver="GPKG")
        copy_file(path, out)


def _write_shapefile(records: SpaceRecords, out: BinaryIO) -> None:
    names = {column.header: short for column, short in BUILDING_COLUMNS}
    frame = buildings_frame(records).rename(columns=names)
    with tempfile.TemporaryDirectory(prefix="landgis-export-") as tmp:
        base = Path(tmp) / "buildings"
        pyogrio.write_dataframe(
            frame,
            base.with_suffix(".shp"),
            driver="ESRI Shapefile",
            encoding="UTF-8",
            geometry_type="MultiPolygon",
            promote_to_multi=True,
        )
        base.with_suffix(".cpg").write_text(CPG_CONTENT["utf-8"], encoding="ascii")
        fields = ["字段名\t中文名称"] + [f"{s}\t{c.header}" for c, s in BUILDING_COLUMNS]
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                archive.write(base.with_suffix(suffix), f"buildings{suffix}")
            archive.writestr("fields.txt", ("\r\n".join(fields) + "\r\n").encode("utf-8-sig"))


def write_space_file(
    records: SpaceRecords, fmt: str, out: BinaryIO, *, county: str, day: dt.date, paper: str
) -> None:
    """The factory space in ``fmt`` (:data:`FORMATS`) to ``out``."""
    check_format(fmt)
    if fmt == "xlsx":
        write_space_workbook(records, out, county=county, day=day, paper=paper)
    elif fmt == "geojson":
        _write_geojson(buildings_frame(records), out)
    elif fmt == "gpkg":
        _write_gpkg(records, out)
    else:
        _write_shapefile(records, out)
