"""The field schema: every field of a zone, a parcel, a building, a case and an event
described once (:mod:`landgis.schema.records`), and the ledger's columns built from them
(:mod:`landgis.schema.columns`)."""

from landgis.schema.columns import (
    BY_KEY,
    EVENT_SHEET,
    EXPORTED,
    FLOOR_AREA_FIELDS,
    HELPERS,
    LAND_AREA_FIELDS,
    LEDGER,
    OVERDUE,
    Column,
)
from landgis.schema.field import Field, FieldSet, label_of
from landgis.schema.printed import (
    DEFAULT_PRINTED,
    PRINTABLE,
    PRINTED,
    PrintedColumn,
    check_printed,
)
from landgis.schema.records import BUILDING, CASE, EVENT, PARCEL, PARCEL_AREA, ZONE

__all__ = [
    "BUILDING",
    "BY_KEY",
    "CASE",
    "DEFAULT_PRINTED",
    "EVENT",
    "EVENT_SHEET",
    "EXPORTED",
    "FLOOR_AREA_FIELDS",
    "HELPERS",
    "LAND_AREA_FIELDS",
    "LEDGER",
    "OVERDUE",
    "PARCEL",
    "PARCEL_AREA",
    "PRINTABLE",
    "PRINTED",
    "ZONE",
    "Column",
    "Field",
    "FieldSet",
    "PrintedColumn",
    "check_printed",
    "label_of",
]
