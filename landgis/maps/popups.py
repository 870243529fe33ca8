"""A parcel's tooltip and popup: the case summary and a link to the case page for parcels
in the ledger, else the parcel's facts and a link to its map.

The inline maps build popups in the page (:mod:`landgis.maps.scripts`) from the same rows
of :class:`~landgis.maps.labels.MapLabels`; :func:`popup_html` builds one on the server,
for maps that fetch popups on click.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import folium

from landgis.maps.labels import CHINESE, TOOLTIP_FIELDS, MapLabels


def popup_html(properties: Mapping[str, Any], labels: MapLabels = CHINESE) -> str:
    """The popup of one parcel, as the ledger map shows it: the case summary and a link to
    the case page for parcels in the ledger, else the parcel's facts and a link to its map.

    ``properties`` is one row of :func:`~landgis.maps.properties.parcel_properties`
    (values already escaped).
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


def parcel_tooltip(labels: MapLabels) -> folium.GeoJsonTooltip:
    """The tooltip of a parcel layer: code, holder, zone, status and area."""
    fields = list(TOOLTIP_FIELDS)
    aliases = [html.escape(labels.tooltip.get(f, TOOLTIP_FIELDS[f])) for f in fields]
    return folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True)
