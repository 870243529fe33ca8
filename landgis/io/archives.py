"""Unpacking uploaded archives (zip, kmz) without trusting them.

Every member is checked before a byte is written (and before a reader opens a zip-based
document such as an .xlsx workbook, :func:`check_package`): no absolute paths, no ``..``, no
symbolic links or other special files, no encryption, a limit on the number of files, on
the total uncompressed size and on the compression ratio (a zip bomb declares a huge size
from a tiny payload). Extraction then counts the bytes it writes, in case the declared
sizes lie. Anything unsafe is an :class:`InvalidInput` naming the member.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from landgis.i18n import Localizable, _
from landgis.io.problems import FileRefused
from landgis.tempfiles import UNPACK, temporary_folder

_CHUNK = 1 << 16
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an uploaded archive may hold, and how large the files that readers take
    whole into memory may be."""

    max_total_bytes: int = 500 * 1024 * 1024
    max_files: int = 1000
    # Uncompressed / compressed size, for members (and the archive) above ``ratio_floor``:
    # text and DBF padding compress up to ~100:1; a run of zeros 1000:1.
    max_ratio: float = 200.0
    ratio_floor: int = 1024 * 1024
    # Files parsed whole in memory (GeoJSON, KML, CSV, DXF) take several times their size
    # there: above this size they are refused (a GeoPackage is read in batches instead).
    max_text_bytes: int = 50 * 1024 * 1024
    # A spreadsheet (.xlsx) unpacked: its sheets are parsed row by row into one table.
    max_workbook_bytes: int = 100 * 1024 * 1024
    max_workbook_files: int = 200


DEFAULT_LIMITS = ArchiveLimits()


def refused(kind: str, message: Localizable, *, detail: str | None = None) -> FileRefused:
    """The file refused as a whole (problem ``kind``) with a catalogue message."""
    return FileRefused(kind, message, detail=detail)


def _unsafe(message: Localizable) -> FileRefused:
    return refused("unsafe_archive", message)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; names written by Chinese Windows tools without the UTF-8 flag
    are GBK, which :mod:`zipfile` reads as CP437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return name


def _is_ignorable(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1].startswith("._"))


def _check_name(info: zipfile.ZipInfo, name: str) -> None:
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    if "\x00" in name or posix.startswith("/") or _DRIVE.match(posix):
        raise _unsafe(
            _("压缩包中的文件 {name} 使用绝对路径,已拒绝。", name=name),
        )
    if ".." in parts:
        raise _unsafe(
            _("压缩包中的文件 {name} 含有“..”路径,可能写到目标目录之外,已拒绝。", name=name),
        )
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode) or kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _unsafe(
            _("压缩包中的 {name} 是符号链接或特殊文件,已拒绝。", name=name),
        )
    if info.flag_bits & 0x1:
        raise _unsafe(
            _("压缩包中的文件 {name} 已加密,无法读取。", name=name),
        )


def _too_big(limits: ArchiveLimits) -> FileRefused:
    mb = limits.max_total_bytes // (1024 * 1024)
    return _unsafe(
        _("压缩包解压后超过 {mb} MB,已拒绝。", mb=mb),
    )


def check_archive(
    archive: zipfile.ZipFile, limits: ArchiveLimits = DEFAULT_LIMITS
) -> list[tuple[zipfile.ZipInfo, str]]:
    """The members worth extracting, with their names; refuses an unsafe archive."""
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        raise _unsafe(
            _(
                "压缩包中有 {count} 个文件,超过上限 {max_files}。",
                count=len(infos),
                max_files=limits.max_files,
            ),
        )
    members: list[tuple[zipfile.ZipInfo, str]] = []
    total = compressed = 0
    for info in infos:
        name = member_name(info)
        _check_name(info, name)
        if info.is_dir() or _is_ignorable(name):
            continue
        total += info.file_size
        compressed += info.compress_size
        if total > limits.max_total_bytes:
            raise _too_big(limits)
        if info.file_size > limits.ratio_floor and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _unsafe(
                _(
                    "压缩包中的文件 {name} 压缩比为 {ratio:.0f}:1,超过上限 {max_ratio:.0f}:"
                    "1(疑似压缩炸弹),已拒绝。",
                    name=name,
                    ratio=ratio,
                    max_ratio=limits.max_ratio,
                ),
            )
        members.append((info, name))
    if total > limits.ratio_floor and total > limits.max_ratio * max(compressed, 1):
        raise _unsafe(
            _(
                "压缩包整体压缩比超过 {max_ratio:.0f}:1(疑似压缩炸弹),已拒绝。",
                max_ratio=limits.max_ratio,
            ),
        )
    return members


def safe_extract(
    path: Path, destination: Path, limits: ArchiveLimits = DEFAULT_LIMITS
) -> list[Path]:
    """Extract the zip (or kmz) at ``path`` into ``destination``; the files written."""
    destination = Path(destination).resolve()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refused(
            "unreadable",
            _("{name} 不是有效的 zip 压缩包。", name=Path(path).name),
            detail=str(exc),
        ) from exc
    written: list[Path] = []
    with archive:
        members = check_archive(archive, limits)
        budget = limits.max_total_bytes
        for info, name in members:
            target = (destination / name.replace("\\", "/")).resolve()
            if not target.is_relative_to(destination):
                raise _unsafe(
                    _("压缩包中的文件 {name} 会写到目标目录之外,已拒绝。", name=name),
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source, target.open("xb") as sink:
                    left = info.file_size
                    while chunk := source.read(_CHUNK):
                        left -= len(chunk)
                        budget -= len(chunk)
                        if left < 0 or budget < 0:
                            raise _too_big(limits)
                        sink.write(chunk)
            except FileExistsError as exc:
                raise _unsafe(
                    _("压缩包中有重名文件 {name}。", name=name),
                ) from exc
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
                raise refused(
                    "unreadable",
                    _("压缩包中的文件 {name} 已损坏,无法解压。", name=name),
                    detail=str(exc),
                ) from exc
            written.append(target)
    return written


@contextmanager
def extracted(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> Iterator[Path]:
    """A temporary directory holding the safely extracted archive; removed afterwards."""
    with temporary_folder(UNPACK) as directory:
        safe_extract(path, directory, limits)
        yield directory


def check_package(path: Path, limits: ArchiveLimits, what: Localizable) -> None:
    """Refuse a zip-based document (``what`` names it: e.g. an Excel workbook) that is not
    a zip, or would unpack beyond ``limits`` (size, ratio, members), before any reader
    opens it.
    Its members' declared sizes bound what a reader can get out of it: Python's zip
    reader stops at them."""
    name = Path(path).name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refused(
            "unreadable",
            _("{what} {name} 已损坏或不是有效的文件。", what=what, name=name),
            detail=str(exc),
        ) from exc
    with archive:
        try:
            check_archive(archive, limits)
        except FileRefused as unsafe:
            raise refused(
                unsafe.kind,
                _("{what} {name} 无法安全读取:{reason}", what=what, name=name, reason=unsafe.text),
            ) from unsafe
