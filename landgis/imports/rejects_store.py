"""Rejects files kept for download for :data:`REJECTS_HOURS`: each in a folder of its own,
named by an unguessable token, in a store folder (by default :func:`rejects_folder`, in
the system's temporary directory, as the web import's staging folder). Entries past
their age are removed (:func:`landgis.tempfiles.remove_old_entries`) whenever files are
kept or looked up. :func:`keep_refused_rows` writes the refused rows of a checked import
and keeps them, named after the file imported (:func:`rejects_filename`)."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from pathlib import Path

from landgis.errors import NotFound
from landgis.i18n import _
from landgis.imports.checked import Checked
from landgis.imports.refused import write_refused
from landgis.imports.rejects import RejectsFiles
from landgis.tempfiles import UNPACK, remove_old_entries, temp_root, temporary_folder

REJECTS_HOURS = 24.0
MANIFEST = "rejects.json"
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")
# Characters a file name on a clerk's disk cannot hold (Windows' reserved and controls).
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
STEM_MAX = 60
REJECTS_SUFFIX = "_退回"


def rejects_folder() -> Path:
    """The default store folder: ``landgis-rejects`` in the system's temporary directory
    (a name :func:`landgis.tempfiles.remove_stale_folders` leaves alone)."""
    return temp_root() / "landgis-rejects"


def rejects_filename(source: str) -> str:
    """The rejects workbook's name for the file ``source``: ``宗地.zip`` gives
    ``宗地_退回.xlsx`` (characters a file name cannot hold replaced, a long name cut)."""
    stem = Path(source.replace("\\", "/")).stem
    stem = _UNSAFE_NAME.sub("_", stem).strip(" ._")[:STEM_MAX].strip(" ._")
    return f"{stem or 'rejects'}{REJECTS_SUFFIX}.xlsx"


def keep_refused_rows(
    checked: Checked, folder: Path | None = None
) -> tuple[str, RejectsFiles] | None:
    """Write the refused rows of ``checked`` (a workbook, and a GeoPackage when some row
    has a geometry: :func:`~landgis.imports.refused.write_refused`) named after the file
    checked, and keep them in the store ``folder`` (:func:`rejects_folder` by default):
    their token and the files as kept; None when no row is refused on its own."""
    folder = folder or rejects_folder()
    with temporary_folder(UNPACK) as work:
        files = write_refused(checked, work / rejects_filename(checked.report.source))
        if files is None:
            return None
        token = keep_rejects(folder, files)
    return token, kept_rejects(folder, token)


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
