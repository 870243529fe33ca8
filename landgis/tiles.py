"""Mapbox vector tiles (MVT) of parcels and zones, in the Web Mercator XYZ tile matrix.

PostGIS encodes a tile itself (``ST_AsMVT``); on SpatiaLite the parcels intersecting the
tile are read and the tile is encoded here, the same way: geometry in EPSG:3857, clipped to
the tile plus a buffer, snapped to a 4096 grid. Both give the same features and attributes.

A tile holds the features whose geometry intersects the tile itself (not just its buffer).
An empty tile is returned as ``None`` (the API answers it with 204 No Content).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mapbox_vector_tile
import numpy as np
import shapely
from sqlalchemy import Integer, Select, bindparam, case, func, literal_column, select
from sqlalchemy.orm import Session

from landgis import wallclock
from landgis.db.dialects import Envelope, IndexOverlaps, backend_of
from landgis.db.models import Case, Parcel, Zone
from landgis.db.versioning import data_version
from landgis.errors import InvalidInput, NotFound
from landgis.geo import CGCS2000_EPSG
from landgis.parcels import (
    ParcelFilter,
    apply_filters,
    join_zone_and_current_case,
    late_cases,
)

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 22
WEB_MERCATOR_EPSG = 3857
# Half the width of the Web Mercator square, in metres (as PostGIS's ST_TileEnvelope).
ORIGIN = 20037508.342789244
# Bump when the encoding changes, so cached tiles are not reused across versions.
ENCODING_VERSION = "1"


@dataclass(frozen=True)
class Tile:
    """One tile of the XYZ scheme (as OSM and Leaflet: y = 0 at the top)."""

    z: int
    x: int
    y: int

    def __post_init__(self) -> None:
        if not 0 <= self.z <= MAX_ZOOM:
            raise InvalidInput(
                f"缩放级别 z 应在 0 到 {MAX_ZOOM} 之间。", f"z must be within 0..{MAX_ZOOM}."
            )
        size = 1 << self.z
        if not (0 <= self.x < size and 0 <= self.y < size):
            raise InvalidInput(
                f"瓦片行列号超出范围:缩放级别 {self.z} 时 x、y 应在 0 到 {size - 1} 之间。",
                f"Tile x and y must be within 0..{size - 1} at zoom {self.z}.",
            )

    def mercator_bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in EPSG:3857 metres."""
        span = 2 * ORIGIN / (1 << self.z)
        minx = -ORIGIN + self.x * span
        maxy = ORIGIN - self.y * span
        return minx, maxy - span, minx + span, maxy

    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        """(minlon, minlat, maxlon, maxlat) in CGCS2000, longitude first."""
        minx, miny, maxx, maxy = self.mercator_bounds()
        lons, lats = from_mercator(np.array([minx, maxx]), np.array([miny, maxy]))
        return float(lons[0]), float(lats[0]), float(lons[1]), float(lats[1])


# CGCS2000 and WGS 84 differ by centimetres, which PROJ (and so PostGIS) ignores between
# EPSG:4490 and EPSG:3857: the spherical Mercator formulas on the WGS 84 radius, as numpy.
RADIUS = 6378137.0


def to_mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:4490 longitude/latitude (degrees) to EPSG:3857 metres."""
    x = RADIUS * np.radians(lon)
    y = RADIUS * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y


def from_mercator(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:3857 metres to EPSG:4490 longitude/latitude (degrees)."""
    return np.degrees(x / RADIUS), np.degrees(np.arctan(np.sinh(y / RADIUS)))


# --- layers ---------------------------------------------------------------------------


def _parcel_layer(filters: ParcelFilter) -> tuple[Select[Any], Any]:
    stmt = join_zone_and_current_case(
        select(
            Parcel.id.label("id"),
            Parcel.parcel_code.label("code"),
            func.coalesce(Case.status, "none").label("status"),
            Case.route.label("route"),
            case((late_cases(), True), else_=False).label("overdue"),
            Case.case_no.label("case_no"),
        ).select_from(Parcel)
    )
    unpaged = dataclasses.replace(filters, limit=None, offset=0)
    stmt = apply_filters(stmt, unpaged, Parcel.parcel_code, Parcel.holder, Parcel.project_name)
    return stmt, Parcel.geom


def _zone_layer(_filters: ParcelFilter) -> tuple[Select[Any], Any]:
    stmt = select(Zone.id.label("id"), Zone.code, Zone.name, Zone.kind)
    return stmt, Zone.geom


# Collection name (also the tile's layer name) -> its rows: an ``id`` column, the attribute
# columns, and the geometry column. Zones ignore the parcel filters.
LAYERS: dict[str, Callable[[ParcelFilter], tuple[Select[Any], Any]]] = {
    "parcels": _parcel_layer,
    "zones": _zone_layer,
}


def check_collection(collection: str) -> None:
    """Raise NotFound unless ``collection`` is served as tiles."""
    if collection not in LAYERS:
        raise NotFound(
            f"没有名为 {collection} 的瓦片图层;可用:{'、'.join(LAYERS)}。",
            f"No tile collection {collection!r}; available: {', '.join(LAYERS)}.",
        )


