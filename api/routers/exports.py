"""Ledger exports: the workbook, CSV and GIS files and the printed ledger (PDF), with the
ledger's filters and date; the public idle-land list; the per-mu evaluation's results
table of a year."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Query
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from api.dates import Day
from api.deps import ReaderDep, ReadSessionDep, SessionDep, SettingsDep
from api.query_filters import FilterDep
from api.web.i18n import COOKIE, language_of
from landgis.disclosure import disclosure_for
from landgis.efficiency.evaluation import FIRST_YEAR, LAST_YEAR, evaluate
from landgis.io.exports import content_disposition, export_ledger
from landgis.io.exports.disclosure_pdf import MEDIA_TYPE as PDF_MEDIA_TYPE
from landgis.io.exports.disclosure_pdf import disclosure_pdf
from landgis.io.exports.disclosure_workbook import (
    MEDIA_TYPE,
    disclosure_filenames,
    disclosure_workbook,
)
from landgis.io.exports.efficiency_workbook import efficiency_filenames, efficiency_workbook
from landgis.io.exports.print_setup import PrintSetup

router = APIRouter(prefix="/api/exports", tags=["exports"])

DisclosureLang = Annotated[
    Literal["zh", "en"] | None,
    Query(description="Language of the titles and headers (default: the UI's)"),
]
LangCookie = Annotated[str | None, Cookie(alias=COOKIE, include_in_schema=False)]


@router.get(
    "/disclosure.xlsx",
    summary="The public idle-land list (闲置土地信息公开) as xlsx",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}}},
)
def disclosure_file(
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    lang: DisclosureLang = None,
    lang_cookie: LangCookie = None,
) -> Response:
    """The workbook the public page offers (``/public/idle-land.xlsx``): the same rows,
    the columns and statuses the settings publish."""
    listed = disclosure_for(session, settings)
    filename, ascii_name = disclosure_filenames(listed)
    return Response(
        disclosure_workbook(listed, language_of(lang, lang_cookie)),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(filename, ascii_name)},
    )


@router.get(
    "/disclosure.pdf",
    summary="The public idle-land list (闲置土地信息公开) as a PDF",
    response_class=Response,
    responses={200: {"content": {PDF_MEDIA_TYPE: {}}}},
)
def disclosure_pdf_file(
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    lang: DisclosureLang = None,
    lang_cookie: LangCookie = None,
) -> Response:
    """The PDF the public page offers (``/public/idle-land.pdf``): the same rows, the
    columns and statuses the settings publish, landscape A4."""
    listed = disclosure_for(session, settings)
    filename, ascii_name = disclosure_filenames(listed, "pdf")
    return Response(
        disclosure_pdf(listed, language_of(lang, lang_cookie)),
        media_type=PDF_MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(filename, ascii_name)},
    )


@router.get(
    "/ledger.{ext}",
    summary="The ledger as xlsx, csv, geojson, gpkg, shp.zip, kml or the printed ledger (pdf)",
    response_class=FileResponse,
)
def ledger_file(
    ext: str,
    session: SessionDep,
    settings: SettingsDep,
    filters: FilterDep,
    _: ReaderDep,
    as_of: Annotated[Day | None, Query(description="The ledger as it stood that day")] = None,
    period_from: Annotated[
        Day | None, Query(description="xlsx: start of the revitalized period")
    ] = None,
    epsg: Annotated[
        str | None,
        Query(
            max_length=8,
            description="gpkg/shp.zip: 4490, 4534-4554, 4513-4533 (zone in X) or auto",
        ),
    ] = None,
    encoding: Annotated[Literal["utf-8", "gbk"] | None, Query()] = None,
    field_names: Annotated[Literal["short", "chinese"] | None, Query()] = None,
    scope: Annotated[Literal["ledger", "parcels"] | None, Query()] = None,
    paper: Annotated[
        Literal["A3", "A4"] | None,
        Query(description="pdf/xlsx: landscape paper of the print (default: the setting)"),
    ] = None,
    lang: Annotated[
        Literal["zh", "en"] | None,
        Query(description="Language of the notes naming the filters (default: the UI's)"),
    ] = None,
    lang_cookie: Annotated[str | None, Cookie(alias=COOKIE, include_in_schema=False)] = None,
) -> FileResponse:
    """A file with a proper name (Content-Disposition): the export is written to a
    temporary file (so bad options still get a 4xx), then streamed from disk and deleted."""
    handle, name = tempfile.mkstemp(prefix="landgis-export-")
    os.close(handle)
    path = Path(name)
    try:
        result = export_ledger(
            session,
            ext,
            as_of=as_of,
            filters=filters,
            out=path,
            county=settings.county_name,
            lang=language_of(lang, lang_cookie),
            period_from=period_from,
            epsg=epsg,
            encoding=encoding,
            field_names=field_names,
            scope=scope,
            paper=paper,
            print_setup=PrintSetup.from_settings(settings),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=result.media_type,
        headers={"Content-Disposition": result.content_disposition},
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get(
    "/efficiency.xlsx",
    summary="The per-mu evaluation (亩均效益评价) of a year as the county's results table (xlsx)",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}}},
)
def efficiency_file(
    session: ReadSessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    year: Annotated[
        int, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="The year evaluated", examples=[2023])
    ],
) -> Response:
    """The year's results (one row per enterprise: land, figures, indicators, score, class,
    last year's class), the benchmarks, weights, cap and thresholds used, and the
    enterprises with figures but no land; printed as the settings' paper says. 404 when the
    year has no figures."""
    evaluation = evaluate(session, settings.efficiency, year)
    filename, ascii_name = efficiency_filenames(settings.county_name, year)
    content = efficiency_workbook(
        evaluation,
        county=settings.county_name,
        paper=PrintSetup.from_settings(settings).paper,
    )
    return Response(
        content,
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(filename, ascii_name)},
    )
