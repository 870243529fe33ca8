"""OGC API - Tiles (Part 1) documents for the vector tiles of :mod:`landgis.tiles`.

The tile matrix sets list, each collection's tilesets list, the tileset metadata (as the
2D Tile Matrix Set and Tileset Metadata standard 2.0 encodes it in JSON) and its TileJSON
3.0.0 alternate, and the tile a ``{tileMatrix}/{tileRow}/{tileCol}`` address names. The
documents are built from the addresses the API gives (:class:`TilesetUrls`); the tiles
themselves are the ones ``/tiles`` serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from morecantile.models import TileMatrixSet

from landgis import features, tile_matrix_sets
from landgis.errors import NotFound
from landgis.filters import Bbox
from landgis.i18n import _
from landgis.tiles import LAYERS, MVT_MEDIA_TYPE, Tile, check_collection, layer_fields

_TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf"
_TMS = "http://www.opengis.net/spec/tms/2.0/conf"
CONFORMANCE: Final = (
    f"{_TILES}/core",
    f"{_TILES}/tileset",
    f"{_TILES}/tilesets-list",
    f"{_TILES}/geodata-tilesets",
    f"{_TILES}/mvt",
    f"{_TMS}/tilematrixset",
    f"{_TMS}/json-tilematrixset",
    f"{_TMS}/tilesetmetadata",
    f"{_TMS}/json-tilesetmetadata",
    f"{_TMS}/tilematrixsetlimits",
    f"{_TMS}/json-tilematrixsetlimits",
)
TILING_SCHEMES_REL: Final = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
TILING_SCHEME_REL: Final = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
TILESETS_VECTOR_REL: Final = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
GEODATA_REL: Final = "http://www.opengis.net/def/rel/ogc/1.0/geodata"
JSON: Final = "application/json"
TILEJSON_MEDIA_TYPE: Final = "application/vnd.mapbox.tile+json"
TILEJSON_VERSION: Final = "3.0.0"
# The template variables of a tile's address, as OGC API - Tiles names them.
TILE_TEMPLATE: Final = "{tileMatrix}/{tileRow}/{tileCol}"
# The query parameters the tiles routes take (beside their path).
TILE_PARAMETERS: Final = ("f",)

_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}
_TILEJSON_TYPES = {str: "String", bool: "Boolean", int: "Number", float: "Number"}


@dataclass(frozen=True)
class TilesetUrls:
    """The absolute addresses of one collection's tileset in one tile matrix set."""

    collection: str
    tilesets: str
    tileset: str
    tile_matrix_set: str

    @property
    def tilejson(self) -> str:
        return f"{self.tileset}?f=tilejson"

    @property
    def tile_template(self) -> str:
        """The tiles' address with ``{tileMatrix}``, ``{tileRow}`` and ``{tileCol}``."""
        return f"{self.tileset}/{TILE_TEMPLATE}"


def link(
    href: str, rel: str, media_type: str, title: str | None = None, *, templated: bool = False
) -> dict[str, Any]:
    """A link object of OGC API (``templated`` for an address with variables)."""
    found: dict[str, Any] = {"href": href, "rel": rel, "type": media_type}
    if title:
        found["title"] = title
    if templated:
        found["templated"] = True
    return found


def tiled_collections() -> tuple[str, ...]:
    """The feature collections that are also served as vector tiles, in listing order."""
    return tuple(name for name in features.collection_ids() if name in LAYERS)


def check_tiled(collection_id: str) -> features.Collection:
    """The collection ``collection_id``; NotFound unless it exists and is tiled."""
    collection = features.get_collection(collection_id)
    check_collection(collection_id)
    return collection


# --- tile matrix sets -------------------------------------------------------------------


