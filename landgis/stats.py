"""Headline figures of the ledger: cases, idle area, revitalized area and floor area.

Totals are sums of the stored areas (m²), converted to 亩 at the end and rounded to
0.01, so both backends report the same digits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis.db.models import Case, Parcel, Zone
from landgis.units import m2_to_mu

# Statuses that are not (or no longer) part of the idle-land ledger.
OUTSIDE_LEDGER = ("dismissed",)


def _mu(area_m2: float | None) -> float:
    return round(m2_to_mu(area_m2 or 0.0), 2)


def _m2(area_m2: float | None) -> float:
    return round(area_m2 or 0.0, 2)


def _grouped(session: Session, column: Any) -> dict[str, dict[str, float | int]]:
    rows = session.execute(
        select(
            column,
            func.count(Case.id),
            func.sum(Case.idle_area_m2),
            func.sum(Case.revitalized_area_m2),
            func.sum(Case.revitalized_building_area_m2),
        )
        .select_from(Case)
        .join(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .where(Case.status.not_in(OUTSIDE_LEDGER))
        .group_by(column)
        .order_by(column)
    ).all()
    return {
        key or "unassigned": {
            "cases": count,
            "area_mu": _mu(idle),
            "revitalized_area_mu": _mu(revitalized),
            "revitalized_building_area_m2": _m2(building),
        }
        for key, count, idle, revitalized, building in rows
    }


def headline_figures(session: Session) -> dict[str, Any]:
    """The figures a campaign report leads with, JSON-ready."""
    cases, idle, idle_building, revitalized, revitalized_building = session.execute(
        select(
            func.count(Case.id),
            func.sum(Case.idle_area_m2),
            func.sum(Case.idle_building_area_m2),
            func.sum(Case.revitalized_area_m2),
            func.sum(Case.revitalized_building_area_m2),
        ).where(Case.status.not_in(OUTSIDE_LEDGER))
    ).one()
    parcels, parcels_area = session.execute(
        select(func.count(Parcel.id), func.sum(Parcel.area_m2))
    ).one()
    return {
        "cases": cases,
        "ledger_area_mu": _mu(idle),
        "revitalized_area_mu": _mu(revitalized),
        "revitalized_share": round(revitalized / idle, 4) if idle else 0.0,
        "idle_building_area_m2": _m2(idle_building),
        "revitalized_building_area_m2": _m2(revitalized_building),
        "parcels": parcels,
        "parcels_area_mu": _mu(parcels_area),
        "by_status": _grouped(session, Case.status),
        "by_route": _grouped(session, Case.route),
        "by_category": _grouped(session, Case.category),
        "by_zone": _grouped(session, Zone.name),
    }
