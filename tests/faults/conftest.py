"""Fixtures of the fault tests: a private PostgreSQL cluster a test may restart or stop
(the shared server on 127.0.0.1:5432 is never touched). Helpers are in
``fault_support.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.suite import pgserver


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[pgserver.Cluster]:
    """A private PostgreSQL cluster on a free port, which the test may restart."""
    with pgserver.cluster() as running:
        yield running
