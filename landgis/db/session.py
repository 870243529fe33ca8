"""Units of work: one session, one transaction, committed only when all went well.

**Writers say so up front.** :func:`transaction` (a unit of work that writes, the
default) has the backend begin it as a writer (:meth:`~landgis.db.backends.Backend.
begin_write`). Where the database lets one connection write at a time, the write lock is
taken before the work reads anything, waiting for the writer ahead of it: once held,
nothing in the unit can fail for another writer, so the work itself never has to be run
twice; only taking the lock can fail, and that is retried once (see
:mod:`landgis.db.backends.spatialite_engine`). When the lock stays taken the unit ends
with :class:`~landgis.errors.Busy` (HTTP 503 with Retry-After, "busy, try again"),
having changed nothing. Within one process such writers first queue at the backend's
:class:`~landgis.db.backends.WriterGate`, holding no pooled connection, so that writers
waiting their turn never leave the readers without connections. Where rows are locked as
they are written, beginning as a writer changes nothing.

**Reads take no write lock.** ``transaction(engine, write=False)`` and
:func:`read_session` read a snapshot while a writer works, and never wait for one. A read
that writes something it can do without (a cached count, a session's last-seen time)
runs it through :func:`optional_write`, which gives it up when the database refuses it for
another writer (or is a read-only replica) instead of failing the read.

Every database failure a user can wait out (a busy database, no free pooled connection, a
server restarting or gone, a deadlock broken by the server) is turned into the library
error for it by :func:`landgis.db.failures.database_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Executable
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from landgis.db.backends import Failure, backend_for
from landgis.db.engine import make_sessionmaker
from landgis.db.failures import database_error, database_locked
from landgis.db.replica import is_read_only
from landgis.errors import StaleVersion
from landgis.i18n import _

__all__ = ["optional_write", "read_session", "transaction"]

log = logging.getLogger(__name__)


@contextmanager
def transaction(engine: Engine | Connection, *, write: bool = True) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.

    ``write`` (the default) declares a unit of work that may write: it begins as a
    writer, after this process's earlier writers where they queue (see the module's
    description); ``write=False`` is for reads, which may also run on a connection given
    (a replica's: :meth:`landgis.db.replica.EnginePair.read_bind`). A busy database, a
    server that cannot be reached and a concurrent writer that got there first surface as
    library errors (:class:`~landgis.errors.Busy`, :class:`~landgis.errors.Conflict`),
    never as a crash.
    """
    backend = backend_for(engine)
    if write and not isinstance(engine, Engine):
        raise TypeError("a unit of work that writes runs on an engine")
    gate = backend.writer_gate(engine) if isinstance(engine, Engine) and write else None
    if gate is not None and not gate.lock.acquire(timeout=gate.wait_s):
        raise database_locked(f"no turn to write within {gate.wait_s:g} s")
    session = make_sessionmaker(engine)()
    try:
        if write:
            backend.begin_write(session)
        yield session
        session.commit()
    except StaleDataError as exc:
        raise StaleVersion(
            _("记录刚被他人修改,请刷新后再试。"),
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
def read_session(engine: Engine | Connection) -> Iterator[Session]:
    """A session for reads that need no transaction: each statement runs on its own
    (autocommit), which spares the BEGIN and COMMIT round trips of :func:`transaction`.
    A single-statement read sees one snapshot either way; what it writes (a cached count)
    is committed at once. Where a transaction costs no round trips (a file database) it
    is a read transaction, taking no write lock. ``engine`` may be a connection (a
    replica's: :meth:`landgis.db.replica.EnginePair.read_bind`)."""
    reader = backend_for(engine).autocommit_reader(engine)
    if reader is None:
        with transaction(engine, write=False) as session:
            yield session
        return
    try:
        with make_sessionmaker(engine)(bind=reader) as session:
            yield session
    except Exception as exc:
        mapped = database_error(exc)
        if mapped is None:
            raise
        raise mapped from exc


def optional_write(session: Session, statement: Executable) -> None:
    """Run a write a read can do without (a Core statement: a cached count, a last-seen
    time), or give it up.

    On a read-only replica it is skipped. Where the database has one writer at a time,
    the write needs the write lock in a read transaction, which is refused at once when
    another connection holds it or has committed since this read began: the write is then
    given up (the database undoes just that statement) and the read goes on. Elsewhere the
    write runs as it is."""
    if is_read_only(session.connection()):
        log.debug("skipped an optional write on a read-only replica")
        return
    try:
        session.execute(statement)
    except OperationalError as refused:
        if backend_for(session).failure(refused) is not Failure.LOCKED:
            raise
        log.debug("skipped an optional write: %s", refused.orig)
