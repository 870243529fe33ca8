"""OGC API - Features, Part 1 (Core, GeoJSON) at /ogc.

QGIS and GDAL's OAPIF driver read the parcels, the ledger cases, the zones, the per-mu
evaluation, the factory buildings and the investment projects from here
with no plug-in. Queries live in :mod:`landgis.features`; this module only turns requests
into calls and results into documents with links.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api import ogc_crs, ogc_format, ogc_html, ogc_openapi
from api.deps import ReaderDep, ReadSessionDep, SettingsDep
from api.ogc_exceptions import NOT_FOUND, RESPONSES
from api.ogc_format import GEOJSON, JSON
from api.ogc_format import link as _link
from api.ogc_html import HTML_CONTENT, HTML_RESPONSE
from api.ogc_route import OGCRoute
from api.query_filters import query_values
from api.read_routing import read_bind, read_from_primary, request_read_transaction
from api.route_urls import url_for
from api.routers import ogc_queryables, ogc_tiles
from api.spooled import spooled_response
from landgis import features
from landgis.efficiency.collection import COLLECTION_ID as EFFICIENCY
from landgis.efficiency.results import ensure_results
from landgis.feature_query import read_query
from landgis.ogc_crs import crs_uris, parse_crs
from landgis.ogc_tiles import CONFORMANCE as TILES_CONFORMANCE

# Unknown query parameters and bad values are 400 OGC exceptions (api.ogc_route); HEAD and
# OPTIONS are answered by api.ogc_methods.
router = APIRouter(
    prefix="/ogc", tags=["OGC API - Features"], route_class=OGCRoute, responses=RESPONSES
)

OPENAPI = ogc_openapi.MEDIA_TYPE
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ogc_crs.CONFORMANCE_CLASS,
    *ogc_queryables.CONFORMANCE,
    *TILES_CONFORMANCE,
)
FormatParam = Annotated[
    str | None,
    Query(
        description="Output format: json or html; without it, html when the Accept header"
        " prefers text/html (a browser), else json",
        max_length=20,
    ),
]


async def _current_evaluation(request: Request, settings: SettingsDep, _: ReaderDep) -> None:
    """Bring the stored evaluation results up to date before a request that reads them
    (the efficiency collection, or every collection): see landgis.efficiency.results.
    Async: a request for another collection costs no hand-over to a worker thread; the
    check itself reads the database, so it runs in the thread pool."""
    if request.path_params.get("collection_id", EFFICIENCY) != EFFICIENCY:
        return
    engine = request.app.state.engine
    if await run_in_threadpool(ensure_results, engine, settings.efficiency):
        read_from_primary(request)  # the replica may not have the results yet


# Runs before the read session is opened, so that the session sees the results written.
CURRENT_EVALUATION = [Depends(_current_evaluation)]


def _values(description: str) -> Any:
    return Query(description=f"{description}; comma-separated or repeated", max_length=200)


def _collection_document(request: Request, session: Session, collection_id: str) -> dict[str, Any]:
    collection = features.get_collection(collection_id)
    here = url_for(request, "ogc_collection", collection_id=collection.id)
    document: dict[str, Any] = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        **ogc_crs.collection_members(),
        "links": [
            *ogc_format.encoding_links(request, here, JSON, collection.title),
            _link(
                url_for(request, "ogc_items", collection_id=collection.id),
                "items",
                GEOJSON,
                f"{collection.title} (GeoJSON)",
            ),
        ],
    }
    document["links"] += ogc_queryables.collection_links(request, collection.id)
    document["links"] += ogc_tiles.collection_links(request, collection.id)
    extent: dict[str, Any] = {}
    bbox = features.collection_extent(session, collection.id)
    if bbox is not None:
        extent["spatial"] = {"bbox": [list(bbox)], "crs": features.CRS84}
    times = features.collection_time_extent(session, collection.id)
    if times is not None and collection.temporal is not None:
        # "property": which feature property ``datetime`` is matched on.
        extent["temporal"] = {
            "interval": [list(times)],
            "trs": features.GREGORIAN,
            "property": collection.temporal.name,
        }
    if extent:
        document["extent"] = extent
    return document


@router.get(
    "",
    summary="Landing page",
    name="ogc_landing",
    response_model=dict[str, Any],
    responses=HTML_RESPONSE,
)
@router.get("/", include_in_schema=False, response_model=dict[str, Any])
def landing(request: Request, _: ReaderDep, f: FormatParam = None) -> dict[str, Any] | Response:
    """Title, description and links to the API definition, conformance and collections."""
    html = ogc_format.wants_html(request, f)
    links = [
        *ogc_format.encoding_links(request, url_for(request, "ogc_landing"), JSON, "This document"),
        _link(url_for(request, "ogc_api"), "service-desc", OPENAPI, "The API definition"),
    ]
    app = request.app
    if app.docs_url:
        links.append(
            _link(f"{request.base_url}{app.docs_url.lstrip('/')}", "service-doc", "text/html")
        )
    links += [
        _link(url_for(request, "ogc_conformance"), "conformance", JSON, "Conformance classes"),
        _link(url_for(request, "ogc_collections"), "data", JSON, "Feature collections"),
    ]
    links += ogc_tiles.landing_links(request)
    document = {
        "title": "landgis 低效闲置工业用地 · idle and low-efficiency industrial land",
        "description": (
            "宗地、台账条目、片区、亩均效益评价、厂房与招商项目,CGCS2000 经纬度(CRS84,"
            "经度在前)。 Parcels, ledger cases, zones, the per-mu evaluation, factory"
            " buildings and investment projects in CGCS2000 longitude/latitude (CRS84)."
        ),
        "links": links,
    }
    return ogc_html.landing(request, document) if html else document


@router.get(
    "/api",
    summary="The API definition (OpenAPI 3.0)",
    name="ogc_api",
    response_class=Response,
    responses={200: {"content": {OPENAPI: {}}}},
)
def api_definition(request: Request, _: ReaderDep, f: FormatParam = None) -> Response:
    """This API's OpenAPI 3.0 document: its server is this landing page (asked for in HTML,
    the interactive documentation)."""
    if ogc_format.wants_html(request, f) and request.app.docs_url:
        return RedirectResponse(request.app.docs_url, status_code=303)
    document = ogc_openapi.ogc_document(request.app, str(url_for(request, "ogc_landing")))
    return JSONResponse(document, media_type=OPENAPI)


@router.get(
    "/conformance",
    summary="Conformance classes",
    name="ogc_conformance",
    response_model=dict[str, Any],
    responses=HTML_RESPONSE,
)
def conformance(request: Request, _: ReaderDep, f: FormatParam = None) -> dict[str, Any] | Response:
    """The parts of OGC API - Features this service implements."""
    html = ogc_format.wants_html(request, f)
    url = url_for(request, "ogc_conformance")
    document = {
        "links": ogc_format.encoding_links(request, url, JSON, "Conformance classes"),
        "conformsTo": list(CONFORMANCE),
    }
    return ogc_html.conformance(request, document) if html else document


@router.get(
    "/collections",
    summary="Feature collections",
    name="ogc_collections",
    dependencies=CURRENT_EVALUATION,
    response_model=dict[str, Any],
    responses=HTML_RESPONSE,
)
def collections(
    request: Request, session: ReadSessionDep, _: ReaderDep, f: FormatParam = None
) -> dict[str, Any] | Response:
    """Parcels (宗地), ledger cases (台账条目), zones (片区), the per-mu evaluation
    (亩均效益评价), factory buildings (厂房) and projects (招商项目), each with its extent."""
    html = ogc_format.wants_html(request, f)
    url = url_for(request, "ogc_collections")
    document = {
        "links": ogc_format.encoding_links(request, url, JSON, "Feature collections"),
        "crs": crs_uris(),
        "collections": [
            _collection_document(request, session, name) for name in features.collection_ids()
        ],
    }
    return ogc_html.collections(request, document) if html else document


@router.get(
    "/collections/{collection_id}",
    summary="One feature collection",
    name="ogc_collection",
    dependencies=CURRENT_EVALUATION,
    response_model=dict[str, Any],
    responses={**HTML_RESPONSE, **NOT_FOUND},
)
def collection(
    request: Request,
    session: ReadSessionDep,
    _: ReaderDep,
    collection_id: str,
    f: FormatParam = None,
) -> dict[str, Any] | Response:
    """Title, description, extent and links of one collection."""
    html = ogc_format.wants_html(request, f)
    document = _collection_document(request, session, collection_id)
    return ogc_html.collection(request, document) if html else document


@router.get(
    "/collections/{collection_id}/items",
    summary="Features of a collection (GeoJSON)",
    name="ogc_items",
    dependencies=CURRENT_EVALUATION,
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}, **HTML_CONTENT}}, **NOT_FOUND},
    # bbox, datetime and limit as the standard defines them (read below, shown from here).
    openapi_extra={"parameters": ogc_openapi.ITEMS_PARAMETERS},
)
def items(
    request: Request,
    _: ReaderDep,
    collection_id: str,
    bbox: Annotated[str | None, Query(include_in_schema=False, max_length=200)] = None,
    period: Annotated[
        str | None, Query(alias="datetime", include_in_schema=False, max_length=200)
    ] = None,
    bbox_crs: ogc_crs.BboxCrsParam = None,
    crs: ogc_crs.CrsParam = None,
    limit: Annotated[int, Query(ge=1, include_in_schema=False)] = features.DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=features.MAX_OFFSET)] = 0,
    after: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Key of the last feature of the previous page (the next links carry it)",
        ),
    ] = None,
    status: Annotated[list[str] | None, _values("处置状态 (parcels, cases)")] = None,
    zone: Annotated[list[str] | None, _values("片区编号 zone code (parcels, cases)")] = None,
    category: Annotated[list[str] | None, _values("问题类型 (parcels, cases)")] = None,
    route: Annotated[list[str] | None, _values("处置方式 (parcels, cases)")] = None,
    cause: Annotated[list[str] | None, _values("闲置原因 (parcels, cases)")] = None,
    in_ledger: Annotated[
        bool | None, Query(description="列入台账: has a ledger case (parcels)")
    ] = None,
    overdue: Annotated[
        bool | None, Query(description="逾期: past the case deadline (parcels, cases)")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="宗地编号/权利人/项目名称 (and case number for cases)"),
    ] = None,
    f: FormatParam = None,
) -> Response:
    """One page of features: ``numberMatched``, ``numberReturned`` and next/prev links.

    ``next`` links page by key (``after``, the last key of this page), at the same cost
    however deep the page; their ``offset`` only numbers the page. ``offset`` alone pages
    by position.

    Parcels and cases can also be narrowed by status (处置状态), zone (片区编号), category,
    route, cause (each comma-separated or repeated), overdue and q (text); parcels also by
    in_ledger. ``datetime`` is matched on parcels' ``updated_at`` and cases'
    ``last_event_on``; zones, buildings and projects have no time, and all of them match.
    """
    html = ogc_format.wants_html(request, f)
    filters = features.item_filter(query_values(request))
    query = read_query(query_values(request))
    output_crs = parse_crs(crs)
    headers = ogc_crs.content_crs(output_crs)
    if limit > features.STREAM_ABOVE and not html:
        # A server-side cursor needs a transaction.
        with request_read_transaction(request) as streaming:
            return spooled_response(
                lambda out: features.write_items(
                    streaming,
                    out,
                    collection_id,
                    filters,
                    limit=limit,
                    offset=offset,
                    after=after,
                    members=lambda page: {"links": _page_links(request, collection_id, page)},
                    crs=output_crs,
                    query=query,
                ),
                GEOJSON,
                headers,
            )
    # Read here rather than in a dependency: one hand-over to a worker thread per page
    # instead of three; on PostgreSQL by one statement compiled once, with no session.
    with read_bind(request) as bind:
        page = features.items_page(
            bind, collection_id, filters, limit, offset, after, crs=output_crs, query=query
        )
    links = _page_links(request, collection_id, page)
    if html:
        return ogc_html.items(request, collection_id, page, links, output_crs)
    body = features.feature_collection_json(page, {"links": links})
    return Response(content=body, media_type=GEOJSON, headers=headers)


def _page_links(request: Request, collection_id: str, page: features.Page) -> list[dict[str, str]]:
    """self, collection, and next/prev where there are such pages."""
    links = [
        *ogc_format.encoding_links(request, request.url, GEOJSON, "This page"),
        _link(
            url_for(request, "ogc_collection", collection_id=collection_id),
            "collection",
            JSON,
            "The collection",
        ),
    ]
    if page.has_next and page.limit is not None:
        # Keyset paging: the next page starts after this page's last key, at the same cost
        # however deep it is.
        after_url = request.url.include_query_params(**page.next_query())
        links.append(_link(after_url, "next", GEOJSON, "Next page"))
    if page.has_prev and page.limit is not None:
        before = max(page.offset - page.limit, 0)
        links.append(
            _link(
                request.url.remove_query_params("after").include_query_params(
                    limit=page.limit, offset=before
                ),
                "prev",
                GEOJSON,
                "Previous page",
            )
        )
    return links


@router.get(
    "/collections/{collection_id}/items/{feature_id}",
    summary="One feature (GeoJSON)",
    name="ogc_item",
    dependencies=CURRENT_EVALUATION,
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}, **HTML_CONTENT}}, **NOT_FOUND},
    openapi_extra={"parameters": [ogc_openapi.PROPERTIES_PARAMETER]},
)
def item(
    request: Request,
    session: ReadSessionDep,
    _: ReaderDep,
    collection_id: str,
    feature_id: str,
    crs: ogc_crs.CrsParam = None,
    f: FormatParam = None,
) -> Response:
    """The feature with this id: parcel code, case number or zone code."""
    html = ogc_format.wants_html(request, f)
    output_crs = parse_crs(crs)
    shown = read_query(query_values(request)).properties
    feature = features.item(session, collection_id, feature_id, crs=output_crs, properties=shown)
    links = [
        *ogc_format.encoding_links(request, request.url, GEOJSON, "This feature"),
        _link(
            url_for(request, "ogc_collection", collection_id=collection_id),
            "collection",
            JSON,
            "The collection",
        ),
    ]
    if html:
        return ogc_html.item(request, collection_id, feature, links, output_crs)
    body = features.feature_json(feature, {"links": links})
    return Response(content=body, media_type=GEOJSON, headers=ogc_crs.content_crs(output_crs))
