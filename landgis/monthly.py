"""Monthly ledger reports: every case carried forward, with this month's progress
(本月进展) and next month's plan (下月计划), written in the report's language.

The sentences are catalogue messages (:func:`landgis.i18n._`) with the statuses, the
fields and the areas as values; what a clerk typed (a note, a document number, a plan)
is quoted as typed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis.db.models import Case, CaseEvent
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, Text, _, listing, term
from landgis.ledger import ledger_rows, states_as_of
from landgis.schema import CASE, PARCEL, label_of
from landgis.units import m2_to_mu
from landgis.workflow import Workflow

NO_PROGRESS: Text = _("本月无新进展")
FINISHED_PLAN: dict[str, Text] = {
    "revitalized": _("组织验收,办理销号"),
    "closed": _("已销号,无需后续工作"),
}


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def default_month(session: Session, today: dt.date) -> tuple[int, int]:
    """The month a report is most likely wanted for: last month, or the latest month
    with a case event when nothing has happened since (last month when nothing ever has)."""
    first = today.replace(day=1)
    last_month = first - dt.timedelta(days=1)
    latest = session.scalar(
        select(func.max(CaseEvent.occurred_on)).where(CaseEvent.occurred_on < first)
    )
    day = (
        latest if isinstance(latest, dt.date) and latest < last_month.replace(day=1) else last_month
    )
    return day.year, day.month


def _status(code: str | None) -> Localizable:
    return term("status", code or "")


@dataclass(frozen=True)
class _Sentences:
    """Several sentences of one cell: ``;`` between them in Chinese, ``; `` in English."""

    items: tuple[Localizable, ...]

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        separator = ";" if lang == DEFAULT_LANGUAGE else "; "
        return separator.join(item.render(lang) for item in self.items)


def describe_event(
    action: str, before: str | None, after: str | None, changes: dict
) -> Localizable:
    """One event in a sentence of the report."""
    if action == "open":
        return _("列入台账({status})", status=_status(after))
    if action == "parcel_update":
        fields = listing(label_of(name.removeprefix("parcel."), PARCEL) for name in changes)
        return _("宗地信息更新({fields})", fields=fields)
    if action == "revitalize":
        old, new = changes.get("revitalized_area_m2", (0.0, 0.0))
        area, total = m2_to_mu((new or 0) - (old or 0)), m2_to_mu(new or 0)
        if before != after:
            return _(
                "盘活 {area:.2f} 亩(累计 {total:.2f} 亩),处置状态改为“{status}”",
                area=area,
                total=total,
                status=_status(after),
            )
        return _("盘活 {area:.2f} 亩(累计 {total:.2f} 亩)", area=area, total=total)
    if before != after:
        return _("处置状态由“{before}”改为“{after}”", before=_status(before), after=_status(after))
    return _("修改{fields}", fields=listing(label_of(name, CASE) for name in changes))


def _event_line(
    day: dt.date, described: Localizable, document_no: str | None, note: str | None
) -> Localizable:
    """``8月15日 处置状态由“已盘活”改为“已销号”(青自然资销〔2023〕8号):经验收,办理销号``."""
    line: Localizable = _("{month}月{day}日 {event}", month=day.month, day=day.day, event=described)
    if document_no:
        line = _("{event}({document_no})", event=line, document_no=document_no)
    if note:
        line = _("{event}:{note}", event=line, note=note)
    return line


def _progress(session: Session, start: dt.date, end: dt.date) -> dict[str, Localizable]:
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
    lines: dict[str, list[Localizable]] = {}
    for case_no, day, action, before, after, changes, document_no, note in session.execute(stmt):
        described = describe_event(action, before, after, changes or {})
        lines.setdefault(case_no, []).append(_event_line(day, described, document_no, note))
    return {case_no: _Sentences(tuple(items)) for case_no, items in lines.items()}


def default_plan(row: dict[str, Any], workflow: Workflow) -> Localizable | None:
    """Next month's plan when none was written: the next step of the workflow (None when
    there is none)."""
    if row["status"] in FINISHED_PLAN:
        return FINISHED_PLAN[row["status"]]
    forward = [t for t in workflow.allowed(row["status"]) if t.kind == "forward"]
    if not forward:
        return None
    target = _status(forward[0].target)
    deadline = row.get("deadline")
    if isinstance(deadline, dt.date):
        return _(
            "推进至“{status}”,完成时限 {deadline}", status=target, deadline=deadline.isoformat()
        )
    return _("推进至“{status}”", status=target)


def _plan(row: dict[str, Any], workflow: Workflow, lang: str) -> str:
    written = row.get("next_step")
    if isinstance(written, str) and written.strip():
        return written
    plan = default_plan(row, workflow)
    return "" if plan is None else plan.render(lang)


def monthly_report(
    session: Session,
    year: int,
    month: int,
    workflow: Workflow,
    lang: str = DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """The ledger at the end of the month, each row with 上月状态 (a status code),
    本月进展 and 下月计划 (texts in ``lang``); a plan not written is the next step of
    ``workflow`` (the installation's, :func:`~landgis.workflow.workflow_for`)."""
    start, end = month_bounds(year, month)
    rows = ledger_rows(session, as_of=end)
    previous = states_as_of(session, start - dt.timedelta(days=1))
    previous_status = dict(zip(previous["case_no"], previous["status"], strict=True))
    progress = _progress(session, start, end)
    rows["previous_status"] = rows["case_no"].map(previous_status)
    rows["progress"] = [
        progress.get(case_no, NO_PROGRESS).render(lang) for case_no in rows["case_no"]
    ]
    rows["plan"] = [_plan(row, workflow, lang) for row in rows.to_dict("records")]
    return rows
