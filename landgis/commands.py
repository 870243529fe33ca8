"""What a user can do to the ledger, one typed command each.

A door (the JSON API, the command line, a web form, the ledger workbook import) reads
its input into one of these and hands it to
:meth:`~landgis.ledger_service.LedgerService.handle`; it neither builds the workflow nor
checks versions or roles itself. Commands are plain values: nothing here touches the
database.

Every change to an existing case names the ``version`` the user saw (``None``: the case
as it is now, for scripts that ask for no check) and the day it happened
(``occurred_on``; ``None``: today by the server's clock).

``area_unit`` is the unit the clerk typed land areas in (``mu`` for 亩, ``m2``); the
command's areas are always m², and messages about them name them in that unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, BinaryIO

from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.i18n.values import AreaUnit, in_both
from landgis.space.terms import LeaseTerms, UnitSpec


@dataclass(frozen=True, kw_only=True)
class OpenCase:
    """Enter a parcel in the ledger as suspected idle land (疑似闲置).

    ``fields`` are case fields (``category`` among them overrides ``category``); the
    idle area defaults to the parcel's area, the case number to the next free one."""

    parcel_code: str
    category: str = "idle"
    fields: Mapping[str, Any] = field(default_factory=dict)
    case_no: str | None = None
    occurred_on: dt.date | None = None
    document_no: str | None = None
    note: str | None = None
    area_unit: AreaUnit = "m2"


@dataclass(frozen=True, kw_only=True)
class CaseChange:
    """What every change to an existing case names."""

    case_no: str
    version: int | None = None
    occurred_on: dt.date | None = None
    area_unit: AreaUnit = "m2"


@dataclass(frozen=True, kw_only=True)
class ChangeStatus(CaseChange):
    """Move a case to ``target`` with its evidence ``fields`` and, for a step back, a
    dismissal or a reopening, the reason in ``note``. Completing a case (已盘活) whose
    revitalized area is below its idle area needs ``confirm_short``."""

    target: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    document_no: str | None = None
    note: str | None = None
    confirm_short: bool = False


@dataclass(frozen=True, kw_only=True)
class EditCase(CaseChange):
    """Change a case's own fields (not its status); a closed case cannot be edited."""

    fields: Mapping[str, Any]
    document_no: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Revitalization(CaseChange):
    """The area (m²) and factory floor area revitalized now; ``fields`` may name the new
    holder, project, amount and remarks."""

    area_m2: float
    building_area_m2: float = 0.0
    fields: Mapping[str, Any] = field(default_factory=dict)
    document_no: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordRevitalization(Revitalization):
    """Add revitalized area to a case being disposed of; it stays 处置中."""


@dataclass(frozen=True, kw_only=True)
class RevitalizeAndComplete(Revitalization):
    """Record the area revitalized now and mark the case revitalized (已盘活), in one event
    dated the revitalization. Completing with less revitalized than idle area needs
    ``confirm_short``; otherwise it is refused with
    :class:`~landgis.errors.NeedsConfirmation`, saying how much is left."""

    confirm_short: bool = False


