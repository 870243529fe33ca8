"""The factory space and the projects exported, read back as a clerk's tools read them:
``GET /api/exports/buildings.{xlsx,gpkg,geojson,shp.zip}`` with openpyxl, pyogrio (GDAL)
and geopandas, ``GET /api/exports/projects.xlsx`` with openpyxl, and ``landgis export
--what buildings|projects``; on a demo county per backend where space is let
(:func:`factory_space.let_space`) and three projects are courted.

The demo county has units, leases and projects of its own: the totals are its own, read
from the tables before the test lets or courts anything (:func:`county_figures`), plus
those the test's rows were worked out to make by hand."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from typing import Any

import geopandas as gpd
import openpyxl
import pyogrio
import pytest
from factory_projects import CASE_MATCHED, court_projects
from factory_space import TODAY, let_space
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.main import create_app
from landgis.cli import app as cli
from landgis.db.models import Building, BuildingUnit, Lease, Project
from landgis.db.session import read_session, transaction
from landgis.settings import Settings
from landgis.wallclock import frozen_at

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def county_figures(session) -> dict[str, Any]:
    """The county's own space and projects: its units (number, floor area, leased area by
    stored state), leases, and projects (number, by stage, their land need in 亩 and
    investment in 万元)."""
    units = session.execute(select(BuildingUnit.state, BuildingUnit.floor_area_m2)).all()
    projects = session.execute(
        select(Project.stage, Project.land_need_m2, Project.investment_wan_yuan)
    ).all()
    return {
        "units": len(units),
        "unit_m2": sum(area for _, area in units),
        "leased_m2": sum(area for state, area in units if state == "leased"),
        "leases": session.scalar(select(func.count()).select_from(Lease)),
        "projects": len(projects),
        "stages": Counter(stage for stage, _, _ in projects),
        "land_mu": sum((need or 0) * 15 / 10000 for _, need, _ in projects),
        "investment": sum(money or 0 for _, _, money in projects),
        "numbers": set(session.scalars(select(Project.project_no))),
    }


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo()
    with read_session(demo.engine) as session:
        county = county_figures(session)
    assert county["units"] and county["leases"] and county["projects"]
    with frozen_at(TODAY), transaction(demo.engine) as session:
        space = let_space(session)
        courted = court_projects(session)
        ids = {"zoned": space.zoned.id, "zoneless": space.zoneless.id}
        ids["standard"] = courted.building.id
    with read_session(demo.engine) as session:
        count = session.scalar(select(func.count()).select_from(Building))
        total = session.scalar(select(func.sum(Building.floor_area_m2)))
    return {
        "demo": demo,
        "courted": courted,
        "ids": ids,
        "count": count,
        "total": total,
        "county": county,
    }


@pytest.fixture(autouse=True)
def _on_the_day():
    """Every test runs on let_space's day (2024-06-20)."""
    with frozen_at(TODAY):
        yield


@pytest.fixture(scope="module")
def client(site):
    with TestClient(create_app(Settings(database_url=site["demo"].url))) as test_client:
        yield test_client


