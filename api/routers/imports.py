"""Imports: parcel files and edited ledger workbooks, uploaded as multipart forms.

Both routes read their body themselves as it streams (:mod:`api.uploads`): the editor
role is checked before a byte of the body is read, the size limits while it is read, and
the uploaded files are removed once the import is done, whatever its outcome. The import
itself runs in a worker thread, in a transaction of its own opened once the file is here.
The rows it refuses are kept a while (:mod:`api.import_rejects`): the report links to them,
a workbook and a GeoPackage to fix and import again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.auth import Principal, require_role
from api.deps import EditorDep, SettingsDep
from api.import_rejects import link_rejects, rejects_download
from api.uploads import (
    FileField,
    FormSpec,
    Upload,
    form_values,
    multipart_body,
    received_form,
)
from landgis.db.session import transaction
from landgis.imports import ImportOptions, ImportReport, check_file, store_checked
from landgis.io.archives import DEFAULT_LIMITS
from landgis.io.file_limits import TEXT_SUFFIXES, text_too_large
from landgis.io.ledger_import import LedgerImportReport, import_ledger_workbook
from landgis.io.readers import SUPPORTED_SUFFIXES
from landgis.ledger_service import LedgerService
from landgis.settings import Settings

router = APIRouter(prefix="/api/imports", tags=["imports"])

# A .shp alone lacks its .shx and .dbf: shapefiles come zipped.
PARCEL_SUFFIXES = sorted(set(SUPPORTED_SUFFIXES) - {".shp"})
MAPPING_SUFFIXES = (".json", ".yaml", ".yml")
MAPPING_MAX_BYTES = 1 << 20
LEDGER_SUFFIXES = (".xlsx",)

# The editor role, checked before the body is read; the CSRF token of a browser comes
# with the form and is checked once it is read.
UploaderDep = Annotated[Principal, Depends(require_role("editor", csrf=False))]
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not logged in (answered before the upload is read)"},
    403: {"description": "Not an editor (answered before the upload is read)"},
    413: {"description": "The upload is too large (refused as soon as it is known)"},
    415: {"description": "Unsupported file type"},
}


class ImportFields(BaseModel):
    """The options of a parcel import (text fields of the form)."""

    model_config = ConfigDict(extra="ignore")

    dry_run: bool = Field(default=False, description="Check only; write nothing")
    mode: Literal["insert", "upsert"] = Field(
        default="insert", description="insert: new codes only; upsert: update"
    )
    crs: str | None = Field(default=None, max_length=64, description="e.g. EPSG:4523")
    layer: str | None = Field(default=None, max_length=128, description="Layer or sheet")
    swap_xy: bool = Field(default=False, description="Exchange X and Y")
    from_gcj02: bool = Field(default=False, description="Move GCJ-02 data back")
    assign_codes: str | None = Field(
        default=None,
        max_length=20,
        description="Number the rows without a parcel code PREFIX-0001 … (after the highest "
        "stored)",
    )
    code_template: str | None = Field(
        default=None,
        max_length=200,
        description="Compose parcel codes from columns, e.g. {段小段}-{地號}",
    )
    skip_invalid: bool = Field(
        default=False,
        description="Import the rows that pass and refuse the rest (else any error refuses "
        "the whole file)",
    )

    def options(self, mapping: Path | None) -> ImportOptions:
        """The import options these fields (and a mapping file) give, checked."""
        return ImportOptions.build(
            layer=self.layer,
            crs=self.crs,
            mapping=mapping,
            mode=self.mode,
            swap_xy=self.swap_xy,
            from_gcj02=self.from_gcj02,
            assign_codes=self.assign_codes,
            code_template=self.code_template,
            skip_invalid=self.skip_invalid,
        )


class LedgerFields(BaseModel):
    """The options of a ledger workbook import."""

    model_config = ConfigDict(extra="ignore")

    dry_run: bool = Field(default=False, description="Report only; write nothing")


def parcel_file(max_bytes: int) -> FileField:
    """The parcel file of an import form: the upload limit, and the smaller limit of the
    text formats read whole (refused while they stream)."""
    return FileField(
        "file",
        max_bytes,
        PARCEL_SUFFIXES,
        required=True,
        suffix_limits=dict.fromkeys(TEXT_SUFFIXES, DEFAULT_LIMITS.max_text_bytes),
        suffix_refusal=text_too_large,
    )


def mapping_file() -> FileField:
    """The mapping file of an import form (JSON or YAML, column → field)."""
    return FileField("mapping", MAPPING_MAX_BYTES, MAPPING_SUFFIXES)


def import_form(settings: Settings) -> FormSpec:
    """What the parcel import form takes."""
    return FormSpec(
        files=(parcel_file(settings.import_max_mb << 20), mapping_file()),
        fields=tuple(ImportFields.model_fields),
    )


def _import(
    engine: Engine, upload: Upload, mapping: Upload | None, options: ImportFields, actor: str
) -> ImportReport:
    chosen = options.options(mapping.path if mapping is not None else None)
    name = Path(upload.filename.replace("\\", "/")).name
    with transaction(engine) as session:
        checked = check_file(session, upload.path, chosen, source_name=name)
        link_rejects(checked)  # before a refusal, whose report carries the links too
        return store_checked(session, checked, chosen, actor=actor, dry_run=options.dry_run)


@router.post(
    "",
    summary="Import parcels from a file (editor); dry_run=true only checks",
    responses={
        **REFUSALS,
        422: {"description": "Refused: nothing written; the body's `report` lists every problem"},
    },
    openapi_extra=multipart_body(
        ImportFields,
        {
            "file": ("Shapefile (.zip), GeoPackage, GeoJSON, KML/KMZ, DXF, CSV or XLSX", True),
            "mapping": ('JSON/YAML {"file column": "landgis field"}', False),
        },
    ),
)
async def import_file(
    request: Request, settings: SettingsDep, principal: UploaderDep
) -> dict[str, Any]:
    """The import report (counts, area, CRS, encoding, every problem with its row). Errors
    refuse the whole file with 422 and the same report (with `skip_invalid`, the rows
    without an error go in and the others are counted as `refused`); warnings never do.
    When rows are refused, `rejects` links to them as a workbook and a GeoPackage (kept
    24 hours)."""
    async with received_form(request, import_form(settings), principal) as form:
        options = form_values(ImportFields, form)
        report = await run_in_threadpool(
            _import,
            request.app.state.engine,
            form.files["file"],
            form.files.get("mapping"),
            options,
            principal.username,
        )
    return report.to_dict()


REJECTS_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not an editor"},
    404: {"description": "Expired (24 hours) or unknown"},
}


@router.get(
    "/rejects/{token}.xlsx",
    summary="The rows an import refused, as a workbook to fix (editor)",
    response_class=FileResponse,
    responses=REJECTS_RESPONSES,
)
def rejects_workbook(token: str, _: EditorDep) -> FileResponse:
    """The workbook an import's report links to (`rejects.workbook`)."""
    return rejects_download(token, "xlsx")


