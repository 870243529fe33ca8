"""Where a checked import file waits for its confirmation: a staging folder of its own,
named by a random token kept in the user's session (at most :data:`MAX_STAGED` of them),
removed once imported, refused or :data:`STAGING_HOURS` old."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request

from api.auth import Principal
from api.uploads import Upload, UploadForm
from landgis.errors import NotFound
from landgis.i18n import _
from landgis.tempfiles import remove_old_entries

STAGING = Path(tempfile.gettempdir()) / "landgis-import-staging"
STAGING_HOURS = 24
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")
MAX_STAGED = 5


def _clean_staging() -> None:
    remove_old_entries(STAGING, STAGING_HOURS)


def stage(upload: Upload, form: UploadForm, username: str) -> tuple[str, dict[str, Any]]:
    """Keep a received upload until it is confirmed: moved into a staging folder of its
    own (the request's upload folder is removed when the request ends)."""
    _clean_staging()
    token = secrets.token_urlsafe(18)
    folder = STAGING / token
    folder.mkdir(parents=True)
    path = folder / upload.path.name
    shutil.move(upload.path, path)
    staged = {
        "path": str(path),
        "name": upload.filename or path.name,
        "crs": form.text("crs")[:64],
        "layer": form.text("layer")[:128],
        "mode": "upsert" if form.text("mode") == "upsert" else "insert",
        "swap_xy": form.text("swap_xy") == "1",
        "user": username,
    }
    codes = form.text("codes")
    if codes == "assign":
        staged["assign_codes"] = form.text("assign_codes").strip()[:64]
    elif codes == "template":
        staged["code_template"] = form.text("code_template").strip()[:256]
    return token, staged


def remember(request: Request, token: str, staged: dict[str, Any]) -> None:
    """Keep ``staged`` in the session under ``token`` (the oldest beyond the limit go)."""
    kept = dict(request.session.get("imports") or {})
    kept = dict(list(kept.items())[-(MAX_STAGED - 1) :]) | {token: staged}
    request.session["imports"] = kept


def staged_file(request: Request, token: str, principal: Principal) -> dict[str, Any]:
    """The staged file of ``token``, if this user staged it and it is still there."""
    staged = (request.session.get("imports") or {}).get(token) if TOKEN.match(token) else None
    if not staged or staged.get("user") != principal.username or not Path(staged["path"]).exists():
        raise NotFound(_("这个导入文件已失效(已导入或已过期),请重新上传。"))
    return staged


def forget(request: Request, token: str) -> None:
    """Drop ``token`` from the session and its file from the staging folder."""
    staged = dict(request.session.get("imports") or {})
    entry = staged.pop(token, None)
    request.session["imports"] = staged
    if entry:
        forget_file(entry)


def forget_file(staged: Mapping[str, Any]) -> None:
    """Remove a staged file, and its folder once empty."""
    path = Path(staged["path"])
    path.unlink(missing_ok=True)
    if path.parent.is_dir() and not any(path.parent.iterdir()):
        path.parent.rmdir()
