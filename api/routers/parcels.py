"""Parcels as GeoJSON (RFC 7946, lon/lat)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import EditorLedgerDep, ReaderDep, SessionDep
from api.query_filters import FilterDep
from api.schemas import ParcelIn, ParcelPatch
from api.spooled import spooled_response
from landgis.commands import CreateParcel, UpdateParcel
from landgis.errors import InvalidInput, NotFound
from landgis.features import write_items
from landgis.geojson import feature_collection
from landgis.i18n import _
from landgis.parcels import ParcelFilter, parcels_frame

router = APIRouter(prefix="/api", tags=["parcels"])

GEOJSON = "application/geo+json"


@router.get(
    "/parcels",
    summary="Parcels with their current case, as a GeoJSON FeatureCollection",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def list_parcels(session: SessionDep, filters: FilterDep, _: ReaderDep) -> Response:
    """RFC 7946 GeoJSON: longitude/latitude (CGCS2000), feature id = parcel code; the
    properties of the OGC parcels collection. Every matching parcel unless ``limit`` is
    given; written out as it is read, so a province's parcels are never held in memory."""
    return spooled_response(
        lambda out: write_items(
            session, out, "parcels", filters, limit=filters.limit, offset=filters.offset
        ),
        GEOJSON,
    )


def _feature(session: Any, code: str, status: int = 200) -> Response:
    frame = parcels_frame(session, ParcelFilter(codes=(code,)))
    if frame.empty:
        raise NotFound(_("没有宗地编号为 {code} 的宗地。", code=code))
    collection = json.loads(feature_collection(frame, id_column="parcel_code"))
    return Response(
        content=json.dumps(collection["features"][0], ensure_ascii=False),
        media_type=GEOJSON,
        status_code=status,
    )


@router.get(
    "/parcels/{code}",
    summary="One parcel as a GeoJSON Feature",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def get_parcel(code: str, session: SessionDep, _: ReaderDep) -> Response:
    """The parcel with its areas (m², 亩, 公顷) and current case."""
    return _feature(session, code)


@router.post(
    "/parcels",
    status_code=201,
    summary="Add a parcel (editor)",
    response_class=Response,
    responses={201: {"content": {GEOJSON: {}}}},
)
def create_parcel(body: ParcelIn, session: SessionDep, ledger: EditorLedgerDep) -> Response:
    """A GeoJSON Feature in lon/lat (CGCS2000); ``properties.parcel_code`` is required.
    The area is computed from the geometry, never taken from the request."""
    properties = dict(body.properties)
    code = str(properties.pop("parcel_code", "") or "").strip()
    if not code:
        raise InvalidInput(_("缺少宗地编号 parcel_code。"))
    geometry = body.geometry.model_dump(exclude_none=True)
    parcel = ledger.handle(CreateParcel(parcel_code=code, properties=properties, geometry=geometry))
    response = _feature(session, parcel.parcel_code, status=201)
    response.headers["Location"] = f"/api/parcels/{parcel.parcel_code}"
    return response


@router.patch(
    "/parcels/{code}",
    summary="Edit a parcel's attributes or geometry (editor)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def edit_parcel(
    code: str, body: ParcelPatch, session: SessionDep, ledger: EditorLedgerDep
) -> Response:
    """A new geometry gets its areas recomputed."""
    ledger.handle(
        UpdateParcel(parcel_code=code, properties=body.properties, geometry=body.geometry_dict())
    )
    return _feature(session, code)
