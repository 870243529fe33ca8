"""Load the demo county's factory space (the units of its buildings, their leases) and its
projects (招商项目) through the ledger's use cases, so that their rules hold.

What the files tell is replayed in the order it happened: the units are added, then each
project is entered on the day talks began, each lease signed on its start date (or, when
a project's match signed it, by recording the match on its day), ended on the day it
ended, and each project moved to the stages it reached. The files tell the register as
it stood on :data:`REGISTER_DAY`; the space is loaded as of that day, or of today when
today is earlier (nothing dated later is replayed), with the clock held at that day while
the use cases run: loaded later, the demo is the same (a lease signed ahead of its start
stays signed, one past its end stays let, as the register tells), whatever the date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from landgis import wallclock
from landgis.cases import Actor
from landgis.commands import (
    AddUnits,
    Command,
    CreateProject,
    EndLease,
    MoveProjectStage,
    RecordMatch,
    SignLease,
)
from landgis.db.coerce import is_missing
from landgis.db.models import Building, BuildingUnit, Lease, Parcel, Project, User
from landgis.ledger_service import LedgerService
from landgis.settings import Settings
from landgis.space.terms import LeaseTerms, UnitSpec

# The day the demo's factory space register stands as of (the generator's SPACE_AS_OF).
REGISTER_DAY = dt.date(2026, 11, 30)
SPACE_LAYERS = ("building_units", "leases", "projects")
ACTOR = Actor("demo", "editor")
PROJECT_FIELDS = (
    "name",
    "investor",
    "investor_credit_code",
    "industry",
    "investment_wan_yuan",
    "land_need_mu",
    "floor_need_m2",
    "remarks",
)
LATER_STAGES = ("signed", "landed", "producing")
COUNTED = {CreateProject: "projects", SignLease: "leases", RecordMatch: "matches"}


@dataclass(frozen=True)
class SpaceReport:
    """What loading the space did: units added, leases signed, projects entered, matches
    recorded."""

    units: int = 0
    leases: int = 0
    projects: int = 0
    matches: int = 0


def _value(value: Any) -> Any:
    return None if is_missing(value) else value


def _day(value: Any) -> dt.date | None:
    value = _value(value)
    return None if value is None else dt.date.fromisoformat(str(value)[:10])


def _on(value: Any) -> dt.date:
    """A day the files must give."""
    day = _day(value)
    if day is None:
        raise ValueError("a dated change of the demo's factory space has no date")
    return day


def _read(path: Path) -> dict[str, pd.DataFrame] | None:
    if not set(SPACE_LAYERS) <= set(pyogrio.list_layers(path)[:, 0]):
        return None
    return {name: gpd.read_file(path, layer=name, engine="pyogrio") for name in SPACE_LAYERS}


def _loadable(session: Session) -> bool:
    """The schema has the space's tables and they are empty (nothing loaded or entered)."""
    if not inspect(session.connection()).has_table(Project.__tablename__):
        return False
    return not any(
        session.scalar(select(func.count()).select_from(model))
        for model in (BuildingUnit, Lease, Project)
    )


def _unit_spec(row: pd.Series) -> UnitSpec:
    state = "vacant" if row["state"] == "leased" else row["state"]  # a lease lets it
    return UnitSpec(
        row["unit_no"],
        float(row["floor_area_m2"]),
        floor=int(row["floor"]),
        clear_height_m=_value(row["clear_height_m"]),
        floor_load_kn_m2=_value(row["floor_load_kn_m2"]),
        state=state,
    )


def _project(session: Session, row: pd.Series) -> CreateProject:
    fields = {f: _value(row[f]) for f in PROJECT_FIELDS if _value(row[f]) is not None}
    fields["preferred_zones"] = json.loads(row["preferred_zones"])
    staff = _value(row["staff"])  # a user of the system: kept when the database has them
    if staff and session.scalar(select(User.id).where(User.username == staff)) is not None:
        fields["staff"] = staff
    return CreateProject(
        fields=fields, negotiating_on=_day(row["negotiating_on"]), project_no=row["project_no"]
    )


