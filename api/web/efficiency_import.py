"""Importing a year's enterprise figures in the browser (``/efficiency/import``): upload
a table (CSV, XLSX, XLS) with the year, maybe a mapping file and a worksheet, and "check
only" or not; the page shows the import's report: the rows read, the enterprises matched
to parcels by credit code and by name (for the clerk to confirm), those matched to none
with the holders' names nearly theirs, the invalid credit codes and every other problem
by row. A file refused shows the form again with what to change.

The upload is read as ``POST /api/efficiency/imports`` reads it (its form,
:func:`api.routers.efficiency_imports.figures_form`) and imported by the same call
(:func:`api.routers.efficiency_imports.run_import`), which the command line's
``landgis efficiency import`` makes too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.deps import ReaderDep, SettingsDep
from api.errors import status_code_for
from api.routers.efficiency_imports import FiguresFields, figures_form, run_import
from api.routers.imports import MAPPING_SUFFIXES, UploaderDep
from api.uploads import UploadForm, received_form
from api.web.layout import UI, ui_for
from api.web.render import refused, render
from landgis import wallclock
from landgis.efficiency.imports import FiguresRefused, FiguresReport
from landgis.efficiency.imports.options import FIRST_YEAR
from landgis.errors import InvalidInput, PermissionDenied
from landgis.i18n import _
from landgis.io.sheets import TABLE_SUFFIXES

router = APIRouter(tags=["pages"], include_in_schema=False)

TEMPLATE = "efficiency_import.html"
# The problems of an invalid credit code (a wrong check character, a wrong length).
INVALID_CODE = "invalid_credit_code"


def _fields(form: UploadForm) -> FiguresFields:
    """The form's options; :class:`InvalidInput` naming the year when it is not one."""
    values = {
        "year": form.text("year"),
        "dry_run": form.flag("dry_run"),
        "sheet": form.text("sheet") or None,
    }
    try:
        return FiguresFields.model_validate(values)
    except ValidationError as exc:
        if any(error["loc"][:1] == ("year",) for error in exc.errors()):
            raise InvalidInput(_("请填写数据所属年度(四位数字,如 2023)。")) from exc
        raise InvalidInput(_("工作表名称过长。")) from exc


def _values(form: UploadForm | None, default_year: int) -> dict[str, Any]:
    """What the form's controls show: what was typed, else the defaults (check only)."""
    if form is None or not form.fields:
        return {"year": str(default_year), "sheet": "", "dry_run": True}
    return {
        "year": form.text("year")[:8],
        "sheet": form.text("sheet")[:128],
        "dry_run": form.flag("dry_run"),
    }


def report_view(report: FiguresReport) -> dict[str, Any]:
    """The report in the page's terms."""
    problems = [
        {"row": p.row, "severity": p.severity, "kind": p.kind, "message": p.text}
        for p in report.problems
    ]
    return {
        "source": report.source,
        "year": report.year,
        "dry_run": report.dry_run,
        "accepted": report.accepted,
        "details": [d for d in (report.format, report.sheet, report.encoding) if d],
        "header_row": report.header_row,
        "enterprises": report.enterprises,
        "skipped": report.skipped,
        "stored": report.stored,
        "refused": report.refused,
        "replaced": report.replaced,
        "by_code": report.matched("code"),
        "by_name": report.matched("name"),
        "unmatched": report.matched("none"),
        "invalid_codes": [p for p in problems if p["kind"] == INVALID_CODE],
        "problems": problems,
        "errors": report.errors,
        "warnings": report.warnings,
    }


def _context(ui: UI, year: int, **extra: Any) -> dict[str, Any]:
    context = {
        "ui": ui,
        "year": year,
        "efficiency_tab": "import",
        "accept": ",".join(sorted(TABLE_SUFFIXES)),
        "accept_mapping": ",".join(MAPPING_SUFFIXES),
        "first_year": FIRST_YEAR,
        "last_year": wallclock.today().year,
        "values": _values(None, year),
        "report": None,
        "error": None,
    }
    return context | extra


def _default_year() -> int:
    """The year a county reports figures of: the year before this one."""
    return wallclock.today().year - 1


@router.get("/efficiency/import", response_class=HTMLResponse)
def figures_import_page(
    request: Request,
    _reader: ReaderDep,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=9999)] = None,
) -> HTMLResponse:
    """The form to import a year's figures (editors)."""
    ui = ui_for(request)
    if not ui.can_edit:
        return refused(request, ui, PermissionDenied(_("导入企业亩均数据需要编辑权限。")), 403)
    return render(request, TEMPLATE, _context(ui, year or _default_year()))


@router.post("/efficiency/import", response_class=HTMLResponse)
async def figures_import(
    request: Request, settings: SettingsDep, principal: UploaderDep
) -> HTMLResponse:
    """Check or import the file: the report as a page (422 when refused, with the form
    and the clerk's message); a file that cannot be read at all shows the form again."""
    ui = ui_for(request)
    typed = UploadForm()
    try:
        async with received_form(request, figures_form(settings), principal, typed) as form:
            fields = _fields(form)
            report = await run_in_threadpool(
                run_import,
                request.app.state.engine,
                form.files["file"],
                form.files.get("mapping"),
                fields,
            )
    except FiguresRefused as error:
        context = _context(
            ui,
            error.report.year,
            values=_values(typed, error.report.year),
            error=ui.t.message(error),
            report=report_view(error.report),
        )
        return render(request, TEMPLATE, context, status_code=422)
    except InvalidInput as error:  # no file, a type no reader takes, no header, a bad year
        year = _year_of(typed)
        context = _context(ui, year, values=_values(typed, year), error=ui.t.message(error))
        return render(request, TEMPLATE, context, status_code=status_code_for(error))
    context = _context(
        ui, report.year, values=_values(typed, report.year), report=report_view(report)
    )
    return render(request, TEMPLATE, context)


def _year_of(form: UploadForm) -> int:
    """The year typed in the form when it is one, else the default."""
    text = form.text("year")
    return int(text) if text.isdigit() and FIRST_YEAR <= int(text) <= 9999 else _default_year()
