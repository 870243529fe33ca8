"""The collections, in the order they are listed, and what is read of a whole collection:
its spatial and temporal extents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis.errors import NotFound
from landgis.features.base import Collection
from landgis.features.buildings import BUILDINGS
from landgis.features.cases import CASES
from landgis.features.efficiency import EFFICIENCY
from landgis.features.parcels import PARCELS
from landgis.features.projects import PROJECTS
from landgis.features.zones import ZONES
from landgis.filters import Bbox
from landgis.i18n import _, listing
from landgis.temporal import day_span, utc_text

COLLECTIONS: dict[str, Collection] = {
    c.id: c for c in (PARCELS, CASES, ZONES, EFFICIENCY, BUILDINGS, PROJECTS)
}

# The ParcelFilter fields collections may be narrowed by; their query parameter names
# where those differ.
FILTER_FIELDS = ("status", "zone", "category", "route", "cause", "in_ledger", "overdue", "text")
PARAMETER_NAMES = {"text": "q"}


def get_collection(collection_id: str) -> Collection:
    """The collection called ``collection_id``; NotFound for any other name."""
    found = COLLECTIONS.get(collection_id)
    if found is None:
        raise NotFound(
            _(
                "没有名为 “{name}” 的要素集;可用:{available}。",
                name=collection_id,
                available=listing(COLLECTIONS),
            )
        )
    return found


def collection_extent(session: Session, collection_id: str) -> Bbox | None:
    """The bounding box (minlon, minlat, maxlon, maxlat) of a collection; None when empty."""
    geometry = get_collection(collection_id).geometry().subquery()
    bounds = func.ST_Envelope(func.ST_Collect(func.ST_Envelope(geometry.c.geom)))
    wkb = session.scalar(select(func.ST_AsBinary(bounds)))
    if wkb is None:
        return None
    minx, miny, maxx, maxy = shapely.from_wkb(bytes(wkb)).bounds
    return minx, miny, maxx, maxy


def collection_time_extent(
    session: Session, collection_id: str
) -> tuple[str | None, str | None] | None:
    """The first and last instants (RFC 3339) of a collection's temporal values: a county
    day from its midnight to its last second; (None, None) when no feature has one yet;
    None when the collection has no temporal property."""
    temporal = get_collection(collection_id).temporal
    if temporal is None:
        return None
    spans = select(temporal.value().label("value"), temporal.final().label("final"))
    values = spans.select_from(temporal.table()).subquery()
    first, last = session.execute(select(func.min(values.c.value), func.max(values.c.final))).one()
    if first is None or last is None:
        return None, None
    if temporal.day:
        return day_span(_as_date(first), _as_date(last))
    return utc_text(first), utc_text(last)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def collection_ids() -> Sequence[str]:
    """The names of the collections, in the order they are listed."""
    return tuple(COLLECTIONS)