def tile_matrix_sets_document(self_url: str, url_of: Callable[[str], str]) -> dict[str, Any]:
    """The tile matrix sets tiles are served in, each with a link to its definition at
    ``url_of(id)``."""
    listed = []
    for tms_id in tile_matrix_sets.ids():
        tms = tile_matrix_sets.get(tms_id)
        entry: dict[str, Any] = {"id": tms_id, "title": tms.title or tms_id}
        if tms.uri:
            entry["uri"] = tms.uri
        entry["links"] = [link(url_of(tms_id), "self", JSON, tms.title or tms_id)]
        listed.append(entry)
    return {
        "links": [link(self_url, "self", JSON, "Tile matrix sets")],
        "tileMatrixSets": listed,
    }


# --- tilesets ----------------------------------------------------------------------------


def _summary(collection: features.Collection, tms: TileMatrixSet) -> dict[str, Any]:
    """The members a tilesets list repeats from each tileset's metadata."""
    summary: dict[str, Any] = {
        "title": f"{collection.title} ({tms.id})",
        "dataType": "vector",
        "crs": tms.crs.srs,
    }
    if tms.uri:
        summary["tileMatrixSetURI"] = tms.uri
    return summary


def tilesets_document(collection_id: str, urls_of: Callable[[str], TilesetUrls]) -> dict[str, Any]:
    """The tilesets of a collection, one per tile matrix set (``urls_of(tms_id)``)."""
    collection = check_tiled(collection_id)
    tilesets = []
    for tms_id in tile_matrix_sets.ids():
        tms, urls = tile_matrix_sets.get(tms_id), urls_of(tms_id)
        tilesets.append(
            {
                **_summary(collection, tms),
                "links": [
                    link(urls.tileset, "self", JSON, f"{collection.title} ({tms.id})"),
                    link(urls.tile_matrix_set, TILING_SCHEME_REL, JSON, tms.title or tms.id),
                ],
            }
        )
    first = urls_of(tile_matrix_sets.ids()[0])
    return {
        "links": [
            link(first.tilesets, "self", JSON, f"{collection.title}: tilesets"),
            link(first.collection, "collection", JSON, collection.title),
        ],
        "tilesets": tilesets,
    }


def tile_matrix_set_limits(tms: TileMatrixSet) -> list[dict[str, Any]]:
    """The tile matrices served, each whole (tiles exist everywhere; empty ones are 204)."""
    limits = []
    for zoom in tile_matrix_sets.zooms(tms):
        columns, rows = tile_matrix_sets.matrix_size(tms, zoom)
        limits.append(
            {
                "tileMatrix": str(zoom),
                "minTileRow": 0,
                "maxTileRow": rows - 1,
                "minTileCol": 0,
                "maxTileCol": columns - 1,
            }
        )
    return limits


def _properties_schema(collection_id: str) -> dict[str, Any]:
    fields = layer_fields(collection_id)
    return {
        "type": "object",
        "properties": {name: {"type": _JSON_TYPES[kind]} for name, kind in fields.items()},
    }


def _bounding_box(extent: Bbox) -> dict[str, Any]:
    minlon, minlat, maxlon, maxlat = extent
    return {"lowerLeft": [minlon, minlat], "upperRight": [maxlon, maxlat], "crs": features.CRS84}


