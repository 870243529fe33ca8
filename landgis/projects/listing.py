"""Projects and their matches as the pages show them: plain dicts of codes, numbers and
dates. The pipeline (the projects by stage with their needs, and what the matches took)
is :mod:`landgis.projects.summary`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import vocab
from landgis.db.models import Case, Lease, Project, ProjectMatch
from landgis.i18n import DEFAULT_LANGUAGE
from landgis.projects.records import list_projects, project_values
from landgis.units import m2_to_mu


def _reasons(match: ProjectMatch, lang: str) -> list[dict[str, Any]]:
    """The parts of the match's score as kept, their reasons in ``lang``."""
    key = "reason" if lang == DEFAULT_LANGUAGE else f"reason_{lang}"
    return [
        {
            "part": part.get("part"),
            "points": part.get("points"),
            "max_points": part.get("max_points"),
            "reason": part.get(key) or part.get("reason"),
        }
        for part in match.reasons or []
    ]


def _match_counts(session: Session) -> dict[int, dict[str, int]]:
    """Each project's number of matches of each kind."""
    counts: dict[int, dict[str, int]] = {}
    for project_id, kind in session.execute(select(ProjectMatch.project_id, ProjectMatch.kind)):
        mine = counts.setdefault(project_id, dict.fromkeys(vocab.MATCH_KINDS, 0))
        mine[kind] = mine.get(kind, 0) + 1
    return counts


def project_rows(
    session: Session, *, stage: str | None = None, industry: str | None = None
) -> list[dict[str, Any]]:
    """The projects (of ``stage``, of ``industry``), by number: each as
    :func:`~landgis.projects.records.project_values` with ``matches`` (how many), and
    ``case_matches`` and ``lease_matches``. InvalidInput for an unknown stage."""
    counts = _match_counts(session)
    wanted = (industry or "").strip()
    rows = []
    for project in list_projects(session, stage or None):
        if wanted and (project.industry or "") != wanted:
            continue
        mine = counts.get(project.id, {})
        rows.append(
            project_values(project)
            | {
                "matches": sum(mine.values()),
                "case_matches": mine.get("case", 0),
                "lease_matches": mine.get("lease", 0),
            }
        )
    return rows


def industries(session: Session) -> list[str]:
    """The industries the projects name, sorted."""
    named = session.scalars(select(Project.industry).where(Project.industry.is_not(None)))
    return sorted({name for name in named if name and name.strip()})


def match_rows(
    session: Session, project: Project, lang: str = DEFAULT_LANGUAGE
) -> list[dict[str, Any]]:
    """The matches recorded for ``project``, oldest first: the kind, the case (number,
    idle area) or lease (number, tenant, area, period) it took, the score and the reasons
    it had then (in ``lang``), who recorded it and when."""
    stmt = (
        select(ProjectMatch, Case, Lease)
        .outerjoin(Case, Case.id == ProjectMatch.case_id)
        .outerjoin(Lease, Lease.id == ProjectMatch.lease_id)
        .where(ProjectMatch.project_id == project.id)
        .order_by(ProjectMatch.id)
    )
    rows = []
    for match, case, lease in session.execute(stmt):
        area = case.idle_area_m2 if case is not None else lease.area_m2 if lease else None
        rows.append(
            {
                "kind": match.kind,
                "case_no": case.case_no if case is not None else None,
                "lease_no": lease.lease_no if lease is not None else None,
                "tenant": lease.tenant if lease is not None else None,
                "start_date": lease.start_date if lease is not None else None,
                "end_date": lease.end_date if lease is not None else None,
                "area_m2": area,
                "area_mu": m2_to_mu(area) if case is not None and area is not None else None,
                "score": match.score,
                "reasons": _reasons(match, lang),
                "actor": match.actor,
                "recorded_at": match.recorded_at,
            }
        )
    return rows


def case_matches(
    session: Session, case_ids: Iterable[int], lang: str = DEFAULT_LANGUAGE
) -> list[dict[str, Any]]:
    """The projects matched to the cases ``case_ids``, oldest match first: the case's id,
    the project's number, name, investor and stage, the match's score and reasons (in
    ``lang``) and when it was recorded."""
    ids = list(case_ids)
    if not ids:
        return []
    stmt = (
        select(ProjectMatch, Project)
        .join(Project, Project.id == ProjectMatch.project_id)
        .where(ProjectMatch.case_id.in_(ids))
        .order_by(ProjectMatch.id)
    )
    return [
        {
            "case_id": match.case_id,
            "project_no": project.project_no,
            "name": project.name,
            "investor": project.investor,
            "industry": project.industry,
            "stage": project.stage,
            "score": match.score,
            "reasons": _reasons(match, lang),
            "actor": match.actor,
            "recorded_at": match.recorded_at,
        }
        for match, project in session.execute(stmt)
    ]
