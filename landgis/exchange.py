"""The layers of a county GeoPackage as landgis exchanges it (the demo county, synthetic
provinces): layer names and the columns each carries, in order, read from the field
schema (:mod:`landgis.schema`).

``landgis.demo.load_demo`` reads this layout; the generators write it.
"""

from __future__ import annotations

from landgis import schema

ZONE_FIELDS = schema.ZONE.names(exchange=True)
PARCEL_FIELDS = schema.PARCEL.names(exchange=True)
BUILDING_FIELDS = schema.BUILDING.names(exchange=True)
CASE_FIELDS = schema.CASE.names(exchange=True)
EVENT_FIELDS = schema.EVENT.names(exchange=True)
LAYERS = ("zones", "parcels", "buildings", "cases", "case_events")
SPATIAL_LAYERS = ("zones", "parcels", "buildings")
