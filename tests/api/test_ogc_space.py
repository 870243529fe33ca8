"""The ``buildings`` and ``projects`` collections of OGC API - Features on each backend, on
a demo county where factory space is let (:func:`factory_space.let_space`) and three
projects are courted (:func:`factory_projects.court_projects`): listed on /collections
(JSON and HTML), paged, narrowed by ``bbox`` and CQL2 with exactly the features the data
says, a building with no footprint as a null geometry, their queryables, counts kept up to
date, and both read with OWSLib from a live server.

The demo county has space and projects of its own: what a filter selects is the test's
buildings and projects the figures were worked out for by hand, and those of the county's
own that the filter's condition holds for, read from the tables here (:func:`county_space`,
:func:`county_projects`)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import shapely
from factory_projects import CASE_PARCEL, court_projects
from factory_space import TODAY, let_space, service
from fastapi.testclient import TestClient
from owslib.ogcapi.features import Features
from shapely.geometry import box, shape
from sqlalchemy import delete, func, select, update

from api.main import create_app
from landgis.commands import CreateProject
from landgis.db.models import (
    Building,
    BuildingUnit,
    Case,
    LeaseUnit,
    Parcel,
    Project,
    ProjectMatch,
)
from landgis.db.session import read_session, transaction
from landgis.settings import Settings
from landgis.wallclock import frozen_at

USE_STATES = ("vacant", "leased", "owner_occupied", "under_construction")

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def site(databases) -> dict[str, Any]:
    """The county, its let space and projects; the footprint of the building nearest the
    let one in 产城新区 removed (``bare``, its old footprint ``bare_was``)."""
    engine = databases.demo().engine
    with frozen_at(TODAY), transaction(engine) as session:
        space = let_space(session)
        courted = court_projects(session)
        rows = session.execute(select(Building.id, func.ST_AsBinary(Building.footprint))).all()
        shapes = {key: shapely.from_wkb(bytes(wkb)) for key, wkb in rows}
        taken = {space.zoned.id, space.zoneless.id, courted.building.id}
        zoned = shapes[space.zoned.id]
        bare = min((k for k in shapes if k not in taken), key=lambda k: shapes[k].distance(zoned))
        session.execute(update(Building).where(Building.id == bare).values(footprint=None))
        found = {
            "url": engine.url.render_as_string(hide_password=False),
            "engine": engine,
            "zoned": space.zoned.id,
            "zoneless": space.zoneless.id,
            "bare": bare,
            "bare_was": shapes[bare],
            "courted": courted,
            "standard": courted.building.id,
            "building_parcel": courted.building_parcel,
        }
    return found


@pytest.fixture(autouse=True)
def _on_the_day():
    """Every test runs on let_space's day (2024-06-20)."""
    with frozen_at(TODAY):
        yield


