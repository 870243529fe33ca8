"""Writing a backup archive of the database and the attachments, and restoring one."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from importlib import metadata
from pathlib import Path, PurePosixPath

from sqlalchemy import Engine, case, inspect, update
from sqlalchemy.exc import SQLAlchemyError

from landgis.backup.archive import BackupArchive, open_archive, write_archive
from landgis.backup.folder import FolderSwap, attachment_files
from landgis.backup.manifest import ATTACHMENTS_DIR, BackupManifest, Member
from landgis.backup.methods import backup_method
from landgis.backup.server_state import (
    read_server_state,
    record_backup,
    settle_after_restore,
)
from landgis.db.backends import backend_named
from landgis.db.engine import make_engine
from landgis.db.migrate import head_revision, known_revisions, upgrade
from landgis.db.models import DataVersion
from landgis.errors import ConfigurationError, IncompatibleBackup, InvalidInput
from landgis.i18n import _
from landgis.settings import Settings
from landgis.wallclock import local_now, utc_now

log = logging.getLogger(__name__)
# Audit entries this long before the backup's time are compared with the restored ones,
# so that none written while the snapshot was being taken is lost or doubled.
AUDIT_OVERLAP = dt.timedelta(hours=1)


def landgis_version() -> str:
    """The installed landgis version."""
    try:
        return metadata.version("landgis")
    except metadata.PackageNotFoundError:
        return "unknown"


def default_backup_name(now: dt.datetime | None = None) -> str:
    """``landgis-backup-YYYYMMDD-HHMMSS.zip`` for the time ``now`` (local time)."""
    now = now or local_now()
    return f"landgis-backup-{now:%Y%m%d-%H%M%S}.zip"


def backup_path(target: Path) -> Path:
    """Where a backup asked to go to ``target`` is written: ``target`` itself, or a dated
    name inside it when it is a folder; refused when that file exists already or its
    folder cannot be written to."""
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / default_backup_name()
    if target.exists():
        raise InvalidInput(
            _("文件 {target} 已存在,备份不会覆盖它:请换一个文件名,或先移走原文件。", target=target),
        )
    folder = target.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(
            _("备份文件夹 {folder} 不存在或无权写入。", folder=folder),
        )
    return target


def write_backup(
    settings: Settings,
    target: Path,
    *,
    actor: str | None = None,
    client_addr: str | None = None,
) -> BackupManifest:
    """Write one archive holding the database (a consistent snapshot, taken while the
    server may be running), the attachments folder and their manifest to ``target`` (a
    new file, or a folder to write a dated file into). Nothing is left behind on failure.
    The backup is written to the audit log in the name of ``actor``.
    """
    target = backup_path(target)
    created_at = utc_now()
    try:
        with tempfile.TemporaryDirectory(prefix=".landgis-backup-", dir=target.parent) as work:
            facts, database = backup_method(settings).dump(settings, Path(work))
            if facts.revision is None:
                raise InvalidInput(
                    _("数据库尚未初始化,没有可备份的内容:请先运行 landgis init。"),
                )
            revision = facts.revision
            # Files are listed after the snapshot: every attachment row it holds has its
            # file (attachments are never deleted); a file uploaded meanwhile is extra.
            attachments = attachment_files(settings.attachments_dir)
            files = [database, *((name, path, False) for name, path in attachments)]

            def manifest_for(members: tuple[Member, ...]) -> BackupManifest:
                return BackupManifest(
                    landgis_version=landgis_version(),
                    schema_revision=revision,
                    backend=settings.backend,
                    created_at=created_at,
                    county_name=settings.county_name,
                    counts=facts.counts,
                    database=database[0],
                    members=members,
                    server_version=facts.server_version,
                )

            manifest = write_archive(target, files, manifest_for)
    except OSError as exc:
        raise ConfigurationError(
            _("写入备份文件 {target} 失败:{reason}。", target=target, reason=exc.strerror or exc),
            detail=repr(exc),
        ) from exc
    engine = make_engine(settings)
    try:
        record_backup(engine, manifest, actor=actor, client_addr=client_addr)
    except SQLAlchemyError:  # the archive is whole: say so, and why the log lacks it
        log.warning("backup %s written but not entered in the audit log", target, exc_info=True)
    finally:
        engine.dispose()
    return manifest


def read_manifest(source: Path) -> BackupManifest:
    """The manifest of the archive at ``source``, its members matched by name and size
    (digests are checked by :func:`verify_backup` and :func:`restore_backup`)."""
    with open_archive(source) as backup:
        return backup.manifest


def verify_backup(source: Path) -> BackupManifest:
    """The manifest, once every member's size and SHA-256 have been checked."""
    with open_archive(source) as backup:
        backup.verify()
        return backup.manifest


