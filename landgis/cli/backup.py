"""``landgis backup FILE`` and ``landgis restore FILE``: the database and the attachments
in one archive, and back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from landgis.cli.common import DatabaseOption, fail, settings_for
from landgis.cli.users import _actor as cli_actor
from landgis.errors import LandGISError

if TYPE_CHECKING:
    from landgis.backup import BackupManifest


def _size(size: int) -> str:
    scaled = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if scaled < 1024 or unit == "GB":
            return f"{scaled:.0f} {unit}" if unit == "B" else f"{scaled:.1f} {unit}"
        scaled /= 1024
    return str(scaled)


def summary(manifest: BackupManifest) -> list[str]:
    """The manifest in a few lines, Chinese and English."""
    counts = manifest.counts
    return [
        f"备份时间 created:       {manifest.created_at.astimezone():%Y-%m-%d %H:%M:%S %z}",
        f"县 county:              {manifest.county_name}",
        f"数据库 backend:         {manifest.backend} (schema {manifest.schema_revision}, "
        f"landgis {manifest.landgis_version})",
        f"宗地 parcels:           {counts.parcels}",
        f"台账条目 cases:         {counts.cases}",
        f"处置记录 events:        {counts.events}",
        f"用户 users:             {counts.users}",
        f"附件 attachments:       {counts.attachments} ({len(manifest.attachment_members)} files)",
        f"大小 size:              {_size(manifest.total_bytes)} unpacked",
    ]


def backup(
    file: Annotated[
        Path,
        typer.Argument(help="Archive to write (.zip); a folder gets a dated file name."),
    ],
    database_url: DatabaseOption = None,
) -> None:
    """Back up the database and the attachments into one archive (server may run)."""
    from landgis.backup import backup_path, write_backup

    settings = settings_for(database_url)
    try:
        target = backup_path(file)
        manifest = write_backup(settings, target, actor=cli_actor())
    except LandGISError as error:
        fail(error)
    typer.echo(f"备份已写入 backup written: {target}")
    for line in summary(manifest):
        typer.echo(f"  {line}")


def restore(
    file: Annotated[Path, typer.Argument(help="Archive written by landgis backup.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Replace the database and the attachments with a backup's, all or nothing."""
    from landgis.backup import check_restorable, read_manifest, restore_backup
    from landgis.db.engine import make_engine
    from landgis.db.migrate import current_revision

    settings = settings_for(database_url)
    try:
        manifest = read_manifest(file)
        check_restorable(manifest, settings)
    except LandGISError as error:
        fail(error)
    typer.echo(f"备份文件 backup: {file}")
    for line in summary(manifest):
        typer.echo(f"  {line}")
    if not yes:
        typer.confirm(
            f"恢复将用这份备份替换当前数据库和附件目录 {settings.attachments_dir},继续吗?\n"
            "The restore replaces the current database and attachments folder. Continue?",
            abort=True,
        )
    try:
        restore_backup(settings, file, actor=cli_actor())
    except LandGISError as error:
        fail(error)
    engine = make_engine(settings)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    typer.echo(f"已恢复 restored: {settings.backend}, schema {revision}")
    typer.echo("所有浏览器会话已结束,请重新登录。Every browser session has ended: log in again.")
