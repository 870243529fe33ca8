"""One case's page (``/cases/{case_no}``): its parcel, fields, statutory warnings, history
and attachments, the projects (招商项目) matched to it, and the forms of the changes the
user may make now.

:func:`show_case` renders it, :func:`show_refusal` again after a refused change (with what
the user typed and the message); the forms post to :mod:`api.web.case_forms` and
:mod:`api.web.attachments`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ReaderDep, SessionDep, SettingsDep
from api.web.display import (
    MISSING,
    VOCABULARY_FIELDS,
    day,
    field_value,
    is_missing,
    number,
    quantity,
)
from api.web.filters import FILTER_VOCABULARIES
from api.web.form_input import INPUT_LABELS
from api.web.i18n import Translator
from api.web.layout import UI, ui_for
from api.web.render import refused, render
from landgis import alerts, attachments, cases, schema, users, wallclock
from landgis.db.models import Case
from landgis.errors import LandGISError, NotFound, StaleVersion
from landgis.i18n import Text, _
from landgis.maps import STATUS_COLOURS
from landgis.projects.listing import case_matches
from landgis.settings import Settings
from landgis.units import m2_to_mu
from landgis.workflow import Workflow, workflow_for

router = APIRouter(tags=["pages"], include_in_schema=False)

# Fields the edit form offers; status and revitalized figures change through their forms.
EDIT_FIELDS: tuple[str, ...] = (
    "cause",
    "cause_detail",
    "responsible_unit",
    "deadline",
    "new_holder",
    "new_project",
    "remarks",
    "next_step",
)
# Evidence the workflow checks that no form field sets: the close-out date is the day of
# the change; revitalized area grows through recorded revitalization.
AUTOMATIC_EVIDENCE = frozenset({"closed_on"})
REVITALIZATION_EVIDENCE = "revitalized_area_m2"
# The parcel's fields the page lists, in order (its zone by name first, its areas last).
PARCEL_FIELDS: tuple[str, ...] = tuple(
    name for name in schema.PARCEL.names() if name not in ("zone_code", "registered_area_m2")
)
# Parcel fields that hold plain numbers (shown with two decimals).
NUMBER_FIELDS = frozenset({"plot_ratio", "tax_per_mu"})
# The units of the inputs, by the suffix of their names.
UNITS: dict[str, Text] = {"_m2": _("㎡"), "_yuan": _("元")}
# What each kind of status change is called (workflow.TRANSITIONS' kinds).
TRANSITION_KINDS: dict[str, Text] = {
    "forward": _("推进到"),
    "back": _("退回到"),
    "dismiss": _("不予认定/撤销"),
    "reopen": _("重新打开为"),
}


def _input_kind(name: str) -> str:
    if name in VOCABULARY_FIELDS:
        return "select"
    column = Case.__table__.columns.get(name)
    python_type = column.type.python_type if column is not None else str
    if python_type is dt.date:
        return "date"
    if python_type in (float, int):
        return "number"
    return "textarea" if name in ("remarks", "next_step", "cause_detail") else "text"


def _field_input(name: str, current: Any) -> dict[str, Any]:
    kind = _input_kind(name)
    column = Case.__table__.columns.get(name)
    length = getattr(column.type, "length", None) if column is not None else None
    value = day(current) if kind == "date" else ("" if current is None else str(current))
    vocabulary = name if name in VOCABULARY_FIELDS else None
    choices = list(FILTER_VOCABULARIES[name]) if vocabulary else []
    unit = next((u for suffix, u in UNITS.items() if name.endswith(suffix)), None)
    return {
        "name": name,
        "kind": kind,
        "value": value,
        "maxlength": length,
        "choices": choices,
        "vocabulary": vocabulary,
        "unit": unit,
    }


def _transition_forms(
    detail: Mapping[str, Any], case: Case, workflow: Workflow
) -> list[dict[str, Any]]:
    """The status changes the user may make now, each with the inputs its evidence needs."""
    forms = []
    for transition in detail["allowed_transitions"]:
        entry = workflow.transition(case.status, transition["status"])
        evidence = [f for f in transition["evidence"] if f not in AUTOMATIC_EVIDENCE]
        needs_area = REVITALIZATION_EVIDENCE in evidence
        evidence = [f for f in evidence if f != REVITALIZATION_EVIDENCE]
        forms.append(
            {
                "target": transition["status"],
                "kind": transition["kind"],
                "kind_label": TRANSITION_KINDS.get(transition["kind"], transition["kind"]),
                "rule": entry.rule,
                "needs_reason": transition["needs_reason"],
                "fields": [_field_input(f, getattr(case, f, None)) for f in evidence],
                "revitalization": needs_area,
                "area_required": needs_area and not (case.revitalized_area_m2 or 0) > 0,
                "closes": "closed_on" in transition["evidence"],
            }
        )
    return forms


def _timeline(t: Translator, events: list[Any], files: list[Any]) -> list[dict[str, Any]]:
    """Events and uploads, oldest first; each event with its changed fields in words."""
    items = []
    for event in events:
        changes = []
        for name, (before, after) in (event.changes or {}).items():
            if name == "status" or (event.action == "open" and after in (None, "", 0, 0.0)):
                continue
            changes.append(
                {
                    "field": t.field(name),
                    "before": None if is_missing(before) else field_value(t, name, before),
                    "after": field_value(t, name, after),
                }
            )
        items.append(
            {
                "type": "event",
                "day": event.occurred_on,
                "at": event.recorded_at,
                "actor": event.actor,
                "action": event.action,
                "before": event.status_before,
                "after": event.status_after,
                "changes": changes,
                "document_no": event.document_no,
                "note": event.note,
            }
        )
    for item in files:
        at = item.uploaded_at
        items.append({"type": "file", "day": at.date() if at else None, "at": at, "file": item})

    def order(item: dict[str, Any]) -> tuple:
        at = item["at"]
        stamp = at.replace(tzinfo=None).isoformat() if at else ""
        return (item["day"] or dt.date.min, stamp)

    return sorted(items, key=order)


def newer_values(t: Translator, events: list[Any], seen: int) -> list[dict[str, Any]]:
    """What changed after version ``seen`` (the version is the number of events): each field's
    newest value and who set it."""
    newest: dict[str, dict[str, Any]] = {}
    for event in events[seen:]:
        for name, (_before, after) in (event.changes or {}).items():
            newest[name] = {
                "field": t.field(name),
                "value": field_value(t, name, after),
                "actor": event.actor,
                "day": event.occurred_on,
            }
    return list(newest.values())


def _parcel_rows(t: Translator, parcel: Any) -> list[tuple[str, str]]:
    rows = [(t(_("所在园区")), parcel.zone.name if parcel.zone else MISSING)]
    for name in PARCEL_FIELDS:
        value = getattr(parcel, name)
        if is_missing(value):
            shown = MISSING
        elif name == "supply_method":
            shown = t.term("supply_method", value)
        elif name == "land_price_yuan":
            shown = quantity(value, t(_("元")))
        elif name in NUMBER_FIELDS:
            shown = number(value)
        elif isinstance(value, dt.date):
            shown = value.isoformat()
        else:
            shown = str(value)
        rows.append((schema.PARCEL[name].label(t.lang), shown))
    square_metres = t(_("㎡"))
    area = quantity(m2_to_mu(parcel.area_m2), t(_("亩")))
    rows.append(
        (schema.PARCEL_AREA.label(t.lang), f"{area} ({quantity(parcel.area_m2, square_metres)})")
    )
    if parcel.registered_area_m2 is not None:
        registered = quantity(parcel.registered_area_m2, square_metres)
        rows.append((schema.PARCEL["registered_area_m2"].label(t.lang), registered))
    return rows


def _case_context(
    session: Any, settings: Settings, ui: UI, case_no: str, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    t = ui.t
    case = cases.get_case(session, case_no)
    role = ui.user.role if ui.user else None
    workflow = workflow_for(settings)
    detail = cases.case_detail(session, case, role, workflow)
    parcel = case.parcel
    events = cases.case_history(session, case_no)
    files = attachments.list_attachments(session, case_no)
    people = [e.actor for e in events] + [f.uploaded_by for f in files]
    warnings = [
        w
        for w in alerts.ledger_warnings(
            session, rules=settings.clock.rules(), lease_days_ahead=settings.lease_warn_days_ahead
        )
        if w.case_no == case_no
    ]
    fields = [
        {"name": name, "label": t.field(name), "value": field_value(t, name, getattr(case, name))}
        for name in cases.LEDGER_FIELDS
    ]
    return {
        "ui": ui,
        "case": case,
        "detail": detail,
        "parcel": parcel,
        "parcel_rows": _parcel_rows(t, parcel),
        "buildings": list(parcel.buildings),
        "fields": fields,
        "warnings": warnings,
        "timeline": _timeline(t, events, files),
        "attachments": files,
        "transitions": _transition_forms(detail, case, workflow) if ui.can_edit else [],
        "edit_fields": [_field_input(f, getattr(case, f)) for f in EDIT_FIELDS],
        "can_revitalize": ui.can_edit and case.status == "disposing",
        "can_attach": ui.can_edit and case.status != "closed",
        "map_src": f"/map/parcels/{quote(parcel.parcel_code, safe='')}",
        "status_colour": STATUS_COLOURS.get(case.status, "#999"),
        "today": wallclock.today().isoformat(),
        "accept": ",".join(attachments.accepted_extensions()),
        "max_mb": settings.attachment_max_mb,
        "input_labels": INPUT_LABELS,
        "form": form or {},
        "names": users.display_names(session, people),
        "project_matches": case_matches(session, [case.id], t.lang),
    }


def show_case(
    request: Request,
    session: Any,
    settings: Settings,
    case_no: str,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The case page; ``form`` is what the user typed into a refused form, with the reason."""
    ui = ui_for(request)
    try:
        context = _case_context(session, settings, ui, case_no, form)
    except NotFound as error:
        return refused(request, ui, error, 404)
    return render(request, "case.html", context)


def show_refusal(
    request: Request,
    session: Any,
    settings: Settings,
    case_no: str,
    kept: dict[str, Any],
    error: LandGISError,
) -> HTMLResponse:
    """The case page again after the ledger refused a form: the reason, the fields it
    names, what the user typed (``kept``: its ``kind``, ``values`` and ``seen_version``)
    and, for a stale version, what changed since. Shown with 200 (unless the case is
    unknown): the page is a normal page, asking the user to correct something."""
    t = ui_for(request).t
    problems = [p.get("field") for p in error.problems]
    form = kept | {"error": t.message(error), "problem_fields": problems}
    if isinstance(error, StaleVersion):
        events = cases.case_history(session, case_no)
        form |= {"stale": True, "newer": newer_values(t, events, kept.get("seen_version", 0))}
    return show_case(request, session, settings, case_no, form)


@router.get("/cases/{case_no}", response_class=HTMLResponse)
def case_page(
    case_no: str, request: Request, session: SessionDep, settings: SettingsDep, _reader: ReaderDep
) -> HTMLResponse:
    """One case: its parcel, fields, warnings, history, attachments and the changes the
    user may make now."""
    return show_case(request, session, settings, case_no)
