"""The factory space pages: ``/space`` (the buildings, with the floor area of their units
vacant, leased and in own use), ``/space/buildings/{id}`` (a building's units, their
tenants, and the forms to add units and to sign a lease) and ``/space/leases`` (the
leases, their warnings, and the forms to start and end them). Readers see them; editors
also get the forms (:mod:`api.web.space_forms`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api.deps import ReaderDep, SessionDep, SettingsDep
from api.web.filters import filter_choices
from api.web.layout import ui_for
from api.web.render import refused, render
from landgis import vocab, wallclock
from landgis.errors import InvalidInput, LandGISError, NotFound
from landgis.settings import Settings
from landgis.space.alerts import lease_warnings
from landgis.space.listing import building_detail, building_rows, lease_rows

router = APIRouter(tags=["pages"], include_in_schema=False)

# The parts of a building's floor area the bar shows, in order, with their colours.
SHARES: tuple[tuple[str, str], ...] = (
    ("leased", "#2e7d32"),
    ("owner_occupied", "#1565c0"),
    ("vacant", "#f9a825"),
    ("under_construction", "#8d6e63"),
)
# Empty rows of the form that adds units.
UNIT_ROWS = 3


def _bar(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The building's floor area by state, as shares of it (percent) for the bar."""
    total = row["floor_area_m2"] or 0.0
    parts = [
        {"state": state, "colour": colour, "area": row[f"{state}_m2"]} for state, colour in SHARES
    ]
    for part in parts:
        part["percent"] = 100.0 * part["area"] / total if total else 0.0
    return parts


def show_buildings(request: Request, session: Session) -> HTMLResponse:
    """The buildings, filtered by the page's zone, kind and state."""
    ui = ui_for(request)
    chosen = {k: request.query_params.get(k) or "" for k in ("zone", "kind", "state")}
    error = None
    try:
        rows = building_rows(session, **{k: v or None for k, v in chosen.items()})
    except InvalidInput as refusal:
        error, rows = ui.t.message(refusal), building_rows(session)
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("floor_area_m2", *(f"{state}_m2" for state, _colour in SHARES))
    }
    context = {
        "ui": ui,
        "rows": [row | {"bar": _bar(row)} for row in rows],
        "totals": totals,
        "shares": SHARES,
        "chosen": chosen,
        "error": error,
        "zones": filter_choices(session)["zones"],
        "kinds": vocab.BUILDING_KINDS,
        "states": vocab.BUILDING_STATES,
    }
    return render(request, "space.html", context)


@router.get("/space", response_class=HTMLResponse)
def space_page(request: Request, session: SessionDep, _reader: ReaderDep) -> HTMLResponse:
    """The buildings with their units' floor area by state."""
    return show_buildings(request, session)


def show_building(
    request: Request,
    session: Session,
    building_id: int,
    *,
    error: LandGISError | None = None,
    kept: dict[str, Any] | None = None,
) -> HTMLResponse:
    """A building's page; after a refused form, with the reason and what was typed
    (``kept``: the form's ``kind`` and its values)."""
    ui = ui_for(request)
    try:
        building = building_detail(session, building_id)
    except NotFound as missing:
        return refused(request, ui, missing, 404)
    kept = kept or {}
    rows = (kept.get("units") if kept.get("kind") == "units" else None) or [
        {} for _row in range(UNIT_ROWS)
    ]
    context = {
        "ui": ui,
        "building": building | {"bar": _bar(building)},
        "shares": SHARES,
        "error": ui.t.message(error) if error is not None else None,
        "kept": kept,
        "unit_rows": rows,
        "today": wallclock.today().isoformat(),
    }
    return render(request, "space_building.html", context)


@router.get("/space/buildings/{building_id}", response_class=HTMLResponse)
def building_page(
    building_id: int, request: Request, session: SessionDep, _reader: ReaderDep
) -> HTMLResponse:
    """A building: its units, their tenants and leases."""
    return show_building(request, session, building_id)


def show_leases(
    request: Request,
    session: Session,
    settings: Settings,
    *,
    error: LandGISError | None = None,
    kept: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The leases (of the page's status), with the leases' warnings; after a refused
    form, with the reason and what was typed (``kept``: the lease and its values)."""
    ui = ui_for(request)
    status = request.query_params.get("status") or ""
    message = ui.t.message(error) if error is not None else None
    try:
        rows = lease_rows(session, status=status or None)
    except InvalidInput as refusal:
        message, rows, status = ui.t.message(refusal), lease_rows(session), ""
    today = wallclock.today()
    warnings = lease_warnings(session, today, settings.lease_warn_days_ahead)
    context = {
        "ui": ui,
        "rows": rows,
        "status": status,
        "statuses": vocab.LEASE_STATUSES,
        "warnings": warnings,
        "warned": {w.lease_no: w for w in warnings},
        "days_ahead": settings.lease_warn_days_ahead,
        "error": message,
        "kept": kept or {},
        "today": today.isoformat(),
    }
    return render(request, "space_leases.html", context)


@router.get("/space/leases", response_class=HTMLResponse)
def leases_page(
    request: Request, session: SessionDep, settings: SettingsDep, _reader: ReaderDep
) -> HTMLResponse:
    """The leases, soonest ending first, and what to act on."""
    return show_leases(request, session, settings)
