"""The benchmark suite: ``make bench`` or ``.venv/bin/python -m bench.run [--quick]``.

Starts what it needs, measures landgis beside its baselines row by row, cleans up, prints a
Markdown table and writes it to bench/results.md (see bench/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.suite import data, pgserver, servers
from bench.suite.context import Context
from bench.suite.procs import log
from bench.suite.rows import (
    browser,
    documents,
    efficiency,
    embedded,
    headline,
    imports,
    ogc,
    tiles,
    workbook,
)
from bench.suite.table import Line, failed, markdown

ROWS: dict[str, tuple[str, Callable[[Context], list[Line]]]] = {
    "1": ("1 OGC items", ogc.run),
    "2": ("2 z13 tile", tiles.run),
    "3": ("3 import", imports.run),
    "4": ("4 headline figures", headline.run),
    "5": ("5 ledger workbook", workbook.run),
    "6": ("6 ledger map", browser.run),
    "7": ("7 per-mu evaluation", efficiency.run),
    "8": ("8 embedded backend", embedded.run),
    "9": ("9 documents", documents.run),
}
ROOT = Path(__file__).resolve().parents[1]


def _revision() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %cs"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def _header(ctx: Context, rows: list[str], seconds: float) -> str:
    try:
        tipg = servers.tipg_version()
    except Exception:
        tipg = "?"
    size = "quick (--quick)" if ctx.quick else "full"
    return "\n".join(
        [
            "# landgis benchmark results",
            "",
            f"- Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {size}, rows "
            f"{','.join(rows)}, {seconds / 60:.1f} min; landgis at {_revision()}",
            f"- Machine: {platform.machine()}, {_cpus()} CPUs, Python "
            f"{platform.python_version()}; servers with {ctx.workers} worker processes each; "
            f"tipg {tipg}",
            "- Results give p50, p99 and max: of the requests of a load for servers (wrk "
            "--latency in a separate process; max is wrk's Max), of the runs for commands (a "
            "few runs: p99 is interpolated between the two slowest). Peak memory is VmHWM "
            "summed over a server's processes, or the max RSS of a command.",
            "- vs baselines: ratios of the landgis line to each baseline measured in this run "
            "(req/s above 1× and times below 1× favour landgis); Target: the project's "
            "targets (bench/README.md) for that line, met? whether this run met them.",
            "- The floor sends PostgreSQL the statements landgis sends for the same request "
            "(caught from landgis, replayed by a bare ASGI app on asyncpg).",
            "",
        ]
    )


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds the run: servers stopped, databases dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k parcels, fewer runs")
    parser.add_argument("--rows", default=",".join(ROWS), help="rows to run, e.g. 1,3")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    parser.add_argument(
        "--budget-min",
        type=float,
        help="time budget of the run in minutes: long steps are capped so that the rows "
        "after them still fit (default 30, --quick 12)",
    )
    parser.add_argument(
        "--main-db",
        help="reuse this loaded database as the main one (not dropped; gets a view "
        "bench_parcels_ledger); default: load a fresh one",
    )
    parser.add_argument(
        "--ledger-db", help="reuse this loaded database (one case per parcel) for rows 4, 5"
    )
    parser.add_argument(
        "--out", type=Path, help="results file (bench/results.md; --quick: results-quick.md)"
    )
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = ROOT / "bench" / ("results-quick.md" if args.quick else "results.md")
    chosen = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = [r for r in chosen if r not in ROWS]
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {','.join(ROWS)}")
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    started = time.perf_counter()
    lines: list[Line] = []
    with (
        contextlib.ExitStack() as stack,
        tempfile.TemporaryDirectory(prefix="landgis-bench-") as work,
    ):
        admin, source = stack.enter_context(pgserver.admin_url())
        data.SERVER["admin"] = admin
        ctx = Context(quick=args.quick, workers=args.workers, work=Path(work), stack=stack)
        budget = args.budget_min or (12 if args.quick else 30)
        ctx.deadline = time.monotonic() + budget * 60
        ctx.notes.append(f"PostgreSQL: {source}.")
        if args.main_db:
            ctx.use_main(args.main_db)
        if args.ledger_db:
            ctx.use_ledger(args.ledger_db)
        for i, key in enumerate(chosen):
            name, function = ROWS[key]
            ctx.pending = tuple(chosen[i + 1 :])
            log(f"row {name}")
            try:
                lines += function(ctx)
            except Exception as error:
                traceback.print_exc(file=sys.stderr)
                lines.append(failed(name, "–", "–", error))
            log(f"row {name} done ({(time.perf_counter() - started) / 60:.1f} min so far)")
        log("cleaning up")
    seconds = time.perf_counter() - started
    notes = "".join(f"- {note}\n" for note in ctx.notes)
    text = _header(ctx, chosen, seconds) + notes + "\n" + markdown(lines)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {args.out} in {seconds / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
