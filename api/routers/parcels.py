"""Parcels as GeoJSON (RFC 7946, lon/lat)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import SessionDep
from landgis.geojson import feature_collection
from landgis.parcels import ParcelFilter, parcels_frame

router = APIRouter(prefix="/api", tags=["parcels"])

GEOJSON = "application/geo+json"


def parcel_filter(
    status: Annotated[list[str] | None, Query(description="处置状态, e.g. disposing")] = None,
    zone: Annotated[list[str] | None, Query(description="片区编号 (zone code)")] = None,
    q: Annotated[str | None, Query(max_length=100, description="宗地编号/权利人/项目")] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ParcelFilter:
    """The parcel filter from query parameters."""
    return ParcelFilter(
        status=tuple(status or ()),
        zone=tuple(zone or ()),
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
