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
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from landgis import schema, vocab, wallclock
from landgis.db.coerce import column_values
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    ReadOnly,
    StaleVersion,
)
from landgis.i18n import Localizable, _, listing, term
from landgis.i18n.values import Area, AreaUnit, Label, in_both
from landgis.workflow import ENDED_STATUSES, READ_ONLY_STATUSES, Workflow, field_label, role_allows

# The case fields the ledger keeps history of; every event records changes to these.
LEDGER_FIELDS: tuple[str, ...] = schema.CASE.names(tracked=True)
# Fields a user edits directly; status and revitalized figures change through their use cases.
EDITABLE_FIELDS: tuple[str, ...] = schema.CASE.names(editable=True)
# The coded case fields a user edits, with their vocabularies.
VOCABULARIES: dict[str, dict[str, str]] = {
    f.name: vocab.VOCABULARIES[f.vocabulary] for f in schema.CASE if f.editable and f.vocabulary
}
# Areas compared with a tolerance of a square millimetre, against float noise.
AREA_TOLERANCE_M2 = 1e-6


@dataclass(frozen=True)
class Actor:
    """Who makes a change, with their role (viewer, editor or admin)."""

    username: str
    role: str = "editor"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def get_case(session: Session, case_no: str, *, for_update: bool = False) -> Case:
    """The case with this number; NotFound otherwise."""
    stmt = select(Case).where(Case.case_no == case_no)
    if for_update:  # lock the row (PostGIS) and read it afresh, not from the session's cache
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    case = session.scalars(stmt).one_or_none()
    if case is None:
        raise NotFound(_("台账中没有编号为 {case_no} 的条目。", case_no=case_no))
    return case


def case_values(case: Case) -> dict[str, Any]:
    """The case's ledger fields, status and version, JSON-ready."""
    values = {f: _json_value(getattr(case, f)) for f in LEDGER_FIELDS}
    return {"case_no": case.case_no, "status": case.status, "version": case.version, **values}


def case_detail(
    session: Session, case: Case, role: str | None, workflow: Workflow
) -> dict[str, Any]:
    """A case with its parcel's identity and the transitions ``role`` may take now, with
    the evidence ``workflow`` (the installation's, :func:`~landgis.workflow.workflow_for`)
    asks for."""
    parcel = session.get_one(Parcel, case.parcel_id)
    allowed = workflow.allowed(case.status, role) if role else []
    return case_values(case) | {
        "parcel_code": parcel.parcel_code,
        "holder": parcel.holder,
        "project_name": parcel.project_name,
        "parcel_area_m2": parcel.area_m2,
        "allowed_transitions": [
            {
                "status": t.target,
                "kind": t.kind,
                "evidence": list(t.evidence),
                "needs_reason": t.needs_reason,
                **in_both("rule", t.rule or Label("", "")),
            }
            for t in allowed
        ],
    }


def event_values(event: CaseEvent) -> dict[str, Any]:
    """One event, JSON-ready."""
    return {
        "occurred_on": event.occurred_on.isoformat(),
        "recorded_at": event.recorded_at.isoformat() if event.recorded_at else None,
        "actor": event.actor,
        "action": event.action,
        "status_before": event.status_before,
        "status_after": event.status_after,
        "changes": event.changes,
        "document_no": event.document_no,
        "note": event.note,
    }


def case_history(session: Session, case_no: str) -> list[CaseEvent]:
    """Every event of a case, oldest first."""
    case = get_case(session, case_no)
    stmt = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    return list(session.scalars(stmt))


def _status_label(case: Case) -> Localizable:
    return term("status", case.status)


def require_editor(actor: Actor) -> None:
    """PermissionDenied unless ``actor`` may change the ledger (editor or administrator)."""
    if not role_allows(actor.role, "editor"):
        raise PermissionDenied(_("查看权限的用户不能修改台账。"))


