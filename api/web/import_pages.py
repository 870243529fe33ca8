"""Importing parcels in the browser (``/import``): upload a file (and a mapping file),
read the dry run's report and a preview map, then confirm; or check the same file again
with other options, those the report's problems suggest already chosen
(:mod:`api.web.import_form`). With "skip the rows with errors" the rows that pass go in
and the others are refused; whenever rows are refused, the report links to them (a
workbook and a GeoPackage, :mod:`api.import_rejects`) to fix and import again.

The import library's interface is used here only: the file is read and checked once per
check (its preview map drawn then, :mod:`api.web.import_preview`) and once more when the
import is confirmed. The checked file waits in :mod:`api.web.import_staging` until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import EditorDep, ReaderDep, SessionDep, SettingsDep
from api.errors import status_code_for
from api.import_rejects import link_rejects
from api.routers.imports import (
    MAPPING_SUFFIXES,
    PARCEL_SUFFIXES,
    UploaderDep,
    mapping_file,
    parcel_file,
)
from api.uploads import FormSpec, received_form
from api.web.i18n import Translator
from api.web.import_form import OPTION_FIELDS, OTHER, form_values, options_summary, read_options
from api.web.import_preview import drop_preview, keep_preview, preview_response
from api.web.import_staging import forget, remember, restage, stage, staged_file
from api.web.layout import UI, ui_for
from api.web.render import flash, refused, render
from landgis import imports
from landgis.db.session import transaction
from landgis.errors import InvalidInput, LandGISError, NotFound, PermissionDenied
from landgis.i18n import Text, _
from landgis.imports.rejects_store import REJECTS_HOURS
from landgis.io.crs_choices import crs_choices
from landgis.io.problems import problem_text

router = APIRouter(tags=["pages"], include_in_schema=False)


def _options(staged: Mapping[str, Any]) -> imports.ImportOptions:
    """The import options chosen for a staged file."""
    mapping = staged.get("mapping")
    return imports.ImportOptions.build(
        layer=staged.get("layer") or None,
        crs=staged.get("crs") or None,
        mapping=Path(mapping) if mapping else None,
        mode=staged.get("mode") or "insert",
        swap_xy=bool(staged.get("swap_xy")),
        from_gcj02=bool(staged.get("from_gcj02")),
        assign_codes=staged.get("assign_codes") or None,
        code_template=staged.get("code_template") or None,
        skip_invalid=bool(staged.get("skip_invalid")),
    )


def _check(session: Any, staged: Mapping[str, Any]) -> imports.Checked:
    """The staged file read and checked with the options chosen; nothing written."""
    path = Path(staged["path"])
    return imports.check_file(session, path, _options(staged), source_name=staged.get("name"))


def _import(session: Any, staged: Mapping[str, Any]) -> imports.ImportReport:
    """The staged file imported with the options chosen."""
    checked = _check(session, staged)
    return imports.store_checked(session, checked, _options(staged), actor=staged["user"])


# What the report says of the file it read, in its order.
DETAILS: dict[str, Text] = {
    "format": _("格式"),
    "layer": _("图层"),
    "encoding": _("编码"),
    "crs": _("坐标系"),
}


def _report_view(report: Any = None, error: LandGISError | None = None) -> dict[str, Any]:
    """An import report, or a refusal, in the page's terms."""
    report = getattr(error, "report", None) if error is not None else report
    body = report.to_dict() if report is not None else {}
    if report is not None:
        problems = [
            {
                "row": p.row,
                "parcel_code": p.parcel_code,
                "severity": p.severity,
                "message": p.text,
                "suggestion": dict(p.suggestion or {}),
            }
            for p in report.problems
        ]
    else:  # refused before any row was read: the error's own problems
        problems = [
            {
                "row": p.get("row"),
                "parcel_code": p.get("parcel_code"),
                "severity": p.get("severity") or "error",
                "message": problem_text(p),
                "suggestion": p.get("suggestion") or {},
            }
            for p in (error.problems if error is not None else [])
        ]
    erring = {p["row"] for p in problems if p["severity"] == "error" and p["row"] is not None}
    accepted = error is None and body.get("accepted", True)
    return {
        "refused": not accepted,
        "message": error.text if error is not None else None,
        "problems": problems,
        "count": body.get("parcels", 0),
        # the rows left out of an import that goes ahead without them
        "skipped": body.get("refused", 0) if accepted else 0,
        "erring": len(erring),
        "rejects": body.get("rejects") or {},
        "rejects_hours": round(REJECTS_HOURS),
        "area_mu": float(body.get("area_mu") or 0.0),
        "codes": body.get("parcel_codes") or [],
        "given": body.get("assigned_codes") or [],
        "inserted": body.get("inserted", 0),
        "updated": body.get("updated", 0),
        "unchanged": body.get("unchanged", 0),
        "mode": body.get("mode", "insert"),
        "details": [(label, body[k]) for k, label in DETAILS.items() if body.get(k)],
    }


def _editor_page(request: Request) -> UI | HTMLResponse:
    """The page's UI for an editor; for anyone else, a page saying the role is needed."""
    ui = ui_for(request)
    if not ui.can_edit:
        error = PermissionDenied(_("导入宗地需要编辑权限。"))
        return refused(request, ui, error, 403)
    return ui


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, _reader: ReaderDep) -> HTMLResponse:
    """Upload a file of parcels to check it before anything is stored."""
    ui = _editor_page(request)
    if isinstance(ui, HTMLResponse):
        return ui
    return render(request, "import.html", _import_context(ui))


