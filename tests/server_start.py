"""Waiting for a server a test started: done as soon as it answers, and generous, since a
machine busy with other tests (one per core) starts a server slowly."""

from __future__ import annotations

import subprocess
import threading
from collections import deque
from collections.abc import Callable

import pytest

from bench.suite.procs import wait_http

START_WITHIN_S = 120


def wait_until_served(
    url: str, process: subprocess.Popen, output: Callable[[], str] = lambda: ""
) -> None:
    """Wait until ``url`` answers 200; fail the test, with ``output()`` (the server's log),
    when the server stops first or does not answer within :data:`START_WITHIN_S`."""
    try:
        wait_http(url, process, START_WITHIN_S)
    except RuntimeError as error:
        pytest.fail(f"the server did not start: {error}\n{output()}", pytrace=False)


def drained_output(process: subprocess.Popen, keep_lines: int = 200) -> Callable[[], str]:
    """Read what ``process`` writes to its stdout pipe as it comes, so a server that logs a
    line per request never blocks on a full pipe (a pipe holds ~64 KiB: a few hundred
    requests); the last ``keep_lines`` lines, for a failure message."""
    kept: deque[str] = deque(maxlen=keep_lines)
    pipe = process.stdout

    def drain() -> None:
        if pipe is not None:
            with pipe:  # closed here, once the server has gone
                for line in pipe:
                    kept.append(line.decode(errors="replace") if isinstance(line, bytes) else line)

    threading.Thread(target=drain, name=f"output of {process.pid}", daemon=True).start()
    return lambda: "".join(kept)
