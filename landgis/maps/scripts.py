"""The script of a map page that wires its layers together once they exist.

Readiness signal: when the parcels of the current view are drawn, the ledger map sets
``document.documentElement.dataset.parcelsDrawn`` to ``performance.now()`` (here, in the
animation frame after the inline GeoJSON layers are added; the tiled ledger map of
:mod:`landgis.tiled_map` sets the same attribute when its tiles have loaded). Benchmarks
and tests wait for it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import folium
from branca.element import MacroElement
from jinja2 import Template

from landgis.maps.labels import CHINESE, MapLabels


class MapScript(MacroElement):
    """Wires the layers together once they exist: parcel popups (case summary and link, or
    the HTML each feature carries in ``popup_property``),
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
    var popupProperty = {{ this.popup_property|tojson }};
    // Every displayed property is HTML-escaped text already (see parcel_properties).
    function popup(layer) {
        var p = (layer.feature || {}).properties || {};
        if (popupProperty) { return p[popupProperty] || ""; }
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
        parcel_layers: Mapping[str, folium.map.Layer],
        zone_toggles: Mapping[str, folium.map.Layer] | None = None,
        named_layers: Mapping[str, folium.map.Layer] | None = None,
        labels: MapLabels = CHINESE,
        signal_drawn: bool = False,
        popup_property: str | None = None,
    ) -> None:
        super().__init__()
        self.popup_property = popup_property
        self._name = "LandgisMapScript"
        self.signal_drawn = signal_drawn
        self.map_name = fmap.get_name()
        self.parcel_layers = [(k, v.get_name()) for k, v in parcel_layers.items()]
        self.zone_toggles = [(k, v.get_name()) for k, v in (zone_toggles or {}).items()]
        self.named_layers = [(k, v.get_name()) for k, v in (named_layers or {}).items()]
        self.case_rows = [(key, html.escape(label)) for key, label in labels.case_popup]
        self.parcel_rows = [(key, html.escape(label)) for key, label in labels.parcel_popup]
        self.link_text = [html.escape(labels.case_link), html.escape(labels.parcel_link)]
