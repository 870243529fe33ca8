"""The PostGIS backend: a PostgreSQL server that many workers and hosts share.

How it connects and what its failures mean: :mod:`landgis.db.backends.postgis_engine`;
bulk inserts with COPY: :mod:`landgis.db.backends.postgis_copy`. Vector tiles are encoded
by PostGIS itself (``ST_AsMVT``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import (
    ARRAY,
    Connection,
    Engine,
    Float,
    Integer,
    Table,
    bindparam,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from landgis.db.backends import functions as fn
from landgis.db.backends import postgis_engine
from landgis.db.backends.base import (
    BUFFER,
    EXTENT,
    WEB_MERCATOR_EPSG,
    Backend,
    Failure,
    TileAddress,
    TileLayer,
    TileSource,
)
from landgis.db.query_types import AnySelect
from landgis.geo import CGCS2000_EPSG

if TYPE_CHECKING:
    from landgis.settings import Settings

_BOX_CORNERS = ("x0", "y0", "x1", "y1")


def _index_overlaps(element: fn.IndexOverlaps, compiler: Any, **kw: Any) -> str:
    """``&&``, which the GiST index answers."""
    column, box = element.clauses.clauses
    return f"({compiler.process(column, **kw)} && {compiler.process(box, **kw)})"


fn.render(
    "postgresql",
    {
        fn.Envelope: "ST_MakeEnvelope({args})",
        fn.IndexOverlaps: _index_overlaps,
        fn.BoxIntersects: "ST_Intersects({0}, {1})",  # PostGIS's uses the index itself
        fn.JsonObject: "json_build_object({args})",
        fn.JsonText: "CAST({0} AS TEXT)",
        # Options 0: no bbox, and no crs member (PostGIS 3 adds one by default).
        fn.GeoJsonGeometry: "CAST(ST_AsGeoJSON({args}, 0) AS json)",
        fn.JsonBoolean: "COALESCE({0}, false)",
        fn.JsonNumber: "{0}",
        fn.YearMonth: "to_char({0}, 'YYYY-MM')",
        fn.Rounded: "round(CAST({0} AS numeric), {1})",  # PostgreSQL rounds only numerics
        fn.GeodesicArea: "ST_Area(CAST({0} AS geography))",
        fn.CaseSensitiveLike: "({0} LIKE {1} ESCAPE '\\')",
        fn.SwappedAxes: "ST_FlipCoordinates({0})",
        fn.JoinedTexts: "string_agg({0}, ',' ORDER BY {0})",
        fn.JsonListText: (
            "CASE WHEN {0} IS NULL THEN NULL ELSE array_to_string(ARRAY("
            "SELECT jsonb_array_elements_text(CAST({0} AS jsonb))), ',') END"
        ),
    },
)


class MvtQuery:
    """A layer's tile query, built once: PostGIS selects the features in the tile
    (``ST_TileEnvelope`` of the bound z/x/y) and encodes them (``ST_AsMVT``)."""

    def __init__(self, layer: TileLayer) -> None:
        envelope = func.ST_TileEnvelope(
            bindparam("z", type_=Integer),
            bindparam("x", type_=Integer),
            bindparam("y", type_=Integer),
        )
        search = func.ST_Transform(envelope, CGCS2000_EPSG)  # integer SRIDs: fast
        mvt_geom = func.ST_AsMVTGeom(
            func.ST_Transform(layer.geom, WEB_MERCATOR_EPSG), envelope, EXTENT, BUFFER, True
        )
        inner = (
            layer.rows.add_columns(mvt_geom.label("geom"))
            .where(fn.IndexOverlaps(layer.geom, search))
            .where(func.ST_Intersects(layer.geom, search))
            # A fence: PostgreSQL would otherwise push ``geom IS NOT NULL`` below into
            # the scan and clip every geometry twice (the filter, then the column).
            .offset(0)
            .subquery("t")
        )
        self.statement: AnySelect = (
            select(func.ST_AsMVT(literal_column("t"), layer.name, EXTENT, "geom", "id"))
            .select_from(inner)
            .where(inner.c.geom.is_not(None))
        )

    def encode(self, session: Session, tile: TileAddress) -> bytes:
        # Core, not the ORM: the tile is one value and the ORM costs a fraction of a ms.
        bound = {"z": tile.z, "x": tile.x, "y": tile.y}
        body = session.connection().execute(self.statement, bound).scalar()
        return bytes(body or b"")


class PostGISBackend(Backend):
    """A PostGIS database (``postgresql+psycopg://user:password@host:port/db``)."""

    name = "postgis"
    label = "PostGIS"
    dialect = "postgresql"
    json_type = postgresql.JSONB()

    def make_engine(self, settings: Settings) -> Engine:
        return postgis_engine.make_postgis_engine(settings)

    def prepare_database(self, engine: Engine) -> None:
        """The PostGIS extension, created when missing."""
        postgis_engine.ensure_extension(engine)

    def autocommit_reader(self, bind: Engine | Connection) -> Engine | Connection | None:
        """Spares the BEGIN and COMMIT round trips; a single statement sees one snapshot
        either way."""
        return bind.execution_options(isolation_level="AUTOCOMMIT")

    def failure(self, error: BaseException) -> Failure | None:
        return postgis_engine.failure(error)

    def insert(self, table: Any) -> postgresql.Insert:
        return postgresql.insert(table)

    def code_point_order(self, column: Any) -> Any:
        return column.collate("C")  # the database's locale would sort otherwise

    def extent(self, geom: Any) -> tuple[Any, Any, Any, Any]:
        box = func.ST_Extent(geom)
        return func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box)

    def bulk_insert(
        self,
        session: Session,
        table: Table,
        columns: Mapping[str, Sequence[Any]],
        geometry: str,
    ) -> None:
        """One ``COPY … FROM STDIN`` (geometries as hex EWKB)."""
        from landgis.db.backends.postgis_copy import copy_columns

        copy_columns(session, table, columns, geometry)

    def select_where_in(
        self, columns: Sequence[Any], key: Any, values: Sequence[Any]
    ) -> list[AnySelect]:
        """One statement joining the values as an array (texts as one JSON array: psycopg
        writes a long list of texts as an array parameter one element at a time)."""
        if not values:
            return []
        if all(isinstance(v, str) for v in values):
            texts = json.dumps(list(values), ensure_ascii=False)
            listed = func.jsonb_array_elements_text(cast(bindparam("wanted", texts), JSONB))
        else:
            listed = func.unnest(bindparam("wanted", list(values), type_=ARRAY(key.type)))
        wanted = listed.table_valued("value").render_derived(name="wanted")
        return [select(*columns).select_from(wanted).join(key.table, key == wanted.c.value)]

    def near_boxes(
        self,
        session: Session,
        table: Table,
        columns: Sequence[Any],
        bounds: np.ndarray,
        margin: float,
    ) -> list[AnySelect]:
        """The rows meeting each box, found by the index box by box. The boxes are grown
        by the margin and snapped out to a grid of that size: neighbours share them, so a
        batch of parcels asks for a few hundred boxes, not one each."""
        cell = max(margin, 1e-6)
        snapped = np.column_stack(
            [
                np.floor((bounds[:, :2] - margin) / cell),
                np.ceil((bounds[:, 2:] + margin) / cell),
            ]
        )
        grown = np.unique(snapped, axis=0) * cell
        arrays = [cast(bindparam(name, type_=ARRAY(Float)), ARRAY(Float)) for name in _BOX_CORNERS]
        boxes = func.unnest(*arrays).table_valued(*_BOX_CORNERS).render_derived(name="boxes")
        corners = [boxes.c[name] for name in _BOX_CORNERS]
        found = (
            select(table.c.id)
            .distinct()
            .select_from(boxes)
            .join(table, fn.IndexOverlaps(table.c.geom, fn.Envelope(*corners, CGCS2000_EPSG)))
        )
        ids = session.scalars(
            found, {name: grown[:, i].tolist() for i, name in enumerate(_BOX_CORNERS)}
        ).all()
        return self.select_where_in(columns, table.c.id, ids)

    def tile_source(self, layer: TileLayer) -> TileSource:
        return MvtQuery(layer)