def _typed_fields(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise InvalidInput(
            _(
                "不能在此修改字段:{fields}。",
                fields=listing(field_label(name) for name in unknown),
            )
        )
    values = column_values(Case, fields)
    for name, value in values.items():
        label = field_label(name)
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(
                _("{field}应为有限的数字,收到 {value}。", field=label, value=value),
                problems=[{"field": name, **in_both("problem", _("无效数字"))}],
            )
        if value is None and not Case.__table__.columns[name].nullable:
            raise InvalidInput(
                _("{field}不能为空。", field=label),
                problems=[{"field": name, **in_both("problem", _("不能为空"))}],
            )
    for name, choices in VOCABULARIES.items():
        value = values.get(name)
        if value is not None and value not in choices:
            vocabulary = schema.CASE[name].vocabulary or name
            raise InvalidInput(
                _(
                    "{field}“{value}”不在可选值内:{choices}。",
                    field=field_label(name),
                    value=value,
                    choices=listing(term(vocabulary, code) for code in choices),
                )
            )
    return values


def _check_invariants(
    state: Mapping[str, Any], parcel_area_m2: float, area_unit: AreaUnit = "m2"
) -> None:
    """The areas fit: none negative, idle within the parcel, revitalized within idle.
    Land areas are named in ``area_unit`` (the unit the clerk typed), floor areas in m²."""
    idle = state.get("idle_area_m2") or 0.0
    revitalized = state.get("revitalized_area_m2") or 0.0
    idle_building = state.get("idle_building_area_m2") or 0.0
    revitalized_building = state.get("revitalized_building_area_m2") or 0.0
    if min(idle, revitalized, idle_building, revitalized_building) < 0:
        raise InvalidInput(_("面积不能为负数。"))
    if idle > parcel_area_m2 + AREA_TOLERANCE_M2:
        raise InvalidInput(
            _(
                "闲置面积 {idle} 超过宗地面积 {parcel}。",
                idle=Area(idle, area_unit),
                parcel=Area(parcel_area_m2, area_unit),
            )
        )
    if revitalized > idle + AREA_TOLERANCE_M2:
        raise InvalidInput(
            _(
                "盘活面积 {revitalized} 超过闲置面积 {idle}。",
                revitalized=Area(revitalized, area_unit),
                idle=Area(idle, area_unit),
            )
        )
    if revitalized_building > idle_building + AREA_TOLERANCE_M2:
        raise InvalidInput(
            _(
                "盘活厂房面积 {revitalized} 超过闲置厂房面积 {idle}。",
                revitalized=Area(revitalized_building),
                idle=Area(idle_building),
            )
        )


def _check_date(session: Session, case: Case | None, occurred_on: dt.date) -> None:
    if occurred_on > wallclock.today():
        raise InvalidInput(_("日期 {day} 晚于今天,不能预先登记。", day=occurred_on))
    if case is None or case.id is None:
        return
    last = session.scalar(
        select(func.max(CaseEvent.occurred_on)).where(CaseEvent.case_id == case.id)
    )
    if last is not None and occurred_on < last:
        raise InvalidInput(
            _(
                "日期 {day} 早于该条目上一条处置记录({last}),处置记录须按时间顺序登记。",
                day=occurred_on,
                last=last,
            )
        )


def _refuse_read_only(case: Case) -> None:
    raise ReadOnly(
        _("台账条目 {case_no} 已销号,只读;如需修改请由管理员重新打开。", case_no=case.case_no)
    )


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
        _refuse_read_only(case)
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
    _check_date(session, case, occurred_on)
    before_status = case.status
    changes = {
        name: [_json_value(getattr(case, name)), _json_value(value)]
        for name, value in values.items()
        if getattr(case, name) != value
    }
    if status is not None and status != before_status:
        changes["status"] = [before_status, status]
    if not changes and action != "open":
        raise InvalidInput(_("没有任何改动。"))
    parcel_area = session.scalars(select(Parcel.area_m2).where(Parcel.id == case.parcel_id)).one()
    state = {f: getattr(case, f) for f in LEDGER_FIELDS} | dict(values)
    _check_invariants(state, parcel_area, area_unit)
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
    _check_date(session, None, occurred_on)
    values = dict.fromkeys(LEDGER_FIELDS) | {
        "idle_area_m2": parcel.area_m2,
        "idle_building_area_m2": 0.0,
        "revitalized_area_m2": 0.0,
        "revitalized_building_area_m2": 0.0,
    }
    values |= _typed_fields(fields or {}, EDITABLE_FIELDS)
    if values.get("category") is None:
        raise InvalidInput(_("立案需要填写问题类型。"))
    number = case_no or next_case_no(session, case_no_prefix, occurred_on.year)
    if session.scalar(select(Case.id).where(Case.case_no == number)) is not None:
        raise InvalidInput(_("台账编号 {case_no} 已被使用。", case_no=number))
    case = Case(case_no=number, parcel_id=parcel.id, status="suspected", **values)
    _check_invariants(values, parcel.area_m2, area_unit)
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
            changes={f: [None, _json_value(v)] for f, v in event_values.items()}
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
        _refuse_read_only(case)
    transition = workflow.transition(case.status, target)
    values = _typed_fields(fields or {}, EDITABLE_FIELDS)
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
    values = _typed_fields(fields, EDITABLE_FIELDS)
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
                status=_status_label(case),
            )
        )
    if area_m2 < 0 or building_area_m2 < 0 or (area_m2 == 0 and building_area_m2 == 0):
        raise InvalidInput(_("本次盘活面积须大于 0(厂房面积不能为负数)。"))
    values = _typed_fields(fields or {}, ("new_holder", "new_project", "amount_yuan", "remarks"))
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
                status=_status_label(case),
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
