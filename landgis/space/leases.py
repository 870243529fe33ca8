"""Leases (租赁) of building units: signed, started, ended.

One unit, one lease at a time: a lease is refused when any of its units is let, for any
day of its period, by another lease (a lease's period runs from its start date to its end
date, or to the day it ended early, both included). A lease that has started lets its
units (``leased``); one that ends returns them to ``vacant``.

Leasing the idle factory space of a ledger case (租赁转产): when the building stands on a
parcel whose case is open and the building is recorded as idle, the lease's floor area is
revitalized floor area of that case on the lease's start date, recorded by the ledger's own
use case (:func:`landgis.cases.record_revitalization`) with its event; the case must then
be 处置中. A lease signed ahead of its start counts when it is started
(:func:`start_lease`), as the ledger records nothing ahead of its day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from landgis import cases, credit_code, wallclock
from landgis.cases import Actor
from landgis.db.models import Building, BuildingUnit, Case, Lease, LeaseUnit
from landgis.errors import Conflict, InvalidInput, NotFound
from landgis.i18n import _, term
from landgis.ledger_rules.current_case import current_case_id
from landgis.space.terms import LeaseTerms
from landgis.space.units import find_units, require_lettable, unit_label
from landgis.workflow import ENDED_STATUSES, Workflow

LEASE_NO_PREFIX = "ZL"
# Revitalized floor area below this is rounding, not area (m²).
FLOOR_AREA_TOLERANCE_M2 = 0.005


def next_lease_no(session: Session, year: int) -> str:
    """The next free lease number ``ZL-YEAR-NNN``."""
    stem = f"{LEASE_NO_PREFIX}-{year}-"
    taken = session.scalars(select(Lease.lease_no).where(Lease.lease_no.like(f"{stem}%")))
    numbers = [int(n[len(stem) :]) for n in taken if n[len(stem) :].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:03d}"


def get_lease(session: Session, lease_no: str, *, for_update: bool = False) -> Lease:
    """The lease ``lease_no``; NotFound otherwise."""
    stmt = select(Lease).where(Lease.lease_no == lease_no.strip())
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    lease = session.scalars(stmt).one_or_none()
    if lease is None:
        raise NotFound(_("租约 {lease_no} 不存在。", lease_no=lease_no))
    return lease


def _check_terms(terms: LeaseTerms) -> None:
    if not terms.tenant.strip():
        raise InvalidInput(_("租约须写明承租人。"))
    if terms.end_date < terms.start_date:
        raise InvalidInput(
            _("租期结束日 {end} 早于起租日 {start}。", end=terms.end_date, start=terms.start_date)
        )
    code = (terms.tenant_credit_code or "").strip().upper()
    if code and not credit_code.is_valid(code):
        raise InvalidInput(_("统一社会信用代码 {code} 无效(校验位不符)。", code=code))
    if terms.rent_yuan_m2_month is not None and terms.rent_yuan_m2_month < 0:
        raise InvalidInput(_("租金不能为负数。"))


def lease_end(lease: Lease) -> dt.date:
    """The last day the lease lets its units: its end date, or the day it ended early."""
    return lease.ended_on if lease.ended_on is not None else lease.end_date


def _refuse_overlaps(
    session: Session, units: Sequence[BuildingUnit], start: dt.date, end: dt.date
) -> None:
    effective_end = func.coalesce(Lease.ended_on, Lease.end_date)
    stmt = (
        select(LeaseUnit.unit_id, Lease)
        .join(Lease, Lease.id == LeaseUnit.lease_id)
        .where(
            LeaseUnit.unit_id.in_([unit.id for unit in units]),
            Lease.start_date <= end,
            effective_end >= start,
            # a lease cancelled before its start lets nothing
            or_(Lease.ended_on.is_(None), Lease.ended_on >= Lease.start_date),
        )
        .order_by(Lease.start_date)
    )
    clash = session.execute(stmt).first()
    if clash is None:
        return
    unit_id, other = clash
    unit = next(u for u in units if u.id == unit_id)
    raise Conflict(
        _(
            "单元 {unit} 在 {start} 至 {end} 已由 {tenant} 承租(租约 {lease_no}),"
            "与本租期重叠;一个单元同一时间只能有一份租约。",
            unit=unit_label(unit),
            start=other.start_date,
            end=lease_end(other),
            tenant=other.tenant,
            lease_no=other.lease_no,
        )
    )


def _case_of(session: Session, building: Building) -> Case | None:
    """The building's parcel's case still in the ledger, if the building is its idle
    factory space."""
    if building.state != "idle":
        return None
    case_id = session.scalar(select(current_case_id(building.parcel_id)))
    case = session.get(Case, case_id) if case_id is not None else None
    if case is None or case.status in ENDED_STATUSES:
        return None
    return case


def _count_on_case(
    session: Session, lease: Lease, building: Building, actor: Actor, workflow: Workflow
) -> None:
    """Count the lease's floor area as revitalized on the case of its building, if any."""
    case = _case_of(session, building)
    if case is None:
        return
    if case.status != "disposing":
        raise InvalidInput(
            _(
                "厂房 {building} 是台账条目 {case_no} 的闲置厂房,该条目为“{status}”;"
                "出租须在“处置中”登记(处置方式:租赁转产)。",
                building=building.name,
                case_no=case.case_no,
                status=term("status", case.status),
            )
        )
    remaining = (case.idle_building_area_m2 or 0.0) - (case.revitalized_building_area_m2 or 0.0)
    counted = min(lease.area_m2, remaining)
    if counted < FLOOR_AREA_TOLERANCE_M2:
        return
    fields = {"new_holder": lease.tenant}
    if lease.project:
        fields["new_project"] = lease.project
    note = _(
        "租约 {lease_no}:{tenant} 承租 {units},{area:.2f} ㎡,{start} 起租",
        lease_no=lease.lease_no,
        tenant=lease.tenant,
        units="、".join(unit_label(unit) for unit in lease.units),
        area=lease.area_m2,
        start=lease.start_date,
    )
    cases.record_revitalization(
        session,
        case.case_no,
        version=case.version,
        actor=actor,
        occurred_on=lease.start_date,
        area_m2=0.0,
        building_area_m2=counted,
        fields=fields,
        note=note.render(),
        workflow=workflow,
    )
    lease.case_id = case.id


