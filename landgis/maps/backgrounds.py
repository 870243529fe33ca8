"""Map backgrounds: none (the default: a page works offline), OpenStreetMap, 天地图 and
高德. On 高德 tiles (GCJ-02) the geometries are shifted to GCJ-02 for display
(:mod:`landgis.gcj02`), never in storage. :func:`tile_origins` names the hosts a page
drawing a background must allow images from.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import folium
import geopandas as gpd

from landgis.errors import InvalidInput
from landgis.gcj02 import to_gcj02
from landgis.i18n import _
from landgis.maps.labels import BASEMAP_LABELS, CHINESE, TILE_ATTRIBUTIONS, TILE_NAMES, MapLabels


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
                _(
                    "天地图底图需要密钥(tk):请在设置中配置 LANDGIS_TIANDITU_KEY,"
                    "或改用其他底图(basemap=none、osm 或 amap)。"
                ),
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
    raise InvalidInput(_("未知底图 “{name}”:可选 none、osm、tianditu、amap。", name=name))


def tile_origins(background: Basemap) -> tuple[str, ...]:
    """The origins (``https://host``) the background's tiles are loaded from, each
    subdomain spelled out, sorted: what a page drawing it must allow images from."""
    origins = set()
    for source in background.tiles:
        for subdomain in source.subdomains or "-":
            url = urlsplit(source.url.replace("{s}", subdomain))
            origins.add(f"{url.scheme}://{url.netloc}")
    return tuple(sorted(origins))


def add_tiles(fmap: folium.Map, background: Basemap) -> None:
    """Add the background's tile layers to ``fmap`` (each one in the layer control)."""
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


def for_display(frame: gpd.GeoDataFrame, background: Basemap) -> gpd.GeoDataFrame:
    """The rows of ``frame`` that have a geometry, shifted to GCJ-02 if the background
    needs it."""
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return to_gcj02(frame) if background.gcj02 else frame
