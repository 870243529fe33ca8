"""The properties of the ``buildings`` feature collection (厂房): one feature per factory
building, its footprint as the geometry, read from the building joined to its parcel, the
parcel's zone and current case, and the floor area of its units by state (:data:`UNITS`).

The units' areas are their stored states (what the building's page shows); the occupancy
rate is (leased + owner-occupied) ÷ the units' floor area not under construction, as
:mod:`landgis.space.occupancy` counts it, None when there is none.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, case, cast, func, select

from landgis import vocab
from landgis.db.backends import Rounded
from landgis.db.models import Building, BuildingUnit, Case, Parcel, Zone
from landgis.db.query_types import AnySelect
from landgis.feature_properties import GeometryProperty, Property, PropertyMap, PropertyType
from landgis.ledger_rules.current_case import is_current_case

COLLECTION_ID = "buildings"
USES: tuple[str, ...] = tuple(vocab.UNIT_STATES)


def _units() -> Any:
    """Per building with units: the floor area (㎡) of its units in each state."""
    areas = [
        func.sum(case((BuildingUnit.state == use, BuildingUnit.floor_area_m2), else_=0.0)).label(
            f"{use}_m2"
        )
        for use in USES
    ]
    stmt = select(BuildingUnit.building_id.label("building_id"), *areas)
    return stmt.group_by(BuildingUnit.building_id).subquery("unit_areas")


UNITS = _units()


def _area(use: str) -> Any:
    return Rounded(cast(func.coalesce(UNITS.c[f"{use}_m2"], 0.0), Float), 2)


def _rate() -> Any:
    occupied = func.coalesce(UNITS.c.leased_m2 + UNITS.c.owner_occupied_m2, 0.0)
    counted = func.coalesce(UNITS.c.vacant_m2 + UNITS.c.leased_m2 + UNITS.c.owner_occupied_m2, 0.0)
    return case((counted > 0, Rounded(cast(occupied, Float) / counted, 4)), else_=None)


def _plain(
    name: str, sql: Any, kind: PropertyType, zh: str, en: str, enum: tuple[str, ...] = ()
) -> Property:
    return Property(name, lambda today: sql, kind, zh, en, enum)


_USE_LABELS = {
    "vacant": ("空置面积(平方米)", "Vacant (m²)"),
    "leased": ("已出租面积(平方米)", "Leased (m²)"),
    "owner_occupied": ("自用面积(平方米)", "Owner-occupied (m²)"),
    "under_construction": ("在建面积(平方米)", "Under construction (m²)"),
}


def _properties() -> PropertyMap:
    properties = [
        _plain("id", Building.id, "integer", "厂房编号", "Building id"),
        _plain("name", Building.name, "string", "厂房名称", "Name"),
        _plain("kind", Building.kind, "string", "厂房类型", "Kind", tuple(vocab.BUILDING_KINDS)),
        _plain(
            "state", Building.state, "string", "厂房状态", "State", tuple(vocab.BUILDING_STATES)
        ),
        _plain("owner", func.coalesce(Building.owner, Parcel.holder), "string", "产权人", "Owner"),
        _plain(
            "owner_credit_code",
            Building.owner_credit_code,
            "string",
            "产权人统一社会信用代码",
            "Owner's credit code",
        ),
        _plain("floors", Building.floors, "integer", "层数", "Floors"),
        _plain(
            "floor_area_m2", Building.floor_area_m2, "number", "建筑面积(平方米)", "Floor area (m²)"
        ),
        _plain(
            "footprint_area_m2",
            Building.footprint_area_m2,
            "number",
            "占地面积(平方米)",
            "Footprint area (m²)",
        ),
        _plain("parcel_code", Parcel.parcel_code, "string", "宗地编号", "Parcel code"),
        _plain("case_no", Case.case_no, "string", "台账编号", "Case number"),
        _plain("zone", Zone.code, "string", "片区编号", "Zone code"),
        _plain("zone_name", Zone.name, "string", "片区名称", "Zone name"),
        *(_plain(f"{use}_m2", _area(use), "number", *_USE_LABELS[use]) for use in USES),
        _plain("occupancy_rate", _rate(), "number", "出租率", "Occupancy rate"),
    ]
    geometry = GeometryProperty("geom", lambda: Building.footprint, "厂房轮廓", "Footprint")
    return PropertyMap(COLLECTION_ID, tuple(properties), geometry)


PROPERTIES = _properties()


def joined(stmt: AnySelect) -> AnySelect:
    """``stmt`` over the buildings joined to their parcels, the parcels' zones and current
    cases, and their units' areas by state."""
    return (
        stmt.select_from(Building)
        .join(Parcel, Parcel.id == Building.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .outerjoin(Case, is_current_case(Parcel))
        .outerjoin(UNITS, UNITS.c.building_id == Building.id)
    )
