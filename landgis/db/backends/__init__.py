"""Every difference between the storage backends, behind one interface.

landgis stores its data in a SpatiaLite file (the embedded default) or in PostGIS
(production). The rest of the code asks :func:`backend_for` for the :class:`Backend` of
its engine, session or database URL and calls it; SQL functions spelt differently on the
two are the elements of :mod:`landgis.db.backends.functions`, re-exported here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Connection, Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from landgis.db.backends.base import (
    BUFFER,
    EXTENT,
    Backend,
    BackendName,
    DisplayShift,
    Failure,
    TileLayer,
    TileSource,
    WriterGate,
)
from landgis.db.backends.functions import (
    BoxIntersects,
    CaseSensitiveLike,
    Envelope,
    GeodesicArea,
    GeoJsonGeometry,
    IndexOverlaps,
    JoinedTexts,
    JsonBoolean,
    JsonListText,
    JsonNumber,
    JsonObject,
    JsonText,
    Rounded,
    SwappedAxes,
)
from landgis.db.backends.postgis import PostGISBackend
from landgis.db.backends.spatialite import SpatiaLiteBackend
from landgis.errors import ConfigurationError
from landgis.i18n import _

__all__ = [
    "BACKENDS",
    "BUFFER",
    "EXTENT",
    "Backend",
    "BackendName",
    "BoxIntersects",
    "CaseSensitiveLike",
    "DisplayShift",
    "Envelope",
    "Failure",
    "GeoJsonGeometry",
    "GeodesicArea",
    "IndexOverlaps",
    "JoinedTexts",
    "JsonBoolean",
    "JsonListText",
    "JsonNumber",
    "JsonObject",
    "JsonText",
    "Rounded",
    "SwappedAxes",
    "TileLayer",
    "TileSource",
    "WriterGate",
    "backend_for",
    "backend_named",
    "json_column_type",
]

BACKENDS: tuple[Backend, ...] = (SpatiaLiteBackend(), PostGISBackend())
_BY_DIALECT = {backend.dialect: backend for backend in BACKENDS}
_BY_NAME: dict[str, Backend] = {backend.name: backend for backend in BACKENDS}


def backend_for(bind: Engine | Connection | Session | URL | str) -> Backend:
    """The backend of an engine, connection, session or database URL.

    Raises :class:`~landgis.errors.ConfigurationError` for a database landgis does not
    support.
    """
    if isinstance(bind, Session):
        bind = bind.get_bind()
    if isinstance(bind, Engine | Connection):
        dialect = bind.dialect.name
    else:
        dialect = make_url(bind).get_backend_name()
    backend = _BY_DIALECT.get(dialect)
    if backend is None:
        raise ConfigurationError(
            _("不支持的数据库:{dialect}(仅支持 SpatiaLite 和 PostGIS)。", dialect=dialect)
        )
    return backend


def backend_named(name: str) -> Backend:
    """The backend called ``name`` (``spatialite``, ``postgis``); ValueError otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown backend {name!r}") from None


def json_column_type() -> TypeEngine[Any]:
    """The type of a column of JSON documents: JSON, or the backend's own where it has a
    better one (PostgreSQL's JSONB)."""
    column: TypeEngine[Any] = JSON()
    for backend in BACKENDS:
        if backend.json_type is not None:
            column = column.with_variant(backend.json_type, backend.dialect)
    return column
