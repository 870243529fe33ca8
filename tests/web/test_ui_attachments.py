"""Attachments in the library (landgis.attachments) on each backend: accepted by content
and size, stored whole under the folder, recorded with who and when, never a case event;
and the migration that adds them, down and up again."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from landgis import attachments
from landgis.cases import get_case
from landgis.db.migrate import alembic_config, upgrade
from landgis.db.models import Attachment, CaseEvent
from landgis.errors import InvalidInput, NotFound, ReadOnly

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
CASE_NO = "QX-XZ-2023-009"


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (PDF, "pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "png"),
        (JPEG, "jpeg"),
        (b"GIF89a\x01\x00", "gif"),
        (b"II*\x00\x08\x00", "tiff"),
        (b"MM\x00*\x00\x08", "tiff"),
        (WEBP, "webp"),
        (b"PK\x03\x04 a zip", None),
        (b"<html><script>", None),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
        (b"", None),
    ],
)
def test_files_are_known_by_their_first_bytes(head, name):
    found = attachments.sniff(head[: attachments.SNIFF_BYTES])
    assert (found.name if found else None) == name


def test_names_keep_no_folders_and_end_in_the_real_type():
    pdf = attachments.sniff(PDF)
    jpeg = attachments.sniff(JPEG)
    assert attachments.clean_filename("认定书.pdf", pdf) == "认定书.pdf"
    assert attachments.clean_filename("../../etc/passwd", pdf) == "passwd.pdf"
    assert attachments.clean_filename("C:\\scans\\现场.JPEG", jpeg) == "现场.JPEG"
    assert attachments.clean_filename("photo.pdf", jpeg) == "photo.pdf.jpg"
    assert attachments.clean_filename("bad\x00na\nme.pdf", pdf) == "badname.pdf"
    assert attachments.clean_filename(None, pdf) == "attachment.pdf"
    assert attachments.clean_filename("...", pdf) == "attachment.pdf"
    assert len(attachments.clean_filename("长" * 400 + ".pdf", pdf)) == 255


def _events(session) -> int:
    return session.scalar(select(func.count()).select_from(CaseEvent))


def test_an_upload_is_stored_recorded_listed_and_found(session, tmp_path: Path):
    case = get_case(session, CASE_NO)
    version, events = case.version, _events(session)
    saved = attachments.save_attachment(
        session,
        CASE_NO,
        io.BytesIO(PDF),
        filename="认定书.pdf",
        uploaded_by="editor1",
        folder=tmp_path,
        max_bytes=1 << 20,
        description="认定书扫描件",
    )
    assert (saved.media_type, saved.size_bytes) == ("application/pdf", len(PDF))
    assert saved.sha256 == hashlib.sha256(PDF).hexdigest()
    assert saved.uploaded_by == "editor1" and saved.uploaded_at is not None
    path = attachments.attachment_path(saved, tmp_path)
    assert path.read_bytes() == PDF and path.is_relative_to(tmp_path)
    assert [a.id for a in attachments.list_attachments(session, CASE_NO)] == [saved.id]
    assert attachments.get_attachment(session, CASE_NO, saved.id) is saved
    assert attachments.attachment_values(saved)["inline"] is True
    session.refresh(case)
    assert (case.version, _events(session)) == (version, events), "no case event"
    with pytest.raises(NotFound):
        attachments.get_attachment(session, "QX-XZ-2023-001", saved.id)
    path.unlink()
    with pytest.raises(NotFound):
        attachments.attachment_path(saved, tmp_path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00 an executable named .pdf", "PDF, PNG"),
        (PDF + b"0" * 2048, "larger than 2 KB"),
    ],
)
def test_refused_uploads_leave_nothing(session, tmp_path: Path, content, words):
    before = session.scalar(select(func.count()).select_from(Attachment))
    with pytest.raises(InvalidInput, match=words):
        attachments.save_attachment(
            session,
            CASE_NO,
            io.BytesIO(content),
            filename="x.pdf",
            uploaded_by="editor1",
            folder=tmp_path,
            max_bytes=2048,
        )
    assert session.scalar(select(func.count()).select_from(Attachment)) == before
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_closed_case_takes_no_attachment(session, tmp_path: Path):
    with pytest.raises(ReadOnly):
        attachments.save_attachment(
            session,
            "QX-XZ-2023-004",
            io.BytesIO(PDF),
            filename="x.pdf",
            uploaded_by="editor1",
            folder=tmp_path,
            max_bytes=1 << 20,
        )


def test_the_migration_goes_down_and_up(databases):
    engine = databases.engine()
    upgrade(engine)
    assert "attachments" in inspect(engine).get_table_names()
    command.downgrade(alembic_config(engine), "0003")
    assert "attachments" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "attachments" in inspect(engine).get_table_names()
