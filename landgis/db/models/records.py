"""Attachments, the data version and cached counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from landgis.db.models.base import Base


class Attachment(Base):
    """A document attached to a case (a scanned determination, a photo of the site).

    The file lives under the attachments folder as ``stored_name``; the row says what it
    is, who uploaded it and when. Attachments are kept, never edited.
    """

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="ck_attachment_size_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(128), unique=True)
    description: Mapped[str | None] = mapped_column(String(256))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )


class DataVersion(Base):
    """One row: a counter the database bumps whenever parcels, zones, cases, case events,
    buildings, their units, leases or projects change (triggers, migrations 0005 and 0011).
    Tile ETags and cached counts are keyed by it, so every worker on every host sees the
    same version without asking the data itself. ``land_version`` is bumped by zones and
    parcels only: what the per-mu evaluation depends on (not by the triggers keeping
    ``parcels.current_case_id``, migration 0013)."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="ck_data_version_one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    land_version: Mapped[int] = mapped_column(BigInteger, server_default="1")


class CountCache(Base):
    """A cached row count (``numberMatched`` of a filtered collection), valid while the
    data version it was counted at is current."""

    __tablename__ = "count_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_version: Mapped[int] = mapped_column(BigInteger)
    matched: Mapped[int] = mapped_column(BigInteger)
