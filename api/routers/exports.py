"""Ledger exports: the workbook, CSV and GIS files, with the ledger's filters and date."""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from api.deps import ReaderDep, SessionDep, SettingsDep
from api.routers.parcels import FilterDep
from landgis.io.exports import export_ledger

router = APIRouter(prefix="/api/exports", tags=["exports"])

CHUNK = 1 << 16
IN_MEMORY_LIMIT = 16 << 20  # larger exports spill to a temporary file


@router.get(
    "/ledger.{ext}",
    summary="The ledger as xlsx, csv, geojson, gpkg, shp.zip or kml",
    response_class=StreamingResponse,
)
def ledger_file(
    ext: str,
    session: SessionDep,
    settings: SettingsDep,
    filters: FilterDep,
    _: ReaderDep,
    as_of: Annotated[dt.date | None, Query(description="The ledger as it stood that day")] = None,
    period_from: Annotated[
        dt.date | None, Query(description="xlsx: start of the revitalized period")
    ] = None,
    epsg: Annotated[
        str | None, Query(max_length=8, description="gpkg/shp.zip: 4490, 4534-4554 or auto")
    ] = None,
    encoding: Annotated[Literal["utf-8", "gbk"] | None, Query()] = None,
    field_names: Annotated[Literal["short", "chinese"] | None, Query()] = None,
    scope: Annotated[Literal["ledger", "parcels"] | None, Query()] = None,
) -> StreamingResponse:
    """A file with a proper name (Content-Disposition), written once and streamed."""
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_LIMIT)  # noqa: SIM115 - the response closes it
    try:
        result = export_ledger(
            session,
            ext,
            as_of=as_of,
            filters=filters,
            out=spool,
            county=settings.county_name,
            period_from=period_from,
            epsg=epsg,
            encoding=encoding,
            field_names=field_names,
            scope=scope,
        )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return StreamingResponse(
        iter(lambda: spool.read(CHUNK), b""),
        media_type=result.media_type,
        headers={"Content-Disposition": result.content_disposition},
        background=BackgroundTask(spool.close),
    )
