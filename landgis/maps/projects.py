"""The map of a project's candidates (招商项目): the parcels of the ledger's cases offered
to it and the standard factory buildings whose vacant units are (their footprints, else
their parcels), filled by the band of their score (:data:`~landgis.maps.styles.SCORE_BANDS`,
one overlay per band), with zone boundaries, a legend with each band's candidates,
tooltips with the candidate and its score, and popups with the score's parts and their
reasons and a link to the case or the building.

The candidates come as :meth:`landgis.projects.candidates.Candidate.to_dict` gives them
(ranked, their reasons in the map's language, geometry as GeoJSON in lon/lat); those
without a geometry are left off the map. Everything shown is HTML-escaped here.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import folium
import geopandas as gpd
import pandas as pd
import shapely.geometry

from landgis.assets import VENDOR_URL
from landgis.geojson import feature_collection
from landgis.maps.backgrounds import add_tiles, for_display, resolve_basemap
from landgis.maps.labels import CHINESE, MapLabels
from landgis.maps.layers import unique_name, zone_layers
from landgis.maps.page import offline_map, page_of
from landgis.maps.properties import subset
from landgis.maps.scripts import MapScript
from landgis.maps.styles import SCORE_BANDS, legend, score_band, swatch
from landgis.maps.view import MapView, fit_to, open_at

# The candidates' geometries: GeoJSON in lon/lat of the database's CRS (CGCS2000).
CRS = "EPSG:4490"
CASE_URL = "/cases/{case_no}"
BUILDING_URL = "/space/buildings/{building_id}"
# The legend's width (px): the map opens with the candidates clear of it.
LEGEND_WIDTH = 200


def _area(item: Mapping[str, Any], labels: MapLabels) -> str:
    if item["kind"] == "case":
        return f"{float(item['area_mu']):,.2f} {labels.area_units['mu']}"
    return f"{float(item['area_m2']):,.2f} {labels.area_units['m2']}"


def _link(item: Mapping[str, Any], labels: MapLabels) -> str:
    if item["kind"] == "case":
        href = CASE_URL.format(case_no=quote(str(item["case_no"]), safe=""))
        text, kind = labels.case_link, "case"
    else:
        href = BUILDING_URL.format(building_id=int(item["building_id"]))
        text, kind = labels.building_link, "building"
    return (
        f'<a class="landgis-link landgis-{kind}-link" target="_top" '
        f'href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'
    )


def _parts(item: Mapping[str, Any], labels: MapLabels) -> str:
    rows = "".join(
        f'<tr data-part="{html.escape(str(part["part"]), quote=True)}">'
        f"<th>{html.escape(labels.score_parts.get(part['part'], part['part']))}</th>"
        f'<td class="landgis-points">{part["points"]:.1f}/{part["max_points"]:.0f}</td>'
        f'<td class="landgis-reason">{html.escape(str(part["reason"]))}</td></tr>'
        for part in item["parts"]
    )
    return f'<table class="landgis-parts">{rows}</table>'


def candidate_properties(
    candidates: Sequence[Mapping[str, Any]], labels: MapLabels = CHINESE
) -> pd.DataFrame:
    """What the map shows of each candidate (in their order), every displayed value
    HTML-escaped text; ``code`` (the feature id) and ``band_key`` stay raw, ``popup`` is
    the popup's HTML (its rows, the score's parts with their reasons, the link)."""
    rows = []
    for rank, item in enumerate(candidates, start=1):
        kind = str(item["kind"])
        shown = {
            "rank": str(rank),
            "code": html.escape(str(item["code"])),
            "kind_label": html.escape(labels.candidate_kinds.get(kind, kind)),
            "zone": html.escape(str(item.get("zone") or "")),
            "area": html.escape(_area(item, labels)),
            "score": f"{float(item['score']):.1f}",
        }
        body = "".join(
            f"<tr><th>{html.escape(label)}</th><td>{shown[key]}</td></tr>"
            for key, label in labels.candidate_popup
        )
        popup = (
            f'<div class="landgis-popup landgis-candidate-popup" '
            f'data-code="{html.escape(str(item["code"]), quote=True)}">'
            f"<table>{body}</table>{_parts(item, labels)}{_link(item, labels)}</div>"
        )
        rows.append(
            {
                **shown,
                "id": str(item["code"]),
                "kind_key": kind,
                "band_key": score_band(float(item["score"])),
                "popup": popup,
            }
        )
    columns = ["id", "kind_key", "band_key", *(key for key, _label in labels.candidate_popup)]
    return pd.DataFrame(rows, columns=[*dict.fromkeys(columns), "popup"])


def candidate_frame(
    candidates: Sequence[Mapping[str, Any]], labels: MapLabels = CHINESE
) -> gpd.GeoDataFrame:
    """The candidates that have a geometry, with :func:`candidate_properties`."""
    mapped = [item for item in candidates if item.get("geometry")]
    shown = candidate_properties(mapped, labels)
    shapes = [shapely.geometry.shape(item["geometry"]) for item in mapped]
    return gpd.GeoDataFrame(shown, geometry=shapes, crs=CRS)


def project_map(
    project_no: str,
    candidates: Sequence[Mapping[str, Any]],
    zones: gpd.GeoDataFrame,
    *,
    basemap: str = "none",
    tianditu_key: str | None = None,
    asset_url: str = VENDOR_URL,
    labels: MapLabels = CHINESE,
    view: MapView | None = None,
) -> folium.Map:
    """The map of project ``project_no``'s ``candidates`` (ranked, as the API gives
    them), filled by score band, with ``zones``, a legend, tooltips and popups. It opens
    on ``view``, else on the candidates (on the zones when none has a geometry)."""
    background = resolve_basemap(basemap, tianditu_key, labels)
    frame = for_display(candidate_frame(candidates, labels), background).reset_index(drop=True)
    zones = for_display(zones, background)
    fmap = offline_map(asset_url, title=labels.project_title.format(project_no=project_no))
    add_tiles(fmap, background)

    collection = json.loads(feature_collection(frame, id_column="id"))
    named = dict(labels.candidate_popup)
    taken: set[str] = set()
    band_layers: dict[str, folium.GeoJson] = {}
    items: list[tuple[str, str]] = []
    for key, _lowest, colour in reversed(SCORE_BANDS):  # the best drawn last, on top
        mask = frame["band_key"] == key
        if not mask.any():
            continue
        name = html.escape(labels.score_bands.get(key, key))
        layer = folium.GeoJson(
            subset(collection, mask),
            name=unique_name(f"{swatch(colour)}{name} ({int(mask.sum())})", taken, key),
            style_function=lambda f, c=colour, k=key: {
                "color": "#222222",
                "weight": 1.5,
                "fillColor": c,
                "fillOpacity": 0.7,
                "className": (
                    f"landgis-candidate landgis-band-{k} landgis-kind-{f['properties']['kind_key']}"
                ),
            },
            highlight_function=lambda _f: {"weight": 3},
            tooltip=folium.GeoJsonTooltip(
                fields=["code", "score"],
                aliases=[html.escape(named["code"]), html.escape(named["score"])],
                sticky=True,
            ),
        )
        band_layers[key] = layer
        items.append((swatch(colour), f"{name} ({int(mask.sum())})"))
    for layer in band_layers.values():
        layer.add_to(fmap)
    toggles = zone_layers(fmap, zones, set(), taken, labels)
    if view is not None:
        open_at(fmap, view)
    else:
        fit_to(fmap, frame if not frame.empty else zones, clear_right=LEGEND_WIDTH)
    page_of(fmap).html.add_child(legend(labels.score_legend, reversed(items)))
    folium.LayerControl(collapsed=False, position="topleft").add_to(fmap)
    MapScript(
        fmap, band_layers, toggles, labels=labels, signal_drawn=True, popup_property="popup"
    ).add_to(fmap)
    return fmap