def _get(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.content


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_the_workbook_holds_buildings_units_and_leases_with_totals(client, site):
    response = client.get("/api/exports/buildings.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert "buildings_" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["厂房", "单元", "租赁"]
    buildings = _rows(book["厂房"])
    assert buildings[0][0] == "青溪县标准厂房与企业厂房台账"
    header = buildings[2]
    assert header[:4] == ("厂房编号", "厂房名称", "厂房类型", "厂房状态")
    body, total = buildings[3:-1], buildings[-1]
    assert len(body) == site["count"]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    zoned = by_id[site["ids"]["zoned"]]
    assert (zoned["空置面积(㎡)"], zoned["已出租面积(㎡)"], zoned["自用面积(㎡)"]) == (
        450,
        200,
        100,
    )
    assert zoned["出租率"] == pytest.approx(0.4)
    assert by_id[site["ids"]["standard"]]["厂房类型"] == "标准厂房"
    assert total[0] == f"合计:{site['count']} 栋"
    assert total[header.index("建筑面积(㎡)")] == pytest.approx(round(site["total"], 2))
    county = site["county"]
    leased = county["leased_m2"] + 200 + 250 + 2300
    assert total[header.index("已出租面积(㎡)")] == pytest.approx(leased)
    units = _rows(book["单元"])
    # the county's, and 5 + 2 + the standard building's 4
    assert units[-1][0] == f"合计:{county['units'] + 11} 个"
    area = county["unit_m2"] + 800 + 370 + 4800
    assert units[-1][units[2].index("面积(㎡)")] == pytest.approx(area)
    leases = _rows(book["租赁"])
    lease_header = leases[2]
    assert leases[-1][0] == f"合计:{county['leases'] + 5} 份"  # the county's, and 4 + 1
    let = {row[0]: dict(zip(lease_header, row, strict=True)) for row in leases[3:-1]}
    assert let[site["courted"].lease_no]["租赁面积(㎡)"] == 2300
    assert let[site["courted"].lease_no]["承租人"] == "成都精微电子科技有限公司"
    sheet = book["厂房"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.freeze_panes == "C4"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_the_gis_files_hold_the_footprints(client, site, tmp_path):
    package = tmp_path / "b.gpkg"
    package.write_bytes(_get(client, "/api/exports/buildings.gpkg"))
    layers = {str(name): kind for name, kind in pyogrio.list_layers(package)}
    assert layers == {"buildings": "MultiPolygon", "units": None, "leases": None}
    info = pyogrio.read_info(package, layer="buildings")
    assert info["features"] == site["count"] and info["crs"] == "EPSG:4490"
    frame = gpd.read_file(package, layer="buildings")
    zoned = frame[frame["厂房编号"] == site["ids"]["zoned"]].iloc[0]
    assert zoned["片区"] == "产城新区" and zoned["已出租面积(㎡)"] == 200
    assert len(gpd.read_file(package, layer="units")) == site["county"]["units"] + 11

    collection = gpd.read_file(io.BytesIO(_get(client, "/api/exports/buildings.geojson")))
    assert len(collection) == site["count"]
    assert collection.geometry.notna().all()
    assert set(collection["厂房编号"]) == set(frame["厂房编号"])
    assert collection.geometry.union_all().equals_exact(frame.geometry.union_all(), 1e-6)

    archive = tmp_path / "b.shp.zip"
    archive.write_bytes(_get(client, "/api/exports/buildings.shp.zip"))
    names = zipfile.ZipFile(archive).namelist()
    assert {"buildings.shp", "buildings.dbf", "buildings.prj", "fields.txt"} <= set(names)
    shapes = gpd.read_file(f"zip://{archive}")
    assert len(shapes) == site["count"] and shapes.crs.to_epsg() == 4490
    standard = shapes[shapes["id"] == site["ids"]["standard"]].iloc[0]
    assert (standard["kind"], standard["leased_m2"], standard["vacant_m2"]) == (
        "标准厂房",
        2300,
        2500,
    )
    refused = client.get("/api/exports/buildings.kml")
    assert refused.status_code == 422 and "shp.zip" in refused.json()["message"]


def test_the_project_register(client, site):
    book = openpyxl.load_workbook(io.BytesIO(_get(client, "/api/exports/projects.xlsx")))
    rows = _rows(book["招商项目"])
    assert rows[0][0] == "青溪县招商项目台账"
    county = site["county"]
    # the test's: one in talks (洽谈), one signed (签约), one landed (落地)
    mine = {"negotiating": 1, "signed": 1, "landed": 1, "producing": 0}
    stages = "、".join(
        f"{name} {county['stages'][code] + mine[code]} 个"
        for code, name in (
            ("negotiating", "洽谈"),
            ("signed", "签约"),
            ("landed", "落地"),
            ("producing", "投产"),
        )
    )
    assert f"项目 {county['projects'] + 3} 个:{stages}。" in rows[1][0]
    header = rows[2]
    records = {row[0]: dict(zip(header, row, strict=True)) for row in rows[3:-1]}
    courted = site["courted"]
    assert list(records) == sorted([*county["numbers"], courted.land, courted.space, courted.open])
    land = records[courted.land]
    assert (land["阶段"], land["用地需求(亩)"], land["用地需求(㎡)"]) == ("落地", 45, 30000)
    assert land["签约日期"].date().isoformat() == "2024-04-10"
    assert land["匹配台账编号"] == CASE_MATCHED
    assert records[courted.space]["匹配租赁编号"] == courted.lease_no
    assert records[courted.open]["意向片区"] == "产城新区、白鹤工业区"
    total = dict(zip(header, rows[-1], strict=True))
    assert total["项目编号"] == f"合计:{county['projects'] + 3} 个"
    assert total["用地需求(亩)"] == pytest.approx(county["land_mu"] + 75, abs=0.01)
    assert total["计划投资(万元)"] == pytest.approx(county["investment"] + 40000)


def test_the_command_line_writes_the_same_files(client, site, tmp_path):
    url = site["demo"].url
    out = tmp_path / "out" / "厂房.gpkg"
    done = CliRunner().invoke(
        cli, ["export", "--what", "buildings", "-f", "gpkg", "-o", str(out), "--database-url", url]
    )
    assert done.exit_code == 0, done.output
    assert f"已导出厂房 {site['count']} 栋" in done.output
    assert pyogrio.read_info(out, layer="buildings")["features"] == site["count"]
    register = tmp_path / "项目.xlsx"
    done = CliRunner().invoke(
        cli, ["export", "--what", "projects", "-o", str(register), "--database-url", url]
    )
    assert done.exit_code == 0, done.output
    from_api = _rows(
        openpyxl.load_workbook(io.BytesIO(_get(client, "/api/exports/projects.xlsx"))).active
    )
    assert _rows(openpyxl.load_workbook(register).active)[2:] == from_api[2:]
    refused = CliRunner().invoke(
        cli, ["export", "--what", "buildings", "--status", "disposing", "--database-url", url]
    )
    assert refused.exit_code == 2 and "--status" in refused.output
    wrong = CliRunner().invoke(cli, ["export", "--what", "roads", "--database-url", url])
    assert wrong.exit_code == 2 and "roads" in wrong.output
