"""Units of work: one session, one transaction, committed only when all went well."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from landgis.db.engine import make_sessionmaker
from landgis.errors import Busy, Conflict, StaleVersion

# Deadlock detected, serialization failure: the transaction was rolled back; a retry works.
RETRY_SQLSTATES = ("40P01", "40001")


def pool_exhausted(exc: PoolTimeout) -> Busy:
    """Every pooled connection stayed in use for the pool's whole timeout."""
    return Busy(
        "服务器正忙,请稍后再试。",
        "The server is busy; try again in a moment.",
        detail=str(exc),
        retry_after=2,
    )


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.

    A concurrent writer that got there first surfaces as a Conflict, never as a crash; no
    free pooled connection within the pool's timeout surfaces as :class:`Busy`.
    """
    try:
        with make_sessionmaker(engine).begin() as session:
            yield session
    except PoolTimeout as exc:
        raise pool_exhausted(exc) from exc
    except StaleDataError as exc:
        raise StaleVersion(
            "记录刚被他人修改,请刷新后再试。",
            "The record was just changed by someone else; reload and try again.",
        ) from exc
    except OperationalError as exc:
        # PostgreSQL gave up on one of two transactions waiting for each other.
        if getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES:
            raise Conflict(
                "与其他同时进行的修改冲突,未作任何更改,请再试一次。",
                "This collided with another change made at the same time; nothing was "
                "changed, try again.",
                detail=str(exc),
            ) from exc
        if "locked" not in str(exc).lower():
            raise
        raise Conflict(
            "数据库正被其他操作写入,请稍后再试。",
            "The database is busy with another change; try again in a moment.",
            detail=str(exc),
        ) from exc


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads that need no transaction: each statement runs on its own
    (autocommit), which spares the BEGIN and COMMIT round trips of :func:`transaction`.
    A single-statement read sees one snapshot either way; what it writes (a cached count)
    is committed at once. (SQLite has no round trips to spare: there it is a transaction.)"""
    if engine.dialect.name != "postgresql":
        with transaction(engine) as session:
            yield session
        return
    reader = engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with make_sessionmaker(engine)(bind=reader) as session:
            yield session
    except PoolTimeout as exc:
        raise pool_exhausted(exc) from exc
