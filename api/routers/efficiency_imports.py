"""Importing a year's enterprise figures (亩均效益评价), uploaded as a multipart form.

As the parcel imports (:mod:`api.routers.imports`): the editor role is checked before a
byte of the body is read, the size limits while it is read, the CSRF token of a browser
once it is read; the import runs in a worker thread, in a transaction of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep
from api.routers.imports import REFUSALS, UploaderDep, mapping_file
from api.uploads import FileField, FormSpec, Upload, form_values, multipart_body, received_form
from landgis.db.session import transaction
from landgis.efficiency.imports import FiguresOptions, FiguresReport, import_figures
from landgis.io.archives import DEFAULT_LIMITS
from landgis.io.file_limits import text_too_large
from landgis.io.sheets import CSV_SUFFIXES, TABLE_SUFFIXES
from landgis.settings import Settings

router = APIRouter(prefix="/api/efficiency", tags=["efficiency"])


class FiguresFields(BaseModel):
    """The options of an import of figures (text fields of the form)."""

    model_config = ConfigDict(extra="ignore")

    year: int = Field(description="The year the figures are of; its stored rows are replaced")
    dry_run: bool = Field(default=False, description="Check only; write nothing")
    skip_invalid: bool = Field(
        default=False,
        description="Store the rows that pass and refuse the rest (else any error refuses "
        "the whole file)",
    )
    sheet: str | None = Field(default=None, max_length=128, description="Worksheet to read")


def figures_form(settings: Settings) -> FormSpec:
    """What the form takes: the table (CSV read whole: held to the text limit) and a
    mapping file."""
    table = FileField(
        "file",
        settings.import_max_mb << 20,
        sorted(TABLE_SUFFIXES),
        required=True,
        suffix_limits=dict.fromkeys(CSV_SUFFIXES, DEFAULT_LIMITS.max_text_bytes),
        suffix_refusal=text_too_large,
    )
    return FormSpec(files=(table, mapping_file()), fields=tuple(FiguresFields.model_fields))


def run_import(
    engine: Engine, upload: Upload, mapping: Upload | None, fields: FiguresFields
) -> FiguresReport:
    """Import (or, ``fields.dry_run``, check) the figures uploaded, in a transaction of its
    own: what this endpoint and the import page (:mod:`api.web.efficiency_import`) run,
    in a worker thread."""
    options = FiguresOptions.build(
        year=fields.year,
        mapping=mapping.path if mapping is not None else None,
        sheet=fields.sheet,
        skip_invalid=fields.skip_invalid,
    )
    name = Path(upload.filename.replace("\\", "/")).name
    with transaction(engine) as session:
        return import_figures(
            session, upload.path, options, source_name=name, dry_run=fields.dry_run
        )


@router.post(
    "/imports",
    summary="Import a year's enterprise figures (editor); dry_run=true only checks",
    responses={
        **REFUSALS,
        422: {"description": "Refused: nothing written; the body's `report` lists every problem"},
    },
    openapi_extra=multipart_body(
        FiguresFields,
        {
            "file": ("The year's figures: CSV (UTF-8 or GBK), XLSX or XLS", True),
            "mapping": ('JSON/YAML {"file column": "field"} for other headers', False),
        },
    ),
)
async def import_figures_file(
    request: Request, settings: SettingsDep, principal: UploaderDep
) -> dict[str, Any]:
    """The report: the columns read and their units, the rows stored, the enterprises
    matched to parcels by credit code or by name, those matched to none (stored, with the
    holders' names nearly theirs), every problem with its row. The year's stored rows are
    replaced, other years untouched. Errors refuse the whole file with 422 and the same
    report (with `skip_invalid`, the rows without an error go in)."""
    async with received_form(request, figures_form(settings), principal) as form:
        fields = form_values(FiguresFields, form)
        report = await run_in_threadpool(
            run_import,
            request.app.state.engine,
            form.files["file"],
            form.files.get("mapping"),
            fields,
        )
    return report.to_dict()
