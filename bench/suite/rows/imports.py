"""Row 3: importing a province's parcels into an empty PostGIS database: ``landgis
import`` (validation, areas) against ``ogr2ogr`` with COPY; then the big file (1M)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bench.suite import data
from bench.suite.context import Context, repeat
from bench.suite.figures import fmt_mb, fmt_rate, fmt_ratio, fmt_spread, median, ratio
from bench.suite.procs import Timed, log, timed_command
from bench.suite.table import Line, failed
from bench.suite.targets import Goal, with_goals

ROW = "3 import"


def landgis_import(gpkg: Path, timeout_s: float = 1500) -> Timed:
    """``landgis import`` of the parcels layer into a new, initialised database."""
    with data.scratch_database("import") as db:
        data.init(db)
        command = [data.LANDGIS, "import", str(gpkg), "--layer", "parcels"]
        return timed_command(command, env=db.landgis_env, cwd=data.ROOT, timeout_s=timeout_s)


def ogr2ogr_import(gpkg: Path) -> Timed:
    """``ogr2ogr`` of the parcels layer into a new PostGIS database, with COPY."""
    data.check_tool("ogr2ogr")
    with data.scratch_database("ogr") as db:
        dsn = f"PG:{db.url()}"
        command = ["ogr2ogr", "-f", "PostgreSQL", dsn, str(gpkg), "parcels"]
        command += [
            "--config",
            "PG_USE_COPY",
            "YES",
            "-nln",
            "parcels",
            "-lco",
            "GEOMETRY_NAME=geom",
        ]
        return timed_command(command, timeout_s=1500)


def _line(case: str, tool: str, rows: int, runs: list[Timed], note: str = "") -> Line:
    times = [r.seconds for r in runs]
    peak = max(r.max_rss_kb for r in runs)
    result = f"{fmt_spread(times)} · {fmt_rate(rows / median(times), 'rows/s')} (p50)"
    note = f"{len(runs)} run{'s' if len(runs) != 1 else ''}" + (f"; {note}" if note else "")
    return Line(ROW, case, tool, result, fmt_mb(peak), "", note)


def run(ctx: Context) -> list[Line]:
    gpkg = ctx.main_file()
    case = f"{ctx.parcels:,} parcels"
    lines: dict[str, Line] = {}
    measured: dict[str, list[Timed]] = {}
    # The baseline first: a slow landgis cannot leave it without time.
    for tool, function in (
        ("ogr2ogr (COPY)", lambda: ogr2ogr_import(gpkg)),
        ("landgis import", lambda: landgis_import(gpkg, ctx.cap(480))),
    ):
        log(f"row 3: {tool} {gpkg.name}")
        try:
            measured[tool] = repeat(function, ctx.runs, 120)
            lines[tool] = _line(case, tool, ctx.parcels, measured[tool])
        except Exception as error:
            lines[tool] = failed(ROW, case, tool, error)
    if "landgis import" in measured:
        mine = median([r.seconds for r in measured["landgis import"]])
        ctx.import_rate = ctx.parcels / mine
        if "ogr2ogr (COPY)" in measured:
            theirs = median([r.seconds for r in measured["ogr2ogr (COPY)"]])
            line = lines["landgis import"]
            rate = ratio(theirs, mine)
            compared = f"time {fmt_ratio(ratio(mine, theirs))} ogr2ogr, rows/s {fmt_ratio(rate)}"
            lines["landgis import"] = with_goals(
                dataclasses.replace(line, ratios=compared), [Goal("rows/s", 0.5, "ogr2ogr", rate)]
            )
    out = [lines["landgis import"], lines["ogr2ogr (COPY)"]]
    big_case = f"{ctx.big_parcels:,} parcels"
    log(f"row 3: landgis import of {big_case}")
    try:
        ctx.big_db()
        assert ctx.big_import is not None
        out.append(_line(big_case, "landgis import", ctx.big_parcels, [ctx.big_import]))
    except Exception as error:
        out.append(failed(ROW, big_case, "landgis import", error))
    return out
