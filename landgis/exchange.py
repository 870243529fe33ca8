"""The layers of a county GeoPackage as landgis exchanges it (the demo county, synthetic
provinces): layer names and the columns each carries, in order.

``landgis.demo.load_demo`` reads this layout; the generators write it.
"""

from __future__ import annotations

ZONE_FIELDS = ("code", "name", "kind", "parent_code")
PARCEL_FIELDS = (
    "parcel_code",
    "supervision_no",
    "project_name",
    "zone_code",
    "location",
    "holder",
    "credit_code",
    "land_use",
    "supply_method",
    "contract_no",
    "contract_date",
    "land_price_yuan",
    "agreed_start_date",
    "agreed_completion_date",
    "actual_start_date",
    "actual_completion_date",
    "registered_area_m2",
    "plot_ratio",
    "tax_per_mu",
)
BUILDING_FIELDS = (
    "parcel_code",
    "name",
    "floors",
    "footprint_area_m2",
    "floor_area_m2",
    "state",
)
CASE_FIELDS = (
    "case_no",
    "parcel_code",
    "category",
    "cause",
    "cause_detail",
    "idle_area_m2",
    "idle_building_area_m2",
    "identified_on",
    "determination_no",
    "route",
    "plan_no",
    "deadline",
    "responsible_unit",
    "revitalized_area_m2",
    "revitalized_building_area_m2",
    "revitalized_on",
    "new_holder",
    "new_project",
    "amount_yuan",
    "closed_on",
    "status",
    "remarks",
)
EVENT_FIELDS = (
    "case_no",
    "occurred_on",
    "actor",
    "action",
    "status_before",
    "status_after",
    "changes",
    "document_no",
    "note",
)
LAYERS = ("zones", "parcels", "buildings", "cases", "case_events")
SPATIAL_LAYERS = ("zones", "parcels", "buildings")
