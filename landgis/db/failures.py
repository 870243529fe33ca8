"""What a database error means for the user, decided in one place.

- **Busy** (:class:`~landgis.errors.Busy`, HTTP 503 with Retry-After): SpatiaLite's write
  lock stayed taken for the whole busy timeout ("database is locked", "database table is
  locked"); every pooled connection stayed in use for the pool's timeout; the PostgreSQL
  server cannot be reached or ended the connection (a restart, a fast shutdown, a
  refused connection). Nothing is wrong with the request: the same request later works.
- **Conflict** (HTTP 409): PostgreSQL rolled the transaction back to break a deadlock or
  a serialization failure; the user tries again.
- Anything else is not a database condition a user can wait out: the caller re-raises it.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from landgis.errors import Busy, Conflict, LandGISError

# Deadlock detected, serialization failure: the transaction was rolled back; a retry works.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})
# Admin shutdown, crash shutdown, cannot connect now (starting up, shutting down).
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
# Busy, locked, and the rare WAL race "locking protocol": another connection has the lock.
SQLITE_BUSY_CODES = frozenset({5, 6, 15})
SQLITE_BUSY_TEXTS = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
    "locking protocol",
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
RETRY_AFTER_S = 2


def _driver_error(error: BaseException) -> BaseException:
    """The DB-API error behind an SQLAlchemy wrapper (or the error itself)."""
    return error.orig if isinstance(error, DBAPIError) and error.orig is not None else error


def sqlite_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "busy" or "locked" (another connection writes)."""
    driver = _driver_error(error)
    code = getattr(driver, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in SQLITE_BUSY_CODES:
        return True
    module = type(driver).__module__
    if not (module.startswith("sqlite3") or module.startswith("pysqlite3")):
        return False
    text = str(driver).lower()
    return any(part in text for part in SQLITE_BUSY_TEXTS)


def server_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the PostgreSQL server is unreachable, restarting, or ended
    the connection (as opposed to refusing the statement)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    driver = _driver_error(error)
    if not type(driver).__module__.startswith("psycopg"):
        return False
    sqlstate = getattr(driver, "sqlstate", None) or ""
    if sqlstate in UNAVAILABLE_SQLSTATES or sqlstate.startswith("08"):
        return True
    if sqlstate:  # the server answered with a statement-level error
        return False
    text = str(driver).lower()
    return any(part in text for part in UNAVAILABLE_TEXTS)


def server_not_listening(error: BaseException) -> bool:
    """Whether a failed connection attempt met a PostgreSQL server that is down,
    starting or stopping (worth trying again shortly), rather than one refusing the
    login or the database."""
    driver = _driver_error(error)
    if not type(driver).__module__.startswith("psycopg"):
        return False
    if getattr(driver, "sqlstate", None) in UNAVAILABLE_SQLSTATES:
        return True
    text = str(driver).lower()
    return any(part in text for part in UNAVAILABLE_TEXTS)


def retry_conflict(error: BaseException) -> bool:
    """Whether PostgreSQL rolled the transaction back to break a deadlock or a
    serialization failure."""
    return getattr(_driver_error(error), "sqlstate", None) in RETRY_SQLSTATES


def pool_exhausted(error: PoolTimeout) -> Busy:
    """Every pooled connection stayed in use for the pool's whole timeout."""
    return Busy(
        "服务器正忙,请稍后再试。",
        "The server is busy; try again in a moment.",
        detail=str(error),
        retry_after=RETRY_AFTER_S,
    )


def database_locked(error: BaseException | str) -> Busy:
    """SpatiaLite's write lock stayed taken (after the one retry)."""
    return Busy(
        "数据库正忙于其他修改,本次未作任何更改,请稍后再试。",
        "The database is busy with another change; nothing was changed, try again in a moment.",
        detail=str(error),
        retry_after=RETRY_AFTER_S,
    )


def database_unavailable(error: BaseException) -> Busy:
    """The PostgreSQL server is not reachable right now. Whether a commit in flight got
    through is unknown, so the message says to check before repeating a change."""
    return Busy(
        "数据库暂时无法访问(可能正在重启),请稍后再试;如刚才在保存修改,请先刷新查看是否已保存。",
        "The database cannot be reached right now (it may be restarting); try again in a "
        "moment. If you were saving a change, reload first to see whether it was saved.",
        detail=str(error),
        retry_after=RETRY_AFTER_S,
    )


def collision(error: BaseException) -> Conflict:
    """PostgreSQL broke a deadlock or a serialization failure by rolling back."""
    return Conflict(
        "与其他同时进行的修改冲突,未作任何更改,请再试一次。",
        "This collided with another change made at the same time; nothing was changed, try again.",
        detail=str(error),
    )


def database_error(error: BaseException) -> LandGISError | None:
    """The user-facing error for a database failure, or None when it is not one of the
    conditions above (a bug, a constraint: the caller re-raises it)."""
    if isinstance(error, PoolTimeout):
        return pool_exhausted(error)
    if sqlite_busy(error):
        return database_locked(error)
    if retry_conflict(error):
        return collision(error)
    if server_unavailable(error):
        return database_unavailable(error)
    return None
