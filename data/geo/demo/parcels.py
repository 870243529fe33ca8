"""The parcels: cut from the strips, with their holders, supply history, contract, price and
tax; computed areas from the EPSG:4490 geometry as written."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry import MultiPolygon

from data.geo.demo.case_specs import Land
from data.geo.demo.companies import Company, CompanyMaker
from data.geo.demo.county import AREAS, COUNTY_CODE, COUNTY_NAME
from data.geo.demo.cutting import Cutter, ParcelPlan, plan_parcels
from data.geo.demo.strips import Strip, to_gk
from landgis.geo import CGCS2000, planar_areas_m2
from landgis.units import m2_to_mu

ALLOCATED = {  # piece -> (holder, credit code prefix, project, building names)
    ("B-1-3", 0): (
        "青溪县水务投资有限责任公司",
        "91",
        "临江工业区污水处理厂项目",
        ("综合楼", "设备用房"),
    ),
    ("A-r1c1-n", 0): ("青溪县消防救援大队", "11", "产城新区消防站项目", ("综合楼",)),
}


def iso(day: dt.date) -> str:
    return day.isoformat()


def add_days(day: str, days: int) -> str:
    return iso(dt.date.fromisoformat(day) + dt.timedelta(days=days))


def random_day(rng: np.random.Generator, first: str, last: str) -> str:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return iso(start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1))))


def land_history(rng: np.random.Generator, kind: str) -> Land:
    """Supply and construction dates of a parcel not in the ledger."""
    if kind == "operating":
        contract = random_day(rng, "2006-03-01", "2019-06-30")
        agreed = add_days(contract, int(rng.integers(90, 240)))
        start = add_days(agreed, int(rng.integers(-20, 120)))
        return Land(contract, agreed, start, add_days(start, int(rng.integers(420, 900))))
    if kind == "building":
        contract = random_day(rng, "2021-01-01", "2022-04-30")
        agreed = add_days(contract, int(rng.integers(120, 240)))
        return Land(contract, agreed, add_days(agreed, int(rng.integers(0, 60))))
    contract = random_day(rng, "2022-09-01", "2023-05-31")
    return Land(contract, add_days(contract, int(rng.integers(180, 300))))


def unit_land_price(rng: np.random.Generator, year: int) -> float:
    """Transfer price of industrial land (yuan per 亩) in the year of the contract."""
    if year <= 2010:
        return float(rng.uniform(80_000, 120_000))
    if year <= 2016:
        return float(rng.uniform(120_000, 180_000))
    return float(rng.uniform(160_000, 240_000))


class Registry:
    """Running numbers: contracts per year, supervision numbers, door numbers per road."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.counters: Counter[str] = Counter()

    def next(self, key: str, low: int = 1, high: int = 4) -> int:
        self.counters[key] += int(self.rng.integers(low, high + 1))
        return self.counters[key]

    def door(self, road: str, odd: bool) -> int:
        number = 2 * self.next(f"door:{road}:{odd}", 2, 9)
        return number - 1 if odd else number


@dataclass
class ParcelRecord:
    """A parcel being built: its plan, geometry and attributes."""

    plan: ParcelPlan
    strip: Strip  # the strip of its first piece: its road gives the address
    geom_gk: MultiPolygon  # in EPSG:4544 metres, to place buildings
    angle: float  # direction of its strip (degrees), for the buildings
    geom: MultiPolygon  # as written, in EPSG:4490
    kind: str = "operating"
    attrs: dict[str, Any] = field(default_factory=dict)
    area_m2: float = 0.0
    buildings: list[dict[str, Any]] = field(default_factory=list)


def parcel_kind(plan: ParcelPlan, rng: np.random.Generator) -> str:
    """case, allocated (public utility), or else operating (built and producing), building
    (under construction) or vacant (supplied recently, not yet due to start)."""
    if plan.case is not None:
        return "case"
    if plan.pieces[0] in ALLOCATED:
        return "allocated"
    return str(rng.choice(["operating", "building", "vacant"], p=[0.78, 0.11, 0.11]))


def registered_area(rng: np.random.Generator, record: ParcelRecord, index: int) -> float:
    """The area on the title: the computed one give or take 2 %, a few further off."""
    factor = 1.0 + float(rng.uniform(-0.02, 0.02))
    if record.kind != "case":
        factor = {7: 1.062, 41: 0.951, 66: 1.087}.get(index, factor)
    return round(record.area_m2 * factor, 2)


