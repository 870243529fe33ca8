"""The ``datetime`` parameter of OGC API - Features: an instant or an interval, read
strictly and applied in SQL.

Values follow the standard (RFC 3339 date-times with an offset; ``start/end`` intervals
open at one end with ``..`` or nothing); a plain date (``2024-05-01``) is also read, as
that whole day in the county's time zone. A feature matches when its temporal value
intersects the interval, and always when it has none (the standard's rule).

Two kinds of temporal value are matched: timestamps (compared in UTC to the second, as
:class:`~landgis.db.backends.timestamps.UtcText` shows them) and dates (a county day: an
instant falls on the county's date it has in the server's time zone).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, true

from landgis.db.backends.timestamps import UTC_TEXT_FORMAT, UtcText
from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.wallclock import as_utc

Moment = dt.datetime | dt.date
OPEN = ("", "..")

_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Interval:
    """From ``start`` to ``end``, both included; None is an open end. A date stands for
    the whole county day; a datetime is aware."""

    start: Moment | None
    end: Moment | None

    def utc_bounds(self) -> tuple[str | None, str | None]:
        """The first and last whole second of the interval, as UtcText shows them."""
        first = _first_instant(self.start) if self.start is not None else None
        last = _last_instant(self.end) if self.end is not None else None
        return (
            _utc_text(_ceil_second(first)) if first else None,
            _utc_text(_floor_second(last)) if last else None,
        )

    def days(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last county day the interval touches."""
        return (
            _county_day(self.start) if self.start is not None else None,
            _county_day(self.end) if self.end is not None else None,
        )


def parse_datetime(text: str) -> Interval:
    """The interval a ``datetime`` value means: an instant (both ends the same), a date,
    or ``start/end`` with one end open (``..`` or empty). Anything else, or a start after
    the end, is an :class:`InvalidInput` naming the parameter."""
    value = text.strip()
    parts = value.split("/")
    if len(parts) == 1:
        moment = _moment(value, text)
        interval = Interval(moment, moment)
    elif len(parts) == 2 and not all(part.strip() in OPEN for part in parts):
        start, end = (None if p.strip() in OPEN else _moment(p.strip(), text) for p in parts)
        interval = Interval(start, end)
    else:
        raise _invalid(text)
    if (
        interval.start is not None
        and interval.end is not None
        and _first_instant(interval.start) > _last_instant(interval.end)
    ):
        raise InvalidInput(_("datetime 区间的起点晚于终点:{value}。", value=text[:80]))
    return interval


def timestamp_matches(column: Any, interval: Interval) -> ColumnElement[bool]:
    """Rows whose timestamp ``column`` (to the second, in UTC) lies in ``interval``, and
    rows with no timestamp."""
    return _within(column, UtcText(column), *interval.utc_bounds())


def day_matches(column: Any, interval: Interval) -> ColumnElement[bool]:
    """Rows whose date ``column`` (a county day) the interval touches, and rows with no
    date."""
    return _within(column, column, *interval.days())


def _within(column: Any, value: Any, first: Any, last: Any) -> ColumnElement[bool]:
    """``column`` NULL, or ``value`` between ``first`` and ``last`` (None: open)."""
    bounds = []
    if first is not None:
        bounds.append(value >= first)
    if last is not None:
        bounds.append(value <= last)
    return or_(column.is_(None), and_(true(), *bounds))


def utc_text(instant: dt.datetime) -> str:
    """A stored instant as UtcText shows it (a naive one is UTC, as SQLite gives them)."""
    return _utc_text(as_utc(instant))


def day_span(first: dt.date, last: dt.date) -> tuple[str, str]:
    """The county days ``first`` … ``last`` as RFC 3339 instants: the first day's midnight
    and the last day's final second, with the county's offset."""
    end = _last_instant(last).replace(microsecond=0)
    return _first_instant(first).isoformat(), end.isoformat()


def _moment(part: str, text: str) -> Moment:
    found = _DATE_TIME.fullmatch(part)
    try:
        if found:
            day, time, fraction, offset = found.groups()
            micro = (fraction or "")[:6].ljust(6, "0")
            offset = "+00:00" if offset in ("Z", "z") else offset
            return dt.datetime.fromisoformat(f"{day}T{time}.{micro}{offset}")
        if _DATE.fullmatch(part):
            return dt.date.fromisoformat(part)
    except ValueError:
        pass
    raise _invalid(text)


def _invalid(text: str) -> InvalidInput:
    return InvalidInput(
        _(
            "datetime 的取值 {value!r} 无效:应为 RFC 3339 时间(如 2024-05-01T08:00:00Z)、"
            "日期(如 2024-05-01),或以 / 分隔的区间(一端可开放,写 .. 或留空)。",
            value=text[:80],
        )
    )


def _first_instant(moment: Moment) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment
    return dt.datetime.combine(moment, dt.time()).astimezone()


def _last_instant(moment: Moment) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment
    next_day = dt.datetime.combine(moment + dt.timedelta(days=1), dt.time()).astimezone()
    return next_day - dt.timedelta(microseconds=1)


def _county_day(moment: Moment) -> dt.date:
    if isinstance(moment, dt.datetime):
        return moment.astimezone().date()
    return moment


def _ceil_second(instant: dt.datetime) -> dt.datetime:
    whole = instant.replace(microsecond=0)
    return whole if whole == instant else whole + dt.timedelta(seconds=1)


def _floor_second(instant: dt.datetime) -> dt.datetime:
    return instant.replace(microsecond=0)


def _utc_text(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime(UTC_TEXT_FORMAT)


__all__ = [
    "Interval",
    "day_matches",
    "day_span",
    "parse_datetime",
    "timestamp_matches",
    "utc_text",
]