def check_restorable(manifest: BackupManifest, settings: Settings) -> None:
    """Refuse (IncompatibleBackup) an archive of the other backend, or of a schema
    revision this code does not know (written by a newer landgis)."""
    if manifest.backend != settings.backend:
        source = backend_named(manifest.backend).label
        current = backend_named(settings.backend).label
        raise IncompatibleBackup(
            _(
                "这个备份来自 {source} 数据库,而当前使用的是 {current} 数据库,不能跨类型恢复:"
                "请将 LANDGIS_DATABASE_URL 指向一个 {source} 数据库后再恢复。",
                source=source,
                current=current,
            ),
        )
    if manifest.schema_revision not in known_revisions():
        head = head_revision()
        raise IncompatibleBackup(
            _(
                "这个备份来自较新版本的 landgis(landgis {landgis_version},数据库结构版本 "
                "{schema_revision}),本程序只认识到结构版本 {head},无法恢复:请先将 landgis "
                "升级到不低于备份时的版本,再恢复。当前数据未作任何更改。",
                landgis_version=manifest.landgis_version,
                schema_revision=manifest.schema_revision,
                head=head,
            ),
        )


def _advance_data_version(engine: Engine, floor: int) -> None:
    """Move the data version past ``floor`` and its own value."""
    version = DataVersion.version
    larger = case((version > floor, version), else_=floor)
    with engine.begin() as conn:
        if inspect(conn).has_table(DataVersion.__tablename__):
            conn.execute(update(DataVersion).values(version=larger + 1))


def _restore_database(
    engine: Engine,
    settings: Settings,
    manifest: BackupManifest,
    staged: Path,
    work: Path,
    swap: FolderSwap,
) -> int:
    """Swap the attachments in, then restore the database; a failed database restore
    puts the old attachments back. The live data version before the restore."""
    method = backup_method(settings)
    floor = method.stage(engine, settings, staged, manifest.schema_revision)
    swap.apply()
    try:
        method.replace(engine, settings, staged, manifest.schema_revision, work)
    except BaseException:
        swap.undo()
        raise
    return floor


def _migrate(engine: Engine, floor: int) -> None:
    """Bring a restored older schema to the newest revision."""
    try:
        upgrade(engine)
        _advance_data_version(engine, floor)
    except Exception as exc:
        raise ConfigurationError(
            _(
                "备份已恢复,但将其数据库结构升级到当前版本时失败:请运行 landgis init 重试,"
                "或联系系统管理员。"
            ),
            detail=repr(exc),
        ) from exc


def _unpack(backup: BackupArchive, work: Path, swap: FolderSwap) -> Path:
    """Unpack and check every member: the database dump into ``work`` (its path is
    returned), the attachments into the swap's staging folder."""
    manifest = backup.manifest
    staged = work / PurePosixPath(manifest.database).name
    backup.extract(manifest.member(manifest.database), staged)
    folder = swap.prepare()
    prefix = f"{ATTACHMENTS_DIR}/"
    for member in manifest.attachment_members:
        backup.extract(member, folder / member.path.removeprefix(prefix))
    return staged


def _file_error(exc: OSError, swap: FolderSwap) -> ConfigurationError:
    """A file system failure during a restore, for the person who ran it."""
    reason = exc.strerror or str(exc)
    if swap.moves:  # the old folder could not be put back
        return ConfigurationError(
            _(
                "恢复失败,附件目录未能复原:原附件保存在 {previous},请联系系统管理员。",
                previous=swap.previous,
            ),
            detail=repr(exc),
        )
    return ConfigurationError(
        _("恢复未能完成,数据未作更改(原因:{reason})。", reason=reason),
        detail=repr(exc),
    )


def restore_backup(
    settings: Settings,
    source: Path,
    *,
    actor: str | None = None,
    client_addr: str | None = None,
) -> BackupManifest:
    """Replace the database and the attachments folder with the archive's, all or nothing.

    The archive is refused before anything changes when it is damaged or altered (any
    member's size or SHA-256 differs from the manifest), of the other backend, or of a
    schema revision this code does not know. Every member is unpacked and checked first
    (the database dump to a temporary folder, the attachments to a staging folder beside
    the live one); only then are the attachments swapped in and the database restored in
    one transaction. An archive of an older schema is migrated to the newest afterwards.
    Browser sessions end; the audit log keeps what was written since the backup and
    records the restore in the name of ``actor`` (see :mod:`landgis.backup.server_state`).
    """
    with open_archive(source) as backup:
        manifest = backup.manifest
        check_restorable(manifest, settings)
        swap = FolderSwap(settings.attachments_dir)
        engine = make_engine(settings)
        try:
            with tempfile.TemporaryDirectory(prefix="landgis-restore-") as work_dir:
                work = Path(work_dir)
                try:
                    staged = _unpack(backup, work, swap)
                    state = read_server_state(engine, manifest.created_at - AUDIT_OVERLAP)
                    floor = _restore_database(engine, settings, manifest, staged, work, swap)
                except BaseException as exc:
                    swap.discard()
                    if isinstance(exc, OSError):
                        raise _file_error(exc, swap) from exc
                    raise
                swap.commit()
            if manifest.schema_revision != head_revision():
                _migrate(engine, floor)
            settle_after_restore(engine, state, manifest, actor=actor, client_addr=client_addr)
        finally:
            engine.dispose()
    return manifest
