"""Importing parcel files: all or nothing, with errors a clerk can act on."""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.affinity import translate
from shapely.geometry import LineString, Point, Polygon, box
from sqlalchemy import func, select
from typer.testing import CliRunner

from landgis.cli import app
from landgis.db.models import Parcel, Zone
from landgis.errors import CRSError, InvalidInput
from landgis.geo import planar_areas_m2
from landgis.imports import ImportOptions, import_parcels

# A spot in the demo county, north-east of its park, clear of its parcels.
ORIGIN = (104.90, 30.15)


def _square(i: int, size: float = 0.001) -> Polygon:
    x, y = ORIGIN
    return translate(box(0, 0, size, size * 0.9), x + i * 0.002, y)


def _frame(n: int = 3, **columns) -> gpd.GeoDataFrame:
    data = {
        "宗地编号": [f"TEST-{i:03d}" for i in range(n)],
        "权利人": [f"测试公司{i}" for i in range(n)],
    }
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry=[_square(i) for i in range(n)], crs=4490)


def _count(session) -> int:
    return session.scalar(select(func.count(Parcel.id)))


def test_geojson_with_chinese_columns_is_imported_with_areas(session, tmp_path):
    path = tmp_path / "parcels.geojson"
    _frame(3, 备用字段=["甲", "乙", "丙"]).to_file(path, driver="GeoJSON")
    before = _count(session)

    report = import_parcels(session, path)

    assert report.inserted == 3
    assert _count(session) == before + 3
    stored = session.scalars(select(Parcel).where(Parcel.parcel_code == "TEST-001")).one()
    assert stored.holder == "测试公司1"
    assert stored.extra == {"备用字段": "乙"}
    expected = planar_areas_m2(gpd.GeoSeries([_square(1)], crs=4490))[0]
    assert stored.area_m2 == pytest.approx(expected, rel=1e-6)
    assert stored.gk_epsg == 4544
    assert stored.geodesic_area_m2 == pytest.approx(stored.area_m2, rel=1e-3)


def test_projected_gauss_kruger_file_is_transformed(session, tmp_path):
    path = tmp_path / "gk.gpkg"
    frame = _frame(2).to_crs(4544)
    frame.to_file(path, layer="parcels", driver="GPKG")

    import_parcels(session, path)

    stored = session.scalars(select(Parcel).where(Parcel.parcel_code == "TEST-000")).one()
    assert stored.area_m2 == pytest.approx(frame.area.iloc[0], rel=1e-6)


def test_web_mercator_file_never_yields_web_mercator_areas(session, tmp_path):
    path = tmp_path / "mercator.gpkg"
    frame = _frame(1).to_crs(3857)
    frame.to_file(path, driver="GPKG")

    import_parcels(session, path)

    stored = session.scalars(select(Parcel).where(Parcel.parcel_code == "TEST-000")).one()
    gk_area = _frame(1).to_crs(4544).area.iloc[0]
    assert stored.area_m2 == pytest.approx(gk_area, rel=1e-6)
    assert frame.area.iloc[0] / stored.area_m2 > 1.3  # what a Mercator area would have said


def test_dry_run_reports_and_writes_nothing(session, tmp_path):
    path = tmp_path / "parcels.geojson"
    _frame(4).to_file(path, driver="GeoJSON")
    before = _count(session)

    report = import_parcels(session, path, dry_run=True)

    # a dry run reports what the import would do, and writes nothing
    assert (report.features, report.parcels, report.inserted, report.dry_run) == (4, 4, 4, True)
    assert report.accepted and report.area_mu > 0
    assert _count(session) == before


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_file_without_crs_is_refused_unless_the_user_names_one(session, tmp_path):
    path = tmp_path / "nocrs.gpkg"
    frame = _frame(2).to_crs(4544)
    pyogrio.write_dataframe(frame.set_crs(None, allow_override=True), path)
    before = _count(session)

    with pytest.raises(CRSError, match="no coordinate reference system"):
        import_parcels(session, path)
    assert _count(session) == before

    report = import_parcels(session, path, ImportOptions.build(crs="EPSG:4544"))
    assert report.inserted == 2


