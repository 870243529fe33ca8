"""Liveness and database check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from api.deps import SettingsDep
from landgis.db.migrate import head_revision
from landgis.db.session import transaction

router = APIRouter(tags=["health"])


@router.get("/health", summary="Service and database status")
def health(request: Request, settings: SettingsDep) -> dict[str, str]:
    """``ok`` when the database answers (the primary, where writes go, when reads have a
    replica); names the backend and the schema revision."""
    with transaction(request.app.state.engine, write=False) as session:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {
        "status": "ok",
        "backend": settings.backend,
        "schema": revision or "none",
        "schema_expected": head_revision() or "none",
    }
