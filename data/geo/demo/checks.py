"""The written demo read back and checked (geometry, buildings, totals, workflow, floor
areas, histories), and its headline figures."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.geo.demo.case_specs import FULLY_REVITALIZED, STEPS
from data.geo.demo.county import (
    AREAS,
    AS_OF,
    COUNTY_CODE,
    COUNTY_NAME,
    GK_CRS,
    GK_EPSG,
    PARK_CODE,
    PARK_NAME,
    REVITALIZED_MU,
    TOTAL_MU,
)
from data.geo.demo.ledger import replay
from data.geo.demo.space_checks import check_space
from landgis.credit_code import is_valid
from landgis.exchange import CASE_FIELDS
from landgis.geo import CGCS2000, planar_areas_m2
from landgis.units import m2_to_mu


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def plain(value: Any) -> Any:
    """A value read back from the GeoPackage as the ledger writes it (None for null)."""
    if missing(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def check_geometry(zones: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> None:
    """Validity, no overlap, parcels inside their area, areas in the park, park in the county."""
    for name, frame in (("zones", zones), ("parcels", parcels)):
        check(bool(frame.geometry.is_valid.all()), f"invalid geometry in {name}")
    geoms = parcels.geometry.values
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    overlaps = gpd.GeoSeries([geoms[i].intersection(geoms[j]) for i, j in pairs], crs=CGCS2000)
    overlap_m2 = planar_areas_m2(overlaps) if pairs else np.zeros(0)
    check(bool((overlap_m2 < 0.01).all()), f"parcels overlap: {overlap_m2.max():.4f} m²")
    zone = zones.set_index("code").geometry
    for code, geom in zip(parcels["zone_code"], parcels.geometry, strict=True):
        check(zone[code].covers(geom), f"a parcel lies outside area {code}")
    for code in AREAS:
        check(zone[PARK_CODE].covers(zone[code]), f"area {code} lies outside the park")
    check(zone[COUNTY_CODE].covers(zone[PARK_CODE]), "the park lies outside the county")
    x0, _, x1, _ = zones.total_bounds
    check(x0 >= 104.5 and x1 <= 105.5, "the county strays more than 0.5° from 105°E")


def check_buildings(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> None:
    """Footprints valid, inside their parcel; floor area = computed footprint area × floors."""
    check(bool(buildings.geometry.is_valid.all()), "invalid building footprint")
    parcel = parcels.set_index("parcel_code").geometry
    for code, geom in zip(buildings["parcel_code"], buildings.geometry, strict=True):
        check(parcel[code].contains(geom), f"a building sticks out of parcel {code}")
    footprint = planar_areas_m2(buildings.geometry)
    check(bool((footprint == buildings["footprint_area_m2"]).all()), "footprint areas differ")
    floor = footprint * buildings["floors"].to_numpy()
    check(bool((floor == buildings["floor_area_m2"]).all()), "floor areas differ")


def check_totals(parcels: gpd.GeoDataFrame, cases: pd.DataFrame) -> None:
    """13 whole-parcel cases, 539 亩; 120 亩 revitalized by the three routes, one in part."""
    area = dict(zip(parcels["parcel_code"], planar_areas_m2(parcels.geometry), strict=True))
    check(len(cases) == len(set(cases["parcel_code"])) == 13, "13 cases on 13 parcels")
    idle = zip(cases["parcel_code"], cases["idle_area_m2"], strict=True)
    check(all(area[c] == a for c, a in idle), "idle area is not the computed parcel area")
    check(abs(m2_to_mu(cases["idle_area_m2"].sum()) - TOTAL_MU) <= 0.01, "ledger is not 539 亩")
    revitalized = cases[cases["revitalized_area_m2"] > 0]
    total = m2_to_mu(revitalized["revitalized_area_m2"].sum())
    check(abs(total - REVITALIZED_MU) <= 0.01, "not 120 亩 revitalized")
    routes = {"buyback", "judicial_auction", "lease_conversion"}
    check(set(revitalized["route"]) == routes, "revitalized by other routes")
    partial = revitalized[revitalized["revitalized_area_m2"] < revitalized["idle_area_m2"]]
    check(len(partial) == 1 and (partial["status"] == "disposing").all(), "one partial case")
    full = revitalized.drop(partial.index)
    check(bool((full["revitalized_area_m2"] == full["idle_area_m2"]).all()), "full cases")
    check(revitalized["revitalized_on"].between("2023-01-01", AS_OF).all(), "revitalization dates")


def check_workflow(cases: pd.DataFrame) -> None:
    """Evidence by status, and exactly one open case past its deadline on 31 August."""
    for _, case in cases.iterrows():
        step = STEPS.index(case["status"])
        has = {f: not missing(case[f]) for f in CASE_FIELDS}
        check(has["identified_on"] == has["determination_no"] == (step >= 2), case["case_no"])
        check(has["route"] == has["plan_no"] == (step >= 3), case["case_no"])
        check(has["revitalized_on"] == (case["revitalized_area_m2"] > 0), case["case_no"])
        check(has["closed_on"] == (case["status"] == "closed"), case["case_no"])
        check(case["revitalized_area_m2"] <= case["idle_area_m2"], case["case_no"])
    open_cases = cases[~cases["status"].isin(FULLY_REVITALIZED)]
    check(int((open_cases["deadline"] < AS_OF).sum()) == 1, "exactly one overdue case")
    check(bool((open_cases["deadline"] >= "2023-06-30").all()), "deadlines")


def check_floor_areas(buildings: gpd.GeoDataFrame, cases: pd.DataFrame) -> None:
    """Idle and revitalized factory floor areas are those of the buildings in that state."""
    floors = buildings.groupby(["parcel_code", "state"])["floor_area_m2"].apply(math.fsum)
    for _, case in cases.iterrows():
        by_state = floors.get(case["parcel_code"], pd.Series(dtype=float))
        idle = math.fsum(v for state, v in by_state.items() if state != "in_use")
        revitalized = by_state.get("revitalized", 0.0)
        check(math.isclose(case["idle_building_area_m2"], idle, abs_tol=1e-6), "idle floors")
        check(
            math.isclose(case["revitalized_building_area_m2"], revitalized, abs_tol=1e-6),
            "revitalized floors",
        )


def check_history(cases: pd.DataFrame, events: pd.DataFrame) -> None:
    """Each case's events, in date order from an open event, replay to the case as written."""
    for case_no, group in events.groupby("case_no", sort=False):
        history = [
            {"changes": json.loads(e["changes"]), "status_after": plain(e["status_after"])}
            for _, e in group.iterrows()
        ]
        row = cases[cases["case_no"] == case_no].iloc[0]
        check(replay(history) == {f: plain(row[f]) for f in CASE_FIELDS}, f"{case_no} replay")
        check(list(group["occurred_on"]) == sorted(group["occurred_on"]), f"{case_no} order")
        check(group["action"].iloc[0] == "open", f"{case_no} starts with open")


