"""Ledger cases: list, read, and change them through the workflow."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from api.auth import Principal
from api.deps import AdminDep, EditorDep, ReaderDep, SessionDep, SettingsDep
from api.jsonable import plain, rows
from api.routers.parcels import FilterDep
from api.schemas import CaseEdit, CaseOpen, Change, Reopen, Revitalization, StatusChange
from landgis import cases, wallclock
from landgis.errors import InvalidInput, PreconditionRequired
from landgis.ledger import ROW_KEYS, case_list
from landgis.units import mu_to_m2
from landgis.workflow import Workflow

router = APIRouter(prefix="/api/cases", tags=["cases"])

IfMatch = Annotated[str | None, Header(description='The version you saw, e.g. "3"')]


def _seen_version(body: Change, if_match: str | None) -> int:
    """The version the client based its change on: the body's, else If-Match."""
    if body.version is not None:
        return body.version
    if if_match:
        tag = if_match.strip().removeprefix("W/").strip('"')
        if tag.isdigit():
            return int(tag)
        raise InvalidInput(
            f"If-Match 应为版本号,如 “3”,收到 {if_match!r}。",
            f'If-Match must be a version such as "3", got {if_match!r}.',
        )
    raise PreconditionRequired(
        "修改台账条目需要提供您看到的版本号(version 字段或 If-Match 头)。",
        "A change must name the version you saw (a version field or an If-Match header).",
    )


def _actor(principal: Principal) -> cases.Actor:
    return cases.Actor(principal.username, principal.role)


def _workflow(settings: Any) -> Workflow:
    return Workflow(evidence=settings.evidence)


def _respond(session: Any, case: Any, principal: Principal | None, status: int = 200):
    body = cases.case_detail(session, case, principal.role if principal else None)
    return JSONResponse(
        content=plain(body), status_code=status, headers={"ETag": f'"{case.version}"'}
    )


def _on(body: Change) -> dt.date:
    return body.occurred_on or wallclock.today()


@router.get("", summary="Ledger cases, filtered and paged")
def list_cases(session: SessionDep, filters: FilterDep, _: ReaderDep) -> dict[str, Any]:
    """One row per case in the columns of the exported ledger; ``total`` counts all matches."""
    page, total = case_list(session, filters)
    items = rows(page.to_dict("records"), ROW_KEYS)
    return {"total": total, "offset": filters.offset, "limit": filters.limit, "items": items}


@router.get("/{case_no}", summary="One case, with the transitions you may take")
def get_case(case_no: str, session: SessionDep, principal: ReaderDep) -> JSONResponse:
    """The case's fields, version (also as ETag) and allowed status changes."""
    return _respond(session, cases.get_case(session, case_no), principal)


@router.get("/{case_no}/events", summary="The case's history, oldest first")
def get_events(case_no: str, session: SessionDep, _: ReaderDep) -> list[dict[str, Any]]:
    """Every event: who, when, action, status before and after, changed fields."""
    return [cases.event_values(e) for e in cases.case_history(session, case_no)]


@router.post("", status_code=201, summary="Open a case on a parcel (editor)")
def open_case(
    body: CaseOpen, session: SessionDep, settings: SettingsDep, principal: EditorDep
) -> JSONResponse:
    """Enter a parcel in the ledger as suspected idle land."""
    case = cases.open_case(
        session,
        body.parcel_code,
        actor=_actor(principal),
        occurred_on=body.occurred_on or wallclock.today(),
        fields={"category": body.category, **body.fields},
        case_no=body.case_no,
        case_no_prefix=settings.case_no_prefix,
        document_no=body.document_no,
        note=body.note,
    )
    response = _respond(session, case, principal, status=201)
    response.headers["Location"] = f"/api/cases/{case.case_no}"
    return response


@router.post("/{case_no}/status", summary="Change the status (editor; reopening: admin)")
def change_status(
    case_no: str,
    body: StatusChange,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """409 on a stale version or a forbidden transition, 422 on missing evidence."""
    case = cases.change_status(
        session,
        case_no,
        body.status,
        version=_seen_version(body, if_match),
        actor=_actor(principal),
        occurred_on=_on(body),
        fields=body.fields,
        document_no=body.document_no,
        note=body.note,
        workflow=_workflow(settings),
    )
    return _respond(session, case, principal)


@router.patch("/{case_no}", summary="Edit case fields (editor)")
def edit_case(
    case_no: str,
    body: CaseEdit,
    session: SessionDep,
    principal: EditorDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """409 on a stale version or a closed case."""
    case = cases.edit_case(
        session,
        case_no,
        version=_seen_version(body, if_match),
        actor=_actor(principal),
        occurred_on=_on(body),
        fields=body.fields,
        document_no=body.document_no,
        note=body.note,
    )
    return _respond(session, case, principal)


@router.post("/{case_no}/revitalizations", summary="Record (partial) revitalization (editor)")
def revitalize(
    case_no: str,
    body: Revitalization,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Add revitalized area (亩 or m²) and factory floor area; ``complete`` also marks the
    case revitalized."""
    if (body.area_mu is None) == (body.area_m2 is None):
        raise InvalidInput(
            "请填写本次盘活面积:area_mu(亩)或 area_m2(㎡)二选一。",
            "Give the revitalized area as either area_mu or area_m2.",
        )
    area_m2 = body.area_m2 if body.area_m2 is not None else mu_to_m2(body.area_mu)
    extra = {"new_holder": body.new_holder, "new_project": body.new_project}
    extra["amount_yuan"] = body.amount_yuan
    case = cases.record_revitalization(
        session,
        case_no,
        version=_seen_version(body, if_match),
        actor=_actor(principal),
        occurred_on=_on(body),
        area_m2=area_m2,
        building_area_m2=body.building_area_m2,
        fields={k: v for k, v in extra.items() if v is not None},
        complete=body.complete,
        document_no=body.document_no,
        note=body.note,
        workflow=_workflow(settings),
    )
    return _respond(session, case, principal)


@router.post("/{case_no}/close", summary="Close out (销号) a revitalized case (editor)")
def close_case(
    case_no: str,
    body: Change,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """The case is read-only afterwards."""
    case = cases.close_case(
        session,
        case_no,
        version=_seen_version(body, if_match),
        actor=_actor(principal),
        occurred_on=_on(body),
        document_no=body.document_no,
        note=body.note,
        workflow=_workflow(settings),
    )
    return _respond(session, case, principal)


@router.post("/{case_no}/reopen", summary="Reopen a closed case (administrator)")
def reopen_case(
    case_no: str,
    body: Reopen,
    session: SessionDep,
    settings: SettingsDep,
    principal: AdminDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Back to 已盘活 (or a dismissed case back to 疑似闲置), with a reason."""
    case = cases.reopen_case(
        session,
        case_no,
        version=_seen_version(body, if_match),
        actor=_actor(principal),
        occurred_on=_on(body),
        reason=body.reason,
        workflow=_workflow(settings),
    )
    return _respond(session, case, principal)
