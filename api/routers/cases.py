"""Ledger cases: list and read them; change them by handing the ledger service a command
(:mod:`landgis.commands`) built from the request."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from api.deps import (
    AdminLedgerDep,
    EditorLedgerDep,
    ReaderDep,
    SessionDep,
    SettingsDep,
)
from api.jsonable import plain, rows
from api.query_filters import FilterDep
from api.schemas import CaseEdit, CaseOpen, Change, Reopen, Revitalization, StatusChange
from landgis import cases, commands
from landgis.db.models import Case
from landgis.errors import InvalidInput, PreconditionRequired
from landgis.i18n import _
from landgis.ledger import ROW_KEYS, case_list
from landgis.ledger_service import LedgerService
from landgis.units import mu_to_m2
from landgis.workflow import workflow_for

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
        raise InvalidInput(_("If-Match 应为版本号,如 “3”,收到 “{value}”。", value=if_match))
    raise PreconditionRequired(
        _("修改台账条目需要提供您看到的版本号(version 字段或 If-Match 头)。"),
    )


def _respond(body: dict[str, Any], version: int, status: int = 200) -> JSONResponse:
    return JSONResponse(content=plain(body), status_code=status, headers={"ETag": f'"{version}"'})


def _change_of(case_no: str, body: Change, if_match: str | None) -> dict[str, Any]:
    """What every change names: the case, the version seen, the day, document and note."""
    return {
        "case_no": case_no,
        "version": _seen_version(body, if_match),
        "occurred_on": body.occurred_on,
        "document_no": body.document_no,
        "note": body.note,
    }


def _changed(ledger: LedgerService, case: Case) -> JSONResponse:
    """The case after a change, as the one who changed it sees it."""
    return _respond(ledger.detail(case), case.version)


@router.get("", summary="Ledger cases, filtered and paged")
def list_cases(session: SessionDep, filters: FilterDep, _: ReaderDep) -> dict[str, Any]:
    """One row per case in the columns of the exported ledger; ``total`` counts all matches."""
    page, total = case_list(session, filters)
    items = rows(page.to_dict("records"), ROW_KEYS)
    return {"total": total, "offset": filters.offset, "limit": filters.limit, "items": items}


@router.get("/{case_no}", summary="One case, with the transitions you may take")
def get_case(
    case_no: str, session: SessionDep, settings: SettingsDep, principal: ReaderDep
) -> JSONResponse:
    """The case's fields, version (also as ETag) and allowed status changes, each with the
    evidence this installation asks for."""
    case = cases.get_case(session, case_no)
    role = principal.role if principal else None
    return _respond(cases.case_detail(session, case, role, workflow_for(settings)), case.version)


@router.get("/{case_no}/events", summary="The case's history, oldest first")
def get_events(case_no: str, session: SessionDep, _: ReaderDep) -> list[dict[str, Any]]:
    """Every event: who, when, action, status before and after, changed fields."""
    return [cases.event_values(e) for e in cases.case_history(session, case_no)]


@router.post("", status_code=201, summary="Open a case on a parcel (editor)")
def open_case(body: CaseOpen, ledger: EditorLedgerDep) -> JSONResponse:
    """Enter a parcel in the ledger as suspected idle land."""
    case = ledger.handle(
        commands.OpenCase(
            parcel_code=body.parcel_code,
            category=body.category,
            fields=body.fields,
            case_no=body.case_no,
            occurred_on=body.occurred_on,
            document_no=body.document_no,
            note=body.note,
        )
    )
    response = _respond(ledger.detail(case), case.version, status=201)
    response.headers["Location"] = f"/api/cases/{case.case_no}"
    return response


@router.post("/{case_no}/status", summary="Change the status (editor; reopening: admin)")
def change_status(
    case_no: str, body: StatusChange, ledger: EditorLedgerDep, if_match: IfMatch = None
) -> JSONResponse:
    """409 on a stale version, a forbidden transition or an unconfirmed completion short
    of the idle area (``confirm_short``); 422 on missing evidence."""
    command = commands.ChangeStatus(
        **_change_of(case_no, body, if_match),
        target=body.status,
        fields=body.fields,
        confirm_short=body.confirm_short,
    )
    return _changed(ledger, ledger.handle(command))


@router.patch("/{case_no}", summary="Edit case fields (editor)")
def edit_case(
    case_no: str, body: CaseEdit, ledger: EditorLedgerDep, if_match: IfMatch = None
) -> JSONResponse:
    """409 on a stale version or a closed case."""
    command = commands.EditCase(**_change_of(case_no, body, if_match), fields=body.fields)
    return _changed(ledger, ledger.handle(command))


def _area_m2(body: Revitalization) -> float:
    if body.area_m2 is not None and body.area_mu is None:
        return body.area_m2
    if body.area_mu is not None and body.area_m2 is None:
        return mu_to_m2(body.area_mu)
    raise InvalidInput(
        _("请填写本次盘活面积:area_mu(亩)或 area_m2(㎡)二选一。"),
    )


@router.post("/{case_no}/revitalizations", summary="Record (partial) revitalization (editor)")
def revitalize(
    case_no: str, body: Revitalization, ledger: EditorLedgerDep, if_match: IfMatch = None
) -> JSONResponse:
    """Add revitalized area (亩 or m²) and factory floor area; ``complete`` also marks the
    case revitalized (409 when that leaves part of the idle area unrevitalized, unless
    ``confirm_short``)."""
    area_m2 = _area_m2(body)
    extra: dict[str, Any] = {
        "new_holder": body.new_holder,
        "new_project": body.new_project,
        "amount_yuan": body.amount_yuan,
    }
    command = commands.RecordRevitalization(
        **_change_of(case_no, body, if_match),
        area_m2=area_m2,
        area_unit="mu" if body.area_mu is not None else "m2",
        building_area_m2=body.building_area_m2,
        fields={k: v for k, v in extra.items() if v is not None},
    )
    if body.complete:
        completed = commands.completing(command, confirm_short=body.confirm_short)
        return _changed(ledger, ledger.handle(completed))
    return _changed(ledger, ledger.handle(command))


@router.post("/{case_no}/close", summary="Close out (销号) a revitalized case (editor)")
def close_case(
    case_no: str, body: Change, ledger: EditorLedgerDep, if_match: IfMatch = None
) -> JSONResponse:
    """The case is read-only afterwards."""
    command = commands.CloseCase(**_change_of(case_no, body, if_match))
    return _changed(ledger, ledger.handle(command))


@router.post("/{case_no}/reopen", summary="Reopen a closed case (administrator)")
def reopen_case(
    case_no: str, body: Reopen, ledger: AdminLedgerDep, if_match: IfMatch = None
) -> JSONResponse:
    """Back to 已盘活 (or a dismissed case back to 疑似闲置), with a reason."""
    command = commands.ReopenCase(
        case_no=case_no,
        version=_seen_version(body, if_match),
        occurred_on=body.occurred_on,
        reason=body.reason,
    )
    return _changed(ledger, ledger.handle(command))
