"""Connecting to a SpatiaLite file, and its one writer at a time.

SpatiaLite needs a ``sqlite3`` module that can load extensions. Many Python builds lack
``enable_load_extension``; ``pysqlite3`` (the ``pysqlite3-binary`` wheel) is used then.
Connections wait up to ``sqlite_busy_timeout`` for a lock, run in WAL mode (readers never
wait for a writer) and enforce foreign keys.

SQLite lets one connection write at a time. A transaction begun with a plain (deferred)
``BEGIN`` asks for the write lock at its first write, and SQLite fails that write at once,
without waiting, when another connection committed since this one's first read. So a unit
of work that will write begins with ``BEGIN IMMEDIATE`` (:func:`take_write_lock`): the lock
is taken before it reads anything, waiting up to the busy timeout, tried once more. Within
one process the writers of a database first queue at its :class:`WriterGate`, holding no
pooled connection.
"""

from __future__ import annotations

import importlib
import logging
import threading
import weakref
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from geoalchemy2.admin.dialects.sqlite import init_spatialite
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from landgis.db.backends.base import WriterGate
from landgis.errors import ConfigurationError
from landgis.i18n import _

if TYPE_CHECKING:
    from landgis.settings import Settings

log = logging.getLogger(__name__)

# Execution option of a connection whose transaction will write: it begins with BEGIN
# IMMEDIATE, taking the write lock before it reads.
WRITE_LOCK = "landgis_write_lock"
# Busy, locked, and the rare WAL race "locking protocol": another connection has the lock.
BUSY_CODES = frozenset({5, 6, 15})
BUSY_TEXTS = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
    "locking protocol",
)

_GATES: weakref.WeakKeyDictionary[Engine, WriterGate] = weakref.WeakKeyDictionary()


def sqlite_module() -> ModuleType:
    """A DB-API ``sqlite3`` module able to load extensions."""
    for name in ("sqlite3", "pysqlite3.dbapi2"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module.Connection, "enable_load_extension"):
            return module
    raise ConfigurationError(
        _("当前 Python 的 sqlite3 不能加载扩展,无法使用 SpatiaLite:请安装 pysqlite3-binary。"),
    )


def database_file(database_url: str) -> Path | None:
    """The file a SpatiaLite URL names (None for an in-memory database)."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser()


def _connect_hook(library: str, busy_timeout_s: float) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself so DDL and DML share one real transaction.
        dbapi_conn.isolation_level = None
        dbapi_conn.enable_load_extension(True)
        try:
            dbapi_conn.load_extension(library)
        except Exception as exc:
            raise ConfigurationError(
                _(
                    "无法加载 SpatiaLite 扩展 {library}:请安装 libsqlite3-mod-spatialite。",
                    library=library,
                ),
                detail=str(exc),
            ) from exc
        finally:
            dbapi_conn.enable_load_extension(False)
        # Wait this long for a lock (the pragmas below may need one). After loading the
        # extension: SpatiaLite sets its own 5 s when it loads. A number, never text.
        dbapi_conn.execute(f"PRAGMA busy_timeout = {round(busy_timeout_s * 1000):d}")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        # Readers never wait for a writer, and a writer waits its turn instead of failing.
        dbapi_conn.execute("PRAGMA journal_mode = WAL")
        init_spatialite(dbapi_conn, transaction=True)

    return on_connect


def _begin_hook(conn: Any) -> None:
    immediate = conn.get_execution_options().get(WRITE_LOCK, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_spatialite_engine(settings: Settings) -> Engine:
    """An engine on the SpatiaLite file of ``settings`` (made with its folder if missing),
    SpatiaLite loaded into each connection, writers queued at a :class:`WriterGate`."""
    url = make_url(settings.database_url)
    pool: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }
    path = database_file(settings.database_url)
    if path is None:
        pool = {}  # one connection holds an in-memory database: no pool to size
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=settings.echo_sql, module=sqlite_module(), **pool)
    hook = _connect_hook(settings.spatialite_library, settings.sqlite_busy_timeout)
    event.listen(engine, "connect", hook)
    # As long as a writer would wait in SQLite, with its one retry.
    _GATES[engine] = WriterGate(threading.BoundedSemaphore(1), 2 * settings.sqlite_busy_timeout)
    event.listen(engine, "begin", _begin_hook)
    return engine


def writer_gate(engine: Engine) -> WriterGate | None:
    """The gate of an engine made by :func:`make_spatialite_engine`."""
    return _GATES.get(engine)


def busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "busy" or "locked" (another connection writes)."""
    driver = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    code = getattr(driver, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in BUSY_CODES:
        return True
    module = type(driver).__module__
    if not (module.startswith("sqlite3") or module.startswith("pysqlite3")):
        return False
    text = str(driver).lower()
    return any(part in text for part in BUSY_TEXTS)


def take_write_lock(session: Session) -> None:
    """Begin the session's transaction with the write lock (``BEGIN IMMEDIATE``, waiting
    up to the busy timeout); once more if the lock stayed taken (the failed BEGIN left
    nothing to undo). A busy database after that raises the driver's error."""
    try:
        session.connection(execution_options={WRITE_LOCK: True})
    except OperationalError as error:
        if not busy(error):
            raise
        log.info("write lock still taken after the busy timeout; trying once more")
        session.rollback()
        session.connection(execution_options={WRITE_LOCK: True})
