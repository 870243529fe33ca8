"""The standard factory space read back and checked: buildings and units, leases (one unit,
one lease at a time; states as of the register's day; the warnings the demo shows) and
projects (stages in order, matches)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from data.geo.demo.county import AREAS
from data.geo.demo.space_specs import PLATFORM, SPACE_AS_OF
from landgis.credit_code import is_valid
from landgis.vocab import UNIT_STATES

WARN_DAYS = 60  # the settings' default lease_warn_days_ahead


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _given(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def check_units(buildings: pd.DataFrame, units: pd.DataFrame) -> None:
    """Standard buildings of the platform company, 3–5 floors; units on their floors,
    within the floor area, with clear heights and floor loads as a standard factory has."""
    standard = buildings[buildings["kind"] == "standard"]
    check(bool((standard["owner"] == PLATFORM).all()), "standard buildings' owner")
    check(all(is_valid(c) for c in standard["owner_credit_code"]), "owner's credit code")
    check(bool(standard["floors"].between(3, 5).all()), "standard buildings of 3-5 floors")
    keyed = buildings.set_index(["parcel_code", "name"])
    check(not units.duplicated(["parcel_code", "building", "unit_no"]).any(), "unit numbers")
    check(bool(units["state"].isin(list(UNIT_STATES)).all()), "unit states")
    for (code, name), group in units.groupby(["parcel_code", "building"]):
        building = keyed.loc[(code, name)]
        check(group["floor_area_m2"].sum() <= building["floor_area_m2"], f"{name} units' area")
        check(bool(group["floor"].between(1, building["floors"]).all()), f"{name} floors")
        if building["kind"] == "standard":
            ground, upper = group[group["floor"] == 1], group[group["floor"] > 1]
            check(bool(ground["clear_height_m"].between(8, 10).all()), f"{name} 1F height")
            check(bool(upper["clear_height_m"].between(4.5, 6).all()), f"{name} upper heights")
            check(bool((ground["floor_load_kn_m2"] == 30).all()), f"{name} 1F load")
            check(bool(upper["floor_load_kn_m2"].between(8, 15).all()), f"{name} upper loads")


def _status(lease: pd.Series, day: str) -> str:
    if _given(lease["ended_on"]) and lease["ended_on"] <= day:
        return "ended"
    return "signed" if lease["start_date"] > day else "active"


def check_leases(buildings: pd.DataFrame, units: pd.DataFrame, leases: pd.DataFrame) -> None:
    """Leases of lettable units of buildings not idle; no unit let twice on a day; valid
    codes; numbers by start; statuses and unit states as of the register's day; one lease
    ending within the warning window, one past its end, one signed ahead."""
    check(leases["lease_no"].is_unique, "lease numbers")
    check(all(is_valid(c) for c in leases["tenant_credit_code"]), "tenants' credit codes")
    check(bool((leases["end_date"] >= leases["start_date"]).all()), "lease periods")
    state = units.set_index(["parcel_code", "building", "unit_no"])["state"]
    idle = buildings.loc[buildings["state"] == "idle", ["parcel_code", "name"]]
    idle_keys = set(map(tuple, idle.to_numpy().tolist()))
    let_on: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for _, lease in leases.iterrows():
        where = (lease["parcel_code"], lease["building"])
        check(where not in idle_keys, f"{lease['lease_no']} lets a case's idle factory space")
        status = _status(lease, SPACE_AS_OF)
        check(lease["status"] == status, f"{lease['lease_no']} status")
        last = lease["ended_on"] if _given(lease["ended_on"]) else lease["end_date"]
        for no in lease["units"].split(";"):
            key = (*where, no)
            check(state[key] in ("vacant", "leased"), f"{lease['lease_no']} lets {no}")
            for start, end in let_on.get(key, []):
                check(end < lease["start_date"] or start > last, f"{no} let twice")
            let_on.setdefault(key, []).append((lease["start_date"], last))
            if status == "active":
                check(state[key] == "leased", f"{no} of {lease['lease_no']} is let")
    leased = {key for key, value in state.items() if value == "leased"}
    active = leases[leases["status"] == "active"]
    held = {(r["parcel_code"], r["building"], no) for _, r in active.iterrows()
            for no in r["units"].split(";")}  # fmt: skip
    check(leased == held, "leased units are those of the active leases")
    for year, group in leases.groupby(leases["start_date"].str[:4]):
        numbers = [f"ZL-{year}-{i:03d}" for i in range(1, len(group) + 1)]
        check(list(group.sort_values("start_date", kind="stable")["lease_no"]) == numbers, year)
    day = dt.date.fromisoformat(SPACE_AS_OF)
    soon = (day + dt.timedelta(days=WARN_DAYS)).isoformat()
    check(int(active["end_date"].between(SPACE_AS_OF, soon).sum()) == 1, "one lease ending soon")
    check(int((active["end_date"] < SPACE_AS_OF).sum()) == 1, "one lease past its end")
    check(int((leases["status"] == "signed").sum()) == 1, "one lease signed ahead")


def check_projects(projects: pd.DataFrame, leases: pd.DataFrame) -> None:
    """Stages reached in order by the register's day; valid codes and zones; a matched
    lease is the investor's, signed on the day the project was."""
    stages = ["negotiating", "signed", "landed", "producing"]
    zones = {name for name, _, _ in AREAS.values()}
    check(projects["project_no"].is_unique, "project numbers")
    for _, project in projects.iterrows():
        days = [project[f"{s}_on"] for s in stages if _given(project[f"{s}_on"])]
        reached = stages[: len(days)]
        check(project["stage"] == reached[-1], f"{project['project_no']} stage")
        check(days == sorted(days) and days[-1] <= SPACE_AS_OF, f"{project['project_no']} days")
        check(is_valid(project["investor_credit_code"]), f"{project['project_no']} credit code")
        check(set(json.loads(project["preferred_zones"])) <= zones, "preferred zones")
    by_no = projects.set_index("project_no")
    matched = leases[leases["project_no"].map(_given)]
    check(len(matched) >= 1, "a project matched with vacant units")
    for _, lease in matched.iterrows():
        project = by_no.loc[lease["project_no"]]
        check(lease["tenant"] == project["investor"], f"{lease['lease_no']} tenant")
        check(lease["matched_on"] == project["signed_on"], f"{lease['lease_no']} match day")
        check(lease["matched_on"] <= lease["start_date"], f"{lease['lease_no']} matched ahead")


def check_space(layers: dict[str, pd.DataFrame]) -> None:
    """All of the space's checks."""
    buildings, units = layers["buildings"], layers["building_units"]
    check_units(buildings, units)
    check_leases(buildings, units, layers["leases"])
    check_projects(layers["projects"], layers["leases"])
