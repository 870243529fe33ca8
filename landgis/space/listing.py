"""Buildings, units and leases as the doors show them: plain dicts of codes, numbers and
dates (the API answers them as JSON, the command line and the pages print them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from landgis import vocab
from landgis.db.models import Building, BuildingUnit, Case, Lease, LeaseUnit, Parcel, Zone
from landgis.errors import InvalidInput
from landgis.i18n import Text, _
from landgis.space.leases import get_lease
from landgis.space.units import get_building

# The floor area of a building's units by state, under these keys.
AREA_KEYS: dict[str, str] = {state: f"{state}_m2" for state in vocab.UNIT_STATES}


def _one_of(value: str | None, known: Iterable[str], what: Text) -> str | None:
    if value is None or value == "":
        return None
    choices = list(known)
    if value not in choices:
        raise InvalidInput(
            _(
                "{what}“{value}”无效,可选:{known}。",
                what=what,
                value=value,
                known="、".join(choices),
            )
        )
    return value


def _building_values(building: Building, case_no: str | None) -> dict[str, Any]:
    parcel = building.parcel
    zone = parcel.zone
    areas = dict.fromkeys(AREA_KEYS.values(), 0.0)
    for unit in building.units:
        areas[AREA_KEYS[unit.state]] += unit.floor_area_m2
    in_units = sum(areas.values())
    return {
        "id": building.id,
        "name": building.name,
        "parcel_code": parcel.parcel_code,
        "zone": zone.code if zone else None,
        "zone_name": zone.name if zone else None,
        "kind": building.kind,
        "state": building.state,
        "owner": building.owner or parcel.holder,
        "owner_credit_code": building.owner_credit_code,
        "floors": building.floors,
        "floor_area_m2": building.floor_area_m2,
        "footprint_area_m2": building.footprint_area_m2,
        "units": len(building.units),
        **{key: round(value, 2) for key, value in areas.items()},
        "not_in_units_m2": round(max(building.floor_area_m2 - in_units, 0.0), 2),
        "case_no": case_no,
    }


def _case_nos(session: Session, parcel_ids: Iterable[int]) -> dict[int, str]:
    """The newest case of each parcel (the one a building's idle space belongs to)."""
    ids = set(parcel_ids)
    if not ids:
        return {}
    found: dict[int, str] = {}
    stmt = select(Case.parcel_id, Case.case_no).where(Case.parcel_id.in_(ids)).order_by(Case.id)
    for parcel_id, case_no in session.execute(stmt):
        found[parcel_id] = case_no
    return found


def building_rows(
    session: Session,
    *,
    zone: str | None = None,
    kind: str | None = None,
    state: str | None = None,
) -> list[dict[str, Any]]:
    """The buildings, by zone, parcel and name, each with its units' floor area by state;
    narrowed to a zone (its code or name), a kind and a state when given."""
    kind = _one_of(kind, vocab.BUILDING_KINDS, _("厂房类型"))
    state = _one_of(state, vocab.BUILDING_STATES, _("厂房状态"))
    stmt: Select[Building] = (
        select(Building)
        .join(Parcel, Parcel.id == Building.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .options(
            selectinload(Building.units),
            selectinload(Building.parcel).selectinload(Parcel.zone),
        )
        .order_by(Zone.code, Parcel.parcel_code, Building.name, Building.id)
    )
    if zone:
        stmt = stmt.where(or_(Zone.code == zone.strip(), Zone.name == zone.strip()))
    if kind:
        stmt = stmt.where(Building.kind == kind)
    if state:
        stmt = stmt.where(Building.state == state)
    buildings = list(session.scalars(stmt))
    cases = _case_nos(session, (b.parcel_id for b in buildings))
    return [_building_values(b, cases.get(b.parcel_id)) for b in buildings]


def _current(leases: list[Lease], unit: BuildingUnit) -> Lease | None:
    """The lease letting the unit now, else the one signed to let it next."""
    mine = [lease for lease in leases if unit in lease.units]
    active = [lease for lease in mine if lease.status == "active"]
    signed = sorted((lease for lease in mine if lease.status == "signed"), key=_start)
    found = active or signed
    return found[0] if found else None


def _start(lease: Lease) -> dt.date:
    return lease.start_date


def unit_values(unit: BuildingUnit, lease: Lease | None = None) -> dict[str, Any]:
    """One unit, with the lease letting it now (or signed to let it next), if any."""
    return {
        "unit_no": unit.unit_no,
        "floor": unit.floor,
        "floor_area_m2": unit.floor_area_m2,
        "clear_height_m": unit.clear_height_m,
        "floor_load_kn_m2": unit.floor_load_kn_m2,
        "state": unit.state,
        "lease": None
        if lease is None
        else {
            "lease_no": lease.lease_no,
            "status": lease.status,
            "tenant": lease.tenant,
            "start_date": lease.start_date,
            "end_date": lease.end_date,
        },
    }


def building_detail(session: Session, building_id: int) -> dict[str, Any]:
    """The building, its units with their current leases, and every lease of its units
    (newest first)."""
    building = get_building(session, building_id)
    stmt = (
        select(Lease)
        .join(LeaseUnit, LeaseUnit.lease_id == Lease.id)
        .join(BuildingUnit, BuildingUnit.id == LeaseUnit.unit_id)
        .where(BuildingUnit.building_id == building.id)
        .options(selectinload(Lease.units).selectinload(BuildingUnit.building))
        .order_by(Lease.start_date.desc(), Lease.lease_no.desc())
        .distinct()
    )
    leases = list(session.scalars(stmt))
    case_no = _case_nos(session, [building.parcel_id]).get(building.parcel_id)
    values = _building_values(building, case_no)
    values["unit_list"] = [unit_values(u, _current(leases, u)) for u in building.units]
    case_nos = _lease_case_nos(session, leases)
    values["leases"] = [lease_values(lease, case_nos) for lease in leases]
    return values


def _lease_case_nos(session: Session, leases: Iterable[Lease]) -> dict[int, str]:
    ids = {lease.case_id for lease in leases if lease.case_id is not None}
    if not ids:
        return {}
    stmt = select(Case.id, Case.case_no).where(Case.id.in_(ids))
    return {row[0]: row[1] for row in session.execute(stmt)}


def lease_values(lease: Lease, case_nos: dict[int, str] | None = None) -> dict[str, Any]:
    """One lease: tenant, building and units, area, rent, period, status, the case whose
    idle factory space it revitalized."""
    building = lease.units[0].building if lease.units else None
    case_no = (case_nos or {}).get(lease.case_id) if lease.case_id is not None else None
    return {
        "lease_no": lease.lease_no,
        "tenant": lease.tenant,
        "tenant_credit_code": lease.tenant_credit_code,
        "building_id": building.id if building else None,
        "building": building.name if building else None,
        "units": [unit.unit_no for unit in lease.units],
        "area_m2": lease.area_m2,
        "rent_yuan_m2_month": lease.rent_yuan_m2_month,
        "start_date": lease.start_date,
        "end_date": lease.end_date,
        "ended_on": lease.ended_on,
        "status": lease.status,
        "project": lease.project,
        "case_no": case_no,
        "remarks": lease.remarks,
        "actor": lease.actor,
        "recorded_at": lease.recorded_at,
    }


def lease_detail(session: Session, lease_no: str) -> dict[str, Any]:
    """The lease ``lease_no`` (:func:`lease_values`); NotFound otherwise."""
    lease = get_lease(session, lease_no)
    return lease_values(lease, _lease_case_nos(session, [lease]))


def lease_rows(
    session: Session,
    *,
    status: str | None = None,
    building_id: int | None = None,
    tenant: str | None = None,
    expiring_by: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The leases, soonest ending first; narrowed to a status, a building, a tenant (part of
    the name) and, with ``expiring_by``, to those let and ending by that day."""
    status = _one_of(status, vocab.LEASE_STATUSES, _("租约状态"))
    stmt = select(Lease).options(selectinload(Lease.units).selectinload(BuildingUnit.building))
    if status:
        stmt = stmt.where(Lease.status == status)
    if building_id is not None:
        units = select(LeaseUnit.lease_id).join(BuildingUnit, BuildingUnit.id == LeaseUnit.unit_id)
        stmt = stmt.where(Lease.id.in_(units.where(BuildingUnit.building_id == building_id)))
    if tenant and tenant.strip():
        stmt = stmt.where(Lease.tenant.contains(tenant.strip(), autoescape=True))
    if expiring_by is not None:
        stmt = stmt.where(Lease.status == "active", Lease.end_date <= expiring_by)
    leases = list(session.scalars(stmt.order_by(Lease.end_date, Lease.lease_no)))
    case_nos = _lease_case_nos(session, leases)
    return [lease_values(lease, case_nos) for lease in leases]
