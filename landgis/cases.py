"""Use cases of the ledger: open a case, move it through the workflow, edit it, record
revitalization, close it out, reopen it.

Each use case changes the case row and appends exactly one :class:`CaseEvent` (who, when,
what, status before and after, every changed field before and after, document number,
note) in the caller's transaction. A change names the version the user saw: an older
version is refused (:class:`StaleVersion`) instead of overwriting someone else's change.

These are the rules of one change. The doors (API, command line, web forms, workbook
import) do not call them: they hand a command (:mod:`landgis.commands`) to the
:class:`~landgis.ledger_service.LedgerService`, which brings the configured workflow, the
clock and the actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from landgis import vocab
from landgis.case_checks import (
    AREA_TOLERANCE_M2,
    EDITABLE_FIELDS,
    VOCABULARIES,
    Actor,
    check_date,
    check_invariants,
    refuse_read_only,
    require_editor,
    status_label,
    typed_fields,
)
from landgis.case_records import (
    LEDGER_FIELDS,
    case_detail,
    case_history,
    case_values,
    event_values,
    get_case,
    json_value,
)
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.errors import (
    InvalidInput,
    NotFound,
    StaleVersion,
)
from landgis.i18n import _
from landgis.i18n.values import AreaUnit
from landgis.workflow import ENDED_STATUSES, READ_ONLY_STATUSES, Workflow

__all__ = [
    "AREA_TOLERANCE_M2",
    "EDITABLE_FIELDS",
    "LEDGER_FIELDS",
    "VOCABULARIES",
    "Actor",
    "case_detail",
    "case_history",
    "case_values",
    "change_status",
    "close_case",
    "edit_case",
    "event_values",
    "get_case",
    "next_case_no",
    "open_case",
    "record_revitalization",
    "reopen_case",
    "require_editor",
    "require_version",
]


def _load_for_change(
    session: Session, case_no: str, version: int, *, allow_read_only: bool = False
) -> Case:
    case = get_case(session, case_no, for_update=True)
    if case.version != version:
        raise StaleVersion(
            _(
                "台账条目 {case_no} 在您打开后已被他人修改(当前版本 {current},"
                "您看到的是版本 {seen}),请查看最新内容后再修改。",
                case_no=case_no,
                current=case.version,
                seen=version,
            ),
            current=case_values(case),
        )
    if case.status in READ_ONLY_STATUSES and not allow_read_only:
        refuse_read_only(case)
    return case


def _record(
    session: Session,
    case: Case,
    *,
    action: str,
    actor: Actor,
    occurred_on: dt.date,
    values: Mapping[str, Any],
    status: str | None = None,
    document_no: str | None = None,
    note: str | None = None,
    area_unit: AreaUnit = "m2",
) -> Case:
    """Apply ``values`` (and ``status``) to ``case`` and append the event that says so;
    areas in messages are named in ``area_unit``."""
    check_date(session, case, occurred_on)
    before_status = case.status
    changes = {
        name: [json_value(getattr(case, name)), json_value(value)]
        for name, value in values.items()
        if getattr(case, name) != value
    }
    if status is not None and status != before_status:
        changes["status"] = [before_status, status]
    if not changes and action != "open":
        raise InvalidInput(_("没有任何改动。"))
    parcel_area = session.scalars(select(Parcel.area_m2).where(Parcel.id == case.parcel_id)).one()
    state = {f: getattr(case, f) for f in LEDGER_FIELDS} | dict(values)
    check_invariants(state, parcel_area, area_unit)
    for name, value in values.items():
        setattr(case, name, value)
    if status is not None:
        case.status = status
    session.add(case)
    case_no = case.case_no
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleVersion(
            _("台账条目 {case_no} 刚被他人修改,请刷新后再试。", case_no=case_no)
        ) from exc
    session.add(
        CaseEvent(
            case_id=case.id,
            occurred_on=occurred_on,
            actor=actor.username,
            action=action,
            status_before=None if action == "open" else before_status,
            status_after=case.status,
            changes=changes,
            document_no=document_no,
            note=note,
        )
    )
    session.flush()
    return case


def require_version(session: Session, case_no: str, version: int) -> Case:
    """The case, locked for a change, if it is still at ``version``; StaleVersion if not."""
    return _load_for_change(session, case_no, version, allow_read_only=True)


def next_case_no(session: Session, prefix: str, year: int) -> str:
    """The next free case number ``PREFIX-YEAR-NNN``."""
    stem = f"{prefix}-{year}-"
    taken = session.scalars(select(Case.case_no).where(Case.case_no.like(f"{stem}%")))
    numbers = [int(n[len(stem) :]) for n in taken if n[len(stem) :].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:03d}"


def open_case(
    session: Session,
    parcel_code: str,
    *,
    actor: Actor,
    occurred_on: dt.date,
    fields: Mapping[str, Any] | None = None,
    case_no: str | None = None,
    case_no_prefix: str = "XZ",
    document_no: str | None = None,
    note: str | None = None,
    area_unit: AreaUnit = "m2",
) -> Case:
    """Enter a parcel in the ledger as suspected idle land (疑似闲置).

    The idle area defaults to the parcel's whole computed area.
    """
    require_editor(actor)
    parcel = session.scalars(select(Parcel).where(Parcel.parcel_code == parcel_code)).one_or_none()
    if parcel is None:
        raise NotFound(_("没有编号为 {parcel_code} 的宗地。", parcel_code=parcel_code))
    open_on_parcel = session.scalar(
        select(Case.case_no).where(Case.parcel_id == parcel.id, Case.status.not_in(ENDED_STATUSES))
    )
    if open_on_parcel:
        raise InvalidInput(
            _(
                "宗地 {parcel_code} 已在台账中({case_no}),不能重复立案。",
                parcel_code=parcel_code,
                case_no=open_on_parcel,
            )
        )
    check_date(session, None, occurred_on)
    values = dict.fromkeys(LEDGER_FIELDS) | {
        "idle_area_m2": parcel.area_m2,
        "idle_building_area_m2": 0.0,
        "revitalized_area_m2": 0.0,
        "revitalized_building_area_m2": 0.0,
    }
    values |= typed_fields(fields or {}, EDITABLE_FIELDS)
    if values.get("category") is None:
        raise InvalidInput(_("立案需要填写问题类型。"))
    number = case_no or next_case_no(session, case_no_prefix, occurred_on.year)
    if session.scalar(select(Case.id).where(Case.case_no == number)) is not None:
        raise InvalidInput(_("台账编号 {case_no} 已被使用。", case_no=number))
    case = Case(case_no=number, parcel_id=parcel.id, status="suspected", **values)
    check_invariants(values, parcel.area_m2, area_unit)
    session.add(case)
    session.flush()
    event_values = {f: values[f] for f in LEDGER_FIELDS}
    session.add(
        CaseEvent(
            case_id=case.id,
            occurred_on=occurred_on,
            actor=actor.username,
            action="open",
            status_before=None,
            status_after="suspected",
            changes={f: [None, json_value(v)] for f, v in event_values.items()}
            | {"status": [None, "suspected"]},
            document_no=document_no,
            note=note,
        )
    )
    session.flush()
    return case


def change_status(
    session: Session,
    case_no: str,
    target: str,
    *,
    version: int,
    actor: Actor,
    occurred_on: dt.date,
    fields: Mapping[str, Any] | None = None,
    document_no: str | None = None,
    note: str | None = None,
    workflow: Workflow,
    area_unit: AreaUnit = "m2",
) -> Case:
    """Move a case to ``target``, with the evidence ``fields`` (e.g. 认定书文号) and, for a
    step back, dismissal or reopening, the reason in ``note``."""
    require_editor(actor)
    if target not in vocab.CASE_STATUSES:
        raise InvalidInput(_("未知的处置状态:{status}。", status=target))
    case = _load_for_change(session, case_no, version, allow_read_only=True)
    reopenings = {t.target for t in workflow.transitions if t.kind == "reopen"}
    if case.status in READ_ONLY_STATUSES and target not in reopenings:
        refuse_read_only(case)
    transition = workflow.transition(case.status, target)
    values = typed_fields(fields or {}, EDITABLE_FIELDS)
    if target == "closed":
        values["closed_on"] = occurred_on
    if transition.kind == "reopen" and case.status == "closed":
        values["closed_on"] = None
    state = {f: getattr(case, f) for f in LEDGER_FIELDS} | values
    workflow.check(case.status, target, state, role=actor.role, reason=note)
    return _record(
        session,
        case,
        action={"reopen": "reopen", "dismiss": "dismiss"}.get(transition.kind, "status"),
        actor=actor,
        occurred_on=occurred_on,
        values=values,
        status=target,
        document_no=document_no,
        note=note,
        area_unit=area_unit,
    )


def edit_case(
    session: Session,
    case_no: str,
    *,
    version: int,
    actor: Actor,
    occurred_on: dt.date,
    fields: Mapping[str, Any],
    document_no: str | None = None,
    note: str | None = None,
    area_unit: AreaUnit = "m2",
) -> Case:
    """Change a case's fields (not its status); a closed case cannot be edited."""
    require_editor(actor)
    case = _load_for_change(session, case_no, version)
    values = typed_fields(fields, EDITABLE_FIELDS)
    return _record(
        session,
        case,
        action="edit",
        actor=actor,
        occurred_on=occurred_on,
        values=values,
        document_no=document_no,
        note=note,
        area_unit=area_unit,
    )


