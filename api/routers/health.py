"""Liveness and database check."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep, SettingsDep
from landgis.db.migrate import head_revision

router = APIRouter(tags=["health"])


@router.get("/health", summary="Service and database status")
def health(session: SessionDep, settings: SettingsDep) -> dict[str, str]:
    """``ok`` when the database answers; names the backend and the schema revision."""
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {
        "status": "ok",
        "backend": settings.backend,
        "schema": revision or "none",
        "schema_expected": head_revision() or "none",
    }
