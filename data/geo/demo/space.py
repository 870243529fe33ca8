"""The standard factory space (标准厂房) of the demo county: the platform company's two parks
with their multi-storey buildings and the buildings' units, the leases and the projects
(:mod:`.space_tables`), as :mod:`.space_specs` tells them; footprints placed as
:mod:`.buildings` places them.

The space comes from its own generator (seed :data:`SPACE_SEED`), so the other layers are
what they were before it existed, but for the two parks' parcels: their holder becomes the
platform company and their plot ratio counts the new buildings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from data.geo.demo.buildings import place_rectangles
from data.geo.demo.case_specs import CASE_NOS
from data.geo.demo.companies import CompanyMaker
from data.geo.demo.county import SEED
from data.geo.demo.parcels import ParcelRecord
from data.geo.demo.space_specs import (
    CASE_LEASE,
    CASE_LEASED,
    CASE_TENANT,
    LEASES,
    OWNER_OCCUPIED,
    PARKS,
    PLATFORM,
    PROJECTS,
    LeaseSpec,
)
from data.geo.demo.space_tables import LEASE_FIELDS, PROJECT_FIELDS, lease_rows, project_rows
from data.geo.demo.strips import to_cgcs2000
from landgis.geo import CGCS2000, planar_areas_m2, to_multipolygon

SPACE_SEED = SEED + 2
CORE_SHARE = 0.07  # of each floor: stairs, lifts, toilets; not let
UNIT_FIELDS = [
    "parcel_code",
    "building",
    "unit_no",
    "floor",
    "floor_area_m2",
    "clear_height_m",
    "floor_load_kn_m2",
    "state",
]


@dataclass
class Space:
    """The space's tables: units, leases and projects."""

    units: pd.DataFrame
    leases: pd.DataFrame
    projects: pd.DataFrame


def credit_codes(records: list[ParcelRecord], rng: np.random.Generator) -> dict[str, str]:
    """A valid credit code, unique in the county, for the platform company, each tenant
    and each investor (one per name)."""
    maker = CompanyMaker(rng)
    maker.codes.update(r.attrs["credit_code"] for r in records)
    names = [PLATFORM, CASE_TENANT, *(s.tenant for s in LEASES), *(p.investor for p in PROJECTS)]
    return {name: maker.credit_code() for name in dict.fromkeys(names)}


def add_parks(records: list[ParcelRecord], rng: np.random.Generator, code: str) -> None:
    """The parks' parcels pass to the platform company with their standard buildings; every
    other building is an enterprise's own."""
    by_code = {r.attrs["parcel_code"]: r for r in records}
    for record in records:
        for building in record.buildings:
            building |= {"kind": "enterprise", "owner": None, "owner_credit_code": None}
    for park in PARKS:
        record = by_code[park.parcel_code]
        if record.kind != "building" or record.buildings:
            raise ValueError(f"parcel {park.parcel_code} is not land under construction")
        footprints = [size for _, _, size, _ in park.buildings]
        rects = place_rectangles(record.geom_gk, record.angle, footprints, rng)
        if len(rects) < len(footprints):
            raise ValueError(f"could not place the buildings of {park.project}")
        series = gpd.GeoSeries([to_cgcs2000(r) for r in rects], crs=CGCS2000)
        for (name, floors, _, _), geom, area in zip(
            park.buildings, series, planar_areas_m2(series), strict=True
        ):
            record.buildings.append(
                {
                    "parcel_code": park.parcel_code,
                    "name": name,
                    "floors": floors,
                    "footprint_area_m2": float(area),
                    "floor_area_m2": float(area) * floors,
                    "state": "in_use",
                    "geometry": to_multipolygon(geom),
                    "kind": "standard",
                    "owner": PLATFORM,
                    "owner_credit_code": code,
                }
            )
        floor_area = math.fsum(b["floor_area_m2"] for b in record.buildings)
        record.attrs |= {
            "holder": PLATFORM,
            "credit_code": code,
            "project_name": park.project,
            "plot_ratio": round(floor_area / record.area_m2, 2),
        }