@dataclass(frozen=True, kw_only=True)
class CloseCase(CaseChange):
    """Close out (销号) a revitalized case; it is read-only afterwards."""

    document_no: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReopenCase(CaseChange):
    """Reopen a closed case (or reinstate a dismissed one): administrators, with a reason."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class AttachDocument:
    """Attach a document (PDF or image, read from ``stream``) to a case. It changes
    nothing of the case and writes no event: nobody's open form goes stale."""

    case_no: str
    stream: BinaryIO = field(compare=False)
    filename: str | None = None
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class CreateParcel:
    """Add a parcel from a GeoJSON geometry (lon/lat, CGCS2000); its area is computed."""

    parcel_code: str
    properties: Mapping[str, Any]
    geometry: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class UpdateParcel:
    """Change a parcel's attributes and/or geometry (a new geometry gets new areas)."""

    parcel_code: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    geometry: Mapping[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class AddBuilding:
    """Add a building drawn as a GeoJSON footprint (lon/lat, CGCS2000) with its ``fields``
    (name, kind, owner, owner_credit_code, floors, state, floor_area_m2, parcel_code) on
    the parcel it stands on; its footprint area is computed."""

    geometry: Mapping[str, Any]
    fields: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class ImportBuildings:
    """Add the buildings of a file of footprints, each on the parcel it stands on: all of
    them, or none when a row is refused; ``check_only`` writes nothing."""

    path: Path
    source_name: str | None = None
    layer: str | None = None
    crs: str | None = None
    check_only: bool = False


@dataclass(frozen=True, kw_only=True)
class AddUnits:
    """Add units to a building: all of them, or none when one is refused."""

    building_id: int
    units: tuple[UnitSpec, ...]


@dataclass(frozen=True, kw_only=True)
class SetUnitState:
    """Set a unit's state by hand (vacant, owner-occupied, under construction); refused
    while a lease lets it."""

    building_id: int
    unit_no: str
    state: str


@dataclass(frozen=True, kw_only=True)
class SignLease:
    """Let the units ``unit_nos`` of a building on ``terms``; it starts at once when its
    start date has come. Leasing a ledger case's idle factory space revitalizes it."""

    building_id: int
    unit_nos: tuple[str, ...]
    terms: LeaseTerms
    lease_no: str | None = None


@dataclass(frozen=True, kw_only=True)
class StartLease:
    """Start a lease signed ahead of its start date, once the day has come."""

    lease_no: str


@dataclass(frozen=True, kw_only=True)
class EndLease:
    """End a lease on ``ended_on`` (its last day; default its end date, or today), for
    ``reason``; its units are vacant again."""

    lease_no: str
    ended_on: dt.date | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class CreateProject:
    """Enter a project (招商项目) at 洽谈, talks begun ``negotiating_on`` (default today);
    ``fields`` as :data:`landgis.projects.records.FIELDS` (the land need in 亩 as
    ``land_need_mu``)."""

    fields: Mapping[str, Any]
    negotiating_on: dt.date | None = None
    project_no: str | None = None


@dataclass(frozen=True, kw_only=True)
class EditProject:
    """Change a project's fields (not its stage)."""

    project_no: str
    fields: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class MoveProjectStage:
    """Move a project to the next stage on ``occurred_on`` (default today); back to an
    earlier one: administrators, with a ``reason``."""

    project_no: str
    stage: str
    occurred_on: dt.date | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordMatch:
    """Match a project with a candidate: a case (``case_no``; the investor and project
    written onto it as its new holder and project) or vacant units of a standard building
    (``building_id`` and ``unit_nos``; let to the investor from ``start_date`` to
    ``end_date``). A project still 洽谈 moves to 签约 on the day."""

    project_no: str
    case_no: str | None = None
    version: int | None = None
    building_id: int | None = None
    unit_nos: tuple[str, ...] = ()
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    rent_yuan_m2_month: float | None = None
    occurred_on: dt.date | None = None
    note: str | None = None


def completing(
    revitalization: RecordRevitalization, *, confirm_short: bool = False
) -> RevitalizeAndComplete:
    """The same revitalization, also completing the case (a form's 'complete' box)."""
    values = {f.name: getattr(revitalization, f.name) for f in fields(revitalization)}
    return RevitalizeAndComplete(**values, confirm_short=confirm_short)


CaseCommand = (
    OpenCase
    | ChangeStatus
    | EditCase
    | RecordRevitalization
    | RevitalizeAndComplete
    | CloseCase
    | ReopenCase
)
ParcelCommand = CreateParcel | UpdateParcel
LeaseCommand = SignLease | StartLease | EndLease
UnitCommand = AddUnits | SetUnitState
BuildingCommand = AddBuilding | ImportBuildings
ProjectCommand = CreateProject | EditProject | MoveProjectStage
Command = (
    CaseCommand
    | AttachDocument
    | ParcelCommand
    | LeaseCommand
    | UnitCommand
    | BuildingCommand
    | ProjectCommand
    | RecordMatch
)


def status_change(
    *,
    case_no: str,
    target: str,
    version: int | None,
    occurred_on: dt.date | None,
    fields: Mapping[str, Any] | None = None,
    area_m2: float = 0.0,
    building_area_m2: float = 0.0,
    document_no: str | None = None,
    note: str | None = None,
    confirm_short: bool = False,
    area_unit: AreaUnit = "m2",
) -> ChangeStatus | RevitalizeAndComplete:
    """The command for a status form that may also bring the area revitalized now.

    A move to 已盘活 that brings an area (or floor area) records that revitalization and
    completes the case in one event, dated the revitalization date (``revitalized_on``
    among ``fields``) when one is given; any other move is a plain status change.
    """
    if target == "revitalized" and (area_m2 or building_area_m2):
        rest = dict(fields or {})
        day = rest.pop("revitalized_on", None)
        return RevitalizeAndComplete(
            case_no=case_no,
            version=version,
            occurred_on=_as_date(day) or occurred_on,
            area_m2=area_m2,
            building_area_m2=building_area_m2,
            fields=rest,
            document_no=document_no,
            note=note,
            confirm_short=confirm_short,
            area_unit=area_unit,
        )
    return ChangeStatus(
        case_no=case_no,
        target=target,
        version=version,
        occurred_on=occurred_on,
        fields=fields or {},
        document_no=document_no,
        note=note,
        confirm_short=confirm_short,
        area_unit=area_unit,
    )


def _as_date(value: Any) -> dt.date | None:
    """The revitalization date given as a date or ISO text; None for none."""
    if isinstance(value, dt.date) or value is None:
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise InvalidInput(
            _("盘活日期 “{value}” 无法识别,应为 2024-03-01 这样的日期。", value=text),
            problems=[{"field": "revitalized_on", **in_both("problem", _("无效日期"))}],
        ) from exc
