"""The ledger map at province scale: parcels drawn from vector tiles, not inlined.

Up to ``inline_max_parcels`` filtered parcels (setting ``map_inline_max_parcels``), the
ledger map inlines them as GeoJSON (:func:`landgis.maps.ledger_map`). Above it, decided by
one COUNT query (by status, which also feeds the legend), :func:`tiled_ledger_map` draws
them from ``/tiles/parcels/{z}/{x}/{y}.mvt`` with the map's filters in the query string,
through Leaflet.VectorGrid served by landgis itself (:mod:`landgis.assets`; nothing comes
from a CDN). The page keeps what the inline map has: status colours, legend, zone outlines
(few, so inline GeoJSON), tooltips on hover (code and status from the tile's attributes)
and popups, fetched on click from ``/map/parcels/{code}/popup`` in the page's language
(:func:`parcel_popup`, the same HTML as the inline map's).

A tile at province zoom would hold every parcel, so parcels appear from zoom
:data:`PARCELS_MIN_ZOOM` on; below it the legend says to zoom in and only the zones show.
The map opens on the extent of the filtered parcels, computed in the database. Paging
(``limit``/``offset``) does not apply to tiles. On 高德 backgrounds (GCJ-02) the page asks
for tiles shifted to GCJ-02 (``gcj02=true``, :mod:`landgis.tiles`) and shifts its zones and
extent alike, so parcels sit where the inline map draws them; for display only.

Readiness signal (as the inline map's): when the parcels of the current view are drawn, the
page sets ``document.documentElement.dataset.parcelsDrawn`` to ``performance.now()``: each
time the parcel tile layer fires ``load``, or at once when the view is below the minimum
zoom (no parcel to draw).
"""

from __future__ import annotations

import dataclasses
import html
import json
from typing import Any
from urllib.parse import urlencode

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.plugins import VectorGridProtobuf
from jinja2 import Template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis.assets import VENDOR_URL, vectorgrid_script
from landgis.db.backends import backend_for
from landgis.db.models import Case, Parcel
from landgis.db.query_types import AnySelect
from landgis.db.repository import zones_frame
from landgis.errors import NotFound
from landgis.filters import filter_params, without_paging
from landgis.gcj02 import wgs84_to_gcj02
from landgis.i18n import _
from landgis.maps import (
    CHINESE,
    NOT_IN_LEDGER,
    STATUS_COLOURS,
    Basemap,
    MapLabels,
    MapView,
    add_tiles,
    for_display,
    ledger_map,
    legend,
    offline_map,
    open_at,
    page_of,
    parcel_properties,
    popup_html,
    resolve_basemap,
    swatch,
    unique_name,
    zone_layers,
)
from landgis.parcels import (
    ParcelFilter,
    apply_filters,
    join_zone_and_current_case,
    parcels_frame,
)

# Below this zoom the parcel tiles are not requested (a tile would hold a whole county).
PARCELS_MIN_ZOOM = 12
TILE_URL = "/tiles/parcels/{z}/{x}/{y}.mvt"
# The tiles' query on GCJ-02 backgrounds (高德): features shifted as the inline map's.
GCJ02_TILES = "gcj02=true"
POPUP_URL = "/map/parcels/{code}/popup"
# With more zones the layer control starts collapsed (it would hide the legend).
EXPANDED_CONTROL_MAX_ZONES = 15
# The layer control sits under the zoom buttons: at Leaflet's default place (top right) it
# covers the legend (bottom right) on a map shorter than both, as the dashboard's is.
LAYER_CONTROL_POSITION = "topleft"
Extent = tuple[float, float, float, float]


# --- what the database says about the filtered parcels -----------------------------------


def _filtered(stmt: AnySelect, filters: ParcelFilter) -> AnySelect:
    """``stmt`` over parcels joined to their zone and current case, narrowed by ``filters``
    (not paged)."""
    stmt = join_zone_and_current_case(stmt.select_from(Parcel))
    unpaged = dataclasses.replace(filters, limit=None, offset=0)
    return apply_filters(stmt, unpaged, Parcel.parcel_code, Parcel.holder, Parcel.project_name)


