"""The parcel filters of an API request: the query parameters declared for the OpenAPI
document, read by the library's one parser (:func:`landgis.filters.parse_filters`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from landgis.filters import MAX_LIMIT, MAX_OFFSET, MAX_QUERY, ParcelFilter, parse_filters
from landgis.vocab import CASE_STATUSES, CATEGORIES, CAUSES, ROUTES


def query_values(request: Request) -> dict[str, list[str]]:
    """The request's query parameters, each with every value it was given."""
    params = request.query_params
    return {name: params.getlist(name) for name in params}


def _codes(label: str, codes: object = None) -> object:
    listed = f"; one of {', '.join(codes)}" if isinstance(codes, dict) else ""
    return Query(description=f"{label}{listed}; comma-separated or repeated")


async def parcel_filter(
    request: Request,
    status: Annotated[list[str] | None, _codes("处置状态", CASE_STATUSES)] = None,
    zone: Annotated[list[str] | None, _codes("片区编号 (zone code)")] = None,
    category: Annotated[list[str] | None, _codes("问题类型", CATEGORIES)] = None,
    route: Annotated[list[str] | None, _codes("处置方式", ROUTES)] = None,
    cause: Annotated[list[str] | None, _codes("闲置原因", CAUSES)] = None,
    code: Annotated[list[str] | None, _codes("宗地编号 (parcel code; also `codes`)")] = None,
    in_ledger: Annotated[bool | None, Query(description="列入台账 (has a case)")] = None,
    overdue: Annotated[bool | None, Query(description="逾期 (past the case deadline)")] = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    q: Annotated[
        str | None, Query(description=f"宗地编号/权利人/项目名称, at most {MAX_QUERY} characters")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ParcelFilter:
    """The parcel filter of the request (shared by the parcels and cases lists, the map, the
    tiles and the exports). The parameters above are declared for the OpenAPI document; the
    raw query string is what :func:`parse_filters` reads. Async although it awaits nothing:
    FastAPI then calls it in the event loop instead of handing it to a worker thread."""
    return parse_filters(query_values(request), strict=True)


FilterDep = Annotated[ParcelFilter, Depends(parcel_filter)]
