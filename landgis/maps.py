"""Folium maps: the ledger map (parcels by disposal status) and the map of one parcel.

Every page works offline: Leaflet comes from landgis itself (:mod:`landgis.assets`) and the
default background is none. Tile backgrounds (OpenStreetMap, 天地图, 高德) are optional;
on 高德 tiles the geometries are shifted to GCJ-02 for display (:mod:`landgis.gcj02`),
never in storage.

All text shown in tooltips, popups and the layer control is HTML-escaped in Python before
it reaches the page, so a holder named ``<script>…`` displays as text.

The maps' own texts (legend, layer names, tooltip and popup labels …) come from a
:class:`MapLabels`, Chinese by default; a caller passes another one to show the map in
another language. Stored data (holders, zone names …) is shown as stored.

Content Security Policy: a map page has one inline script, the one folium collects every
element's code into; :func:`render` gives it the caller's ``nonce``, so a page served with
``script-src 'self' 'nonce-…'`` runs it and nothing else inline. The page has no event
handler attributes. Its tile background, if any, loads images from :func:`tile_origins`.

Readiness signal: when the parcels of the current view are drawn, the ledger map sets
``document.documentElement.dataset.parcelsDrawn`` to ``performance.now()`` (here, in the
animation frame after the inline GeoJSON layers are added; the tiled ledger map of
:mod:`landgis.tiled_map` sets the same attribute when its tiles have loaded). Benchmarks
and tests wait for it.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Environment, Template

from landgis.assets import VENDOR_URL, map_scripts, map_stylesheets
from landgis.errors import InvalidInput
from landgis.gcj02 import to_gcj02
from landgis.geojson import feature_collection
from landgis.units import m2_to_mu
from landgis.vocab import BUILDING_STATES, CASE_STATUSES, ROUTES, ZONE_KINDS

if TYPE_CHECKING:
    from landgis.parcel_view import ParcelView

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
BUILDING_COLOURS: dict[str, str] = {
    "in_use": "#6c757d",
    "idle": "#d62828",
    "revitalized": "#2a9d8f",
}
NEIGHBOUR_COLOUR = "#bdbdbd"
FOCUS_OUTLINE = "#c1121f"
ZONE_STYLES: dict[str, dict[str, Any]] = {
    "county": {"color": "#555555", "weight": 2, "dashArray": "8 6", "fill": False},
    "park": {"color": "#1d3557", "weight": 2, "fill": False},
    "area": {"color": "#457b9d", "weight": 1.5, "dashArray": "4 4", "fill": False},
}
NO_ZONE = ""
NO_ZONE_LABEL = "未分区"
TOOLTIP_FIELDS = {
    "parcel_code": "宗地编号",
    "holder": "土地使用权人",
    "zone_name": "所在园区",
    "status_label": "处置状态",
    "area_mu": "宗地面积(亩)",
}
# Links in popups; the case page is served by the ledger UI.
CASE_URL = "/cases/{case_no}"
PARCEL_URL = "/map/parcels/{parcel_code}"
# SVG keeps every parcel a DOM element (countable, accessible); above this many features
# the map draws on a canvas instead, which stays fast.
SVG_MAX_FEATURES = 5000
# Pane for zone boundaries: below the parcels (overlayPane is 400), above the tiles.
ZONE_PANE = "landgis-zones"


# --- basemaps -----------------------------------------------------------------


@dataclass(frozen=True)
class TileSource:
    """One XYZ tile layer."""

    name: str
    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18
    overlay: bool = False


@dataclass(frozen=True)
class Basemap:
    """A map background: its tile layers and whether geometries must be shifted to GCJ-02."""

    key: str
    label: str
    tiles: tuple[TileSource, ...] = ()
    gcj02: bool = False


BASEMAP_LABELS: dict[str, str] = {
    "none": "无底图",
    "osm": "OpenStreetMap",
    "tianditu": "天地图",
    "amap": "高德地图",
}
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
AMAP_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}"
)


# Popup rows: (property, label) for parcels in the ledger and for the others.
CASE_POPUP_ROWS: tuple[tuple[str, str], ...] = (
    ("case_no", "台账编号"),
    ("parcel_code", "宗地编号"),
    ("status_label", "处置状态"),
    ("route_label", "处置方式"),
    ("idle_mu", "闲置/低效面积(亩)"),
    ("revitalized_mu", "盘活面积(亩)"),
    ("deadline", "完成时限"),
    ("holder", "土地使用权人"),
    ("project_name", "项目名称"),
)
PARCEL_POPUP_ROWS: tuple[tuple[str, str], ...] = (
    ("parcel_code", "宗地编号"),
    ("status_label", "处置状态"),
    ("holder", "土地使用权人"),
    ("project_name", "项目名称"),
    ("zone_name", "所在园区"),
    ("area_mu", "宗地面积(亩)"),
)
CASE_LINK_TEXT = "查看台账详情 »"
PARCEL_LINK_TEXT = "查看宗地图 »"
# Tile layer names (layer control) and attributions of the backgrounds.
TILE_NAMES: dict[str, str] = {
    "osm": "OpenStreetMap",
    "tianditu_vec": "天地图矢量",
    "tianditu_cva": "天地图注记",
    "amap": "高德地图",
}
TILE_ATTRIBUTIONS: dict[str, str] = {
    "osm": "OpenStreetMap 贡献者",
    "tianditu": "天地图 国家地理信息公共服务平台",
    "amap": "高德地图 AutoNavi (GCJ-02)",
}


@dataclass(frozen=True)
class MapLabels:
    """Every text a map shows of its own, Chinese by default.

    Plain text, not HTML: the maps escape each label where they show it.
    """

    title: str = "闲置土地处置台账图"
    parcel_title: str = "宗地 {code}"
    status_legend: str = "处置状态"
    legend: str = "图例"
    this_parcel: str = "本宗地"
    neighbours: str = "周边宗地"
    neighbours_legend: str = "周边宗地(200 米内)"
    buildings: str = "厂房"
    building_state: str = "状态"
    floor_area: str = "建筑面积(㎡)"
    no_zone: str = NO_ZONE_LABEL
    case_link: str = CASE_LINK_TEXT
    parcel_link: str = PARCEL_LINK_TEXT
    parcels: str = "宗地"
    zoom_in: str = "放大以查看宗地"
    statuses: Mapping[str, str] = field(default_factory=lambda: dict(STATUS_LABELS))
    routes: Mapping[str, str] = field(default_factory=lambda: dict(ROUTES))
    building_states: Mapping[str, str] = field(default_factory=lambda: dict(BUILDING_STATES))
    zone_kinds: Mapping[str, str] = field(default_factory=lambda: dict(ZONE_KINDS))
    tooltip: Mapping[str, str] = field(default_factory=lambda: dict(TOOLTIP_FIELDS))
    case_popup: tuple[tuple[str, str], ...] = CASE_POPUP_ROWS
    parcel_popup: tuple[tuple[str, str], ...] = PARCEL_POPUP_ROWS
    basemaps: Mapping[str, str] = field(default_factory=lambda: dict(BASEMAP_LABELS))
    tiles: Mapping[str, str] = field(default_factory=lambda: dict(TILE_NAMES))
    attributions: Mapping[str, str] = field(default_factory=lambda: dict(TILE_ATTRIBUTIONS))


CHINESE = MapLabels()


def resolve_basemap(
    name: str = "none", tianditu_key: str | None = None, labels: MapLabels = CHINESE
) -> Basemap:
    """The background called ``name`` (none, osm, tianditu, amap), named in ``labels``.

    天地图 needs a key (``tk``); without one this raises :class:`InvalidInput`.
    """

    def tile(key: str) -> str:
        return html.escape(labels.tiles.get(key, TILE_NAMES[key]))

    def attribution_of(key: str) -> str:
        return "&copy; " + html.escape(labels.attributions.get(key, TILE_ATTRIBUTIONS[key]))

    def label(key: str) -> str:
        return labels.basemaps.get(key, BASEMAP_LABELS[key])

    if name == "none":
        return Basemap("none", label("none"))
    if name == "osm":
        attribution = attribution_of("osm").replace(
            "OpenStreetMap",
            '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
            1,
        )
        return Basemap(
            "osm", label("osm"), (TileSource(tile("osm"), OSM_URL, attribution, "", 19),)
        )
    if name == "tianditu":
        key = (tianditu_key or "").strip()
        if not key:
            raise InvalidInput(
                "天地图底图需要密钥(tk):请在设置中配置 LANDGIS_TIANDITU_KEY,"
                "或改用其他底图(basemap=none、osm 或 amap)。",
                "The 天地图 (Tianditu) basemap needs a key (tk): set LANDGIS_TIANDITU_KEY, "
                "or choose another basemap (basemap=none, osm or amap).",
            )
        tk = quote(key, safe="")
        attribution = attribution_of("tianditu")
        return Basemap(
            "tianditu",
            label("tianditu"),
            (
                TileSource(
                    tile("tianditu_vec"),
                    TIANDITU_URL.format(layer="vec", key=tk),
                    attribution,
                    "01234567",
                ),
                TileSource(
                    tile("tianditu_cva"),
                    TIANDITU_URL.format(layer="cva", key=tk),
                    attribution,
                    "01234567",
                    overlay=True,
                ),
            ),
        )
    if name == "amap":
        attribution = attribution_of("amap")
        return Basemap(
            "amap",
            label("amap"),
            (TileSource(tile("amap"), AMAP_URL, attribution, "1234"),),
            gcj02=True,
        )
    raise InvalidInput(
        f"未知底图 {name!r}:可选 none、osm、tianditu、amap。",
        f"Unknown basemap {name!r}: choose none, osm, tianditu or amap.",
    )


def tile_origins(background: Basemap) -> tuple[str, ...]:
    """The origins (``https://host``) the background's tiles are loaded from, each
    subdomain spelled out, sorted: what a page drawing it must allow images from."""
    origins = set()
    for source in background.tiles:
        for subdomain in source.subdomains or "-":
            url = urlsplit(source.url.replace("{s}", subdomain))
            origins.add(f"{url.scheme}://{url.netloc}")
    return tuple(sorted(origins))


def _add_tiles(fmap: folium.Map, background: Basemap) -> None:
    for source in background.tiles:
        folium.TileLayer(
            tiles=source.url,
            attr=source.attribution,
            name=source.name,
            subdomains=source.subdomains or "abc",
            max_zoom=source.max_zoom,
            overlay=source.overlay,
            control=True,
        ).add_to(fmap)


# --- text and features --------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    """``value`` as escaped HTML text ('' when missing)."""
    if _missing(value):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return html.escape(str(value))


def _mu(m2: Any) -> str:
    if _missing(m2):
        return ""
    return f"{float(m2_to_mu(float(m2))):.2f}"


def _escaped_or_none(value: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, str):
        return html.escape(value)
    return value


def _url(template: str, **values: str) -> str:
    return template.format(**{k: quote(str(v), safe="") for k, v in values.items()})


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def _href(case_no: Any, code: Any) -> str:
    if _missing(case_no):
        return html.escape(_url(PARCEL_URL, parcel_code=code), quote=True)
    return html.escape(_url(CASE_URL, case_no=case_no), quote=True)


def parcel_properties(parcels: pd.DataFrame, labels: MapLabels = CHINESE) -> pd.DataFrame:
    """What the map shows of each parcel, every displayed value already HTML-escaped text.

    ``code`` (the feature id) and ``zone_code`` stay raw: scripts compare them, they are
    never displayed. ``href`` is the link of the popup: the case page for parcels in the
    ledger, the parcel map for the others. Status and route names come from ``labels``.
    """
    frame = parcels.reset_index(drop=True)
    status = _column(frame, "status")
    status = status.where(status.notna(), NOT_IN_LEDGER).astype(str)
    zone_code = _column(frame, "zone_code")
    route = _column(frame, "route")
    case_no = _column(frame, "case_no")
    return pd.DataFrame(
        {
            "code": frame["parcel_code"].astype(str),
            "zone_code": zone_code.where(zone_code.notna(), NO_ZONE).astype(str),
            "status_key": status,
            "parcel_code": frame["parcel_code"].map(_text),
            "holder": _column(frame, "holder").map(_text),
            "zone_name": _column(frame, "zone_name").map(_text),
            "status_label": status.map(lambda s: _text(labels.statuses.get(s, s))),
            "area_mu": _column(frame, "area_m2").map(_mu),
            "case_no": case_no.map(_text),
            "route_label": route.map(
                lambda r: "" if _missing(r) else _text(labels.routes.get(r, r))
            ),
            "idle_mu": _column(frame, "idle_area_m2").map(_mu),
            "revitalized_mu": _column(frame, "revitalized_area_m2").map(_mu),
            "deadline": _column(frame, "deadline").map(_text),
            "project_name": _column(frame, "project_name").map(_text),
            "href": [_href(c, p) for c, p in zip(case_no, frame["parcel_code"], strict=True)],
        },
        index=frame.index,
    )


def popup_html(properties: Mapping[str, Any], labels: MapLabels = CHINESE) -> str:
    """The popup of one parcel, as the ledger map shows it: the case summary and a link to
    the case page for parcels in the ledger, else the parcel's facts and a link to its map.

    ``properties`` is one row of :func:`parcel_properties` (values already escaped).
    """
    in_ledger = bool(properties.get("case_no"))
    rows = labels.case_popup if in_ledger else labels.parcel_popup
    body = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{properties.get(key) or ''}</td></tr>"
        for key, label in rows
    )
    link = html.escape(labels.case_link if in_ledger else labels.parcel_link)
    return (
        f'<div class="landgis-popup"><table>{body}</table>'
        f'<a class="landgis-link" href="{properties["href"]}">{link}</a></div>'
    )


def _parcel_features(
    parcels: gpd.GeoDataFrame, labels: MapLabels
) -> tuple[pd.Series, dict[str, Any]]:
    """Each parcel's status key, and the parcels as a FeatureCollection whose ``id`` is the
    parcel code (properties: :func:`parcel_properties`)."""
    properties = parcel_properties(parcels, labels)
    display = gpd.GeoDataFrame(
        properties, geometry=parcels.geometry.values, crs=parcels.crs, index=properties.index
    )
    return properties["status_key"], json.loads(feature_collection(display, id_column="code"))


def _subset(collection: dict[str, Any], mask: Iterable[bool]) -> dict[str, Any]:
    features = [f for f, keep in zip(collection["features"], mask, strict=True) if keep]
    return {"type": "FeatureCollection", "features": features}


def _parcel_tooltip(labels: MapLabels) -> folium.GeoJsonTooltip:
    fields = list(TOOLTIP_FIELDS)
    aliases = [html.escape(labels.tooltip.get(f, TOOLTIP_FIELDS[f])) for f in fields]
    return folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True)


def _swatch(colour: str, *, outline: str = "#333", dashed: bool = False) -> str:
    border = f"1px {'dashed' if dashed else 'solid'} {outline}"
    return (
        '<span class="landgis-swatch" style="display:inline-block;width:14px;height:14px;'
        f'margin:0 6px 0 2px;vertical-align:middle;background:{colour};border:{border}"></span>'
    )


def _legend(title: str, items: Iterable[tuple[str, str]]) -> Element:
    """A fixed legend box; ``items`` are (swatch HTML, escaped label)."""
    rows = "".join(f"<div>{swatch}{label}</div>" for swatch, label in items)
    return Element(
        '<div class="landgis-legend" style="position:fixed;bottom:24px;right:12px;z-index:1000;'
        "background:#fff;padding:8px 10px;border:1px solid #999;border-radius:4px;"
        f'font:13px sans-serif;line-height:20px"><b>{html.escape(title)}</b>{rows}</div>'
    )


_PAGE_STYLE = """
<style>
  .folium-map.leaflet-container { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC",
    sans-serif; background: #f2f2ef; }
  .landgis-popup table { border-collapse: collapse; font-size: 13px; }
  .landgis-popup th { text-align: left; padding: 1px 8px 1px 0; white-space: nowrap;
    color: #555; font-weight: normal; }
  .landgis-popup td { padding: 1px 0; }
  .landgis-popup .landgis-link { display: inline-block; margin-top: 6px; }
  .leaflet-control-layers-overlays label { line-height: 20px; }
</style>
"""


class _MapScript(MacroElement):
    """Wires the layers together once they exist: parcel popups (case summary and link),
    zone toggles that hide or show the parcels of their zone inside every status layer, a
    metric scale bar, and ``window.landgis`` (the map and its layers, for the page's own
    scripts and for tests)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var map = {{ this.map_name }};
    var parcelLayers = { {%- for key, name in this.parcel_layers %}
        {{ key|tojson }}: {{ name }},{% endfor %} };
    var zoneToggles = { {%- for key, name in this.zone_toggles %}
        {{ key|tojson }}: {{ name }},{% endfor %} };
    var layers = { {%- for key, name in this.named_layers %}
        {{ key|tojson }}: {{ name }},{% endfor %} };
    var members = [];
    var parcels = {};
    Object.keys(parcelLayers).forEach(function (key) {
        var group = parcelLayers[key];
        group.eachLayer(function (layer) {
            var feature = layer.feature || {};
            var zone = (feature.properties || {}).zone_code || "";
            members.push([group, layer, zone]);
            if (feature.id !== undefined && !(feature.id in parcels)) {
                parcels[feature.id] = layer;
            }
        });
    });
    function sync() {
        members.forEach(function (m) {
            var toggle = zoneToggles[m[2]];
            var shown = !toggle || map.hasLayer(toggle);
            if (shown && !m[0].hasLayer(m[1])) { m[0].addLayer(m[1]); }
            if (!shown && m[0].hasLayer(m[1])) { m[0].removeLayer(m[1]); }
        });
    }
    map.on("overlayadd overlayremove", sync);
    var caseRows = {{ this.case_rows|tojson }};
    var parcelRows = {{ this.parcel_rows|tojson }};
    var linkText = {{ this.link_text|tojson }};
    // Every displayed property is HTML-escaped text already (see parcel_properties).
    function popup(layer) {
        var p = (layer.feature || {}).properties || {};
        var rows = p.case_no ? caseRows : parcelRows;
        var body = rows.map(function (r) {
            return "<tr><th>" + r[1] + "</th><td>" + (p[r[0]] || "") + "</td></tr>";
        }).join("");
        return '<div class="landgis-popup"><table>' + body + '</table>' +
            '<a class="landgis-link" href="' + p.href + '">' +
            (p.case_no ? linkText[0] : linkText[1]) + "</a></div>";
    }
    Object.keys(parcelLayers).forEach(function (key) {
        parcelLayers[key].bindPopup(popup, { maxWidth: 380 });
    });
    sync();
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    {%- if this.signal_drawn %}
    requestAnimationFrame(function () {
        document.documentElement.dataset.parcelsDrawn = String(performance.now());
    });
    {%- endif %}
    function openPopup(code) {
        var layer = parcels[code];
        if (!layer || !map.hasLayer(layer)) { return false; }
        layer.fire("click", { latlng: layer.getBounds().getCenter() }, true);
        return true;
    }
    window.landgis = {
        map: map, parcels: parcels, parcelLayers: parcelLayers,
        zoneLayers: zoneToggles, layers: layers, openPopup: openPopup
    };
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        fmap: folium.Map,
        parcel_layers: dict[str, folium.GeoJson],
        zone_toggles: dict[str, folium.map.Layer] | None = None,
        named_layers: dict[str, folium.map.Layer] | None = None,
        labels: MapLabels = CHINESE,
        signal_drawn: bool = False,
    ) -> None:
        super().__init__()
        self._name = "LandgisMapScript"
        self.signal_drawn = signal_drawn
        self.map_name = fmap.get_name()
        self.parcel_layers = [(k, v.get_name()) for k, v in parcel_layers.items()]
        self.zone_toggles = [(k, v.get_name()) for k, v in (zone_toggles or {}).items()]
        self.named_layers = [(k, v.get_name()) for k, v in (named_layers or {}).items()]
        self.case_rows = [(key, html.escape(label)) for key, label in labels.case_popup]
        self.parcel_rows = [(key, html.escape(label)) for key, label in labels.parcel_popup]
        self.link_text = [html.escape(labels.case_link), html.escape(labels.parcel_link)]


# The page around a map. As branca's Figure page, except that its one inline script (the
# code of every element) carries the nonce given to render(), and sits inside <body>.
_PAGE_TEMPLATE = Template(
    """<!DOCTYPE html>
<html>
<head>
{{ this.header.render(**kwargs) }}
</head>
<body>
{{ this.html.render(**kwargs) }}
<script{% if kwargs.nonce %} nonce="{{ kwargs.nonce }}"{% endif %}>
{{ this.script.render(**kwargs) }}
</script>
</body>
</html>
"""
)


class _OfflineMap(folium.Map):
    """folium's Map without the inline script folium writes into the page's head.

    That script sets Leaflet's ``L_NO_TOUCH`` and ``L_DISABLE_3D`` to false after Leaflet
    has read them (they are read when leaflet.js runs, earlier in the head); absent, they
    mean the same. Dropping it leaves one inline script per page, the one :func:`render`
    gives a nonce. The map's element and code are folium's own (its macros, called here).
    """

    _template = Environment().from_string(
        """
{% macro header(this, kwargs) %}
<meta name="viewport"
    content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no">
<style>
  html, body { width: 100%; height: 100%; margin: 0; padding: 0; }
  #{{ this.get_name() }} { position: relative; width: 100%; height: 100%; }
  .leaflet-container { font-size: {{ this.font_size }}; }
</style>
{% endmacro %}
{% macro html(this, kwargs) %}{{ folium_map.html(this, kwargs) }}{% endmacro %}
{% macro script(this, kwargs) %}{{ folium_map.script(this, kwargs) }}{% endmacro %}
""",
        globals={"folium_map": folium.Map._template.module},
    )


def offline_map(
    asset_url: str = VENDOR_URL, *, title: str | None = None, prefer_canvas: bool = False
) -> folium.Map:
    """An empty folium map whose scripts and styles come from ``asset_url``, not a CDN.

    Only Leaflet is loaded: none of folium's other defaults (jQuery, Bootstrap, Font
    Awesome, awesome-markers) is used by landgis maps. The page's only inline script is
    the one :func:`render` gives a nonce.
    """
    fmap = _OfflineMap(tiles=None, control_scale=False, prefer_canvas=prefer_canvas, zoom_snap=0.25)
    fmap.default_js = map_scripts(asset_url)
    fmap.default_css = map_stylesheets(asset_url)
    root = fmap.get_root()
    root._template = _PAGE_TEMPLATE
    if title:
        root.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="title")
    root.header.add_child(Element(_PAGE_STYLE), name="landgis_style")
    folium.map.CustomPane(ZONE_PANE, z_index=390).add_to(fmap)
    return fmap


@dataclass(frozen=True)
class MapView:
    """Where a map opens: its centre (latitude, longitude) and zoom level."""

    lat: float
    lon: float
    zoom: float


# With nothing to show, a map opens on China.
CHINA = MapView(35.0, 105.0, 4)


def parse_view(text: str | None) -> MapView | None:
    """``lat,lon,zoom`` (e.g. ``30.1,104.81,14``) as a MapView; None for no text."""
    if text is None:
        return None
    try:
        lat, lon, zoom = (float(part) for part in text.split(","))
    except ValueError:
        lat = lon = zoom = math.nan
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 22):
        raise InvalidInput(
            "view 应为 纬度,经度,缩放级别,例如 30.1,104.81,14(缩放级别 0 到 22)。",
            "view must be lat,lon,zoom, e.g. 30.1,104.81,14 (zoom 0 to 22).",
        )
    return MapView(lat, lon, zoom)


