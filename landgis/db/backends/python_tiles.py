"""Vector tiles encoded in Python: SpatiaLite's, which has no ``ST_AsMVT``, and on every
backend the tiles whose geometries are moved for display (:class:`DisplayShift`). The rows
whose bounding box meets the tile are read from the spatial index (portable SQL), and the
tile is encoded here the way PostGIS's ``ST_AsMVTGeom(..., 4096, 64, true)`` and
``ST_AsMVT`` do: geometry in Web Mercator, clipped to the tile plus the buffer, snapped to
the grid; a feature only when its (moved) geometry intersects the tile itself (not just its
buffer)."""

from __future__ import annotations

from itertools import compress

import numpy as np
import shapely
from sqlalchemy import Float, bindparam, func
from sqlalchemy.orm import Session

from landgis.db.backends.base import BUFFER, EXTENT, DisplayShift, TileAddress, TileLayer
from landgis.db.backends.functions import Envelope, IndexOverlaps
from landgis.db.backends.mvt import polygon_layer
from landgis.db.query_types import AnySelect
from landgis.geo import CGCS2000_EPSG, to_mercator

POLYGON, MULTIPOLYGON = 3, 6  # shapely's geometry type ids
_CORNERS = ("minlon", "minlat", "maxlon", "maxlat")


class PythonTiles:
    """A layer's query (its rows, their geometry as WKB, the tile's box bound per tile),
    built once; :meth:`encode` encodes one tile of it."""

    def __init__(self, layer: TileLayer, shift: DisplayShift | None = None) -> None:
        self.name = layer.name
        self.shift = shift
        box = Envelope(*(bindparam(name, type_=Float) for name in _CORNERS), CGCS2000_EPSG)
        self.statement: AnySelect = layer.rows.add_columns(
            func.ST_AsBinary(layer.geom).label("wkb")
        ).where(IndexOverlaps(layer.geom, box))

    def encode(self, session: Session, tile: TileAddress) -> bytes:
        lonlat = tile.lonlat_bounds()
        reach = self.shift.reach if self.shift is not None else 0.0
        search = (lonlat[0] - reach, lonlat[1] - reach, lonlat[2] + reach, lonlat[3] + reach)
        found = session.execute(self.statement, dict(zip(_CORNERS, search, strict=True)))
        keys = list(found.keys())
        rows = [row for row in found if row[-1] is not None]
        if not rows:
            return b""
        columns = dict(zip(keys, zip(*rows, strict=True), strict=True))
        shapes = shapely.from_wkb([bytes(wkb) for wkb in columns.pop("wkb")])
        if self.shift is not None:
            shapes = self.shift.move(shapes)
        hits = shapely.intersects(shapes, shapely.box(*lonlat))
        if not hits.any():
            return b""
        if not hits.all():
            columns = {key: list(compress(values, hits)) for key, values in columns.items()}
            shapes = shapes[hits]
        if "overdue" in columns:  # a flag on every backend
            columns["overdue"] = [None if v is None else bool(v) for v in columns["overdue"]]
        ids = columns.pop("id")
        return polygon_layer(self.name, EXTENT, ids, columns, to_tile_pixels(shapes, tile))


def to_tile_pixels(shapes: np.ndarray, tile: TileAddress) -> np.ndarray:
    """Lon/lat geometries as tile pixels (y down), clipped to the buffered tile, on the
    integer grid: what ``ST_AsMVTGeom(..., 4096, 64, true)`` does."""
    minx, _miny, maxx, maxy = tile.mercator_bounds()
    scale = EXTENT / (maxx - minx)

    def to_pixels(coords: np.ndarray) -> np.ndarray:
        x, y = to_mercator(coords[:, 0], coords[:, 1])
        return np.rint(np.column_stack(((x - minx) * scale, (maxy - y) * scale)))

    # Each point to the grid, then made valid again (as PostGIS does): cheaper than rounding
    # with GEOS's overlay, and where nothing collapsed, the same. Only the geometries
    # reaching beyond the buffer are clipped, and the points clipping adds rounded.
    pixels = shapely.transform(shapes, to_pixels)
    low, high = -BUFFER, EXTENT + BUFFER
    bounds = shapely.bounds(pixels)
    beyond = (bounds[:, :2] < low).any(axis=1) | (bounds[:, 2:] > high).any(axis=1)
    if beyond.any():
        clipped = shapely.clip_by_rect(pixels[beyond], low, low, high, high)
        pixels[beyond] = shapely.transform(clipped, np.rint)
    return polygonal(shapely.make_valid(pixels))


def polygonal(shapes: np.ndarray) -> np.ndarray:
    """Each geometry's polygons alone (a collection's, as ``ST_AsMVTGeom`` keeps them), as
    a Polygon or MultiPolygon, maybe empty."""
    kinds = shapely.get_type_id(shapes)
    other = ~np.isin(kinds, (POLYGON, MULTIPOLYGON))
    if not other.any():
        return shapes
    result = shapes.copy()
    for i in other.nonzero()[0]:
        parts = shapely.get_parts(shapes[i])
        kept = parts[np.isin(shapely.get_type_id(parts), (POLYGON, MULTIPOLYGON))]
        result[i] = shapely.union_all(kept) if len(kept) else shapely.Polygon()
    return result
