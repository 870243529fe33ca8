"""The map of a year's per-mu evaluation (亩均效益评价): every parcel held by an enterprise
evaluated filled by its enterprise's class (one overlay per class), the others grey, zone
boundaries (turning a zone off hides its parcels), a legend with each class's enterprises,
parcels and 亩, tooltips with the enterprise and its class, and popups with its figures and
links to the evaluation's table (filtered to the enterprise) and to the parcel's case.

A parcel held by two enterprises evaluated takes the class of the first in the
evaluation's order (best score first). The parcels are inlined in the page as GeoJSON.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import quote, urlencode

import folium
import geopandas as gpd
import pandas as pd

from landgis.assets import VENDOR_URL
from landgis.efficiency.evaluation import Evaluation
from landgis.geojson import feature_collection
from landgis.maps.backgrounds import add_tiles, for_display, resolve_basemap
from landgis.maps.labels import CHINESE, NO_FIGURES, MapLabels
from landgis.maps.layers import unique_name, zone_layers
from landgis.maps.page import offline_map, page_of
from landgis.maps.properties import NO_ZONE, escaped_text, is_missing, subset
from landgis.maps.scripts import MapScript
from landgis.maps.styles import CLASS_COLOURS, legend, swatch
from landgis.maps.view import MapView, fit_to, open_at
from landgis.units import m2_to_mu

# Above this many parcels the map draws on a canvas (as the ledger map does).
SVG_MAX_FEATURES = 5000
# The evaluation's table, filtered to one enterprise by ``q``; the case page.
EVALUATION_URL = "/efficiency"
CASE_URL = "/cases/{case_no}"
# The legend's width (px): the map opens with the parcels clear of it.
LEGEND_WIDTH = 220
# A class's counts in the legend, under its name.
COUNTS_HTML = (
    '<small class="landgis-counts" style="display:block;margin-left:22px;color:#555;'
    'line-height:16px">{counts}</small>'
)
# What each parcel takes of its enterprise's row of the evaluation.
ITEM_COLUMNS = (
    "name",
    "credit_code",
    "area_mu",
    "tax_per_mu",
    "score",
    "class",
    "previous_class",
    "trend",
)


def _two(value: Any) -> str:
    return "" if is_missing(value) else f"{float(value):,.2f}"


def parcel_classes(parcels: pd.DataFrame, evaluation: Evaluation) -> pd.DataFrame:
    """``parcels`` (with their ``id``) joined to the row of the evaluation of the enterprise
    holding each: columns ``enterprise``, ``credit_code``, ``enterprise_mu``,
    ``tax_per_mu``, ``score``, ``class`` (:data:`NO_FIGURES` where no enterprise evaluated
    holds the parcel), ``previous_class`` and ``trend``; in the parcels' order."""
    items = evaluation.items[["parcel_ids", *ITEM_COLUMNS]]
    held = items.explode("parcel_ids").dropna(subset=["parcel_ids"])
    held = held.rename(columns={"parcel_ids": "id", "name": "enterprise", "area_mu": "ent_mu"})
    held["id"] = held["id"].astype("int64")
    held = held.drop_duplicates("id").rename(columns={"ent_mu": "enterprise_mu"})
    frame = parcels.drop(columns=[c for c in held.columns if c != "id" and c in parcels])
    joined = frame.assign(id=frame["id"].astype("int64")).merge(held, on="id", how="left")
    joined["class"] = joined["class"].where(joined["class"].notna(), NO_FIGURES).astype(str)
    return gpd.GeoDataFrame(joined, geometry=parcels.geometry.name, crs=parcels.crs)


def _trend(row: Any, labels: MapLabels) -> str:
    trend = row["trend"]
    if is_missing(trend):
        return ""
    name = labels.trends.get(str(trend), str(trend))
    if is_missing(row["previous_class"]):
        return html.escape(name)
    return html.escape(labels.trend_from.format(trend=name, grade=row["previous_class"]))


def _popup(row: Any, year: int, labels: MapLabels) -> str:
    """One parcel's popup: its enterprise's figures (or the parcel's facts), the link to
    the evaluation's table filtered to the enterprise and to the parcel's case."""
    evaluated = row["class_key"] != NO_FIGURES
    rows = labels.class_popup if evaluated else labels.no_figures_popup
    body = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{row[key] or ''}</td></tr>" for key, label in rows
    )
    links = []
    if evaluated:
        query = urlencode({"year": year, "q": row["filter"]})
        href = html.escape(f"{EVALUATION_URL}?{query}", quote=True)
        text = html.escape(labels.evaluation_link)
        links.append(f'<a class="landgis-link landgis-evaluation-link" href="{href}">{text}</a>')
    if row["case_href"]:
        text = html.escape(labels.case_link)
        href = row["case_href"]
        links.append(f'<a class="landgis-link landgis-case-link" href="{href}">{text}</a>')
    return f'<div class="landgis-popup"><table>{body}</table>{"<br>".join(links)}</div>'


