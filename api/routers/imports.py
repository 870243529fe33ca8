"""Imports: parcel files and edited ledger workbooks, uploaded as multipart forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from api.deps import EditorDep, SessionDep, SettingsDep
from api.uploads import saved_upload
from landgis.cases import Actor
from landgis.io.ledger_import import import_ledger_workbook
from landgis.workflow import Workflow

router = APIRouter(prefix="/api/imports", tags=["imports"])


@router.post("/ledger", summary="Import an edited ledger workbook (editor)")
def import_ledger(
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    file: Annotated[UploadFile, File(description="The ledger workbook (.xlsx) as exported")],
    dry_run: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Changed rows go through the workflow, each checked against the version it shows;
    all rows or none (409 on a stale version, 422 on a bad value)."""
    with saved_upload(file) as path:
        report = import_ledger_workbook(
            session,
            path,
            actor=Actor(principal.username, principal.role),
            dry_run=dry_run,
            workflow=Workflow(evidence=settings.evidence),
        )
    return report.to_dict()
