"""Importing building footprints in the browser (``/space/import``): upload a file of
footprints (any format the parcel import reads), maybe with its layer and coordinate
system, and "check only" or not; the page shows the report: the columns read, each
building with the parcel it stands on and its areas, and every problem by row. A file
refused shows the form again with what to change.

The upload is read as ``POST /api/buildings/import`` reads it (its form,
:func:`api.routers.building_imports.buildings_form`) and imported by the same call
(:func:`api.routers.building_imports.run_import`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.deps import ReaderDep, SettingsDep
from api.errors import status_code_for
from api.routers.building_imports import BuildingImportFields, buildings_form, run_import
from api.routers.imports import PARCEL_SUFFIXES, UploaderDep
from api.uploads import UploadForm, received_form
from api.web.layout import UI, ui_for
from api.web.render import refused, render
from landgis.errors import InvalidInput, PermissionDenied
from landgis.i18n import _
from landgis.space.building_fields import LABELS
from landgis.space.building_report import BuildingsRefused, BuildingsReport

router = APIRouter(tags=["pages"], include_in_schema=False)

TEMPLATE = "space_import.html"


def _fields(form: UploadForm) -> BuildingImportFields:
    values = {
        "check_only": form.flag("check_only"),
        "layer": form.text("layer") or None,
        "crs": form.text("crs") or None,
    }
    try:
        return BuildingImportFields.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(_("图层名称或坐标系过长。")) from exc


def _values(form: UploadForm | None) -> dict[str, Any]:
    """What the form's controls show: what was typed, else the defaults (check only)."""
    if form is None or not form.fields:
        return {"layer": "", "crs": "", "check_only": True}
    return {
        "layer": form.text("layer")[:128],
        "crs": form.text("crs")[:64],
        "check_only": form.flag("check_only"),
    }


def report_view(report: BuildingsReport) -> dict[str, Any]:
    """The report in the page's terms."""
    return {
        "source": report.source,
        "check_only": report.check_only,
        "accepted": report.accepted,
        "details": [d for d in (report.format, report.layer, report.encoding, report.crs) if d],
        "columns": [
            {"column": column, "label": LABELS[name]} for column, name in report.columns.items()
        ],
        "rows": report.rows,
        "stored": report.stored,
        "buildings": report.buildings,
        "problems": [
            {"row": p.row, "severity": p.severity, "message": p.text} for p in report.problems
        ],
        "errors": report.errors,
        "warnings": report.warnings,
    }


def _context(ui: UI, **extra: Any) -> dict[str, Any]:
    context = {
        "ui": ui,
        "accept": ",".join(PARCEL_SUFFIXES),
        "values": _values(None),
        "report": None,
        "error": None,
    }
    return context | extra


@router.get("/space/import", response_class=HTMLResponse)
def buildings_import_page(request: Request, _reader: ReaderDep) -> HTMLResponse:
    """The form to import footprints (editors)."""
    ui = ui_for(request)
    if not ui.can_edit:
        return refused(request, ui, PermissionDenied(_("导入厂房轮廓需要编辑权限。")), 403)
    return render(request, TEMPLATE, _context(ui))


@router.post("/space/import", response_class=HTMLResponse)
async def buildings_import(
    request: Request, settings: SettingsDep, principal: UploaderDep
) -> HTMLResponse:
    """Check or import the file: the report as a page (422 when refused, with the form
    and the clerk's message); a file that cannot be read at all shows the form again."""
    ui = ui_for(request)
    typed = UploadForm()
    try:
        async with received_form(request, buildings_form(settings), principal, typed) as form:
            fields = _fields(form)
            engine = request.app.state.engine
            report = await run_in_threadpool(
                run_import, engine, form.files["file"], fields, principal, settings
            )
    except BuildingsRefused as error:
        context = _context(
            ui,
            values=_values(typed),
            error=ui.t.message(error),
            report=report_view(error.report),
        )
        return render(request, TEMPLATE, context, status_code=422)
    except InvalidInput as error:  # no file, a type no reader takes, no CRS …
        context = _context(ui, values=_values(typed), error=ui.t.message(error))
        return render(request, TEMPLATE, context, status_code=status_code_for(error))
    context = _context(ui, values=_values(typed), report=report_view(report))
    return render(request, TEMPLATE, context)
