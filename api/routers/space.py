"""Factory buildings and their units: list and read them; add units and set a unit's
state by handing the ledger service a command (:mod:`landgis.commands`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import EditorLedgerDep, ReaderDep, SessionDep
from api.jsonable import plain
from api.schemas import BuildingIn, UnitsAdd, UnitStateChange
from landgis import commands
from landgis.space.listing import building_detail, building_rows, unit_values
from landgis.space.terms import UnitSpec

router = APIRouter(prefix="/api/buildings", tags=["factory space"])


@router.get("", summary="Factory buildings with their units' floor area by state")
def list_buildings(
    session: SessionDep,
    _: ReaderDep,
    zone: Annotated[str | None, Query(description="片区 code or name")] = None,
    kind: Annotated[str | None, Query(description="standard or enterprise")] = None,
    state: Annotated[str | None, Query(description="in_use, idle or revitalized")] = None,
) -> dict[str, Any]:
    """Each building with its parcel, zone, kind, owner and floor area, and its units'
    vacant, leased, owner-occupied and under-construction floor area (㎡)."""
    items = plain(building_rows(session, zone=zone, kind=kind, state=state))
    return {"total": len(items), "items": items}


@router.post("", status_code=201, summary="Add a building by its footprint (editor)")
def add_building(body: BuildingIn, ledger: EditorLedgerDep) -> JSONResponse:
    """A GeoJSON Feature: the footprint in lon/lat (CGCS2000) and the building's fields.
    It goes on the parcel it overlaps most; refused (422) when it overlaps none, when more
    than 5 % of it lies outside that parcel, or when it is not on the ``parcel_code``
    given. The footprint area is computed in m², never taken from the request."""
    geometry = body.geometry.model_dump(exclude_none=True)
    building = ledger.handle(commands.AddBuilding(geometry=geometry, fields=body.properties))
    response = JSONResponse(
        content=plain(building_detail(ledger.session, building.id)), status_code=201
    )
    response.headers["Location"] = f"/api/buildings/{building.id}"
    return response


@router.get("/{building_id}", summary="One building, its units and their leases")
def get_building(building_id: int, session: SessionDep, _: ReaderDep) -> dict[str, Any]:
    """The building, each unit with the lease letting it (or signed to let it next), and
    every lease of its units."""
    return plain(building_detail(session, building_id))


@router.post("/{building_id}/units", status_code=201, summary="Add units (editor)")
def add_units(building_id: int, body: UnitsAdd, ledger: EditorLedgerDep) -> JSONResponse:
    """All the units, or none (422) when one number is taken or repeated, a figure is not
    positive, or they would exceed the building's floor area."""
    specs = tuple(UnitSpec(**unit.model_dump()) for unit in body.units)
    added = ledger.handle(commands.AddUnits(building_id=building_id, units=specs))
    response = JSONResponse(
        content=plain({"building_id": building_id, "units": [unit_values(u) for u in added]}),
        status_code=201,
    )
    response.headers["Location"] = f"/api/buildings/{building_id}"
    return response


@router.patch("/{building_id}/units/{unit_no}", summary="Set a unit's state (editor)")
def set_unit_state(
    building_id: int, unit_no: str, body: UnitStateChange, ledger: EditorLedgerDep
) -> dict[str, Any]:
    """Vacant, owner-occupied or under construction; 409 while a lease lets the unit."""
    command = commands.SetUnitState(building_id=building_id, unit_no=unit_no, state=body.state)
    return plain(unit_values(ledger.handle(command)))
