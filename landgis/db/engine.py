"""Database engines for the two backends: a SpatiaLite file and PostGIS.

SpatiaLite needs a ``sqlite3`` module that can load extensions. Many Python builds lack
``enable_load_extension``; ``pysqlite3`` (the ``pysqlite3-binary`` wheel) is used then.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from geoalchemy2.admin.dialects.sqlite import init_spatialite
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from landgis.errors import ConfigurationError
from landgis.settings import Settings


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


def _spatialite_connect_hook(library: str) -> Any:
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
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        # Readers never wait for a writer, and a writer waits its turn instead of failing.
        dbapi_conn.execute("PRAGMA journal_mode = WAL")
        dbapi_conn.execute("PRAGMA busy_timeout = 10000")
        init_spatialite(dbapi_conn, transaction=True)

    return on_connect


def _begin_hook(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database, SpatiaLite loaded where needed."""
    url = make_url(settings.database_url)
    pool: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }
    if url.get_backend_name() == "postgresql":
        return create_engine(url, echo=settings.echo_sql, pool_pre_ping=True, **pool)
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
    event.listen(engine, "connect", _spatialite_connect_hook(settings.spatialite_library))
    event.listen(engine, "begin", _begin_hook)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