@router.get(
    "/rejects/{token}.gpkg",
    summary="The rows an import refused, as a GeoPackage to fix (editor)",
    response_class=FileResponse,
    responses=REJECTS_RESPONSES,
)
def rejects_geopackage(token: str, _: EditorDep) -> FileResponse:
    """The GeoPackage an import's report links to (`rejects.geopackage`)."""
    return rejects_download(token, "gpkg")


def _import_ledger(
    engine: Engine, path: Path, principal: Principal, dry_run: bool, settings: Settings
) -> LedgerImportReport:
    with transaction(engine) as session:
        ledger = LedgerService(session, settings, principal.actor)
        return import_ledger_workbook(ledger, path, dry_run=dry_run)


@router.post(
    "/ledger",
    summary="Import an edited ledger workbook (editor)",
    responses=REFUSALS,
    openapi_extra=multipart_body(
        LedgerFields, {"file": ("The ledger workbook (.xlsx) as exported", True)}
    ),
)
async def import_ledger(
    request: Request, settings: SettingsDep, principal: UploaderDep
) -> dict[str, Any]:
    """Changed rows go through the workflow, each checked against the version it shows;
    all rows or none (409 on a stale version, 422 on a bad value)."""
    workbook = FileField("file", settings.import_max_mb << 20, LEDGER_SUFFIXES, required=True)
    spec = FormSpec(files=(workbook,), fields=tuple(LedgerFields.model_fields))
    async with received_form(request, spec, principal) as form:
        options = form_values(LedgerFields, form)
        report = await run_in_threadpool(
            _import_ledger,
            request.app.state.engine,
            form.files["file"].path,
            principal,
            options.dry_run,
            settings,
        )
    return report.to_dict()
