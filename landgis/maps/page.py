"""The HTML page around a map: Leaflet from landgis itself, one nonce-carrying script.

Every page works offline: Leaflet comes from landgis (:mod:`landgis.assets`), not a CDN.

Content Security Policy: a map page has one inline script, the one folium collects every
element's code into; :func:`render` gives it the caller's ``nonce``, so a page served with
``script-src 'self' 'nonce-…'`` runs it and nothing else inline. The page has no event
handler attributes. A page drawn once and served later (:func:`render_for_later`) carries
a random placeholder that :func:`with_nonce` swaps for each response's nonce.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass

import folium
from branca.element import Element, Figure
from jinja2 import Environment, Template

from landgis.assets import VENDOR_URL, map_scripts, map_stylesheets

# Pane for zone boundaries: below the parcels (overlayPane is 400), above the tiles.
ZONE_PANE = "landgis-zones"
NONCE = re.compile(r"^[A-Za-z0-9+/_=-]{16,}$")

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


class _EmbeddedMap(_OfflineMap):
    """An offline map drawn inside a page of landgis (:func:`render_parts`) rather than as a
    page of its own: it fills the element the page gives it, and leaves the page's own
    ``html`` and ``body`` styles alone."""

    _template = Environment().from_string(
        """
{% macro header(this, kwargs) %}
<style>
  #{{ this.get_name() }} { position: relative; width: 100%; height: 100%; }
  .leaflet-container { font-size: {{ this.font_size }}; }
</style>
{% endmacro %}
{% macro html(this, kwargs) %}{{ folium_map.html(this, kwargs) }}{% endmacro %}
{% macro script(this, kwargs) %}{{ folium_map.script(this, kwargs) }}{% endmacro %}
""",
        globals={"folium_map": folium.Map._template.module},
    )


@dataclass(frozen=True)
class MapParts:
    """A map drawn inside another page: what goes in the page's head (Leaflet's stylesheet
    and script, the map's styles) and where the map goes (its element and its one inline
    script, carrying the page's nonce)."""

    head: str
    body: str


def page_of(fmap: folium.Map) -> Figure:
    """The page (branca's Figure) that ``fmap`` is drawn in: where legends and the page's
    head go."""
    root = fmap.get_root()
    if not isinstance(root, Figure):
        raise TypeError("a folium map is drawn in a branca Figure")
    return root


def offline_map(
    asset_url: str = VENDOR_URL,
    *,
    title: str | None = None,
    prefer_canvas: bool = False,
    embedded: bool = False,
) -> folium.Map:
    """An empty folium map whose scripts and styles come from ``asset_url``, not a CDN.

    Only Leaflet is loaded: none of folium's other defaults (jQuery, Bootstrap, Font
    Awesome, awesome-markers) is used by landgis maps. The page's only inline script is
    the one :func:`render` gives a nonce. ``embedded``: a map to draw inside another page
    (:func:`render_parts`), filling the element that holds it.
    """
    kind = _EmbeddedMap if embedded else _OfflineMap
    fmap = kind(tiles=None, control_scale=False, prefer_canvas=prefer_canvas, zoom_snap=0.25)
    fmap.default_js = map_scripts(asset_url)
    fmap.default_css = map_stylesheets(asset_url)
    root = page_of(fmap)
    root._template = _PAGE_TEMPLATE
    if title:
        root.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="title")
    root.header.add_child(Element(_PAGE_STYLE), name="landgis_style")
    folium.map.CustomPane(ZONE_PANE, z_index=390).add_to(fmap)
    return fmap


def render(fmap: folium.Map, *, nonce: str | None = None) -> str:
    """The map (made by :func:`offline_map`) as a complete HTML page.

    With ``nonce`` (a Content Security Policy nonce: base64 or base64url, at least 16
    characters), the page's inline script carries it.
    """
    if nonce is not None and not NONCE.match(nonce):
        raise ValueError("a nonce is base64 or base64url text of at least 16 characters")
    return page_of(fmap).render(nonce=nonce)


def render_parts(fmap: folium.Map, *, nonce: str) -> MapParts:
    """The map (made by ``offline_map(embedded=True)``) as the parts of another page: its
    head and its body, whose one inline script carries ``nonce``."""
    if not NONCE.match(nonce):
        raise ValueError("a nonce is base64 or base64url text of at least 16 characters")
    root = page_of(fmap)
    root.render(nonce=nonce)  # draws the map's elements into the page's three parts
    script = root.script.render(nonce=nonce)
    return MapParts(
        head=root.header.render(nonce=nonce),
        body=f'{root.html.render(nonce=nonce)}\n<script nonce="{nonce}">\n{script}\n</script>',
    )


def render_for_later(fmap: folium.Map) -> tuple[str, str]:
    """The map as a page to serve later: the HTML, whose inline script carries a random
    placeholder nonce, and that placeholder (see :func:`with_nonce`)."""
    placeholder = secrets.token_urlsafe(24)
    return render(fmap, nonce=placeholder), placeholder


def with_nonce(page: str, placeholder: str, nonce: str) -> str:
    """A page of :func:`render_for_later` whose inline script carries ``nonce`` instead of
    the ``placeholder``; ValueError when the page has no such script, or ``nonce`` is not
    one."""
    if not NONCE.match(nonce):
        raise ValueError("a nonce is base64 or base64url text of at least 16 characters")
    tag = f'<script nonce="{placeholder}">'
    if not NONCE.match(placeholder) or page.count(tag) != 1:
        raise ValueError("not a page rendered for later with this placeholder")
    return page.replace(tag, f'<script nonce="{nonce}">')
