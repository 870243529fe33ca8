"""Where a map opens: a view given as ``lat,lon,zoom``, or the bounds of what it shows."""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import geopandas as gpd

from landgis.errors import InvalidInput
from landgis.i18n import _


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
            _("view 应为 纬度,经度,缩放级别,例如 30.1,104.81,14(缩放级别 0 到 22)。"),
        )
    return MapView(lat, lon, zoom)


def open_at(fmap: folium.Map, view: MapView) -> None:
    """Make ``fmap`` open centred on ``view`` at its zoom."""
    fmap.location = [view.lat, view.lon]
    fmap.options["zoom"] = view.zoom


def fit_to(fmap: folium.Map, *frames: gpd.GeoDataFrame, clear_right: int = 0) -> None:
    """Make ``fmap`` open on the bounds of ``frames`` (on China when they hold nothing),
    leaving ``clear_right`` pixels on the right free (for a legend there)."""
    bounds = [f.total_bounds for f in frames if not f.empty and f.geometry.notna().any()]
    bounds = [b for b in bounds if all(math.isfinite(v) for v in b)]
    if not bounds:
        open_at(fmap, CHINA)
        return
    minx = min(b[0] for b in bounds)
    miny = min(b[1] for b in bounds)
    maxx = max(b[2] for b in bounds)
    maxy = max(b[3] for b in bounds)
    corners = [[miny, minx], [maxy, maxx]]
    if clear_right:
        fmap.fit_bounds(
            corners, padding_top_left=(12, 12), padding_bottom_right=(12 + clear_right, 12)
        )
    else:
        fmap.fit_bounds(corners, padding=(12, 12))


def fit_around(fmap: folium.Map, parcel: gpd.GeoDataFrame, margin_m: float = 100.0) -> None:
    """Centre the parcel with at least ``margin_m`` (or half its size) of its surroundings."""
    minx, miny, maxx, maxy = parcel.total_bounds
    lat = math.radians((miny + maxy) / 2)
    dy = max(margin_m / 111_000, (maxy - miny) / 2)
    dx = max(margin_m / (111_000 * max(math.cos(lat), 0.01)), (maxx - minx) / 2)
    fmap.fit_bounds([[miny - dy, minx - dx], [maxy + dy, maxx + dx]])
