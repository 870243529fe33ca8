"""Helpers the Alembic environment and the schema tests share."""

from __future__ import annotations

from typing import Any

from alembic import op
from geoalchemy2 import alembic_helpers

from landgis.db.backends import BackendName, backend_for
from landgis.db.models import Base


def include_object(
    obj: Any, name: str | None, obj_type: str, reflected: bool, compare_to: Any
) -> bool:
    """Compare landgis's own tables only, never SpatiaLite's or PostGIS's system tables."""
    if obj_type == "table" and reflected and name not in Base.metadata.tables:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def migrating_on(backend: BackendName) -> bool:
    """Whether the running migration runs on ``backend``: for the DDL Alembic cannot write
    once for every backend (triggers)."""
    return backend_for(op.get_bind()).name == backend
