"""Create or upgrade the database schema with Alembic, on either backend."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from landgis.errors import ConfigurationError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that runs on ``engine`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (all migrations by default)."""
    ensure_postgis(engine)
    command.upgrade(alembic_config(engine), revision)


def ensure_postgis(engine: Engine) -> None:
    """On PostgreSQL, create the PostGIS extension when the database lacks it; a clear
    ConfigurationError when the user may not (creating it needs a superuser or the
    database owner on PostgreSQL 13+)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")):
            return
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except DBAPIError as error:
        raise ConfigurationError(
            "数据库未安装 PostGIS 扩展,且当前用户无权安装:请数据库管理员执行 "
            "CREATE EXTENSION postgis;(Debian/Ubuntu 需先安装 postgresql-15-postgis-3)。",
            "The database lacks the PostGIS extension and this user may not create it: ask "
            "the database administrator to run CREATE EXTENSION postgis; (on Debian/Ubuntu "
            "install postgresql-15-postgis-3 first).",
            detail=str(error.orig),
        ) from error


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has no landgis schema."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def known_revisions() -> list[str]:
    """Every revision the code knows, oldest first."""
    script = ScriptDirectory(str(MIGRATIONS))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]
