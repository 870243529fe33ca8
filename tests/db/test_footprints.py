"""Buildings added by their footprints through the ledger's use cases, on the demo county
(both backends): a drawn footprint goes on the parcel it stands on with its area in m²;
one across two parcels, on none, or on another parcel than the one named is refused
saying so; files of footprints (GeoPackage, Shapefile, projected coordinates) import
every row on its parcel, all or nothing, and a check writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from landgis.cases import Actor
from landgis.commands import AddBuilding, ImportBuildings
from landgis.credit_code import check_character
from landgis.db.models import Building
from landgis.errors import InvalidInput
from landgis.ledger_service import LedgerService
from landgis.settings import Settings
from landgis.space.building_report import BuildingsRefused
from tests.footprint_places import (
    FREE,
    NEIGHBOUR,
    OTHER,
    geojson,
    square_across,
    square_in,
    square_on_no_parcel,
    write_footprints,
)

BODY = "91510000MA62D3K4L"
CREDIT_CODE = BODY + check_character(BODY)


def _ledger(session) -> LedgerService:
    return LedgerService(session, Settings(), Actor("wangfang", "editor"))


def _count(session) -> int:
    return session.scalar(select(func.count(Building.id)))


def test_a_drawn_building_lands_on_its_parcel_with_its_area_in_square_metres(session):
    fields = {
        "name": "5号厂房",
        "kind": "标准厂房",
        "floors": 3,
        "owner": "青溪县鑫源食品有限公司",
        "owner_credit_code": CREDIT_CODE.lower(),
    }
    building = _ledger(session).handle(
        AddBuilding(geometry=geojson(square_in(FREE)), fields=fields)
    )

    assert building.parcel.parcel_code == FREE
    assert building.footprint_area_m2 == pytest.approx(900.0, abs=0.01)
    assert building.floor_area_m2 == pytest.approx(2700.0, abs=0.05)
    assert (building.kind, building.state, building.floors) == ("standard", "in_use", 3)
    assert building.owner_credit_code == CREDIT_CODE
    given = _ledger(session).handle(
        AddBuilding(
            geometry=geojson(square_in(FREE, side=20, dx=-30)),
            fields={"name": "门卫", "floor_area_m2": "450", "parcel_code": FREE},
        )
    )
    assert (given.floor_area_m2, given.floors) == (450.0, None)
    assert given.footprint_area_m2 == pytest.approx(400.0, abs=0.01)


def test_a_footprint_across_two_parcels_is_refused_naming_the_share_and_the_parcels(session):
    before = _count(session)
    with pytest.raises(InvalidInput) as refused:
        _ledger(session).handle(
            AddBuilding(geometry=geojson(square_across()), fields={"name": "跨界厂房", "floors": 1})
        )

    message = refused.value.message
    assert "在宗地" in message and "之外" in message and "5%" in message
    assert FREE in message and NEIGHBOUR in message
    share = float(message.split("有 ")[1].split("%")[0])
    assert 40.0 < share < 60.0
    assert _count(session) == before


def test_a_footprint_on_no_parcel_or_not_on_the_parcel_named_is_refused(session):
    ledger = _ledger(session)
    with pytest.raises(InvalidInput, match="不在任何宗地上"):
        ledger.handle(
            AddBuilding(geometry=geojson(square_on_no_parcel()), fields={"name": "x", "floors": 1})
        )
    with pytest.raises(InvalidInput) as named:
        ledger.handle(
            AddBuilding(
                geometry=geojson(square_in(FREE)),
                fields={"name": "x", "floors": 1, "parcel_code": OTHER},
            )
        )
    assert named.value.message == f"厂房占地位于宗地 {FREE},不在所填的宗地 {OTHER} 上。"
    with pytest.raises(InvalidInput, match="校验位不符"):
        ledger.handle(
            AddBuilding(
                geometry=geojson(square_in(FREE)),
                fields={"name": "x", "floors": 1, "owner_credit_code": BODY + "0"},
            )
        )
    with pytest.raises(InvalidInput, match="请填写层数或建筑面积"):
        ledger.handle(AddBuilding(geometry=geojson(square_in(FREE)), fields={"name": "x"}))


CHINESE_ROWS = [
    {"名称": "甲厂房", "层数": 2, "类型": "标准厂房", "权属人": "青溪县鑫源食品有限公司",
     "统一社会信用代码": CREDIT_CODE, "状态": "闲置"},
    {"名称": "乙厂房", "层数": 1, "建筑面积(㎡)": 1000.0, "类型": "enterprise"},
    {"名称": "丙仓库", "层数": 4, "宗地编号": OTHER},
]  # fmt: skip


def _three_footprints():
    return [square_in(FREE), square_in(NEIGHBOUR, side=40), square_in(OTHER, side=20)]


def test_a_geopackage_with_chinese_headers_imports_every_row_on_its_parcel(session, tmp_path):
    path = write_footprints(tmp_path / "厂房轮廓.gpkg", CHINESE_ROWS, _three_footprints())
    before = _count(session)

    report = _ledger(session).handle(ImportBuildings(path=path))

    assert report.accepted and not report.check_only and report.stored == 3
    assert [(b.name, b.parcel_code) for b in report.buildings] == [
        ("甲厂房", FREE),
        ("乙厂房", NEIGHBOUR),
        ("丙仓库", OTHER),
    ]
    assert report.columns["统一社会信用代码"] == "owner_credit_code"
    assert report.columns["建筑面积(㎡)"] == "floor_area_m2"
    assert _count(session) == before + 3
    stored = {b.name: b for b in session.scalars(select(Building).where(Building.id > 171))}
    first, second, third = stored["甲厂房"], stored["乙厂房"], stored["丙仓库"]
    assert first.footprint_area_m2 == pytest.approx(900.0, abs=0.01)
    assert first.floor_area_m2 == pytest.approx(1800.0, abs=0.05)
    assert (first.kind, first.state, first.owner_credit_code) == ("standard", "idle", CREDIT_CODE)
    assert second.footprint_area_m2 == pytest.approx(1600.0, abs=0.01)
    assert (second.floor_area_m2, second.kind) == (1000.0, "enterprise")
    assert third.floor_area_m2 == pytest.approx(1600.0, abs=0.05)
    assert third.parcel.parcel_code == OTHER


def test_a_shapefile_in_projected_coordinates_with_cut_english_headers_imports(session, tmp_path):
    rows = [
        {"name": "A1", "floors": 2, "owner_credit_code": CREDIT_CODE, "floor_area_m2": 2000.0},
        {"name": "B1", "floors": 1, "owner_credit_code": None, "floor_area_m2": None},
    ]
    footprints = [square_in(FREE), square_in(OTHER)]
    path = write_footprints(tmp_path / "footprints.shp", rows, footprints, crs="EPSG:4544")

    report = _ledger(session).handle(ImportBuildings(path=path))

    assert report.crs == "EPSG:4544"
    assert report.columns == {
        "name": "name",
        "floors": "floors",
        "owner_cred": "owner_credit_code",
        "floor_area": "floor_area_m2",
    }
    assert [(b.parcel_code, b.floor_area_m2) for b in report.buildings] == [
        (FREE, 2000.0),
        (OTHER, pytest.approx(900.0, abs=0.05)),
    ]
    assert report.buildings[1].footprint_area_m2 == pytest.approx(900.0, abs=0.01)
    codes = session.scalars(select(Building.owner_credit_code).where(Building.name == "A1"))
    assert list(codes) == [CREDIT_CODE]


def test_a_file_with_one_bad_row_writes_nothing_and_says_which(session, tmp_path):
    rows = [*CHINESE_ROWS, {"名称": "跨界厂房", "层数": 1}]
    path = write_footprints(tmp_path / "bad.geojson", rows, [*_three_footprints(), square_across()])
    before = _count(session)

    with pytest.raises(BuildingsRefused) as refused:
        _ledger(session).handle(ImportBuildings(path=path))

    report = refused.value.report
    assert not report.accepted and report.stored == 0 and report.rows == 4
    assert [(p.row, p.kind) for p in report.problems] == [(4, "off_parcel")]
    assert refused.value.message.startswith("第 4 行:厂房占地有 ")
    assert refused.value.message.endswith("。未导入任何厂房。")
    assert _count(session) == before


def test_a_check_writes_nothing_and_says_what_would_go_in(session, tmp_path):
    path = write_footprints(tmp_path / "check.gpkg", CHINESE_ROWS, _three_footprints())
    before = _count(session)

    report = _ledger(session).handle(ImportBuildings(path=path, check_only=True))

    assert report.accepted and report.check_only and report.stored == 3
    assert [b.parcel_code for b in report.buildings] == [FREE, NEIGHBOUR, OTHER]
    assert report.text_lines()[0] == "检查通过(未写入):厂房 3 栋可以导入"
    assert _count(session) == before