def open_at(fmap: folium.Map, view: MapView) -> None:
    """Make ``fmap`` open centred on ``view`` at its zoom."""
    fmap.location = [view.lat, view.lon]
    fmap.options["zoom"] = view.zoom


def _fit(fmap: folium.Map, *frames: gpd.GeoDataFrame) -> None:
    bounds = [f.total_bounds for f in frames if not f.empty and f.geometry.notna().any()]
    bounds = [b for b in bounds if all(math.isfinite(v) for v in b)]
    if not bounds:
        open_at(fmap, CHINA)
        return
    minx = min(b[0] for b in bounds)
    miny = min(b[1] for b in bounds)
    maxx = max(b[2] for b in bounds)
    maxy = max(b[3] for b in bounds)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]], padding=(12, 12))


def _fit_around(fmap: folium.Map, parcel: gpd.GeoDataFrame, margin_m: float = 100.0) -> None:
    """Centre the parcel with at least ``margin_m`` (or half its size) of its surroundings."""
    minx, miny, maxx, maxy = parcel.total_bounds
    lat = math.radians((miny + maxy) / 2)
    dy = max(margin_m / 111_000, (maxy - miny) / 2)
    dx = max(margin_m / (111_000 * max(math.cos(lat), 0.01)), (maxx - minx) / 2)
    fmap.fit_bounds([[miny - dy, minx - dx], [maxy + dy, maxx + dx]])


