"""The case page's forms: a status change with its evidence, (partial) revitalization,
and an edit of the case's own fields.

Each handler reads the form, calls the library (:mod:`landgis.cases`) in a savepoint and
goes back to the case page (303) with a notice; when the library refuses (missing
evidence, a stale version, a bad number) the page is shown again with the message and
everything the user typed. Writes need the editor role and the session's CSRF token.

Completing a case (to 已盘活) with less area revitalized than is idle is asked about first:
the page comes back saying how much is left, with a button that posts the same form
again confirmed (``confirm=1``); no script needed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.auth import Principal
from api.deps import EditorDep, SessionDep, SettingsDep
from api.web.case_page import EDIT_FIELDS, newer_values, show_case, workflow_of
from api.web.form_input import FormDep, check_lengths, text, values
from api.web.layout import ui_for
from api.web.render import flash
from landgis import cases, wallclock
from landgis.errors import InvalidInput, LandGISError, StaleVersion
from landgis.settings import Settings
from landgis.units import m2_to_mu, mu_to_m2
from landgis.workflow import MAIN_LINE

router = APIRouter(tags=["pages"], include_in_schema=False)

# The status a case is complete in; completing it with less area revitalized than is idle
# asks for a confirmation first.
COMPLETED = "revitalized"
COMPLETED_STEP = MAIN_LINE.index(COMPLETED)
REVITALIZATION_INPUTS = (
    "area_mu",
    "building_area_m2",
    "new_holder",
    "new_project",
    "amount_yuan",
    "occurred_on",
    "document_no",
    "note",
)


def _actor(principal: Principal) -> cases.Actor:
    return cases.Actor(principal.username, principal.role)


def _seen_version(form: FormData) -> int:
    typed = text(form, "version")
    return int(typed) if typed.isdigit() else 0


class InvalidDate(InvalidInput):
    """A date field that is not a date."""

    def __init__(self, text: str) -> None:
        super().__init__(f"日期 {text!r} 无法识别。", f"The date {text!r} cannot be read.")


def _date(typed: str) -> dt.date:
    try:
        return dt.date.fromisoformat(typed)
    except ValueError as exc:
        raise InvalidDate(typed) from exc


def _occurred_on(form: FormData) -> dt.date:
    typed = text(form, "occurred_on")
    return _date(typed) if typed else wallclock.today()


def _float(form: FormData, name: str, label_zh: str, label_en: str) -> float | None:
    typed = text(form, name).replace(",", "")
    if not typed:
        return None
    try:
        number = float(typed)
    except ValueError as exc:
        raise InvalidInput(
            f"{label_zh} {typed!r} 不是数字。", f"{label_en}: {typed!r} is not a number."
        ) from exc
    if not math.isfinite(number) or number < 0:
        raise InvalidInput(
            f"{label_zh}须为不小于 0 的数字。", f"{label_en} must be a number not below 0."
        )
    return number


def _attempt(
    request: Request,
    session: Any,
    settings: Settings,
    case_no: str,
    form: dict[str, Any],
    change: Callable[[], None],
    done: str,
) -> Response:
    """Run ``change`` in a savepoint: on success go back to the case page (303); when the
    library refuses, show the page again with the message and the user's input."""
    try:
        with session.begin_nested():
            change()
    except LandGISError as error:
        ui = ui_for(request)
        form = form | {"error": ui.t.message(error)}
        form["problem_fields"] = [p.get("field") for p in error.problems]
        if isinstance(error, StaleVersion):
            events = cases.case_history(session, case_no)
            form["stale"] = True
            form["newer"] = newer_values(ui.t, events, form.get("seen_version", 0))
        # Shown with 200: the page is a normal page, asking the user to correct something.
        return show_case(request, session, settings, case_no, form)
    flash(request, done)
    return RedirectResponse(f"/cases/{quote(case_no, safe='')}#history", status_code=303)


def _shortfall_mu(session: Any, case_no: str, form: FormData) -> float:
    """The area (亩, two decimals) the case would still lack if it were completed now with
    the area this form adds; 0 when none, or when the case is not before completion."""
    case = cases.get_case(session, case_no)
    if case.status not in MAIN_LINE or MAIN_LINE.index(case.status) >= COMPLETED_STEP:
        return 0.0  # completed before (a reopening goes back to it): nothing to ask
    adding = mu_to_m2(_float(form, "area_mu", "本次盘活面积", "Revitalized area") or 0.0)
    left = case.idle_area_m2 - (case.revitalized_area_m2 or 0.0) - adding
    return max(round(m2_to_mu(left), 2), 0.0)


