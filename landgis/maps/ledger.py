"""The ledger map: parcels coloured by disposal status (one overlay per status), zone
boundaries (one overlay per zone; turning a zone off hides its parcels), a legend,
tooltips, and popups with the case summary and a link to the case page.

The parcels are inlined in the page as GeoJSON; at province scale :mod:`landgis.tiled_map`
draws them from vector tiles instead.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd

from landgis.assets import VENDOR_URL
from landgis.maps.backgrounds import add_tiles, for_display, resolve_basemap
from landgis.maps.labels import CHINESE, MapLabels
from landgis.maps.layers import unique_name, zone_layers
from landgis.maps.page import offline_map, page_of
from landgis.maps.popups import parcel_tooltip
from landgis.maps.properties import parcel_features, subset
from landgis.maps.scripts import MapScript
from landgis.maps.styles import STATUS_COLOURS, legend, swatch
from landgis.maps.view import MapView, fit_to, open_at

# SVG keeps every parcel a DOM element (countable, accessible); above this many features
# the map draws on a canvas instead, which stays fast.
SVG_MAX_FEATURES = 5000


def ledger_map(
    parcels: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    basemap: str = "none",
    tianditu_key: str | None = None,
    asset_url: str = VENDOR_URL,
    title: str | None = None,
    labels: MapLabels = CHINESE,
    view: MapView | None = None,
) -> folium.Map:
    """The ledger map: parcels coloured by disposal status (one overlay per status), zone
    boundaries (one overlay per zone; turning a zone off hides its parcels), a legend,
    tooltips, and popups with the case summary and a link to the case page.

    Its own texts come from ``labels`` (``title`` defaults to ``labels.title``). It opens
    on ``view``, else on the parcels."""
    background = resolve_basemap(basemap, tianditu_key, labels)
    title = labels.title if title is None else title
    parcels = for_display(parcels, background)
    zones = for_display(zones, background)
    fmap = offline_map(asset_url, title=title, prefer_canvas=len(parcels) > SVG_MAX_FEATURES)
    add_tiles(fmap, background)

    status, collection = parcel_features(parcels, labels)
    status_name = {key: html.escape(labels.statuses.get(key, key)) for key in STATUS_COLOURS}
    taken: set[str] = set()
    status_layers: dict[str, folium.GeoJson] = {}
    for key in [s for s in STATUS_COLOURS if (status == s).any()]:
        colour = STATUS_COLOURS[key]
        shown = subset(collection, status == key)
        label = f"{swatch(colour)}{status_name[key]} ({len(shown['features'])})"
        layer = folium.GeoJson(
            shown,
            name=unique_name(label, taken, key),
            style_function=lambda _f, c=colour, k=key: {
                "color": "#333333",
                "weight": 1,
                "fillColor": c,
                "fillOpacity": 0.7,
                "className": f"landgis-parcel landgis-status-{k}",
            },
            highlight_function=lambda _f: {"weight": 3},
            tooltip=parcel_tooltip(labels),
        )
        layer.add_to(fmap)
        status_layers[key] = layer

    parcel_zones = {f["properties"]["zone_code"] for f in collection["features"]}
    toggles = zone_layers(fmap, zones, parcel_zones, taken, labels)
    if view is None:
        fit_to(fmap, parcels if not parcels.empty else zones)
    else:
        open_at(fmap, view)
    page_of(fmap).html.add_child(
        legend(
            labels.status_legend,
            [(swatch(STATUS_COLOURS[s]), status_name[s]) for s in status_layers],
        )
    )
    folium.LayerControl(collapsed=False).add_to(fmap)
    MapScript(fmap, status_layers, toggles, labels=labels, signal_drawn=True).add_to(fmap)
    return fmap
