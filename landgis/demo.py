"""Load the demo county (青溪县工业园区, fictional) from its committed GeoPackage.

Loading is idempotent: a database that already holds the demo is left as it is, but for
the enterprises' figures (亩均效益评价), loaded when the database has none of their years,
and the factory space and projects (:mod:`landgis.demo_space`), loaded when it has none.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from landgis import wallclock
from landgis.db.coerce import column_arrays, column_values
from landgis.db.models import Building, Case, CaseEvent, EnterpriseFigures, Parcel, Zone
from landgis.db.repository import (
    bulk_insert,
    existing_values,
    geometry_value,
    insert_returning_ids,
)
from landgis.demo_space import load_space
from landgis.errors import Conflict
from landgis.geo import parcel_areas, planar_areas_m2
from landgis.i18n import _
from landgis.imports import import_frame
from landgis.settings import Settings

ZONE_ORDER = {"county": 0, "park": 1, "area": 2}
FIGURES_LAYER = "enterprise_figures"


@dataclass(frozen=True)
class DemoReport:
    """What loading the demo did."""

    loaded: bool
    zones: int = 0
    parcels: int = 0
    buildings: int = 0
    cases: int = 0
    events: int = 0
    figures: int = 0
    units: int = 0  # the factory space (landgis.demo_space)
    leases: int = 0
    projects: int = 0
    matches: int = 0


def _layer(path: Path, name: str) -> pd.DataFrame:
    return gpd.read_file(path, layer=name, engine="pyogrio")


def _store_zones(session: Session, zones: gpd.GeoDataFrame) -> None:
    zones = zones.assign(_order=zones["kind"].map(ZONE_ORDER)).sort_values("_order")
    areas = parcel_areas(zones.geometry)["area_m2"]
    ids: dict[str, int] = {}
    for (_index, zone), area in zip(zones.iterrows(), areas, strict=True):
        row = column_values(Zone, zone.to_dict()) | {
            "parent_id": ids.get(zone.get("parent_code")),
            "area_m2": float(area),
            "geom": geometry_value(zone.geometry),
        }
        ids.update(insert_returning_ids(session, Zone, "code", [row]))


def _store_buildings(
    session: Session, buildings: gpd.GeoDataFrame, parcel_ids: dict[str, int]
) -> None:
    columns = column_arrays(Building, buildings.drop(columns=buildings.geometry.name))
    columns["parcel_id"] = buildings["parcel_code"].map(parcel_ids).astype(int).to_numpy()
    columns["footprint_area_m2"] = planar_areas_m2(buildings.geometry)
    columns["footprint"] = buildings.geometry.to_numpy()
    bulk_insert(session, Building, columns, geometry="footprint")


def _store_cases(
    session: Session, cases: pd.DataFrame, events: pd.DataFrame, parcel_ids: dict[str, int]
) -> None:
    """Cases and their events in bulk (COPY on PostGIS): a province's ledger loads in
    seconds, not row by row."""
    per_case = events["case_no"].value_counts()
    case_columns = column_arrays(Case, cases)
    case_columns["parcel_id"] = cases["parcel_code"].map(parcel_ids).astype(int).to_numpy()
    case_columns["version"] = cases["case_no"].map(per_case).fillna(0).astype(int).to_numpy()
    bulk_insert(session, Case, case_columns)
    # Every case's id by number (too many numbers for an IN list; numbers are unique).
    case_ids = dict(session.execute(select(Case.case_no, Case.id)).all())
    event_columns = column_arrays(CaseEvent, events.drop(columns=["changes"]))
    event_columns["case_id"] = events["case_no"].map(case_ids).astype(int).to_numpy()
    event_columns["changes"] = [json.loads(text) for text in events["changes"]]
    bulk_insert(session, CaseEvent, event_columns)


def load_zones(session: Session, path: Path) -> int:
    """Load only the zones (county, parks, areas) of a demo-shaped GeoPackage, for
    importing its parcels with ``landgis import`` afterwards; how many were loaded (0
    when the database already has zones: nothing is changed then)."""
    if session.scalar(select(func.count(Zone.id))):
        return 0
    zones = _layer(path, "zones")
    _store_zones(session, zones)
    return len(zones)


def load_ledger(session: Session, path: Path) -> tuple[int, int]:
    """Load only the ledger (cases and their events) of a demo-shaped GeoPackage onto its
    parcels, already imported (``landgis import``); (cases, events) loaded, (0, 0) when the
    database already holds cases. A case whose parcel is missing refuses the whole load."""
    if session.scalar(select(func.count(Case.id))):
        return 0, 0
    cases = _layer(path, "cases")
    events = _layer(path, "case_events").sort_values(["occurred_on", "case_no"], kind="stable")
    parcel_ids = dict(session.execute(select(Parcel.parcel_code, Parcel.id)).all())
    missing = sorted(set(cases["parcel_code"]) - set(parcel_ids))
    if missing:
        raise Conflict(
            _(
                "{count} 个台账条目的宗地不在数据库中(如 {code}),请先导入宗地。",
                count=len(missing),
                code=missing[0],
            )
        )
    _store_cases(session, cases, events, parcel_ids)
    return len(cases), len(events)


def load_figures(session: Session, path: Path) -> int:
    """Load the enterprises' yearly figures of a demo-shaped GeoPackage (its layer
    ``enterprise_figures``, when it has one); how many rows were loaded (0 when the
    database already has figures of one of their years, or is of a schema older than the
    figures: nothing is changed then)."""
    if FIGURES_LAYER not in set(pyogrio.list_layers(path)[:, 0]):
        return 0
    if not inspect(session.connection()).has_table(EnterpriseFigures.__tablename__):
        return 0
    figures = _layer(path, FIGURES_LAYER)
    years = sorted({int(year) for year in figures["year"]})
    stored = select(func.count(EnterpriseFigures.id)).where(EnterpriseFigures.year.in_(years))
    if session.scalar(stored):
        return 0
    columns = column_arrays(EnterpriseFigures, figures)
    columns["imported_at"] = [wallclock.utc_now()] * len(figures)
    return bulk_insert(session, EnterpriseFigures, columns)


def load_demo(session: Session, path: Path, settings: Settings | None = None) -> DemoReport:
    """Load the demo county into an empty or demo-holding database (idempotent); its
    factory space and projects through the ledger's use cases under ``settings`` (the
    defaults when None)."""
    settings = settings or Settings()
    parcels = _layer(path, "parcels")
    codes = list(parcels["parcel_code"])
    present = existing_values(session, Parcel.parcel_code, codes)
    if len(present) == len(codes):
        return DemoReport(
            loaded=False,
            figures=load_figures(session, path),
            **asdict(load_space(session, path, settings)),
        )
    if present:
        raise Conflict(
            _(
                "数据库中已有 {count} 宗与演示数据编号相同的宗地,无法加载演示数据。",
                count=len(present),
            )
        )
    zones = _layer(path, "zones")
    buildings = _layer(path, "buildings")
    cases = _layer(path, "cases")
    events = _layer(path, "case_events").sort_values(["occurred_on", "case_no"], kind="stable")
    _store_zones(session, zones)
    import_frame(session, parcels, actor="demo", name=path.name)
    stored = dict(session.execute(select(Parcel.parcel_code, Parcel.id)).all())
    parcel_ids = {code: stored[code] for code in codes}
    _store_buildings(session, buildings, parcel_ids)
    _store_cases(session, cases, events, parcel_ids)
    figures = load_figures(session, path)
    space = load_space(session, path, settings)
    return DemoReport(
        loaded=True,
        zones=len(zones),
        parcels=len(parcel_ids),
        buildings=len(buildings),
        cases=len(cases),
        events=len(events),
        figures=figures,
        **asdict(space),
    )