def _floor_units(
    building: dict[str, Any], floor: int, split: float, height: float, load: float
) -> list[dict[str, Any]]:
    """Units A and B of one floor of a standard building: the floor less its core."""
    lettable = round(building["footprint_area_m2"] * (1.0 - CORE_SHARE))
    first = round(lettable * split)
    return [
        {
            "parcel_code": building["parcel_code"],
            "building": building["name"],
            "unit_no": f"{floor}F-{letter}",
            "floor": floor,
            "floor_area_m2": float(area),
            "clear_height_m": height,
            "floor_load_kn_m2": load,
            "state": "vacant",
        }
        for letter, area in (("A", first), ("B", lettable - first))
    ]


def unit_rows(records: list[ParcelRecord], rng: np.random.Generator) -> list[dict[str, Any]]:
    """The units of the standard buildings (two per floor), and of the buildings of the
    ledger's 租赁转产 case (one per floor), with their clear height and floor load."""
    states = {(p.parcel_code, name): state for p in PARKS for name, _, _, state in p.buildings}
    rows: list[dict[str, Any]] = []
    for record in records:
        for building in record.buildings:
            state = states.get((building["parcel_code"], building["name"]))
            if state is None:
                continue
            split = float(rng.choice([0.5, 0.55, 0.6]))
            heights = [float(rng.choice([8.0, 8.5, 9.0, 10.0])), float(rng.choice([5.5, 6.0]))]
            loads = [30.0, float(rng.choice([12.0, 15.0])), float(rng.choice([10.0, 12.0]))]
            for floor in range(1, building["floors"] + 1):
                height = heights[min(floor, 2) - 1] if floor <= 2 else float(rng.choice([4.5, 5.0]))
                load = loads[min(floor, 3) - 1] if floor <= 3 else 8.0
                for unit in _floor_units(building, floor, split, height, load):
                    key = (unit["parcel_code"], unit["building"], unit["unit_no"])
                    unit["state"] = "owner_occupied" if key in OWNER_OCCUPIED else state
                    rows.append(unit)
    case = next(r for r in records if r.kind == "case" and CASE_NOS[r.plan.case] == CASE_LEASED)
    for building in case.buildings:
        height = float(rng.choice([8.0, 9.0, 10.0]))
        for floor in range(1, building["floors"] + 1):
            rows.append(
                {
                    "parcel_code": building["parcel_code"],
                    "building": building["name"],
                    "unit_no": f"{floor}F",
                    "floor": floor,
                    "floor_area_m2": float(round(building["footprint_area_m2"] * 0.97)),
                    "clear_height_m": height if floor == 1 else 5.0,
                    "floor_load_kn_m2": 30.0 if floor == 1 else 10.0,
                    "state": "vacant",
                }
            )
    return rows


def _case_leases(units: list[dict[str, Any]], records: list[ParcelRecord]) -> list[LeaseSpec]:
    case = next(r for r in records if r.kind == "case" and CASE_NOS[r.plan.case] == CASE_LEASED)
    start, end, rent, project = CASE_LEASE
    remarks = f"台账 {CASE_LEASED} 租赁转产:闲置厂房整体租赁,租期10年"
    return [
        LeaseSpec(
            b["parcel_code"],
            b["name"],
            tuple(u["unit_no"] for u in units if (u["parcel_code"], u["building"]) == (
                b["parcel_code"], b["name"])),
            CASE_TENANT,
            start,
            end,
            rent,
            project,
            remarks=remarks,
        )
        for b in case.buildings
    ]  # fmt: skip


def build_space(records: list[ParcelRecord]) -> Space:
    """The parks, their buildings and units, the leases and the projects (the parks'
    parcels and buildings are changed in ``records``)."""
    rng = np.random.default_rng(SPACE_SEED)
    codes = credit_codes(records, rng)
    add_parks(records, rng, codes[PLATFORM])
    units = unit_rows(records, rng)
    leases = lease_rows([*_case_leases(units, records), *LEASES], units, codes)
    projects = pd.DataFrame(project_rows(codes), columns=PROJECT_FIELDS)
    return Space(
        units=pd.DataFrame(units, columns=UNIT_FIELDS),
        leases=pd.DataFrame(leases, columns=LEASE_FIELDS),
        projects=projects,
    )
