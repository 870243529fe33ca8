"""Mapbox vector tiles (MVT) of parcels and zones, in the Web Mercator XYZ tile matrix
(``WebMercatorQuad``, :mod:`landgis.tile_matrix_sets`).

The backend encodes a layer's tiles (:meth:`landgis.db.backends.Backend.tile_source`), each
the same way: geometry in EPSG:3857, clipped to the tile plus a buffer, snapped to a 4096
grid. Every backend gives the same features and attributes.

A tile holds the features whose geometry intersects the tile itself (not just its buffer).
An empty tile is returned as ``None`` (the API answers it with 204 No Content).

With ``gcj02`` the tiles are for maps on backgrounds drawn in GCJ-02 (高德): every
geometry is shifted to GCJ-02 (:mod:`landgis.gcj02`) before it is cut into tiles, as the
inline map shifts its parcels; for display only, never stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, case, func, select, true
from sqlalchemy.orm import Session

from landgis import wallclock
from landgis.db.backends import Backend, DisplayShift, TileLayer, TileSource, backend_for
from landgis.db.backends.postgis import MvtQuery
from landgis.db.backends.python_tiles import CORNERS, PythonTiles
from landgis.db.fast_read import CompiledRead, compile_read, fast_reads, run_read
from landgis.db.models import Case, DataVersion, Parcel, Zone
from landgis.db.query_types import AnySelect
from landgis.db.session import read_session
from landgis.db.versioning import data_version
from landgis.errors import InvalidInput, NotFound
from landgis.gcj02 import MAX_SHIFT_DEG, to_gcj02
from landgis.i18n import _, listing
from landgis.parcels import (
    ParcelFilter,
    apply_filters,
    join_zone_and_current_case,
    late_cases,
)
from landgis.tile_matrix_sets import (
    MAX_ZOOM,
    WEB_MERCATOR_QUAD,
    geographic_bounds,
    matrix_size,
    xy_bounds,
    zooms,
)

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
# Bump when the encoding changes, so cached tiles are not reused across versions.
ENCODING_VERSION = "2"
# Features moved onto GCJ-02 backgrounds.
GCJ02_SHIFT = DisplayShift("gcj02", to_gcj02, MAX_SHIFT_DEG)


@dataclass(frozen=True)
class Tile:
    """One tile of the XYZ scheme (as OSM and Leaflet: y = 0 at the top)."""

    z: int
    x: int
    y: int

    def __post_init__(self) -> None:
        if self.z not in zooms(WEB_MERCATOR_QUAD):
            raise InvalidInput(_("缩放级别 z 应在 0 到 {largest} 之间。", largest=MAX_ZOOM))
        columns, rows = matrix_size(WEB_MERCATOR_QUAD, self.z)
        if not (0 <= self.x < columns and 0 <= self.y < rows):
            raise InvalidInput(
                _(
                    "瓦片行列号超出范围:缩放级别 {zoom} 时 x、y 应在 0 到 {largest} 之间。",
                    zoom=self.z,
                    largest=columns - 1,
                )
            )

    def mercator_bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in EPSG:3857 metres."""
        return xy_bounds(WEB_MERCATOR_QUAD, self.x, self.y, self.z)

    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        """(minlon, minlat, maxlon, maxlat) in CGCS2000, longitude first."""
        return geographic_bounds(WEB_MERCATOR_QUAD, self.x, self.y, self.z)


# --- layers ---------------------------------------------------------------------------


def _parcel_layer(filters: ParcelFilter) -> tuple[AnySelect, Any]:
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


def _zone_layer(_filters: ParcelFilter) -> tuple[AnySelect, Any]:
    stmt = select(Zone.id.label("id"), Zone.code, Zone.name, Zone.kind)
    return stmt, Zone.geom


# Collection name (also the tile's layer name) -> its rows: an ``id`` column, the attribute
# columns, and the geometry column. Zones ignore the parcel filters.
LAYERS: dict[str, Callable[[ParcelFilter], tuple[AnySelect, Any]]] = {
    "parcels": _parcel_layer,
    "zones": _zone_layer,
}


def check_collection(collection: str) -> None:
    """Raise NotFound unless ``collection`` is served as tiles."""
    if collection not in LAYERS:
        raise NotFound(
            _(
                "没有名为 “{name}” 的瓦片图层;可用:{available}。",
                name=collection,
                available=listing(LAYERS),
            )
        )


def layer_fields(collection: str) -> dict[str, type]:
    """The attributes of ``collection``'s tile layer, in order, with their Python types
    (the feature id is the tile feature's own id, not an attribute)."""
    check_collection(collection)
    rows, _geom = LAYERS[collection](ParcelFilter())
    fields: dict[str, type] = {}
    for column in rows.selected_columns:
        if column.key is not None and column.key != "id":
            fields[column.key] = column.type.python_type
    return fields


# --- encoding ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _tile_source(
    backend: Backend, name: str, filters: ParcelFilter, today: dt.date, gcj02: bool
) -> TileSource:
    """A layer and filter made ready by the backend, once a day (``overdue`` depends on the
    date): building its query costs more than encoding a small tile."""
    rows, geom = LAYERS[name](filters)
    layer = TileLayer(name, rows, geom)
    return backend.shifted_tile_source(layer, GCJ02_SHIFT) if gcj02 else backend.tile_source(layer)


