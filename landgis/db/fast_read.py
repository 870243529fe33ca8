"""Hot reads (an OGC items page, a vector tile) without an ORM session, on PostgreSQL
and on a SpatiaLite file.

A statement is compiled once to its SQL text (:func:`compile_read`) and run on a raw
driver connection (:func:`run_read`): no session, no statement cache key per request.
The connection comes from the engine's pool without the pre-ping its checkout sends: a
PostgreSQL connection that the server ended (a restart) fails its statement instead, and
the statement is then run once more on a new connection.
A connection of a replica (:meth:`landgis.db.replica.EnginePair.read_bind`) is used as it
is, having just been checked.

On SpatiaLite the connections are already in the driver's autocommit mode (SQLAlchemy
sends BEGIN itself): a statement run outside a transaction is its own read transaction,
one snapshot of the file, taking no write lock.

The engine's ``before_cursor_execute`` listeners still see every statement (the
connection they are given is None; the cursor is the driver's).
"""

from __future__ import annotations

import contextlib
from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Engine
from sqlalchemy.pool import Pool
from sqlalchemy.pool.base import _ConnectionRecord

from landgis.db.backends.postgis_engine import server_unavailable
from landgis.db.failures import database_error
from landgis.db.query_types import AnySelect

__all__ = ["CompiledRead", "compile_read", "fast_reads", "run_read"]


@dataclass(frozen=True)
class CompiledRead:
    """A select compiled for one dialect: its SQL text (psycopg's ``%(name)s``
    placeholders, or SQLite's ``?``), the values of its fixed parameters, converters of
    those given at each run, a row type naming the columns, and for positional
    placeholders the parameters' names in their order."""

    sql: str
    fixed: Mapping[str, Any]
    converters: Mapping[str, Callable[[Any], Any]]
    row: Any
    positions: tuple[str, ...] | None = None

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any] | tuple[Any, ...]:
        """The fixed parameters and ``values`` (converted as SQLAlchemy would), by name or
        in their positions."""
        params = dict(self.fixed)
        for name, value in values.items():
            convert = self.converters.get(name)
            params[name] = value if convert is None or value is None else convert(value)
        if self.positions is not None:
            return tuple(params[name] for name in self.positions)
        return params


def fast_reads(bind: Engine | Connection) -> bool:
    """Whether reads on ``bind`` can take this path: PostgreSQL through psycopg, or a
    SpatiaLite file (not an in-memory database, whose one connection is shared)."""
    dialect = bind.dialect
    if dialect.name == "postgresql":
        return dialect.driver == "psycopg"
    return dialect.name == "sqlite" and _file_database(bind)


def _file_database(bind: Engine | Connection) -> bool:
    database = bind.engine.url.database
    return bool(database) and database != ":memory:" and not str(database).startswith("file:")


def compile_read(
    statement: AnySelect, dialect: Dialect, given: tuple[str, ...] = ()
) -> CompiledRead:
    """``statement`` compiled for ``dialect``. The parameters named in ``given`` (made by
    ``bindparam(name)``) are given at each run; every other value is fixed."""
    compiled = statement.compile(dialect=dialect)
    # Lists in ``IN`` rendered as one parameter each (they are fixed).
    expanded = compiled.construct_expanded_state(
        compiled.construct_params(dict.fromkeys(given), _check=False)
    )
    # The processors of the parameters as compiled (a date as SQLite's text), and of
    # those an IN list was expanded into.
    processors: dict[str, Any] = {**compiled._bind_processors, **expanded.processors}
    fixed: dict[str, Any] = {}
    converters: dict[str, Callable[[Any], Any]] = {}
    for name, value in expanded.parameters.items():
        convert = processors.get(name)
        if name in given:
            if convert is not None:
                converters[name] = convert
            continue
        fixed[name] = value if convert is None or value is None else convert(value)
    names = [column[0] for column in compiled._result_columns]
    row = namedtuple("Row", names, rename=True)  # type: ignore[misc]
    positions = None if expanded.positiontup is None else tuple(expanded.positiontup)
    return CompiledRead(expanded.statement, fixed, converters, row, positions)


