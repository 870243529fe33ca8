"""The cases a year's per-mu evaluation suggests to the ledger, and a clerk's decision on
each: open it as a case, or dismiss it with a reason (:mod:`landgis.efficiency.reviews`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import EditorLedgerDep, ReaderDep, ReadSessionDep, SettingsDep
from api.jsonable import plain
from api.routers.efficiency import LangCookie, LangQuery
from api.schemas import SuggestionDismissal
from api.web.i18n import language_of
from landgis.efficiency.evaluation import FIRST_YEAR, LAST_YEAR
from landgis.efficiency.reviews import dismiss_suggestion, open_from_suggestion
from landgis.efficiency.suggestions import suggestions

router = APIRouter(prefix="/api/efficiency/suggestions", tags=["efficiency"])

YearQuery = Annotated[
    int, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="The year evaluated", examples=[2023])
]


@router.get("", summary="The cases a year's evaluation suggests")
def suggested(
    session: ReadSessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    year: YearQuery,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> dict[str, Any]:
    """Parcels with no case in the ledger and no decision for the year: low-efficiency
    (their enterprise in a class of ``LANDGIS_EFFICIENCY__SUGGEST_CLASSES``), or possibly
    idle (no tax for ``IDLE_AFTER_YEARS_WITHOUT_TAX`` years, or no figures at all), each
    with its figures and reason. 404 when the year has no figures."""
    found = suggestions(session, settings.efficiency, year)
    language = language_of(lang, lang_cookie)
    return {"year": year, "items": [item.to_dict(language) for item in found]}


@router.post("/{parcel_code}/open", status_code=201, summary="Open a suggested case (editor)")
def open_suggested(parcel_code: str, year: YearQuery, ledger: EditorLedgerDep) -> JSONResponse:
    """Open the parcel's suggested case of ``year`` in the ledger, its category, cause and
    the evaluation's figures filled in. 409 when the suggestion was already acted on, 404
    when the parcel is not suggested that year."""
    case = open_from_suggestion(ledger, year, parcel_code)
    response = JSONResponse(
        content=plain(ledger.detail(case)), status_code=201, headers={"ETag": f'"{case.version}"'}
    )
    response.headers["Location"] = f"/api/cases/{case.case_no}"
    return response


@router.post("/{parcel_code}/dismiss", summary="Dismiss a suggested case (editor)")
def dismiss_suggested(
    parcel_code: str, body: SuggestionDismissal, ledger: EditorLedgerDep
) -> dict[str, Any]:
    """Dismiss the parcel's suggested case of the year for a reason (required): it is not
    suggested again that year. 409 when the suggestion was already acted on."""
    review = dismiss_suggestion(ledger, body.year, parcel_code, body.reason)
    return {
        "year": review.year,
        "parcel_code": parcel_code,
        "decision": review.decision,
        "reason": review.reason,
        "actor": review.actor,
        "decided_at": review.decided_at.isoformat(),
    }