def _let(session: Session, lease: Lease, actor: Actor, workflow: Workflow) -> None:
    """Start the lease: its units are let, and its floor area counts on the case of their
    building."""
    lease.status = "active"
    for unit in lease.units:
        unit.state = "leased"
    session.flush()
    building = lease.units[0].building
    _count_on_case(session, lease, building, actor, workflow)
    if building.state == "idle" and lease.case_id is not None:
        vacant = session.scalar(
            select(func.count())
            .select_from(BuildingUnit)
            .where(BuildingUnit.building_id == building.id, BuildingUnit.state == "vacant")
        )
        if not vacant:
            building.state = "revitalized"
    session.flush()


def sign_lease(
    session: Session,
    *,
    building_id: int,
    unit_nos: Sequence[str],
    terms: LeaseTerms,
    actor: Actor,
    workflow: Workflow,
    lease_no: str | None = None,
) -> Lease:
    """Record a lease of the building's units ``unit_nos``. One that starts today or
    earlier starts at once (:func:`start_lease`); one that starts later waits, signed.

    Refused (nothing written) for a viewer, an unknown or repeated unit, a unit owner-
    occupied or being built, a unit let to another lease for any day of the period, a
    number already used, or a building of a case not yet being disposed of."""
    cases.require_editor(actor)
    _check_terms(terms)
    if not unit_nos:
        raise InvalidInput(_("租约须至少包含一个单元。"))
    if len(set(unit_nos)) != len(unit_nos):
        raise InvalidInput(_("同一单元在租约中出现了两次。"))
    units = find_units(session, building_id, unit_nos, for_update=True)
    for unit in units:
        require_lettable(unit)
    _refuse_overlaps(session, units, terms.start_date, terms.end_date)
    number = (lease_no or "").strip() or next_lease_no(session, terms.start_date.year)
    if session.scalar(select(Lease.id).where(Lease.lease_no == number)) is not None:
        raise InvalidInput(_("租约编号 {lease_no} 已被使用。", lease_no=number))
    code = (terms.tenant_credit_code or "").strip().upper() or None
    lease = Lease(
        lease_no=number,
        tenant=terms.tenant.strip(),
        tenant_credit_code=code,
        start_date=terms.start_date,
        end_date=terms.end_date,
        rent_yuan_m2_month=terms.rent_yuan_m2_month,
        area_m2=sum(unit.floor_area_m2 for unit in units),
        project=(terms.project or "").strip() or None,
        remarks=terms.remarks,
        status="signed",
        actor=actor.username,
        recorded_at=wallclock.utc_now(),
        units=list(units),
    )
    session.add(lease)
    session.flush()
    if terms.start_date <= wallclock.today():
        _let(session, lease, actor, workflow)
    return lease


