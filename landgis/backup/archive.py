"""The backup archive on disk: one zip file with ``manifest.json``, the database dump
under ``database/`` and the attachments folder under ``attachments/``.

A zip rather than a tar: the manifest is read without reading the whole archive (a zip
has a central directory), a clerk can open it on Windows with no extra tool, and each
member is compressed or not as suits it (a SpatiaLite file shrinks a lot; a ``pg_dump``
archive, PDFs and photos are compressed already and are stored as they are). Zip64
lifts the 4 GB limits.

The archive is written under a temporary name beside the target and renamed when
complete, so a failed backup never leaves a file that looks like a backup. Reading
trusts nothing: every member must be named by the manifest and be a plain file at a
safe path, and every byte extracted is counted and hashed against the manifest.
"""

from __future__ import annotations

import hashlib
import secrets
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from landgis.backup.manifest import MANIFEST_NAME, BackupManifest, Member
from landgis.errors import DamagedBackup, NotFound
from landgis.i18n import Text, _

CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 64 << 20


class _Source(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


def _copy(source: _Source, sink: _Sink, limit: int | None = None) -> tuple[int, str]:
    """Copy ``source`` to ``sink``: the bytes copied and their SHA-256. Stops with a
    DamagedBackup once more than ``limit`` bytes come."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if limit is not None and size > limit:
            raise DamagedBackup(_altered("?"), detail="more bytes than declared")
        digest.update(chunk)
        sink.write(chunk)
    return size, digest.hexdigest()


def _add(archive: zipfile.ZipFile, name: str, path: Path, compress: bool) -> Member:
    info = zipfile.ZipInfo.from_file(path, name, strict_timestamps=False)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as sink:
        size, sha256 = _copy(source, sink)
    return Member(name, size, sha256)


def write_archive(
    target: Path,
    files: Iterable[tuple[str, Path, bool]],
    manifest_for: Callable[[tuple[Member, ...]], BackupManifest],
) -> BackupManifest:
    """Write ``files`` (member name, file, whether to compress) and the manifest that
    ``manifest_for`` makes from their digests into the zip ``target``, all or nothing."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
    try:
        with zipfile.ZipFile(partial, "x", allowZip64=True) as archive:
            members = tuple(_add(archive, name, path, compress) for name, path, compress in files)
            manifest = manifest_for(members)
            info = zipfile.ZipInfo(MANIFEST_NAME, manifest.created_at.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, manifest.to_json())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _altered(path: str) -> Text:
    return _(
        "备份文件已损坏或被改动:{path} 与清单记录的大小或校验值(SHA-256)不符,未作任何更改。",
        path=path,
    )


def _damaged(path: str, detail: str) -> DamagedBackup:
    return DamagedBackup(_altered(path), detail=detail)


class BackupArchive:
    """A backup archive opened for reading; its manifest checked against its members."""

    def __init__(self, archive: zipfile.ZipFile, manifest: BackupManifest) -> None:
        self.archive = archive
        self.manifest = manifest

    def extract(self, member: Member, target: Path) -> None:
        """Write ``member`` to the new file ``target``, checking its size and SHA-256;
        DamagedBackup when either differs from the manifest."""
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.archive.open(member.path) as source, target.open("xb") as sink:
                size, sha256 = _copy(source, sink, member.size)
        except DamagedBackup as error:
            raise _damaged(member.path, error.detail or "") from error
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
            raise _damaged(member.path, str(exc)) from exc
        if size != member.size or sha256 != member.sha256:
            raise _damaged(member.path, f"size {size}, sha256 {sha256}")

    def verify(self) -> None:
        """Read every member and check it against the manifest, writing nothing."""
        for member in self.manifest.members:
            try:
                with self.archive.open(member.path) as source:
                    size, sha256 = _copy(source, _Discard(), member.size)
            except DamagedBackup as error:
                raise _damaged(member.path, error.detail or "") from error
            except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
                raise _damaged(member.path, str(exc)) from exc
            if size != member.size or sha256 != member.sha256:
                raise _damaged(member.path, f"size {size}, sha256 {sha256}")


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def _read_manifest(archive: zipfile.ZipFile) -> BackupManifest:
    try:
        info = archive.getinfo(MANIFEST_NAME)
    except KeyError as exc:
        raise DamagedBackup(
            _("这不是 landgis 备份文件(缺少清单 manifest.json),未作任何更改。"),
        ) from exc
    if info.file_size > MAX_MANIFEST_BYTES:
        raise _damaged(MANIFEST_NAME, f"{info.file_size} bytes")
    try:
        with archive.open(info) as source:
            data = source.read(MAX_MANIFEST_BYTES + 1)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise _damaged(MANIFEST_NAME, str(exc)) from exc
    return BackupManifest.from_json(data)


def _check_members(archive: zipfile.ZipFile, manifest: BackupManifest) -> None:
    """Every member of the zip is the manifest or one it names, as a plain file of the
    declared size; and every member it names is there."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    names = [info.filename for info in infos]
    expected = {m.path: m for m in manifest.members}
    if len(names) != len(set(names)):
        raise _damaged("(zip)", "a member appears twice")
    extra = sorted(set(names) - set(expected) - {MANIFEST_NAME})
    missing = sorted(set(expected) - set(names))
    if extra or missing:
        path = (extra or missing)[0]
        raise _damaged(path, f"not in the manifest: {extra[:5]}; missing: {missing[:5]}")
    for info in infos:
        kind = stat.S_IFMT(info.external_attr >> 16)
        if info.flag_bits & 0x1 or kind not in (0, stat.S_IFREG):
            raise _damaged(info.filename, "encrypted, a link or a special file")
        if info.filename != MANIFEST_NAME and info.file_size != expected[info.filename].size:
            raise _damaged(info.filename, f"declared size {info.file_size}")


@contextmanager
def open_archive(source: Path) -> Iterator[BackupArchive]:
    """The backup archive at ``source``, its manifest read and matched with its members
    (sizes and names only: :meth:`BackupArchive.extract` and ``verify`` check digests)."""
    source = Path(source)
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError as exc:
        raise NotFound(_("找不到备份文件 {source}。", source=source)) from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise DamagedBackup(
            _(
                "{name} 不是 landgis 备份文件(不是有效的 zip 压缩包),未作任何更改。",
                name=source.name,
            ),
            detail=str(exc),
        ) from exc
    with archive:
        manifest = _read_manifest(archive)
        _check_members(archive, manifest)
        yield BackupArchive(archive, manifest)
