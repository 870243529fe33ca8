"""Overlays shared by the ledger maps: one per zone (its boundary, which also toggles the
parcels of the zone), under names kept unique in the layer control."""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd

from landgis.geojson import feature_collection
from landgis.maps.labels import MapLabels
from landgis.maps.page import ZONE_PANE
from landgis.maps.styles import ZONE_STYLES, swatch


def unique_name(name: str, taken: set[str], extra: str) -> str:
    """``name`` for the layer control, with ``extra`` appended if it is ``taken``; the
    name returned is then taken too."""
    if name in taken:
        name = f"{name} ({html.escape(extra)})"
    taken.add(name)
    return name


def zone_layers(
    fmap: folium.Map,
    zones: gpd.GeoDataFrame,
    parcel_zones: set[str],
    taken: set[str],
    labels: MapLabels,
) -> dict[str, folium.map.Layer]:
    """One overlay per zone (its boundary); the zones that hold parcels also toggle them.

    Returns the toggle of each zone code in ``parcel_zones``; the codes of no known zone
    share one toggle of their own (``labels.no_zone``)."""
    toggles: dict[str, folium.map.Layer] = {}
    order = {kind: i for i, kind in enumerate(ZONE_STYLES)}
    ordered = zones.assign(_order=zones["kind"].map(order).fillna(len(order))).sort_values(
        ["_order", "code"], kind="stable"
    )
    for _, zone in ordered.iterrows():
        kind = zone["kind"]
        style = ZONE_STYLES.get(kind, ZONE_STYLES["area"])
        kind_name = html.escape(str(labels.zone_kinds.get(kind, kind)))
        label = f"{kind_name} · {html.escape(str(zone['name']))}"
        one = gpd.GeoDataFrame(
            {"name": [html.escape(str(zone["name"]))]}, geometry=[zone.geometry], crs=zones.crs
        )
        layer = folium.GeoJson(
            json.loads(feature_collection(one)),
            name=unique_name(
                swatch("transparent", outline=style["color"], dashed="dashArray" in style) + label,
                taken,
                str(zone["code"]),
            ),
            style_function=lambda _f, s=style: {**s, "className": "landgis-zone"},
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            pane=ZONE_PANE,
        )
        layer.add_to(fmap)
        if zone["code"] in parcel_zones:
            toggles[str(zone["code"])] = layer
    missing = sorted(parcel_zones - set(toggles))
    if missing:
        # Parcels without a (known) zone get one toggle of their own.
        name = unique_name(html.escape(labels.no_zone), taken, "")
        group = folium.FeatureGroup(name=name)
        group.add_to(fmap)
        for code in missing:
            toggles[code] = group
    return toggles
