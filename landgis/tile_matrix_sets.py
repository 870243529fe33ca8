"""The tile matrix sets landgis tiles in, as the OGC Two Dimensional Tile Matrix Set
standard (2.0) defines them: morecantile's definitions of the OGC register, never tile
math of our own.

Vector tiles are served in ``WebMercatorQuad`` alone (the XYZ scheme of OSM and Leaflet:
row 0 at the north, column 0 at the west), from zoom 0 to :data:`MAX_ZOOM`.
"""

from __future__ import annotations

from typing import Any, Final

import morecantile
import pyproj
from morecantile.models import TileMatrixSet

from landgis.errors import NotFound
from landgis.i18n import _, listing

WEB_MERCATOR_QUAD_ID: Final = "WebMercatorQuad"
WEB_MERCATOR_QUAD: Final[TileMatrixSet] = morecantile.tms.get(WEB_MERCATOR_QUAD_ID)
# The deepest tile matrix served; the definition goes deeper (24).
MAX_ZOOM: Final = 22

Bounds = tuple[float, float, float, float]

_SERVED: Final[dict[str, TileMatrixSet]] = {WEB_MERCATOR_QUAD_ID: WEB_MERCATOR_QUAD}


def ids() -> tuple[str, ...]:
    """The identifiers of the tile matrix sets tiles are served in."""
    return tuple(_SERVED)


def get(tms_id: str) -> TileMatrixSet:
    """The tile matrix set ``tms_id``; NotFound unless tiles are served in it."""
    try:
        return _SERVED[tms_id]
    except KeyError:
        raise NotFound(
            _(
                "没有名为 “{name}” 的瓦片矩阵集;可用:{available}。",
                name=tms_id,
                available=listing(_SERVED),
            )
        ) from None


def definition(tms: TileMatrixSet) -> dict[str, Any]:
    """The JSON encoding of ``tms`` (2D Tile Matrix Set 2.0, ``tileMatrixSet.json``)."""
    document: dict[str, Any] = tms.model_dump(mode="json", by_alias=True, exclude_none=True)
    return document


def zooms(tms: TileMatrixSet) -> range:
    """The tile matrices served, as zoom levels (their identifiers are these numbers)."""
    return range(tms.minzoom, min(tms.maxzoom, MAX_ZOOM) + 1)


def matrix_size(tms: TileMatrixSet, zoom: int) -> tuple[int, int]:
    """(columns, rows) of the tile matrix at ``zoom``."""
    matrix = tms.matrix(zoom)
    return matrix.matrixWidth, matrix.matrixHeight


def xy_bounds(tms: TileMatrixSet, column: int, row: int, zoom: int) -> Bounds:
    """(minx, miny, maxx, maxy) of a tile in the tile matrix set's CRS."""
    minx, miny, maxx, maxy = tms.xy_bounds(morecantile.Tile(column, row, zoom))
    return minx, miny, maxx, maxy


def geographic_bounds(tms: TileMatrixSet, column: int, row: int, zoom: int) -> Bounds:
    """(minlon, minlat, maxlon, maxlat) of a tile: what ``tms.bounds`` gives, through a
    transformer made once (``bounds`` looks one up per call, ten times the cost)."""
    minx, miny, maxx, maxy = xy_bounds(tms, column, row, zoom)
    to_geographic = _to_geographic(tms)
    west, north = to_geographic.transform(minx, maxy)
    east, south = to_geographic.transform(maxx, miny)
    return west, south, east, north


# Tile matrix set CRS -> its transformer to the set's geographic CRS. Transformers are
# thread-safe (pyproj 3.1 and later).
_TO_GEOGRAPHIC: dict[str, pyproj.Transformer] = {}


def _to_geographic(tms: TileMatrixSet) -> pyproj.Transformer:
    crs = tms.crs.srs
    found = _TO_GEOGRAPHIC.get(crs)
    if found is None:
        source = pyproj.CRS.from_user_input(crs)
        found = pyproj.Transformer.from_crs(source, tms.geographic_crs, always_xy=True)
        _TO_GEOGRAPHIC[crs] = found
    return found
