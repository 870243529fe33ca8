"""What a lease says, as a plain value (the commands carry it; nothing here is stored)."""

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
