"""Vector tiles encoded in Python: SpatiaLite's, which has no ``ST_AsMVT``, and on every
backend the tiles whose geometries are moved for display (:class:`DisplayShift`). The rows
whose bounding box meets the tile are read from the spatial index (portable SQL), and the
tile is encoded here the way PostGIS's ``ST_AsMVTGeom(..., 4096, 64, true)`` and
``ST_AsMVT`` do: geometry in Web Mercator, clipped to the tile plus the buffer, snapped to
the grid; a feature only when its (moved) geometry intersects the tile itself (not just its
buffer)."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import shapely
from sqlalchemy import Float, bindparam, func
from sqlalchemy.orm import Session

from landgis.db.backends.base import BUFFER, EXTENT, DisplayShift, TileAddress, TileLayer
from landgis.db.backends.functions import Envelope, IndexOverlaps
from landgis.db.query_types import AnySelect
from landgis.geo import CGCS2000_EPSG, to_mercator

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
        records = [row._asdict() for row in found if row.wkb is not None]
        if not records:
            return b""
        shapes = shapely.from_wkb([bytes(r.pop("wkb")) for r in records])
        if self.shift is not None:
            shapes = self.shift.move(shapes)
        hits = shapely.intersects(shapes, shapely.box(*lonlat))
        records = [r for r, hit in zip(records, hits, strict=True) if hit]
        if not records:
            return b""
        features = []
        for record, shape in zip(records, to_tile_pixels(shapes[hits], tile), strict=True):
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
        body: bytes = mapbox_vector_tile.encode(
            [{"name": self.name, "features": features}], default_options=options
        )
        return body


def to_tile_pixels(shapes: np.ndarray, tile: TileAddress) -> np.ndarray:
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
    result: np.ndarray = shapely.make_valid(snapped)
    return result
