"""Documents attached to ledger cases: scanned determinations, plans, photos of the site.

A file is accepted by what it is, not by what it is called: its first bytes must be those
of a PDF, PNG, JPEG, GIF, TIFF or WebP file, and it must not be larger than the limit. It
is stored under the attachments folder (``<case id>/<random name><extension>``), written
whole or not at all; the :class:`~landgis.db.models.Attachment` row records its original
name, type, size, SHA-256 digest, who uploaded it and when.

An upload does not change the case and writes no case event: the case's version (what
other users' open forms are based on) stays as it is. Attachments are listed beside the
case's events, and are never edited or deleted.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.cases import get_case
from landgis.db.models import Attachment
from landgis.errors import InvalidInput, NotFound, ReadOnly, TooLarge, UnsupportedFileType
from landgis.i18n import _, listing
from landgis.workflow import READ_ONLY_STATUSES

CHUNK_BYTES = 1 << 16
SNIFF_BYTES = 16
MAX_FILENAME = 255
MAX_DESCRIPTION = 256


@dataclass(frozen=True)
class FileType:
    """A document type accepted as an attachment."""

    name: str
    media_type: str
    extension: str
    extensions: tuple[str, ...]

    def matches(self, head: bytes) -> bool:
        """Whether ``head`` (the file's first bytes) starts like a file of this type."""
        if self.name == "webp":
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        return any(head.startswith(magic) for magic in MAGIC[self.name])


MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "webp": (),
}
FILE_TYPES: tuple[FileType, ...] = (
    FileType("pdf", "application/pdf", ".pdf", (".pdf",)),
    FileType("png", "image/png", ".png", (".png",)),
    FileType("jpeg", "image/jpeg", ".jpg", (".jpg", ".jpeg", ".jpe")),
    FileType("gif", "image/gif", ".gif", (".gif",)),
    FileType("tiff", "image/tiff", ".tif", (".tif", ".tiff")),
    FileType("webp", "image/webp", ".webp", (".webp",)),
)
# Types a browser shows safely by itself; the others are offered as downloads only.
INLINE_MEDIA_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif"})
ACCEPTED_NAMES = listing(("PDF", "PNG", "JPEG", "GIF", "TIFF", "WebP"))


def sniff(head: bytes) -> FileType | None:
    """The accepted type whose signature ``head`` starts with, or None."""
    return next((t for t in FILE_TYPES if t.matches(head)), None)


def clean_filename(name: str | None, file_type: FileType) -> str:
    """The name a user gave the file, without folders or control characters, ending in
    an extension of its real type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    stem, dot, extension = base.rpartition(".")
    if not dot or f".{extension.lower()}" not in file_type.extensions:
        stem = base
        extension = file_type.extension.lstrip(".")
    stem = stem or "attachment"
    keep = MAX_FILENAME - len(extension) - 1
    return f"{stem[:keep]}.{extension}"


def _size_words(max_bytes: int) -> str:
    mb = max_bytes / (1 << 20)
    return f"{mb:g} MB" if mb >= 1 else f"{max_bytes / 1024:.0f} KB"


def _receive(stream: BinaryIO, partial: Path, max_bytes: int) -> tuple[bytes, int, str]:
    """Copy ``stream`` to ``partial``: its first bytes, its size and its SHA-256 digest."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    with partial.open("wb") as out:
        while chunk := stream.read(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                limit = _size_words(max_bytes)
                raise TooLarge(_("附件超过大小上限 {limit}。", limit=limit))
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            digest.update(chunk)
            out.write(chunk)
    return head, size, digest.hexdigest()


def save_attachment(
    session: Session,
    case_no: str,
    stream: BinaryIO,
    *,
    filename: str | None,
    uploaded_by: str,
    folder: Path,
    max_bytes: int,
    description: str | None = None,
) -> Attachment:
    """Store the file read from ``stream`` as an attachment of case ``case_no``.

    Refused when empty (InvalidInput), larger than ``max_bytes`` (TooLarge) or not of an
    accepted type by its first bytes (UnsupportedFileType); refused (ReadOnly) on a closed
    case. Nothing is kept then.
    """
    case = get_case(session, case_no)
    if case.status in READ_ONLY_STATUSES:
        raise ReadOnly(
            _("台账条目 {case_no} 已销号,只读,不能再添加附件。", case_no=case_no),
        )
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            _("附件说明不能超过 {count} 个字符。", count=MAX_DESCRIPTION),
        )
    folder = Path(folder)
    target_dir = folder / str(case.id)
    target_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    partial = target_dir / f".{token}.part"
    try:
        head, size, sha256 = _receive(stream, partial, max_bytes)
        if size == 0:
            raise InvalidInput(_("附件是空文件。"))
        file_type = sniff(head)
        if file_type is None:
            raise UnsupportedFileType(
                _(
                    "附件类型不支持:只接受 {kinds} 文件(按文件内容判断,而非文件名)。",
                    kinds=ACCEPTED_NAMES,
                ),
            )
        stored_name = f"{case.id}/{token}{file_type.extension}"
        partial.replace(folder / stored_name)
    finally:
        partial.unlink(missing_ok=True)
    attachment = Attachment(
        case_id=case.id,
        filename=clean_filename(filename, file_type),
        media_type=file_type.media_type,
        size_bytes=size,
        sha256=sha256,
        stored_name=stored_name,
        description=(description or "").strip() or None,
        uploaded_by=uploaded_by,
    )
    session.add(attachment)
    session.flush()
    return attachment


def list_attachments(session: Session, case_no: str) -> list[Attachment]:
    """The attachments of a case, oldest first."""
    case = get_case(session, case_no)
    stmt = select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
    return list(session.scalars(stmt))


def get_attachment(session: Session, case_no: str, attachment_id: int) -> Attachment:
    """One attachment of case ``case_no``; NotFound when the case has no such attachment."""
    case = get_case(session, case_no)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise NotFound(
            _(
                "台账条目 {case_no} 没有编号为 {attachment_id} 的附件。",
                case_no=case_no,
                attachment_id=attachment_id,
            ),
        )
    return attachment


def attachment_path(attachment: Attachment, folder: Path) -> Path:
    """Where the attachment's file is; NotFound when it is missing from the folder."""
    root = Path(folder).resolve()
    path = (root / attachment.stored_name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound(
            _(
                "附件 {filename} 的文件不在附件目录中,请联系系统管理员。",
                filename=attachment.filename,
            ),
            detail=str(path),
        )
    return path


def attachment_values(attachment: Attachment) -> dict[str, Any]:
    """One attachment, JSON-ready."""
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "media_type": attachment.media_type,
        "size_bytes": attachment.size_bytes,
        "sha256": attachment.sha256,
        "description": attachment.description,
        "uploaded_by": attachment.uploaded_by,
        "uploaded_at": attachment.uploaded_at.isoformat() if attachment.uploaded_at else None,
        "inline": attachment.media_type in INLINE_MEDIA_TYPES,
    }


def accepted_extensions() -> Iterable[str]:
    """File name extensions of the accepted types (a hint for file pickers)."""
    return [extension for t in FILE_TYPES for extension in t.extensions]
