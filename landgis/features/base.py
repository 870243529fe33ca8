"""What every feature collection is made of: its description (:class:`Collection`, with
its :class:`Temporal` property), a page of it (:class:`Page`), and the GeoJSON Feature each
row is, built by the database (:func:`feature_sql`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Text, and_, literal_column, true

from landgis import ogc_crs
from landgis.db.backends import GeoJsonGeometry, JsonNumber, JsonObject, JsonText
from landgis.db.query_types import AnySelect
from landgis.feature_properties import Property, PropertyMap
from landgis.ogc_crs import DEFAULT_CRS, Crs
from landgis.parcels import ParcelFilter
from landgis.temporal import Interval, day_matches, timestamp_matches

CRS84 = ogc_crs.CRS84
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
# Pages larger than this are written out from a server-side cursor (write_items) rather
# than built in memory; rows are fetched this many at a time.
STREAM_ABOVE = 1_000
STREAM_BATCH = 1_000
# The temporal reference system of temporal extents: the Gregorian calendar, UTC.
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
# Beyond this an OFFSET is no page anyone can reach; it also keeps the value a 32-bit integer.
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class Temporal:
    """A collection's temporal property, what ``datetime`` is matched on: the feature
    property showing it, its value in SQL (a timestamp, or a date for a county day), and the
    table that value is read from."""

    name: str
    value: Callable[[], Any]
    table: Callable[[], Any]
    day: bool = False
    # The last day, for a value that is a span of days (``value`` its first day).
    last: Callable[[], Any] | None = None

    def matches(self, interval: Interval) -> Any:
        """The features whose value lies in ``interval`` (and those without a value); a
        span of days matches when it shares a day with the interval."""
        if self.last is not None:
            first, last = interval.days()
            bounds = [] if last is None else [self.value() <= last]
            bounds += [] if first is None else [self.last() >= first]
            return and_(true(), *bounds)
        if self.day:
            return day_matches(self.value(), interval)
        return timestamp_matches(self.value(), interval)

    def final(self) -> Any:
        """The SQL of the latest instant or day a feature covers."""
        return self.last() if self.last is not None else self.value()


@dataclass(frozen=True)
class Collection:
    """One feature collection: its names, its key, what narrows it down, how it is read."""

    id: str
    title: str
    description: str
    id_column: str
    filters: tuple[str, ...]
    # The ordering key (unique, indexed): pages are ``key > after ORDER BY key``.
    key: Callable[[], Any]
    # One row per matching feature: ``key`` and ``feature`` (the GeoJSON Feature as text,
    # built by the database), not ordered. Arguments: filters, today (for ``overdue``),
    # the CRS of the coordinates, the properties shown.
    features: Callable[[ParcelFilter, dt.date, Crs, Sequence[Property]], AnySelect]
    # The keys of the matching features alone, joining only what the filters need: what
    # is counted, and scanned to turn an offset into a key.
    keys: Callable[[ParcelFilter, dt.date], AnySelect]
    # The geometries the extent is computed from.
    geometry: Callable[[], AnySelect]
    # Its properties, what filters and ``sortby`` read, and its geometry.
    properties: PropertyMap
    # What ``datetime`` is matched on; None: no feature has a time (every one matches).
    temporal: Temporal | None = None
    # Whether the key is an integer (the feature ids and ``after`` are read as one).
    integer_key: bool = False

    def key_value(self, text: str) -> str | int | None:
        """The key ``text`` (an ``after`` or a feature id) stands for; None when it can
        be no key of this collection."""
        if "\x00" in text:  # in no key, and PostgreSQL refuses it in a text parameter
            return None
        if not self.integer_key:
            return text
        try:
            number = int(text.strip())
        except ValueError:
            return None
        return number if abs(number) < 2**63 else None


@dataclass(frozen=True)
class Page:
    """One page of a collection: its features (GeoJSON text, in key order; empty once they
    were written out by :func:`write_items`), how many it holds, whether more follow, and
    how many features match in all (None when not counted)."""

    features: list[str]
    number_returned: int
    number_matched: int | None
    limit: int | None
    offset: int
    # The key of the last feature when more features follow: the next page starts after it.
    next_after: str | int | None
    # Whether the next page is found by its position (a sorted listing) rather than by key.
    by_position: bool = False

    @property
    def has_next(self) -> bool:
        return self.next_after is not None

    def next_query(self) -> dict[str, Any]:
        """The paging query parameters of the next page (when there is one): limit,
        offset and, for pages in key order, ``after``."""
        assert self.limit is not None
        found: dict[str, Any] = {"limit": self.limit, "offset": self.offset + self.limit}
        if not self.by_position:
            found["after"] = self.next_after
        return found

    @property
    def has_prev(self) -> bool:
        return self.offset > 0


def feature_sql(
    key: Any, geometry: Any, properties: Sequence[tuple[str, Any]], crs: Crs = DEFAULT_CRS
) -> Any:
    """A GeoJSON Feature built by the database, as text, its coordinates in ``crs``."""
    pairs: list[Any] = []
    for name, value in properties:
        exact = JsonNumber(value) if isinstance(getattr(value, "type", None), Float) else value
        pairs += [_name(name), exact]
    return JsonText(
        JsonObject(
            _name("type"),
            _name("Feature"),
            _name("id"),
            key,
            _name("geometry"),
            GeoJsonGeometry(crs.geometry(geometry), literal_column(str(crs.decimals))),
            _name("properties"),
            JsonObject(*pairs),
        )
    )


def _name(name: str) -> Any:
    """A member name as an SQL string literal (names are identifiers of this module)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a member name: {name!r}")
    return literal_column(f"'{name}'", Text())


def keys_of(features: AnySelect) -> AnySelect:
    """The key column of a features select, with its joins and filters."""
    return features.with_only_columns(features.selected_columns.key)
