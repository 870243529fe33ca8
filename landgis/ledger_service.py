"""The ledger's use cases behind one service, bound to the installation and to who acts.

:class:`LedgerService` takes a command (:mod:`landgis.commands`) and carries it out in the
caller's transaction, with what every door would otherwise bring itself: the workflow the
settings configure (:func:`~landgis.workflow.workflow_for`), today's date by the server's
clock (:mod:`landgis.wallclock`), the actor and their role, and the version check.

A door is then: read the input → build a command → ``service.handle(command)`` → show
the result (:meth:`LedgerService.detail` for a case) or the refusal (a
:class:`~landgis.errors.LandGISError`)::

    service = LedgerService(session, settings, Actor("liting", "editor"))
    case = service.handle(ChangeStatus(case_no="QX-XZ-2023-012", target="planned",
                                       version=4, fields={"route": "buyback", ...}))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict, overload

from sqlalchemy.orm import Session

from landgis import attachments, cases, parcel_edits, wallclock
from landgis.cases import Actor
from landgis.commands import (
    AddBuilding,
    AddUnits,
    AttachDocument,
    CaseChange,
    CaseCommand,
    ChangeStatus,
    CloseCase,
    Command,
    CreateParcel,
    CreateProject,
    EditCase,
    EditProject,
    EndLease,
    ImportBuildings,
    LeaseCommand,
    MoveProjectStage,
    OpenCase,
    ParcelCommand,
    ProjectCommand,
    RecordMatch,
    RecordRevitalization,
    ReopenCase,
    RevitalizeAndComplete,
    SetUnitState,
    SignLease,
    StartLease,
    UpdateParcel,
)
from landgis.db.models import Attachment, Building, BuildingUnit, Case, Lease, Parcel, Project
from landgis.errors import NeedsConfirmation
from landgis.i18n import _
from landgis.i18n.values import Area, AreaUnit, in_both
from landgis.projects import records as projects
from landgis.projects.matches import MatchRecorded, record_match
from landgis.space import footprints, leases, units
from landgis.space.building_import import import_buildings
from landgis.space.building_report import BuildingsReport
from landgis.units import m2_to_mu
from landgis.workflow import workflow_for

if TYPE_CHECKING:
    from landgis.settings import Settings

# A shortfall the ledger would show as 0.00 亩 is rounding, not area left to revitalize.
SHORTFALL_MU = 0.005


class _Change(TypedDict):
    """What every change of an existing case hands its use case."""

    version: int
    actor: Actor
    occurred_on: dt.date


def attachment_max_bytes(settings: Settings) -> int:
    """The largest attachment the settings allow, in bytes."""
    return int(settings.attachment_max_mb * (1 << 20))


class LedgerService:
    """The ledger's use cases for ``actor``, in ``session``'s transaction, under
    ``settings`` (evidence gates, case number prefix, attachments folder and limit)."""

    def __init__(self, session: Session, settings: Settings, actor: Actor) -> None:
        self.session = session
        self.settings = settings
        self.actor = actor
        self.workflow = workflow_for(settings)

    def today(self) -> dt.date:
        """Today, by the server's clock: the day of a change that names none."""
        return wallclock.today()

    def detail(self, case: Case) -> dict[str, Any]:
        """The case as the doors show it, with the status changes the actor may make now
        and the evidence this installation's workflow asks for."""
        return cases.case_detail(self.session, case, self.actor.role, self.workflow)

    @overload
    def handle(self, command: CaseCommand) -> Case: ...
    @overload
    def handle(self, command: AttachDocument) -> Attachment: ...
    @overload
    def handle(self, command: ParcelCommand) -> Parcel: ...
    @overload
    def handle(self, command: LeaseCommand) -> Lease: ...
    @overload
    def handle(self, command: AddUnits) -> list[BuildingUnit]: ...
    @overload
    def handle(self, command: SetUnitState) -> BuildingUnit: ...
    @overload
    def handle(self, command: AddBuilding) -> Building: ...
    @overload
    def handle(self, command: ImportBuildings) -> BuildingsReport: ...
    @overload
    def handle(self, command: ProjectCommand) -> Project: ...
    @overload
    def handle(self, command: RecordMatch) -> MatchRecorded: ...
    def handle(
        self, command: Command
    ) -> (
        Case
        | Attachment
        | Parcel
        | Lease
        | BuildingUnit
        | list[BuildingUnit]
        | Building
        | BuildingsReport
        | Project
        | MatchRecorded
    ):
        """Carry out ``command``: the case, attachment, parcel, lease, units, building or
        project it made or changed, the match it recorded, or a footprints import's report.

        Refused (nothing changed) with PermissionDenied for a viewer, StaleVersion when
        the case changed since the named version, NeedsConfirmation when a case would be
        completed short of its idle area unconfirmed, and the use cases' own errors."""
        cases.require_editor(self.actor)
        match command:
            case OpenCase():
                return self._open(command)
            case ChangeStatus():
                return self._change_status(command)
            case EditCase():
                return self._edit(command)
            case RecordRevitalization():
                return self._revitalize(command, self._change(command))
            case RevitalizeAndComplete():
                return self._revitalize_and_complete(command)
            case CloseCase():
                return self._close(command)
            case ReopenCase():
                return self._reopen(command)
            case AttachDocument():
                return self._attach(command)
            case CreateParcel():
                return parcel_edits.create_parcel(
                    self.session, command.parcel_code, command.properties, command.geometry
                )
            case UpdateParcel():
                return parcel_edits.update_parcel(
                    self.session, command.parcel_code, command.properties, command.geometry
                )
            case AddUnits():
                return units.add_units(self.session, command.building_id, command.units)
            case SetUnitState():
                return units.set_unit_state(
                    self.session, command.building_id, command.unit_no, command.state
                )
            case AddBuilding():
                return footprints.add_building(self.session, command.geometry, command.fields)
            case ImportBuildings():
                return import_buildings(
                    self.session,
                    command.path,
                    source_name=command.source_name,
                    layer=command.layer,
                    crs=command.crs,
                    check_only=command.check_only,
                )
            case SignLease():
                return leases.sign_lease(
                    self.session,
                    building_id=command.building_id,
                    unit_nos=command.unit_nos,
                    terms=command.terms,
                    actor=self.actor,
                    workflow=self.workflow,
                    lease_no=command.lease_no,
                )
            case StartLease():
                return leases.start_lease(
                    self.session, command.lease_no, actor=self.actor, workflow=self.workflow
                )
            case EndLease():
                return leases.end_lease(
                    self.session,
                    command.lease_no,
                    actor=self.actor,
                    ended_on=command.ended_on,
                    reason=command.reason,
                )
            case CreateProject():
                return projects.create_project(
                    self.session,
                    command.fields,
                    actor=self.actor,
                    negotiating_on=command.negotiating_on or self.today(),
                    project_no=command.project_no,
                )
            case EditProject():
                return projects.edit_project(
                    self.session, command.project_no, command.fields, actor=self.actor
                )
            case MoveProjectStage():
                return projects.move_stage(
                    self.session,
                    command.project_no,
                    command.stage,
                    actor=self.actor,
                    on=command.occurred_on or self.today(),
                    reason=command.reason,
                )
            case RecordMatch():
                return record_match(self, command)
        raise TypeError(f"not a ledger command: {command!r}")

    # --- the version check, the actor and the day, once -------------------------------

    def case_at(self, case_no: str, version: int | None) -> Case:
        """The case, locked for a change, if it is still at ``version`` (StaleVersion
        otherwise, with its current values); as it is now for ``None``."""
        if version is None:
            return cases.get_case(self.session, case_no, for_update=True)
        return cases.require_version(self.session, case_no, version)

    def _on(self, command: OpenCase | CaseChange) -> dt.date:
        return command.occurred_on or self.today()

    def _change(self, command: CaseChange) -> _Change:
        """What a change of an existing case hands the use case: the version, checked
        here (the case locked), who acts and on which day."""
        case = self.case_at(command.case_no, command.version)
        return {"version": case.version, "actor": self.actor, "occurred_on": self._on(command)}

    # --- one method per command --------------------------------------------------------

    def _open(self, command: OpenCase) -> Case:
        return cases.open_case(
            self.session,
            command.parcel_code,
            actor=self.actor,
            occurred_on=self._on(command),
            fields={"category": command.category} | dict(command.fields),
            case_no=command.case_no,
            case_no_prefix=self.settings.case_no_prefix,
            document_no=command.document_no,
            note=command.note,
            area_unit=command.area_unit,
        )

    def _change_status(self, command: ChangeStatus) -> Case:
        change = self._change(command)
        return self._completing(
            command,
            lambda: cases.change_status(
                self.session,
                command.case_no,
                command.target,
                **change,
                fields=command.fields,
                document_no=command.document_no,
                note=command.note,
                workflow=self.workflow,
                area_unit=command.area_unit,
            ),
        )

    def _edit(self, command: EditCase) -> Case:
        return cases.edit_case(
            self.session,
            command.case_no,
            **self._change(command),
            fields=command.fields,
            document_no=command.document_no,
            note=command.note,
            area_unit=command.area_unit,
        )

    def _revitalize(
        self, command: RecordRevitalization | RevitalizeAndComplete, change: _Change
    ) -> Case:
        return cases.record_revitalization(
            self.session,
            command.case_no,
            **change,
            area_m2=command.area_m2,
            building_area_m2=command.building_area_m2,
            fields=command.fields,
            complete=isinstance(command, RevitalizeAndComplete),
            document_no=command.document_no,
            note=command.note,
            workflow=self.workflow,
            area_unit=command.area_unit,
        )

    def _revitalize_and_complete(self, command: RevitalizeAndComplete) -> Case:
        change = self._change(command)
        return self._completing(command, lambda: self._revitalize(command, change))

    def _close(self, command: CloseCase) -> Case:
        return cases.close_case(
            self.session,
            command.case_no,
            **self._change(command),
            document_no=command.document_no,
            note=command.note,
            workflow=self.workflow,
        )

    def _reopen(self, command: ReopenCase) -> Case:
        return cases.reopen_case(
            self.session,
            command.case_no,
            **self._change(command),
            reason=command.reason,
            workflow=self.workflow,
        )

    def _attach(self, command: AttachDocument) -> Attachment:
        return attachments.save_attachment(
            self.session,
            command.case_no,
            command.stream,
            filename=command.filename,
            uploaded_by=self.actor.username,
            folder=self.settings.attachments_dir,
            max_bytes=attachment_max_bytes(self.settings),
            description=command.description,
        )

    # --- completing a case short of its idle area ----------------------------------------

    def _completing(
        self, command: ChangeStatus | RevitalizeAndComplete, change: Callable[[], Case]
    ) -> Case:
        """Make ``change``; when it completes the case (处置中 → 已盘活) with less area
        revitalized than idle and the command does not confirm that, undo it and ask.

        Asked last, so that a change refused anyway (missing evidence, a forbidden step)
        says why first."""
        before = cases.get_case(self.session, command.case_no).status
        confirmed = command.confirm_short
        with self.session.begin_nested():
            changed = change()
            completes = before != "revitalized" and changed.status == "revitalized"
            if completes and self.workflow.transition(before, "revitalized").kind == "forward":
                remaining_m2 = (changed.idle_area_m2 or 0.0) - (changed.revitalized_area_m2 or 0.0)
                if m2_to_mu(remaining_m2) >= SHORTFALL_MU and not confirmed:
                    raise _shortfall(changed, remaining_m2, command.area_unit)
        return changed


def _shortfall(case: Case, remaining_m2: float, unit: AreaUnit) -> NeedsConfirmation:
    """The question to confirm a completion short of the idle area, its areas in ``unit``
    (the unit the clerk typed)."""
    idle_m2 = case.idle_area_m2 or 0.0
    return NeedsConfirmation(
        _(
            "台账条目 {case_no} 已盘活 {done},比闲置面积 {idle}少 {remaining}。"
            "如确认按“已盘活”办结,请确认后再提交。",
            case_no=case.case_no,
            done=Area(idle_m2 - remaining_m2, unit),
            idle=Area(idle_m2, unit),
            remaining=Area(remaining_m2, unit),
        ),
        problems=[{"field": "confirm_short", **in_both("problem", _("需要确认"))}],
        remaining_m2=remaining_m2,
        remaining_mu=round(m2_to_mu(remaining_m2), 2),
    )
