"""Folium maps of the ledger: parcels coloured by disposal status, with zone boundaries."""

from __future__ import annotations

import html
import json
from typing import Any

import folium
import geopandas as gpd
from branca.element import Element

from landgis.assets import VENDOR_URL, map_scripts, map_stylesheets
from landgis.geojson import feature_collection
from landgis.vocab import CASE_STATUSES

NOT_IN_LEDGER = "none"
STATUS_COLOURS: dict[str, str] = {
    "suspected": "#f4a261",
    "investigating": "#e9c46a",
    "identified": "#e76f51",
    "planned": "#9b5de5",
    "disposing": "#3a86ff",
    "revitalized": "#2a9d8f",
    "closed": "#52796f",
    "dismissed": "#adb5bd",
    NOT_IN_LEDGER: "#d9d9d9",
}
STATUS_LABELS: dict[str, str] = {**CASE_STATUSES, NOT_IN_LEDGER: "未列入台账"}
ZONE_STYLES: dict[str, dict[str, Any]] = {
    "county": {"color": "#555555", "weight": 2, "dashArray": "8 6", "fill": False},
    "park": {"color": "#1d3557", "weight": 2, "fill": False},
    "area": {"color": "#457b9d", "weight": 1.5, "dashArray": "4 4", "fill": False},
}
TOOLTIP_FIELDS = {
    "parcel_code": "宗地编号",
    "holder": "土地使用权人",
    "zone_name": "所在园区",
    "status_label": "处置状态",
    "area_mu": "宗地面积(亩)",
}
BASEMAPS = {"osm": "OpenStreetMap"}


def _escaped(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy whose text attributes are HTML-escaped, so names display as text."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object and c != "geometry"]
    escaped = frame.copy()
    for column in text_columns:
        escaped[column] = frame[column].map(lambda v: html.escape(v) if isinstance(v, str) else v)
    return escaped


def _parcel_layer_frame(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    status = parcels["status"].fillna(NOT_IN_LEDGER)
    frame = parcels.assign(status_key=status, status_label=status.map(STATUS_LABELS))
    return _escaped(frame[[*TOOLTIP_FIELDS, "status_key", "geometry"]])


def _legend(statuses: list[str]) -> Element:
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;margin-right:6px;'
        f'vertical-align:middle;background:{STATUS_COLOURS[s]};border:1px solid #333"></span>'
        f"{html.escape(STATUS_LABELS[s])}</div>"
        for s in statuses
    )
    return Element(
        '<div class="landgis-legend" style="position:fixed;bottom:24px;right:12px;z-index:1000;'
        "background:#fff;padding:8px 10px;border:1px solid #999;border-radius:4px;"
        f'font:13px sans-serif"><b>处置状态</b>{rows}</div>'
    )


def offline_map(asset_url: str = VENDOR_URL) -> folium.Map:
    """An empty folium map whose scripts and styles come from ``asset_url``, not a CDN."""
    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=True)
    fmap.default_js = map_scripts(asset_url)
    fmap.default_css = map_stylesheets(asset_url)
    return fmap


def ledger_map(
    parcels: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    basemap: str = "none",
    asset_url: str = VENDOR_URL,
) -> folium.Map:
    """The ledger map: parcels by status (one toggleable layer each), zone boundaries."""
    fmap = offline_map(asset_url)
    if basemap in BASEMAPS:
        folium.TileLayer(BASEMAPS[basemap], name="底图").add_to(fmap)
    for kind, style in ZONE_STYLES.items():
        layer = zones[zones["kind"] == kind]
        if not layer.empty:
            folium.GeoJson(
                json.loads(feature_collection(_escaped(layer[["name", "geometry"]]))),
                name={"county": "县界", "park": "园区", "area": "片区"}[kind],
                style_function=lambda _f, s=style: s,
                tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            ).add_to(fmap)
    frame = _parcel_layer_frame(parcels)
    present = [s for s in STATUS_COLOURS if (frame["status_key"] == s).any()]
    for status in present:
        colour = STATUS_COLOURS[status]
        folium.GeoJson(
            json.loads(feature_collection(frame[frame["status_key"] == status])),
            name=f"{STATUS_LABELS[status]}",
            style_function=lambda _f, c=colour: {
                "color": "#333333",
                "weight": 1,
                "fillColor": c,
                "fillOpacity": 0.7,
            },
            highlight_function=lambda _f: {"weight": 3},
            tooltip=folium.GeoJsonTooltip(
                fields=list(TOOLTIP_FIELDS), aliases=list(TOOLTIP_FIELDS.values())
            ),
        ).add_to(fmap)
    if not parcels.empty:
        minx, miny, maxx, maxy = parcels.total_bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    fmap.get_root().html.add_child(_legend(present))
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap
