"""The public idle-land list (闲置土地信息公开): ``/public/idle-land``, its workbook
``/public/idle-land.xlsx`` and its PDF ``/public/idle-land.pdf``, readable by anyone, with
or without a login, even when reading the ledger needs one (``read_requires_login``).

They show what :mod:`landgis.disclosure` publishes and nothing else, in Chinese or, with
``?lang=en``, English; the page has a layout of its own, without the staff navigation or
any staff link. Cookies never reach them and no cookie is set (:mod:`api.public`), so the
page is the same for every reader and a shared cache may keep it for five minutes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ReadSessionDep, SettingsDep
from api.public import PUBLIC_CACHE
from api.web.i18n import LANGUAGES, Translator, language_of
from api.web.layout import UI
from api.web.render import templates
from landgis.disclosure import disclosure_for
from landgis.io.exports.disclosure_pdf import MEDIA_TYPE as PDF_MEDIA_TYPE
from landgis.io.exports.disclosure_pdf import disclosure_pdf
from landgis.io.exports.disclosure_workbook import (
    MEDIA_TYPE,
    disclosure_filenames,
    disclosure_workbook,
)
from landgis.io.exports.entry import content_disposition

router = APIRouter(prefix="/public", tags=["public"], include_in_schema=False)

PAGE = "/public/idle-land"
WORKBOOK = "/public/idle-land.xlsx"
PDF = "/public/idle-land.pdf"
Lang = Annotated[str | None, Query(max_length=8, description="zh (default) or en")]


@router.get("/idle-land", response_class=HTMLResponse)
def idle_land_page(
    request: Request, session: ReadSessionDep, settings: SettingsDep, lang: Lang = None
) -> HTMLResponse:
    """The list as a page: title with the county and the date, count and total area, the
    table, and links to the workbook and the PDF."""
    language = language_of(lang)
    listed = disclosure_for(session, settings)
    ui = UI(
        request=request,
        t=Translator(language),
        user=None,
        county=settings.county_name,
        read_requires_login=False,
    )
    query = "" if language == "zh" else f"?lang={language}"
    context = {
        "ui": ui,
        "listed": listed,
        "lang": language,
        "workbook_url": WORKBOOK + query,
        "pdf_url": PDF + query,
        "languages": [(code, name) for code, name in LANGUAGES.items() if code != language],
        "page_url": PAGE,
    }
    response = templates.TemplateResponse(request, "public_idle_land.html", context)
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@router.get("/idle-land.xlsx")
def idle_land_workbook(
    session: ReadSessionDep, settings: SettingsDep, lang: Lang = None
) -> Response:
    """The list as a workbook (.xlsx), its texts in ``lang``."""
    listed = disclosure_for(session, settings)
    filename, ascii_name = disclosure_filenames(listed)
    return Response(
        disclosure_workbook(listed, language_of(lang)),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": content_disposition(filename, ascii_name),
            "Cache-Control": PUBLIC_CACHE,
        },
    )


@router.get("/idle-land.pdf")
def idle_land_pdf(session: ReadSessionDep, settings: SettingsDep, lang: Lang = None) -> Response:
    """The list as a PDF (landscape A4), its texts in ``lang``."""
    listed = disclosure_for(session, settings)
    filename, ascii_name = disclosure_filenames(listed, "pdf")
    return Response(
        disclosure_pdf(listed, language_of(lang)),
        media_type=PDF_MEDIA_TYPE,
        headers={
            "Content-Disposition": content_disposition(filename, ascii_name),
            "Cache-Control": PUBLIC_CACHE,
        },
    )
