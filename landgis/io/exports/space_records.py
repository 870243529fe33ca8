"""The factory space as export records: the buildings (with their units' floor area by
state and occupancy rate), every unit with the lease letting it now or next, and every
lease; codes as their Chinese names, areas in ㎡ (:mod:`landgis.space.listing`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis import vocab
from landgis.db.models import Building, BuildingUnit
from landgis.space.listing import building_detail, building_rows, lease_rows


@dataclass(frozen=True)
class SpaceRecords:
    """The three tables, and each building's footprint (EPSG:4490, None when not drawn)."""

    buildings: list[dict[str, Any]]
    units: list[dict[str, Any]]
    leases: list[dict[str, Any]]
    footprints: dict[int, Any]


def occupancy_rate(row: dict[str, Any]) -> float | None:
    """(leased + owner-occupied) ÷ the units' floor area not under construction."""
    counted = row["vacant_m2"] + row["leased_m2"] + row["owner_occupied_m2"]
    if counted <= 0:
        return None
    return round((row["leased_m2"] + row["owner_occupied_m2"]) / counted, 4)


def _building(row: dict[str, Any]) -> dict[str, Any]:
    return row | {
        "kind_name": vocab.BUILDING_KINDS.get(row["kind"], row["kind"]),
        "state_name": vocab.BUILDING_STATES.get(row["state"], row["state"]),
        "occupancy_rate": occupancy_rate(row),
    }


def _units(session: Session) -> list[dict[str, Any]]:
    with_units = session.scalars(
        select(BuildingUnit.building_id).distinct().order_by(BuildingUnit.building_id)
    ).all()
    found = []
    for building_id in with_units:
        detail = building_detail(session, building_id)
        for unit in detail["unit_list"]:
            lease = unit["lease"] or {}
            found.append(
                {
                    "building_id": building_id,
                    "building": detail["name"],
                    "parcel_code": detail["parcel_code"],
                    "zone_name": detail["zone_name"],
                    **{k: v for k, v in unit.items() if k != "lease"},
                    "state_name": vocab.UNIT_STATES.get(unit["state"], unit["state"]),
                    "lease_no": lease.get("lease_no"),
                    "tenant": lease.get("tenant"),
                    "lease_end": lease.get("end_date"),
                }
            )
    return found


def _leases(session: Session) -> list[dict[str, Any]]:
    rows = sorted(lease_rows(session), key=lambda r: r["lease_no"])
    return [
        row
        | {
            "units_text": "、".join(row["units"]),
            "status_name": vocab.LEASE_STATUSES.get(row["status"], row["status"]),
        }
        for row in rows
    ]


def space_records(session: Session) -> SpaceRecords:
    """Every building, unit and lease, in the order the pages list them."""
    buildings = [_building(row) for row in building_rows(session)]
    stmt = select(Building.id, func.ST_AsBinary(Building.footprint)).where(
        Building.footprint.is_not(None)
    )
    footprints = {key: shapely.from_wkb(bytes(wkb)) for key, wkb in session.execute(stmt)}
    return SpaceRecords(buildings, _units(session), _leases(session), footprints)
