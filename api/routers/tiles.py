"""Vector tiles (Mapbox Vector Tile) of parcels and zones, for maps too large to inline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response

from api.deps import ReaderDep
from api.query_filters import FilterDep
from api.read_routing import read_bind
from landgis.parcels import ParcelFilter
from landgis.tile_matrix_sets import MAX_ZOOM
from landgis.tiles import MVT_MEDIA_TYPE, Tile, check_collection, read_tile

router = APIRouter(prefix="/tiles", tags=["tiles"])

# Browsers and proxies keep a tile but ask again each time; an unchanged tile costs one
# small query and a 304.
CACHE_CONTROL = "no-cache"
LAST_INDEX = (1 << MAX_ZOOM) - 1


@router.get(
    "/{collection}/{z}/{x}/{y}.mvt",
    summary="A vector tile (Web Mercator, XYZ scheme) of parcels or zones",
    response_class=Response,
    responses={
        200: {"content": {MVT_MEDIA_TYPE: {}}, "description": "The tile"},
        204: {"description": "No feature in this tile"},
        304: {"description": "Unchanged since the ETag given in If-None-Match"},
    },
)
def get_tile(
    collection: Annotated[str, Path(description="parcels or zones (the layer name)")],
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM, description="zoom")],
    x: Annotated[int, Path(ge=0, le=LAST_INDEX, description="column, 0 at the west")],
    y: Annotated[int, Path(ge=0, le=LAST_INDEX, description="row, 0 at the north")],
    request: Request,
    filters: FilterDep,
    _: ReaderDep,
    if_none_match: Annotated[str | None, Header(max_length=2000)] = None,
    gcj02: Annotated[
        bool, Query(description="Shifted to GCJ-02 for display on 高德 (Amap) backgrounds")
    ] = False,
) -> Response:
    """Layer ``parcels``: ``code``, ``status`` ("none" outside the ledger), ``route``,
    ``overdue``, ``case_no`` (absent when empty), filtered like ``/api/parcels`` (``limit``
    and ``offset`` do not apply to tiles). Layer ``zones``: ``code``, ``name``, ``kind``
    (the parcel filters do not apply). Feature id = row id. An empty tile is 204 No Content.
    ``ETag`` changes whenever parcels, zones or cases change; send it back in
    ``If-None-Match`` to get 304. ``gcj02=true``: every geometry shifted to GCJ-02 (for
    display on 高德 tiles; stored geometries never move)."""
    check_collection(collection)
    return tile_response(request, collection, Tile(z, x, y), filters, if_none_match, gcj02=gcj02)


def tile_response(
    request: Request,
    collection: str,
    tile: Tile,
    filters: ParcelFilter | None,
    if_none_match: str | None,
    *,
    gcj02: bool = False,
) -> Response:
    """The tile's MVT bytes with its ETag; 304 when ``If-None-Match`` names that ETag,
    204 when the tile is empty. Every route serving tiles answers through here."""
    # Read here rather than in a dependency: one hand-over to a worker thread per tile
    # instead of three.
    with read_bind(request) as bind:
        found = read_tile(bind, collection, tile, filters, gcj02=gcj02, if_none_match=if_none_match)
    headers = {"ETag": found.etag, "Cache-Control": CACHE_CONTROL}
    if found.unchanged:
        return Response(status_code=304, headers=headers)
    if found.body is None:
        return Response(status_code=204, headers=headers)
    return Response(content=found.body, media_type=MVT_MEDIA_TYPE, headers=headers)
