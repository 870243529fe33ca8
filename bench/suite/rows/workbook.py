"""Row 5: the ledger workbook of every case (``landgis export`` xlsx) against a bare
xlsxwriter ``constant_memory`` write of the same rows and columns."""

from __future__ import annotations

import dataclasses
import sys

from bench.suite import data
from bench.suite.context import Context, repeat
from bench.suite.figures import fmt_mb, fmt_rate, fmt_ratio, fmt_spread, median, ratio
from bench.suite.procs import Timed, log, timed_command
from bench.suite.table import Line, failed
from bench.suite.targets import Goal, with_goals

ROW = "5 ledger workbook"
LANDGIS = "landgis export xlsx"
FLOOR = "xlsxwriter constant_memory"


def run(ctx: Context) -> list[Line]:
    db = ctx.ledger_db()
    with db.connect() as conn:
        row = conn.execute("select count(*) from cases where status <> 'dismissed'").fetchone()
    rows = int(row[0]) if row else 0
    case = f"{rows:,} ledger rows"
    out_landgis = ctx.work / "ledger-landgis.xlsx"
    out_floor = ctx.work / "ledger-floor.xlsx"
    # The baseline first: a slow landgis cannot leave it without time.
    tools = {
        FLOOR: (
            [sys.executable, "-m", "bench.suite.child_xlsx", db.url(), str(out_floor)],
            {},
            out_floor,
        ),
        LANDGIS: (
            [data.LANDGIS, "export", "-f", "xlsx", "-o", str(out_landgis)],
            db.landgis_env,
            out_landgis,
        ),
    }
    found: dict[str, list[Timed]] = {}
    lines: dict[str, Line] = {}
    for tool, (command, env, out) in tools.items():
        log(f"row 5: {tool}")
        try:
            runs = repeat(
                lambda c=command, e=env: timed_command(
                    c, env=e, cwd=data.ROOT, timeout_s=ctx.cap(480)
                ),
                ctx.runs,
                150,
            )
        except Exception as error:
            lines[tool] = failed(ROW, case, tool, error)
            continue
        found[tool] = runs
        times = [r.seconds for r in runs]
        lines[tool] = Line(
            ROW,
            case,
            tool,
            f"{fmt_spread(times)} · {fmt_rate(rows / median(times), 'rows/s')} (p50)",
            fmt_mb(max(r.max_rss_kb for r in runs)),
            "",
            f"{len(runs)} runs; {out.stat().st_size / 1e6:.1f} MB file",
        )
    if len(found) == 2:
        mine, floor = (median([r.seconds for r in found[tool]]) for tool in (LANDGIS, FLOOR))
        slower = ratio(mine, floor)
        line = dataclasses.replace(lines[LANDGIS], ratios=f"time {fmt_ratio(slower)} xlsxwriter")
        lines[LANDGIS] = with_goals(line, [Goal("time", 1.5, "xlsxwriter", slower)])
        lines[LANDGIS] = dataclasses.replace(
            lines[LANDGIS],
            target=lines[LANDGIS].target + " (ledger sheet alone ≤ 1.3×: not timed on its own)",
        )
    return [lines[LANDGIS], lines[FLOOR]]
