"""The time of day as the server sees it: one function, so that tests can set it.

New code asks :func:`utc_now` (or :func:`today`) rather than the system clock;
:func:`frozen_at` holds the clock at a given instant for a test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_frozen: dt.datetime | None = None


def utc_now() -> dt.datetime:
    """Now, in UTC, to the second."""
    return _frozen or dt.datetime.now(dt.UTC).replace(microsecond=0)


def today() -> dt.date:
    """Today's date where the server is (its local time zone), by :func:`utc_now`."""
    return utc_now().astimezone().date()


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives them back naive)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@contextmanager
def frozen_at(instant: dt.datetime) -> Iterator[None]:
    """Hold :func:`utc_now` at ``instant`` inside the block."""
    global _frozen
    before, _frozen = _frozen, as_utc(instant)
    try:
        yield
    finally:
        _frozen = before