def status_counts(session: Session, filters: ParcelFilter | None = None) -> dict[str, int]:
    """How many filtered parcels have each status (``"none"``: not in the ledger), in one
    grouped COUNT; paging (``limit``/``offset``) is ignored."""
    status = func.coalesce(Case.status, NOT_IN_LEDGER).label("status")
    stmt = _filtered(select(status, func.count(Parcel.id)), filters or ParcelFilter())
    rows = session.execute(stmt.group_by(Case.status)).all()
    return {str(key): int(n) for key, n in rows if n}


def shown_count(counts: dict[str, int], filters: ParcelFilter) -> int:
    """How many parcels the inline map would draw: the count, paged like ``parcels_frame``."""
    n = max(sum(counts.values()) - filters.offset, 0)
    return n if filters.limit is None else min(n, filters.limit)


def parcels_extent(session: Session, filters: ParcelFilter | None = None) -> Extent | None:
    """(minlon, minlat, maxlon, maxlat) of the filtered parcels, computed in the database;
    None when no parcel matches."""
    corners = backend_for(session).extent(Parcel.geom)
    row = session.execute(_filtered(select(*corners), filters or ParcelFilter())).one()
    if any(v is None for v in row):
        return None
    minx, miny, maxx, maxy = (float(v) for v in row)
    return minx, miny, maxx, maxy


def parcel_popup(session: Session, code: str, labels: MapLabels = CHINESE) -> str:
    """The popup HTML of parcel ``code``, as the ledger map shows it (every value escaped).

    Raises :class:`NotFound` for an unknown code.
    """
    frame = parcels_frame(session, ParcelFilter(codes=(code,)))
    if frame.empty:
        raise NotFound(_("没有宗地编号为 {code} 的宗地。", code=code))
    return popup_html(parcel_properties(frame, labels).iloc[0].to_dict(), labels)


def for_display_extent(extent: Extent, background: Basemap) -> Extent:
    """``extent`` as the map draws it: its corners shifted to GCJ-02 if the background
    needs it."""
    if not background.gcj02:
        return extent
    minx, miny, maxx, maxy = extent
    lons, lats = wgs84_to_gcj02([minx, maxx], [miny, maxy])
    return float(lons[0]), float(lats[0]), float(lons[1]), float(lats[1])


# --- URLs ---------------------------------------------------------------------------------


def parcel_tile_url(filters: ParcelFilter, base: str = TILE_URL) -> str:
    """The Leaflet URL template of the parcel tiles, carrying ``filters``."""
    query = urlencode(filter_params(without_paging(filters)))
    return f"{base}?{query}" if query else base


# --- the page -------------------------------------------------------------------------------