def tileset_document(
    collection_id: str, tms: TileMatrixSet, urls: TilesetUrls, extent: Bbox | None
) -> dict[str, Any]:
    """The tileset metadata of a collection in ``tms``: what the tiles hold and where they
    are (``extent``: the collection's bounding box in CRS84, None when it is empty)."""
    collection = check_tiled(collection_id)
    zooms = tile_matrix_sets.zooms(tms)
    layer: dict[str, Any] = {
        "id": collection_id,
        "title": collection.title,
        "description": collection.description,
        "dataType": "vector",
        "geometryDimension": 2,
        "featureType": collection_id,
        "minTileMatrix": str(zooms[0]),
        "maxTileMatrix": str(zooms[-1]),
        "propertiesSchema": _properties_schema(collection_id),
        "links": [link(urls.collection, GEODATA_REL, JSON, collection.title)],
    }
    document: dict[str, Any] = {
        **_summary(collection, tms),
        "description": collection.description,
        "mediaTypes": [MVT_MEDIA_TYPE],
        "tileMatrixSetLimits": tile_matrix_set_limits(tms),
        "layers": [layer],
        "links": [
            link(urls.tileset, "self", JSON, "This tileset"),
            link(urls.tilejson, "alternate", TILEJSON_MEDIA_TYPE, "This tileset as TileJSON"),
            link(urls.tile_matrix_set, TILING_SCHEME_REL, JSON, tms.title or tms.id),
            link(urls.collection, GEODATA_REL, JSON, collection.title),
            link(
                urls.tile_template,
                "item",
                MVT_MEDIA_TYPE,
                "Mapbox vector tiles",
                templated=True,
            ),
        ],
    }
    if extent is not None:
        document["boundingBox"] = layer["boundingBox"] = _bounding_box(extent)
    return document


def tilejson_document(
    collection_id: str, tms: TileMatrixSet, urls: TilesetUrls, extent: Bbox | None
) -> dict[str, Any]:
    """The same tileset as TileJSON 3.0.0 (what MapLibre and Mapbox GL read): its tiles'
    address with ``{z}/{y}/{x}``, zooms, bounds and the layer's attributes."""
    collection = check_tiled(collection_id)
    zooms = tile_matrix_sets.zooms(tms)
    fields = layer_fields(collection_id)
    xyz = urls.tile_template.replace("{tileMatrix}", "{z}")
    xyz = xyz.replace("{tileRow}", "{y}").replace("{tileCol}", "{x}")
    document: dict[str, Any] = {
        "tilejson": TILEJSON_VERSION,
        "name": collection.title,
        "description": collection.description,
        "scheme": "xyz",
        "tiles": [xyz],
        "minzoom": zooms[0],
        "maxzoom": zooms[-1],
        "vector_layers": [
            {
                "id": collection_id,
                "description": collection.title,
                "minzoom": zooms[0],
                "maxzoom": zooms[-1],
                "fields": {name: _TILEJSON_TYPES[kind] for name, kind in fields.items()},
            }
        ],
    }
    if extent is not None:
        document["bounds"] = list(extent)
    return document


# --- tiles -------------------------------------------------------------------------------


def tile_at(tms: TileMatrixSet, tile_matrix: str, tile_row: int, tile_col: int) -> Tile:
    """The tile at ``{tileMatrix}/{tileRow}/{tileCol}`` of ``tms`` (a set served, so
    WebMercatorQuad: the tile matrix is the zoom, the row y and the column x); NotFound
    when the tileset has no such tile matrix, row or column."""
    zooms = tile_matrix_sets.zooms(tms)
    if tile_matrix not in _matrix_ids(zooms):
        raise NotFound(
            _(
                "瓦片集中没有瓦片矩阵 “{tile_matrix}”;可用 {first} 到 {last}。",
                tile_matrix=tile_matrix,
                first=zooms[0],
                last=zooms[-1],
            )
        )
    zoom = int(tile_matrix)
    columns, rows = tile_matrix_sets.matrix_size(tms, zoom)
    if not (0 <= tile_row < rows and 0 <= tile_col < columns):
        raise NotFound(
            _(
                "瓦片矩阵 {tile_matrix} 中没有第 {row} 行第 {col} 列的瓦片:"
                "行号应在 0 到 {last_row} 之间,列号在 0 到 {last_col} 之间。",
                tile_matrix=tile_matrix,
                row=tile_row,
                col=tile_col,
                last_row=rows - 1,
                last_col=columns - 1,
            )
        )
    return Tile(zoom, tile_col, tile_row)


def _matrix_ids(zooms: Iterable[int]) -> frozenset[str]:
    return frozenset(str(zoom) for zoom in zooms)
