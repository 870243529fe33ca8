"""The case page's forms: a status change with its evidence, (partial) revitalization,
and an edit of the case's own fields.

Each handler reads the form into a command (:mod:`landgis.commands`), hands it to the
ledger service in a savepoint and goes back to the case page (303) with a notice; when
the ledger refuses (missing evidence, a stale version, a bad number) the page is shown
again with the message and everything the user typed. Writes need the editor role and
the session's CSRF token.

When the ledger asks to confirm completing a case (to 已盘活) with less area revitalized
than is idle (:class:`~landgis.errors.NeedsConfirmation`), the page comes back saying how
much is left, with a button that posts the same form again confirmed (``confirm=1``,
the command's ``confirm_short``); no script needed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypedDict
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import EditorLedgerDep
from api.web.case_page import EDIT_FIELDS, show_case, show_refusal
from api.web.form_input import FormDep, check_lengths, text, values
from api.web.render import flash
from landgis import wallclock
from landgis.commands import (
    CaseCommand,
    EditCase,
    RecordRevitalization,
    completing,
    status_change,
)
from landgis.errors import InvalidInput, LandGISError, NeedsConfirmation
from landgis.i18n import Text, _
from landgis.i18n.values import AreaUnit
from landgis.ledger_service import LedgerService
from landgis.units import mu_to_m2

router = APIRouter(tags=["pages"], include_in_schema=False)

# What every case form posts besides its own fields.
CHANGE_INPUTS = ("occurred_on", "document_no", "note")
AREA_INPUTS = ("area_mu", "building_area_m2")
REVITALIZATION_INPUTS = (*AREA_INPUTS, "new_holder", "new_project", "amount_yuan")


class InvalidDate(InvalidInput):
    """A date field that is not a date."""

    def __init__(self, text: str) -> None:
        super().__init__(_("日期“{date}”无法识别。", date=text))


def _date(typed: str) -> dt.date:
    try:
        return dt.date.fromisoformat(typed)
    except ValueError as exc:
        raise InvalidDate(typed) from exc


def _float(form: FormData, name: str, label: Text) -> float | None:
    typed = text(form, name).replace(",", "")
    if not typed:
        return None
    try:
        number = float(typed)
    except ValueError as exc:
        raise InvalidInput(_("{label}“{value}”不是数字。", label=label, value=typed)) from exc
    if not math.isfinite(number) or number < 0:
        raise InvalidInput(_("{label}须为不小于 0 的数字。", label=label))
    return number


class _Change(TypedDict):
    """What every case form's command names: the case, the version the user saw, the day
    (today when none is typed), the document and the note."""

    case_no: str
    version: int
    occurred_on: dt.date
    document_no: str | None
    note: str | None
    area_unit: AreaUnit


class _Areas(TypedDict):
    """The area a form says is revitalized now (m²) and its factory floor area (m²)."""

    area_m2: float
    building_area_m2: float


@dataclass(frozen=True)
class PostedForm:
    """A case form as posted: which form (``kind``), on which case, and what the user
    typed (kept, to show it again when the change is refused or must be confirmed)."""

    kind: str
    case_no: str
    form: FormData
    typed: dict[str, str]

    @classmethod
    def read(cls, kind: str, case_no: str, form: FormData, names: Iterable[str]) -> PostedForm:
        """The form's ``names`` and the inputs every change posts, trimmed."""
        return cls(kind, case_no, form, values(form, (*names, *CHANGE_INPUTS)))

    @property
    def seen_version(self) -> int:
        """The version the user saw (0, never a case's, when none was posted)."""
        typed = text(self.form, "version")
        return int(typed) if typed.isdigit() else 0

    @property
    def confirmed(self) -> bool:
        """Whether the user confirmed completing the case short of its idle area."""
        return text(self.form, "confirm") == "1"

    def kept(self) -> dict[str, Any]:
        """What the case page shows again in this form."""
        kept = {"kind": self.kind, "values": self.typed, "seen_version": self.seen_version}
        return kept | ({"target": self.typed["target"]} if "target" in self.typed else {})

    def change(self) -> _Change:
        """What every command from a case form names (lengths checked first)."""
        check_lengths(self.typed)
        day = self.typed["occurred_on"]
        return {
            "case_no": self.case_no,
            "version": self.seen_version,
            "occurred_on": _date(day) if day else wallclock.today(),
            "document_no": self.typed["document_no"] or None,
            "note": self.typed["note"] or None,
            "area_unit": "mu",  # the forms take land areas in 亩
        }

    def areas(self) -> _Areas:
        """The area revitalized now (亩 typed, m² kept) and its factory floor area."""
        area_mu = _float(self.form, "area_mu", _("本次盘活面积"))
        floor = _float(self.form, "building_area_m2", _("盘活厂房面积"))
        return {"area_m2": mu_to_m2(area_mu or 0.0), "building_area_m2": floor or 0.0}


