"""Exports of the factory space (buildings, units and leases: xlsx, gpkg, geojson,
shp.zip) and of the 招商项目台账 (xlsx)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.deps import ReaderDep, ReadSessionDep, SettingsDep
from landgis.io.exports import content_disposition
from landgis.io.exports.print_setup import PrintSetup
from landgis.io.exports.projects_workbook import MEDIA_TYPE, projects_filenames
from landgis.io.exports.space_entry import export_buildings, export_projects
from landgis.io.exports.space_files import FORMATS, MEDIA_TYPES, check_format, space_filenames
from landgis.wallclock import today

router = APIRouter(prefix="/api/exports", tags=["exports"])


def _file(write: Callable[[Path], object], media_type: str, names: tuple[str, str]) -> FileResponse:
    """The file ``write`` makes, written to a temporary file first (so bad input still gets
    a 4xx), then streamed from disk and deleted."""
    handle, name = tempfile.mkstemp(prefix="landgis-export-")
    os.close(handle)
    path = Path(name)
    try:
        write(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Content-Disposition": content_disposition(*names)},
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get(
    "/buildings.{ext}",
    summary=f"Factory buildings, their units and leases as {', '.join(FORMATS)}",
    response_class=FileResponse,
)
def buildings_file(
    ext: str, session: ReadSessionDep, settings: SettingsDep, _: ReaderDep
) -> FileResponse:
    """xlsx: sheets 厂房, 单元 and 租赁 with 合计 rows, printed as the settings' paper says;
    gpkg: the layer ``buildings`` (footprints, EPSG:4490) and the tables ``units`` and
    ``leases``; geojson and shp.zip: the buildings."""
    fmt = check_format(ext)
    day = today()
    county = settings.county_name
    paper = PrintSetup.from_settings(settings).paper
    return _file(
        lambda path: export_buildings(session, fmt, path, county=county, day=day, paper=paper),
        MEDIA_TYPES[fmt],
        space_filenames(county, day, fmt),
    )


@router.get(
    "/projects.xlsx",
    summary="The 招商项目台账: projects, their stages, needs and matches (xlsx)",
    response_class=FileResponse,
)
def projects_file(session: ReadSessionDep, settings: SettingsDep, _: ReaderDep) -> FileResponse:
    """One row per project: investor, industry, investment, land need in 亩 and ㎡, floor
    space need, preferred zones, stage and stage dates, staff and matches; 合计 row."""
    day = today()
    county = settings.county_name
    paper = PrintSetup.from_settings(settings).paper
    return _file(
        lambda path: export_projects(session, path, county=county, day=day, paper=paper),
        MEDIA_TYPE,
        projects_filenames(county, day),
    )