def check_figures(parcels: gpd.GeoDataFrame, cases: pd.DataFrame, figures: pd.DataFrame) -> None:
    """Two years of figures of holders of parcels, one row each a year; 2023's tax per 亩
    that of the parcel; no tax on the ledger's idle land."""
    check(sorted(figures["year"].unique()) == [2022, 2023], "figures of 2022 and 2023")
    check(not figures.duplicated(["year", "name"]).any(), "one row per enterprise and year")
    held = parcels.set_index("holder")
    check(figures["name"].isin(held.index).all(), "figures of an enterprise with no parcel")
    coded = figures.dropna(subset=["credit_code"])
    codes = held.loc[coded["name"], "credit_code"].to_numpy()
    check(bool((coded["credit_code"].to_numpy() == codes).all()), "credit codes of the figures")
    latest = figures[figures["year"] == 2023].set_index("name")
    mu = m2_to_mu(planar_areas_m2(held.loc[latest.index].geometry))
    expected = held.loc[latest.index, "tax_per_mu"].to_numpy() * mu
    check(bool(np.allclose(latest["tax_yuan"], expected, atol=60.0)), "2023 tax per 亩")
    idle = parcels.set_index("parcel_code").loc[
        cases.loc[cases["category"] == "idle", "parcel_code"]
    ]
    check(bool((figures[figures["name"].isin(idle["holder"])]["tax_yuan"] == 0).all()), "idle tax")


