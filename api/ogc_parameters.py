"""The query parameters each OGC API route knows: any other is refused with a 400, as OGC
API - Features requires (/req/core/query-param-unknown).

One list per route (by route name), the same names the route's OpenAPI operation
declares; a part that adds parameters to a route adds them to its list here. A route not
listed knows ``f`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from landgis.errors import InvalidInput
from landgis.feature_query import QUERY_PARAMETERS
from landgis.i18n import _, listing
from landgis.ogc_crs import CRS_PARAMETERS

FORMAT_PARAMETERS = ("f",)
# OGC API - Features Part 1 (Core) on /items.
CORE_ITEMS_PARAMETERS = ("bbox", "datetime", "limit")
# landgis's own on /items: paging by position or by key, and the parcel filters.
LANDGIS_ITEMS_PARAMETERS = (
    "offset",
    "after",
    "status",
    "zone",
    "category",
    "route",
    "cause",
    "in_ledger",
    "overdue",
    "q",
)

KNOWN_PARAMETERS: dict[str, tuple[str, ...]] = {
    "ogc_landing": FORMAT_PARAMETERS,
    "ogc_api": FORMAT_PARAMETERS,
    "ogc_conformance": FORMAT_PARAMETERS,
    "ogc_collections": FORMAT_PARAMETERS,
    "ogc_collection": FORMAT_PARAMETERS,
    "ogc_items": (
        *FORMAT_PARAMETERS,
        *CORE_ITEMS_PARAMETERS,
        *CRS_PARAMETERS,
        # Part 3 (Filtering): filter, filter-lang, filter-crs; properties and sortby.
        *QUERY_PARAMETERS,
        *LANDGIS_ITEMS_PARAMETERS,
    ),
    "ogc_item": (*FORMAT_PARAMETERS, "crs", "properties"),
}


def known_parameters(route: str) -> tuple[str, ...]:
    """The query parameters the route named ``route`` reads."""
    return KNOWN_PARAMETERS.get(route, FORMAT_PARAMETERS)


def check_parameters(route: str, names: Iterable[str]) -> None:
    """Refuse (InvalidInput) query parameters the route does not know, naming them and the
    ones it does."""
    known = known_parameters(route)
    unknown = [name for name in dict.fromkeys(names) if name not in known]
    if unknown:
        raise InvalidInput(
            _(
                "未知的查询参数:{unknown}。此处可用的参数:{known}。",
                unknown=listing(name[:40] for name in unknown[:5]),
                known=listing(known),
            )
        )
