"""The tables of the standard factory space: the leases, numbered as the ledger numbers
them, with their status as of the register's day, and the projects with their stages."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from data.geo.demo.space_specs import PROJECTS, SPACE_AS_OF, LeaseSpec

LEASE_FIELDS = [
    "lease_no",
    "parcel_code",
    "building",
    "units",
    "tenant",
    "tenant_credit_code",
    "start_date",
    "end_date",
    "rent_yuan_m2_month",
    "project",
    "status",
    "ended_on",
    "project_no",
    "matched_on",
    "remarks",
]
PROJECT_FIELDS = [
    "project_no",
    "name",
    "investor",
    "investor_credit_code",
    "industry",
    "investment_wan_yuan",
    "land_need_mu",
    "floor_need_m2",
    "preferred_zones",
    "stage",
    "negotiating_on",
    "signed_on",
    "landed_on",
    "producing_on",
    "staff",
    "remarks",
]
STAGES = ("negotiating", "signed", "landed", "producing")


def lease_status(spec: LeaseSpec, day: str) -> str:
    """The lease's status on ``day``: signed ahead, let, or ended."""
    if spec.ended_on is not None and spec.ended_on <= day:
        return "ended"
    return "signed" if spec.start > day else "active"


def lease_rows(
    specs: list[LeaseSpec], units: list[dict[str, Any]], codes: dict[str, str]
) -> list[dict[str, Any]]:
    """The leases numbered ``ZL-YEAR-NNN`` by start (as the ledger numbers them when they
    are signed in that order), with their status as of the space's day; the units they let
    that day become ``leased``."""
    ordered = sorted(specs, key=lambda s: s.start)
    per_year: dict[str, int] = {}
    rows = []
    unit_index = {(u["parcel_code"], u["building"], u["unit_no"]): u for u in units}
    for spec in ordered:
        year = spec.start[:4]
        per_year[year] = per_year.get(year, 0) + 1
        status = lease_status(spec, SPACE_AS_OF)
        if status == "active":
            for no in spec.units:
                unit_index[(spec.parcel_code, spec.building, no)]["state"] = "leased"
        rows.append(
            {
                "lease_no": f"ZL-{year}-{per_year[year]:03d}",
                "parcel_code": spec.parcel_code,
                "building": spec.building,
                "units": ";".join(spec.units),
                "tenant": spec.tenant,
                "tenant_credit_code": codes[spec.tenant],
                "start_date": spec.start,
                "end_date": spec.end,
                "rent_yuan_m2_month": spec.rent,
                "project": spec.project,
                "status": status,
                "ended_on": spec.ended_on,
                "project_no": spec.project_no,
                "matched_on": spec.matched_on,
                "remarks": spec.remarks,
            }
        )
    return rows


def project_rows(codes: dict[str, str]) -> list[dict[str, Any]]:
    """The projects with their stage (the last reached) and the day of each stage."""
    rows = []
    for spec in PROJECTS:
        days = dict(zip(STAGES, spec.stages, strict=False))
        rows.append(
            {
                "project_no": spec.project_no,
                "name": spec.name,
                "investor": spec.investor,
                "investor_credit_code": codes[spec.investor],
                "industry": spec.industry,
                "investment_wan_yuan": spec.investment_wan_yuan,
                "land_need_mu": spec.land_need_mu,
                "floor_need_m2": spec.floor_need_m2,
                "preferred_zones": list(spec.preferred_zones),
                "stage": STAGES[len(spec.stages) - 1],
                **{f"{stage}_on": days.get(stage) for stage in STAGES},
                "staff": spec.staff,
                "remarks": spec.remarks,
            }
        )
    return rows


def projects_table(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects as the GeoPackage holds them: preferred zones as JSON text."""
    zones = [json.dumps(z, ensure_ascii=False) for z in projects["preferred_zones"]]
    return projects.assign(preferred_zones=zones)