@pytest.fixture(scope="module")
def client(site):
    with TestClient(create_app(Settings(database_url=site["url"]))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def footprints(site) -> dict[int, Any]:
    with read_session(site["engine"]) as session:
        rows = session.execute(
            select(Building.id, func.ST_AsBinary(Building.footprint)).where(
                Building.footprint.is_not(None)
            )
        ).all()
    return {key: shapely.from_wkb(bytes(wkb)) for key, wkb in rows}


@pytest.fixture(scope="module")
def parcels(site) -> dict[str, Any]:
    with read_session(site["engine"]) as session:
        rows = session.execute(select(Parcel.parcel_code, func.ST_AsBinary(Parcel.geom))).all()
    return {code: shapely.from_wkb(bytes(wkb)) for code, wkb in rows}


@pytest.fixture(scope="module")
def county_space(site) -> dict[int, dict[str, Any]]:
    """The county's own buildings (not those the tests let), each with its kind, whether
    its parcel is in a zone, its units' floor area by stored state and its occupancy rate
    ((leased + owner-occupied) ÷ the units' area not under construction, to 0.0001)."""
    mine = {site["zoned"], site["zoneless"], site["standard"]}
    with read_session(site["engine"]) as session:
        buildings = session.execute(
            select(Building.id, Building.kind, Parcel.zone_id).join(
                Parcel, Parcel.id == Building.parcel_id
            )
        ).all()
        units = session.execute(
            select(BuildingUnit.building_id, BuildingUnit.state, BuildingUnit.floor_area_m2)
        ).all()
    found: dict[int, dict[str, Any]] = {
        key: {"kind": kind, "zoned": zone is not None, **dict.fromkeys(USE_STATES, 0.0)}
        for key, kind, zone in buildings
        if key not in mine
    }
    for key, state, area in units:
        if key in found:
            found[key][state] += area
    for row in found.values():
        counted = row["vacant"] + row["leased"] + row["owner_occupied"]
        occupied = row["leased"] + row["owner_occupied"]
        row["rate"] = round(occupied / counted, 4) if counted > 0 else None
    return found


@pytest.fixture(scope="module")
def county_projects(site) -> dict[str, dict[str, Any]]:
    """The county's own projects (not those the tests court), each with its stage, land
    need (㎡), preferred zones and the codes of the parcels its matches are on: a matched
    case's parcel, the parcels of a matched lease's buildings."""
    courted = site["courted"]
    mine = {courted.land, courted.space, courted.open}
    with read_session(site["engine"]) as session:
        projects = session.execute(
            select(Project.project_no, Project.stage, Project.land_need_m2, Project.preferred_zones)
        ).all()
        by_case = session.execute(
            select(Project.project_no, Parcel.parcel_code)
            .join(ProjectMatch, ProjectMatch.project_id == Project.id)
            .join(Case, Case.id == ProjectMatch.case_id)
            .join(Parcel, Parcel.id == Case.parcel_id)
        ).all()
        by_lease = session.execute(
            select(Project.project_no, Parcel.parcel_code)
            .join(ProjectMatch, ProjectMatch.project_id == Project.id)
            .join(LeaseUnit, LeaseUnit.lease_id == ProjectMatch.lease_id)
            .join(BuildingUnit, BuildingUnit.id == LeaseUnit.unit_id)
            .join(Building, Building.id == BuildingUnit.building_id)
            .join(Parcel, Parcel.id == Building.parcel_id)
        ).all()
        matched = set(
            session.scalars(
                select(Project.project_no).join(ProjectMatch, ProjectMatch.project_id == Project.id)
            )
        )
    found = {
        number: {
            "stage": stage,
            "land_need_m2": need,
            "zones": list(zones or []),
            "parcels": set(),
            "matched": number in matched,
        }
        for number, stage, need, zones in projects
        if number not in mine
    }
    for number, code in (*by_case, *by_lease):
        if number in found:
            found[number]["parcels"].add(code)
    return found


def _page(client, collection: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/ogc/collections/{collection}/items", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json()


def _walk(client, collection: str, **params: Any) -> list[dict[str, Any]]:
    page = _page(client, collection, **params)
    found = list(page["features"])
    while nexts := [link for link in page["links"] if link["rel"] == "next"]:
        response = client.get(nexts[0]["href"])
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["features"]
    return found


def _ids(client, collection: str, **params: Any) -> list[Any]:
    return [f["id"] for f in _walk(client, collection, limit=1000, **params)]


def test_both_collections_are_listed_in_json_and_html(client):
    listed = client.get("/ogc/collections").json()["collections"]
    by_id = {c["id"]: c for c in listed}
    assert [c["id"] for c in listed][-2:] == ["buildings", "projects"]
    assert by_id["buildings"]["title"] == "厂房 Factory buildings"
    assert by_id["projects"]["title"] == "招商项目 Investment projects"
    west, south, east, north = by_id["projects"]["extent"]["spatial"]["bbox"][0]
    assert 104 < west < east < 106 and 29 < south < north < 31
    html = client.get("/ogc/collections", params={"f": "html"})
    assert html.status_code == 200
    for name in ("buildings", "projects"):
        assert f'data-collection="{name}"' in html.text
    for name in ("buildings", "projects"):
        document = client.get(f"/ogc/collections/{name}").json()
        assert "temporal" not in document["extent"]


def test_every_building_is_a_feature_with_its_units_areas(client, site, footprints):
    every = _walk(client, "buildings", limit=50)
    with read_session(site["engine"]) as session:
        count = session.scalar(select(func.count()).select_from(Building))
    assert [f["id"] for f in every] == sorted(f["id"] for f in every)
    assert len(every) == len({f["id"] for f in every}) == count
    by_id = {f["id"]: f for f in every}
    zoned = by_id[site["zoned"]]["properties"]
    # let_space, as of today: 1F ended early, 2F let, 3F signed ahead, 4F own use, 5F built.
    assert (zoned["vacant_m2"], zoned["leased_m2"]) == (450.0, 200.0)
    assert (zoned["owner_occupied_m2"], zoned["under_construction_m2"]) == (100.0, 50.0)
    assert zoned["occupancy_rate"] == pytest.approx(round(300 / 750, 4))
    assert (zoned["zone"], zoned["zone_name"]) == ("QX-KFQ-CC", "产城新区")
    zoneless = by_id[site["zoneless"]]["properties"]
    assert (zoneless["zone"], zoneless["leased_m2"], zoneless["vacant_m2"]) == (None, 250.0, 120.0)
    standard = by_id[site["standard"]]["properties"]
    assert (standard["kind"], standard["leased_m2"], standard["vacant_m2"]) == (
        "standard",
        2300.0,
        2500.0,
    )
    assert by_id[site["bare"]]["geometry"] is None
    some = next(f for f in every if f["geometry"] is not None)
    assert shape(some["geometry"]).equals_exact(footprints[some["id"]], tolerance=1e-7)
    one = client.get(f"/ogc/collections/buildings/items/{site['zoned']}").json()
    assert one["properties"] == zoned
    assert client.get("/ogc/collections/buildings/items/abc").status_code == 404
    assert client.get("/ogc/collections/buildings/items", params={"after": "x"}).status_code == 400


def test_bbox_selects_the_buildings_whose_footprint_meets_it(client, site, footprints):
    near = shapely.union(footprints[site["zoned"]], site["bare_was"])
    minx, miny, maxx, maxy = near.buffer(0.0005).bounds
    area = box(minx, miny, maxx, maxy)
    wanted = sorted(k for k, g in footprints.items() if g.intersects(area))
    assert site["zoned"] in wanted and 1 < len(wanted) < len(footprints)
    got = _ids(client, "buildings", bbox=f"{minx},{miny},{maxx},{maxy}")
    assert got == wanted
    # The building with no footprint lay inside the box, yet no box selects it now.
    assert site["bare"] not in got


def test_a_cql2_filter_selects_the_let_buildings(client, site, county_space):
    let = [k for k, row in county_space.items() if row["leased"] > 0 and row["zoned"]]
    assert let, "the county lets space in its zones"
    got = _ids(client, "buildings", filter="leased_m2 > 0 AND zone IS NOT NULL")
    assert got == sorted([*let, site["zoned"], site["standard"]])
    standard = [k for k, row in county_space.items() if row["kind"] == "standard"]
    got = _ids(client, "buildings", filter="kind = 'standard'")
    assert got == sorted([*standard, site["standard"]])
    # The zoneless building (250 of 370 ㎡ let) is the test's only one at 0.5 or more.
    rates = {k: row["rate"] for k, row in county_space.items()}
    rates[site["zoneless"]] = round(250 / 370, 4)
    high = sorted(
        (k for k, rate in rates.items() if rate is not None and rate >= 0.5),
        key=lambda k: (-rates[k], k),
    )
    page = _page(
        client, "buildings", filter="occupancy_rate >= 0.5", sortby="-occupancy_rate", limit=1000
    )
    assert [f["id"] for f in page["features"]] == high
    by_id = {f["id"]: f["properties"] for f in page["features"]}
    assert by_id[site["zoneless"]]["occupancy_rate"] == pytest.approx(0.6757)
    assert [by_id[k]["occupancy_rate"] for k in high] == pytest.approx([rates[k] for k in high])
    chosen = _page(client, "buildings", filter="id = " + str(site["zoned"]), properties="name")
    assert list(chosen["features"][0]["properties"]) == ["name"]


def test_every_project_is_a_feature_on_its_matched_parcels(client, site, parcels, county_projects):
    courted = site["courted"]
    every = {f["id"]: f for f in _walk(client, "projects")}
    assert sorted(every) == sorted([*county_projects, courted.land, courted.space, courted.open])
    for number, row in county_projects.items():
        geometry = every[number]["geometry"]
        if not row["parcels"]:
            assert geometry is None, number
            continue
        union = shapely.union_all([parcels[code] for code in row["parcels"]])
        matched = shapely.normalize(shapely.multipolygons(shapely.get_parts(union)))
        drawn = shapely.normalize(shape(geometry))
        assert drawn.equals_exact(matched, tolerance=1e-7), number
    land = every[courted.land]
    assert shape(land["geometry"]).equals_exact(parcels[CASE_PARCEL], tolerance=1e-7)
    assert {k: land["properties"][k] for k in ("stage", "signed_on", "landed_on")} == {
        "stage": "landed",
        "signed_on": "2024-04-10",
        "landed_on": "2024-05-20",
    }
    assert (land["properties"]["land_need_mu"], land["properties"]["land_need_m2"]) == (
        45.0,
        30000.0,
    )
    assert (land["properties"]["case_nos"], land["properties"]["lease_nos"]) == (
        "QX-XZ-2023-013",
        None,
    )
    space = every[courted.space]
    assert shape(space["geometry"]).equals_exact(parcels[site["building_parcel"]], tolerance=1e-7)
    assert space["properties"]["lease_nos"] == courted.lease_no
    assert space["properties"]["stage"] == "signed"
    opened = every[courted.open]
    assert opened["geometry"] is None
    assert opened["properties"]["preferred_zones"] == "产城新区,白鹤工业区"


def _on(county_projects: dict[str, dict[str, Any]], parcels, area) -> list[str]:
    """The county's projects matched to a parcel that meets ``area``."""
    return [
        number
        for number, row in county_projects.items()
        if any(parcels[code].intersects(area) for code in row["parcels"])
    ]


def test_bbox_and_cql2_select_exactly_the_projects(client, site, parcels, county_projects):
    courted = site["courted"]
    county = county_projects
    minx, miny, maxx, maxy = parcels[CASE_PARCEL].bounds
    wanted = sorted([*_on(county, parcels, box(minx, miny, maxx, maxy)), courted.land])
    assert _ids(client, "projects", bbox=f"{minx},{miny},{maxx},{maxy}") == wanted
    point = parcels[site["building_parcel"]].representative_point()
    spatial = f"S_INTERSECTS(geom, POINT({point.x} {point.y}))"
    wanted = sorted([*_on(county, parcels, point), courted.space])
    assert _ids(client, "projects", filter=spatial) == wanted
    talks = [k for k, row in county.items() if row["stage"] == "negotiating"]
    assert _ids(client, "projects", filter="stage = 'negotiating'") == sorted(
        [*talks, courted.open]
    )
    # 1 亩 is 10000 / 15 ㎡; the property is rounded to 0.01 亩.
    large = [
        k
        for k, row in county.items()
        if row["land_need_m2"] is not None and round(row["land_need_m2"] * 15 / 10000, 2) >= 30
    ]
    assert large, "the county courts projects needing 30 亩 or more"
    assert _ids(client, "projects", filter="land_need_mu >= 30") == sorted(
        [*large, courted.land, courted.open]
    )
    baihe = [k for k, row in county.items() if any("白鹤" in z for z in row["zones"])]
    assert _ids(client, "projects", filter="preferred_zones LIKE '%白鹤%'") == sorted(
        [*baihe, courted.open]
    )
    unmatched = [k for k, row in county.items() if not row["matched"]]
    assert _ids(client, "projects", filter="case_nos IS NULL AND lease_nos IS NULL") == sorted(
        [*unmatched, courted.open]
    )
    assert _ids(client, "projects", bbox="10,10,11,11") == []


def test_queryables_name_every_property(client):
    for name, enum_of in (("buildings", "state"), ("projects", "stage")):
        schema = client.get(f"/ogc/collections/{name}/queryables").json()
        feature = _page(client, name, limit=1)["features"][0]
        assert set(schema["properties"]) == {*feature["properties"], "geom"}
        assert schema["properties"][enum_of]["enum"]
    projects = client.get("/ogc/collections/projects/queryables").json()["properties"]
    assert projects["stage"]["enum"] == ["negotiating", "signed", "landed", "producing"]
    assert projects["signed_on"]["format"] == "date"


def test_counts_follow_new_and_removed_projects(client, site):
    """The count of a filter is cached per data version: a new project changes it, and
    taking it away again too."""
    wanted = {"filter": "stage = 'negotiating'"}
    before = _page(client, "projects", **wanted)["numberMatched"]
    with transaction(site["engine"]) as session:
        added = service(session).handle(
            CreateProject(
                fields={"name": "临时项目", "investor": "某公司", "land_need_mu": 10},
                negotiating_on=dt.date(2024, 6, 1),
            )
        )
        number = added.project_no
    try:
        assert _page(client, "projects", **wanted)["numberMatched"] == before + 1
    finally:
        with transaction(site["engine"]) as session:
            session.execute(delete(Project).where(Project.project_no == number))
    assert _page(client, "projects", **wanted)["numberMatched"] == before


def test_the_html_pages_name_the_codes(client, site):
    page = client.get("/ogc/collections/buildings/items", params={"f": "html", "limit": 200})
    assert page.status_code == 200
    assert "标准厂房" in page.text
    one = client.get(f"/ogc/collections/projects/items/{site['courted'].land}?f=html")
    assert one.status_code == 200
    assert "落地" in one.text and "QX-XZ-2023-013" in one.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(site, tmp_path_factory):
    """``landgis serve`` on the county, on loopback, stopped at the end."""
    assert LANDGIS, "the landgis console script is installed with the package"
    port = _free_port()
    log = tmp_path_factory.mktemp("served") / "server.log"
    server = subprocess.Popen(
        [LANDGIS, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "LANDGIS_DATABASE_URL": site["url"]},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # A loaded machine may take a while to start a server.
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/ogc", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not answer within 120 s"
            time.sleep(0.2)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("NO_PROXY", "127.0.0.1,localhost")
            patch.setenv("no_proxy", "127.0.0.1,localhost")
            yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_owslib_reads_both_collections(served, site, county_space):
    api = Features(f"{served}/ogc")
    ids = [c["id"] for c in api.collections()["collections"]]
    assert {"buildings", "projects"} <= set(ids)
    assert "occupancy_rate" in api.collection_queryables("buildings")["properties"]
    page = api.collection_items(
        "buildings", filter="kind = 'standard'", **{"filter-lang": "cql2-text"}
    )
    standard = [k for k, row in county_space.items() if row["kind"] == "standard"]
    assert [f["id"] for f in page["features"]] == sorted([*standard, site["standard"]])
    one = api.collection_item("projects", site["courted"].space)
    assert one["properties"]["lease_nos"] == site["courted"].lease_no