# --- encoding per backend -------------------------------------------------------------


def _tile_postgis(session: Session, name: str, filters: ParcelFilter, tile: Tile) -> bytes:
    stmt = _postgis_statement(name, filters, wallclock.today())
    # Core, not the ORM: the tile is one value and the ORM layer costs a fraction of a ms.
    body = session.connection().execute(stmt, {"z": tile.z, "x": tile.x, "y": tile.y}).scalar()
    return bytes(body or b"")


@functools.lru_cache(maxsize=256)
def _postgis_statement(name: str, filters: ParcelFilter, today: dt.date) -> Select[Any]:
    """The tile query of a layer and filter, built once a day (``overdue`` depends on the
    date): building it costs more than PostGIS takes for a small tile. z/x/y are bound."""
    rows, geom = LAYERS[name](filters)
    envelope = func.ST_TileEnvelope(
        bindparam("z", type_=Integer), bindparam("x", type_=Integer), bindparam("y", type_=Integer)
    )
    search = func.ST_Transform(envelope, CGCS2000_EPSG)  # integer SRIDs: fast
    mvt_geom = func.ST_AsMVTGeom(
        func.ST_Transform(geom, WEB_MERCATOR_EPSG), envelope, EXTENT, BUFFER, True
    )
    inner = (
        rows.add_columns(mvt_geom.label("geom"))
        .where(IndexOverlaps(geom, search))
        .where(func.ST_Intersects(geom, search))
        .subquery("t")
    )
    return (
        select(func.ST_AsMVT(literal_column("t"), name, EXTENT, "geom", "id"))
        .select_from(inner)
        .where(inner.c.geom.is_not(None))
    )


def _tile_python(session: Session, name: str, filters: ParcelFilter, tile: Tile) -> bytes:
    rows, geom = LAYERS[name](filters)
    lonlat = tile.lonlat_bounds()
    stmt = rows.add_columns(func.ST_AsBinary(geom).label("wkb")).where(
        IndexOverlaps(geom, Envelope(*lonlat, CGCS2000_EPSG))
    )
    records = [r._asdict() for r in session.execute(stmt) if r.wkb is not None]
    if not records:
        return b""
    shapes = shapely.from_wkb([bytes(r.pop("wkb")) for r in records])
    hits = shapely.intersects(shapes, shapely.box(*lonlat))
    records = [r for r, hit in zip(records, hits, strict=True) if hit]
    shapes = shapes[hits]
    if not records:
        return b""
    pixels = _to_tile_pixels(shapes, tile)
    features = []
    for record, shape in zip(records, pixels, strict=True):
        if shape is None or shape.is_empty:
            continue
        properties = {
            key: bool(value) if key == "overdue" else value
            for key, value in record.items()
            if key != "id" and value is not None
        }
        features.append({"geometry": shape, "properties": properties, "id": record["id"]})
    if not features:
        return b""
    options = {"extents": EXTENT, "y_coord_down": True, "check_winding_order": True}
    return mapbox_vector_tile.encode(
        [{"name": name, "features": features}], default_options=options
    )


def _to_tile_pixels(shapes: np.ndarray, tile: Tile) -> np.ndarray:
    """Lon/lat geometries as tile pixels (y down), clipped to the buffered tile, on the
    integer grid: what ``ST_AsMVTGeom(..., 4096, 64, true)`` does."""
    minx, _miny, maxx, maxy = tile.mercator_bounds()
    scale = EXTENT / (maxx - minx)

    def to_pixels(coords: np.ndarray) -> np.ndarray:
        x, y = to_mercator(coords[:, 0], coords[:, 1])
        return np.column_stack(((x - minx) * scale, (maxy - y) * scale))

    pixels = shapely.transform(shapes, to_pixels)
    clipped = shapely.clip_by_rect(pixels, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    snapped = shapely.set_precision(clipped, 1.0)
    return shapely.make_valid(snapped)


ENCODERS: dict[str, Callable[[Session, str, ParcelFilter, Tile], bytes]] = {
    "postgis": _tile_postgis,
    "spatialite": _tile_python,
}


def render_tile(
    session: Session, collection: str, tile: Tile, filters: ParcelFilter | None = None
) -> bytes | None:
    """The MVT bytes of ``collection`` (layer of the same name) in ``tile``; None if empty."""
    check_collection(collection)
    unpaged = dataclasses.replace(filters or ParcelFilter(), limit=None, offset=0)
    body = ENCODERS[backend_of(session)](session, collection, unpaged, tile)
    return body or None


# --- caching --------------------------------------------------------------------------


def tile_etag(
    session: Session, collection: str, tile: Tile, filters: ParcelFilter | None = None
) -> str:
    """A strong ETag (quoted) for the tile: data version, today's date (``overdue``
    depends on it), the tile and the filters."""
    filters = dataclasses.replace(filters or ParcelFilter(), limit=None, offset=0)
    key = "\n".join(
        (
            ENCODING_VERSION,
            str(data_version(session)),
            wallclock.today().isoformat(),
            collection,
            f"{tile.z}/{tile.x}/{tile.y}",
            repr(filters),
        )
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, as RFC 9110)."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False
