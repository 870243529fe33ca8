"""OGC API - Tiles at /ogc: the vector tiles of ``/tiles`` as tilesets of the parcels and
zones collections, in the tile matrix sets of :mod:`landgis.tile_matrix_sets`.

The documents come from :mod:`landgis.ogc_tiles`; the tiles are answered by the same
function as ``/tiles`` (:func:`api.routers.tiles.tile_response`), so they are the same
bytes with the same ETag.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from api.deps import ReaderDep, ReadSessionDep
from api.ogc_exceptions import NOT_FOUND, RESPONSES
from api.ogc_route import OGCRoute
from api.route_urls import url_for
from api.routers.tiles import tile_response
from landgis import features, ogc_tiles, tile_matrix_sets
from landgis.errors import InvalidInput
from landgis.i18n import _, listing
from landgis.ogc_tiles import JSON, TILEJSON_MEDIA_TYPE, TilesetUrls, link
from landgis.tiles import MVT_MEDIA_TYPE

# Unknown query parameters and bad values are 400 OGC exceptions, as on the features' routes.
router = APIRouter(
    prefix="/ogc", tags=["OGC API - Tiles"], route_class=OGCRoute, responses=RESPONSES
)

CollectionId = Annotated[str, Path(description="parcels or zones (the tiled collections)")]
TileMatrixSetId = Annotated[
    str,
    Path(alias="tileMatrixSetId", description="Tile matrix set: WebMercatorQuad"),
]


def _format(description: str) -> Any:
    return Query(description=description, max_length=20)


def _check_format(f: str | None, allowed: tuple[str, ...]) -> None:
    if f is not None and f not in allowed:
        raise InvalidInput(
            _("不支持的格式 f={value};可用:{available}。", value=f, available=listing(allowed))
        )


def _urls(request: Request, collection_id: str, tms_id: str) -> TilesetUrls:
    return TilesetUrls(
        collection=str(url_for(request, "ogc_collection", collection_id=collection_id)),
        tilesets=str(url_for(request, "ogc_tilesets", collection_id=collection_id)),
        tileset=str(
            url_for(request, "ogc_tileset", collection_id=collection_id, tileMatrixSetId=tms_id)
        ),
        tile_matrix_set=str(url_for(request, "ogc_tile_matrix_set", tileMatrixSetId=tms_id)),
    )


def landing_links(request: Request) -> list[dict[str, Any]]:
    """The landing page's link to the tile matrix sets."""
    href = str(url_for(request, "ogc_tile_matrix_sets"))
    return [link(href, ogc_tiles.TILING_SCHEMES_REL, JSON, "Tile matrix sets")]


def collection_links(request: Request, collection_id: str) -> list[dict[str, Any]]:
    """A collection's link to its vector tilesets (none for a collection not tiled)."""
    if collection_id not in ogc_tiles.tiled_collections():
        return []
    href = str(url_for(request, "ogc_tilesets", collection_id=collection_id))
    return [link(href, ogc_tiles.TILESETS_VECTOR_REL, JSON, "Vector tilesets")]


@router.get("/tileMatrixSets", summary="Tile matrix sets", name="ogc_tile_matrix_sets")
def tile_matrix_set_list(
    request: Request,
    _: ReaderDep,
    f: Annotated[str | None, _format("Output format: json")] = None,
) -> dict[str, Any]:
    """The tile matrix sets tiles are served in, with links to their definitions."""
    _check_format(f, ("json",))
    return ogc_tiles.tile_matrix_sets_document(
        str(url_for(request, "ogc_tile_matrix_sets")),
        lambda tms_id: str(url_for(request, "ogc_tile_matrix_set", tileMatrixSetId=tms_id)),
    )


@router.get(
    "/tileMatrixSets/{tileMatrixSetId}",
    summary="A tile matrix set (2D Tile Matrix Set 2.0)",
    name="ogc_tile_matrix_set",
)
def tile_matrix_set(
    tms_id: TileMatrixSetId,
    _: ReaderDep,
    f: Annotated[str | None, _format("Output format: json")] = None,
) -> dict[str, Any]:
    """The definition of the tile matrix set: CRS, origin, and each tile matrix's scale
    and size."""
    _check_format(f, ("json",))
    return tile_matrix_sets.definition(tile_matrix_sets.get(tms_id))