def _unconfirmed_shortfall(
    request: Request,
    session: Any,
    settings: Settings,
    case_no: str,
    form: FormData,
    kept: dict[str, Any],
) -> Response | None:
    """The case page asking to confirm a completion that leaves part of the idle area
    unrevitalized, unless the form confirms it (``confirm``); None when nothing to ask."""
    if text(form, "confirm") == "1":
        return None
    try:
        left = _shortfall_mu(session, case_no, form)
    except LandGISError:
        return None  # an unknown case, an unreadable area: the change itself says so
    if left <= 0:
        return None
    return show_case(request, session, settings, case_no, kept | {"shortfall_mu": left})


@router.post("/cases/{case_no}/status", response_model=None)
def change_status_form(
    case_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    form: FormDep,
) -> Response:
    """Move the case to the chosen status with its evidence (revitalization: with area)."""
    target = text(form, "target")
    names = [k[len("field_") :] for k in form if k.startswith("field_")]
    typed = values(form, [f"field_{n}" for n in names])
    typed |= values(
        form, ("occurred_on", "document_no", "note", "area_mu", "building_area_m2", "target")
    )
    version = _seen_version(form)
    kept = {"kind": "status", "target": target, "values": typed, "seen_version": version}
    if target == COMPLETED and (
        asking := _unconfirmed_shortfall(request, session, settings, case_no, form, kept)
    ):
        return asking

    def change() -> None:
        check_lengths(typed)
        fields = {n: typed[f"field_{n}"] for n in names if typed[f"field_{n}"]}
        occurred_on = _occurred_on(form)
        area_mu = _float(form, "area_mu", "本次盘活面积", "Revitalized area")
        floor = _float(form, "building_area_m2", "盘活厂房面积", "Revitalized floor area")
        common: dict[str, Any] = {
            "version": version,
            "actor": _actor(principal),
            "occurred_on": occurred_on,
            "document_no": typed["document_no"] or None,
            "note": typed["note"] or None,
            "workflow": workflow_of(settings),
        }
        if target == "revitalized" and (area_mu or floor):
            # Recording the area revitalized now completes the case in one event, dated
            # the revitalization date when one was given.
            day = fields.pop("revitalized_on", "")
            common["occurred_on"] = _date(day) if day else occurred_on
            cases.record_revitalization(
                session,
                case_no,
                area_m2=mu_to_m2(area_mu or 0.0),
                building_area_m2=floor or 0.0,
                complete=True,
                **common,
            )
        else:
            cases.change_status(session, case_no, target, fields=fields, **common)

    return _attempt(request, session, settings, case_no, kept, change, "flash.status_changed")


@router.post("/cases/{case_no}/revitalizations", response_model=None)
def revitalization_form(
    case_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    form: FormDep,
) -> Response:
    """Record (partial) revitalization of a case being disposed of."""
    typed = values(form, REVITALIZATION_INPUTS) | {"complete": text(form, "complete")}
    version = _seen_version(form)
    kept = {"kind": "revitalization", "values": typed, "seen_version": version}
    if typed["complete"] == "1" and (
        asking := _unconfirmed_shortfall(request, session, settings, case_no, form, kept)
    ):
        return asking

    def change() -> None:
        check_lengths(typed)
        area_mu = _float(form, "area_mu", "本次盘活面积", "Revitalized area")
        floor = _float(form, "building_area_m2", "盘活厂房面积", "Revitalized floor area")
        amount = _float(form, "amount_yuan", "金额", "Amount")
        extra = {
            "new_holder": typed["new_holder"] or None,
            "new_project": typed["new_project"] or None,
            "amount_yuan": amount,
        }
        cases.record_revitalization(
            session,
            case_no,
            version=version,
            actor=_actor(principal),
            occurred_on=_occurred_on(form),
            area_m2=mu_to_m2(area_mu or 0.0),
            building_area_m2=floor or 0.0,
            fields={k: v for k, v in extra.items() if v is not None},
            complete=typed["complete"] == "1",
            document_no=typed["document_no"] or None,
            note=typed["note"] or None,
            workflow=workflow_of(settings),
        )

    return _attempt(request, session, settings, case_no, kept, change, "flash.revitalized")


@router.post("/cases/{case_no}/edit", response_model=None)
def edit_form(
    case_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    form: FormDep,
) -> Response:
    """Change the case's own fields (cause, deadline, responsible unit, remarks …)."""
    typed = values(form, [f"field_{n}" for n in EDIT_FIELDS])
    typed |= values(form, ("occurred_on", "document_no", "note"))
    version = _seen_version(form)
    kept = {"kind": "edit", "values": typed, "seen_version": version}

    def change() -> None:
        check_lengths(typed)
        cases.edit_case(
            session,
            case_no,
            version=version,
            actor=_actor(principal),
            occurred_on=_occurred_on(form),
            fields={n: typed[f"field_{n}"] or None for n in EDIT_FIELDS},
            document_no=typed["document_no"] or None,
            note=typed["note"] or None,
        )

    return _attempt(request, session, settings, case_no, kept, change, "flash.edited")
