"""The project pages (招商项目): ``/projects`` (the pipeline: the projects by stage with
their needs, and the table of projects, filtered by stage and industry), ``/projects/new``
(the form entering a project, editors) and ``/projects/{project_no}`` (a project: its
details, its stage and the moves open to the user, its edit form, the matches recorded,
its candidates ranked with each score's parts and reasons, each with a form recording
the match, and the map of the candidates). Readers see the pages; editors also get the
forms (:mod:`api.web.project_forms`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import ReaderDep, SessionDep, SettingsDep
from api.web.layout import UI, ui_for
from api.web.render import refused, render
from landgis import users, vocab, wallclock
from landgis.db.models import Zone
from landgis.errors import Conflict, InvalidInput, LandGISError, NotFound, PermissionDenied
from landgis.i18n import Text, _
from landgis.maps.styles import score_band
from landgis.projects.candidates import candidates
from landgis.projects.listing import industries, match_rows, project_rows
from landgis.projects.records import STAGES, get_project, project_values, stage_day
from landgis.projects.summary import pipeline
from landgis.settings import Settings

router = APIRouter(tags=["pages"], include_in_schema=False)

MAP_URL = "/api/maps/project.html"
# What each part of a candidate's score is called.
PARTS: dict[str, Text] = {
    "area": _("面积匹配"),
    "industry": _("产业匹配"),
    "availability": _("可供状态"),
}
# The project's fields the forms take (the preferred zones are ticked, not typed).
PROJECT_INPUTS = (
    "name",
    "investor",
    "investor_credit_code",
    "industry",
    "investment_wan_yuan",
    "land_need_mu",
    "floor_need_m2",
    "staff",
    "remarks",
)


def _zone_names(session: Session) -> list[str]:
    return list(session.scalars(select(Zone.name).order_by(Zone.id)))


def _staff(session: Session) -> list[dict[str, str]]:
    """The users a project may be followed by: login and display name."""
    return [
        {"username": u.username, "name": u.display_name or u.username}
        for u in users.list_users(session)
        if u.is_active
    ]


def show_projects(request: Request, session: Session) -> HTMLResponse:
    """The pipeline and the projects, of the page's stage and industry."""
    ui = ui_for(request)
    chosen = {k: request.query_params.get(k) or "" for k in ("stage", "industry")}
    error = None
    try:
        rows = project_rows(session, stage=chosen["stage"] or None, industry=chosen["industry"])
    except InvalidInput as refusal:
        error, rows, chosen["stage"] = ui.t.message(refusal), project_rows(session), ""
    people = [row["staff"] for row in rows]
    context = {
        "ui": ui,
        "rows": rows,
        "pipeline": pipeline(session),
        "chosen": chosen,
        "error": error,
        "stages": STAGES,
        "industries": industries(session),
        "names": users.display_names(session, people),
    }
    return render(request, "projects.html", context)


@router.get("/projects", response_class=HTMLResponse)
def projects_page(request: Request, session: SessionDep, _reader: ReaderDep) -> HTMLResponse:
    """The pipeline of projects by stage, and the projects."""
    return show_projects(request, session)


def _editor(request: Request) -> UI | HTMLResponse:
    ui = ui_for(request)
    if not ui.can_edit:
        return refused(request, ui, PermissionDenied(_("登记招商项目需要编辑权限。")), 403)
    return ui


def show_new(
    request: Request,
    session: Session,
    *,
    error: LandGISError | None = None,
    kept: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The form entering a project; after a refusal, with the reason and what was typed."""
    ui = _editor(request)
    if isinstance(ui, HTMLResponse):
        return ui
    typed = kept or {"staff": ui.user.username if ui.user else "", "preferred_zones": []}
    context = {
        "ui": ui,
        "error": ui.t.message(error) if error is not None else None,
        "typed": typed,
        "zones": _zone_names(session),
        "staff": _staff(session),
        "today": wallclock.today().isoformat(),
    }
    return render(request, "project_new.html", context)


@router.get("/projects/new", response_class=HTMLResponse)
def new_project_page(request: Request, session: SessionDep, _reader: ReaderDep) -> HTMLResponse:
    """The form entering a project at 洽谈 (editors)."""
    return show_new(request, session)


def _candidates(
    session: Session, settings: Settings, project: Any, ui: UI
) -> tuple[list[dict[str, Any]], str | None]:
    """The project's candidates ranked (without geometry), or why it has none."""
    try:
        found = candidates(session, project, settings.zone_industries)
    except Conflict as refusal:
        return [], ui.t.message(refusal)
    return [
        c.to_dict(ui.lang) | {"geometry": None, "band": score_band(c.score)} for c in found
    ], None


def _plain(number: float | None) -> str:
    """A number as a form shows it: at most two decimals, no trailing zeros."""
    return "" if number is None else f"{number:.2f}".rstrip("0").rstrip(".")


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    """The project's fields as its edit form shows them."""
    numbers = ("investment_wan_yuan", "land_need_mu", "floor_need_m2")
    return values | {name: _plain(values[name]) for name in numbers}


def _stage_moves(ui: UI, stage: str) -> dict[str, Any]:
    """The next stage (editors), and the earlier ones (administrators, with a reason)."""
    here = STAGES.index(stage)
    admin = ui.user is not None and ui.user.role == "admin"
    return {
        "next": STAGES[here + 1] if ui.can_edit and here + 1 < len(STAGES) else None,
        "back": list(STAGES[:here]) if admin else [],
    }


def show_project(
    request: Request,
    session: Session,
    settings: Settings,
    project_no: str,
    *,
    error: LandGISError | None = None,
    kept: dict[str, Any] | None = None,
) -> HTMLResponse:
    """A project's page; after a refused form, with the reason and what was typed
    (``kept``: the form's ``kind``, the candidate's ``code`` for a match, and ``values``)."""
    ui = ui_for(request)
    try:
        project = get_project(session, project_no)
    except NotFound as missing:
        return refused(request, ui, missing, 404)
    found, none_why = _candidates(session, settings, project, ui)
    values = project_values(project)
    matches = match_rows(session, project, ui.lang)
    kept = kept or {}
    edit = kept.get("values") if kept.get("kind") == "edit" else None
    context = {
        "ui": ui,
        "project": values,
        "stage_days": [(stage, stage_day(project, stage)) for stage in STAGES],
        "moves": _stage_moves(ui, project.stage),
        "matches": matches,
        "candidates": found,
        "no_candidates": none_why,
        "parts": PARTS,
        "map_src": f"{MAP_URL}?{urlencode({'project': project.project_no})}" if found else None,
        "error": ui.t.message(error) if error is not None else None,
        "kept": kept,
        "typed_project": edit or _typed(values),
        "zones": _zone_names(session),
        "staff": _staff(session),
        "names": users.display_names(session, [values["staff"], *(m["actor"] for m in matches)]),
        "today": wallclock.today().isoformat(),
        "match_kinds": vocab.MATCH_KINDS,
    }
    return render(request, "project.html", context)


@router.get("/projects/{project_no}", response_class=HTMLResponse)
def project_page(
    project_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _reader: ReaderDep,
) -> HTMLResponse:
    """A project, its stage, matches and candidates, and the map of the candidates."""
    return show_project(request, session, settings, project_no)