def _for_display(frame: gpd.GeoDataFrame, background: Basemap) -> gpd.GeoDataFrame:
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return to_gcj02(frame) if background.gcj02 else frame


def _unique(name: str, taken: set[str], extra: str) -> str:
    if name in taken:
        name = f"{name} ({html.escape(extra)})"
    taken.add(name)
    return name


def _zone_layers(
    fmap: folium.Map,
    zones: gpd.GeoDataFrame,
    parcel_zones: set[str],
    taken: set[str],
    labels: MapLabels,
) -> dict[str, folium.map.Layer]:
    """One overlay per zone (its boundary); the zones that hold parcels also toggle them."""
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
            name=_unique(
                _swatch("transparent", outline=style["color"], dashed="dashArray" in style) + label,
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
        name = _unique(html.escape(labels.no_zone), taken, "")
        group = folium.FeatureGroup(name=name).add_to(fmap)
        for code in missing:
            toggles[code] = group
    return toggles


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
    parcels = _for_display(parcels, background)
    zones = _for_display(zones, background)
    fmap = offline_map(asset_url, title=title, prefer_canvas=len(parcels) > SVG_MAX_FEATURES)
    _add_tiles(fmap, background)

    status, collection = _parcel_features(parcels, labels)
    status_name = {key: html.escape(labels.statuses.get(key, key)) for key in STATUS_COLOURS}
    taken: set[str] = set()
    status_layers: dict[str, folium.GeoJson] = {}
    for key in [s for s in STATUS_COLOURS if (status == s).any()]:
        colour = STATUS_COLOURS[key]
        subset = _subset(collection, status == key)
        label = f"{_swatch(colour)}{status_name[key]} ({len(subset['features'])})"
        layer = folium.GeoJson(
            subset,
            name=_unique(label, taken, key),
            style_function=lambda _f, c=colour, k=key: {
                "color": "#333333",
                "weight": 1,
                "fillColor": c,
                "fillOpacity": 0.7,
                "className": f"landgis-parcel landgis-status-{k}",
            },
            highlight_function=lambda _f: {"weight": 3},
            tooltip=_parcel_tooltip(labels),
        )
        layer.add_to(fmap)
        status_layers[key] = layer

    parcel_zones = {f["properties"]["zone_code"] for f in collection["features"]}
    toggles = _zone_layers(fmap, zones, parcel_zones, taken, labels)
    if view is None:
        _fit(fmap, parcels if not parcels.empty else zones)
    else:
        open_at(fmap, view)
    fmap.get_root().html.add_child(
        _legend(
            labels.status_legend,
            [(_swatch(STATUS_COLOURS[s]), status_name[s]) for s in status_layers],
        )
    )
    folium.LayerControl(collapsed=False).add_to(fmap)
    _MapScript(fmap, status_layers, toggles, labels=labels, signal_drawn=True).add_to(fmap)
    return fmap


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
    parcel = _for_display(view.parcel, background)
    neighbours = _for_display(view.neighbours, background)
    buildings = _for_display(view.buildings, background)
    fmap = offline_map(asset_url, title=labels.parcel_title.format(code=view.code))
    _add_tiles(fmap, background)
    taken: set[str] = set()

    layers: dict[str, folium.map.Layer] = {}
    if not neighbours.empty:
        _, collection = _parcel_features(neighbours, labels)
        layers["neighbours"] = folium.GeoJson(
            collection,
            name=_unique(
                f"{_swatch(NEIGHBOUR_COLOUR)}{html.escape(labels.neighbours)} ({len(neighbours)})",
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
            tooltip=_parcel_tooltip(labels),
        ).add_to(fmap)

    status, collection = _parcel_features(parcel, labels)
    colour = STATUS_COLOURS.get(status.iloc[0], STATUS_COLOURS[NOT_IN_LEDGER])
    layers["parcel"] = folium.GeoJson(
        collection,
        name=_unique(
            f"{_swatch(colour, outline=FOCUS_OUTLINE)}{html.escape(labels.this_parcel)}",
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
        tooltip=_parcel_tooltip(labels),
    ).add_to(fmap)

    if not buildings.empty:
        state = buildings["state"].astype(str)
        frame = gpd.GeoDataFrame(
            {
                "state_key": state,
                "name": buildings["name"].map(_escaped_or_none),
                "state_label": state.map(lambda s: html.escape(labels.building_states.get(s, s))),
                "floor_area": buildings["floor_area_m2"].map(
                    lambda v: "" if _missing(v) else f"{float(v):,.0f}"
                ),
            },
            geometry=buildings.geometry.values,
            crs=buildings.crs,
        )
        layers["buildings"] = folium.GeoJson(
            json.loads(feature_collection(frame)),
            name=_unique(f"{html.escape(labels.buildings)} ({len(buildings)})", taken, "buildings"),
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
        ).add_to(fmap)

    _fit_around(fmap, parcel, view.distance_m)
    building = html.escape(labels.buildings)
    legend = [
        (_swatch(colour, outline=FOCUS_OUTLINE), html.escape(labels.this_parcel)),
        (_swatch(NEIGHBOUR_COLOUR, outline="#888"), html.escape(labels.neighbours_legend)),
        *[
            (
                _swatch(BUILDING_COLOURS[s]),
                f"{building} · {html.escape(labels.building_states.get(s, s))}",
            )
            for s in BUILDING_COLOURS
        ],
    ]
    fmap.get_root().html.add_child(_legend(labels.legend, legend))
    folium.LayerControl(collapsed=False).add_to(fmap)
    parcel_layers = {k: v for k, v in layers.items() if k in ("parcel", "neighbours")}
    _MapScript(fmap, parcel_layers, named_layers=layers, labels=labels).add_to(fmap)
    return fmap


NONCE = re.compile(r"^[A-Za-z0-9+/_=-]{16,}$")


def render(fmap: folium.Map, *, nonce: str | None = None) -> str:
    """The map (made by :func:`offline_map`) as a complete HTML page.

    With ``nonce`` (a Content Security Policy nonce: base64 or base64url, at least 16
    characters), the page's inline script carries it.
    """
    if nonce is not None and not NONCE.match(nonce):
        raise ValueError("a nonce is base64 or base64url text of at least 16 characters")
    return fmap.get_root().render(nonce=nonce)
