"""HTTP load with wrk (a C load generator from Debian): run it and read its report."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION = re.compile(r"^([0-9.]+)(us|ms|s|m|h)$")


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    requests: int
    requests_per_s: float
    p50_s: float
    p99_s: float
    max_s: float  # the slowest request
    errors: int  # non-2xx/3xx answers plus socket errors (connect, read, write, timeout)


def parse_duration(text: str) -> float:
    """wrk's ``2.31ms`` / ``812.00us`` / ``1.02s`` / ``1.5m`` as seconds."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_report(text: str) -> Load:
    """Read the report wrk prints with ``--latency``."""
    percentiles: dict[str, float] = {}
    for percent, value in re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", text, re.M):
        percentiles[percent] = parse_duration(value)
    slowest = re.search(r"^[ \t]+Latency[ \t]+\S+[ \t]+\S+[ \t]+(\S+)", text, re.M)
    done = re.search(r"^\s*(\d+) requests in ", text, re.M)
    rate = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    if not (done and rate and slowest and "50" in percentiles and "99" in percentiles):
        raise ValueError(f"unreadable wrk report:\n{text}")
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return Load(
        requests=int(done.group(1)),
        requests_per_s=float(rate.group(1)),
        p50_s=percentiles["50"],
        p99_s=percentiles["99"],
        max_s=parse_duration(slowest.group(1)),
        errors=errors,
    )


def run_load(url: str, *, connections: int, seconds: float, timeout_s: float = 60) -> Load:
    """Load ``url`` from ``connections`` connections for ``seconds`` and read the report."""
    threads = min(connections, 2)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={round(timeout_s)}s",
        "--latency",
        url,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=seconds + timeout_s + 30
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return parse_report(done.stdout)
