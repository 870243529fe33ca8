"""Reports a county sends up: the monthly progress report (月度进展情况) as a Word
document or a PDF."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Query
from fastapi.responses import Response

from api.deps import ReaderDep, SessionDep, SettingsDep
from api.web.i18n import COOKIE, language_of
from landgis.io.exports import content_disposition
from landgis.reports import (
    DOCX_MEDIA_TYPE,
    PDF_MEDIA_TYPE,
    monthly_document,
    monthly_filenames,
    parse_month,
    write_monthly,
)

router = APIRouter(prefix="/api/reports", tags=["reports"])

MonthQuery = Annotated[
    str, Query(max_length=16, description="The month reported, YYYY-MM", examples=["2023-08"])
]
LangQuery = Annotated[
    Literal["zh", "en"] | None,
    Query(description="Language of the titles, headers and labels (default: the UI's)"),
]
LangCookie = Annotated[str | None, Cookie(alias=COOKIE, include_in_schema=False)]


def _monthly(
    fmt: str,
    session: SessionDep,
    settings: SettingsDep,
    month: str,
    lang: str | None,
    lang_cookie: str | None,
) -> Response:
    year, number = parse_month(month)
    report = monthly_document(session, settings, year, number, language_of(lang, lang_cookie))
    out = io.BytesIO()
    write_monthly(report, fmt, out)
    filename, ascii_name = monthly_filenames(settings.county_name, year, number, fmt)
    return Response(
        out.getvalue(),
        media_type=DOCX_MEDIA_TYPE if fmt == "docx" else PDF_MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(filename, ascii_name)},
    )


@router.get(
    "/monthly.docx",
    summary="The monthly progress report (月度进展情况) as a Word document",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}}}},
)
def monthly_docx(
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    month: MonthQuery,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> Response:
    """Every case of the ledger at the month's end with its status the month before, the
    month's progress and next month's plan; the month's figures; a sign-off line."""
    return _monthly("docx", session, settings, month, lang, lang_cookie)


@router.get(
    "/monthly.pdf",
    summary="The monthly progress report (月度进展情况) as a PDF",
    response_class=Response,
    responses={200: {"content": {PDF_MEDIA_TYPE: {}}}},
)
def monthly_pdf(
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    month: MonthQuery,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> Response:
    """The same report as :func:`monthly_docx`, printed (landscape A4)."""
    return _monthly("pdf", session, settings, month, lang, lang_cookie)
