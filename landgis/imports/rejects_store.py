"""Rejects files kept for download for :data:`REJECTS_HOURS`: each in a folder of its own,
named by an unguessable token, in a store folder (by default :func:`rejects_folder`, in
the system's temporary directory, as the web import's staging folder). Entries past
their age are removed (:func:`landgis.tempfiles.remove_old_entries`) whenever files are
kept or looked up."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from pathlib import Path

from landgis.errors import NotFound
from landgis.i18n import _
from landgis.imports.rejects import RejectsFiles
from landgis.tempfiles import remove_old_entries, temp_root

REJECTS_HOURS = 24.0
MANIFEST = "rejects.json"
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")


def rejects_folder() -> Path:
    """The default store folder: ``landgis-rejects`` in the system's temporary directory
    (a name :func:`landgis.tempfiles.remove_stale_folders` leaves alone)."""
    return temp_root() / "landgis-rejects"


def keep_rejects(folder: Path, files: RejectsFiles) -> str:
    """Move ``files`` into the store ``folder``; the token to find them again by
    :func:`kept_rejects`. Expired entries are removed first."""
    remove_old_entries(folder, REJECTS_HOURS)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(18)
    entry = folder / token
    entry.mkdir(mode=0o700)
    moved = [files.workbook, *([files.geopackage] if files.geopackage else [])]
    for path in moved:
        shutil.move(path, entry / path.name)
    manifest = {
        "workbook": files.workbook.name,
        "geopackage": files.geopackage.name if files.geopackage else None,
        "rows": files.rows,
    }
    (entry / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return token


def kept_rejects(folder: Path, token: str) -> RejectsFiles:
    """The files kept under ``token``; :class:`~landgis.errors.NotFound` when the token is
    malformed or unknown, or the files have expired."""
    if not _TOKEN.match(token):
        raise _gone()
    remove_old_entries(folder, REJECTS_HOURS)
    entry = folder / token
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
        workbook = entry / Path(manifest["workbook"]).name
        geopackage = None
        if manifest["geopackage"] is not None:
            geopackage = entry / Path(manifest["geopackage"]).name
        files = RejectsFiles(workbook, geopackage, int(manifest["rows"]))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise _gone() from exc
    present = [path.is_file() for path in (workbook, geopackage) if path is not None]
    if entry.is_symlink() or not all(present):
        raise _gone()
    return files


def _gone() -> NotFound:
    return NotFound(_("退回行文件已失效(已过期或不存在),请重新导入以重新生成。"))
