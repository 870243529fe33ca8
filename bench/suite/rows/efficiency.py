"""Row 7: the per-mu evaluation (亩均效益评价) of a year over the big province (1M
parcels; --quick: 30k), with enterprises' figures generated for it
(:mod:`bench.suite.efficiency_data`), against the plain SQL aggregate of each enterprise's
land and tax per 亩; then the rewrite of the stored results the ``efficiency`` collection
serves."""

from __future__ import annotations

import json
import sys
from typing import Any

from bench.suite import data
from bench.suite.context import Context
from bench.suite.figures import fmt_mb, fmt_ratio, fmt_spread, median, ratio
from bench.suite.procs import log, timed_command
from bench.suite.table import Line, failed

ROW = "7 per-mu evaluation"
MODES = (
    ("sql", "per-mu GROUP BY (psycopg)"),
    ("landgis", "evaluate() (library)"),
    ("results", "efficiency collection rewrite"),
)


def _child(mode: str, db: data.Database, ctx: Context, runs: int) -> tuple[dict[str, Any], int]:
    command = [sys.executable, "-m", "bench.suite.child_efficiency", mode]
    command += [db.url("postgresql+psycopg"), "--runs", str(runs), "--budget-s", "60"]
    done = timed_command(command, cwd=data.ROOT, timeout_s=ctx.cap(900))
    return json.loads(done.stdout.strip().splitlines()[-1]), done.max_rss_kb


def lines_of(case: str, found: dict[str, tuple[dict[str, Any], int]]) -> list[Line]:
    """The row's lines from what each child measured: landgis first with its ratio to the
    SQL aggregate, then the aggregate, then the collection's rewrite."""
    lines: list[Line] = []
    times = {mode: median(result["times"]) for mode, (result, _rss) in found.items()}
    for mode, tool in (MODES[1], MODES[0], MODES[2]):
        if mode not in found:
            continue
        result, rss = found[mode]
        runs = len(result["times"])
        note = f"{runs} run{'s' if runs != 1 else ''}; child process peak RSS"
        ratios = ""
        if mode == "landgis":
            ratios = f"time {fmt_ratio(ratio(times['landgis'], times.get('sql')))} GROUP BY"
            note += (
                f"; {result['enterprises']:,} enterprises on {result['parcels']:,} parcels, "
                f"classes {result['classes']}"
            )
        elif mode == "sql":
            note += f"; {result['enterprises']:,} enterprises"
        else:
            note += f"; {result['rows']:,} rows (all years), rolled back"
        result_text = fmt_spread(result["times"])
        lines.append(Line(ROW, case, tool, result_text, fmt_mb(rss), ratios, note))
    return lines


def run(ctx: Context) -> list[Line]:
    label = f"{ctx.big_parcels:,} parcels"
    try:
        db = ctx.big_db()
        log("row 7: generating and loading the enterprises' figures")
        prepared, _rss = _child("prepare", db, ctx, 1)
    except Exception as error:
        return [failed(ROW, label, MODES[1][1], error)]
    case = f"{prepared['parcels']:,} parcels, {prepared['figure_rows']:,} rows of figures (2 years)"
    found: dict[str, tuple[dict[str, Any], int]] = {}
    errors: list[Line] = []
    # The baseline first: a slow landgis cannot leave it without time.
    for mode, tool in MODES:
        log(f"row 7: {tool} on {case}")
        try:
            found[mode] = _child(mode, db, ctx, 1 if mode == "results" else max(3, ctx.runs))
        except Exception as error:
            errors.append(failed(ROW, case, tool, error))
    return lines_of(case, found) + errors
