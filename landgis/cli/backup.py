"""``landgis backup FILE`` and ``landgis restore FILE``: the database and the attachments
in one archive, and back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from landgis.cli.common import DatabaseOption, fail, language, say, settings_for
from landgis.cli.users import _actor as cli_actor
from landgis.errors import LandGISError
from landgis.i18n import Text, _

if TYPE_CHECKING:
    from landgis.backup import BackupManifest


def _size(size: int) -> str:
    scaled = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if scaled < 1024 or unit == "GB":
            return f"{scaled:.0f} {unit}" if unit == "B" else f"{scaled:.1f} {unit}"
        scaled /= 1024
    return str(scaled)


def summary(manifest: BackupManifest) -> list[Text]:
    """The manifest in a few lines, to render in the command line's language."""
    counts = manifest.counts
    created = manifest.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
    return [
        _("备份时间:{created}", created=created),
        _("县:{county}", county=manifest.county_name),
        _(
            "数据库:{backend}(结构版本 {schema},landgis {version})",
            backend=manifest.backend,
            schema=manifest.schema_revision,
            version=manifest.landgis_version,
        ),
        _("宗地:{count}", count=counts.parcels),
        _("台账条目:{count}", count=counts.cases),
        _("处置记录:{count}", count=counts.events),
        _("用户:{count}", count=counts.users),
        _(
            "附件:{count}({files} 个文件)",
            count=counts.attachments,
            files=len(manifest.attachment_members),
        ),
        _("大小:解压后 {size}", size=_size(manifest.total_bytes)),
    ]


def _show(manifest: BackupManifest) -> None:
    lang = language()
    for line in summary(manifest):
        typer.echo(f"  {line.render(lang)}")


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
    say(_("备份已写入:{file}", file=target))
    _show(manifest)


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
    say(_("备份文件:{file}", file=file))
    _show(manifest)
    if not yes:
        question = _(
            "恢复将用这份备份替换当前数据库和附件目录 {folder},继续吗?",
            folder=settings.attachments_dir,
        )
        typer.confirm(question.render(language()), abort=True)
    try:
        restore_backup(settings, file, actor=cli_actor())
    except LandGISError as error:
        fail(error)
    engine = make_engine(settings)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    say(_("已恢复:{backend},结构版本 {schema}", backend=settings.backend, schema=revision))
    say(_("所有浏览器会话已结束,请重新登录。"))
