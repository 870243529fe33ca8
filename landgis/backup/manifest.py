"""The manifest of a backup archive: what it holds, where it comes from, and the size and
SHA-256 digest of every other member, so a restore can check the archive is whole."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from landgis.db.backends import BackendName, backend_named
from landgis.errors import DamagedBackup
from landgis.i18n import _

FORMAT = "landgis-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_DIR = "database"
ATTACHMENTS_DIR = "attachments"
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Member:
    """One file of the archive: its path inside it, its size in bytes and SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Counts:
    """Rows of the main tables at the moment of the backup."""

    parcels: int = 0
    cases: int = 0
    events: int = 0
    users: int = 0
    attachments: int = 0


@dataclass(frozen=True)
class BackupManifest:
    """What ``manifest.json`` says about a backup archive."""

    landgis_version: str
    schema_revision: str
    backend: BackendName
    created_at: dt.datetime
    county_name: str
    counts: Counts
    database: str
    members: tuple[Member, ...] = field(default_factory=tuple)
    server_version: str | None = None

    @property
    def attachment_members(self) -> tuple[Member, ...]:
        """The members that are files of the attachments folder."""
        prefix = f"{ATTACHMENTS_DIR}/"
        return tuple(m for m in self.members if m.path.startswith(prefix))

    @property
    def total_bytes(self) -> int:
        """The size of every member, unpacked."""
        return sum(m.size for m in self.members)

    def member(self, path: str) -> Member:
        """The member named ``path``."""
        return next(m for m in self.members if m.path == path)

    def to_dict(self) -> dict[str, Any]:
        """The manifest as JSON-ready values."""
        body = asdict(self)
        body["created_at"] = self.created_at.isoformat()
        body["members"] = [asdict(m) for m in self.members]
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **body}

    def to_json(self) -> bytes:
        """``manifest.json`` as written into the archive."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> BackupManifest:
        """Read ``manifest.json``; DamagedBackup when it is not a landgis manifest."""
        try:
            body = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _not_a_backup("manifest.json is not JSON") from exc
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise _not_a_backup("manifest.json does not name the landgis backup format")
        if body.get("format_version") != FORMAT_VERSION:
            raise DamagedBackup(
                _(
                    "备份文件格式版本 {version} 无法识别:它可能来自较新版本的 landgis,请先升级 "
                    "landgis 再恢复。",
                    version=body.get("format_version"),
                ),
            )
        try:
            manifest = cls(
                landgis_version=str(body["landgis_version"]),
                schema_revision=str(body["schema_revision"]),
                backend=_backend(body["backend"]),
                created_at=dt.datetime.fromisoformat(body["created_at"]),
                county_name=str(body["county_name"]),
                counts=Counts(**{k: int(v) for k, v in body["counts"].items()}),
                database=str(body["database"]),
                members=tuple(
                    Member(str(m["path"]), int(m["size"]), str(m["sha256"]))
                    for m in body["members"]
                ),
                server_version=body.get("server_version"),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _not_a_backup(f"manifest.json is incomplete: {exc}") from exc
        manifest.check()
        return manifest

    def check(self) -> None:
        """Refuse a manifest whose members could not have been written by landgis: unsafe
        or repeated paths, bad digests, no database dump."""
        seen: set[str] = set()
        for member in self.members:
            if not safe_member_path(member.path) or member.path in seen:
                raise _not_a_backup(f"unsafe or repeated member path {member.path!r}")
            if member.size < 0 or not SHA256.match(member.sha256):
                raise _not_a_backup(f"bad size or digest for {member.path!r}")
            seen.add(member.path)
        if self.database not in seen or not self.database.startswith(f"{DATABASE_DIR}/"):
            raise _not_a_backup("the manifest names no database dump")


def _backend(value: Any) -> BackendName:
    return backend_named(value).name


def safe_member_path(path: str) -> bool:
    """Whether ``path`` is a plain relative path (no ``..``, no absolute or Windows path,
    no control characters) under the database or attachments folder."""
    if not path or "\\" in path or any(ord(c) < 32 for c in path) or path.startswith("/"):
        return False
    parts = PurePosixPath(path).parts
    return (
        len(parts) >= 2
        and parts[0] in (DATABASE_DIR, ATTACHMENTS_DIR)
        and all(part not in ("", ".", "..") for part in parts)
        and "/".join(parts) == path
    )


def _not_a_backup(detail: str) -> DamagedBackup:
    return DamagedBackup(
        _("这不是完整的 landgis 备份文件(清单 manifest.json 缺失或有误),未作任何更改。"),
        detail=detail,
    )


def revision_mismatch(found: str | None, expected: str) -> DamagedBackup:
    """The error for a database dump whose schema revision is not the manifest's."""
    return DamagedBackup(
        _("备份中的数据库与清单记录的结构版本不符,未作任何更改。"),
        detail=f"database {found}, manifest {expected}",
    )