def test_geojson_with_metres_and_no_crs_member_is_refused(session, tmp_path):
    path = tmp_path / "metres.geojson"
    collection = json.loads(_frame(1).to_crs(4544).to_json())
    collection.pop("crs", None)
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CRSError, match="not longitude/latitude"):
        import_parcels(session, path)


def test_non_polygon_rows_are_reported_and_nothing_is_written(session, tmp_path):
    path = tmp_path / "mixed.gpkg"
    frame = _frame(3)
    frame.loc[1, "geometry"] = Point(ORIGIN)
    frame.loc[2, "geometry"] = LineString([ORIGIN, (ORIGIN[0] + 0.001, ORIGIN[1])])
    frame.to_file(path, driver="GPKG")
    before = _count(session)

    with pytest.raises(InvalidInput) as raised:
        import_parcels(session, path)

    assert [p.row for p in raised.value.report.problems] == [2, 3]
    assert "not a polygon" in raised.value.report.problems[0].message_en
    assert _count(session) == before


def test_duplicate_codes_in_the_file_are_refused(session, tmp_path):
    path = tmp_path / "dup.geojson"
    frame = _frame(3)
    frame.loc[2, "宗地编号"] = "TEST-000"
    frame.to_file(path, driver="GeoJSON")

    with pytest.raises(InvalidInput) as raised:
        import_parcels(session, path)

    assert {p.row for p in raised.value.report.problems} == {1, 3}


def test_codes_already_in_the_database_are_refused_in_insert_mode(session, tmp_path):
    existing = session.scalars(select(Parcel.parcel_code).limit(1)).one()
    path = tmp_path / "again.geojson"
    frame = _frame(2)
    frame.loc[1, "宗地编号"] = existing
    frame.to_file(path, driver="GeoJSON")
    before = _count(session)

    with pytest.raises(InvalidInput, match="already exist") as raised:
        import_parcels(session, path)

    (found,) = raised.value.report.problems
    assert (found.row, found.parcel_code, found.kind) == (2, existing, "exists")
    assert raised.value.report.accepted is False
    assert _count(session) == before


def test_geopackage_with_several_polygon_layers_needs_a_layer_name(session, tmp_path):
    path = tmp_path / "two.gpkg"
    _frame(2).to_file(path, layer="parcels_a", driver="GPKG")
    translated = _frame(2).assign(宗地编号=["B-1", "B-2"])
    translated.to_file(path, layer="parcels_b", driver="GPKG")

    with pytest.raises(InvalidInput, match="polygon layers"):
        import_parcels(session, path)
    report = import_parcels(session, path, ImportOptions.build(layer="parcels_b"))
    assert report.parcel_codes == ["B-1", "B-2"]


def test_cli_import_failure_leaves_the_database_unchanged(demo_engine, tmp_path):
    path = tmp_path / "bad.gpkg"
    frame = _frame(3)
    frame.loc[2, "geometry"] = Point(ORIGIN)
    frame.to_file(path, driver="GPKG")
    url = demo_engine.url.render_as_string(hide_password=False)
    with demo_engine.connect() as conn:
        before = conn.scalar(select(func.count(Parcel.id)))

    result = CliRunner().invoke(app, ["import", str(path), "--database-url", url])

    assert result.exit_code == 2
    assert "第 3 行" in result.output and "图形类型为 点,不是面" in result.output
    with demo_engine.connect() as conn:
        assert conn.scalar(select(func.count(Parcel.id))) == before