def holder_and_land(
    record: ParcelRecord, rng: np.random.Generator, companies: CompanyMaker
) -> tuple[Company, Land]:
    """Who holds the parcel, with their project, and the parcel's supply history."""
    plan = record.plan
    if record.kind == "allocated":
        holder, prefix, project, _ = ALLOCATED[plan.pieces[0]]
        land = land_history(rng, "operating")
        return Company(holder, companies.credit_code(prefix), project, "公用设施用地"), land
    if record.kind == "case":
        spec = plan.spec
        return companies.make(spec.industry), spec.land
    land = land_history(rng, record.kind)
    return companies.make(), land


def contract_terms(
    record: ParcelRecord, year: int, registered: float, rng: np.random.Generator, registry: Registry
) -> tuple[str, float | None]:
    """Contract (or allocation decision) number and land price of the parcel."""
    if record.kind == "allocated":
        return f"青国土划拨〔{year}〕{registry.next(f'allocation:{year}')}号", None
    office = "青国土出让" if year < 2019 else "青自然资出让"
    number = f"{office}〔{year}〕{registry.next(f'transfer:{year}', 2, 6)}号"
    return number, round(m2_to_mu(registered) * unit_land_price(rng, year), -2)


def tax_per_mu(record: ParcelRecord, rng: np.random.Generator) -> float | None:
    """Tax per 亩 (yuan): low on case parcels, none where nothing is produced yet."""
    if record.kind == "case":
        return record.plan.spec.tax_per_mu
    if record.kind == "operating":
        return round(float(rng.uniform(60_000, 380_000)), -2)
    return None


def parcel_attributes(
    record: ParcelRecord,
    index: int,
    rng: np.random.Generator,
    companies: CompanyMaker,
    registry: Registry,
) -> dict[str, Any]:
    """The attribute fields of one parcel (plot ratio is set once its buildings exist)."""
    plan, strip = record.plan, record.strip
    _, town, district = AREAS[plan.zone_code]
    location = f"{COUNTY_NAME}{town}{strip.road}{registry.door(strip.road, strip.odd)}号"
    code = f"{COUNTY_CODE}{district}GB{registry.next('parcel:' + district, 1, 5):05d}"
    registered = registered_area(rng, record, index)
    company, land = holder_and_land(record, rng, companies)
    year = int(land.contract[:4])
    contract_no, price = contract_terms(record, year, registered, rng, registry)
    tax = tax_per_mu(record, rng)
    return {
        "parcel_code": code,
        "supervision_no": f"{COUNTY_CODE}{year}{registry.next(f'supervision:{year}', 3, 40):06d}",
        "project_name": company.project,
        "zone_code": plan.zone_code,
        "location": location,
        "holder": company.name,
        "credit_code": company.credit_code,
        "land_use": company.land_use,
        "supply_method": "allocation" if record.kind == "allocated" else "transfer",
        "contract_no": contract_no,
        "contract_date": land.contract,
        "land_price_yuan": price,
        "agreed_start_date": land.agreed_start,
        "agreed_completion_date": add_days(land.agreed_start, 730 + int(rng.integers(0, 365))),
        "actual_start_date": land.actual_start,
        "actual_completion_date": land.actual_completion,
        "registered_area_m2": registered,
        "plot_ratio": None,
        "tax_per_mu": tax,
    }


def build_parcels(strips: list[Strip], rng: np.random.Generator) -> list[ParcelRecord]:
    """Cut the strips into parcels and compute their areas from the EPSG:4490 geometry."""
    plans = plan_parcels(strips, rng)
    cutter = Cutter(strips, plans, rng)
    cutter.solve()
    records = []
    for plan in plans:
        key = max(plan.pieces, key=lambda k: to_gk(cutter.piece(k)).area)
        strip_key, j = key
        angle = cutter.strips[strip_key].angle(
            cutter.cut(strip_key, j)[0], cutter.cut(strip_key, j + 1)[0]
        )
        first = cutter.strips[plan.pieces[0][0]]
        geom = cutter.parcel(plan)
        records.append(ParcelRecord(plan, first, to_gk(geom), angle, geom))
    series = gpd.GeoSeries([r.geom for r in records], crs=CGCS2000)
    for record, area in zip(records, planar_areas_m2(series), strict=True):
        record.area_m2 = float(area)
    return records
