"""The key that signs browser session cookies, kept so that a restart logs nobody out.

``LANDGIS_SECRET_KEY`` wins when set. Otherwise the server makes a key on its first start
and keeps it where the backend says: in a file beside a database file (readable by its
owner only), else in the database's ``server_secrets`` table. Every worker and host on
that database then signs with the same key. To rotate it, delete the file or the row (or
set a new ``LANDGIS_SECRET_KEY``) and restart: every browser session ends."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from sqlalchemy import Engine, select

from landgis.db.backends import backend_for
from landgis.db.models import ServerSecret
from landgis.db.session import transaction
from landgis.settings import Settings
from landgis.wallclock import utc_now

NAME = "session_key"


def secret_file(database_url: str) -> Path | None:
    """The file keeping the key beside the database (``<database>.secret``); None when
    the database keeps it."""
    return backend_for(database_url).secret_file(database_url)


def session_secret(settings: Settings, engine: Engine) -> str:
    """The configured key, or the one this database keeps (made on first use)."""
    if settings.secret_key:
        return settings.secret_key
    backend = backend_for(engine)
    if backend.in_memory(settings.database_url):
        return secrets.token_urlsafe(32)  # nothing outlives an in-memory database anyway
    path = backend.secret_file(settings.database_url)
    return _database_secret(engine) if path is None else _file_secret(path)


def _file_secret(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made before, or by another worker a moment ago
    else:
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another worker may be writing it at this instant
        if value := path.read_text().strip():
            return value
        time.sleep(0.02)
    raise RuntimeError(f"{path} stays empty: delete it and start again")


def _database_secret(engine: Engine) -> str:
    with transaction(engine) as session:
        backend_for(session).insert_if_missing(
            session,
            ServerSecret.__table__,
            {"name": NAME, "value": secrets.token_urlsafe(48), "created_at": utc_now()},
        )
        return session.scalars(select(ServerSecret.value).where(ServerSecret.name == NAME)).one()
