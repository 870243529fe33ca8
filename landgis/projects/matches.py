"""Recording a match of a project, through the ledger's own use cases.

- With a case: the investor and the project are written onto the case as its new holder
  (``new_holder``) and new project (``new_project``) by the case's edit use case, with its
  event (修改) noting the project and its score.
- With vacant units of a standard building: the units are let to the investor for the
  project by the lease use case (:func:`landgis.space.leases.sign_lease`).

Either way the match is kept (:class:`~landgis.db.models.ProjectMatch`) with the score and
reasons it had, and a project still 洽谈 moves to 签约 on the match's day. Only a
candidate can be matched (:mod:`landgis.projects.candidates`); anything else is refused
saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from landgis import wallclock
from landgis.commands import EditCase, RecordMatch, SignLease
from landgis.db.models import Case, Lease, Project, ProjectMatch
from landgis.errors import Conflict, InvalidInput
from landgis.i18n import Localizable, _, term
from landgis.i18n.values import in_both
from landgis.projects.candidates import (
    Candidate,
    building_refusal,
    case_candidate,
    case_refusal,
    units_candidate,
    zones_of_parcel,
)
from landgis.projects.records import get_project, move_stage
from landgis.space.terms import LeaseTerms
from landgis.space.units import find_units, get_building, require_lettable, unit_label

if TYPE_CHECKING:
    from landgis.ledger_service import LedgerService


@dataclass(frozen=True)
class MatchRecorded:
    """What recording a match did: the match kept, the project (and whether its stage
    moved to 签约), the candidate as scored, and the case changed or the lease signed."""

    match: ProjectMatch
    project: Project
    candidate: Candidate
    case: Case | None
    lease: Lease | None
    stage_moved: bool

    def message(self) -> Localizable:
        """What happened, in a sentence."""
        if self.case is not None:
            done: Localizable = _(
                "已将项目 {name}({investor})登记到台账条目 {case_no}",
                name=self.project.name,
                investor=self.project.investor,
                case_no=self.case.case_no,
            )
        else:
            assert self.lease is not None
            done = _(
                "已签订租约 {lease_no}:{investor} 承租 {units}",
                lease_no=self.lease.lease_no,
                investor=self.project.investor,
                units="、".join(unit_label(unit) for unit in self.lease.units),
            )
        if self.stage_moved:
            return _(
                "{done};项目 {project_no} 由“{before}”进入“{after}”。",
                done=done,
                project_no=self.project.project_no,
                before=term("project_stage", "negotiating"),
                after=term("project_stage", "signed"),
            )
        return _("{done}。", done=done)


def _reasons(candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {
            "part": part.name,
            "points": part.points,
            "max_points": part.max_points,
            **in_both("reason", part.reason),
        }
        for part in candidate.parts
    ]


def _note(project: Project, candidate: Candidate, note: str | None) -> str:
    text = _(
        "招商项目 {project_no}“{name}”({investor})匹配,得分 {score}",
        project_no=project.project_no,
        name=project.name,
        investor=project.investor,
        score=candidate.score,
    ).render()
    return "\n".join(filter(None, [text, (note or "").strip()]))


def _with_case(ledger: LedgerService, project: Project, command: RecordMatch) -> MatchRecorded:
    assert command.case_no is not None
    case = ledger.case_at(command.case_no, command.version)
    refusal = case_refusal(case)
    if refusal is not None:
        raise Conflict(refusal)
    zones = zones_of_parcel(ledger.session, case.parcel_id)
    candidate = case_candidate(project, case, zones, ledger.settings.zone_industries)
    changed = ledger.handle(
        EditCase(
            case_no=case.case_no,
            version=case.version,
            occurred_on=command.occurred_on,
            fields={"new_holder": project.investor, "new_project": project.name},
            note=_note(project, candidate, command.note),
        )
    )
    match = _keep(ledger, project, candidate, case_id=changed.id)
    return _recorded(ledger, project, command, match, candidate, case=changed)


def _with_units(ledger: LedgerService, project: Project, command: RecordMatch) -> MatchRecorded:
    assert command.building_id is not None
    building = get_building(ledger.session, command.building_id)
    refusal = building_refusal(building)
    if refusal is not None:
        raise Conflict(refusal)
    if not command.unit_nos:
        raise InvalidInput(_("匹配厂房须写明要租用的单元。"))
    if command.start_date is None or command.end_date is None:
        raise InvalidInput(_("匹配厂房须写明租期(起租日和结束日)。"))
    units = find_units(ledger.session, building.id, command.unit_nos)
    for unit in units:
        require_lettable(unit)
        if unit.state != "vacant":
            raise Conflict(
                _("单元 {unit} 已出租,不是空置单元。", unit=unit_label(unit)),
            )
    zones = zones_of_parcel(ledger.session, building.parcel_id)
    candidate = units_candidate(project, building, units, zones, ledger.settings.zone_industries)
    lease = ledger.handle(
        SignLease(
            building_id=building.id,
            unit_nos=tuple(command.unit_nos),
            terms=LeaseTerms(
                tenant=project.investor,
                tenant_credit_code=project.investor_credit_code,
                start_date=command.start_date,
                end_date=command.end_date,
                rent_yuan_m2_month=command.rent_yuan_m2_month,
                project=project.name,
                remarks=_note(project, candidate, command.note),
            ),
        )
    )
    match = _keep(ledger, project, candidate, lease_id=lease.id)
    return _recorded(ledger, project, command, match, candidate, lease=lease)


def _keep(
    ledger: LedgerService,
    project: Project,
    candidate: Candidate,
    *,
    case_id: int | None = None,
    lease_id: int | None = None,
) -> ProjectMatch:
    match = ProjectMatch(
        project_id=project.id,
        kind=candidate.kind,
        case_id=case_id,
        lease_id=lease_id,
        score=candidate.score,
        reasons=_reasons(candidate),
        actor=ledger.actor.username,
        recorded_at=wallclock.utc_now(),
    )
    ledger.session.add(match)
    ledger.session.flush()
    return match


def _recorded(
    ledger: LedgerService,
    project: Project,
    command: RecordMatch,
    match: ProjectMatch,
    candidate: Candidate,
    *,
    case: Case | None = None,
    lease: Lease | None = None,
) -> MatchRecorded:
    moved = project.stage == "negotiating"
    if moved:
        day = command.occurred_on or ledger.today()
        move_stage(ledger.session, project.project_no, "signed", actor=ledger.actor, on=day)
    return MatchRecorded(match, project, candidate, case, lease, moved)


def record_match(ledger: LedgerService, command: RecordMatch) -> MatchRecorded:
    """Record the match ``command`` names (a case, or units of a building), through the
    ledger's use cases; refused, nothing written, when it names both or neither or what it
    names is no candidate of the project."""
    if (command.case_no is None) == (command.building_id is None):
        raise InvalidInput(_("匹配须写明一个台账条目,或一栋标准厂房及其单元,二者择一。"))
    project = get_project(ledger.session, command.project_no, for_update=True)
    day = command.occurred_on or ledger.today()
    if day > ledger.today():
        raise InvalidInput(_("日期 {day} 晚于今天,不能预先登记。", day=day))
    if project.stage == "negotiating" and project.negotiating_on and day < project.negotiating_on:
        raise InvalidInput(
            _(
                "匹配日期 {day} 早于项目 {project_no} 开始洽谈的日期 {start}。",
                day=day,
                project_no=project.project_no,
                start=project.negotiating_on,
            )
        )
    if command.case_no is not None:
        return _with_case(ledger, project, command)
    return _with_units(ledger, project, command)
