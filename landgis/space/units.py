"""A building's units (单元): the floors or parts of floors let or used one by one.

Units are added to a building with their floor area and, where known, clear height and
floor load; their state is one of :data:`landgis.vocab.UNIT_STATES`. A lease moves a
unit between ``vacant`` and ``leased`` (:mod:`landgis.space.leases`); ``owner_occupied``
and ``under_construction`` are set by hand and cannot be let.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis import vocab
from landgis.db.models import Building, BuildingUnit, Lease, LeaseUnit
from landgis.errors import Conflict, InvalidInput, NotFound
from landgis.i18n import _, term
from landgis.space.terms import UnitSpec

__all__ = [
    "UnitSpec",
    "add_units",
    "find_units",
    "get_building",
    "require_lettable",
    "set_unit_state",
    "unit_label",
]

# What the units of a building may add up to beyond its recorded floor area (rounding).
FLOOR_AREA_TOLERANCE_M2 = 0.5
LETTABLE_STATES = ("vacant", "leased")
# The states set by hand; ``leased`` comes with a lease.
HAND_STATES = ("vacant", "owner_occupied", "under_construction")


def get_building(session: Session, building_id: int, *, for_update: bool = False) -> Building:
    """The building ``building_id``; NotFound otherwise."""
    stmt = select(Building).where(Building.id == building_id)
    if for_update:
        stmt = stmt.with_for_update()
    building = session.scalars(stmt).one_or_none()
    if building is None:
        raise NotFound(_("厂房 {building} 不存在。", building=building_id))
    return building


def _check(spec: UnitSpec, building: Building) -> None:
    where = f"{building.name} {spec.unit_no}"
    if not spec.unit_no.strip():
        raise InvalidInput(_("单元须有编号(如 1F-A)。"))
    if not spec.floor_area_m2 > 0:
        raise InvalidInput(_("单元 {unit} 的建筑面积须大于 0。", unit=where))
    if spec.state not in vocab.UNIT_STATES:
        known = "、".join(vocab.UNIT_STATES)
        raise InvalidInput(
            _(
                "单元 {unit} 的状态“{state}”无效,可选:{known}。",
                unit=where,
                state=spec.state,
                known=known,
            )
        )
    if spec.state == "leased":
        raise InvalidInput(_("单元 {unit} 须登记租约才能记为已出租。", unit=where))
    for value in (spec.clear_height_m, spec.floor_load_kn_m2):
        if value is not None and value <= 0:
            raise InvalidInput(_("单元 {unit} 的层高和荷载须大于 0。", unit=where))


def add_units(session: Session, building_id: int, specs: Sequence[UnitSpec]) -> list[BuildingUnit]:
    """Add ``specs`` to the building; refused whole (nothing added) when a unit number is
    taken or repeated, a figure is not positive, or the units would exceed the building's
    floor area."""
    building = get_building(session, building_id, for_update=True)
    taken = set(
        session.scalars(select(BuildingUnit.unit_no).where(BuildingUnit.building_id == building.id))
    )
    for spec in specs:
        _check(spec, building)
        if spec.unit_no in taken:
            raise InvalidInput(
                _("厂房 {building} 已有单元 {unit}。", building=building.name, unit=spec.unit_no)
            )
        taken.add(spec.unit_no)
    existing = session.scalar(
        select(func.coalesce(func.sum(BuildingUnit.floor_area_m2), 0.0)).where(
            BuildingUnit.building_id == building.id
        )
    )
    total = float(existing or 0.0) + sum(spec.floor_area_m2 for spec in specs)
    if total > building.floor_area_m2 + FLOOR_AREA_TOLERANCE_M2:
        raise InvalidInput(
            _(
                "厂房 {building} 的单元合计 {total:.2f} ㎡,超过其建筑面积 {area:.2f} ㎡。",
                building=building.name,
                total=total,
                area=building.floor_area_m2,
            )
        )
    units = [
        BuildingUnit(
            building_id=building.id,
            unit_no=spec.unit_no.strip(),
            floor=spec.floor,
            floor_area_m2=float(spec.floor_area_m2),
            clear_height_m=spec.clear_height_m,
            floor_load_kn_m2=spec.floor_load_kn_m2,
            state=spec.state,
        )
        for spec in specs
    ]
    session.add_all(units)
    session.flush()
    return units


def find_units(
    session: Session, building_id: int, unit_nos: Sequence[str], *, for_update: bool = False
) -> list[BuildingUnit]:
    """The units ``unit_nos`` of the building, in that order; NotFound naming the first
    missing one."""
    building = get_building(session, building_id)
    wanted = [no.strip() for no in unit_nos]
    stmt = select(BuildingUnit).where(
        BuildingUnit.building_id == building.id, BuildingUnit.unit_no.in_(wanted)
    )
    if for_update:  # lock the rows (PostGIS) and read them afresh
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    found = {unit.unit_no: unit for unit in session.scalars(stmt)}
    for no in wanted:
        if no not in found:
            raise NotFound(_("厂房 {building} 没有单元 {unit}。", building=building.name, unit=no))
    return [found[no] for no in wanted]


def unit_label(unit: BuildingUnit) -> str:
    """The unit as people name it: building name and unit number."""
    return f"{unit.building.name} {unit.unit_no}"


def require_lettable(unit: BuildingUnit) -> None:
    """Refuse a unit that is owner-occupied or being built."""
    if unit.state not in LETTABLE_STATES:
        raise InvalidInput(
            _(
                "单元 {unit} 为“{state}”,不能出租。",
                unit=unit_label(unit),
                state=term("unit_state", unit.state),
            )
        )


def set_unit_state(session: Session, building_id: int, unit_no: str, state: str) -> BuildingUnit:
    """Set the unit's state by hand: vacant, owner-occupied or under construction.
    Refused while a lease lets the unit or one signed waits to let it (end it first)."""
    if state not in HAND_STATES:
        known = "、".join(f"{code}({vocab.UNIT_STATES[code]})" for code in HAND_STATES)
        raise InvalidInput(
            _(
                "单元状态“{state}”不能直接设置,可选:{known};出租须登记租约。",
                state=state,
                known=known,
            )
        )
    (unit,) = find_units(session, building_id, [unit_no], for_update=True)
    holding = session.scalars(
        select(Lease)
        .join(LeaseUnit, LeaseUnit.lease_id == Lease.id)
        .where(LeaseUnit.unit_id == unit.id, Lease.status.in_(("signed", "active")))
        .order_by(Lease.start_date)
    ).first()
    if holding is not None:
        raise Conflict(
            _(
                "单元 {unit} 有{status}的租约 {lease_no}({tenant}),"
                "须先结束该租约才能改变单元状态。",
                unit=unit_label(unit),
                status=term("lease_status", holding.status),
                lease_no=holding.lease_no,
                tenant=holding.tenant,
            )
        )
    unit.state = state
    session.flush()
    return unit
