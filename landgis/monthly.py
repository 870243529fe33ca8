"""Monthly ledger reports: every case carried forward, with this month's progress
(本月进展) and next month's plan (下月计划)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.db.models import Case, CaseEvent
from landgis.ledger import ledger_rows, states_as_of
from landgis.units import m2_to_mu
from landgis.vocab import ACTIONS, CASE_FIELD_LABELS, CASE_STATUSES
from landgis.workflow import Workflow

NO_PROGRESS = "本月无新进展"
FINISHED_PLAN = {"revitalized": "组织验收,办理销号", "closed": "已销号,无需后续工作"}


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _status(code: str | None) -> str:
    return CASE_STATUSES.get(code or "", "")


def describe_event(action: str, before: str | None, after: str | None, changes: dict) -> str:
    """One event in a sentence of the report."""
    if action == "open":
        return f"列入台账({_status(after)})"
    if action == "parcel_update":
        fields = "、".join(name.removeprefix("parcel.") for name in changes)
        return f"{ACTIONS['parcel_update']}({fields})"
    if action == "revitalize":
        old, new = changes.get("revitalized_area_m2", (0.0, 0.0))
        text = f"盘活 {m2_to_mu((new or 0) - (old or 0)):.2f} 亩(累计 {m2_to_mu(new or 0):.2f} 亩)"
        return text + (f",处置状态改为“{_status(after)}”" if before != after else "")
    if before != after:
        return f"处置状态由“{_status(before)}”改为“{_status(after)}”"
    fields = "、".join(CASE_FIELD_LABELS.get(name, name) for name in changes)
    return f"修改{fields}"


def _progress(session: Session, start: dt.date, end: dt.date) -> dict[str, str]:
    stmt = (
        select(
            Case.case_no,
            CaseEvent.occurred_on,
            CaseEvent.action,
            CaseEvent.status_before,
            CaseEvent.status_after,
            CaseEvent.changes,
            CaseEvent.document_no,
            CaseEvent.note,
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.occurred_on.between(start, end))
        .order_by(CaseEvent.id)
    )
    notes: dict[str, list[str]] = {}
    for case_no, day, action, before, after, changes, document_no, note in session.execute(stmt):
        text = f"{day.month}月{day.day}日 {describe_event(action, before, after, changes)}"
        if document_no:
            text += f"({document_no})"
        if note:
            text += f":{note}"
        notes.setdefault(case_no, []).append(text)
    return {case_no: ";".join(texts) for case_no, texts in notes.items()}


def default_plan(row: dict[str, Any], workflow: Workflow) -> str:
    """Next month's plan when none was written: the next step of the workflow."""
    if row["status"] in FINISHED_PLAN:
        return FINISHED_PLAN[row["status"]]
    forward = [t for t in workflow.allowed(row["status"]) if t.kind == "forward"]
    if not forward:
        return ""
    plan = f"推进至“{_status(forward[0].target)}”"
    deadline = row.get("deadline")
    if isinstance(deadline, dt.date):
        plan += f",完成时限 {deadline.isoformat()}"
    return plan


def monthly_report(session: Session, year: int, month: int, workflow: Workflow) -> pd.DataFrame:
    """The ledger at the end of the month, each row with 上月状态, 本月进展 and 下月计划;
    a plan not written is the next step of ``workflow`` (the installation's,
    :func:`~landgis.workflow.workflow_for`)."""
    start, end = month_bounds(year, month)
    rows = ledger_rows(session, as_of=end)
    previous = states_as_of(session, start - dt.timedelta(days=1))
    previous_status = dict(zip(previous["case_no"], previous["status"], strict=True))
    progress = _progress(session, start, end)
    rows["previous_status"] = rows["case_no"].map(previous_status)
    rows["progress"] = rows["case_no"].map(progress).fillna(NO_PROGRESS)
    rows["plan"] = [
        row["next_step"] or default_plan(row, workflow) for row in rows.to_dict("records")
    ]
    return rows