@router.get(
    "/collections/{collection_id}/tiles",
    summary="Vector tilesets of a collection",
    name="ogc_tilesets",
)
def tilesets(
    request: Request,
    collection_id: CollectionId,
    _: ReaderDep,
    f: Annotated[str | None, _format("Output format: json")] = None,
) -> dict[str, Any]:
    """One tileset per tile matrix set, with links to its metadata and its tiling scheme."""
    _check_format(f, ("json",))
    return ogc_tiles.tilesets_document(
        collection_id, lambda tms_id: _urls(request, collection_id, tms_id)
    )


@router.get(
    "/collections/{collection_id}/tiles/{tileMatrixSetId}",
    summary="Tileset metadata (or TileJSON)",
    name="ogc_tileset",
    responses={200: {"content": {JSON: {}, TILEJSON_MEDIA_TYPE: {}}}},
)
def tileset(
    request: Request,
    session: ReadSessionDep,
    collection_id: CollectionId,
    tms_id: TileMatrixSetId,
    _: ReaderDep,
    f: Annotated[
        str | None,
        _format(f"json (tileset metadata) or tilejson (TileJSON {ogc_tiles.TILEJSON_VERSION})"),
    ] = None,
) -> Response:
    """The tileset's metadata (2D Tile Matrix Set 2.0): its templated tile link, tiling
    scheme, limits, bounding box and the layer's attributes. ``f=tilejson`` or
    ``Accept: application/vnd.mapbox.tile+json`` gives it as TileJSON for MapLibre."""
    _check_format(f, ("json", "tilejson"))
    ogc_tiles.check_tiled(collection_id)
    tms = tile_matrix_sets.get(tms_id)
    urls = _urls(request, collection_id, tms_id)
    extent = features.collection_extent(session, collection_id)
    headers = {"Vary": "Accept"}
    # OpenAPI leaves Accept out of an operation's parameters: it is read here.
    accept = request.headers.get("accept", "")
    if f == "tilejson" or (f is None and TILEJSON_MEDIA_TYPE in accept):
        document = ogc_tiles.tilejson_document(collection_id, tms, urls, extent)
        return JSONResponse(document, media_type=TILEJSON_MEDIA_TYPE, headers=headers)
    document = ogc_tiles.tileset_document(collection_id, tms, urls, extent)
    return JSONResponse(document, headers=headers)


@router.get(
    "/collections/{collection_id}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
    summary="A vector tile (Mapbox Vector Tile)",
    name="ogc_tile",
    response_class=Response,
    responses={
        200: {"content": {MVT_MEDIA_TYPE: {}}, "description": "The tile"},
        204: {"description": "No feature in this tile"},
        304: {"description": "Unchanged since the ETag given in If-None-Match"},
        404: {
            **NOT_FOUND[404],
            "description": "No such collection, tile matrix set, tile matrix, row or column",
        },
    },
)
def tile(
    request: Request,
    collection_id: CollectionId,
    tms_id: TileMatrixSetId,
    tile_matrix: Annotated[
        str,
        Path(
            alias="tileMatrix",
            description="Identifier of the tile matrix (the zoom level: 0 to 22)",
            examples=["13"],
        ),
    ],
    tile_row: Annotated[
        int,
        Path(
            alias="tileRow",
            description="Row of the tile in the tile matrix, 0 at the north",
            json_schema_extra={"minimum": 0},
        ),
    ],
    tile_col: Annotated[
        int,
        Path(
            alias="tileCol",
            description="Column of the tile in the tile matrix, 0 at the west",
            json_schema_extra={"minimum": 0},
        ),
    ],
    _: ReaderDep,
    f: Annotated[str | None, _format("Output format: mvt")] = None,
    if_none_match: Annotated[str | None, Header(max_length=2000)] = None,
) -> Response:
    """The same tile as ``/tiles/{collection}/{z}/{x}/{y}.mvt`` (tileMatrix = z, tileRow =
    y, tileCol = x), unfiltered. A tile outside the tile matrix is 404; an empty tile 204."""
    _check_format(f, ("mvt",))
    ogc_tiles.check_tiled(collection_id)
    tms = tile_matrix_sets.get(tms_id)
    found = ogc_tiles.tile_at(tms, tile_matrix, tile_row, tile_col)
    return tile_response(request, collection_id, found, None, if_none_match)
