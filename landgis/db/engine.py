"""Database engines for the two backends: a SpatiaLite file and PostGIS.

SpatiaLite needs a ``sqlite3`` module that can load extensions. Many Python builds lack
``enable_load_extension``; ``pysqlite3`` (the ``pysqlite3-binary`` wheel) is used then.
Its connections wait up to ``sqlite_busy_timeout`` for a lock, and a transaction begun
with the :data:`WRITE_LOCK` execution option takes the write lock at once (``BEGIN
IMMEDIATE``; see :mod:`landgis.db.session`).

A PostGIS engine checks a pooled connection before handing it out, and a new connection
that meets a server restarting (refused, starting up, shutting down) is tried again for
up to ``db_pool_timeout`` seconds, so a restart costs requests in flight, not every
request made while the server was away.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from geoalchemy2.admin.dialects.sqlite import init_spatialite
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from landgis.db.failures import server_not_listening
from landgis.errors import ConfigurationError
from landgis.settings import Settings

log = logging.getLogger(__name__)

# Execution option of a connection whose transaction will write: on SQLite it begins with
# BEGIN IMMEDIATE, taking the write lock before it reads.
WRITE_LOCK = "landgis_write_lock"
CONNECT_RETRY_S = 0.25


@dataclass(frozen=True)
class WriterGate:
    """The writers of one SpatiaLite database in this process go one at a time: the
    others wait here, holding no pooled connection, rather than in SQLite's busy handler
    holding one each (fifty waiting editors would take every connection from the
    readers). ``wait_s`` bounds the wait. A semaphore, not a lock: a unit of work may end
    in another thread than it began (a web framework's dependency)."""

    lock: threading.BoundedSemaphore
    wait_s: float


_GATES: weakref.WeakKeyDictionary[Engine, WriterGate] = weakref.WeakKeyDictionary()


def writer_gate(engine: Engine) -> WriterGate | None:
    """The gate of a SpatiaLite engine made by :func:`make_engine` (None otherwise)."""
    return _GATES.get(engine)


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
        "当前 Python 的 sqlite3 不能加载扩展,无法使用 SpatiaLite:请安装 pysqlite3-binary。",
        "This Python's sqlite3 cannot load extensions, which SpatiaLite needs: "
        "install pysqlite3-binary.",
    )


def _spatialite_connect_hook(library: str, busy_timeout_s: float) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself so DDL and DML share one real transaction.
        dbapi_conn.isolation_level = None
        dbapi_conn.enable_load_extension(True)
        try:
            dbapi_conn.load_extension(library)
        except Exception as exc:
            raise ConfigurationError(
                f"无法加载 SpatiaLite 扩展 {library}:请安装 libsqlite3-mod-spatialite。",
                f"Cannot load the SpatiaLite extension {library}: "
                "install libsqlite3-mod-spatialite (Debian/Ubuntu).",
                detail=str(exc),
            ) from exc
        finally:
            dbapi_conn.enable_load_extension(False)
        # Wait this long for a lock (the pragmas below may need one). After loading the
        # extension: SpatiaLite sets its own 5 s when it loads.
        dbapi_conn.execute(f"PRAGMA busy_timeout = {round(busy_timeout_s * 1000)}")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        # Readers never wait for a writer, and a writer waits its turn instead of failing.
        dbapi_conn.execute("PRAGMA journal_mode = WAL")
        init_spatialite(dbapi_conn, transaction=True)

    return on_connect


def _begin_hook(conn: Any) -> None:
    immediate = conn.get_execution_options().get(WRITE_LOCK, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _patient_connect(wait_s: float) -> Any:
    """A ``do_connect`` hook trying again, for up to ``wait_s`` seconds, while the
    server is down, starting or stopping (a restart); other failures raise at once."""

    def do_connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as error:
                if not server_not_listening(error) or time.monotonic() >= deadline:
                    raise
                log.info("database not accepting connections yet: %s", error)
                time.sleep(CONNECT_RETRY_S)

    return do_connect


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database, SpatiaLite loaded where needed."""
    url = make_url(settings.database_url)
    pool: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url, echo=settings.echo_sql, pool_pre_ping=True, **pool)
        event.listen(engine, "do_connect", _patient_connect(settings.db_pool_timeout))
        return engine
    if url.get_backend_name() != "sqlite":
        raise ConfigurationError(
            f"不支持的数据库:{url.get_backend_name()}(仅支持 SpatiaLite 和 PostGIS)。",
            f"Unsupported database {url.get_backend_name()}: use SpatiaLite or PostGIS.",
        )
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if not url.database or url.database == ":memory:":
        pool = {}  # one connection holds an in-memory database: no pool to size
    engine = create_engine(url, echo=settings.echo_sql, module=sqlite_module(), **pool)
    hook = _spatialite_connect_hook(settings.spatialite_library, settings.sqlite_busy_timeout)
    event.listen(engine, "connect", hook)
    # As long as a writer would wait in SQLite, with its one retry.
    _GATES[engine] = WriterGate(threading.BoundedSemaphore(1), 2 * settings.sqlite_busy_timeout)
    event.listen(engine, "begin", _begin_hook)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
