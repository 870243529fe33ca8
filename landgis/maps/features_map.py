"""Maps of OGC API features, drawn inside the HTML pages of the OGC API: the features of a
page or one feature (parcels and cases filled by disposal status, zones outlined by kind),
and the extent of a collection.

Each feature shows its id as a tooltip; the text is escaped here. When the features are
drawn, the page's ``document.documentElement.dataset.featuresDrawn`` is set (tests wait
for it) and ``window.landgis`` holds the map and its layer.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from landgis.assets import VENDOR_URL
from landgis.maps.backgrounds import add_tiles, for_display, resolve_basemap
from landgis.maps.labels import CHINESE, NOT_IN_LEDGER, MapLabels
from landgis.maps.page import offline_map
from landgis.maps.styles import STATUS_COLOURS, ZONE_STYLES
from landgis.maps.view import CHINA, fit_to, open_at

EXTENT_COLOUR = "#1d3557"
_TOOLTIP = "landgis_tooltip"


class _DrawnSignal(MacroElement):
    """Says the features are drawn, and keeps the map and its layer on ``window.landgis``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    window.landgis = { map: {{ this.map_name }}, features: {{ this.layer_name }} };
    requestAnimationFrame(function () {
        document.documentElement.dataset.featuresDrawn = String(performance.now());
    });
})();
{% endmacro %}
"""
    )

    def __init__(self, fmap: folium.Map, layer: MacroElement) -> None:
        super().__init__()
        self._name = "LandgisDrawnSignal"
        self.map_name = fmap.get_name()
        self.layer_name = layer.get_name()


def _style(feature: Mapping[str, Any]) -> dict[str, Any]:
    """Parcels and cases in the colour of their status; zones outlined as on the ledger map."""
    properties = feature.get("properties") or {}
    kind = properties.get("kind")
    if kind in ZONE_STYLES and "status" not in properties:
        return {**ZONE_STYLES[kind], "className": "landgis-feature"}
    status = properties.get("status") or NOT_IN_LEDGER
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS[NOT_IN_LEDGER])
    return {
        "color": "#333333",
        "weight": 1.5,
        "fillColor": colour,
        "fillOpacity": 0.6,
        "className": "landgis-feature",
    }


def features_map(
    features: Sequence[Mapping[str, Any]],
    *,
    name: str = "",
    basemap: str = "none",
    tianditu_key: str | None = None,
    asset_url: str = VENDOR_URL,
    labels: MapLabels = CHINESE,
) -> folium.Map:
    """GeoJSON ``features`` (CRS84) on a map to draw inside a page, opened on their bounds;
    ``name``: their layer's name (plain text)."""
    background = resolve_basemap(basemap, tianditu_key, labels)
    rows = [
        {
            "type": "Feature",
            "geometry": f.get("geometry"),
            "properties": {
                **{k: v for k, v in (f.get("properties") or {}).items() if k in ("status", "kind")},
                _TOOLTIP: html.escape(str(f.get("id", ""))),
            },
        }
        for f in features
        if f.get("geometry")
    ]
    frame = gpd.GeoDataFrame.from_features(rows, crs="OGC:CRS84") if rows else gpd.GeoDataFrame()
    fmap = offline_map(asset_url, embedded=True)
    add_tiles(fmap, background)
    if frame.empty:
        open_at(fmap, CHINA)
        return fmap
    shown = for_display(frame, background)
    layer = folium.GeoJson(
        shown.__geo_interface__,
        name=html.escape(name or labels.parcels),
        style_function=_style,
        highlight_function=lambda _f: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=[_TOOLTIP], labels=False),
    )
    layer.add_to(fmap)
    fit_to(fmap, shown)
    if background.tiles:
        folium.map.LayerControl(collapsed=True).add_to(fmap)
    _DrawnSignal(fmap, layer).add_to(fmap)
    return fmap


def extent_map(
    bbox: Sequence[float] | None,
    *,
    basemap: str = "none",
    tianditu_key: str | None = None,
    asset_url: str = VENDOR_URL,
    labels: MapLabels = CHINESE,
) -> folium.Map:
    """The box ``bbox`` (minlon, minlat, maxlon, maxlat) on a map to draw inside a page."""
    background = resolve_basemap(basemap, tianditu_key, labels)
    fmap = offline_map(asset_url, embedded=True)
    add_tiles(fmap, background)
    if bbox is None:
        open_at(fmap, CHINA)
        return fmap
    minx, miny, maxx, maxy = bbox[:4]
    corners = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([minx, maxx], [miny, maxy]), crs="OGC:CRS84"
    )
    shown = for_display(corners, background)
    (x0, y0), (x1, y1) = ((p.x, p.y) for p in shown.geometry)
    layer = folium.Rectangle(
        bounds=[[y0, x0], [y1, x1]],
        color=EXTENT_COLOUR,
        weight=2,
        fill=True,
        fill_opacity=0.1,
        class_name="landgis-extent",
    )
    layer.add_to(fmap)
    fit_to(fmap, shown)
    _DrawnSignal(fmap, layer).add_to(fmap)
    return fmap