def _import_context(ui: UI, **extra: Any) -> dict[str, Any]:
    context = {
        "ui": ui,
        "report": None,
        "staged": None,
        "accept": ",".join(PARCEL_SUFFIXES),
        "accept_mapping": ",".join(MAPPING_SUFFIXES),
        "crs_groups": crs_choices(),
        "other": OTHER,
        "values": form_values(),
    }
    return context | extra


def _report_page(
    request: Request, ui: UI, token: str, staged: Mapping[str, Any], report: dict[str, Any]
) -> HTMLResponse:
    """The report of a check, with the form to check the same file again with other
    options (what the check's problems suggest already chosen)."""
    context = _import_context(
        ui,
        report=report,
        staged=staged,
        token=token,
        values=form_values(staged, report["problems"], passing=report["count"]),
        chosen=options_summary(staged),
    )
    return render(request, "import.html", context, status_code=422 if report["refused"] else 200)


def _import_form(
    request: Request, ui: UI, error: LandGISError, status_code: int = 200
) -> HTMLResponse:
    """The upload form again, saying what was wrong."""
    context = _import_context(ui, error=ui.t.message(error))
    return render(request, "import.html", context, status_code=status_code)


def _dry_run(request: Request, staged: Mapping[str, Any], t: Translator) -> dict[str, Any]:
    """The report of what importing the staged file would do (in a worker thread; the
    check writes nothing): the refused rows kept for download, and the preview map of
    the others drawn and kept beside the file."""
    folder = Path(staged["path"]).parent
    settings = request.app.state.settings
    with transaction(request.app.state.engine) as session:
        try:
            options = _options(staged)
            checked = _check(session, staged)
            link_rejects(checked)
            report = imports.store_checked(session, checked, options, dry_run=True)
            keep_preview(session, checked, options, folder, settings=settings, t=t)
            return _report_view(report)
        except LandGISError as error:
            drop_preview(folder)
            return _report_view(error=error)


@router.post("/import", response_class=HTMLResponse)
async def import_check(
    request: Request, settings: SettingsDep, principal: UploaderDep
) -> HTMLResponse:
    """Dry run: the report of what the import would do, and a preview map.

    The editor role is checked before the file is read, its size and type while it
    streams in. A refused file shows the form again (413, 415 or 422); a file whose
    report has errors shows the report (422)."""
    ui = ui_for(request)
    spec = FormSpec(
        files=(parcel_file(settings.import_max_mb << 20), mapping_file()),
        fields=OPTION_FIELDS,
        max_field_bytes=1024,
    )
    try:
        async with received_form(request, spec, principal) as form:
            options = read_options(form)
            upload, mapping = form.files["file"], form.files.get("mapping")
            token, staged = stage(upload, mapping, options, principal.username)
    except InvalidInput as error:  # no file, a type no reader takes, too large, empty
        return _import_form(request, ui, error, status_code_for(error))
    report = await run_in_threadpool(_dry_run, request, staged, ui.t)
    remember(request, token, staged)
    return _report_page(request, ui, token, staged, report)


@router.post("/import/{token}/check", response_class=HTMLResponse)
async def import_recheck(token: str, request: Request, principal: UploaderDep) -> HTMLResponse:
    """Check a staged file again with other options (and another mapping file, or none):
    the report and the form again, as for a new file."""
    ui = ui_for(request)
    spec = FormSpec(files=(mapping_file(),), fields=OPTION_FIELDS, max_field_bytes=1024)
    try:
        async with received_form(request, spec, principal) as form:
            staged = staged_file(request, token, principal)
            staged = restage(
                staged,
                read_options(form),
                form.files.get("mapping"),
                drop_mapping=form.flag("drop_mapping"),
            )
    except (InvalidInput, NotFound) as error:
        return _import_form(request, ui, error, status_code_for(error))
    report = await run_in_threadpool(_dry_run, request, staged, ui.t)
    remember(request, token, staged)
    return _report_page(request, ui, token, staged, report)


@router.get("/import/{token}/preview", response_class=HTMLResponse)
def import_preview(
    token: str, request: Request, settings: SettingsDep, principal: EditorDep
) -> HTMLResponse:
    """The parcels of a checked file on a map, as they would be stored: the map drawn
    when the file was checked (nothing written, the file not read again)."""
    staged = staged_file(request, token, principal)
    return preview_response(request, Path(staged["path"]).parent, settings)


@router.post("/import/{token}/confirm", response_model=None)
def import_confirm(
    token: str, request: Request, session: SessionDep, principal: EditorDep
) -> Response:
    """Import the checked file for real; then show where the new parcels are."""
    ui = ui_for(request)
    try:
        staged = staged_file(request, token, principal)
    except NotFound as error:
        return _import_form(request, ui, error)
    try:
        report = _report_view(_import(session, staged))
    except LandGISError as error:
        context = _import_context(ui, report=_report_view(error=error), staged=staged)
        forget(request, token)
        return render(request, "import.html", context)
    forget(request, token)
    area = f"{report['area_mu']:,.2f}"
    imported = _(
        "导入完成:新增 {inserted} 宗,更新 {updated} 宗,共 {area} 亩。",
        inserted=report["inserted"],
        updated=report["updated"],
        area=area,
    )
    flash(request, imported)
    if report["skipped"]:
        flash(request, _("另有 {refused} 行有错误,未导入。", refused=report["skipped"]))
    return RedirectResponse("/import", status_code=303)
