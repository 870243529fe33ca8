"""The one place that knows how SpatiaLite and PostGIS differ."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Boolean
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
