"""The API definition of OGC API - Features: the /ogc part of the app's OpenAPI document,
as OpenAPI 3.0 (the ``oas30`` conformance class), with the standard's definitions of
``bbox``, ``datetime`` and ``limit``.

Its server is the landing page (``…/ogc``) and its paths are relative to it (``/``,
``/conformance``, ``/collections/{collectionId}/items`` …), as OGC API clients and test
suites expect; path parameters have the standard's names (``collectionId``,
``featureId``), which GDAL looks for to learn the items' query parameters. The app's own
document (``/openapi.json``, OpenAPI 3.1, for ``/docs``) is left as FastAPI writes it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI

from api.openapi30 import downgrade
from api.session_cookie import COOKIE_NAME
from landgis import features

PREFIX = "/ogc"
MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"

# The standard's parameter definitions (17-069r4, /req/core/fc-*-definition).
BBOX_PARAMETER: dict[str, Any] = {
    "name": "bbox",
    "in": "query",
    "required": False,
    "description": (
        "Only features whose geometry intersects the box: minlon,minlat,maxlon,maxlat "
        "(CRS84, longitude first), or six numbers with the lowest and highest heights "
        "(minlon,minlat,minh,maxlon,maxlat,maxh; heights are ignored). A first longitude "
        "larger than the second is a box across the antimeridian."
    ),
    "schema": {
        "type": "array",
        "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
        "items": {"type": "number"},
    },
    "style": "form",
    "explode": False,
}
DATETIME_PARAMETER: dict[str, Any] = {
    "name": "datetime",
    "in": "query",
    "required": False,
    "description": (
        "Only features whose time intersects this instant or interval (and those with no "
        "time): an RFC 3339 date-time (2024-05-01T08:00:00Z), a date (2024-05-01, that "
        "whole day in the county's time zone), or start/end with one end open (.. or "
        "empty). parcels: updated_at, the time the parcel was last changed; cases: "
        "last_event_on, the date of the case's latest event; efficiency: the year "
        "evaluated; zones, buildings and projects have no time, so every one of them "
        "matches."
    ),
    "schema": {"type": "string"},
    "style": "form",
    "explode": False,
}
LIMIT_PARAMETER: dict[str, Any] = {
    "name": "limit",
    "in": "query",
    "required": False,
    "description": (
        f"Features per page; a larger value is served as the maximum, {features.MAX_LIMIT}"
    ),
    "schema": {
        "type": "integer",
        "minimum": 1,
        "maximum": features.MAX_LIMIT,
        "default": features.DEFAULT_LIMIT,
    },
    "style": "form",
    "explode": False,
}

# OGC API - Features Part 3 (Filtering).
_CRS_EXAMPLE = "http://www.opengis.net/def/crs/EPSG/0/4528"
FILTER_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "filter",
        "in": "query",
        "required": False,
        "description": (
            "A CQL2 filter on the collection's queryables (…/queryables), in filter-lang: "
            "e.g. status = 'identified' AND idle_area_mu > 20 AND "
            "S_INTERSECTS(geom, POLYGON((…))). Comparisons, LIKE, BETWEEN, IN, IS NULL, "
            "arithmetic, property-property comparisons and the spatial functions S_INTERSECTS, "
            "S_EQUALS, S_DISJOINT, S_TOUCHES, S_WITHIN, S_OVERLAPS, S_CROSSES, S_CONTAINS."
        ),
        "schema": {"type": "string"},
        "style": "form",
        "explode": False,
    },
    {
        "name": "filter-lang",
        "in": "query",
        "required": False,
        "description": "The language of filter: cql2-text (default) or cql2-json",
        "schema": {"type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text"},
        "style": "form",
        "explode": False,
    },
    {
        "name": "filter-crs",
        "in": "query",
        "required": False,
        "description": (
            "CRS of the geometries in filter (URI or safe CURIE), one of the collection's "
            "crs list, coordinates in its axis order; default "
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
        ),
        "schema": {"type": "string", "format": "uri", "example": _CRS_EXAMPLE},
        "style": "form",
        "explode": False,
    },
]
PROPERTIES_PARAMETER: dict[str, Any] = {
    "name": "properties",
    "in": "query",
    "required": False,
    "description": "Only these properties in each feature's properties (comma-separated names)",
    "schema": {"type": "array", "items": {"type": "string"}},
    "style": "form",
    "explode": False,
}
SORTBY_PARAMETER: dict[str, Any] = {
    "name": "sortby",
    "in": "query",
    "required": False,
    "description": (
        "Sort by these properties (comma-separated; -name descending, +name or name "
        "ascending; features without a value last). A sorted listing pages by offset."
    ),
    "schema": {"type": "array", "items": {"type": "string", "pattern": "^[+-]?[A-Za-z_0-9]+$"}},
    "style": "form",
    "explode": False,
}
ITEMS_PARAMETERS = [
    BBOX_PARAMETER,
    DATETIME_PARAMETER,
    LIMIT_PARAMETER,
    *FILTER_PARAMETERS,
    PROPERTIES_PARAMETER,
    SORTBY_PARAMETER,
]

SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (landgis token create); needed only where reading "
        "needs a login",
    },
    "session": {"type": "apiKey", "in": "cookie", "name": COOKIE_NAME},
}
_REF = re.compile(r"#/components/schemas/([^\"/]+)")


def ogc_document(app: FastAPI, landing_url: str) -> dict[str, Any]:
    """The OpenAPI 3.0 definition of the app's OGC API, served from ``landing_url``."""
    cached: dict[str, Any] | None = getattr(app.state, "ogc_openapi", None)
    if cached is None:
        cached = app.state.ogc_openapi = _document(app)
    return {**cached, "servers": [{"url": landing_url.rstrip("/")}]}