def render_tile(
    session: Session,
    collection: str,
    tile: Tile,
    filters: ParcelFilter | None = None,
    *,
    gcj02: bool = False,
) -> bytes | None:
    """The MVT bytes of ``collection`` (layer of the same name) in ``tile``; None if empty.
    ``gcj02``: the features shifted to GCJ-02, for display on 高德 backgrounds."""
    check_collection(collection)
    unpaged = dataclasses.replace(filters or ParcelFilter(), limit=None, offset=0)
    source = _tile_source(backend_for(session), collection, unpaged, wallclock.today(), gcj02)
    return source.encode(session, tile) or None


@dataclass(frozen=True)
class TileRead:
    """A tile as a request gets it: its ETag, and its MVT bytes (None when it is empty or
    ``unchanged``, the ETag being one the client named)."""

    etag: str
    body: bytes | None
    unchanged: bool = False


def read_tile(
    reader: Engine | Connection,
    collection: str,
    tile: Tile,
    filters: ParcelFilter | None = None,
    *,
    gcj02: bool = False,
    if_none_match: str | None = None,
) -> TileRead:
    """The tile of :func:`render_tile` with its :func:`tile_etag`, unchanged when
    ``if_none_match`` names that ETag (and then not encoded). On PostgreSQL the data
    version and the tile come from one statement compiled once (the version alone first
    when the client names an ETag), else from a read session."""
    check_collection(collection)
    unpaged = dataclasses.replace(filters or ParcelFilter(), limit=None, offset=0)
    source = _tile_source(backend_for(reader), collection, unpaged, wallclock.today(), gcj02)
    if isinstance(source, PythonTiles) and reader.dialect.name == "sqlite" and fast_reads(reader):
        return _read_python_tile(reader, source, collection, tile, unpaged, gcj02, if_none_match)
    if not (isinstance(source, MvtQuery) and fast_reads(reader)):
        with read_session(reader) as session:
            etag = tile_etag(session, collection, tile, unpaged, gcj02=gcj02)
            if etag_matches(if_none_match, etag):
                return TileRead(etag, None, unchanged=True)
            return TileRead(etag, render_tile(session, collection, tile, unpaged, gcj02=gcj02))
    if if_none_match:
        version = run_read(reader, _version_read(reader.dialect))[0].version
        etag = _etag(int(version or 0), collection, tile, unpaged, gcj02)
        if etag_matches(if_none_match, etag):
            return TileRead(etag, None, unchanged=True)
    body, version = run_read(reader, _versioned_tile(reader.dialect, source), _address(tile))[0]
    etag = _etag(int(version or 0), collection, tile, unpaged, gcj02)
    return TileRead(etag, bytes(body) if body else None)


def _read_python_tile(
    reader: Engine | Connection,
    source: PythonTiles,
    collection: str,
    tile: Tile,
    filters: ParcelFilter,
    gcj02: bool,
    if_none_match: str | None,
) -> TileRead:
    """:func:`read_tile` of a tile encoded here, its rows and the data version read by
    one statement compiled once (the version alone first when the client names an
    ETag)."""
    if if_none_match:
        version = run_read(reader, _version_read(reader.dialect))[0].version
        etag = _etag(int(version or 0), collection, tile, filters, gcj02)
        if etag_matches(if_none_match, etag):
            return TileRead(etag, None, unchanged=True)
    rows = run_read(reader, _versioned_rows(reader.dialect, source), source.search(tile))
    etag = _etag(int(rows[0].version or 0), collection, tile, filters, gcj02)
    # Each row: the version, then the layer's columns (none when no row met the tile).
    body = source.encode_rows(rows[0]._fields[1:], (row[1:] for row in rows), tile)
    return TileRead(etag, body or None)


def _address(tile: Tile) -> dict[str, int]:
    return {"z": tile.z, "x": tile.x, "y": tile.y}


@functools.lru_cache(maxsize=16)
def _version_read(dialect: Dialect) -> CompiledRead:
    return compile_read(select(DataVersion.version).where(DataVersion.id == 1), dialect)


@functools.lru_cache(maxsize=256)
def _versioned_tile(dialect: Dialect, source: MvtQuery) -> CompiledRead:
    """The tile's statement with the data version beside the MVT bytes."""
    version = select(DataVersion.version).where(DataVersion.id == 1).scalar_subquery()
    statement = source.statement.add_columns(version.label("version"))
    return compile_read(statement, dialect, given=("z", "x", "y"))


@functools.lru_cache(maxsize=256)
def _versioned_rows(dialect: Dialect, source: PythonTiles) -> CompiledRead:
    """The rows of a tile encoded here beside the data version (one row of NULLs beside
    it when none meets the tile)."""
    version = select(DataVersion.version.label("version")).where(DataVersion.id == 1)
    current = version.cte("current")
    found = source.statement.subquery("found")
    statement = select(current.c.version, *found.c).select_from(current.outerjoin(found, true()))
    return compile_read(statement, dialect, given=CORNERS)


# --- caching --------------------------------------------------------------------------


def tile_etag(
    session: Session,
    collection: str,
    tile: Tile,
    filters: ParcelFilter | None = None,
    *,
    gcj02: bool = False,
) -> str:
    """A strong ETag (quoted) for the tile: data version, today's date (``overdue``
    depends on it), the tile, the filters and the display shift."""
    filters = dataclasses.replace(filters or ParcelFilter(), limit=None, offset=0)
    return _etag(data_version(session), collection, tile, filters, gcj02)


def _etag(version: int, collection: str, tile: Tile, filters: ParcelFilter, gcj02: bool) -> str:
    key = "\n".join(
        (
            ENCODING_VERSION,
            str(version),
            wallclock.today().isoformat(),
            collection,
            f"{tile.z}/{tile.x}/{tile.y}",
            repr(filters),
            GCJ02_SHIFT.name if gcj02 else "",
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
