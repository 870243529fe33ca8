"""The synthetic province generator (bench/province.py): schema, geometry, ledger, loading."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from sqlalchemy import func, select

from bench.province import generate_province, write_province
from landgis.geo import gk_zone_epsgs, parcel_areas, planar_areas_m2
from landgis.ledger import replay

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "geo" / "demo_county.gpkg"
N = 200
LAYERS = ("zones", "parcels", "buildings", "cases", "case_events")


@pytest.fixture(scope="module")
def province() -> dict[str, pd.DataFrame]:
    return generate_province(N, seed=7)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("province") / "province.gpkg"
    write_province(path, N, seed=7)
    return path


def _schema(path: Path, layer: str) -> tuple:
    info = pyogrio.read_info(path, layer=layer)
    return (list(info["fields"]), list(info["dtypes"]), info["geometry_type"], info["crs"])


def _plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def test_layers_have_the_demo_schema(written):
    assert [name for name, _ in pyogrio.list_layers(written)] == list(LAYERS)
    for layer in LAYERS:
        assert _schema(written, layer) == _schema(DEMO, layer), layer


def test_counts(province):
    assert len(province["parcels"]) == N
    assert len(province["cases"]) == round(0.05 * N)
    assert province["parcels"]["parcel_code"].is_unique
    assert province["cases"]["case_no"].is_unique
    assert set(province["zones"]["kind"]) == {"county", "park", "area"}


def test_geometries_are_valid_and_do_not_overlap(province):
    for layer in ("zones", "parcels", "buildings"):
        assert shapely.is_valid(province[layer].geometry.values).all(), layer
    geoms = province["parcels"].geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    assert pairs.any()  # neighbours share edges
    overlapping = shapely.relate_pattern(geoms[left[pairs]], geoms[right[pairs]], "T********")
    assert not overlapping.any()


def test_parcels_lie_in_their_area_and_buildings_on_their_parcel(province):
    zones = province["zones"].set_index("code").geometry
    parcels = province["parcels"]
    areas = zones[parcels["zone_code"]].to_numpy()
    assert shapely.within(parcels.geometry.values, areas).all()
    on = parcels.set_index("parcel_code").geometry[province["buildings"]["parcel_code"]]
    assert shapely.within(province["buildings"].geometry.values, on.to_numpy()).all()


def test_parcel_sizes_and_shapes(province):
    area = planar_areas_m2(province["parcels"].geometry)
    assert area.min() >= 5_000
    assert area.max() <= 80_000
    holes = shapely.get_num_interior_rings(shapely.get_geometry(province["parcels"].geometry, 0))
    assert (holes > 0).any()


def test_some_parcels_are_multipart():
    parcels = generate_province(2_000, seed=7, counties=8, case_share=0.0)["parcels"]
    parts = shapely.get_num_geometries(parcels.geometry.values)
    assert 0 < (parts > 1).sum() < 0.05 * len(parcels)
    assert shapely.is_valid(parcels.geometry.values).all()


def test_at_least_two_gk_zones(province):
    assert len(set(gk_zone_epsgs(province["parcels"].geometry))) >= 2


def test_deterministic_by_seed(province):
    again = generate_province(N, seed=7)
    for layer in LAYERS:
        pd.testing.assert_frame_equal(
            pd.DataFrame(province[layer]), pd.DataFrame(again[layer]), check_exact=True
        )
    other = generate_province(N, seed=8)
    assert (
        not other["parcels"]
        .geometry.geom_equals_exact(province["parcels"].geometry, tolerance=0.0)
        .all()
    )


def test_written_file_matches_the_generated_data(province, written):
    for layer in LAYERS:
        read = gpd.read_file(written, layer=layer, engine="pyogrio")
        assert len(read) == len(province[layer]), layer
    read = gpd.read_file(written, layer="parcels", engine="pyogrio")
    assert shapely.equals_exact(read.geometry.values, province["parcels"].geometry.values, 0).all()


def test_idle_areas_are_the_computed_parcel_areas(written):
    parcels = gpd.read_file(written, layer="parcels", engine="pyogrio").set_index("parcel_code")
    cases = gpd.read_file(written, layer="cases", engine="pyogrio")
    geoms = parcels.geometry[cases["parcel_code"]].reset_index(drop=True)
    areas = parcel_areas(gpd.GeoSeries(geoms, crs="EPSG:4490"))["area_m2"]
    assert (cases["idle_area_m2"].to_numpy() == areas).all()
    assert (cases["revitalized_area_m2"] <= cases["idle_area_m2"]).all()


def test_events_replay_to_the_case_rows(written):
    cases = gpd.read_file(written, layer="cases", engine="pyogrio").set_index("case_no")
    events = gpd.read_file(written, layer="case_events", engine="pyogrio")
    assert set(events["case_no"]) == set(cases.index)
    for case_no, group in events.groupby("case_no", sort=False):
        assert group["action"].iloc[0] == "open"
        dates = list(group["occurred_on"])
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        state = replay(
            (_plain(e["status_after"]), json.loads(e["changes"])) for _, e in group.iterrows()
        )
        assert state.pop("version") == len(group)
        row = {k: _plain(v) for k, v in cases.loc[case_no].items() if k != "geometry"}
        assert state == {"case_no": case_no} | row
        if row["status"] in ("identified", "planned", "disposing", "revitalized", "closed"):
            assert row["determination_no"] and row["identified_on"]
        if row["status"] in ("revitalized", "closed"):
            assert row["revitalized_area_m2"] > 0 and row["revitalized_on"]


def test_loads_into_spatialite_with_load_demo(tmp_path):
    from landgis.db.engine import make_engine
    from landgis.db.migrate import upgrade
    from landgis.db.models import Case, CaseEvent, Parcel
    from landgis.db.session import transaction
    from landgis.demo import load_demo
    from landgis.settings import Settings

    path = tmp_path / "small.gpkg"
    counts = write_province(path, 80, seed=3, counties=4, case_share=0.1)
    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path}/p.sqlite"))
    try:
        upgrade(engine)
        with transaction(engine) as session:
            report = load_demo(session, path)
        assert report.loaded
        with transaction(engine) as session:
            assert session.scalar(select(func.count(Parcel.id))) == counts["parcels"] == 80
            assert session.scalar(select(func.count(Case.id))) == counts["cases"] == 8
            assert session.scalar(select(func.count(CaseEvent.id))) == counts["case_events"]
            unzoned = select(func.count(Parcel.id)).where(Parcel.zone_id.is_(None))
            assert session.scalar(unzoned) == 0
    finally:
        engine.dispose()
