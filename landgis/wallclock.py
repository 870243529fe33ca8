"""The time of day as the server sees it: one clock, so that tests can set it.

Code asks :func:`utc_now` for the instant, :func:`local_now` for the wall time and
:func:`today` for the county's date (what "overdue", "as of today" and the default date of
an event mean), never the system clock; :func:`frozen_at` holds the clock at a given
instant, or day, for a test. The county's date is the server's local date: the server
runs in the county's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_frozen: dt.datetime | None = None


def utc_now() -> dt.datetime:
    """Now, in UTC, to the second."""
    return _frozen or dt.datetime.now(dt.UTC).replace(microsecond=0)


def local_now() -> dt.datetime:
    """Now, in the server's (the county's) time zone, to the second; aware."""
    return utc_now().astimezone()


def today() -> dt.date:
    """The county's date today."""
    return local_now().date()


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives them back naive)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@contextmanager
def frozen_at(instant: dt.datetime | dt.date) -> Iterator[None]:
    """Hold the clock at ``instant`` inside the block; a date means noon of that day in the
    county, so :func:`today` is that date."""
    global _frozen
    if not isinstance(instant, dt.datetime):
        instant = dt.datetime.combine(instant, dt.time(12)).astimezone()
    before, _frozen = _frozen, as_utc(instant)
    try:
        yield
    finally:
        _frozen = before
