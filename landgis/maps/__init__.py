"""Folium maps: the ledger map (parcels by disposal status) and the map of one parcel.

Every page works offline: Leaflet comes from landgis itself (:mod:`landgis.assets`) and the
default background is none. Tile backgrounds (OpenStreetMap, 天地图, 高德) are optional;
on 高德 tiles the geometries are shifted to GCJ-02 for display, never in storage.

The modules, one job each:

- :mod:`.labels`: the maps' own texts (:class:`MapLabels`, Chinese by default);
- :mod:`.backgrounds`: tile backgrounds, their origins, the GCJ-02 shift for display;
- :mod:`.styles`: colours by status and building state, zone outlines, swatches, legends;
- :mod:`.properties`: what a map shows of each parcel, HTML-escaped, as GeoJSON;
- :mod:`.popups`: a parcel's tooltip and popup;
- :mod:`.layers`: zone overlays (which also toggle their parcels), unique layer names;
- :mod:`.scripts`: the page script wiring layers, popups and the readiness signal;
- :mod:`.page`: the offline page around a map and :func:`render` (CSP nonce), or a map
  drawn inside another page (:func:`render_parts`);
- :mod:`.view`: where a map opens;
- :mod:`.ledger` and :mod:`.parcel`: the two maps, built from the above;
- :mod:`.efficiency` and :mod:`.projects`: the map of a year's per-mu evaluation and the
  map of a project's candidates;
- :mod:`.features_map`: OGC API features and extents, drawn inside the API's HTML pages.

The tiled ledger map (parcels from vector tiles) is :mod:`landgis.tiled_map`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from landgis.maps.backgrounds import (
        Basemap,
        TileSource,
        add_tiles,
        for_display,
        resolve_basemap,
        tile_origins,
    )
    from landgis.maps.labels import CHINESE, NOT_IN_LEDGER, MapLabels, labels_in
    from landgis.maps.layers import unique_name, zone_layers
    from landgis.maps.ledger import ledger_map
    from landgis.maps.page import offline_map, page_of, render, render_for_later, with_nonce
    from landgis.maps.parcel import parcel_map
    from landgis.maps.popups import popup_html
    from landgis.maps.properties import parcel_properties
    from landgis.maps.styles import STATUS_COLOURS, legend, swatch
    from landgis.maps.view import CHINA, MapView, open_at, parse_view

# Each name's module, imported on first use: the printed maps need none of folium's.
_MODULES: dict[str, str] = {
    "Basemap": "landgis.maps.backgrounds",
    "CHINA": "landgis.maps.view",
    "CHINESE": "landgis.maps.labels",
    "MapLabels": "landgis.maps.labels",
    "MapView": "landgis.maps.view",
    "NOT_IN_LEDGER": "landgis.maps.labels",
    "STATUS_COLOURS": "landgis.maps.styles",
    "TileSource": "landgis.maps.backgrounds",
    "add_tiles": "landgis.maps.backgrounds",
    "for_display": "landgis.maps.backgrounds",
    "labels_in": "landgis.maps.labels",
    "ledger_map": "landgis.maps.ledger",
    "legend": "landgis.maps.styles",
    "offline_map": "landgis.maps.page",
    "open_at": "landgis.maps.view",
    "page_of": "landgis.maps.page",
    "parcel_map": "landgis.maps.parcel",
    "parcel_properties": "landgis.maps.properties",
    "parse_view": "landgis.maps.view",
    "popup_html": "landgis.maps.popups",
    "render": "landgis.maps.page",
    "render_for_later": "landgis.maps.page",
    "resolve_basemap": "landgis.maps.backgrounds",
    "swatch": "landgis.maps.styles",
    "tile_origins": "landgis.maps.backgrounds",
    "unique_name": "landgis.maps.layers",
    "with_nonce": "landgis.maps.page",
    "zone_layers": "landgis.maps.layers",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_MODULES[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "CHINA",
    "CHINESE",
    "NOT_IN_LEDGER",
    "STATUS_COLOURS",
    "Basemap",
    "MapLabels",
    "MapView",
    "TileSource",
    "add_tiles",
    "for_display",
    "labels_in",
    "ledger_map",
    "legend",
    "offline_map",
    "open_at",
    "page_of",
    "parcel_map",
    "parcel_properties",
    "parse_view",
    "popup_html",
    "render",
    "render_for_later",
    "resolve_basemap",
    "swatch",
    "tile_origins",
    "unique_name",
    "with_nonce",
    "zone_layers",
]
