"""Uploaded files: saved to a private temporary folder under a size limit, with a safe
name that keeps the suffix readers go by."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import UploadFile

from landgis.errors import InvalidInput, TooLarge, UnsupportedFileType

MAX_UPLOAD_BYTES = 200 << 20
CHUNK = 1 << 20


def safe_name(upload: UploadFile, allowed: Collection[str] | None = None) -> str:
    """The upload's base name made safe for the file system; its suffix must be allowed."""
    name = Path((upload.filename or "upload").replace("\\", "/")).name
    suffixes = "".join(Path(name).suffixes[-2:]).lower()
    suffix = Path(name).suffix.lower()
    if allowed is not None and suffix not in allowed and suffixes not in allowed:
        listed = "、".join(sorted(allowed))
        raise UnsupportedFileType(
            f"不支持的文件类型 {suffix or '(无扩展名)'},支持:{listed}(Shapefile 请打包为 .zip)。",
            f"Unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(allowed))} "
            "(zip shapefiles).",
        )
    stem = re.sub(r"[^\w\-]", "_", Path(name).stem).strip("._") or "upload"
    return stem[:100] + suffix


def save(upload: UploadFile, path: Path, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Copy an upload to ``path``, refusing it past ``limit`` bytes or when empty."""
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(
                    f"上传文件超过 {limit >> 20} MB 的上限。",
                    f"The upload exceeds the {limit >> 20} MB limit.",
                )
            out.write(chunk)
    if size == 0:
        raise InvalidInput("上传的文件是空的。", "The uploaded file is empty.")


@contextmanager
def upload_folder() -> Iterator[Path]:
    """A private temporary folder for one request's uploads, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="landgis-upload-") as folder:
        yield Path(folder)


@contextmanager
def saved_upload(
    upload: UploadFile, limit: int = MAX_UPLOAD_BYTES, allowed: Collection[str] | None = None
) -> Iterator[Path]:
    """The upload as a file in a private temporary folder, removed afterwards."""
    with upload_folder() as folder:
        path = folder / safe_name(upload, allowed)
        save(upload, path, limit)
        yield path
