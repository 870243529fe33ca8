"""Imports: parcel files and edited ledger workbooks, uploaded as multipart forms."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, UploadFile

from api.deps import EditorDep, SessionDep, SettingsDep
from api.uploads import safe_name, save, saved_upload, upload_folder
from landgis.cases import Actor
from landgis.imports import import_parcels
from landgis.io.ledger_import import import_ledger_workbook
from landgis.io.readers import SUPPORTED_SUFFIXES
from landgis.workflow import Workflow

router = APIRouter(prefix="/api/imports", tags=["imports"])

# A .shp alone lacks its .shx and .dbf: shapefiles come zipped.
PARCEL_SUFFIXES = sorted(set(SUPPORTED_SUFFIXES) - {".shp"})
MAPPING_SUFFIXES = (".json", ".yaml", ".yml")
MAPPING_MAX_BYTES = 1 << 20


@router.post(
    "",
    summary="Import parcels from a file (editor); dry_run=true only checks",
    responses={
        413: {"description": "The upload is too large"},
        415: {"description": "Unsupported file type"},
        422: {"description": "Refused: nothing written; the body's `report` lists every problem"},
    },
)
def import_file(
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    file: Annotated[
        UploadFile,
        File(description="Shapefile (.zip), GeoPackage, GeoJSON, KML/KMZ, DXF, CSV or XLSX"),
    ],
    dry_run: Annotated[bool, Form(description="Check only; write nothing")] = False,
    mode: Annotated[
        Literal["insert", "upsert"], Form(description="insert: new codes only; upsert: update")
    ] = "insert",
    crs: Annotated[str | None, Form(max_length=64, description="e.g. EPSG:4523")] = None,
    layer: Annotated[str | None, Form(max_length=128, description="Layer or sheet")] = None,
    swap_xy: Annotated[bool, Form(description="Exchange X and Y")] = False,
    from_gcj02: Annotated[bool, Form(description="Move GCJ-02 data back")] = False,
    mapping: Annotated[
        UploadFile | None, File(description='JSON/YAML {"file column": "landgis field"}')
    ] = None,
) -> dict[str, Any]:
    """The import report (counts, area, CRS, encoding, every problem with its row). Errors
    refuse the whole file with 422 and the same report; warnings never do."""
    with upload_folder() as folder:
        path = folder / safe_name(file, PARCEL_SUFFIXES)
        save(file, path, settings.import_max_mb << 20)
        mapping_path = None
        if mapping is not None and mapping.filename:
            suffix = Path(safe_name(mapping, MAPPING_SUFFIXES)).suffix
            mapping_path = folder / f"mapping{suffix}"
            save(mapping, mapping_path, MAPPING_MAX_BYTES)
        report = import_parcels(
            session,
            path,
            layer=layer or None,
            crs=crs or None,
            mapping=mapping_path,
            mode=mode,
            swap_xy=swap_xy,
            from_gcj02=from_gcj02,
            dry_run=dry_run,
            actor=principal.username,
            source_name=Path((file.filename or path.name).replace("\\", "/")).name,
        )
    return report.to_dict()


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
    with saved_upload(file, settings.import_max_mb << 20, allowed=(".xlsx",)) as path:
        report = import_ledger_workbook(
            session,
            path,
            actor=Actor(principal.username, principal.role),
            dry_run=dry_run,
            workflow=Workflow(evidence=settings.evidence),
        )
    return report.to_dict()
