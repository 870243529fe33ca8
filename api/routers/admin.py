"""Administration: backing up and restoring the database and the attachments (administrator).

A backup runs in FastAPI's thread pool; a restore reads its upload as it streams
(:mod:`api.uploads`: the administrator role checked before a byte of the archive is read,
its size limit while it is read), then restores in a worker thread: neither holds up the
event loop.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from api.auth import Principal, client_address, require_role
from api.deps import AdminDep, SettingsDep
from api.uploads import FileField, FormSpec, multipart_body, received_form
from landgis.backup import BackupManifest, default_backup_name, restore_backup, write_backup
from landgis.db.migrate import current_revision
from landgis.settings import Settings

router = APIRouter(prefix="/api/admin", tags=["admin"])

ARCHIVE_MEDIA_TYPE = "application/zip"
# The administrator role, checked before the upload is read; a browser's CSRF token comes
# with the form and is checked once it is read.
RestorerDep = Annotated[Principal, Depends(require_role("admin", csrf=False))]


def backup_response(request: Request, settings: Settings, principal: Principal) -> FileResponse:
    """A new backup archive as a download: written to a private temporary folder first
    (so a failure is still an error answer), streamed, then deleted."""
    folder = Path(tempfile.mkdtemp(prefix="landgis-backup-"))
    target = folder / default_backup_name()
    try:
        write_backup(
            settings, target, actor=principal.username, client_addr=client_address(request)
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        target,
        media_type=ARCHIVE_MEDIA_TYPE,
        filename=target.name,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def restore_form(settings: Settings) -> FormSpec:
    """What a restore form takes: the archive (up to ``backup_max_mb``) and, on the
    administrator's page, the ticked confirmation."""
    archive = FileField("file", settings.backup_max_mb << 20, (".zip",), required=True)
    return FormSpec(files=(archive,), fields=("confirm",))


def restore_archive(
    request: Request, settings: Settings, principal: Principal, path: Path
) -> BackupManifest:
    """Restore the received archive (in a worker thread); then drop the app's pooled
    connections, which knew the database as it was."""
    manifest = restore_backup(
        settings, path, actor=principal.username, client_addr=client_address(request)
    )
    request.app.state.engine.dispose()
    return manifest


def manifest_summary(manifest: BackupManifest) -> dict[str, Any]:
    """The manifest without its list of members (which may be long), JSON-ready."""
    body = manifest.to_dict()
    body.pop("members")
    body["files"] = len(manifest.members)
    body["attachment_files"] = len(manifest.attachment_members)
    body["size_bytes"] = manifest.total_bytes
    return body


@router.post(
    "/backup",
    summary="Back up the database and the attachments into one archive (administrator)",
    response_class=FileResponse,
    responses={200: {"content": {ARCHIVE_MEDIA_TYPE: {}}, "description": "The archive"}},
)
def backup(request: Request, settings: SettingsDep, principal: AdminDep) -> FileResponse:
    """A zip archive with ``manifest.json`` (version, schema revision, backend, time,
    county, row counts, size and SHA-256 of every member), the database dump and the
    attachments folder. The server keeps serving while it is written."""
    return backup_response(request, settings, principal)


@router.post(
    "/restore",
    summary="Restore a backup archive (administrator)",
    responses={
        413: {"description": "The archive is larger than LANDGIS_BACKUP_MAX_MB"},
        415: {"description": "Not a .zip file"},
        422: {"description": "Damaged or altered, of a newer schema or the other backend"},
    },
    openapi_extra=multipart_body(None, {"file": ("An archive written by a landgis backup", True)}),
)
async def restore(
    request: Request, settings: SettingsDep, principal: RestorerDep
) -> dict[str, Any]:
    """Replace the database and the attachments with the archive's, all or nothing. Every
    member is checked against the manifest first; nothing changes when the archive is
    refused. An older schema is migrated to the newest afterwards. Every browser session
    ends (bearer tokens are those of the backup)."""
    async with received_form(request, restore_form(settings), principal) as form:
        manifest = await run_in_threadpool(
            restore_archive, request, settings, principal, form.files["file"].path
        )
    return {
        "restored": manifest_summary(manifest),
        "schema_revision": current_revision(request.app.state.engine),
    }
