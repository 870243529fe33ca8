"""The properties of a feature collection, each declared once.

A :class:`Property` is one member of a feature's ``properties``: its name, its value in
SQL, the type its queryable shows, its labels and, for a coded field, the codes it may
hold. The same declaration builds the feature (:mod:`landgis.features`), the queryables
(:mod:`landgis.queryables`), the filters (:mod:`landgis.cql2_sql`), the choice of
properties returned and the sort order (:mod:`landgis.feature_query`). A collection's
geometry is a :class:`GeometryProperty`: it can be filtered on, but it is the feature's
``geometry``, not one of its properties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from landgis.errors import InvalidInput
from landgis.i18n import _, listing

PropertyType = Literal["string", "number", "integer", "boolean", "date", "date-time"]


@dataclass(frozen=True)
class Property:
    """One feature property.

    ``value(today)`` is its SQL value, what filters compare and ``sortby`` orders by (today
    is the day ``overdue`` is judged on); ``shown`` turns that value into the feature's
    JSON member where the two differ (a boolean, a UTC timestamp). ``enum`` lists the
    codes of a coded field.
    """

    name: str
    value: Callable[[dt.date], Any]
    type: PropertyType
    zh: str
    en: str
    enum: tuple[str, ...] = ()
    shown: Callable[[Any], Any] | None = None

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"

    def member(self, today: dt.date) -> Any:
        """The SQL of the feature's JSON member."""
        value = self.value(today)
        return self.shown(value) if self.shown is not None else value


@dataclass(frozen=True)
class GeometryProperty:
    """A collection's geometry as a queryable: its name and its column (EPSG:4490), or an
    expression (``indexed`` False: no spatial index answers for it)."""

    name: str
    column: Callable[[], Any]
    zh: str
    en: str
    indexed: bool = True

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass(frozen=True)
class PropertyMap:
    """A collection's properties, in the order features show them, and its geometry."""

    collection: str
    properties: tuple[Property, ...]
    geometry: GeometryProperty

    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)

    def get(self, name: str) -> Property | GeometryProperty | None:
        """The property (or the geometry) called ``name``; None for any other name."""
        if name == self.geometry.name:
            return self.geometry
        return next((p for p in self.properties if p.name == name), None)

    def property(self, name: str, parameter: str) -> Property:
        """The (non-geometry) property ``name`` that ``parameter`` names; InvalidInput for
        any other name."""
        found = self.get(name)
        if isinstance(found, Property):
            return found
        raise InvalidInput(
            _(
                "{parameter}:要素集 {collection} 没有属性 “{name}”;可用:{available}。",
                parameter=parameter,
                collection=self.collection,
                name=name[:60],
                available=listing(self.names()),
            )
        )

    def selected(self, names: Iterable[str] | None) -> tuple[Property, ...]:
        """The properties named in ``names`` (all when None), in the features' order; the
        geometry may be named and is left out (it is always the feature's geometry)."""
        if names is None:
            return self.properties
        wanted = {n for n in names if n != self.geometry.name}
        for name in wanted:
            self.property(name, "properties")
        return tuple(p for p in self.properties if p.name in wanted)


def members(properties: Sequence[Property], today: dt.date) -> list[tuple[str, Any]]:
    """(name, SQL of the JSON member) of each property."""
    return [(p.name, p.member(today)) for p in properties]
