"""The map of one parcel: the parcel highlighted, its neighbours greyed, its factory
buildings coloured by state."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd

from landgis.assets import VENDOR_URL
from landgis.geojson import feature_collection
from landgis.maps.backgrounds import add_tiles, for_display, resolve_basemap
from landgis.maps.labels import CHINESE, NOT_IN_LEDGER, MapLabels
from landgis.maps.layers import unique_name
from landgis.maps.page import offline_map, page_of
from landgis.maps.popups import parcel_tooltip
from landgis.maps.properties import escaped_or_none, is_missing, parcel_features
from landgis.maps.scripts import MapScript
from landgis.maps.styles import (
    BUILDING_COLOURS,
    FOCUS_OUTLINE,
    NEIGHBOUR_COLOUR,
    STATUS_COLOURS,
    legend,
    swatch,
)
from landgis.maps.view import fit_around

if TYPE_CHECKING:
    from landgis.parcel_view import ParcelView


def _neighbours_layer(
    neighbours: gpd.GeoDataFrame, labels: MapLabels, taken: set[str]
) -> folium.GeoJson:
    """The parcels around, greyed."""
    _, collection = parcel_features(neighbours, labels)
    return folium.GeoJson(
        collection,
        name=unique_name(
            f"{swatch(NEIGHBOUR_COLOUR)}{html.escape(labels.neighbours)} ({len(neighbours)})",
            taken,
            "neighbours",
        ),
        style_function=lambda _f: {
            "color": "#888888",
            "weight": 1,
            "fillColor": NEIGHBOUR_COLOUR,
            "fillOpacity": 0.5,
            "className": "landgis-neighbour",
        },
        highlight_function=lambda _f: {"weight": 2},
        tooltip=parcel_tooltip(labels),
    )


def _focus_layer(
    collection: dict[str, Any], colour: str, labels: MapLabels, taken: set[str]
) -> folium.GeoJson:
    """The parcel itself (``collection``), filled in the colour of its status and outlined."""
    return folium.GeoJson(
        collection,
        name=unique_name(
            f"{swatch(colour, outline=FOCUS_OUTLINE)}{html.escape(labels.this_parcel)}",
            taken,
            "parcel",
        ),
        style_function=lambda _f: {
            "color": FOCUS_OUTLINE,
            "weight": 4,
            "fillColor": colour,
            "fillOpacity": 0.35,
            "className": "landgis-parcel-focus",
        },
        tooltip=parcel_tooltip(labels),
    )


def _buildings_layer(
    buildings: gpd.GeoDataFrame, labels: MapLabels, taken: set[str]
) -> folium.GeoJson:
    """The factory buildings, coloured by state, with name, state and floor area."""
    state = buildings["state"].astype(str)
    frame = gpd.GeoDataFrame(
        {
            "state_key": state,
            "name": buildings["name"].map(escaped_or_none),
            "state_label": state.map(lambda s: html.escape(labels.building_states.get(s, s))),
            "floor_area": buildings["floor_area_m2"].map(
                lambda v: "" if is_missing(v) else f"{float(v):,.0f}"
            ),
        },
        geometry=buildings.geometry.values,
        crs=buildings.crs,
    )
    return folium.GeoJson(
        json.loads(feature_collection(frame)),
        name=unique_name(f"{html.escape(labels.buildings)} ({len(buildings)})", taken, "buildings"),
        style_function=lambda f: {
            "color": "#222222",
            "weight": 1,
            "fillColor": BUILDING_COLOURS.get(f["properties"]["state_key"], "#6c757d"),
            "fillOpacity": 0.85,
            "className": f"landgis-building landgis-building-{f['properties']['state_key']}",
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "state_label", "floor_area"],
            aliases=[
                html.escape(labels.buildings),
                html.escape(labels.building_state),
                html.escape(labels.floor_area),
            ],
        ),
    )


def parcel_map(
    view: ParcelView,
    *,
    basemap: str = "none",
    tianditu_key: str | None = None,
    asset_url: str = VENDOR_URL,
    labels: MapLabels = CHINESE,
) -> folium.Map:
    """One parcel highlighted, its neighbours greyed, its factory buildings by state; its
    own texts come from ``labels``."""
    background = resolve_basemap(basemap, tianditu_key, labels)
    parcel = for_display(view.parcel, background)
    neighbours = for_display(view.neighbours, background)
    buildings = for_display(view.buildings, background)
    fmap = offline_map(asset_url, title=labels.parcel_title.format(code=view.code))
    add_tiles(fmap, background)
    taken: set[str] = set()

    layers: dict[str, folium.map.Layer] = {}
    if not neighbours.empty:
        layers["neighbours"] = _neighbours_layer(neighbours, labels, taken)
        layers["neighbours"].add_to(fmap)
    status, collection = parcel_features(parcel, labels)
    colour = STATUS_COLOURS.get(status.iloc[0], STATUS_COLOURS[NOT_IN_LEDGER])
    layers["parcel"] = _focus_layer(collection, colour, labels, taken)
    layers["parcel"].add_to(fmap)
    if not buildings.empty:
        layers["buildings"] = _buildings_layer(buildings, labels, taken)
        layers["buildings"].add_to(fmap)

    fit_around(fmap, parcel, view.distance_m)
    building = html.escape(labels.buildings)
    items = [
        (swatch(colour, outline=FOCUS_OUTLINE), html.escape(labels.this_parcel)),
        (swatch(NEIGHBOUR_COLOUR, outline="#888"), html.escape(labels.neighbours_legend)),
        *[
            (
                swatch(BUILDING_COLOURS[s]),
                f"{building} · {html.escape(labels.building_states.get(s, s))}",
            )
            for s in BUILDING_COLOURS
        ],
    ]
    page_of(fmap).html.add_child(legend(labels.legend, items))
    folium.LayerControl(collapsed=False).add_to(fmap)
    parcel_layers = {k: v for k, v in layers.items() if k in ("parcel", "neighbours")}
    MapScript(fmap, parcel_layers, named_layers=layers, labels=labels).add_to(fmap)
    return fmap
