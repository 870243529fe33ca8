"""How the database of each backend goes into an archive and comes back out of it.

:func:`backup_method` gives the method of the configured database's backend (as
:func:`landgis.db.backends.backend_for` tells it): a ``pg_dump`` archive of PostGIS
(:mod:`landgis.backup.postgis`), a copy of the SpatiaLite file made with SQLite's backup
API (:mod:`landgis.backup.spatialite`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, func, inspect, select

from landgis.backup import postgis, spatialite
from landgis.backup.facts import DatabaseFacts
from landgis.backup.manifest import DATABASE_DIR, revision_mismatch
from landgis.db.backends import BackendName, backend_for
from landgis.db.engine import make_engine
from landgis.db.models import DataVersion
from landgis.settings import Settings

# A database file for the archive: its name there, where it is now, whether to compress it.
DatabaseMember = tuple[str, Path, bool]


class BackupMethod(Protocol):
    """Dumping and restoring the database of one backend."""

    def dump(self, settings: Settings, work: Path) -> tuple[DatabaseFacts, DatabaseMember]:
        """A consistent snapshot of the live database, written into the folder ``work``."""
        ...

    def stage(self, engine: Engine, settings: Settings, staged: Path, revision: str) -> int:
        """Check the unpacked dump ``staged`` holds schema ``revision``, before anything
        changes; the live data version (0 when there is none), which the restored data's
        must pass."""
        ...

    def replace(
        self, engine: Engine, settings: Settings, staged: Path, revision: str, work: Path
    ) -> None:
        """Replace the live database with ``staged``, all or nothing."""
        ...


class SpatiaLiteCopy:
    """The SpatiaLite file, copied page by page (see :mod:`landgis.backup.spatialite`)."""

    def dump(self, settings: Settings, work: Path) -> tuple[DatabaseFacts, DatabaseMember]:
        copy = work / "landgis.sqlite"
        facts = spatialite.copy_out(settings, copy)
        return facts, (f"{DATABASE_DIR}/landgis.sqlite", copy, True)

    def stage(self, engine: Engine, settings: Settings, staged: Path, revision: str) -> int:
        live = spatialite.database_path(settings)
        floor = (spatialite.read_facts(live).data_version or 0) if live.is_file() else 0
        spatialite.prepare_staged(staged, revision, floor)
        return floor

    def replace(
        self, engine: Engine, settings: Settings, staged: Path, revision: str, work: Path
    ) -> None:
        spatialite.copy_in(staged, settings)


class PostGISDump:
    """A ``pg_dump`` archive of the landgis objects (see :mod:`landgis.backup.postgis`)."""

    def dump(self, settings: Settings, work: Path) -> tuple[DatabaseFacts, DatabaseMember]:
        dump_file = work / "landgis.dump"
        engine = make_engine(settings)
        try:
            facts = postgis.dump(engine, dump_file)
        finally:
            engine.dispose()
        # pg_dump's custom format is compressed already.
        return facts, (f"{DATABASE_DIR}/landgis.dump", dump_file, False)

    def stage(self, engine: Engine, settings: Settings, staged: Path, revision: str) -> int:
        backend_for(engine).prepare_database(engine)
        found = postgis.dump_revision(engine, staged)
        if found != revision:
            raise revision_mismatch(found, revision)
        with engine.connect() as conn:
            if not inspect(conn).has_table(DataVersion.__tablename__):
                return 0
            return int(conn.scalar(select(func.coalesce(func.max(DataVersion.version), 0))) or 0)

    def replace(
        self, engine: Engine, settings: Settings, staged: Path, revision: str, work: Path
    ) -> None:
        postgis.restore(engine, staged, revision, work)


METHODS: dict[BackendName, BackupMethod] = {
    "spatialite": SpatiaLiteCopy(),
    "postgis": PostGISDump(),
}


def backup_method(settings: Settings) -> BackupMethod:
    """How the configured database is backed up and restored."""
    return METHODS[backend_for(settings.database_url).name]
