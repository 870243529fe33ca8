"""What an items request asks for besides landgis's own filters (:mod:`landgis.filters`):
a CQL2 ``filter`` (OGC API - Features Part 3), the ``properties`` to return and the
``sortby`` order, read from the query parameters and checked against a collection's
properties (:mod:`landgis.feature_properties`).

A sorted listing is paged by position (``offset``), ordered by the sort keys and then by
the feature's key so that every feature has one place; without ``sortby`` pages follow the
key (:mod:`landgis.features`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from landgis.cql2_parse import Cql2Filter, read_filter
from landgis.cql2_sql import condition
from landgis.errors import InvalidInput
from landgis.feature_properties import PropertyMap
from landgis.i18n import _

# The query parameters read here.
QUERY_PARAMETERS = ("filter", "filter-lang", "filter-crs", "properties", "sortby")
MAX_SORT_KEYS = 5


@dataclass(frozen=True)
class SortKey:
    """One ``sortby`` key: a property, ascending unless ``descending``."""

    name: str
    descending: bool = False


@dataclass(frozen=True)
class ItemsQuery:
    """A filter, the properties returned (all when None) and the sort order."""

    filter: Cql2Filter | None = None
    properties: tuple[str, ...] | None = None
    sortby: tuple[SortKey, ...] = ()

    def check(self, properties: PropertyMap) -> None:
        """Refuse (InvalidInput) names the collection does not have."""
        properties.selected(self.properties)
        for key in self.sortby:
            properties.property(key.name, "sortby")

    def where(self, properties: PropertyMap, today: dt.date) -> Any:
        """The SQL condition of the filter (None without one)."""
        if self.filter is None:
            return None
        return condition(self.filter.tree(), properties, today, self.filter.crs)

    def order(self, properties: PropertyMap, today: dt.date) -> list[Any]:
        """The ORDER BY terms of ``sortby``: missing values last, ascending or not."""
        terms = []
        for key in self.sortby:
            value = properties.property(key.name, "sortby").value(today)
            terms.append(value.desc().nulls_last() if key.descending else value.asc().nulls_last())
        return terms


def read_query(params: Mapping[str, Sequence[str]]) -> ItemsQuery:
    """The query of the items query parameters ``params`` (each with its values; the last
    one counts where one is expected)."""
    found = read_filter(
        _last(params, "filter"), _last(params, "filter-lang"), _last(params, "filter-crs")
    )
    return ItemsQuery(found, _names(params, "properties"), _sortby(params))


def _last(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    given = params.get(name)
    return given[-1] if given else None


def _names(params: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...] | None:
    given = params.get(name)
    if not given:
        return None
    names = [part.strip() for value in given for part in value.split(",")]
    if not any(names):
        return None
    if not all(names):
        raise InvalidInput(_("{parameter} 中有空的属性名。", parameter=name))
    return tuple(dict.fromkeys(names))


def _sortby(params: Mapping[str, Sequence[str]]) -> tuple[SortKey, ...]:
    names = _names(params, "sortby") or ()
    if len(names) > MAX_SORT_KEYS:
        raise InvalidInput(_("sortby 最多 {largest} 个属性。", largest=MAX_SORT_KEYS))
    keys = []
    for name in names:
        descending = name.startswith("-")
        keys.append(SortKey(name.lstrip("+-").strip(), descending))
    if len({key.name for key in keys}) != len(keys):
        raise InvalidInput(_("sortby 中同一属性出现了两次。"))
    return tuple(keys)