def _document(app: FastAPI) -> dict[str, Any]:
    whole = app.openapi()
    paths = {
        _standard_names(path.removeprefix(PREFIX) or "/"): _standard_parameters(item)
        for path, item in whole["paths"].items()
        if path == PREFIX or path.startswith(PREFIX + "/")
    }
    schemas = whole.get("components", {}).get("schemas", {})
    document = {
        "openapi": whole["openapi"],
        "info": {
            "title": f"{app.title} · OGC API - Features",
            "version": app.version,
            "description": (
                "宗地、台账条目、片区、亩均效益评价、厂房与招商项目(OGC API - Features 第 1 部分"
                " Core、GeoJSON、OpenAPI 3.0,"
                "第 2 部分 CRS,第 3 部分 Filtering 与 CQL2)。"
                " Parcels, ledger cases, zones, the per-mu evaluation, factory buildings and"
                " investment projects (OGC API - Features Part 1: Core, GeoJSON,"
                " OpenAPI 3.0; Part 2: CRS; Part 3: Filtering with CQL2)."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {name: schemas[name] for name in sorted(_referenced(paths, schemas))},
            "securitySchemes": SECURITY_SCHEMES,
        },
        # Reading is open unless the settings put it behind a login.
        "security": [{}, {"bearer": []}, {"session": []}],
    }
    return downgrade(document)


# The path parameters' names in the routes, and in the standard.
STANDARD_NAMES = {"collection_id": "collectionId", "feature_id": "featureId"}


def _standard_names(path: str) -> str:
    """``path`` with its parameters named as the standard names them."""
    for ours, theirs in STANDARD_NAMES.items():
        path = path.replace("{" + ours + "}", "{" + theirs + "}")
    return path


def _standard_parameters(item: dict[str, Any]) -> dict[str, Any]:
    """A path item whose operations' path parameters are named as the standard names them."""
    renamed: dict[str, Any] = {}
    for method, operation in item.items():
        parameters = operation.get("parameters") if isinstance(operation, dict) else None
        if parameters is None:
            renamed[method] = operation
            continue
        renamed[method] = {
            **operation,
            "parameters": [
                {**p, "name": STANDARD_NAMES.get(p["name"], p["name"])}
                if p.get("in") == "path"
                else p
                for p in parameters
            ],
        }
    return renamed


def _referenced(node: Any, schemas: dict[str, Any]) -> set[str]:
    """The names of the component schemas ``node`` refers to, and those they refer to."""
    found: set[str] = set()
    pending = set(_REF.findall(json.dumps(node)))
    while pending:
        name = pending.pop()
        if name in found or name not in schemas:
            continue
        found.add(name)
        pending |= set(_REF.findall(json.dumps(schemas[name])))
    return found
