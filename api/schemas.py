"""Request bodies of the write endpoints (documented in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from geojson_pydantic.geometries import MultiPolygon, Polygon
from pydantic import BaseModel, ConfigDict, Field

from landgis.vocab import CASE_STATUSES, CATEGORIES

Scalar = str | float | int | bool | None
# One of the codes of landgis.vocab, checked by pydantic and listed in the OpenAPI schema;
# a Literal built at run time, so a type checker sees the str it is.
if TYPE_CHECKING:
    Status = str
    Category = str
else:
    Status = Literal[tuple(CASE_STATUSES)]
    Category = Literal[tuple(CATEGORIES)]


class Body(BaseModel):
    # NaN and ±Infinity (JSON literals Python reads, and 1e309) are no numbers a field
    # can hold: refused with the other invalid values (422).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Change(Body):
    """What every change of a case carries."""

    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The version you saw (or send If-Match)."
    )
    occurred_on: dt.date | None = Field(default=None, description="When it happened; today.")
    document_no: str | None = Field(default=None, max_length=64, description="文号")
    note: str | None = Field(default=None, max_length=2000, description="备注或理由")


class CaseOpen(Body):
    """Enter a parcel in the ledger as suspected idle land."""

    parcel_code: str = Field(min_length=1, max_length=64)
    category: Category = "idle"
    case_no: str | None = Field(default=None, min_length=1, max_length=32)
    fields: dict[str, Scalar] = Field(default_factory=dict, max_length=50)
    occurred_on: dt.date | None = None
    document_no: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)


class StatusChange(Change):
    """Move a case to another status with its evidence."""

    status: Status
    fields: dict[str, Scalar] = Field(default_factory=dict, max_length=50)
    confirm_short: bool = Field(
        default=False,
        description="Confirm completing the case (已盘活) with less area revitalized than "
        "idle; without it such a change is refused (409, NeedsConfirmation, remaining_mu).",
    )


class CaseEdit(Change):
    """Change case fields."""

    fields: dict[str, Scalar] = Field(min_length=1, max_length=50)


class Revitalization(Change):
    """Revitalized area added now (partial revitalization), in 亩 or m²."""

    area_mu: float | None = Field(default=None, ge=0, le=1e7)
    area_m2: float | None = Field(default=None, ge=0, le=1e10)
    building_area_m2: float = Field(default=0.0, ge=0, le=1e10)
    complete: bool = Field(default=False, description="Also mark the case revitalized.")
    confirm_short: bool = Field(
        default=False,
        description="Confirm completing the case (已盘活) with less area revitalized than "
        "idle; without it such a change is refused (409, NeedsConfirmation, remaining_mu).",
    )
    new_holder: str | None = Field(default=None, max_length=256)
    new_project: str | None = Field(default=None, max_length=256)
    amount_yuan: float | None = Field(default=None, ge=0, le=1e13)


class Reopen(Change):
    """Reopen a closed case (administrators)."""

    reason: str = Field(min_length=1, max_length=2000)


class ParcelIn(Body):
    """A new parcel as a GeoJSON Feature (lon/lat, CGCS2000)."""

    type: Literal["Feature"] = "Feature"
    geometry: Polygon | MultiPolygon
    properties: dict[str, Scalar] = Field(description="parcel_code and attributes")


class BuildingIn(Body):
    """A new building as a GeoJSON Feature: its footprint (lon/lat, CGCS2000) and fields."""

    type: Literal["Feature"] = "Feature"
    geometry: Polygon | MultiPolygon
    properties: dict[str, Scalar] = Field(
        max_length=20,
        description="name (required), kind (standard/enterprise), owner, owner_credit_code, "
        "floors, state (in_use/idle/revitalized), floor_area_m2 (default: footprint area × "
        "floors), parcel_code (optional: the parcel it must stand on)",
    )


class ParcelPatch(Body):
    """Changed attributes and/or a new geometry of a parcel."""

    geometry: Polygon | MultiPolygon | None = None
    properties: dict[str, Scalar] = Field(default_factory=dict, max_length=50)

    def geometry_dict(self) -> dict[str, Any] | None:
        return None if self.geometry is None else self.geometry.model_dump(exclude_none=True)


class SuggestionDismissal(Body):
    """Dismiss a suggested case of a year's evaluation, with the reason."""

    year: int = Field(ge=2000, le=2100, description="The year evaluated", examples=[2023])
    reason: str = Field(max_length=500, description="不予立案的理由 (required)")


class UnitIn(Body):
    """A unit to add to a building."""

    unit_no: str = Field(min_length=1, max_length=32, examples=["1F-A"])
    floor_area_m2: float = Field(gt=0, le=1e7, description="建筑面积 (㎡)")
    floor: int | None = Field(default=None, ge=-10, le=200)
    clear_height_m: float | None = Field(default=None, gt=0, le=100, description="层高 (m)")
    floor_load_kn_m2: float | None = Field(default=None, gt=0, le=1000, description="荷载 kN/㎡")
    state: str = Field(
        default="vacant", max_length=24, description="vacant, owner_occupied, under_construction"
    )


class UnitsAdd(Body):
    """Units to add to a building: all of them, or none."""

    units: list[UnitIn] = Field(min_length=1, max_length=500)


class UnitStateChange(Body):
    """A unit's state set by hand."""

    state: str = Field(max_length=24, description="vacant, owner_occupied, under_construction")


class LeaseSign(Body):
    """A lease of a building's units."""

    building_id: int = Field(ge=1, le=2**31 - 1)
    units: list[str] = Field(min_length=1, max_length=500, description="Unit numbers")
    tenant: str = Field(min_length=1, max_length=256, description="承租人")
    tenant_credit_code: str | None = Field(
        default=None, max_length=18, description="统一社会信用代码"
    )
    start_date: dt.date = Field(description="起租日")
    end_date: dt.date = Field(description="租期结束日 (included)")
    rent_yuan_m2_month: float | None = Field(default=None, ge=0, le=1e6, description="元/㎡·月")
    project: str | None = Field(default=None, max_length=256, description="入驻项目")
    remarks: str | None = Field(default=None, max_length=2000)
    lease_no: str | None = Field(default=None, min_length=1, max_length=32)


class LeaseEnd(Body):
    """End a lease (or cancel one not yet started)."""

    ended_on: dt.date | None = Field(default=None, description="Its last day; default today")
    reason: str | None = Field(default=None, max_length=2000)
