"""What every storage backend provides (:class:`Backend`), and the plain types it speaks.

A backend is one kind of database landgis stores its data in: a SpatiaLite file
(:mod:`landgis.db.backends.spatialite`) or a PostGIS server
(:mod:`landgis.db.backends.postgis`). Everything that differs between them is a method or
attribute here; the rest of landgis asks :func:`landgis.db.backends.backend_for` for the
backend of its engine or session and calls it, never asking which one it is. SQL
functions whose spelling differs are in :mod:`landgis.db.backends.functions`.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from landgis.db.query_types import AnySelect

if TYPE_CHECKING:
    import numpy as np

    from landgis.settings import Settings

BackendName = Literal["spatialite", "postgis"]
# An INSERT that can say what to do when the row exists (ON CONFLICT DO NOTHING / UPDATE).
ConflictInsert = postgresql.Insert | sqlite.Insert
Bounds = tuple[float, float, float, float]

# The vector tiles every backend makes: a 4096 grid, features clipped 64 units outside it.
EXTENT = 4096
BUFFER = 64
WEB_MERCATOR_EPSG = 3857


class Failure(Enum):
    """A database failure the user can wait out, as a backend recognises it."""

    LOCKED = "locked"  # another writer kept the write lock (SpatiaLite busy)
    COLLISION = "collision"  # rolled back to break a deadlock or serialization failure
    UNAVAILABLE = "unavailable"  # the server cannot be reached, restarts or ended the session
    FULL = "full"  # the server refused a new connection: no connection slot left


@dataclass(frozen=True)
class WriterGate:
    """The writers of one database in this process go one at a time: the others wait
    here, holding no pooled connection, rather than in the database holding one each
    (fifty waiting editors would take every connection from the readers). ``wait_s``
    bounds the wait. A semaphore, not a lock: a unit of work may end in another thread
    than it began (a web framework's dependency)."""

    lock: threading.BoundedSemaphore
    wait_s: float


class TileAddress(Protocol):
    """One tile of the XYZ scheme (:class:`landgis.tiles.Tile`)."""

    @property
    def z(self) -> int: ...
    @property
    def x(self) -> int: ...
    @property
    def y(self) -> int: ...
    def mercator_bounds(self) -> Bounds: ...
    def lonlat_bounds(self) -> Bounds: ...


@dataclass(frozen=True)
class TileLayer:
    """One layer of a vector tile: its name, its rows (an ``id`` column, then the
    attributes) and the geometry column they are drawn from (EPSG:4490)."""

    name: str
    rows: AnySelect
    geom: Any


@dataclass(frozen=True)
class DisplayShift:
    """Geometries moved for display only (onto a background drawn in GCJ-02 …), never
    stored: ``move`` takes lon/lat geometries (a shapely array) to where they are drawn;
    ``reach`` is the most it moves a point, in degrees (the stored box to search for a
    drawn one is that box grown by it)."""

    name: str
    move: Callable[[np.ndarray], np.ndarray]
    reach: float


class TileSource(Protocol):
    """A tile layer made ready once (its query built): encodes any tile of it."""

    def encode(self, session: Session, tile: TileAddress) -> bytes:
        """The layer's MVT bytes in ``tile`` (empty when no feature is in it)."""
        ...


class Backend(ABC):
    """One storage backend: how to connect to it, run units of work on it, and spell the
    SQL whose spelling differs."""

    name: ClassVar[BackendName]
    label: ClassVar[str]  # as a clerk reads it: SpatiaLite, PostGIS
    dialect: ClassVar[str]  # SQLAlchemy's dialect name
    # Whether Alembic rebuilds a table to alter it (SQLite alters little in place).
    alters_by_rebuilding: ClassVar[bool] = False
    # The column type of JSON documents where it is not the generic JSON.
    json_type: ClassVar[TypeEngine[Any] | None] = None

    def __repr__(self) -> str:
        return f"<{self.label} backend>"

    # --- engines ---------------------------------------------------------------------

    @abstractmethod
    def make_engine(self, settings: Settings) -> Engine:
        """An engine for ``settings.database_url``, configured for this backend."""

    def prepare_database(self, engine: Engine) -> None:
        """Make the database ready for the landgis schema (before any migration);
        nothing to do by default."""
        return None

    def in_memory(self, database_url: str) -> bool:
        """Whether the database lives only as long as its connections."""
        return False

    def secret_file(self, database_url: str) -> Path | None:
        """The file beside the database keeping the server's secrets; None when the
        database keeps them itself (table ``server_secrets``)."""
        return None

    # --- units of work ---------------------------------------------------------------

    def writer_gate(self, engine: Engine) -> WriterGate | None:
        """Where this process's writers of ``engine`` wait their turn (None: they do not)."""
        return None

    def begin_write(self, session: Session) -> None:
        """Begin the transaction of a unit of work that will write (before it reads);
        by default it begins as any other, at its first statement."""
        return None

    def autocommit_reader(self, bind: Engine | Connection) -> Engine | Connection | None:
        """``bind`` running each statement on its own, for reads needing no transaction;
        None when a read transaction costs nothing here."""
        return None

    @abstractmethod
    def failure(self, error: BaseException) -> Failure | None:
        """What ``error`` (raised by this backend's driver) means for the user, if it is a
        condition the user can wait out."""

    # --- SQL -------------------------------------------------------------------------

    @abstractmethod
    def insert(self, table: Any) -> ConflictInsert:
        """An INSERT into ``table`` (a Table or model) that can end in ON CONFLICT."""

    def insert_if_missing(self, session: Session, table: Any, values: Mapping[str, Any]) -> None:
        """``INSERT … ON CONFLICT DO NOTHING``: a row another writer inserted first stays."""
        session.execute(self.insert(table).values(**values).on_conflict_do_nothing())

    @abstractmethod
    def code_point_order(self, column: Any) -> Any:
        """``column`` sorting text by code point (as Python and pandas sort)."""

    @abstractmethod
    def extent(self, geom: Any) -> tuple[Any, Any, Any, Any]:
        """Aggregates: minx, miny, maxx, maxy of the rows' ``geom`` (NULL without rows)."""

    @abstractmethod
    def bulk_insert(
        self,
        session: Session,
        table: Table,
        columns: Mapping[str, Sequence[Any]],
        geometry: str,
    ) -> None:
        """Insert rows given as columns in the session's transaction (the ``geometry``
        column: shapely geometries, stored as EPSG:4490 MultiPolygons). JSON columns take
        dicts, date columns dates; None (and NaN in float arrays) is NULL."""

    @abstractmethod
    def select_where_in(
        self, columns: Sequence[Any], key: Any, values: Sequence[Any]
    ) -> list[AnySelect]:
        """Statements that together select ``columns`` of the rows whose ``key`` column is
        one of ``values`` (none when there is no value)."""

    @abstractmethod
    def near_boxes(
        self,
        session: Session,
        table: Table,
        columns: Sequence[Any],
        bounds: np.ndarray,
        margin: float,
    ) -> list[AnySelect]:
        """Statements that together select ``columns`` of the rows of ``table`` whose
        ``geom`` meets one of ``bounds`` (n × 4, EPSG:4490, finite) grown by ``margin``
        degrees, and maybe of others near them (within the box around them all)."""

    @abstractmethod
    def tile_source(self, layer: TileLayer) -> TileSource:
        """``layer`` made ready to encode as Mapbox vector tiles: geometries in Web
        Mercator, clipped to the tile plus :data:`BUFFER`, on an :data:`EXTENT` grid."""

    def shifted_tile_source(self, layer: TileLayer, shift: DisplayShift) -> TileSource:
        """``layer``'s tiles as :meth:`tile_source` makes them, each geometry moved by
        ``shift`` first (read with portable SQL and encoded in Python, on every backend)."""
        from landgis.db.backends.python_tiles import PythonTiles

        return PythonTiles(layer, shift)