def _lease(row: pd.Series, building_id: int) -> SignLease | RecordMatch:
    units = tuple(row["units"].split(";"))
    start, end, rent = _on(row["start_date"]), _on(row["end_date"]), row["rent_yuan_m2_month"]
    if _value(row["project_no"]):
        return RecordMatch(
            project_no=row["project_no"],
            building_id=building_id,
            unit_nos=units,
            start_date=start,
            end_date=end,
            rent_yuan_m2_month=float(rent),
            occurred_on=_day(row["matched_on"]),
        )
    terms = LeaseTerms(
        tenant=row["tenant"],
        tenant_credit_code=_value(row["tenant_credit_code"]),
        start_date=start,
        end_date=end,
        rent_yuan_m2_month=float(rent),
        project=_value(row["project"]),
        remarks=_value(row["remarks"]),
    )
    return SignLease(building_id=building_id, unit_nos=units, terms=terms, lease_no=row["lease_no"])


def _timeline(
    session: Session, tables: dict[str, pd.DataFrame], buildings: dict[tuple[str, str], int]
) -> list[tuple[dt.date, Command]]:
    """Every dated change the files tell, in the order it happened: on one day, projects
    entered, then leases ended, then leases signed (or matches recorded), then stages."""
    steps: list[tuple[dt.date, int, Command]] = []
    matched = set(tables["leases"]["project_no"].map(_value)) - {None}
    for _, row in tables["projects"].iterrows():
        number = row["project_no"]
        steps.append((_on(row["negotiating_on"]), 0, _project(session, row)))
        for stage in LATER_STAGES:
            day = _day(row[f"{stage}_on"])
            if day is not None and not (stage == "signed" and number in matched):
                steps.append(
                    (day, 3, MoveProjectStage(project_no=number, stage=stage, occurred_on=day))
                )
    for _, row in tables["leases"].iterrows():
        command = _lease(row, buildings[(row["parcel_code"], row["building"])])
        signed = row["matched_on"] if isinstance(command, RecordMatch) else row["start_date"]
        steps.append((_on(signed), 2, command))
        ended = _day(row["ended_on"])
        if ended is not None:
            steps.append((ended, 1, EndLease(lease_no=row["lease_no"], ended_on=ended)))
    order = sorted(range(len(steps)), key=lambda i: (steps[i][0], steps[i][1], i))
    return [(steps[i][0], steps[i][2]) for i in order]


def stands_on() -> dt.date:
    """The day the demo's space is loaded as of: its register's day, or today if earlier."""
    return min(wallclock.today(), REGISTER_DAY)


def load_space(session: Session, path: Path, settings: Settings) -> SpaceReport:
    """Load the units, leases and projects of a demo-shaped GeoPackage (its layers
    ``building_units``, ``leases`` and ``projects``) onto its buildings, as of
    :func:`stands_on`; nothing (an empty report) when it has none, the schema is older
    than them, the database already holds units, leases or projects, or lacks one of the
    buildings."""
    tables = _read(path)
    if tables is None or not _loadable(session):
        return SpaceReport()
    rows = session.execute(
        select(Parcel.parcel_code, Building.name, Building.id).join(Parcel)
    ).all()
    buildings = {(code, name): id_ for code, name, id_ in rows}
    units = tables["building_units"]
    wanted = set(zip(units["parcel_code"], units["building"], strict=True))
    if not wanted <= set(buildings):
        return SpaceReport()
    day_of_load = stands_on()
    counts = {"projects": 0, "leases": 0, "matches": 0}
    with wallclock.frozen_at(day_of_load):
        service = LedgerService(session, settings, ACTOR)
        for (code, name), group in units.groupby(["parcel_code", "building"], sort=False):
            specs = tuple(_unit_spec(row) for _, row in group.iterrows())
            service.handle(AddUnits(building_id=buildings[(code, name)], units=specs))
        for day, command in _timeline(session, tables, buildings):
            if day > day_of_load:
                continue
            service.handle(command)
            if type(command) in COUNTED:
                counts[COUNTED[type(command)]] += 1
    return SpaceReport(
        units=len(units),
        leases=counts["leases"] + counts["matches"],
        projects=counts["projects"],
        matches=counts["matches"],
    )
