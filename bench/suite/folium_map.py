"""The baseline map of row 6: an inline-GeoJSON folium map of every parcel, as a GIS
engineer would write it, with Leaflet served locally (no CDN)."""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
import geopandas as gpd
import sqlalchemy
import xstatic.pkg.leaflet

COLORS = {
    "suspected": "#fdae61",
    "investigating": "#f46d43",
    "identified": "#d73027",
    "planned": "#74add1",
    "disposing": "#4575b4",
    "revitalized": "#1a9850",
    "closed": "#999999",
}


def write_map(url: str, directory: Path) -> Path:
    """Write ``index.html`` (the map, parcels inline) and Leaflet into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    leaflet = Path(xstatic.pkg.leaflet.BASE_DIR)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy(leaflet / name, directory / name)
    engine = sqlalchemy.create_engine(url)
    try:
        frame = gpd.read_postgis(
            """
            select p.parcel_code, p.holder, c.status, p.geom from parcels p
            left join lateral (select status from cases c where c.parcel_id = p.id
                               order by c.id desc limit 1) c on true
            """,
            engine,
            geom_col="geom",
        )
    finally:
        engine.dispose()
    bounds = frame.total_bounds
    fmap = folium.Map(tiles=None, prefer_canvas=True)
    fmap.default_js = [("leaflet", "leaflet.js")]
    fmap.default_css = [("leaflet_css", "leaflet.css")]
    for status, group in frame.groupby(frame["status"].fillna("none"), sort=True):
        color = COLORS.get(str(status), "#3388ff")
        folium.GeoJson(
            group,
            name=str(status),
            style_function=lambda _f, c=color: {"color": c, "weight": 1},
            tooltip=folium.GeoJsonTooltip(["parcel_code", "holder", "status"]),
        ).add_to(fmap)
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    out = directory / "index.html"
    fmap.save(str(out))
    return out
