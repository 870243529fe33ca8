"""Writing the factory space and the projects to files, whole or not at all: what the
API's ``/api/exports/buildings.{ext}`` and ``/api/exports/projects.xlsx`` and ``landgis
export --what buildings|projects`` call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from landgis.io.exports.projects_workbook import project_records, write_projects_workbook
from landgis.io.exports.space_files import check_format, write_space_file
from landgis.io.exports.space_records import space_records


def _whole(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    partial = path.with_name(f".{path.name}.part")
    try:
        with partial.open("wb") as out:
            write(out)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def export_buildings(
    session: Session, fmt: str, path: Path, *, county: str, day: dt.date, paper: str = "A3"
) -> int:
    """Write the buildings, units and leases in ``fmt`` (xlsx, gpkg, geojson, shp.zip) to
    ``path``; the number of buildings."""
    check_format(fmt)
    records = space_records(session)
    _whole(
        path,
        lambda out: write_space_file(records, fmt, out, county=county, day=day, paper=paper),
    )
    return len(records.buildings)


def export_projects(
    session: Session, path: Path, *, county: str, day: dt.date, paper: str = "A3"
) -> int:
    """Write the 招商项目台账 (.xlsx) to ``path``; the number of projects."""
    records = project_records(session)
    _whole(
        path,
        lambda out: write_projects_workbook(records, out, county=county, day=day, paper=paper),
    )
    return len(records)
