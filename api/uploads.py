"""Uploaded files: saved to a temporary folder under a size limit, never trusted by name."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import UploadFile

from landgis.errors import InvalidInput

MAX_UPLOAD_BYTES = 200 << 20
CHUNK = 1 << 20


def _safe_name(filename: str | None) -> str:
    name = Path(filename or "upload").name
    name = re.sub(r"[^\w.\-]", "_", name)[-120:]
    return name or "upload"


@contextmanager
def saved_upload(upload: UploadFile, limit: int = MAX_UPLOAD_BYTES) -> Iterator[Path]:
    """The upload as a file in a private temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="landgis-upload-") as folder:
        path = Path(folder) / _safe_name(upload.filename)
        size = 0
        with path.open("wb") as out:
            while chunk := upload.file.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise InvalidInput(
                        f"上传文件超过 {limit >> 20} MB 的限制。",
                        f"The upload exceeds the {limit >> 20} MB limit.",
                    )
                out.write(chunk)
        if size == 0:
            raise InvalidInput("上传的文件是空的。", "The uploaded file is empty.")
        yield path
