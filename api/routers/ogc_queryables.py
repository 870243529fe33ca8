"""OGC API - Features Part 3 (Filtering) at /ogc: each collection's queryables, the
properties a ``filter`` may name, as a JSON Schema (:mod:`landgis.queryables`). The filter
itself is read on the items route (:mod:`api.routers.ogc`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.deps import ReaderDep
from api.ogc_exceptions import NOT_FOUND, RESPONSES
from api.ogc_route import OGCRoute
from api.route_urls import url_for
from landgis import features
from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.queryables import MEDIA_TYPE, queryables

router = APIRouter(
    prefix="/ogc", tags=["OGC API - Features"], route_class=OGCRoute, responses=RESPONSES
)

QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
FEATURES_3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"
CONFORMANCE = (
    f"{FEATURES_3}queryables",
    f"{FEATURES_3}filter",
    f"{FEATURES_3}features-filter",
    f"{CQL2}cql2-text",
    f"{CQL2}cql2-json",
    f"{CQL2}basic-cql2",
    f"{CQL2}advanced-comparison-operators",
    f"{CQL2}basic-spatial-functions",
    f"{CQL2}basic-spatial-functions-plus",
    f"{CQL2}spatial-functions",
    f"{CQL2}property-property",
    f"{CQL2}arithmetic",
)


def collection_links(request: Request, collection_id: str) -> list[dict[str, Any]]:
    """A collection's link to its queryables."""
    href = str(url_for(request, "ogc_queryables", collection_id=collection_id))
    return [{"href": href, "rel": QUERYABLES_REL, "type": MEDIA_TYPE, "title": "Queryables"}]


@router.get(
    "/collections/{collection_id}/queryables",
    summary="The properties a filter may name (JSON Schema)",
    name="ogc_queryables",
    response_class=JSONResponse,
    responses={200: {"content": {MEDIA_TYPE: {}}}, **NOT_FOUND},
)
def collection_queryables(
    request: Request,
    _user: ReaderDep,
    collection_id: str,
    f: Annotated[str | None, Query(description="Output format: json", max_length=20)] = None,
) -> JSONResponse:
    """Each queryable property with its title and type (``date``/``date-time`` formats,
    the codes of coded fields) and the geometry (``geom``)."""
    if f not in (None, "json"):
        raise InvalidInput(_("不支持的格式 f={value};只提供 JSON(f=json)。", value=f))
    collection = features.get_collection(collection_id)
    url = str(url_for(request, "ogc_queryables", collection_id=collection.id))
    document = queryables(collection.properties, collection.title, url)
    return JSONResponse(document, media_type=MEDIA_TYPE)
