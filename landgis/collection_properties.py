"""The properties of the parcels, cases and zones collections (:mod:`landgis.features`),
declared once (:mod:`landgis.feature_properties`): types, labels and codes are read from
the field schema (:mod:`landgis.schema`) where the field is one of its records'.

Each SQL value reads the tables the collection's select joins: parcels with their zone and
current case, cases with their parcel and its zone, zones with :data:`PARENT_ZONE`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from landgis import schema, vocab
from landgis.cases import LEDGER_FIELDS
from landgis.db.backends import JsonBoolean, Rounded
from landgis.db.backends.timestamps import UtcText
from landgis.db.models import Case, CaseEvent, Parcel, Zone
from landgis.feature_properties import (
    GeometryProperty,
    Property,
    PropertyMap,
    PropertyType,
)
from landgis.parcels import late_cases
from landgis.schema import Field
from landgis.units import m2_to_hectare, m2_to_mu

# The parent of a zone, joined by the zones collection's select.
PARENT_ZONE = aliased(Zone, name="parent_zone")

_TYPES: dict[str, PropertyType] = {
    "text": "string",
    "code": "string",
    "vocab": "string",
    "int": "integer",
    "float": "number",
    "area": "number",
    "floor_area": "number",
    "money": "number",
    "date": "date",
}


def _fixed(sql: Any) -> Callable[[dt.date], Any]:
    return lambda today: sql


def _field(field: Field, sql: Any, name: str | None = None) -> Property:
    """A property read from a schema field: its type, labels and codes."""
    codes = tuple(vocab.VOCABULARIES[field.vocabulary]) if field.vocabulary else ()
    return Property(name or field.name, _fixed(sql), _TYPES[field.kind], field.zh, field.en, codes)


def _areas(name: str, m2: Any, zh: str, en: str, hectares: bool = False) -> list[Property]:
    """``name`` in m², ``…_mu`` (2 decimals) and optionally ``…_ha`` (4 decimals)."""
    stem = name.removesuffix("_m2")
    found = [
        Property(name, _fixed(m2), "number", f"{zh}(平方米)", f"{en} (m²)"),
        Property(
            f"{stem}_mu", _fixed(Rounded(m2_to_mu(m2), 2)), "number", f"{zh}(亩)", f"{en} (mu)"
        ),
    ]
    if hectares:
        hectare = Rounded(m2_to_hectare(m2), 4)
        found.append(Property(f"{stem}_ha", _fixed(hectare), "number", f"{zh}(公顷)", f"{en} (ha)"))
    return found


def _overdue() -> Property:
    return Property(
        "overdue", late_cases, "boolean", schema.OVERDUE.zh, schema.OVERDUE.en, shown=JsonBoolean
    )


def _parcel_identity() -> list[Property]:
    return [
        _field(schema.PARCEL["parcel_code"], Parcel.parcel_code),
        _field(schema.PARCEL["project_name"], Parcel.project_name),
        _field(schema.PARCEL["holder"], Parcel.holder),
        _field(schema.PARCEL["location"], Parcel.location),
        _field(schema.PARCEL["land_use"], Parcel.land_use),
    ]


def _zone_of_parcel() -> list[Property]:
    return [
        _field(schema.PARCEL["zone_code"], Zone.code),
        _field(schema.ZONE["name"], Zone.name, "zone_name"),
    ]


def _case_field(name: str) -> list[Property]:
    field = schema.CASE[name]
    column = getattr(Case, name)
    if name in ("idle_area_m2", "revitalized_area_m2"):
        return _areas(name, column, field.zh, field.en)
    return [_field(field, column)]


def last_event_on() -> Any:
    """The date of the case's latest event (处置记录); NULL when it has none."""
    return (
        select(func.max(CaseEvent.occurred_on))
        .where(CaseEvent.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )


def _parcels() -> PropertyMap:
    area = schema.PARCEL_AREA
    properties = [
        *_parcel_identity(),
        *_areas("area_m2", Parcel.area_m2, area.zh, area.en, hectares=True),
        Property(
            "geodesic_area_m2",
            _fixed(Parcel.geodesic_area_m2),
            "number",
            "椭球面积(平方米)",
            "Geodesic area (m²)",
        ),
        _field(schema.PARCEL["registered_area_m2"], Parcel.registered_area_m2),
        *_zone_of_parcel(),
        _field(schema.CASE["case_no"], Case.case_no),
        *(
            _field(schema.CASE[n], getattr(Case, n))
            for n in ("status", "category", "cause", "route")
        ),
        *_case_field("idle_area_m2"),
        *_case_field("revitalized_area_m2"),
        _field(schema.CASE["deadline"], Case.deadline),
        _overdue(),
        Property(
            "updated_at",
            _fixed(Parcel.updated_at),
            "date-time",
            "更新时间",
            "Updated at",
            shown=UtcText,
        ),
    ]
    geometry = GeometryProperty("geom", lambda: Parcel.geom, "宗地图形", "Parcel boundary")
    return PropertyMap("parcels", tuple(properties), geometry)


def _cases() -> PropertyMap:
    area = schema.PARCEL_AREA
    ledger = [p for name in LEDGER_FIELDS for p in _case_field(name)]
    properties = [
        _field(schema.CASE["case_no"], Case.case_no),
        _field(schema.CASE["status"], Case.status),
        Property("version", _fixed(Case.version), "integer", "版本", "Version"),
        *ledger,
        *_parcel_identity(),
        *_zone_of_parcel(),
        *_areas("parcel_area_m2", Parcel.area_m2, area.zh, area.en),
        _overdue(),
        Property(
            "last_event_on", lambda today: last_event_on(), "date", "最近处置日期", "Last event on"
        ),
    ]
    geometry = GeometryProperty("geom", lambda: Parcel.geom, "宗地图形", "Parcel boundary")
    return PropertyMap("cases", tuple(properties), geometry)


def _zones() -> PropertyMap:
    kind_name = case(*((Zone.kind == kind, name) for kind, name in vocab.ZONE_KINDS.items()))
    properties = [
        _field(schema.ZONE["code"], Zone.code),
        _field(schema.ZONE["name"], Zone.name),
        _field(schema.ZONE["kind"], Zone.kind),
        Property("kind_name", _fixed(kind_name), "string", "类型名称", "Kind name"),
        _field(schema.ZONE["parent_code"], PARENT_ZONE.code),
        *_areas("area_m2", Zone.area_m2, "面积", "Area", hectares=True),
    ]
    geometry = GeometryProperty("geom", lambda: Zone.geom, "片区边界", "Zone boundary")
    return PropertyMap("zones", tuple(properties), geometry)


PROPERTY_MAPS: dict[str, PropertyMap] = {m.collection: m for m in (_parcels(), _cases(), _zones())}
