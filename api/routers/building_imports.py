"""Importing building footprints, uploaded as a multipart form.

As the parcel imports (:mod:`api.routers.imports`): the editor role is checked before a
byte of the body is read, the size limits while it is read, the CSRF token of a browser
once it is read; the import is handed to the ledger service in a worker thread, in a
transaction of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import SettingsDep
from api.routers.imports import REFUSALS, UploaderDep, parcel_file
from api.uploads import FormSpec, Upload, form_values, multipart_body, received_form
from landgis.commands import ImportBuildings
from landgis.db.session import transaction
from landgis.ledger_service import LedgerService
from landgis.settings import Settings
from landgis.space.building_report import BuildingsReport

router = APIRouter(prefix="/api/buildings", tags=["factory space"])


class BuildingImportFields(BaseModel):
    """The options of an import of footprints (text fields of the form)."""

    model_config = ConfigDict(extra="ignore")

    check_only: bool = Field(default=False, description="Check only; write nothing")
    layer: str | None = Field(default=None, max_length=128, description="Layer or sheet")
    crs: str | None = Field(
        default=None, max_length=64, description="e.g. EPSG:4544, when the file names none"
    )


def buildings_form(settings: Settings) -> FormSpec:
    """What the form takes: one file of footprints, in any format the parcel import reads."""
    return FormSpec(
        files=(parcel_file(settings.import_max_mb << 20),),
        fields=tuple(BuildingImportFields.model_fields),
    )


def run_import(
    engine: Engine,
    upload: Upload,
    fields: BuildingImportFields,
    principal: Principal,
    settings: Settings,
) -> BuildingsReport:
    """Import (or, ``fields.check_only``, check) the footprints uploaded, in a transaction
    of its own: what this endpoint and the import page (:mod:`api.web.building_import`)
    run, in a worker thread."""
    command = ImportBuildings(
        path=upload.path,
        source_name=Path(upload.filename.replace("\\", "/")).name,
        layer=fields.layer or None,
        crs=fields.crs or None,
        check_only=fields.check_only,
    )
    with transaction(engine) as session:
        return LedgerService(session, settings, principal.actor).handle(command)


@router.post(
    "/import",
    summary="Import buildings from a file of footprints (editor); check_only=true only checks",
    responses={
        **REFUSALS,
        422: {"description": "Refused: nothing written; the body's `report` lists every problem"},
    },
    openapi_extra=multipart_body(
        BuildingImportFields,
        {"file": ("Shapefile (.zip), GeoPackage, GeoJSON, KML/KMZ, DXF, CSV or XLSX", True)},
    ),
)
async def import_buildings(
    request: Request, settings: SettingsDep, principal: UploaderDep
) -> dict[str, Any]:
    """The report: the columns read (名称/name, 层数/floors, 建筑面积/floor_area_m2,
    类型/kind, 权属人/owner, 统一社会信用代码/owner_credit_code, 状态/state,
    宗地编号/parcel_code), each building with the parcel it stands on (found by location)
    and its footprint and floor area in m², every problem with its row. Any error refuses
    the whole file with 422 and the same report."""
    async with received_form(request, buildings_form(settings), principal) as form:
        fields = form_values(BuildingImportFields, form)
        report = await run_in_threadpool(
            run_import, request.app.state.engine, form.files["file"], fields, principal, settings
        )
    return report.to_dict()
