"""The administrator's page: a backup button and a restore form (``/admin``).

The backup button posts a form (with the session's CSRF token) and gets the archive as a
download; the restore form uploads an archive and, once restored, shows what it held
(the restore ends every browser session, the administrator's too).
Refusals (a damaged archive, a newer schema) come back on the page with their message.
Viewers and editors get 403; anonymous browsers are sent to the login page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.auth import SESSION_KEY
from api.deps import AdminDep, PrincipalDep, SettingsDep
from api.errors import status_code_for
from api.routers.admin import RestorerDep, backup_response, restore_archive, restore_form
from api.uploads import received_form
from api.web.layout import UI, ui_for
from api.web.render import refused, render
from landgis.db.backends import backend_for
from landgis.db.migrate import current_revision
from landgis.errors import AuthenticationRequired, InvalidInput, LandGISError, PermissionDenied
from landgis.i18n import _
from landgis.settings import Settings
from landgis.workflow import role_allows

router = APIRouter(tags=["pages"], include_in_schema=False)


def _context(ui: UI, request: Request, settings: Settings, **extra: Any) -> dict[str, Any]:
    try:
        revision = current_revision(request.app.state.engine)
    except Exception:  # the page still offers a restore when the database is unreadable
        revision = None
    return {
        "ui": ui,
        "backend": backend_for(settings.database_url).label,
        "revision": revision,
        "max_mb": settings.backup_max_mb,
        "error": None,
        "restored": None,
    } | extra


def _page_with_error(request: Request, settings: Settings, error: LandGISError) -> HTMLResponse:
    ui = ui_for(request)
    context = _context(ui, request, settings, error=ui.t.message(error))
    return render(request, "admin.html", context, status_code=status_code_for(error))


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, settings: SettingsDep, principal: PrincipalDep) -> Response:
    """Backup and restore, for administrators."""
    ui = ui_for(request)
    if principal is None:
        raise AuthenticationRequired(_("请先登录。"))
    if not role_allows(principal.role, "admin"):
        error = PermissionDenied(_("备份与恢复需要管理员权限。"))
        return refused(request, ui, error, 403)
    return render(request, "admin.html", _context(ui, request, settings))


@router.post("/admin/backup", response_model=None)
def backup_download(request: Request, settings: SettingsDep, principal: AdminDep) -> Response:
    """The backup archive as a download, or the page with the reason it failed."""
    try:
        return backup_response(request, settings, principal)
    except LandGISError as error:
        return _page_with_error(request, settings, error)


@router.post("/admin/restore", response_model=None)
async def restore_page(request: Request, settings: SettingsDep, principal: RestorerDep) -> Response:
    """Restore the uploaded archive once the administrator has ticked the confirmation.

    The archive is read as it streams, after the role is checked (see api.uploads). The
    restore ends every browser session, this one too: the answer is the page saying what
    was restored, with a link to log in again."""
    try:
        async with received_form(request, restore_form(settings), principal) as form:
            if form.text("confirm") != "1":
                raise InvalidInput(_("请勾选确认:恢复将替换当前的全部数据和附件。"))
            manifest = await run_in_threadpool(
                restore_archive, request, settings, principal, form.files["file"].path
            )
    except LandGISError as error:
        return await run_in_threadpool(_page_with_error, request, settings, error)
    request.session.pop(SESSION_KEY, None)
    request.state.principal = None
    ui = ui_for(request)
    restored = {
        "created": f"{manifest.created_at.astimezone():%Y-%m-%d %H:%M}",
        "cases": manifest.counts.cases,
        "events": manifest.counts.events,
        "files": len(manifest.attachment_members),
    }
    context = await run_in_threadpool(_context, ui, request, settings, restored=restored)
    return render(request, "admin.html", context)