def test_cli_import_writes_in_one_transaction(databases, tmp_path):
    url = databases.new_url()
    path = tmp_path / "good.geojson"
    _frame(5).to_file(path, driver="GeoJSON")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--database-url", url]).exit_code == 0

    result = runner.invoke(app, ["import", str(path), "--database-url", url])

    assert result.exit_code == 0, result.output
    assert "已导入:5 宗" in result.output
    again = runner.invoke(app, ["import", str(path), "--database-url", url])
    assert again.exit_code == 2
    assert "宗地编号已存在于数据库中" in again.output
    engine = databases.engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count(Parcel.id))) == 5


def test_typed_in_area_and_ids_are_never_trusted(session, tmp_path):
    path = tmp_path / "typed.geojson"
    _frame(1, id=[999999], area_m2=[1.0]).to_file(path, driver="GeoJSON")

    import_parcels(session, path)

    stored = session.scalars(select(Parcel).where(Parcel.parcel_code == "TEST-000")).one()
    assert stored.id != 999999
    assert stored.area_m2 > 1000
    assert stored.extra == {"area_m2": 1.0, "id": 999999}  # kept, as the file said


def _free_spot_in(session, zone_kind: str = "area") -> tuple[int, shapely.Point]:
    """A zone of ``zone_kind`` and a point inside it that no stored parcel covers."""
    zone = session.execute(
        select(Zone.id, func.ST_AsBinary(Zone.geom)).where(Zone.kind == zone_kind).limit(1)
    ).one()
    parcels = session.scalars(select(func.ST_AsBinary(Parcel.geom))).all()
    taken = shapely.union_all([shapely.from_wkb(bytes(g)) for g in parcels])
    free = shapely.from_wkb(bytes(zone[1])).difference(taken.buffer(0.0005))
    return zone[0], free.representative_point()


def test_zone_comes_from_the_file_or_from_where_the_parcel_lies(session, tmp_path):
    areas = session.execute(select(Zone.id, Zone.name).where(Zone.kind == "area")).all()
    zone_of_point, point = _free_spot_in(session)
    near = translate(box(-0.00005, -0.00005, 0.00005, 0.00005), point.x, point.y)
    path = tmp_path / "zones.geojson"
    gpd.GeoDataFrame(
        {"宗地编号": ["Z-1", "Z-2"], "所在园区": [None, areas[1].name]},
        geometry=[near, _square(0)],
        crs=4490,
    ).to_file(path, driver="GeoJSON")

    import_parcels(session, path)

    zones = dict(
        session.execute(
            select(Parcel.parcel_code, Parcel.zone_id).where(Parcel.parcel_code.in_(["Z-1", "Z-2"]))
        ).all()
    )
    assert zones == {"Z-1": zone_of_point, "Z-2": areas[1].id}


def test_zone_code_wins_over_name_and_an_unknown_label_falls_back(session, tmp_path):
    areas = session.execute(
        select(Zone.id, Zone.code, Zone.name).where(Zone.kind == "area").order_by(Zone.id)
    ).all()
    zone_of_point, point = _free_spot_in(session)
    near = translate(box(-0.00005, -0.00005, 0.00005, 0.00005), point.x, point.y)
    path = tmp_path / "zone_labels.geojson"
    gpd.GeoDataFrame(
        {
            "宗地编号": ["Z-3", "Z-4", "Z-5"],
            "片区编号": [areas[0].code, "no-such-zone", " no-such-zone "],
            "所在园区": [areas[1].name, f" {areas[1].name} ", "无此园区"],
        },
        geometry=[_square(0), _square(1), near],
        crs=4490,
    ).to_file(path, driver="GeoJSON")

    import_parcels(session, path)

    zones = dict(
        session.execute(
            select(Parcel.parcel_code, Parcel.zone_id).where(
                Parcel.parcel_code.in_(["Z-3", "Z-4", "Z-5"])
            )
        ).all()
    )
    assert zones == {"Z-3": areas[0].id, "Z-4": areas[1].id, "Z-5": zone_of_point}
