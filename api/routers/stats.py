"""Headline figures of the ledger."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import SessionDep
from landgis.stats import headline_figures

router = APIRouter(prefix="/api", tags=["stats"])


@router.get("/stats", summary="Headline figures (the same object as `landgis stats --json`)")
def stats(session: SessionDep) -> dict[str, Any]:
    """Cases and idle area in the ledger, revitalized area and factory floor area."""
    return headline_figures(session)