class _TiledScript(MacroElement):
    """Tooltips, popups fetched on click, the zoom-in hint, the readiness signal and
    ``window.landgis`` for the tiled map."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    if (!L.DomEvent.fakeStop) {
        // VectorGrid 1.3.0 calls L.DomEvent.fakeStop (gone in Leaflet 1.9) when a canvas
        // tile is clicked: stop the click there, as the old function did.
        L.DomEvent.fakeStop = function (e) { L.DomEvent.stopPropagation(e); };
    }
    var map = {{ this.map_name }};
    var grid = {{ this.grid_name }};
    var minZoom = {{ this.min_zoom }};
    var statuses = {{ this.statuses|tojson }};
    var tipLabels = {{ this.tip_labels|tojson }};
    var popupUrl = {{ this.popup_url|tojson }};
    function esc(text) {
        return String(text).replace(/[&<>"']/g, function (c) {
            return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
        });
    }
    function drawn() {
        document.documentElement.dataset.parcelsDrawn = String(performance.now());
    }
    var tip = L.tooltip({ sticky: true, className: "landgis-parcel-tip" });
    grid.on("mouseover mousemove", function (e) {
        var p = (e.layer && e.layer.properties) || {};
        if (e.type === "mouseover") {
            // Labels are escaped in Python; tile values here.
            tip.setContent(
                "<b>" + tipLabels[0] + "</b> " + esc(p.code || "") + "<br><b>" +
                tipLabels[1] + "</b> " + esc(statuses[p.status] || p.status || "")
            );
        }
        tip.setLatLng(e.latlng);
        if (!map.hasLayer(tip)) { map.openTooltip(tip); }
    });
    grid.on("mouseout", function () { map.closeTooltip(tip); });
    var popup = L.popup({ maxWidth: 380 });
    function showPopup(code, latlng) {
        var url = popupUrl.split("{code}").join(encodeURIComponent(code));
        return fetch(url, { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.text() : null; })
            .then(function (body) {
                if (body !== null) { popup.setLatLng(latlng).setContent(body).openOn(map); }
                return body !== null;
            });
    }
    grid.on("click", function (e) {
        var code = e.layer && e.layer.properties && e.layer.properties.code;
        if (code !== undefined && code !== null) { showPopup(String(code), e.latlng); }
    });
    var hints = document.querySelectorAll(".landgis-zoom-hint");
    function belowMinZoom() {
        // As Leaflet picks the tile zoom: the view's zoom, rounded.
        var below = Math.round(map.getZoom()) < minZoom;
        hints.forEach(function (el) { el.parentNode.style.display = below ? "" : "none"; });
        return below;
    }
    grid.on("load", drawn);
    // A layer's minZoom would otherwise become the map's: keep province views reachable.
    if (map.options.minZoom === undefined) { map.options.minZoom = 0; }
    grid.addTo(map);
    map.on("zoomend", function () { if (belowMinZoom()) { drawn(); } });
    requestAnimationFrame(function () { if (belowMinZoom()) { drawn(); } });
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    window.landgis = {
        map: map, tiled: true, parcelsLayer: grid, parcels: {}, minZoom: minZoom,
        zoneLayers: {}, layers: { parcels: grid }, showPopup: showPopup
    };
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        fmap: folium.Map,
        grid: VectorGridProtobuf,
        *,
        popup_url: str,
        min_zoom: int,
        labels: MapLabels,
    ) -> None:
        super().__init__()
        self._name = "LandgisTiledScript"
        self.map_name = fmap.get_name()
        self.grid_name = grid.get_name()
        self.min_zoom = int(min_zoom)
        self.popup_url = popup_url
        self.statuses = {k: labels.statuses.get(k, k) for k in STATUS_COLOURS}
        self.tip_labels = [
            html.escape(labels.tooltip.get("parcel_code", "宗地编号")),
            html.escape(labels.tooltip.get("status_label", "处置状态")),
        ]


def _grid_options(min_zoom: int) -> str:
    """VectorGrid options as JavaScript: the parcels layer styled by status.

    Leaflet loads tiles of the rounded zoom but drops them all when the view's own zoom is
    below ``minZoom``: ``min_zoom - 0.5`` makes both agree (zoom 11.5 shows zoom-12 tiles).
    """
    colours = json.dumps(STATUS_COLOURS)
    none = json.dumps(NOT_IN_LEDGER)
    return (
        "{interactive: true, pane: 'overlayPane', minZoom: " + str(int(min_zoom) - 0.5) + ", "
        "maxNativeZoom: 22, vectorTileLayerStyles: {parcels: function (p) {"
        f"var colours = {colours}; var key = colours[p.status] ? p.status : {none};"
        "return {fill: true, fillColor: colours[key], fillOpacity: 0.7, color: '#333333', "
        "weight: 1, className: 'landgis-parcel landgis-status-' + key};}}}"
    )


def tiled_ledger_map(
    counts: dict[str, int],
    extent: Extent | None,
    zones: gpd.GeoDataFrame,
    *,
    tile_url: str = TILE_URL,
    popup_url: str = POPUP_URL,
    min_zoom: int = PARCELS_MIN_ZOOM,
    basemap: str = "none",
    tianditu_key: str | None = None,
    asset_url: str = VENDOR_URL,
    title: str | None = None,
    labels: MapLabels = CHINESE,
    view: MapView | None = None,
) -> folium.Map:
    """The ledger map with parcels from vector tiles at ``tile_url`` (a Leaflet template
    carrying the filters), from zoom ``min_zoom`` on; ``counts`` (per status) feed the
    legend, ``view`` or else ``extent`` the initial view; ``popup_url`` holds ``{code}``."""
    background = resolve_basemap(basemap, tianditu_key, labels)
    fmap = offline_map(asset_url, title=labels.title if title is None else title)
    add_tiles(fmap, background)
    taken: set[str] = set()
    status_name = {key: html.escape(labels.statuses.get(key, key)) for key in STATUS_COLOURS}
    total = sum(counts.values())
    if background.gcj02:
        tile_url += ("&" if "?" in tile_url else "?") + GCJ02_TILES
    grid = VectorGridProtobuf(
        tile_url,
        name=unique_name(
            f"{swatch(STATUS_COLOURS[NOT_IN_LEDGER])}{html.escape(labels.parcels)} ({total})",
            taken,
            "parcels",
        ),
        options=_grid_options(min_zoom),
        show=False,  # added by the page's script once the view is set: no stray tiles
    )
    grid.default_js = [vectorgrid_script(asset_url)]
    grid.add_to(fmap)
    # Zones and the extent are shifted as the tiles are (on GCJ-02 backgrounds).
    zone_layers(fmap, for_display(zones, background), set(), taken, labels)
    if view is not None:
        open_at(fmap, view)
    elif extent is not None:
        minx, miny, maxx, maxy = for_display_extent(extent, background)
        fmap.fit_bounds([[miny, minx], [maxy, maxx]], padding=(12, 12))
    items = [
        (swatch(STATUS_COLOURS[s]), f"{status_name[s]} ({counts[s]})")
        for s in STATUS_COLOURS
        if counts.get(s)
    ]
    hint = f'<span class="landgis-zoom-hint">{html.escape(labels.zoom_in)}</span>'
    page_of(fmap).html.add_child(legend(labels.status_legend, [*items, ("", hint)]))
    folium.LayerControl(collapsed=len(zones) > EXPANDED_CONTROL_MAX_ZONES).add_to(fmap)
    _TiledScript(fmap, grid, popup_url=popup_url, min_zoom=min_zoom, labels=labels).add_to(fmap)
    return fmap


def place_layer_control(fmap: folium.Map) -> folium.Map:
    """``fmap`` with its layer control at :data:`LAYER_CONTROL_POSITION`, clear of the
    legend."""
    for child in fmap._children.values():
        if isinstance(child, folium.LayerControl):
            child.options["position"] = LAYER_CONTROL_POSITION
    return fmap


def ledger_page_map(
    session: Session,
    filters: ParcelFilter,
    *,
    inline_max_parcels: int,
    popup_url: str = POPUP_URL,
    min_zoom: int = PARCELS_MIN_ZOOM,
    basemap: str = "none",
    tianditu_key: str | None = None,
    asset_url: str = VENDOR_URL,
    labels: MapLabels = CHINESE,
    view: MapView | None = None,
) -> folium.Map:
    """The ledger map of the filtered parcels: inline GeoJSON up to ``inline_max_parcels``
    parcels (one grouped COUNT decides), vector tiles above; opening on ``view`` if given."""
    counts = status_counts(session, filters)
    zones = zones_frame(session)
    common: dict[str, Any] = {
        "basemap": basemap,
        "tianditu_key": tianditu_key,
        "asset_url": asset_url,
        "labels": labels,
        "view": view,
    }
    if shown_count(counts, filters) <= inline_max_parcels:
        return place_layer_control(ledger_map(parcels_frame(session, filters), zones, **common))
    fmap = tiled_ledger_map(
        counts,
        parcels_extent(session, filters),
        zones,
        tile_url=parcel_tile_url(filters),
        popup_url=popup_url,
        min_zoom=min_zoom,
        **common,
    )
    return place_layer_control(fmap)
