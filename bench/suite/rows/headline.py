"""Row 4: the headline figures of `landgis stats` through the library, against the raw
GROUP BY a GIS engineer would write, on the big database and on the main one."""

from __future__ import annotations

import dataclasses
import json
import sys

from bench.suite import data
from bench.suite.context import Context
from bench.suite.figures import fmt_mb, fmt_ratio, fmt_spread, median, ratio
from bench.suite.procs import log, timed_command
from bench.suite.table import Line, failed
from bench.suite.targets import Goal, with_goals

ROW = "4 headline figures"


def _measure(mode: str, db: data.Database, ctx: Context) -> tuple[list[float], int]:
    command = [sys.executable, "-m", "bench.suite.child_figures", mode]
    command += [db.url("postgresql+psycopg"), "--runs", str(ctx.runs), "--budget-s", "30"]
    done = timed_command(command, cwd=data.ROOT, timeout_s=ctx.cap(600))
    return json.loads(done.stdout.strip().splitlines()[-1])["times"], done.max_rss_kb


def _cases(db: data.Database) -> int:
    with db.connect() as conn:
        row = conn.execute("select count(*) from cases").fetchone()
    return int(row[0]) if row else 0


def run(ctx: Context) -> list[Line]:
    lines: list[Line] = []
    targets = [
        (f"{ctx.big_parcels:,} parcels (imported)", ctx.big_db, 2.0),
        (f"{ctx.parcels:,} parcels (ledger)", ctx.ledger_db, None),
    ]
    for label, get_db, bound in targets:
        try:
            db = get_db()
            case = f"{label}, {_cases(db):,} cases"
        except Exception as error:
            lines.append(failed(ROW, label, "landgis stats (library)", error))
            continue
        found: dict[str, tuple[list[float], int]] = {}
        # The baseline first: a slow landgis cannot leave it without time.
        for mode, tool in (("sql", "GROUP BY (psycopg)"), ("landgis", "landgis stats (library)")):
            log(f"row 4: {tool} on {case}")
            try:
                found[mode] = _measure(mode, db, ctx)
            except Exception as error:
                lines.append(failed(ROW, case, tool, error))
                continue
            times, rss = found[mode]
            lines.append(
                Line(
                    ROW,
                    case,
                    tool,
                    fmt_spread(times),
                    fmt_mb(rss),
                    "",
                    f"{len(times)} runs; child process peak RSS",
                )
            )
        if lines and lines[-1].tool.startswith("landgis") and len(lines) >= 2:
            lines[-2:] = [lines[-1], lines[-2]]  # landgis first, as in the other rows
        if "landgis" in found and "sql" in found:
            slower = ratio(median(found["landgis"][0]), median(found["sql"][0]))
            goals = [] if bound is None else [Goal("time", bound, "GROUP BY", slower)]
            for i, line in enumerate(lines):
                if line.case == case and line.tool.startswith("landgis"):
                    compared = f"time {fmt_ratio(slower)} GROUP BY"
                    lines[i] = with_goals(dataclasses.replace(line, ratios=compared), goals)
    return lines
