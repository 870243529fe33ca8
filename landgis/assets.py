"""Browser assets (scripts, stylesheets, images) that landgis serves itself.

Maps must load on an intranet with no internet access, so every asset comes from a
Python package installed with landgis, never from a CDN.

The maps need Leaflet only (its script, stylesheet and the images the stylesheet names).
folium's other default assets (jQuery, Bootstrap, Font Awesome, Leaflet.awesome-markers)
are not used by landgis maps and are left out rather than served; labels use the fonts
installed on the user's machine, so no web font is needed either.

The large ledger map also needs Leaflet.VectorGrid, which is not on PyPI: its bundled script
is vendored in ``landgis/static/vectorgrid`` (with its licence) and served like Leaflet.
"""

from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet as leaflet

# URL path under which the web layer serves the vendor packages.
VENDOR_URL = "/static/vendor"

VENDORED_DIR = Path(__file__).resolve().parent / "static"

VENDOR_PACKAGES: dict[str, Path] = {
    "leaflet": Path(leaflet.BASE_DIR),
    "vectorgrid": VENDORED_DIR / "vectorgrid",
}

MAP_SCRIPTS: list[tuple[str, str]] = [("leaflet", "leaflet/leaflet.js")]
MAP_STYLESHEETS: list[tuple[str, str]] = [("leaflet_css", "leaflet/leaflet.css")]
# Leaflet.VectorGrid (vector tiles in Leaflet), for the tiled ledger map only.
VECTORGRID_SCRIPT = ("vectorGrid", "vectorgrid/Leaflet.VectorGrid.bundled.js")


def map_scripts(base_url: str = VENDOR_URL) -> list[tuple[str, str]]:
    """The scripts a map page loads, under ``base_url``."""
    return [(name, f"{base_url}/{path}") for name, path in MAP_SCRIPTS]


def map_stylesheets(base_url: str = VENDOR_URL) -> list[tuple[str, str]]:
    """The stylesheets a map page loads, under ``base_url``."""
    return [(name, f"{base_url}/{path}") for name, path in MAP_STYLESHEETS]


def vectorgrid_script(base_url: str = VENDOR_URL) -> tuple[str, str]:
    """Leaflet.VectorGrid's script (name, URL) under ``base_url``."""
    name, path = VECTORGRID_SCRIPT
    return name, f"{base_url}/{path}"