def _lend(pool: Pool) -> Any:
    """A connection of the engine's own pool, lent without the pool's pre-ping: no more
    connections than the engine keeps (each new one costs PostGIS its first
    transformation, a fraction of a second)."""
    fairy = _ConnectionRecord.checkout(pool)
    fairy._counter += 1  # as the pool's own checkout counts it; ``close`` gives it back
    return fairy


Parameters = dict[str, Any] | tuple[Any, ...]


def _execute(engine: Engine, dbapi: Any, read: CompiledRead, params: Parameters) -> list[Any]:
    cursor = dbapi.cursor()
    try:
        if engine.dispatch.before_cursor_execute:
            engine.dispatch.before_cursor_execute(None, cursor, read.sql, params, None, False)
        if read.positions is None:
            # Binary results: a tile's bytes come as they are, not as hex text to decode.
            cursor.execute(read.sql, params, binary=True)
        else:
            cursor.execute(read.sql, params)
        return list(map(read.row._make, cursor.fetchall()))
    finally:
        cursor.close()


def _driver_autocommit(engine: Engine) -> bool:
    """Whether the engine's driver connections run each statement on its own already
    (SpatiaLite's: SQLAlchemy begins their transactions itself)."""
    return engine.dialect.name == "sqlite"


def _on_connection(conn: Connection, read: CompiledRead, params: Parameters) -> list[Any]:
    """On a connection given (a replica's): within its transaction if it has one, else
    in autocommit, leaving it as it was."""
    dbapi: Any = conn.connection.dbapi_connection
    if conn.in_transaction() or _driver_autocommit(conn.engine) or dbapi.autocommit:
        return _execute(conn.engine, dbapi, read, params)
    dbapi.autocommit = True  # no transaction: set on the client alone
    try:
        return _execute(conn.engine, dbapi, read, params)
    finally:
        with contextlib.suppress(Exception):  # a connection the server ended stays so
            dbapi.autocommit = False


def _autocommit_read(
    engine: Engine, lent: Any, read: CompiledRead, params: Parameters
) -> list[Any]:
    """On a pooled connection, in autocommit, given back as the engine expects it (not
    in autocommit; a connection that cannot be is closed)."""
    dbapi = lent.dbapi_connection
    if _driver_autocommit(engine):
        return _execute(engine, dbapi, read, params)
    dbapi.autocommit = True  # no transaction: set on the client alone
    try:
        return _execute(engine, dbapi, read, params)
    finally:
        try:
            dbapi.autocommit = False
        except Exception as error:
            lent.invalidate(error)


def run_read(
    bind: Engine | Connection, read: CompiledRead, values: Mapping[str, Any] | None = None
) -> list[Any]:
    """The rows of ``read`` run with ``values`` on ``bind``, as named tuples; on an
    engine, in autocommit on a pooled connection (once more on a new one when the server
    ended the first). Database failures a user can wait out raise their library error
    (:func:`landgis.db.failures.database_error`)."""
    params = read.parameters(values or {})
    try:
        if isinstance(bind, Connection):
            return _on_connection(bind, read, params)
        pool = bind.pool
        for attempt in (1, 2):
            lent = _lend(pool)
            try:
                return _autocommit_read(bind, lent, read, params)
            except Exception as error:
                if attempt == 1 and server_unavailable(error):
                    # As SQLAlchemy does on a disconnect: this connection is closed and
                    # every older one replaced when next lent (the server restarted).
                    pool._invalidate(lent, error)
                    continue
                raise
            finally:
                lent.close()
        raise AssertionError("unreachable")
    except Exception as error:
        mapped = database_error(error)
        if mapped is None:
            raise
        raise mapped from error
