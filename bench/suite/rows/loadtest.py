"""Shared by the HTTP rows: check an URL answers as expected, then load it with wrk at
several concurrencies."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

from bench.suite.figures import fmt_ratio, fmt_seconds, ratio
from bench.suite.procs import log
from bench.suite.wrk import Load, run_load

CONCURRENCIES = (1, 8)


@dataclass(frozen=True)
class Probe:
    """What one request answered: size, and features for GeoJSON."""

    bytes: int
    features: int | None
    matched: int | None


def probe(url: str, *, geojson: bool = True) -> Probe:
    """GET ``url`` once; fail unless it answers 200 (and GeoJSON when expected)."""
    with urllib.request.urlopen(url, timeout=300) as answer:
        if answer.status != 200:
            raise RuntimeError(f"{url} answered {answer.status}")
        body = answer.read()
    if not geojson:
        if not body:
            raise RuntimeError(f"{url} answered an empty body")
        return Probe(len(body), None, None)
    document = json.loads(body)
    features = document.get("features")
    if not isinstance(features, list):
        raise RuntimeError(f"{url} answered no FeatureCollection: {body[:200]!r}")
    matched = document.get("numberMatched")
    return Probe(len(body), len(features), matched if isinstance(matched, int) else None)


def load_all(url: str, seconds: float) -> dict[int, Load]:
    """wrk against ``url`` at each concurrency (after a short warm-up)."""
    run_load(url, connections=1, seconds=1)
    loads = {}
    for connections in CONCURRENCIES:
        load = run_load(url, connections=connections, seconds=seconds)
        log(
            f"  c={connections}: {load.requests_per_s:.1f} req/s, p50 "
            f"{fmt_seconds(load.p50_s)}, p99 {fmt_seconds(load.p99_s)} {url}"
        )
        if load.errors:
            raise RuntimeError(f"{load.errors} failed requests at c={connections}")
        loads[connections] = load
    return loads


def describe(load: Load) -> str:
    """requests/s, p50 and p99 of one load."""
    return (
        f"{load.requests_per_s:,.1f} req/s · p50 {fmt_seconds(load.p50_s)}"
        f" · p99 {fmt_seconds(load.p99_s)}"
    )


def compare(mine: Load, others: dict[str, Load]) -> str:
    """landgis against each baseline: requests/s ratio and p99 ratio."""
    parts = []
    for name, other in others.items():
        rps = fmt_ratio(ratio(mine.requests_per_s, other.requests_per_s))
        p99 = fmt_ratio(ratio(mine.p99_s, other.p99_s))
        parts.append(f"req/s {rps} {name}, p99 {p99} {name}")
    return "; ".join(parts)
