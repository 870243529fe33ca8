"""Reports a county sends up, as a Word document or a PDF: the monthly progress report
(月度进展情况) and the work report (工作情况报告) of a period."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Query
from fastapi.responses import Response

from api.dates import Day
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
from landgis.reports.work import MEDIA_TYPES, default_period, work_filenames, write_work

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


FromQuery = Annotated[
    Day | None,
    Query(
        alias="from",
        description="First day of the period, YYYY-MM-DD (default: 1 January of the period's year)",
        examples=["2023-01-01"],
    ),
]
ToQuery = Annotated[
    Day | None,
    Query(
        alias="to",
        description="Last day of the period, YYYY-MM-DD (default: today)",
        examples=["2023-08-31"],
    ),
]


def _work(
    fmt: str,
    session: SessionDep,
    settings: SettingsDep,
    date_from: dt.date | None,
    date_to: dt.date | None,
    lang: str | None,
    lang_cookie: str | None,
) -> Response:
    start, end = default_period(date_from, date_to)
    out = io.BytesIO()
    write_work(session, settings, start, end, fmt, out, language_of(lang, lang_cookie))
    filename, ascii_name = work_filenames(settings.county_name, start, end, fmt)
    return Response(
        out.getvalue(),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": content_disposition(filename, ascii_name)},
    )


@router.get(
    "/work.docx",
    summary="The work report (工作情况报告) of a period as a Word document",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}}}},
)
def work_docx(
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> Response:
    """The county's paragraph (cases and 亩 in the ledger, the routes, the 亩 and factory
    floor area revitalized), the figures by route, zone and month with their charts, the
    map of the parcels by status, and the printed ledger as the annex; from the county's
    template (setting ``work_report_template``) or the built-in one."""
    return _work("docx", session, settings, date_from, date_to, lang, lang_cookie)


@router.get(
    "/work.pdf",
    summary="The work report (工作情况报告) of a period as a PDF",
    response_class=Response,
    responses={200: {"content": {PDF_MEDIA_TYPE: {}}}},
)
def work_pdf(
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> Response:
    """The same report as :func:`work_docx`, printed: portrait A4, the annex landscape."""
    return _work("pdf", session, settings, date_from, date_to, lang, lang_cookie)
