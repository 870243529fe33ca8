"""Small pure helpers for figures: medians, ratios and their display."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    """The median of at least one value."""
    if not values:
        raise ValueError("median of no values")
    return float(statistics.median(values))


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def fmt_ratio(value: float | None) -> str:
    """A ratio as ``1.23×`` (two significant decimals below 10), ``–`` when unknown."""
    if value is None:
        return "–"
    if value >= 10:
        return f"{value:.0f}×"
    return f"{value:.2f}×"


def fmt_seconds(seconds: float | None) -> str:
    """A duration in the unit that reads best: µs, ms or s."""
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    if seconds < 100:
        return f"{seconds:.2f} s"
    return f"{seconds:.0f} s"


def fmt_mb(kilobytes: float | None) -> str:
    """A memory size given in KiB, shown in MB (10^6 bytes)."""
    if kilobytes is None:
        return "–"
    return f"{kilobytes * 1024 / 1e6:.0f} MB"


def fmt_rate(value: float | None, unit: str) -> str:
    """A rate with thousands separators: ``12,345 rows/s``."""
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.1f} {unit}"


def percentile(values: Sequence[float], percent: float) -> float:
    """The ``percent`` percentile of at least one value, interpolated linearly between the
    two nearest ranks (so the 100th is the max and the 50th the median)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def fmt_spread(times: Sequence[float]) -> str:
    """``p50 … · p99 … · max …`` of some timed runs."""
    return (
        f"p50 {fmt_seconds(median(times))} · p99 {fmt_seconds(percentile(times, 99))}"
        f" · max {fmt_seconds(max(times))}"
    )
