"""Feature collections for OGC API - Features: parcels, cases, zones, the per-mu
evaluation's results per parcel and year (``efficiency``, :mod:`landgis.efficiency.results`),
factory buildings (``buildings``) and investment projects (``projects``).

Each collection is one SQL select whose rows are a unique, indexed key and the GeoJSON
Feature itself, built by the database (``json_build_object``/``ST_AsGeoJSON`` on PostGIS,
``json_object``/``AsGeoJSON`` on SpatiaLite): a page is one query and a string join, with no
per-feature work in Python. Pages follow the key (keyset paging: ``next`` links carry the
last key), so a page deep in a large collection costs what the first one does; an offset is
turned into a key by scanning the key column alone. ``numberMatched`` is counted once per
data version and filter and cached in the database.

A feature's properties are its collection's declared list
(:mod:`landgis.collection_properties`), which CQL2 filters, ``properties`` and ``sortby``
read too (:mod:`landgis.feature_query`); a listing sorted by ``sortby`` is paged by
position, ordered by its sort keys and then the key.

Coordinates are CGCS2000 longitude/latitude (EPSG:4490), which OGC API - Features publishes
as CRS84: the two frames differ by centimetres, far below the accuracy of cadastral
boundaries. Asked for another CRS (:mod:`landgis.ogc_crs`), the database reprojects them.

The package: :mod:`.base` (what a collection and a page are, the Feature SQL), one module
per collection (:mod:`.parcels`, :mod:`.cases`, :mod:`.zones`, :mod:`.efficiency`,
:mod:`.buildings`, :mod:`.projects`),
:mod:`.registry` (the list and the extents), :mod:`.pages` (paging, streaming, one
feature) and :mod:`.output` (the JSON documents).
"""

from landgis.features.base import (
    CRS84,
    DEFAULT_LIMIT,
    GREGORIAN,
    MAX_LIMIT,
    MAX_OFFSET,
    STREAM_ABOVE,
    STREAM_BATCH,
    Collection,
    Page,
    Temporal,
)
from landgis.features.output import feature_collection_json, feature_json, timestamp
from landgis.features.pages import clamp_limit, item, item_filter, items_page, write_items
from landgis.features.parcels import CASE_FILTERS
from landgis.features.registry import (
    COLLECTIONS,
    FILTER_FIELDS,
    collection_extent,
    collection_ids,
    collection_time_extent,
    get_collection,
)

__all__ = [
    "CASE_FILTERS",
    "COLLECTIONS",
    "CRS84",
    "DEFAULT_LIMIT",
    "FILTER_FIELDS",
    "GREGORIAN",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "STREAM_ABOVE",
    "STREAM_BATCH",
    "Collection",
    "Page",
    "Temporal",
    "clamp_limit",
    "collection_extent",
    "collection_ids",
    "collection_time_extent",
    "feature_collection_json",
    "feature_json",
    "get_collection",
    "item",
    "item_filter",
    "items_page",
    "timestamp",
    "write_items",
]