def verify(gpkg: Path) -> dict[str, pd.DataFrame]:
    """Read the GeoPackage back and check it; its layers."""
    layers = {
        name: gpd.read_file(gpkg, layer=name, engine="pyogrio")
        for name in (
            "zones",
            "parcels",
            "buildings",
            "cases",
            "case_events",
            "enterprise_figures",
            "building_units",
            "leases",
            "projects",
        )
    }
    check_geometry(layers["zones"], layers["parcels"])
    check_buildings(layers["parcels"], layers["buildings"])
    check_totals(layers["parcels"], layers["cases"])
    check_workflow(layers["cases"])
    check_floor_areas(layers["buildings"], layers["cases"])
    check_history(layers["cases"], layers["case_events"])
    check_figures(layers["parcels"], layers["cases"], layers["enterprise_figures"])
    check_space(layers)
    mu = np.array([m2_to_mu(a) for a in planar_areas_m2(layers["parcels"].geometry)])
    check(
        bool(((mu >= 10.0) & (mu <= 120.0)).all()), f"parcel sizes {mu.min():.1f}-{mu.max():.1f} 亩"
    )
    check(all(is_valid(c) for c in layers["parcels"]["credit_code"]), "credit codes")
    check(layers["parcels"]["parcel_code"].is_unique, "parcel codes are unique")
    return layers


def summary(layers: dict[str, pd.DataFrame], paths: list[Path]) -> str:
    """The headline figures of the demo county, as read back from the GeoPackage."""
    parcels, buildings, cases = layers["parcels"], layers["buildings"], layers["cases"]
    revitalized = cases[cases["revitalized_area_m2"] > 0]
    by_route = revitalized.groupby("route")["revitalized_area_m2"].sum()
    park = layers["zones"].set_index("code").geometry[PARK_CODE]
    centre = gpd.GeoSeries([park], crs=CGCS2000).to_crs(GK_CRS).centroid.to_crs(CGCS2000)[0]
    lines = [
        f"{COUNTY_NAME} {PARK_NAME} (一园三区): {len(parcels)} parcels, {len(buildings)} buildings",
        f"台账: {len(cases)} 宗, {m2_to_mu(cases['idle_area_m2'].sum()):.2f} 亩",
        f"盘活: {len(revitalized)} 宗, {m2_to_mu(revitalized['revitalized_area_m2'].sum()):.2f} 亩",
        *(f"  {route}: {m2_to_mu(area):.2f} 亩" for route, area in by_route.items()),
        f"企业亩均数据: {len(layers['enterprise_figures'])} 行 (2022, 2023)",
        f"闲置厂房: {cases['idle_building_area_m2'].sum():.2f} ㎡, "
        f"盘活厂房: {cases['revitalized_building_area_m2'].sum():.2f} ㎡",
        f"标准厂房: {int((buildings['kind'] == 'standard').sum())} 栋, "
        f"单元 {len(layers['building_units'])} 个, 租约 {len(layers['leases'])} 份, "
        f"招商项目 {len(layers['projects'])} 个",
        f"park centre: {centre.x:.4f}°E {centre.y:.4f}°N (EPSG:4490); "
        f"GK zone CM 105°E, EPSG:{GK_EPSG}",
        *(f"wrote {p}" for p in paths),
    ]
    return "\n".join(lines)
