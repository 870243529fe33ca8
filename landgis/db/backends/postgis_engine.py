"""Connecting to a PostGIS server, and what its failures mean.

An engine checks a pooled connection before handing it out, and a new connection that
meets a server restarting (refused, starting up, shutting down) or a server with no
connection slot left (``max_connections`` reached by every client of the server, or a
role's ``CONNECTION LIMIT``) is tried again for up to ``db_pool_timeout`` seconds, so a
restart or a crowd costs a wait, not every request made meanwhile.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from landgis.db.backends.base import Failure
from landgis.errors import ConfigurationError
from landgis.i18n import _

if TYPE_CHECKING:
    from landgis.settings import Settings

log = logging.getLogger(__name__)

CONNECT_RETRY_S = 0.25
# libpq's connect_timeout (whole seconds) for a server reads can do without.
QUICK_CONNECT_S = 2
# Deadlock detected, serialization failure: the transaction was rolled back; a retry works.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})
# Admin shutdown, crash shutdown, cannot connect now (starting up, shutting down).
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
# Too many connections: the server (or the role, or the database) has no slot left.
FULL_SQLSTATES = frozenset({"53300"})
# What the server says then, before a session exists to carry an SQLSTATE.
FULL_TEXTS = (
    "too many clients already",
    "remaining connection slots are reserved",
    "too many connections for role",
    "too many connections for database",
)
# What libpq and psycopg say when the server is down, starting, stopping (ending
# sessions, dropping new connections) or has ended this connection.
UNAVAILABLE_TEXTS = (
    "connection refused",
    "could not connect",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "the database system is not yet accepting connections",
    "server closed the connection",
    "terminating connection",
    "connection reset by peer",
    "broken pipe",
    "no connection to the server",
    "the connection is closed",
    "connection is lost",
    "consuming input failed",
    "sending query failed",
    "ssl connection has been closed unexpectedly",
)


def _driver_error(error: BaseException) -> BaseException:
    """The DB-API error behind an SQLAlchemy wrapper (or the error itself)."""
    return error.orig if isinstance(error, DBAPIError) and error.orig is not None else error


def _from_psycopg(error: BaseException) -> bool:
    return type(error).__module__.startswith("psycopg")


def server_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the server is unreachable, restarting, or ended the
    connection (as opposed to refusing the statement)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    driver = _driver_error(error)
    if not _from_psycopg(driver):
        return False
    sqlstate = getattr(driver, "sqlstate", None) or ""
    if sqlstate in UNAVAILABLE_SQLSTATES or sqlstate.startswith("08"):
        return True
    if sqlstate:  # the server answered with a statement-level error
        return False
    message = str(driver).lower()
    return any(part in message for part in UNAVAILABLE_TEXTS)


def server_not_listening(error: BaseException) -> bool:
    """Whether a failed connection attempt met a server that is down, starting or
    stopping (worth trying again shortly), rather than one refusing the login or the
    database."""
    driver = _driver_error(error)
    if not _from_psycopg(driver):
        return False
    if getattr(driver, "sqlstate", None) in UNAVAILABLE_SQLSTATES:
        return True
    message = str(driver).lower()
    return any(part in message for part in UNAVAILABLE_TEXTS)


def server_full(error: BaseException) -> bool:
    """Whether a connection attempt was refused because the server, the role or the
    database has no connection slot left (worth trying again shortly)."""
    driver = _driver_error(error)
    if not _from_psycopg(driver):
        return False
    if getattr(driver, "sqlstate", None) in FULL_SQLSTATES:
        return True
    message = str(driver).lower()
    return any(part in message for part in FULL_TEXTS)


def failure(error: BaseException) -> Failure | None:
    """A deadlock or serialization failure rolled back, the server full, or gone."""
    if getattr(_driver_error(error), "sqlstate", None) in RETRY_SQLSTATES:
        return Failure.COLLISION
    if server_full(error):
        return Failure.FULL
    if server_unavailable(error):
        return Failure.UNAVAILABLE
    return None


def _patient_connect(wait_s: float) -> Any:
    """A ``do_connect`` hook trying again, for up to ``wait_s`` seconds, while the
    server is down, starting or stopping (a restart) or has no connection slot left;
    other failures raise at once."""

    def do_connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as error:
                waiting = server_not_listening(error) or server_full(error)
                if not waiting or time.monotonic() >= deadline:
                    raise
                log.info("database not accepting connections yet: %s", error)
                time.sleep(CONNECT_RETRY_S)

    return do_connect


def make_postgis_engine(
    settings: Settings, url: str | None = None, *, connect_wait_s: float | None = None
) -> Engine:
    """A pooled engine on the PostGIS database of ``settings`` (or at ``url``); a new
    connection is tried again for ``connect_wait_s`` seconds (default ``db_pool_timeout``)
    while the server restarts. With a wait of 0 (a replica, which reads may pass over)
    a server that does not answer within a few seconds fails the connection at once.
    Without ``db_prepared_statements`` psycopg prepares nothing on the server (pgbouncer
    in transaction pooling mode)."""
    wait_s = settings.db_pool_timeout if connect_wait_s is None else connect_wait_s
    connect_args: dict[str, Any] = {} if wait_s else {"connect_timeout": QUICK_CONNECT_S}
    if not settings.db_prepared_statements:  # pgbouncer pooling transactions
        connect_args["prepare_threshold"] = None
    engine = create_engine(
        url or settings.database_url,
        echo=settings.echo_sql,
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        connect_args=connect_args,
    )
    event.listen(engine, "do_connect", _patient_connect(wait_s))
    return engine


def ensure_extension(engine: Engine) -> None:
    """Create the PostGIS extension when the database lacks it; a clear
    ConfigurationError when the user may not (creating it needs a superuser or the
    database owner on PostgreSQL 13+)."""
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")):
            return
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except DBAPIError as error:
        raise ConfigurationError(
            _(
                "数据库未安装 PostGIS 扩展,且当前用户无权安装:请数据库管理员执行 "
                "CREATE EXTENSION postgis;(Debian/Ubuntu 需先安装 postgresql-15-postgis-3)。"
            ),
            detail=str(error.orig),
        ) from error
