"""Pure helpers of the benchmark suite: wrk reports, medians and ratios, the table,
time caps."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from bench.suite.context import RESERVE_S, Context, repeat
from bench.suite.figures import (
    fmt_mb,
    fmt_ratio,
    fmt_seconds,
    fmt_spread,
    median,
    percentile,
    ratio,
)
from bench.suite.table import Line, failed, markdown
from bench.suite.targets import Goal, verdict, with_goals
from bench.suite.wrk import parse_duration, parse_report

REPORT = """\
Running 4s test @ http://127.0.0.1:40123/ogc/collections/parcels/items?limit=100
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.31ms    4.02ms  61.20ms   80.12%
    Req/Sec   187.50     20.11   230.00     70.00%
  Latency Distribution
     50%   20.64ms
     75%   22.90ms
     90%   25.71ms
     99%   38.12ms
  1503 requests in 4.01s, 112.07MB read
Requests/sec:    374.81
Transfer/sec:     27.95MB
"""


def test_wrk_report_is_read() -> None:
    load = parse_report(REPORT)
    assert load.requests == 1503
    assert load.requests_per_s == pytest.approx(374.81)
    assert load.p50_s == pytest.approx(0.02064)
    assert load.p99_s == pytest.approx(0.03812)
    assert load.max_s == pytest.approx(0.0612)
    assert load.errors == 0


def test_wrk_errors_are_counted() -> None:
    text = REPORT.replace(
        "Requests/sec:",
        "  Socket errors: connect 0, read 2, write 0, timeout 3\n"
        "  Non-2xx or 3xx responses: 7\nRequests/sec:",
    )
    assert parse_report(text).errors == 12


def test_wrk_report_without_latency_is_refused() -> None:
    with pytest.raises(ValueError, match="unreadable wrk report"):
        parse_report("Running 1s test @ http://x\nRequests/sec: 1.0\n")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("812.00us", 812e-6), ("2.31ms", 2.31e-3), ("1.02s", 1.02), ("1.50m", 90.0)],
)
def test_wrk_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


def test_wrk_duration_garbage() -> None:
    with pytest.raises(ValueError, match="not a wrk duration"):
        parse_duration("fast")


def test_median_and_ratio() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0]) == 2.5
    with pytest.raises(ValueError, match="no values"):
        median([])
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(1.0, 0.0) is None
    assert ratio(None, 2.0) is None


def test_formats() -> None:
    assert fmt_ratio(1.234) == "1.23×"
    assert fmt_ratio(42.4) == "42×"
    assert fmt_ratio(None) == "–"
    assert fmt_seconds(0.000250) == "250 µs"
    assert fmt_seconds(0.0123) == "12.3 ms"
    assert fmt_seconds(12.345) == "12.35 s"
    assert fmt_seconds(250.0) == "250 s"
    assert fmt_mb(1024 * 1000) == "1049 MB"


def test_markdown_table_escapes_cells() -> None:
    line = Line("1 OGC items", "plain, c=1", "landgis", "10 req/s", "200 MB", "1.00× tipg", "a|b")
    lines = [
        with_goals(line, [Goal("req/s", 5, "tipg", 1.0)]),
        failed("2 z13 tile", "z13", "tipg", RuntimeError("no\nanswer")),
    ]
    text = markdown(lines)
    rows = text.splitlines()
    assert rows[0].startswith("| Row | Case | Tool |")
    assert rows[0].endswith("| vs baselines | Target | met? | Notes |")
    assert rows[1] == "|---|---|---|---|---|---|---|---|---|"
    assert rows[2].endswith("| 1.00× tipg | req/s ≥ 5× tipg | no (req/s 1.00× tipg) | a\\|b |")
    assert rows[3] == "| 2 z13 tile | z13 | tipg | FAILED: no answer | – |  |  |  |  |"
    assert all(row.count("|") - row.count("\\|") == 10 for row in rows)


def test_targets_are_met_or_not() -> None:
    assert verdict([]) == ("", "")
    faster = Goal("req/s", 5, "tipg", 6.2)
    close = Goal("req/s", 0.8, "floor", 0.8)
    assert verdict([faster, close]) == ("req/s ≥ 5× tipg; req/s ≥ 0.8× floor", "yes")
    slow_tile = Goal("p50", 1.3, "bare ST_AsMVT", 1.71)
    assert slow_tile.text() == "p50 ≤ 1.3× bare ST_AsMVT"
    assert verdict([slow_tile, faster])[1] == "no (p50 1.71× bare ST_AsMVT)"
    assert verdict([Goal("req/s", 2, "tipg", None)])[1] == "?"
    drawn = Goal("time", 2, None, 1.06)
    assert verdict([drawn]) == ("time ≤ 2 s", "yes")
    assert verdict([Goal("time", 2, None, 2.5)])[1] == "no (time 2.50 s)"


def test_percentiles_and_spread() -> None:
    assert percentile([3.0], 99) == 3.0
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0], 100) == 3.0
    assert percentile([1.0, 2.0, 3.0], 99) == pytest.approx(2.98)
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    assert fmt_spread([0.5, 1.5, 1.0]) == "p50 1.00 s · p99 1.49 s · max 1.50 s"


def test_caps_keep_time_for_the_rows_after() -> None:
    with contextlib.ExitStack() as stack:
        ctx = Context(quick=False, workers=2, work=Path(), stack=stack)
        assert ctx.cap(300) == 300  # no deadline
        ctx.deadline = time.monotonic() + 600
        ctx.pending = ("5", "6")
        left = 600 - RESERVE_S["5"] - RESERVE_S["6"]
        assert left - 2 < ctx.cap(1000) <= left
        assert ctx.cap(100) == 100
        ctx.deadline = time.monotonic()
        assert ctx.cap(300) == 20.0  # never below 20 s


def test_repeat_stops_at_its_budget() -> None:
    calls: list[int] = []
    assert repeat(lambda: calls.append(1) or len(calls), 3, 60) == [1, 2, 3]
    calls.clear()
    assert repeat(lambda: calls.append(1) or len(calls), 3, -1) == [1]
