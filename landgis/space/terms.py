"""What a lease says and what a unit is, as plain values (the commands carry them;
nothing here is stored)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class LeaseTerms:
    """What a lease says: the tenant (and its unified social credit code), the period
    (both days included), the rent in 元/㎡·月, the project it houses, remarks."""

    tenant: str
    start_date: dt.date
    end_date: dt.date
    tenant_credit_code: str | None = None
    rent_yuan_m2_month: float | None = None
    project: str | None = None
    remarks: str | None = None


@dataclass(frozen=True)
class UnitSpec:
    """A unit to add: its number in the building (``3F-A``), floor, floor area (㎡), clear
    height (m) and floor load (kN/㎡) where known, and state."""

    unit_no: str
    floor_area_m2: float
    floor: int | None = None
    clear_height_m: float | None = None
    floor_load_kn_m2: float | None = None
    state: str = "vacant"
