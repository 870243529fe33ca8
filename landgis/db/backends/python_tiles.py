"""Vector tiles encoded in Python: SpatiaLite's, which has no ``ST_AsMVT``, and on every
backend the tiles whose geometries are moved for display (:class:`DisplayShift`). The rows
whose bounding box meets the tile are read from the spatial index (portable SQL), and the
tile is encoded here the way PostGIS's ``ST_AsMVTGeom(..., 4096, 64, true)`` and
``ST_AsMVT`` do: geometry in Web Mercator, clipped to the tile plus the buffer, snapped to
the grid; a feature only when its (moved) geometry intersects the tile itself (not just its
buffer)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import compress
from typing import Any

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
CORNERS = ("minlon", "minlat", "maxlon", "maxlat")


class PythonTiles:
    """A layer's query (its rows, their geometry as WKB, the tile's box bound per tile),
    built once; :meth:`encode` encodes one tile of it."""

    def __init__(self, layer: TileLayer, shift: DisplayShift | None = None) -> None:
        self.name = layer.name
        self.shift = shift
        box = Envelope(*(bindparam(name, type_=Float) for name in CORNERS), CGCS2000_EPSG)
        self.statement: AnySelect = layer.rows.add_columns(
            func.ST_AsBinary(layer.geom).label("wkb")
        ).where(IndexOverlaps(layer.geom, box))

    def search(self, tile: TileAddress) -> dict[str, float]:
        """The values of the statement's parameters for ``tile``: its box, widened by the
        farthest a shift moves a geometry."""
        lonlat = tile.lonlat_bounds()
        reach = self.shift.reach if self.shift is not None else 0.0
        box = (lonlat[0] - reach, lonlat[1] - reach, lonlat[2] + reach, lonlat[3] + reach)
        return dict(zip(CORNERS, box, strict=True))

    def encode(self, session: Session, tile: TileAddress) -> bytes:
        found = session.execute(self.statement, self.search(tile))
        return self.encode_rows(list(found.keys()), found, tile)

    def encode_rows(
        self, keys: Sequence[str], found: Iterable[Sequence[Any]], tile: TileAddress
    ) -> bytes:
        """The tile of the rows ``found`` of :attr:`statement` (their columns named
        ``keys``, the geometry's WKB last; rows without one are left out)."""
        lonlat = tile.lonlat_bounds()
        rows = [row for row in found if row[-1] is not None]
        if not rows:
            return b""
        columns: dict[str, Sequence[Any]] = dict(zip(keys, zip(*rows, strict=True), strict=True))
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
    # Only what snapping to the grid made invalid is repaired: testing every geometry
    # costs a fraction of repairing every one.
    invalid = ~shapely.is_valid(pixels)
    if invalid.any():
        pixels[invalid] = shapely.make_valid(pixels[invalid])
    return polygonal(pixels)


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
