"""The query parameters and headers of OGC API - Features, Part 2 (CRS by reference), for
the routes at /ogc; the CRSs themselves are :mod:`landgis.ogc_crs`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from landgis import ogc_crs

CONFORMANCE_CLASS = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"

_EXAMPLE = ogc_crs.EPSG_URI.format(code=4528)

CrsParam = Annotated[
    str | None,
    Query(
        description=(
            "CRS of the coordinates returned (URI or safe CURIE such as [EPSG:4528]), one of"
            f" the collection's crs list; default {ogc_crs.CRS84}. Coordinates follow the"
            " CRS's axis order: EPSG:4490 and 4326 latitude first, the Gauss-Krüger zones"
            " EPSG:4513–4554 northing first."
        ),
        max_length=200,
        json_schema_extra={"format": "uri", "example": _EXAMPLE},
    ),
]
BboxCrsParam = Annotated[
    str | None,
    Query(
        alias="bbox-crs",
        description=(
            "CRS of bbox (URI or safe CURIE), one of the collection's crs list; default"
            f" {ogc_crs.CRS84}. bbox is then given in that CRS's axis order."
        ),
        max_length=200,
        json_schema_extra={"format": "uri", "example": _EXAMPLE},
    ),
]


def collection_members() -> dict[str, Any]:
    """``crs`` and ``storageCrs`` of a collection document."""
    return {"crs": ogc_crs.crs_uris(), "storageCrs": ogc_crs.STORAGE_CRS.uri}


def content_crs(crs: ogc_crs.Crs) -> dict[str, str]:
    """The ``Content-Crs`` header of a response whose coordinates are in ``crs``."""
    return {"Content-Crs": crs.header}
