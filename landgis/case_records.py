"""Reading the ledger: a case by number, its fields JSON-ready, its detail and history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import schema
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.errors import (
    NotFound,
)
from landgis.i18n import _
from landgis.i18n.values import Label, in_both
from landgis.workflow import Workflow

# The case fields the ledger keeps history of; every event records changes to these.
LEDGER_FIELDS: tuple[str, ...] = schema.CASE.names(tracked=True)


def json_value(value: Any) -> Any:
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
    values = {f: json_value(getattr(case, f)) for f in LEDGER_FIELDS}
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
