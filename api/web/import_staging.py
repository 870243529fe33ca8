"""Where a checked import file waits for its confirmation, or to be checked again with
other options: a staging folder of its own (the file, and its mapping file when one came
with it), with the options chosen, named by a random token kept in the user's session (at most
:data:`MAX_STAGED` of them), removed once imported, pushed out by newer ones, or
:data:`STAGING_HOURS` old."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request

from api.auth import Principal
from api.uploads import Upload
from landgis.errors import NotFound
from landgis.i18n import _
from landgis.tempfiles import remove_old_entries

STAGING = Path(tempfile.gettempdir()) / "landgis-import-staging"
STAGING_HOURS = 24
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")
MAX_STAGED = 5
MAPPING_FOLDER = "mapping"  # the mapping file's folder within a staged file's
# The options chosen, beside the file (an upload's name never starts with a dot).
RECORD = ".staged.json"
KEPT = ("path", "name", "user", "mapping", "mapping_name")


def _clean_staging() -> None:
    remove_old_entries(STAGING, STAGING_HOURS)


def stage(
    upload: Upload, mapping: Upload | None, options: Mapping[str, Any], username: str
) -> tuple[str, dict[str, Any]]:
    """Keep a received upload (and its mapping file) until it is confirmed: moved into a
    staging folder of its own (the request's upload folder is removed when the request
    ends), with the import ``options`` chosen."""
    _clean_staging()
    token = secrets.token_urlsafe(18)
    folder = STAGING / token
    folder.mkdir(parents=True)
    path = folder / upload.path.name
    shutil.move(upload.path, path)
    staged = {"path": str(path), "name": _client_name(upload, path), "user": username}
    return token, restage(staged, options, mapping)


def _client_name(upload: Upload, path: Path) -> str:
    return Path((upload.filename or path.name).replace("\\", "/")).name


def restage(
    staged: Mapping[str, Any],
    options: Mapping[str, Any],
    mapping: Upload | None = None,
    *,
    drop_mapping: bool = False,
) -> dict[str, Any]:
    """A staged file with new ``options``; a new ``mapping`` file replaces the one staged,
    ``drop_mapping`` removes it."""
    kept = {k: staged[k] for k in KEPT if k in staged}
    folder = Path(kept["path"]).parent / MAPPING_FOLDER
    if mapping is not None or drop_mapping:
        shutil.rmtree(folder, ignore_errors=True)
        kept.pop("mapping", None)
        kept.pop("mapping_name", None)
    if mapping is not None:
        folder.mkdir()
        path = folder / mapping.path.name
        shutil.move(mapping.path, path)
        kept["mapping"] = str(path)
        kept["mapping_name"] = _client_name(mapping, path)
    return kept | dict(options)


def _tokens(request: Request) -> list[str]:
    return [t for t in request.session.get("imports") or () if isinstance(t, str)]


def remember(request: Request, token: str, staged: Mapping[str, Any]) -> None:
    """Keep ``staged`` under ``token``: its options beside the file, the token in the
    session (the oldest beyond the limit go, with their files)."""
    (STAGING / token / RECORD).write_text(json.dumps(dict(staged)), encoding="utf-8")
    tokens = [t for t in _tokens(request) if t != token]
    cut = max(0, len(tokens) - (MAX_STAGED - 1))
    for old in tokens[:cut]:
        _remove(old)
    request.session["imports"] = [*tokens[cut:], token]


def staged_file(request: Request, token: str, principal: Principal) -> dict[str, Any]:
    """The staged file of ``token``, if this user staged it and it is still there."""
    staged: dict[str, Any] | None = None
    if TOKEN.match(token) and token in _tokens(request):
        try:
            staged = json.loads((STAGING / token / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            staged = None
    if (
        not isinstance(staged, dict)
        or staged.get("user") != principal.username
        or not Path(staged.get("path", "")).is_file()
    ):
        raise NotFound(_("这个导入文件已失效(已导入或已过期),请重新上传。"))
    return staged


def forget(request: Request, token: str) -> None:
    """Drop ``token`` from the session and its files from the staging folder."""
    request.session["imports"] = [t for t in _tokens(request) if t != token]
    _remove(token)


def _remove(token: str) -> None:
    if TOKEN.match(token):
        shutil.rmtree(STAGING / token, ignore_errors=True)
