"""Shared by the HTTP rows: check an URL answers as expected, then load it with wrk at
several concurrencies."""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass

from bench.suite.figures import fmt_ratio, fmt_seconds, ratio
from bench.suite.procs import log
from bench.suite.wrk import Load, run_load

CONCURRENCIES = (1, 8)


# A request slower than this once is reported as such, not loaded.
SLOW_S = 10.0


@dataclass(frozen=True)
class Probe:
    """What one request answered: its time, size, and features for GeoJSON."""

    seconds: float
    bytes: int
    features: int | None

    def describe(self) -> str:
        features = f"{self.features} features, " if self.features is not None else ""
        return f"{features}{self.bytes:,} B"


def probe(url: str, *, geojson: bool = True) -> Probe:
    """GET ``url`` once; fail unless it answers 200 (and GeoJSON when expected)."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as answer:
        if answer.status != 200:
            raise RuntimeError(f"{url} answered {answer.status}")
        body = answer.read()
    seconds = time.perf_counter() - started
    if not geojson:
        if not body:
            raise RuntimeError(f"{url} answered an empty body")
        return Probe(seconds, len(body), None)
    features = json.loads(body).get("features")
    if not isinstance(features, list):
        raise RuntimeError(f"{url} answered no FeatureCollection: {body[:200]!r}")
    return Probe(seconds, len(body), len(features))


def too_slow(got: Probe) -> str:
    """The result text of a request too slow to load."""
    return f"one request took {fmt_seconds(got.seconds)}: not loaded (over {SLOW_S:.0f} s)"


def load_all(url: str, seconds: float, first: Probe) -> dict[int, Load] | None:
    """wrk against ``url`` at each concurrency, for at least ``seconds`` and long enough
    for several requests; None when the first request (a warm-up) was too slow."""
    if first.seconds > SLOW_S:
        log(f"  {too_slow(first)} {url}")
        return None
    probe(url, geojson=False)
    # Warm every worker (first queries, caches) before measuring.
    run_load(url, connections=max(CONCURRENCIES), seconds=1, timeout_s=max(10, 5 * first.seconds))
    seconds = max(seconds, min(4 * first.seconds, 20))
    timeout = max(10, 5 * first.seconds)
    loads = {}
    for connections in CONCURRENCIES:
        load = run_load(url, connections=connections, seconds=seconds, timeout_s=timeout)
        log(
            f"  c={connections}: {load.requests_per_s:.1f} req/s, p50 "
            f"{fmt_seconds(load.p50_s)}, p99 {fmt_seconds(load.p99_s)} {url}"
        )
        if load.errors or not load.requests:
            raise RuntimeError(f"{load.errors} failed of {load.requests} at c={connections}")
        loads[connections] = load
    return loads


def describe(load: Load) -> str:
    """requests/s, p50, p99 and max of one load."""
    return (
        f"{load.requests_per_s:,.1f} req/s · p50 {fmt_seconds(load.p50_s)}"
        f" · p99 {fmt_seconds(load.p99_s)} · max {fmt_seconds(load.max_s)}"
    )


def compare(mine: Load, others: dict[str, Load]) -> str:
    """landgis against each baseline: requests/s ratio and p99 ratio."""
    parts = []
    for name, other in others.items():
        rps = fmt_ratio(ratio(mine.requests_per_s, other.requests_per_s))
        p99 = fmt_ratio(ratio(mine.p99_s, other.p99_s))
        parts.append(f"req/s {rps} {name}, p99 {p99} {name}")
    return "; ".join(parts)
