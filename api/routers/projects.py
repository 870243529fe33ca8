"""招商项目: projects, their stages, their candidates ranked with reasons, and recording
a match; every change through the ledger service (:mod:`landgis.projects`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from api.deps import EditorLedgerDep, ReaderDep, ReadSessionDep, SettingsDep
from api.jsonable import plain
from api.routers.efficiency import LangCookie, LangQuery
from api.schemas import Body, Scalar
from api.web.i18n import language_of
from landgis import commands
from landgis.db.models import Project, ProjectMatch
from landgis.projects.candidates import candidates
from landgis.projects.records import get_project, list_projects, project_values

router = APIRouter(prefix="/api/projects", tags=["projects"])

Stage = Literal["negotiating", "signed", "landed", "producing"]
FieldValue = Scalar | list[str]


class ProjectIn(Body):
    """A new project: ``fields`` are name, investor, investor_credit_code, industry,
    investment_wan_yuan, land_need_mu (or land_need_m2), floor_need_m2, preferred_zones
    (zone names), staff (a username), remarks."""

    fields: dict[str, FieldValue] = Field(min_length=1, max_length=20)
    negotiating_on: dt.date | None = Field(default=None, description="Talks began; today.")
    project_no: str | None = Field(default=None, max_length=32)


class ProjectEdit(Body):
    """Fields to change (not the stage)."""

    fields: dict[str, FieldValue] = Field(min_length=1, max_length=20)


class StageMove(Body):
    """The next stage and the day it was reached; back (administrators) with a reason."""

    stage: Stage
    occurred_on: dt.date | None = Field(default=None, description="When; today.")
    reason: str | None = Field(default=None, max_length=2000)


class MatchIn(Body):
    """A case (``case_no``), or a standard building's vacant units (``building_id``,
    ``unit_nos``) with the lease period and rent."""

    case_no: str | None = Field(default=None, max_length=32)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)
    building_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    unit_nos: list[str] = Field(default_factory=list, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    rent_yuan_m2_month: float | None = Field(default=None, ge=0)
    occurred_on: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)


def _match_values(match: ProjectMatch, lang: str) -> dict[str, Any]:
    return {
        "kind": match.kind,
        "case_id": match.case_id,
        "lease_id": match.lease_id,
        "score": match.score,
        "reasons": [r["reason"] if lang == "zh" else r["reason_en"] for r in match.reasons],
        "actor": match.actor,
        "recorded_at": match.recorded_at,
    }


def _detail(project: Project, lang: str = "zh") -> dict[str, Any]:
    return plain(
        project_values(project) | {"matches": [_match_values(m, lang) for m in project.matches]}
    )


@router.get("", summary="Projects (招商项目), by number")
def projects(
    session: ReadSessionDep, _: ReaderDep, stage: Annotated[Stage | None, Query()] = None
) -> dict[str, Any]:
    """Every project (of ``stage``) with its needs, stage and the day of each stage."""
    return {"items": [plain(project_values(p)) for p in list_projects(session, stage)]}


@router.post("", status_code=201, summary="Enter a project at 洽谈 (editor)")
def add_project(body: ProjectIn, ledger: EditorLedgerDep) -> JSONResponse:
    """422 on a wrong credit code, an unknown zone or staff, a need not above 0."""
    project = ledger.handle(
        commands.CreateProject(
            fields=body.fields, negotiating_on=body.negotiating_on, project_no=body.project_no
        )
    )
    response = JSONResponse(content=_detail(project), status_code=201)
    response.headers["Location"] = f"/api/projects/{project.project_no}"
    return response


@router.get("/{project_no}", summary="One project, with its recorded matches")
def project(
    project_no: str,
    session: ReadSessionDep,
    _: ReaderDep,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> dict[str, Any]:
    """The project and the matches recorded for it, their reasons in the language asked."""
    return _detail(get_project(session, project_no), language_of(lang, lang_cookie))


@router.patch("/{project_no}", summary="Edit a project's fields (editor)")
def edit_project(project_no: str, body: ProjectEdit, ledger: EditorLedgerDep) -> dict[str, Any]:
    """The stage moves by POST …/stage, not here."""
    return _detail(ledger.handle(commands.EditProject(project_no=project_no, fields=body.fields)))


@router.post("/{project_no}/stage", summary="Move a project's stage (editor; back: admin)")
def move_stage(project_no: str, body: StageMove, ledger: EditorLedgerDep) -> dict[str, Any]:
    """409 when a stage is skipped or the project is already there; 403 for a step back
    by an editor; 422 on a day before the previous stage's or after today."""
    command = commands.MoveProjectStage(
        project_no=project_no, stage=body.stage, occurred_on=body.occurred_on, reason=body.reason
    )
    return _detail(ledger.handle(command))


@router.get("/{project_no}/candidates", summary="A project's candidates, ranked, with reasons")
def project_candidates(
    project_no: str,
    session: ReadSessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> dict[str, Any]:
    """Ledger parcels whose route brings a new user and vacant units of standard
    buildings, best first: each with its score (0–100), the points and reason of each
    part (area fit, industry, availability) and its geometry (GeoJSON, lon/lat). 409 when
    the project has neither a land nor a floor need."""
    language = language_of(lang, lang_cookie)
    found = candidates(session, get_project(session, project_no), settings.zone_industries)
    return {"project_no": project_no, "items": [c.to_dict(language) for c in found]}


@router.post("/{project_no}/matches", status_code=201, summary="Record a match (editor)")
def record_match(
    project_no: str,
    body: MatchIn,
    ledger: EditorLedgerDep,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> JSONResponse:
    """A case: the investor and project become its new holder and new project (its event
    says so). Units: the lease is signed. A project at 洽谈 moves to 签约. 409 when what is
    named is no candidate (a closed case, a route keeping the land with its holder, a
    unit let), 422 when the period or units are missing."""
    language = language_of(lang, lang_cookie)
    done = ledger.handle(
        commands.RecordMatch(
            project_no=project_no,
            case_no=body.case_no,
            version=body.version,
            building_id=body.building_id,
            unit_nos=tuple(body.unit_nos),
            start_date=body.start_date,
            end_date=body.end_date,
            rent_yuan_m2_month=body.rent_yuan_m2_month,
            occurred_on=body.occurred_on,
            note=body.note,
        )
    )
    content = {
        "message": done.message().render(language),
        "stage_moved": done.stage_moved,
        "match": _match_values(done.match, language),
        "candidate": done.candidate.to_dict(language) | {"geometry": None},
        "case_no": done.case.case_no if done.case else None,
        "lease_no": done.lease.lease_no if done.lease else None,
        "project": project_values(done.project),
    }
    return JSONResponse(content=plain(content), status_code=201)
