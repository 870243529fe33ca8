"""The project pages' forms: enter a project, edit it, move its stage, record a match with
one of its candidates (a case, or vacant units of a standard building let to it).

Each handler reads the form into a command (:mod:`landgis.commands`), hands it to the
ledger service in a savepoint and goes to the project's page (303) with a notice; when
the ledger refuses, the page is shown again with the message and everything the user
typed. The rules are the library's (:mod:`landgis.projects`): a stage moves one step
forward, back only for administrators with a reason; only a candidate can be matched.
Writes need the editor role and the session's CSRF token."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import EditorLedgerDep
from api.web.form_input import FormDep, typed_date, typed_number, values
from api.web.project_pages import PROJECT_INPUTS, show_new, show_project
from api.web.render import flash
from landgis.commands import CreateProject, EditProject, MoveProjectStage, RecordMatch
from landgis.errors import InvalidInput, LandGISError
from landgis.i18n import Text, _
from landgis.projects.matches import MatchRecorded
from landgis.space.units import unit_label

router = APIRouter(tags=["pages"], include_in_schema=False)

MATCH_INPUTS: tuple[str, ...] = (
    "case_no",
    "building_id",
    "start_date",
    "end_date",
    "rent_yuan_m2_month",
    "occurred_on",
    "note",
)
NOTE_LIMIT = 2000
# The notice of a project reaching each stage.
STAGE_NOTICES: dict[str, Text] = {
    "negotiating": _("招商项目 {project_no} 回到“洽谈”阶段。"),
    "signed": _("招商项目 {project_no} 进入“签约”阶段。"),
    "landed": _("招商项目 {project_no} 进入“落地”阶段。"),
    "producing": _("招商项目 {project_no} 进入“投产”阶段。"),
}
LABELS: dict[str, Text] = {
    "negotiating_on": _("开始洽谈日期"),
    "occurred_on": _("发生日期"),
    "start_date": _("起租日"),
    "end_date": _("租期结束日"),
    "rent_yuan_m2_month": _("租金"),
    "building_id": _("厂房"),
}


def _stage_notice(stage: str, project_no: str) -> Text:
    return Text(STAGE_NOTICES[stage].msgid, {"project_no": project_no})


def _fields(form: FormData) -> dict[str, Any]:
    """The project's fields as typed, the preferred zones as the names ticked."""
    zones = [z.strip() for z in form.getlist("preferred_zones") if isinstance(z, str)]
    return values(form, PROJECT_INPUTS) | {"preferred_zones": [z for z in zones if z]}


def _project_url(project_no: str, anchor: str = "") -> str:
    return f"/projects/{quote(project_no, safe='')}{anchor}"


@router.post("/projects/new", response_model=None)
def create_project_form(request: Request, ledger: EditorLedgerDep, form: FormDep) -> Response:
    """Enter the project typed at 洽谈; to its page."""
    fields = _fields(form)
    extra = values(form, ("negotiating_on", "project_no"))
    try:
        with ledger.session.begin_nested():
            project = ledger.handle(
                CreateProject(
                    fields=fields,
                    negotiating_on=typed_date(extra["negotiating_on"], LABELS["negotiating_on"]),
                    project_no=extra["project_no"] or None,
                )
            )
    except LandGISError as error:
        return show_new(request, ledger.session, error=error, kept=fields | extra)
    flash(
        request,
        _("招商项目 {project_no} 已登记(洽谈)。", project_no=project.project_no),
    )
    return RedirectResponse(_project_url(project.project_no), status_code=303)


@router.post("/projects/{project_no}/edit", response_model=None)
def edit_project_form(
    project_no: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Change the project's fields to those typed."""
    fields = _fields(form)
    try:
        with ledger.session.begin_nested():
            ledger.handle(EditProject(project_no=project_no, fields=fields))
    except LandGISError as error:
        kept = {"kind": "edit", "values": fields}
        return show_project(
            request, ledger.session, ledger.settings, project_no, error=error, kept=kept
        )
    flash(request, _("招商项目 {project_no} 已修改。", project_no=project_no))
    return RedirectResponse(_project_url(project_no), status_code=303)


@router.post("/projects/{project_no}/stage", response_model=None)
def move_stage_form(
    project_no: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Move the project to the stage posted, on the day typed (default today)."""
    typed = values(form, ("stage", "occurred_on", "reason"))
    try:
        if len(typed["reason"]) > NOTE_LIMIT:
            raise InvalidInput(_("内容过长:最多 {limit} 个字符。", limit=NOTE_LIMIT))
        with ledger.session.begin_nested():
            project = ledger.handle(
                MoveProjectStage(
                    project_no=project_no,
                    stage=typed["stage"],
                    occurred_on=typed_date(typed["occurred_on"], LABELS["occurred_on"]),
                    reason=typed["reason"] or None,
                )
            )
    except LandGISError as error:
        kept = {"kind": "stage", "values": typed}
        return show_project(
            request, ledger.session, ledger.settings, project_no, error=error, kept=kept
        )
    flash(request, _stage_notice(project.stage, project_no))
    return RedirectResponse(_project_url(project_no, "#stage"), status_code=303)


def _notices(done: MatchRecorded) -> list[Text]:
    """What recording the match did, as notices of plain values (kept in the session)."""
    project = done.project
    if done.case is not None:
        notice = _(
            "已将项目 {name}({investor})登记到台账条目 {case_no}",
            name=project.name,
            investor=project.investor,
            case_no=done.case.case_no,
        )
    else:
        assert done.lease is not None
        notice = _(
            "已签订租约 {lease_no}:{investor} 承租 {units}",
            lease_no=done.lease.lease_no,
            investor=project.investor,
            units="、".join(unit_label(unit) for unit in done.lease.units),
        )
    moved = _stage_notice("signed", project.project_no)
    return [notice, moved] if done.stage_moved else [notice]


def _match(project_no: str, typed: dict[str, str], unit_nos: tuple[str, ...]) -> RecordMatch:
    if len(typed["note"]) > NOTE_LIMIT:
        raise InvalidInput(_("内容过长:最多 {limit} 个字符。", limit=NOTE_LIMIT))
    building = typed_number(typed["building_id"], LABELS["building_id"])
    return RecordMatch(
        project_no=project_no,
        case_no=typed["case_no"] or None,
        building_id=int(building) if building is not None else None,
        unit_nos=unit_nos,
        start_date=typed_date(typed["start_date"], LABELS["start_date"]),
        end_date=typed_date(typed["end_date"], LABELS["end_date"]),
        rent_yuan_m2_month=typed_number(typed["rent_yuan_m2_month"], LABELS["rent_yuan_m2_month"]),
        occurred_on=typed_date(typed["occurred_on"], LABELS["occurred_on"]),
        note=typed["note"] or None,
    )


@router.post("/projects/{project_no}/matches", response_model=None)
def record_match_form(
    project_no: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Record the match with the candidate posted: its case, or its units let for the
    period and rent typed; the notice says what was done."""
    typed = values(form, (*MATCH_INPUTS, "code"))
    unit_nos = tuple(v.strip() for v in form.getlist("unit") if isinstance(v, str) and v.strip())
    try:
        with ledger.session.begin_nested():
            done = ledger.handle(_match(project_no, typed, unit_nos))
    except LandGISError as error:
        kept = {
            "kind": "match",
            "code": typed["code"],
            "values": typed,
            "chosen": list(unit_nos),
        }
        return show_project(
            request, ledger.session, ledger.settings, project_no, error=error, kept=kept
        )
    for notice in _notices(done):
        flash(request, notice)
    return RedirectResponse(_project_url(project_no, "#matches"), status_code=303)
