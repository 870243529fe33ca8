"""The one place that knows how SpatiaLite and PostGIS differ."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Boolean, Text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

Backend = Literal["spatialite", "postgis"]


def backend_of(bind: Engine | Connection | Session) -> Backend:
    """Which storage backend ``bind`` talks to."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return "postgis" if engine.dialect.name == "postgresql" else "spatialite"


class Envelope(FunctionElement):
    """A rectangle (minx, miny, maxx, maxy) in an SRID, on either backend."""

    inherit_cache = True
    name = "landgis_envelope"


@compiles(Envelope, "postgresql")
def _envelope_postgis(element: Envelope, compiler: Any, **kw: Any) -> str:
    return f"ST_MakeEnvelope({compiler.process(element.clauses, **kw)})"


@compiles(Envelope, "sqlite")
def _envelope_spatialite(element: Envelope, compiler: Any, **kw: Any) -> str:
    return f"BuildMbr({compiler.process(element.clauses, **kw)})"


class IndexOverlaps(FunctionElement):
    """``IndexOverlaps(geom_column, box)``: rows whose geometry's bounding box overlaps the
    geometry ``box``, answered from the spatial index (a prefilter, not an exact test)."""

    inherit_cache = True
    name = "landgis_index_overlaps"
    type = Boolean()


@compiles(IndexOverlaps, "postgresql")
def _index_overlaps_postgis(element: IndexOverlaps, compiler: Any, **kw: Any) -> str:
    column, box = element.clauses.clauses
    return f"({compiler.process(column, **kw)} && {compiler.process(box, **kw)})"


@compiles(IndexOverlaps, "sqlite")
def _index_overlaps_spatialite(element: IndexOverlaps, compiler: Any, **kw: Any) -> str:
    column, box = element.clauses.clauses
    table = column.table.name
    return (
        f'"{table}".ROWID IN (SELECT ROWID FROM SpatialIndex '
        f"WHERE f_table_name = '{table}' AND f_geometry_column = '{column.name}' "
        f"AND search_frame = {compiler.process(box, **kw)})"
    )


class JsonObject(FunctionElement):
    """``JsonObject(name1, value1, name2, value2, …)``: a JSON object as text, its members
    in the order given (``json_build_object`` on PostGIS, ``json_object`` on SQLite)."""

    inherit_cache = True
    name = "landgis_json_object"
    type = Text()


@compiles(JsonObject, "postgresql")
def _json_object_postgis(element: JsonObject, compiler: Any, **kw: Any) -> str:
    return f"json_build_object({compiler.process(element.clauses, **kw)})"


@compiles(JsonObject, "sqlite")
def _json_object_sqlite(element: JsonObject, compiler: Any, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


class JsonText(FunctionElement):
    """``JsonText(json)``: a JSON value (from :class:`JsonObject`) as a string."""

    inherit_cache = True
    name = "landgis_json_text"
    type = Text()


@compiles(JsonText, "postgresql")
def _json_text_postgis(element: JsonText, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


@compiles(JsonText, "sqlite")
def _json_text_sqlite(element: JsonText, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


class GeoJsonGeometry(FunctionElement):
    """``GeoJsonGeometry(geom, decimals)``: a geometry as a JSON value for a
    :class:`JsonObject` member (coordinates rounded to ``decimals``)."""

    inherit_cache = True
    name = "landgis_geojson_geometry"


@compiles(GeoJsonGeometry, "postgresql")
def _geojson_postgis(element: GeoJsonGeometry, compiler: Any, **kw: Any) -> str:
    # Options 0: no bbox, no crs member (RFC 7946; PostGIS 3 adds a crs by default).
    return f"CAST(ST_AsGeoJSON({compiler.process(element.clauses, **kw)}, 0) AS json)"


@compiles(GeoJsonGeometry, "sqlite")
def _geojson_sqlite(element: GeoJsonGeometry, compiler: Any, **kw: Any) -> str:
    # Options 0: no bbox, no crs member (RFC 7946).
    return f"json(AsGeoJSON({compiler.process(element.clauses, **kw)}, 0))"


class JsonBoolean(FunctionElement):
    """``JsonBoolean(condition)``: ``true``/``false`` as a :class:`JsonObject` member
    (a NULL condition is false)."""

    inherit_cache = True
    name = "landgis_json_boolean"


@compiles(JsonBoolean, "postgresql")
def _json_boolean_postgis(element: JsonBoolean, compiler: Any, **kw: Any) -> str:
    return f"COALESCE({compiler.process(element.clauses, **kw)}, false)"


@compiles(JsonBoolean, "sqlite")
def _json_boolean_sqlite(element: JsonBoolean, compiler: Any, **kw: Any) -> str:
    condition = compiler.process(element.clauses, **kw)
    return f"json(CASE WHEN {condition} THEN 'true' ELSE 'false' END)"


class Rounded(FunctionElement):
    """``Rounded(number, digits)``: a float rounded to ``digits`` decimals, on either backend
    (PostgreSQL rounds only numerics)."""

    inherit_cache = True
    name = "landgis_rounded"


@compiles(Rounded, "postgresql")
def _rounded_postgis(element: Rounded, compiler: Any, **kw: Any) -> str:
    number, digits = element.clauses.clauses
    return (
        f"round(CAST({compiler.process(number, **kw)} AS numeric), "
        f"{compiler.process(digits, **kw)})"
    )


@compiles(Rounded, "sqlite")
def _rounded_sqlite(element: Rounded, compiler: Any, **kw: Any) -> str:
    return f"round({compiler.process(element.clauses, **kw)})"


class JsonNumber(FunctionElement):
    """``JsonNumber(float_column)``: a float as a :class:`JsonObject` member that reads back
    as the same double (SQLite's ``json_object`` keeps only 15 significant digits)."""

    inherit_cache = True
    name = "landgis_json_number"


@compiles(JsonNumber, "postgresql")
def _json_number_postgis(element: JsonNumber, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(JsonNumber, "sqlite")
def _json_number_sqlite(element: JsonNumber, compiler: Any, **kw: Any) -> str:
    number = compiler.process(element.clauses, **kw)
    return f"CASE WHEN {number} IS NULL THEN NULL ELSE json(printf('%!.17g', {number})) END"
