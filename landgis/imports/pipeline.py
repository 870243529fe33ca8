"""The import pipeline: read → type and check → store → report, each step once.

:func:`check_file` reads a file batch by batch, types and places each batch's rows
(:mod:`~landgis.imports.rows`), compares them with the stored parcels
(:mod:`~landgis.imports.stored_checks`) and, once every batch is read, with each other
(:mod:`~landgis.imports.file_checks`); it writes nothing. :func:`import_parcels` then
decides which rows go in (all or none; with ``skip_invalid`` the rows without an error),
numbers the rows that need a code, and writes them (:mod:`~landgis.imports.store`) in a
savepoint of the caller's transaction. :func:`import_frame` runs the same pipeline on a
GeoDataFrame already in landgis's terms (the demo county, a parcel typed in).
On PostGIS, :func:`import_parcels` of new parcels keeps no batch: each goes into a
staging table once checked (:mod:`~landgis.imports.staged`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
from sqlalchemy.orm import Session

from landgis.db.repository import zones_frame
from landgis.imports import staged
from landgis.imports.checked import Checked
from landgis.imports.file_checks import file_checks
from landgis.imports.numbering import first_number, number_rows
from landgis.imports.options import ImportOptions
from landgis.imports.placing import flattened_z_problem
from landgis.imports.refused import write_refused
from landgis.imports.rejects import RejectsFiles
from landgis.imports.report import (
    ImportProgress,
    ImportReport,
    ProgressCallback,
    refusal,
)
from landgis.imports.rows import type_rows
from landgis.imports.source import Source, open_file, open_frame
from landgis.imports.staged import Stage
from landgis.imports.store import Written, write_parcels
from landgis.imports.stored_checks import county_geometry, stored_checks
from landgis.io import crs_guard
from landgis.io.problems import FileRefused, Problem, error_rows, errors, sort_problems


def _kept_file_problem(kept: dict[str, Problem], item: Problem) -> None:
    """Keep one problem about the file per kind (found by several batches), the error
    when one batch says error and another warning."""
    before = kept.get(item.kind)
    if before is None or (item.is_error and not before.is_error):
        kept[item.kind] = item


def _check(
    session: Session,
    source: Source,
    options: ImportOptions,
    report: ImportReport,
    progress: ProgressCallback | None,
    stage: Stage | None = None,
) -> Checked:
    checked = Checked(report, source)
    late: list[Problem] = []  # said after the checks across the file
    county = county_geometry(session)
    zones = zones_frame(session, kinds=("area", "park"))
    problems: list[Problem] = list(source.problems)
    about_file: dict[str, Problem] = {}
    started = clock = time.perf_counter()
    heights = 0
    plan = source.plan
    for number, (offset, raw_rows) in enumerate(source.raw.batches(options.batch_size), start=1):
        read_s = time.perf_counter() - clock
        tick = time.perf_counter()
        rows = type_rows(raw_rows, offset + 1, source, options, county)
        if stage is None:
            checked.batches.append(rows)
        heights += rows.heights
        report.crs = crs_guard.crs_label(rows.crs) or report.crs
        found = list(rows.problems)
        if rows.frame is not None:
            found += stored_checks(
                session,
                rows.frame,
                mode=options.mode,
                from_gcj02=options.from_gcj02,
                zones=zones.geometry,
            )
        for item in found:
            if item.row is None:
                _kept_file_problem(about_file, item)
            else:
                problems.append(item)
        report.batches.append(
            {
                "batch": number,
                "first_row": offset + 1,
                "rows": len(raw_rows),
                "written": 0,
                "errors": len(errors(found)),
                "read_s": round(read_s, 3),
                "check_s": round(time.perf_counter() - tick, 3),
                "write_s": 0.0,
            }
        )
        if plan.unit_unknown is not None:  # judged by the first batch, kept for the rest
            factors = {**plan.factors, plan.unit_unknown: rows.area_factor}
            source.plan = plan = replace(plan, factors=factors, unit_unknown=None)
        if progress is not None:
            progress(
                ImportProgress(
                    phase="check",
                    batch=number,
                    rows_read=offset + len(raw_rows),
                    rows_total=report.features,
                    rows_written=0,
                    errors=len(errors(problems)) + len(errors(about_file.values())),
                    seconds=time.perf_counter() - started,
                )
            )
        if rows.frame is None:
            checked.file_refused = True
            break
        if stage is not None:
            stage.add(rows)
            late += stage.area_warnings(rows, options.area_tolerance)
        clock = time.perf_counter()
    if heights:
        problems.append(flattened_z_problem(heights))
    if not checked.file_refused and (checked.batches or (stage is not None and stage.count)):
        tick = time.perf_counter()
        if stage is None:
            problems += file_checks(
                checked.frame,
                source.fields,
                codes_given=options.codes is not None,
                area_share=options.area_tolerance,
            )
        else:
            problems += stage.across(codes_given=options.codes is not None) + late
        report.batches[-1]["check_s"] += round(time.perf_counter() - tick, 3)
    report.problems = sort_problems(problems + list(about_file.values()))
    checked.bad_rows = error_rows(report.problems)
    if stage is None:
        _tally(checked)
    else:
        stage.tally(checked)
    return checked


def _tally(checked: Checked) -> None:
    """The report's counts of the rows that pass (their codes and area) and of those
    refused."""
    report = checked.report
    frame = checked.frame
    good = ~frame["row"].isin(checked.bad_rows) if len(frame) else frame["row"].astype(bool)
    accepted = frame[good]
    report.parcels = len(accepted)
    areas = accepted["area_m2"].to_numpy(dtype=float) if len(accepted) else []
    report.area_m2 = math.fsum(a for a in areas if math.isfinite(a))
    report.refused = report.features if checked.refused_whole else len(checked.bad_rows)
    if "parcel_code" in accepted:
        report.parcel_codes = [str(c) for c in accepted["parcel_code"] if c is not None]


def _new_report(source_name: str, options: ImportOptions, dry_run: bool) -> ImportReport:
    return ImportReport(
        source=source_name,
        mode=options.mode.value,
        dry_run=dry_run,
        skip_invalid=options.skip_invalid,
        batch_size=options.batch_size,
    )


def _checked(
    session: Session,
    open_source: Callable[[], Source],
    options: ImportOptions,
    report: ImportReport,
    progress: ProgressCallback | None,
    stage: Stage | None = None,
) -> Checked:
    try:
        source = open_source()
    except FileRefused as refused:
        report.problems = [refused.problem]
        return Checked(report, file_refused=True)
    raw = source.raw
    report.format, report.layer, report.encoding = raw.driver, raw.layer, raw.encoding
    report.crs = crs_guard.crs_label(raw.declared_crs)
    report.features = raw.count
    if raw.count == 0:
        report.problems = sort_problems(source.problems)
        return Checked(report, source, file_refused=True)
    return _check(session, source, options, report, progress, stage)


def check_file(
    session: Session,
    path: Path | str,
    options: ImportOptions,
    *,
    source_name: str | None = None,
    progress: ProgressCallback | None = None,
    stage: Stage | None = None,
) -> Checked:
    """Read and check the parcels of a file without writing anything (the preview of an
    import): the report (``accepted`` False) and the checked rows. ``source_name`` is the
    name to report (an upload's original file name) instead of ``path``'s. With
    ``stage``, the rows go into its table rather than into the result."""
    path = Path(path)
    name = source_name or path.name
    report = _new_report(name, options, dry_run=True)
    return _checked(
        session, lambda: open_file(path, options, name), options, report, progress, stage
    )


def check_frame(
    session: Session, frame: gpd.GeoDataFrame, options: ImportOptions, name: str
) -> Checked:
    """:func:`check_file` for a GeoDataFrame whose columns carry landgis field names."""
    report = _new_report(name, options, dry_run=True)
    return _checked(session, lambda: open_frame(frame, options, name), options, report, None)


def _codes_given(checked: Checked, session: Session, options: ImportOptions) -> None:
    """Number the accepted rows without a code, or name the codes a template composed
    (once: storing after a preview, or a preview after storing, numbers nothing again)."""
    codes = options.codes
    frames = [b.frame for b in checked.batches if b.frame is not None]
    if codes is None or not frames or checked.numbered:
        return
    checked.numbered = True
    report = checked.report
    if codes.prefix is not None:
        start = first_number(session, codes.prefix)
        report.assigned_codes = number_rows(frames, checked.bad_rows, codes.prefix, start)
        checked.changed()
        given = {item["row"]: item["parcel_code"] for item in report.assigned_codes}
        report.problems = [p.naming(given.get(p.row)) for p in report.problems]
    else:
        report.assigned_codes = [
            {"row": int(row), "parcel_code": str(code)}
            for frame in frames
            for row, code in zip(frame["row"], frame["parcel_code"], strict=True)
            if row not in checked.bad_rows and code is not None
        ]
    _tally(checked)


def accepted_rows(session: Session, checked: Checked, options: ImportOptions) -> gpd.GeoDataFrame:
    """The rows of ``checked`` that would go in, as they would be stored (numbered when
    the import gives codes), EPSG:4490: what a preview of the import draws."""
    _codes_given(checked, session, options)
    frame = checked.frame
    return frame[~frame["row"].isin(checked.bad_rows) & frame.geometry.notna()]


def _write(
    session: Session,
    checked: Checked,
    options: ImportOptions,
    *,
    actor: str,
    dry_run: bool,
    progress: ProgressCallback | None,
) -> Written:
    """Write the accepted rows of each batch; what was written (in a dry run: would be)."""
    total = Written()
    zones = zones_frame(session, kinds=("area", "park"))
    started = time.perf_counter()
    report = checked.report
    for number, (rows, entry) in enumerate(zip(checked.batches, report.batches, strict=True), 1):
        assert rows.frame is not None
        tick = time.perf_counter()
        accepted = rows.frame[~rows.frame["row"].isin(checked.bad_rows)]
        written = write_parcels(
            session,
            accepted,
            fields=checked.fields,
            zones=zones,
            actor=actor,
            source=report.source,
            dry_run=dry_run,
        )
        total.inserted += written.inserted
        total.updated += written.updated
        total.unchanged += written.unchanged
        total.updates += written.updates
        entry["written"] = written.rows
        entry["write_s"] = round(time.perf_counter() - tick, 3)
        _report_written(progress, report, number, total.rows, started, dry_run)
    return total


def store_checked(
    session: Session,
    checked: Checked,
    options: ImportOptions,
    *,
    actor: str = "import",
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Decide and write: the rows of ``checked`` that go in, numbered when they need a
    code, written in a savepoint of the caller's transaction (nothing in a dry run).
    Raises :class:`~landgis.imports.report.ImportRefused` (``CoordinatesRefused`` when the
    coordinates are at fault) with the report when nothing can go in."""
    report = checked.report
    report.dry_run = dry_run
    if checked.refused_whole:
        raise refusal(report)
    _codes_given(checked, session, options)
    with session.begin_nested():
        written = _write(session, checked, options, actor=actor, dry_run=dry_run, progress=progress)
    report.accepted = True
    report.inserted, report.updated, report.unchanged = (
        written.inserted,
        written.updated,
        written.unchanged,
    )
    report.updates = written.updates
    return report


def import_parcels(
    session: Session,
    path: Path | str,
    options: ImportOptions | None = None,
    *,
    actor: str = "import",
    source_name: str | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    rejects: Path | None = None,
) -> ImportReport:
    """Read, check and (unless ``dry_run``) write the parcels of a file.

    ``options.mode`` is ``insert`` (new codes only) or ``upsert`` (existing codes
    updated, each change recorded on the parcel's current case as a ``parcel_update``
    event by ``actor``). Without ``options.skip_invalid`` any error refuses the whole
    file; with it, the rows without an error go in and the others are counted as
    refused. Returns the report; raises :class:`~landgis.imports.report.ImportRefused`
    with the report, having written nothing, when nothing can go in. The caller owns the
    transaction. ``rejects`` (an ``.xlsx`` path) receives the rows with an error, with a
    GeoPackage of their geometries next to it (the report's ``rejects`` names them).
    """
    options = options or ImportOptions()
    if staged.applies(session, options, rejects=rejects is not None):
        return _import_staged(
            session,
            path,
            options,
            actor=actor,
            source_name=source_name,
            dry_run=dry_run,
            progress=progress,
        )
    checked = check_file(session, path, options, source_name=source_name, progress=progress)
    if rejects is not None:
        keep_refused(checked, rejects)
    return store_checked(session, checked, options, actor=actor, dry_run=dry_run, progress=progress)


def _import_staged(
    session: Session,
    path: Path | str,
    options: ImportOptions,
    *,
    actor: str,
    source_name: str | None,
    dry_run: bool,
    progress: ProgressCallback | None,
) -> ImportReport:
    """:func:`import_parcels` through a staging table (:mod:`~landgis.imports.staged`)."""
    stage = staged.Stage(session, zones_frame(session, kinds=("area", "park")))
    checked = check_file(
        session, path, options, source_name=source_name, progress=progress, stage=stage
    )
    report = checked.report
    report.dry_run = dry_run
    if checked.refused_whole:
        stage.drop()
        raise refusal(report)
    tick = started = time.perf_counter()
    with session.begin_nested():
        inserted = stage.parcels(checked.bad_rows) if dry_run else stage.insert(checked.bad_rows)
    stage.drop()
    written = 0
    for number, (entry, rows) in enumerate(
        zip(report.batches, stage.written(checked.bad_rows), strict=True), 1
    ):
        entry["written"] = rows
        written += rows
        _report_written(progress, report, number, written, started, dry_run)
    if report.batches:
        report.batches[-1]["write_s"] = round(time.perf_counter() - tick, 3)
    report.accepted = True
    report.inserted = inserted
    return report


def keep_refused(checked: Checked, path: Path) -> RejectsFiles | None:
    """Write the refused rows of ``checked`` next to ``path`` (see
    :func:`~landgis.imports.refused.write_refused`) and name the files in its report."""
    files = write_refused(checked, path)
    if files is not None:
        checked.report.rejects = {"workbook": str(files.workbook)}
        if files.geopackage is not None:
            checked.report.rejects["geopackage"] = str(files.geopackage)
    return files


def import_frame(
    session: Session,
    frame: gpd.GeoDataFrame,
    options: ImportOptions | None = None,
    *,
    actor: str = "import",
    name: str = "GeoDataFrame",
) -> ImportReport:
    """:func:`import_parcels` for a GeoDataFrame whose columns carry landgis field names
    (any CRS it declares)."""
    options = options or ImportOptions(batch_size=None)
    checked = check_frame(session, frame, options, name)
    return store_checked(session, checked, options, actor=actor)


def _report_written(
    progress: ProgressCallback | None,
    report: ImportReport,
    batch: int,
    rows_written: int,
    started: float,
    dry_run: bool,
) -> None:
    """Tell ``progress`` (when given) that batch ``batch`` is written."""
    if progress is not None:
        progress(
            ImportProgress(
                phase="write",
                batch=batch,
                rows_read=report.features,
                rows_total=report.parcels,
                rows_written=rows_written,
                errors=report.errors,
                seconds=time.perf_counter() - started,
                dry_run=dry_run,
            )
        )