def start_lease(session: Session, lease_no: str, *, actor: Actor, workflow: Workflow) -> Lease:
    """Start a lease signed ahead of its start date, once the day has come."""
    cases.require_editor(actor)
    lease = get_lease(session, lease_no, for_update=True)
    if lease.status != "signed":
        raise Conflict(
            _(
                "租约 {lease_no} 为“{status}”,不能再起租。",
                lease_no=lease.lease_no,
                status=term("lease_status", lease.status),
            )
        )
    if lease.start_date > wallclock.today():
        raise InvalidInput(
            _(
                "租约 {lease_no} 的起租日为 {start},尚未到期。",
                lease_no=lease.lease_no,
                start=lease.start_date,
            )
        )
    _let(session, lease, actor, workflow)
    return lease


def end_lease(
    session: Session,
    lease_no: str,
    *,
    actor: Actor,
    ended_on: dt.date | None = None,
    reason: str | None = None,
) -> Lease:
    """End a lease on ``ended_on`` (its last day; default: its end date, or today if that is
    later than today): its units are vacant again. A lease signed and not started is
    cancelled the same way. What it revitalized stays revitalized."""
    cases.require_editor(actor)
    lease = get_lease(session, lease_no, for_update=True)
    if lease.status == "ended":
        raise Conflict(
            _("租约 {lease_no} 已于 {day} 结束。", lease_no=lease.lease_no, day=lease.ended_on)
        )
    today = wallclock.today()
    day = ended_on or min(lease.end_date, today)
    if day > today:
        raise InvalidInput(_("日期 {day} 晚于今天,不能预先登记。", day=day))
    if lease.status == "active" and day < lease.start_date:
        raise InvalidInput(_("结束日 {day} 早于起租日 {start}。", day=day, start=lease.start_date))
    if day > lease.end_date:
        day = lease.end_date
    lease.status = "ended"
    lease.ended_on = day
    if reason:
        lease.remarks = "\n".join(filter(None, [lease.remarks, reason.strip()]))
    for unit in lease.units:
        if unit.state == "leased":
            unit.state = "vacant"
    session.flush()
    return lease


def expiring_leases(session: Session, today: dt.date, days_ahead: int) -> list[Lease]:
    """The leases let today whose end date is within ``days_ahead`` days, or already past
    while they are still recorded as let: soonest first."""
    stmt = (
        select(Lease)
        .where(Lease.status == "active", Lease.end_date <= today + dt.timedelta(days=days_ahead))
        .order_by(Lease.end_date, Lease.lease_no)
    )
    return list(session.scalars(stmt))