def _submit(
    request: Request,
    ledger: LedgerService,
    posted: PostedForm,
    command: Callable[[], CaseCommand],
    done: Text,
) -> Response:
    """Read the form into a ``command`` and hand it to the ledger in a savepoint: on
    success back to the case page (303) with the notice ``done``; when the ledger asks
    for a confirmation or refuses, the case page again with the question or the reason
    and the user's input."""
    session, settings, case_no = ledger.session, ledger.settings, posted.case_no
    try:
        with session.begin_nested():
            ledger.handle(command())
    except NeedsConfirmation as asked:
        kept = posted.kept() | {"shortfall_mu": asked.remaining_mu}
        return show_case(request, session, settings, case_no, kept)
    except LandGISError as error:
        return show_refusal(request, session, settings, case_no, posted.kept(), error)
    flash(request, done)
    return RedirectResponse(f"/cases/{quote(case_no, safe='')}#history", status_code=303)


@router.post("/cases/{case_no}/status", response_model=None)
def change_status_form(
    case_no: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Move the case to the chosen status with its evidence (revitalized: with the area
    revitalized now, which the ledger records in the same event)."""
    names = [k.removeprefix("field_") for k in form if k.startswith("field_")]
    inputs = ("target", *AREA_INPUTS, *(f"field_{n}" for n in names))
    posted = PostedForm.read("status", case_no, form, inputs)

    def command() -> CaseCommand:
        typed = posted.typed
        return status_change(
            **posted.change(),
            target=typed["target"],
            fields={n: typed[f"field_{n}"] for n in names if typed[f"field_{n}"]},
            **posted.areas(),
            confirm_short=posted.confirmed,
        )

    return _submit(request, ledger, posted, command, _("处置状态已更新。"))


@router.post("/cases/{case_no}/revitalizations", response_model=None)
def revitalization_form(
    case_no: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Record (partial) revitalization of a case being disposed of; ``complete=1`` also
    marks it revitalized."""
    posted = PostedForm.read("revitalization", case_no, form, (*REVITALIZATION_INPUTS, "complete"))

    def command() -> CaseCommand:
        typed, change, areas = posted.typed, posted.change(), posted.areas()
        extra = {
            "new_holder": typed["new_holder"] or None,
            "new_project": typed["new_project"] or None,
            "amount_yuan": _float(form, "amount_yuan", _("金额")),
        }
        fields = {k: v for k, v in extra.items() if v is not None}
        revitalization = RecordRevitalization(**change, **areas, fields=fields)
        if typed["complete"] == "1":
            return completing(revitalization, confirm_short=posted.confirmed)
        return revitalization

    return _submit(request, ledger, posted, command, _("盘活情况已登记。"))


@router.post("/cases/{case_no}/edit", response_model=None)
def edit_form(case_no: str, request: Request, ledger: EditorLedgerDep, form: FormDep) -> Response:
    """Change the case's own fields (cause, deadline, responsible unit, remarks …)."""
    posted = PostedForm.read("edit", case_no, form, [f"field_{n}" for n in EDIT_FIELDS])

    def command() -> CaseCommand:
        fields = {n: posted.typed[f"field_{n}"] or None for n in EDIT_FIELDS}
        return EditCase(**posted.change(), fields=fields)

    return _submit(request, ledger, posted, command, _("台账条目已修改。"))
