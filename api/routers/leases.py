"""Leases of building units: list and read them; sign, start and end them by handing the
ledger service a command (:mod:`landgis.commands`). A lease of a ledger case's idle
factory space revitalizes it on its start date: the answer names the case."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import EditorLedgerDep, ReaderDep, SessionDep, SettingsDep
from api.jsonable import plain
from api.schemas import LeaseEnd, LeaseSign
from landgis import commands, wallclock
from landgis.db.models import Case, Lease
from landgis.ledger_service import LedgerService
from landgis.space.listing import lease_detail, lease_rows, lease_values
from landgis.space.terms import LeaseTerms

router = APIRouter(prefix="/api/leases", tags=["factory space"])


def _answer(ledger: LedgerService, lease: Lease, status: int = 200) -> JSONResponse:
    """The lease, with the case whose idle factory space it revitalized (if any)."""
    case = ledger.session.get(Case, lease.case_id) if lease.case_id is not None else None
    body = lease_values(lease, {case.id: case.case_no} if case else None)
    body["case"] = (
        None
        if case is None
        else {
            "case_no": case.case_no,
            "status": case.status,
            "version": case.version,
            "revitalized_building_area_m2": case.revitalized_building_area_m2,
            "idle_building_area_m2": case.idle_building_area_m2,
            "href": f"/api/cases/{quote(case.case_no)}",
        }
    )
    return JSONResponse(content=plain(body), status_code=status)


@router.get("", summary="Leases, filtered")
def list_leases(
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    status: Annotated[str | None, Query(description="signed, active or ended")] = None,
    building: Annotated[int | None, Query(description="Building id")] = None,
    tenant: Annotated[str | None, Query(max_length=256, description="Part of the name")] = None,
    expiring: Annotated[
        bool, Query(description="Only those let and ending within lease_warn_days_ahead days")
    ] = False,
) -> dict[str, Any]:
    """Soonest ending first; ``expiring=true`` also lists those past their end still let."""
    by = None
    if expiring:
        by = wallclock.today() + dt.timedelta(days=settings.lease_warn_days_ahead)
    items = plain(
        lease_rows(session, status=status, building_id=building, tenant=tenant, expiring_by=by)
    )
    return {"total": len(items), "items": items}


@router.get("/{lease_no}", summary="One lease")
def get_lease(lease_no: str, session: SessionDep, _: ReaderDep) -> dict[str, Any]:
    """Tenant, building and units, area, rent, period, status and the case it revitalized."""
    return plain(lease_detail(session, lease_no))


@router.post("", status_code=201, summary="Sign a lease of building units (editor)")
def sign_lease(body: LeaseSign, ledger: EditorLedgerDep) -> JSONResponse:
    """Starts at once when its start date has come. 409 when a unit is let by another
    lease for a day of the period; 422 on bad terms, a unit that cannot be let, or a
    building of a case not yet being disposed of (处置中)."""
    terms = LeaseTerms(
        tenant=body.tenant,
        start_date=body.start_date,
        end_date=body.end_date,
        tenant_credit_code=body.tenant_credit_code,
        rent_yuan_m2_month=body.rent_yuan_m2_month,
        project=body.project,
        remarks=body.remarks,
    )
    command = commands.SignLease(
        building_id=body.building_id,
        unit_nos=tuple(body.units),
        terms=terms,
        lease_no=body.lease_no,
    )
    lease = ledger.handle(command)
    response = _answer(ledger, lease, status=201)
    response.headers["Location"] = f"/api/leases/{quote(lease.lease_no)}"
    return response


@router.post("/{lease_no}/start", summary="Start a lease signed ahead (editor)")
def start_lease(lease_no: str, ledger: EditorLedgerDep) -> JSONResponse:
    """Once its start date has come (422 before); 409 when it is not waiting to start."""
    return _answer(ledger, ledger.handle(commands.StartLease(lease_no=lease_no)))


@router.post("/{lease_no}/end", summary="End a lease (editor)")
def end_lease(lease_no: str, body: LeaseEnd, ledger: EditorLedgerDep) -> JSONResponse:
    """Its units are vacant again; what it revitalized stays. 409 when already ended."""
    command = commands.EndLease(lease_no=lease_no, ended_on=body.ended_on, reason=body.reason)
    return _answer(ledger, ledger.handle(command))
