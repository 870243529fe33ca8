"""Backups a clerk can run: one archive holding the database and the case attachments.

:func:`write_backup` writes a zip with ``manifest.json`` (landgis version, schema
revision, backend, time, county, row counts, and the size and SHA-256 of every member),
the database (``pg_dump`` of PostGIS, or a copy of the SpatiaLite file made with SQLite's
backup API) and the attachments folder, while the server keeps running.
:func:`restore_backup` checks every member against the manifest before it touches
anything, refuses an archive of a newer schema or of the other backend, and replaces the
database and the attachments all or nothing; an older schema is migrated afterwards.
See :mod:`landgis.backup.postgis` and :mod:`landgis.backup.spatialite` for how each
backend is copied.
"""

from landgis.backup.manifest import BackupManifest, Counts, Member
from landgis.backup.service import (
    backup_path,
    check_restorable,
    default_backup_name,
    read_manifest,
    restore_backup,
    verify_backup,
    write_backup,
)

__all__ = [
    "BackupManifest",
    "Counts",
    "Member",
    "backup_path",
    "check_restorable",
    "default_backup_name",
    "read_manifest",
    "restore_backup",
    "verify_backup",
    "write_backup",
]