def record_revitalization(
    session: Session,
    case_no: str,
    *,
    version: int,
    actor: Actor,
    occurred_on: dt.date,
    area_m2: float,
    building_area_m2: float = 0.0,
    fields: Mapping[str, Any] | None = None,
    complete: bool = False,
    document_no: str | None = None,
    note: str | None = None,
    workflow: Workflow,
    area_unit: AreaUnit = "m2",
) -> Case:
    """Add revitalized area (and factory floor area) to a case being disposed of.

    Partial revitalization keeps the case ``disposing``; ``complete`` also moves it to
    ``revitalized`` in the same event. ``fields`` may name the new holder, project, amount.
    """
    require_editor(actor)
    case = _load_for_change(session, case_no, version)
    if case.status != "disposing":
        raise InvalidInput(
            _(
                "只有“处置中”的条目可以登记盘活,{case_no} 当前为“{status}”。",
                case_no=case_no,
                status=status_label(case),
            )
        )
    if area_m2 < 0 or building_area_m2 < 0 or (area_m2 == 0 and building_area_m2 == 0):
        raise InvalidInput(_("本次盘活面积须大于 0(厂房面积不能为负数)。"))
    values = typed_fields(fields or {}, ("new_holder", "new_project", "amount_yuan", "remarks"))
    values |= {
        "revitalized_area_m2": (case.revitalized_area_m2 or 0.0) + float(area_m2),
        "revitalized_building_area_m2": (case.revitalized_building_area_m2 or 0.0)
        + float(building_area_m2),
        "revitalized_on": occurred_on,
    }
    status = None
    if complete:
        state = {f: getattr(case, f) for f in LEDGER_FIELDS} | values
        workflow.check(case.status, "revitalized", state, role=actor.role, reason=note)
        status = "revitalized"
    return _record(
        session,
        case,
        action="revitalize",
        actor=actor,
        occurred_on=occurred_on,
        values=values,
        status=status,
        document_no=document_no,
        note=note,
        area_unit=area_unit,
    )


