"""Import buildings from a file of footprints: any format the parcel import reads
(:func:`landgis.io.readers.read_raw`: Shapefile, GeoPackage, GeoJSON, KML, DXF, CSV and
workbooks with WKT), its columns mapped by header (:mod:`landgis.space.building_columns`),
each footprint placed by the parcel import's CRS guard and checks and linked by location
to the parcel it stands on (:mod:`landgis.space.siting`).

All or nothing: any error refuses the whole file, writing nothing; ``check_only`` writes
nothing either way and says what would go in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from landgis.i18n import _
from landgis.imports.placing import flattened_z_problem
from landgis.io import crs_guard
from landgis.io.problems import ERROR, Problem, problem, sort_problems
from landgis.io.readers import read_raw
from landgis.space.building_columns import map_columns
from landgis.space.building_fields import BuildingFields, floor_area_m2, read_fields
from landgis.space.building_report import BuildingsRefused, BuildingsReport, SitedBuilding
from landgis.space.footprints import new_building, place_footprints
from landgis.space.siting import Siting, site_footprints


@dataclass
class CheckedBuildings:
    """A footprints file read and checked; nothing written."""

    report: BuildingsReport
    rows: list[BuildingFields]
    footprints: list[Any]
    sitings: list[Siting | None]


def _field_problems(read: BuildingFields, row: int) -> list[Problem]:
    found = []
    for name, text in read.problems:
        kind = "invalid_credit_code" if name == "owner_credit_code" else "invalid_value"
        kind = "missing_name" if name == "name" and not read.values.get("name") else kind
        found.append(problem(kind, text, row=row, severity=ERROR))
    return found


def check_buildings(
    session: Session,
    path: Path | str,
    *,
    source_name: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
) -> CheckedBuildings:
    """Read and check the footprints of ``path`` (``layer`` of it; coordinates in ``crs``
    when the file names none or names the wrong one); raises
    :class:`~landgis.io.problems.FileRefused` when it cannot be read at all."""
    path = Path(path)
    raw = read_raw(path, layer=layer)
    frame = raw.frame
    geometry = frame.geometry.name
    columns = map_columns([str(c) for c in frame.columns if c != geometry])
    report = BuildingsReport(
        source=source_name or path.name,
        format=raw.driver,
        layer=raw.layer,
        encoding=raw.encoding,
        columns=columns,
        rows=raw.count,
    )
    problems: list[Problem] = list(raw.problems)
    if "name" not in columns.values():
        problems.append(problem("columns_missing", _("文件中没有厂房名称列(如“名称”或“name”)。")))
    if raw.count == 0:
        problems.append(problem("no_features", _("文件中没有任何图形要素。")))
    placed = place_footprints(
        session, frame.geometry.to_numpy(), declared=raw.declared_crs, crs=crs
    )
    report.crs = crs_guard.crs_label(placed.crs)
    problems += placed.problems
    if placed.heights:
        problems.append(flattened_z_problem(placed.heights))
    rows = [
        read_fields({columns[c]: cells[c] for c in columns})
        for cells in frame.drop(columns=geometry).to_dict("records")
    ]
    sitings: list[Siting | None] = [None] * len(rows)
    footprints: list[Any] = [None] * len(rows)
    if placed.geoms is not None:
        footprints = placed.geoms.tolist()
        sitings = list(site_footprints(session, placed.geoms))
    for number, (read, footprint, siting) in enumerate(
        zip(rows, footprints, sitings, strict=True), start=1
    ):
        problems += _field_problems(read, number)
        said = siting.refusal(read.parcel_code) if siting is not None else None
        if footprint is not None and said is not None:
            problems.append(problem("off_parcel", said, row=number))
    report.problems = sort_problems(problems)
    return CheckedBuildings(report, rows, footprints, sitings)


def store_buildings(
    session: Session, checked: CheckedBuildings, *, check_only: bool = False
) -> BuildingsReport:
    """Add every building of ``checked`` (none when ``check_only``) in a savepoint of the
    caller's transaction; :class:`BuildingsRefused`, having written nothing, when the file
    has an error."""
    report = checked.report
    report.check_only = check_only
    if report.errors or report.rows == 0:
        raise BuildingsRefused(report)
    sited = list(zip(checked.rows, checked.footprints, checked.sitings, strict=True))
    report.buildings = [
        SitedBuilding(
            row=number,
            name=read.values["name"],
            parcel_code=str(siting.parcel_code),
            footprint_area_m2=siting.footprint_area_m2,
            floor_area_m2=floor_area_m2(read.values, siting.footprint_area_m2),
        )
        for number, (read, _footprint, siting) in enumerate(sited, start=1)
        if siting is not None
    ]
    if not check_only:
        with session.begin_nested():
            session.add_all(
                new_building(read, footprint, siting)
                for read, footprint, siting in sited
                if siting is not None
            )
        session.flush()
    report.stored = len(report.buildings)
    report.accepted = True
    return report


def import_buildings(
    session: Session,
    path: Path | str,
    *,
    source_name: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    check_only: bool = False,
) -> BuildingsReport:
    """Check the footprints of ``path`` and (unless ``check_only``) add them all; the
    caller owns the transaction. Raises :class:`BuildingsRefused` (nothing written) when
    the file has an error."""
    checked = check_buildings(session, path, source_name=source_name, layer=layer, crs=crs)
    return store_buildings(session, checked, check_only=check_only)
