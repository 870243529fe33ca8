"""Checks made before a reader opens a parcel file, so that no file can make a reader take
more memory or time than its limits allow.

- Text formats parsed whole in memory (GeoJSON, KML, CSV, DXF) take several times their
  size there (a 199 MB GeoJSON: some 550 MB and 36 s in GDAL and pandas): above
  :attr:`~landgis.io.archives.ArchiveLimits.max_text_bytes` they are refused with advice
  to convert them to a GeoPackage, which is read in batches.
- A spreadsheet (.xlsx, .xlsm) is a zip: its declared unpacked size, compression ratio and
  member count are checked before openpyxl touches it (a 3 MB workbook can unpack to a
  gigabyte of sheet XML).
- A GeoPackage must be an SQLite file whose header agrees with its size.
"""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path

from landgis.errors import TooLarge
from landgis.i18n import _
from landgis.io.archives import ArchiveLimits, check_package
from landgis.io.problems import FileRefused

# Read whole into memory by their readers.
TEXT_SUFFIXES = frozenset({".geojson", ".json", ".kml", ".csv", ".dxf"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
# Excel 97-2003: no zip to check, but read whole into memory too.
LEGACY_WORKBOOK_SUFFIXES = frozenset({".xls"})
_SQLITE_MAGIC = b"SQLite format 3\x00"


class FileTooLarge(FileRefused, TooLarge):
    """A file larger than its reader may take (HTTP 413 when it is an upload)."""


def _mb(size: int) -> str:
    return f"{size / (1 << 20):g}"


def text_too_large(name: str, limit: int) -> FileTooLarge:
    """The refusal of a text-format file above ``limit`` bytes."""
    return FileTooLarge(
        "too_large",
        _(
            "文件 {name} 超过 {mb} MB:GeoJSON、KML、CSV、DXF 等文本格式须整体读入内存,"
            "上限为 {mb} MB。请在 QGIS 等软件中另存为 GeoPackage(.gpkg,分批读取,无此上限)"
            "后导入,或拆分为多个文件。",
            name=name,
            mb=_mb(limit),
        ),
    )


def check_text_size(path: Path, limits: ArchiveLimits) -> None:
    """Refuse a text-format file larger than ``limits.max_text_bytes``."""
    if Path(path).stat().st_size > limits.max_text_bytes:
        raise text_too_large(Path(path).name, limits.max_text_bytes)


def check_legacy_workbook(path: Path, limits: ArchiveLimits) -> None:
    """Refuse an Excel 97-2003 workbook larger than ``limits.max_text_bytes`` (its reader
    takes it whole into memory)."""
    size = Path(path).stat().st_size
    if size > limits.max_text_bytes:
        raise FileTooLarge(
            "too_large",
            _(
                "Excel 97-2003 工作簿 {name} 超过 {mb} MB:此格式须整体读入内存。"
                "请另存为 .xlsx 或 GeoPackage 后导入,或拆分为多个文件。",
                name=Path(path).name,
                mb=_mb(limits.max_text_bytes),
            ),
        )


def workbook_limits(limits: ArchiveLimits) -> ArchiveLimits:
    """The archive limits a spreadsheet is held to."""
    return dataclasses.replace(
        limits,
        max_total_bytes=min(limits.max_total_bytes, limits.max_workbook_bytes),
        max_files=min(limits.max_files, limits.max_workbook_files),
    )


def check_workbook(path: Path, limits: ArchiveLimits) -> None:
    """Refuse a workbook that would unpack beyond the limits, before it is opened."""
    check_package(path, workbook_limits(limits), _("Excel 工作簿"))


def check_geopackage(path: Path) -> None:
    """Refuse a GeoPackage that is not an SQLite file, or whose header declares more pages
    than the file holds (a damaged or forged file). Its size is bounded by the upload
    limit, or by the archive's limits when it comes out of a zip."""
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(100)
    damaged = FileRefused(
        "unreadable",
        _("{name} 不是有效的 GeoPackage(SQLite)文件,或已损坏。", name=path.name),
    )
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise damaged
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    (pages,) = struct.unpack(">I", header[28:32])
    if page_size < 512 or page_size & (page_size - 1):
        raise damaged
    # The page count is kept up to date (valid) when the change counter matches the
    # version-valid-for number; files written by old SQLite versions may leave it stale.
    counted = header[24:28] == header[92:96] and pages > 0
    if counted and pages * page_size > size:
        raise damaged