def close_case(
    session: Session,
    case_no: str,
    *,
    version: int,
    actor: Actor,
    occurred_on: dt.date,
    document_no: str | None = None,
    note: str | None = None,
    workflow: Workflow,
) -> Case:
    """Close out (销号) a revitalized case on ``occurred_on``; it is read-only afterwards."""
    return change_status(
        session,
        case_no,
        "closed",
        version=version,
        actor=actor,
        occurred_on=occurred_on,
        document_no=document_no,
        note=note,
        workflow=workflow,
    )


def reopen_case(
    session: Session,
    case_no: str,
    *,
    version: int,
    actor: Actor,
    occurred_on: dt.date,
    reason: str,
    workflow: Workflow,
) -> Case:
    """Reopen a closed (or reinstate a dismissed) case: administrators only, with a reason."""
    case = get_case(session, case_no)
    reopenings = [t for t in workflow.transitions if t.source == case.status and t.kind == "reopen"]
    if not reopenings:
        raise InvalidInput(
            _(
                "只有已销号或已撤销的条目可以重新打开,{case_no} 当前为“{status}”。",
                case_no=case_no,
                status=status_label(case),
            )
        )
    return change_status(
        session,
        case_no,
        reopenings[0].target,
        version=version,
        actor=actor,
        occurred_on=occurred_on,
        note=reason,
        workflow=workflow,
    )
