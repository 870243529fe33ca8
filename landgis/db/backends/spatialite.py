"""The SpatiaLite backend: the whole database in one file, for a single office machine.

How it connects and runs one writer at a time: :mod:`landgis.db.backends.spatialite_engine`;
its vector tiles: :mod:`landgis.db.backends.python_tiles`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from geoalchemy2 import Geometry
from geoalchemy2.shape import from_shape
from sqlalchemy import Column, Engine, String, Table, func, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from landgis.db.backends import functions as fn
from landgis.db.backends import spatialite_engine
from landgis.db.backends.base import Backend, Failure, TileLayer, TileSource, WriterGate
from landgis.db.query_types import AnySelect
from landgis.geo import CGCS2000_EPSG, to_multipolygon

if TYPE_CHECKING:
    from landgis.settings import Settings

# SQLite binds at most 32766 values per statement; IN lists go this many values at a time.
IN_CHUNK = 500


def _index_overlaps(element: fn.IndexOverlaps, compiler: Any, **kw: Any) -> str:
    """The rows SpatiaLite's ``SpatialIndex`` virtual table finds for the box."""
    column, box = element.clauses.clauses
    table = column.table
    literal = compiler.render_literal_value
    return (
        f"{compiler.preparer.format_table(table)}.ROWID IN (SELECT ROWID FROM SpatialIndex "
        f"WHERE f_table_name = {literal(table.name, String())} "
        f"AND f_geometry_column = {literal(column.name, String())} "
        f"AND search_frame = {compiler.process(box, **kw)})"
    )


def _box_intersects(element: fn.BoxIntersects, compiler: Any, **kw: Any) -> str:
    """``ST_Intersects``, after the spatial index where the column has one: SpatiaLite's
    ``ST_Intersects`` reads every row's geometry otherwise. Its -1 (a NULL or unreadable
    geometry) is no match."""
    column, box = element.clauses.clauses
    test = f"ST_Intersects({compiler.process(column, **kw)}, {compiler.process(box, **kw)}) = 1"
    kind = getattr(column, "type", None)
    if not (
        isinstance(column, Column)
        and isinstance(column.table, Table)
        and isinstance(kind, Geometry)
        and kind.spatial_index
    ):
        return test
    return f"({_index_overlaps(fn.IndexOverlaps(column, box), compiler, **kw)} AND {test})"


fn.render(
    "sqlite",
    {
        fn.Envelope: "BuildMbr({args})",
        fn.IndexOverlaps: _index_overlaps,
        fn.BoxIntersects: _box_intersects,
        fn.JsonObject: "json_object({args})",
        fn.JsonText: "{0}",
        fn.GeoJsonGeometry: "json(AsGeoJSON({args}, 0))",
        fn.JsonBoolean: "json(CASE WHEN {0} THEN 'true' ELSE 'false' END)",
        # SQLite's json_object keeps 15 significant digits: written out with 17.
        fn.JsonNumber: "CASE WHEN {0} IS NULL THEN NULL ELSE json(printf('%!.17g', {0})) END",
        fn.YearMonth: "strftime('%Y-%m', {0})",
        fn.Rounded: "round({args})",
        fn.GeodesicArea: "ST_Area({0}, 1)",
        fn.CaseSensitiveLike: "({0} GLOB {2})",
        fn.SwappedAxes: "SwapCoordinates({0})",
        fn.JoinedTexts: "group_concat({0}, ',' ORDER BY {0})",
        fn.JsonListText: (
            "CASE WHEN {0} IS NULL THEN NULL ELSE "
            "(SELECT coalesce(group_concat(value, ','), '') FROM json_each({0})) END"
        ),
    },
)


def _plain(values: Sequence[Any]) -> list[Any]:
    """A column's values as Python values for the driver (NaN in float arrays: None)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return list(np.where(np.isnan(values), None, values).tolist())
    if isinstance(values, np.ndarray):
        return list(values.tolist())
    return list(values)


class SpatiaLiteBackend(Backend):
    """A SpatiaLite file (``sqlite:///path/file.sqlite``)."""

    name = "spatialite"
    label = "SpatiaLite"
    dialect = "sqlite"
    alters_by_rebuilding = True

    def make_engine(self, settings: Settings) -> Engine:
        return spatialite_engine.make_spatialite_engine(settings)

    def in_memory(self, database_url: str) -> bool:
        return spatialite_engine.database_file(database_url) is None

    def secret_file(self, database_url: str) -> Path | None:
        """``<database>.secret`` beside the database file (readable by its owner only)."""
        path = spatialite_engine.database_file(database_url)
        return None if path is None else path.with_name(path.name + ".secret")

    def writer_gate(self, engine: Engine) -> WriterGate | None:
        return spatialite_engine.writer_gate(engine)

    def begin_write(self, session: Session) -> None:
        """``BEGIN IMMEDIATE``: the write lock before anything is read."""
        spatialite_engine.take_write_lock(session)

    def failure(self, error: BaseException) -> Failure | None:
        return Failure.LOCKED if spatialite_engine.busy(error) else None

    def insert(self, table: Any) -> sqlite.Insert:
        return sqlite.insert(table)

    def code_point_order(self, column: Any) -> Any:
        return column  # SQLite's BINARY collation compares UTF-8 bytes: code point order

    def extent(self, geom: Any) -> tuple[Any, Any, Any, Any]:
        box = func.Extent(geom)
        return func.MbrMinX(box), func.MbrMinY(box), func.MbrMaxX(box), func.MbrMaxY(box)

    def bulk_insert(
        self,
        session: Session,
        table: Table,
        columns: Mapping[str, Sequence[Any]],
        geometry: str,
    ) -> None:
        """One executemany."""
        plain = {
            name: [
                None if g is None else from_shape(to_multipolygon(g), srid=CGCS2000_EPSG)
                for g in values
            ]
            if name == geometry
            else _plain(values)
            for name, values in columns.items()
        }
        count = len(next(iter(plain.values()), []))
        rows = [{name: plain[name][i] for name in plain} for i in range(count)]
        session.execute(insert(table), rows)

    def select_where_in(
        self, columns: Sequence[Any], key: Any, values: Sequence[Any]
    ) -> list[AnySelect]:
        """One statement per :data:`IN_CHUNK` values."""
        return [
            select(*columns).where(key.in_(values[start : start + IN_CHUNK]))
            for start in range(0, len(values), IN_CHUNK)
        ]

    def near_boxes(
        self,
        session: Session,
        table: Table,
        columns: Sequence[Any],
        bounds: np.ndarray,
        margin: float,
    ) -> list[AnySelect]:
        """The rows meeting the one box around all the boxes."""
        minx, miny = bounds[:, 0].min() - margin, bounds[:, 1].min() - margin
        maxx, maxy = bounds[:, 2].max() + margin, bounds[:, 3].max() + margin
        box = fn.Envelope(float(minx), float(miny), float(maxx), float(maxy), CGCS2000_EPSG)
        return [select(*columns).where(func.ST_Intersects(table.c.geom, box))]

    def tile_source(self, layer: TileLayer) -> TileSource:
        from landgis.db.backends.python_tiles import PythonTiles

        return PythonTiles(layer)
