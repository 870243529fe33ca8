"""The review list of a year's evaluation (``/efficiency/suggestions?year=``): the cases
it suggests to the ledger, each with a button to open it as a case and a form to dismiss
it with a reason (editors only), and the decisions already taken that year.

Opening goes to the new case's page (303); dismissing back to the list. A refusal (no
reason, already decided, not suggested) shows the list again with the message and the
reason typed; readers see the list without the forms.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import EditorLedgerDep, ReaderDep, SessionDep, SettingsDep
from api.web.efficiency_year import chosen_year
from api.web.form_input import FormDep, text
from api.web.layout import ui_for
from api.web.render import flash, render
from landgis import users
from landgis.efficiency.reviews import dismiss_suggestion, open_from_suggestion, year_reviews
from landgis.efficiency.suggestions import suggestions
from landgis.errors import InvalidInput, LandGISError
from landgis.i18n import Text, _
from landgis.settings import Settings

router = APIRouter(tags=["pages"], include_in_schema=False)

PAGE = "/efficiency/suggestions"
# What each kind of suggestion is called, and each decision.
KIND_LABELS: dict[str, Text] = {
    "low_efficiency": _("低效用地"),
    "no_tax": _("可能闲置"),
    "no_figures": _("可能闲置"),
}
DECISION_LABELS: dict[str, Text] = {"opened": _("已立案"), "dismissed": _("不予立案")}


def _page_url(year: int, anchor: str = "") -> str:
    return f"{PAGE}?{urlencode({'year': year})}{anchor}"


def show_suggestions(
    request: Request,
    session: Session,
    settings: Settings,
    asked: str | None,
    *,
    error: LandGISError | None = None,
    kept: dict[str, str] | None = None,
) -> HTMLResponse:
    """The review list of the year ``asked`` for (the latest with figures by default);
    after a refused form, with its ``error`` and what was typed (``kept``: the parcel's
    code and the reason)."""
    ui = ui_for(request)
    chosen = chosen_year(session, asked)
    found = suggestions(session, settings.efficiency, chosen.year) if chosen.year else []
    reviews = year_reviews(session, chosen.year) if chosen.year else []
    year_error = ui.t.message(chosen.error) if chosen.error is not None else None
    context: dict[str, Any] = {
        "ui": ui,
        "year": chosen.year,
        "years": chosen.years,
        "efficiency_tab": "suggestions",
        "picker_action": PAGE,
        "year_error": year_error,
        "error": ui.t.message(error) if error is not None else None,
        "kept": kept or {},
        "suggestions": found,
        "reviews": reviews,
        "names": users.display_names(session, [r.actor for r in reviews]),
        "kind_labels": KIND_LABELS,
        "decision_labels": DECISION_LABELS,
    }
    return render(request, "efficiency_suggestions.html", context, chosen.status_code)


@router.get(PAGE, response_class=HTMLResponse)
def suggestions_page(
    request: Request, session: SessionDep, settings: SettingsDep, _reader: ReaderDep
) -> HTMLResponse:
    """The year's suggested cases and the decisions taken on them."""
    return show_suggestions(request, session, settings, request.query_params.get("year"))


def _year(form_year: str) -> int:
    if not form_year.isdigit():
        raise InvalidInput(_("年度“{year}”不是年份。", year=form_year))
    return int(form_year)


@router.post(PAGE + "/{parcel_code}/open", response_model=None)
def open_suggested(
    parcel_code: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Open the parcel's suggested case of the year; then its case page."""
    asked = text(form, "year")
    try:
        with ledger.session.begin_nested():
            case = open_from_suggestion(ledger, _year(asked), parcel_code)
    except LandGISError as error:
        return show_suggestions(request, ledger.session, ledger.settings, asked, error=error)
    flash(request, _("已依据亩均效益评价建议立案:{case_no}。", case_no=case.case_no))
    return RedirectResponse(f"/cases/{quote(case.case_no, safe='')}", status_code=303)


@router.post(PAGE + "/{parcel_code}/dismiss", response_model=None)
def dismiss_suggested(
    parcel_code: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Dismiss the parcel's suggested case of the year for the reason typed; then the
    list, where it is listed among the decisions."""
    asked, reason = text(form, "year"), text(form, "reason")
    try:
        with ledger.session.begin_nested():
            year = _year(asked)
            dismiss_suggestion(ledger, year, parcel_code, reason)
    except LandGISError as error:
        kept = {"parcel_code": parcel_code, "reason": reason}
        return show_suggestions(
            request, ledger.session, ledger.settings, asked, error=error, kept=kept
        )
    flash(request, _("宗地 {parcel_code} 的建议已不予立案。", parcel_code=parcel_code))
    return RedirectResponse(_page_url(year, "#decisions"), status_code=303)
