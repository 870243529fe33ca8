"""Database engines and sessions for the configured backend.

How each backend connects (SpatiaLite loaded into each connection, PostGIS retried while
the server restarts …) is in :mod:`landgis.db.backends`.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from landgis.db.backends import backend_for
from landgis.settings import Settings


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database, made by its backend."""
    return backend_for(settings.database_url).make_engine(settings)


def make_sessionmaker(engine: Engine | Connection) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
