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


class _Templated(FunctionElement):
    """A function element written from one template per backend (class attributes
    ``postgis`` and ``sqlite``): ``{args}`` stands for all its arguments, ``{0}``, ``{1}`` …
    for each one."""

    inherit_cache = True
    postgis = ""
    sqlite = ""


def _templated(cls: type[_Templated]) -> type[_Templated]:
    """Register ``cls``'s two templates with SQLAlchemy's compiler."""
    for dialect, template in (("postgresql", cls.postgis), ("sqlite", cls.sqlite)):

        def render(element: Any, compiler: Any, template: str = template, **kw: Any) -> str:
            args = [compiler.process(clause, **kw) for clause in element.clauses.clauses]
            return template.format(*args, args=", ".join(args))

        compiles(cls, dialect)(render)
    return cls


@_templated
class Envelope(_Templated):
    """A rectangle (minx, miny, maxx, maxy) in an SRID, on either backend."""

    inherit_cache = True
    name = "landgis_envelope"
    postgis = "ST_MakeEnvelope({args})"
    sqlite = "BuildMbr({args})"


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


@_templated
class JsonObject(_Templated):
    """``JsonObject(name1, value1, name2, value2, …)``: a JSON object as text, its members
    in the order given."""

    inherit_cache = True
    name = "landgis_json_object"
    type = Text()
    postgis = "json_build_object({args})"
    sqlite = "json_object({args})"


@_templated
class JsonText(_Templated):
    """``JsonText(json)``: a JSON value (from :class:`JsonObject`) as a string."""

    inherit_cache = True
    name = "landgis_json_text"
    type = Text()
    postgis = "CAST({0} AS TEXT)"
    sqlite = "{0}"


@_templated
class GeoJsonGeometry(_Templated):
    """``GeoJsonGeometry(geom, decimals)``: a geometry as a JSON value for a
    :class:`JsonObject` member (coordinates rounded to ``decimals``; options 0: no bbox and
    no crs member, as RFC 7946 wants; PostGIS 3 adds a crs by default)."""

    inherit_cache = True
    name = "landgis_geojson_geometry"
    postgis = "CAST(ST_AsGeoJSON({args}, 0) AS json)"
    sqlite = "json(AsGeoJSON({args}, 0))"


@_templated
class JsonBoolean(_Templated):
    """``JsonBoolean(condition)``: ``true``/``false`` as a :class:`JsonObject` member
    (a NULL condition is false)."""

    inherit_cache = True
    name = "landgis_json_boolean"
    postgis = "COALESCE({0}, false)"
    sqlite = "json(CASE WHEN {0} THEN 'true' ELSE 'false' END)"


@_templated
class Rounded(_Templated):
    """``Rounded(number, digits)``: a float rounded to ``digits`` decimals, on either backend
    (PostgreSQL rounds only numerics)."""

    inherit_cache = True
    name = "landgis_rounded"
    postgis = "round(CAST({0} AS numeric), {1})"
    sqlite = "round({args})"


@_templated
class JsonNumber(_Templated):
    """``JsonNumber(float_column)``: a float as a :class:`JsonObject` member that reads back
    as the same double (SQLite's ``json_object`` keeps only 15 significant digits)."""

    inherit_cache = True
    name = "landgis_json_number"
    postgis = "{0}"
    sqlite = "CASE WHEN {0} IS NULL THEN NULL ELSE json(printf('%!.17g', {0})) END"


def insert_if_missing(session: Session, table: Any, values: dict[str, Any]) -> None:
    """``INSERT … ON CONFLICT DO NOTHING``: a row that another writer inserted first stays
    (both backends speak this SQL; SQLAlchemy builds it per dialect)."""
    if backend_of(session) == "postgis":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    session.execute(insert(table).values(**values).on_conflict_do_nothing())
