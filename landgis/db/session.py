"""Units of work: one session, one transaction, committed only when all went well.

**Writers take SpatiaLite's write lock up front.** SQLite lets one connection write at a
time. A transaction begun with a plain (deferred) ``BEGIN`` reads first and asks for the
write lock at its first write; when another connection holds it, or committed since this
one's first read (``SQLITE_BUSY_SNAPSHOT`` in WAL mode), SQLite fails the write at once,
without waiting, and the transaction cannot be saved. So :func:`transaction` (a unit of
work that writes, the default) begins with ``BEGIN IMMEDIATE`` on SpatiaLite: the write
lock is taken before the work reads anything, waiting up to ``sqlite_busy_timeout`` for
the writer ahead of it. Once it holds the lock, nothing in the unit can fail for another
writer (in WAL mode a commit needs no further lock), so the work itself never has to be
run twice; only taking the lock can fail, and that is **retried once** — the unit has
not started, nothing needs undoing. When the lock stays taken through both waits the
unit ends with :class:`~landgis.errors.Busy` (HTTP 503 with Retry-After, "busy, try
again"), having changed nothing. Within one process the writers of a database queue
before they take a pooled connection (:class:`~landgis.db.engine.WriterGate`), so that
writers waiting their turn never leave the readers without connections.

**Reads take no write lock.** ``transaction(engine, write=False)`` and
:func:`read_session` begin deferred: in WAL mode they read a snapshot while a writer
works, and never wait for one. A read that writes something it can do without (a cached
count, a session's last-seen time) wraps that in :func:`optional_write`, which gives it
up when SpatiaLite is busy instead of failing the read.

On PostGIS, ``write`` changes nothing: rows are locked as they are written. Every
database failure a user can wait out (a busy SpatiaLite, no free pooled connection, a
PostgreSQL server restarting or gone, a deadlock broken by PostgreSQL) is turned into the
library error for it by :func:`landgis.db.failures.database_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from landgis.db.engine import WRITE_LOCK, make_sessionmaker, writer_gate
from landgis.db.failures import database_error, database_locked, sqlite_busy
from landgis.errors import StaleVersion

__all__ = ["optional_write", "read_session", "transaction"]

log = logging.getLogger(__name__)


def _take_write_lock(session: Session) -> None:
    """Begin the session's transaction with SpatiaLite's write lock (``BEGIN
    IMMEDIATE``, waiting up to the busy timeout); once more if the lock stayed taken."""
    try:
        session.connection(execution_options={WRITE_LOCK: True})
    except OperationalError as busy:
        if not sqlite_busy(busy):
            raise
        log.info("write lock still taken after the busy timeout; trying once more")
        session.rollback()  # the failed BEGIN left nothing to undo
        session.connection(execution_options={WRITE_LOCK: True})


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.

    ``write`` (the default) declares a unit of work that may write: on SpatiaLite it
    takes the write lock first, after this process's earlier writers (see the module's
    description); ``write=False`` is for
    reads. A busy database, a server that cannot be reached and a concurrent writer that
    got there first surface as library errors (:class:`~landgis.errors.Busy`,
    :class:`~landgis.errors.Conflict`), never as a crash.
    """
    gate = writer_gate(engine) if write and engine.dialect.name == "sqlite" else None
    if gate is not None and not gate.lock.acquire(timeout=gate.wait_s):
        raise database_locked(f"no turn to write within {gate.wait_s:g} s")
    session = make_sessionmaker(engine)()
    try:
        if write and engine.dialect.name == "sqlite":
            _take_write_lock(session)
        yield session
        session.commit()
    except StaleDataError as exc:
        raise StaleVersion(
            "记录刚被他人修改,请刷新后再试。",
            "The record was just changed by someone else; reload and try again.",
        ) from exc
    except Exception as exc:  # the driver's own errors too (COPY runs on its cursor)
        mapped = database_error(exc)
        if mapped is None:
            raise
        raise mapped from exc
    finally:
        session.close()
        if gate is not None:
            gate.lock.release()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads that need no transaction: each statement runs on its own
    (autocommit), which spares the BEGIN and COMMIT round trips of :func:`transaction`.
    A single-statement read sees one snapshot either way; what it writes (a cached count)
    is committed at once. (SQLite has no round trips to spare: there it is a read
    transaction, taking no write lock.)"""
    if engine.dialect.name != "postgresql":
        with transaction(engine, write=False) as session:
            yield session
        return
    reader = engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with make_sessionmaker(engine)(bind=reader) as session:
            yield session
    except Exception as exc:
        mapped = database_error(exc)
        if mapped is None:
            raise
        raise mapped from exc


@contextmanager
def optional_write(session: Session) -> Iterator[None]:
    """A write a read can do without (Core statements: a cached count, a last-seen time).

    On SpatiaLite, in a read transaction, the write needs the write lock, which SQLite
    refuses at once when another connection holds it or has committed since this read
    began: the write is then given up (SQLite undoes just that statement) and the read
    goes on. Elsewhere the write runs as it is."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    try:
        yield
    except OperationalError as busy:
        if not sqlite_busy(busy):
            raise
        log.debug("skipped an optional write: %s", busy.orig)
