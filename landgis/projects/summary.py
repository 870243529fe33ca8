"""The pipeline of projects (招商项目) in figures: how many projects stand at each stage
(洽谈, 签约, 落地, 投产) and what they need (亩 of land, ㎡ of factory floor), and what
the recorded matches took: the projects matched to ledger cases and to leases, the idle
land of the cases matched (亩) and the floor area of the leases signed (㎡)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from landgis.db.models import Case, Lease, Project, ProjectMatch
from landgis.projects.records import STAGES
from landgis.units import m2_to_mu


@dataclass(frozen=True)
class StageFigures:
    """The projects at one stage: how many, and their land and floor needs."""

    stage: str
    count: int = 0
    land_need_m2: float = 0.0
    floor_need_m2: float = 0.0

    @property
    def land_need_mu(self) -> float:
        """The land need in 亩."""
        return m2_to_mu(self.land_need_m2)


@dataclass(frozen=True)
class Pipeline:
    """The projects by stage (in the stages' order) and what their matches took."""

    stages: tuple[StageFigures, ...]
    case_projects: int = 0
    lease_projects: int = 0
    matched_cases: int = 0
    signed_leases: int = 0
    land_matched_m2: float = 0.0
    floor_matched_m2: float = 0.0
    by_stage: dict[str, StageFigures] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Every project."""
        return sum(stage.count for stage in self.stages)

    @property
    def land_matched_mu(self) -> float:
        """The idle land of the cases matched, in 亩."""
        return m2_to_mu(self.land_matched_m2)


def _stages(session: Session) -> tuple[StageFigures, ...]:
    stmt = select(
        Project.stage,
        func.count(Project.id),
        func.coalesce(func.sum(Project.land_need_m2), 0.0),
        func.coalesce(func.sum(Project.floor_need_m2), 0.0),
    ).group_by(Project.stage)
    found = {
        stage: StageFigures(stage, int(count), float(land or 0.0), float(floor or 0.0))
        for stage, count, land, floor in session.execute(stmt)
    }
    return tuple(found.get(stage, StageFigures(stage)) for stage in STAGES)


def pipeline(session: Session) -> Pipeline:
    """The projects by stage with their needs, and what the recorded matches took: the
    projects matched to cases and to leases, the cases matched and their idle area, the
    leases signed and their floor area (each case and lease counted once)."""
    stages = _stages(session)
    case_projects = session.scalar(
        select(func.count(distinct(ProjectMatch.project_id))).where(
            ProjectMatch.case_id.is_not(None)
        )
    )
    lease_projects = session.scalar(
        select(func.count(distinct(ProjectMatch.project_id))).where(
            ProjectMatch.lease_id.is_not(None)
        )
    )
    matched = select(ProjectMatch.case_id).where(ProjectMatch.case_id.is_not(None))
    cases, land = session.execute(
        select(func.count(Case.id), func.coalesce(func.sum(Case.idle_area_m2), 0.0)).where(
            Case.id.in_(matched)
        )
    ).one()
    let = select(ProjectMatch.lease_id).where(ProjectMatch.lease_id.is_not(None))
    leases, floor = session.execute(
        select(func.count(Lease.id), func.coalesce(func.sum(Lease.area_m2), 0.0)).where(
            Lease.id.in_(let)
        )
    ).one()
    return Pipeline(
        stages=stages,
        case_projects=int(case_projects or 0),
        lease_projects=int(lease_projects or 0),
        matched_cases=int(cases),
        signed_leases=int(leases),
        land_matched_m2=float(land),
        floor_matched_m2=float(floor),
        by_stage={s.stage: s for s in stages},
    )
