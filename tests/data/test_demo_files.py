"""The committed demo files: what the generator writes, and what the report says."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgis.geo import planar_areas_m2
from landgis.units import m2_to_mu

GEO = Path(__file__).resolve().parents[2] / "data" / "geo"
GPKG = GEO / "demo_county.gpkg"
LEDGER_STATUSES_DONE = {"revitalized", "closed"}


@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    return {
        name: gpd.read_file(GPKG, layer=name, engine="pyogrio")
        for name in ("zones", "parcels", "buildings", "cases", "case_events")
    }


def _digest(folder: Path) -> dict[str, str]:
    files = [folder / "demo_county.gpkg", *sorted((folder / "demo_county").iterdir())]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_committed_files_are_exactly_what_the_generator_writes(tmp_path):
    subprocess.run(
        [sys.executable, str(GEO / "make_demo.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert _digest(tmp_path) == _digest(GEO)


def test_the_demo_geopackage_is_version_1_2():
    with sqlite3.connect(GPKG) as db:
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        user_version = db.execute("PRAGMA user_version").fetchone()[0]
    assert application_id.to_bytes(4, "big") == b"GPKG" and user_version == 10200


def test_geopackage_layers_are_cgcs2000(layers):
    for name in ("zones", "parcels", "buildings"):
        assert layers[name].crs.to_epsg() == 4490
        assert set(layers[name].geom_type) == {"MultiPolygon"}


def test_geojson_copies_hold_the_same_features(layers):
    for name in ("zones", "parcels", "buildings"):
        copy = gpd.read_file(GEO / "demo_county" / f"{name}.geojson", engine="pyogrio")
        assert copy.crs.to_epsg() == 4490
        assert len(copy) == len(layers[name])
        areas = planar_areas_m2(copy.geometry)
        assert areas == pytest.approx(planar_areas_m2(layers[name].geometry), abs=1.0, rel=1e-5)
    events = json.loads((GEO / "demo_county" / "case_events.json").read_text(encoding="utf-8"))
    assert len(events) == len(layers["case_events"])


def test_parcels_are_realistic_valid_and_do_not_overlap(layers):
    parcels = layers["parcels"]
    assert 60 <= len(parcels) <= 120
    assert parcels["parcel_code"].is_unique
    assert shapely.is_valid(parcels.geometry.values).all()
    assert sum(len(g.geoms) > 1 for g in parcels.geometry) >= 2  # multipart parcels
    assert sum(any(p.interiors for p in g.geoms) for g in parcels.geometry) >= 2  # holes
    tree = shapely.STRtree(parcels.geometry.values)
    left, right = tree.query(parcels.geometry.values, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    gk = parcels.to_crs(4544).geometry.values
    overlaps = [shapely.area(shapely.intersection(gk[a], gk[b])) for a, b in pairs]
    # neighbours share edges; an edge straight in lon/lat bends by micrometres in GK
    assert max(overlaps, default=0.0) < 0.1  # m²


def test_zones_nest_county_park_areas_parcels(layers):
    zones = layers["zones"].set_index("code")
    county = zones[zones["kind"] == "county"].geometry.iloc[0]
    park = zones[zones["kind"] == "park"].geometry.iloc[0]
    areas = zones[zones["kind"] == "area"]
    assert len(areas) == 3
    assert county.contains(park)
    tolerance = 1e-7  # degrees, about 1 cm
    for code, area in areas.geometry.items():
        assert park.buffer(tolerance).contains(area), code
        inside = layers["parcels"][layers["parcels"]["zone_code"] == code]
        assert len(inside) > 0
        assert inside.geometry.within(area.buffer(tolerance)).all(), code


def test_ledger_reproduces_thirteen_cases_539_mu_and_120_mu_revitalized(layers):
    parcels = layers["parcels"].set_index("parcel_code")
    cases = layers["cases"]
    assert len(cases) == 13 and cases["parcel_code"].is_unique
    computed = planar_areas_m2(parcels.loc[cases["parcel_code"]].geometry)
    assert list(cases["idle_area_m2"]) == pytest.approx(list(computed), rel=1e-12)
    assert m2_to_mu(computed.sum()) == pytest.approx(539, abs=0.5)
    assert m2_to_mu(cases["revitalized_area_m2"].sum()) == pytest.approx(120, abs=0.5)
    revitalized = cases[cases["revitalized_area_m2"] > 0]
    assert set(revitalized["route"]) == {"buyback", "judicial_auction", "lease_conversion"}
    partial = revitalized[revitalized["revitalized_area_m2"] < revitalized["idle_area_m2"]]
    assert len(partial) == 1
    assert (cases["revitalized_building_area_m2"] <= cases["idle_building_area_m2"]).all()
    assert cases["revitalized_building_area_m2"].sum() > 0


def test_every_revitalization_happened_between_january_and_august_2023(layers):
    events = layers["case_events"]
    assert events["occurred_on"].min() >= "2023-01-01"
    assert events["occurred_on"].max() <= "2023-08-31"
    revitalized = layers["cases"].dropna(subset=["revitalized_on"])
    assert revitalized["revitalized_on"].between("2023-01-01", "2023-08-31").all()


def test_mix_of_causes_statuses_and_exactly_one_overdue_case(layers):
    cases = layers["cases"]
    assert cases["cause"].nunique() >= 3
    assert cases["category"].nunique() >= 2
    assert cases["status"].nunique() >= 5
    open_cases = cases[~cases["status"].isin(LEDGER_STATUSES_DONE)]
    overdue = open_cases[open_cases["deadline"] < "2023-08-31"]
    assert len(overdue) == 1


def test_replaying_each_case_history_rebuilds_the_case(layers):
    cases = layers["cases"].set_index("case_no")
    events = layers["case_events"]
    for case_no, history in events.groupby("case_no", sort=False):
        state: dict = {}
        for event in history.to_dict("records"):
            for name, (_before, after) in json.loads(event["changes"]).items():
                state[name] = after
            if event["status_after"]:
                state["status"] = event["status_after"]
        expected = {k: (None if pd.isna(v) else v) for k, v in cases.loc[case_no].to_dict().items()}
        assert {k: state.get(k) for k in expected} == expected, case_no
