"""The declarative base, the mixin of timestamps and the column helpers of every table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from landgis.db.backends import json_column_type
from landgis.geo import CGCS2000_EPSG

JSONType = json_column_type()


def multipolygon() -> Any:
    """A spatially indexed EPSG:4490 MultiPolygon column type."""
    return Geometry(geometry_type="MULTIPOLYGON", srid=CGCS2000_EPSG, spatial_index=True)


def one_of(column: str, values: dict[str, str]) -> CheckConstraint:
    """A CHECK constraint keeping ``column`` within a vocabulary's code names."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"ck_{column}_vocab")


class Base(DeclarativeBase):
    """Declarative base of all landgis tables."""


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.current_timestamp(),
        onupdate=func.current_timestamp(),
    )
