"""Parcels as GeoJSON (RFC 7946, lon/lat)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import SessionDep
from landgis.errors import InvalidInput
from landgis.geojson import feature_collection
from landgis.parcels import ParcelFilter, parcels_frame
from landgis.vocab import CASE_STATUSES, CATEGORIES, CAUSES, ROUTES

router = APIRouter(prefix="/api", tags=["parcels"])

GEOJSON = "application/geo+json"

Status = Literal[tuple(CASE_STATUSES)]  # type: ignore[valid-type]
Category = Literal[tuple(CATEGORIES)]  # type: ignore[valid-type]
Route = Literal[tuple(ROUTES)]  # type: ignore[valid-type]
Cause = Literal[tuple(CAUSES)]  # type: ignore[valid-type]


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``minlon,minlat,maxlon,maxlat`` (CGCS2000, longitude first) as four numbers."""
    if text is None:
        return None
    try:
        minx, miny, maxx, maxy = (float(part) for part in text.split(","))
    except ValueError as exc:
        raise InvalidInput(
            "bbox 应为 最小经度,最小纬度,最大经度,最大纬度 四个数,例如 104.7,30.0,104.9,30.2。",
            "bbox must be minlon,minlat,maxlon,maxlat, e.g. 104.7,30.0,104.9,30.2.",
        ) from exc
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise InvalidInput(
            "bbox 范围无效:经度在 -180 到 180 之间、纬度在 -90 到 90 之间,且最小值不大于最大值。",
            "bbox out of range: longitudes within -180..180, latitudes within -90..90, "
            "minimum not above maximum.",
        )
    return minx, miny, maxx, maxy


def parcel_filter(
    status: Annotated[list[Status] | None, Query(description="处置状态")] = None,
    zone: Annotated[list[str] | None, Query(description="片区编号 (zone code)")] = None,
    category: Annotated[list[Category] | None, Query(description="问题类型")] = None,
    route: Annotated[list[Route] | None, Query(description="处置方式")] = None,
    cause: Annotated[list[Cause] | None, Query(description="闲置原因")] = None,
    bbox: Annotated[
        str | None, Query(description="minlon,minlat,maxlon,maxlat", max_length=200)
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="宗地编号/权利人/项目名称")] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ParcelFilter:
    """The parcel filter from query parameters (shared by the parcels list and the map)."""
    return ParcelFilter(
        status=tuple(status or ()),
        zone=tuple(zone or ()),
        category=tuple(category or ()),
        route=tuple(route or ()),
        cause=tuple(cause or ()),
        bbox=parse_bbox(bbox),
        text=q,
        limit=limit,
        offset=offset,
    )


FilterDep = Annotated[ParcelFilter, Depends(parcel_filter)]


@router.get(
    "/parcels",
    summary="Parcels with their current case, as a GeoJSON FeatureCollection",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def list_parcels(session: SessionDep, filters: FilterDep) -> Response:
    """RFC 7946 GeoJSON: longitude/latitude (CGCS2000), feature id = parcel code."""
    body = feature_collection(parcels_frame(session, filters), id_column="parcel_code")
    return Response(content=body, media_type=GEOJSON)
