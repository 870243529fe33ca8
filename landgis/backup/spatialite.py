"""Backing up and restoring a SpatiaLite file with SQLite's online backup API.

**Backup.** ``Connection.backup`` copies the live file page by page, in one step, under
a read lock: the copy is one consistent snapshot, even while the server writes (WAL
lets it go on writing meanwhile). No server stop is needed.

**Restore.** The archive's copy is written back into the live file through the backup
API too, in one write transaction. We chose this over replacing the file (a rename)
because a running server keeps its connections open: after a rename they would go on
reading the old, unlinked file, and writes could land in a stale ``-wal`` file. Through
the backup API the live file itself changes, under SQLite's own locking, and every open
connection sees the restored data at its next transaction. If the copy fails midway
(a full disk, a crash) SQLite rolls the write transaction back: all or nothing. A
writer holding the file blocks the copy only until a deadline.

Neither direction loads SpatiaLite: pages are copied as they are, and the few reads
(the schema revision, row counts) touch plain tables. The copies still go through the
same ``sqlite3`` module as the engine's (which may be ``pysqlite3``:
:func:`landgis.db.backends.spatialite_engine.sqlite_module`): two SQLite libraries in
one process do not see each other's locks, so a restore made by one could go unseen by
the other's open connections.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from landgis.backup.facts import COUNTED_TABLES, DatabaseFacts
from landgis.backup.manifest import Counts, revision_mismatch
from landgis.db.backends.spatialite_engine import database_file, sqlite_module
from landgis.errors import ConfigurationError, Conflict, InvalidInput, NotFound
from landgis.i18n import _
from landgis.settings import Settings

BUSY_SECONDS = 10.0
SECRETS = "server_secrets"
RESTORE_DEADLINE_SECONDS = 120.0


def database_path(settings: Settings) -> Path:
    """The SpatiaLite file the settings name."""
    path = database_file(settings.database_url)
    if path is None:
        raise InvalidInput(
            _("内存数据库无法备份或恢复:请在 LANDGIS_DATABASE_URL 中指定数据库文件。"),
        )
    return path


def _connect(path: Path) -> Any:
    connection = sqlite_module().connect(str(path), timeout=BUSY_SECONDS, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    return connection


def read_facts(path: Path) -> DatabaseFacts:
    """The schema revision and row counts of the SpatiaLite file at ``path``."""
    with closing(_connect(path)) as connection:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        counts = {
            key: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for key, table in COUNTED_TABLES.items()
            if table in tables
        }
        version = None
        if "data_version" in tables:
            row = connection.execute("SELECT max(version) FROM data_version").fetchone()
            version = row[0] if row else None
    return DatabaseFacts(revision, Counts(**counts), sqlite_module().sqlite_version, version)


def copy_out(settings: Settings, target: Path) -> DatabaseFacts:
    """Copy the live SpatiaLite file to ``target`` (a new file) as one snapshot; the
    facts are read from the copy, so they describe exactly what was copied."""
    live = database_path(settings)
    if not live.is_file():
        raise NotFound(
            _("数据库文件 {live} 不存在:请先运行 landgis init。", live=live),
        )
    try:
        with closing(_connect(live)) as source, closing(_connect(target)) as copy:
            source.backup(copy)
            # One self-contained file: no -wal beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
            # Server secrets stay with their server (SpatiaLite's is a file anyway).
            if copy.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (SECRETS,)).fetchone():
                copy.execute("DELETE FROM server_secrets")
    except sqlite_module().DatabaseError as exc:
        raise ConfigurationError(
            _("备份数据库失败(原因:{reason})。", reason=exc),
            detail=f"{live}: {exc!r}",
        ) from exc
    return read_facts(target)


def prepare_staged(staged: Path, expected_revision: str, data_version_floor: int) -> None:
    """Check the unpacked copy holds the revision its manifest names, and move its data
    version past ``data_version_floor`` (so cached tiles and counts of the live data are
    never taken for the restored data's)."""
    facts = read_facts(staged)
    if facts.revision != expected_revision:
        raise revision_mismatch(facts.revision, expected_revision)
    if facts.data_version is not None:
        with closing(_connect(staged)) as connection:
            connection.execute(
                "UPDATE data_version SET version = max(version, ?) + 1", (data_version_floor,)
            )


def _deadline(seconds: float) -> Callable[[int, int, int], Any]:
    give_up = time.monotonic() + seconds
    sqlite = sqlite_module()
    waiting = (getattr(sqlite, "SQLITE_BUSY", 5), getattr(sqlite, "SQLITE_LOCKED", 6))

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in waiting and time.monotonic() > give_up:
            raise TimeoutError

    return progress


def copy_in(staged: Path, settings: Settings) -> None:
    """Write the staged copy into the live SpatiaLite file in one transaction."""
    live = database_path(settings)
    live.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(_connect(staged)) as source, closing(_connect(live)) as target:
            source.backup(target, progress=_deadline(RESTORE_DEADLINE_SECONDS))
    except TimeoutError as exc:
        raise Conflict(
            _("数据库正被其他操作长时间占用,恢复未进行,数据未作任何更改;请稍后再试。"),
        ) from exc
    except sqlite_module().DatabaseError as exc:
        raise ConfigurationError(
            _("恢复数据库失败,数据库未作任何更改(原因:{reason})。", reason=exc),
            detail=f"{live}: {exc!r}",
        ) from exc