def class_properties(parcels: pd.DataFrame, year: int, labels: MapLabels = CHINESE) -> pd.DataFrame:
    """What the map shows of each parcel of :func:`parcel_classes`, every displayed value
    HTML-escaped text; ``code`` (the feature id), ``zone_code`` and ``class_key`` stay raw,
    ``popup`` is the popup's HTML."""
    frame = parcels.reset_index(drop=True)
    zone_code = frame["zone_code"] if "zone_code" in frame else pd.Series(None, index=frame.index)
    case_no = frame["case_no"] if "case_no" in frame else pd.Series(None, index=frame.index)
    credit = frame["credit_code"]
    shown = pd.DataFrame(
        {
            "code": frame["parcel_code"].astype(str),
            "zone_code": zone_code.where(zone_code.notna(), NO_ZONE).astype(str),
            "class_key": frame["class"],
            "parcel_code": frame["parcel_code"].map(escaped_text),
            "holder": frame["holder"].map(escaped_text),
            "zone_name": frame["zone_name"].map(escaped_text),
            "area_mu": frame["area_m2"].map(
                lambda m2: "" if is_missing(m2) else _two(m2_to_mu(float(m2)))
            ),
            "enterprise": frame["enterprise"].map(escaped_text),
            "credit_code": credit.map(escaped_text),
            "enterprise_mu": frame["enterprise_mu"].map(_two),
            "tax_per_mu": frame["tax_per_mu"].map(_two),
            "score": frame["score"].map(_two),
            "class_label": frame["class"].map(lambda c: escaped_text(labels.classes.get(c, c))),
            "trend_label": [_trend(row, labels) for _, row in frame.iterrows()],
            # The evaluation's table is searched for the credit code, else the name.
            "filter": [
                str(n) if is_missing(c) or not str(c).strip() else str(c)
                for c, n in zip(credit, frame["enterprise"], strict=True)
            ],
            "case_href": [
                ""
                if is_missing(c)
                else html.escape(CASE_URL.format(case_no=quote(str(c), safe="")))
                for c in case_no
            ],
        },
        index=frame.index,
    )
    shown["popup"] = [_popup(row, year, labels) for _, row in shown.iterrows()]
    return shown.drop(columns=["filter", "case_href"])


def _tooltip(fields: list[str], labels: MapLabels) -> folium.GeoJsonTooltip:
    aliases = [html.escape(labels.efficiency_tooltip.get(f, f)) for f in fields]
    return folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True)


def _counts(shown: pd.DataFrame, parcels: pd.DataFrame, key: str, labels: MapLabels) -> str:
    """A class's enterprises, parcels and 亩 (of the parcels drawn in it)."""
    mask = (shown["class_key"] == key).to_numpy()
    mu = f"{float(m2_to_mu(parcels.loc[mask, 'area_m2'].astype(float).sum())):,.2f}"
    if key == NO_FIGURES:
        return labels.no_figures_counts.format(parcels=int(mask.sum()), mu=mu)
    enterprises = parcels.loc[mask, "enterprise"].nunique()
    return labels.class_counts.format(enterprises=enterprises, parcels=int(mask.sum()), mu=mu)


def efficiency_map(
    parcels: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    evaluation: Evaluation,
    *,
    basemap: str = "none",
    tianditu_key: str | None = None,
    asset_url: str = VENDOR_URL,
    labels: MapLabels = CHINESE,
    view: MapView | None = None,
) -> folium.Map:
    """The map of ``evaluation``: ``parcels`` (as :func:`landgis.parcels.parcels_frame`
    gives them: ``id``, code, holder, zone, area, current case) filled by the class of the
    enterprise holding each, grey without one, with ``zones``, a legend, tooltips and
    popups. It opens on ``view``, else on the parcels."""
    background = resolve_basemap(basemap, tianditu_key, labels)
    parcels = for_display(parcel_classes(parcels, evaluation), background).reset_index(drop=True)
    zones = for_display(zones, background)
    title = labels.efficiency_title.format(year=evaluation.year)
    fmap = offline_map(asset_url, title=title, prefer_canvas=len(parcels) > SVG_MAX_FEATURES)
    add_tiles(fmap, background)

    shown = class_properties(parcels, evaluation.year, labels)
    display = gpd.GeoDataFrame(
        shown, geometry=parcels.geometry.values, crs=parcels.crs, index=shown.index
    )
    collection = json.loads(feature_collection(display, id_column="code"))
    names = {key: html.escape(labels.classes.get(key, key)) for key in CLASS_COLOURS}
    taken: set[str] = set()
    class_layers: dict[str, folium.GeoJson] = {}
    items: list[tuple[str, str]] = []
    for key in [k for k in CLASS_COLOURS if (shown["class_key"] == k).any()]:
        colour = CLASS_COLOURS[key]
        chosen = subset(collection, shown["class_key"] == key)
        label = f"{swatch(colour)}{names[key]} ({len(chosen['features'])})"
        fields = ["parcel_code", "holder" if key == NO_FIGURES else "enterprise", "class_label"]
        layer = folium.GeoJson(
            chosen,
            name=unique_name(label, taken, key),
            style_function=lambda _f, c=colour, k=key: {
                "color": "#333333",
                "weight": 1,
                "fillColor": c,
                "fillOpacity": 0.75,
                "className": f"landgis-parcel landgis-class-{k}",
            },
            highlight_function=lambda _f: {"weight": 3},
            tooltip=_tooltip(fields, labels),
        )
        layer.add_to(fmap)
        class_layers[key] = layer
        counts = html.escape(_counts(shown, parcels, key, labels))
        items.append((swatch(colour), f"{names[key]}{COUNTS_HTML.format(counts=counts)}"))

    parcel_zones = set(shown["zone_code"])
    toggles = zone_layers(fmap, zones, parcel_zones, taken, labels)
    if view is None:
        fit_to(fmap, parcels if not parcels.empty else zones, clear_right=LEGEND_WIDTH)
    else:
        open_at(fmap, view)
    page_of(fmap).html.add_child(legend(labels.class_legend, items))
    folium.LayerControl(collapsed=False, position="topleft").add_to(fmap)
    MapScript(
        fmap, class_layers, toggles, labels=labels, signal_drawn=True, popup_property="popup"
    ).add_to(fmap)
    return fmap
