"""The candidates the ledger and the standard factory buildings offer a project, ranked.

Candidates of a project with a land need (``land_need_m2``) are **parcels in the ledger**:

- their case is open (疑似闲置, 调查中, 已认定, 方案已批复, 处置中 — not 已盘活, 已销号 or
  不予认定), of the categories 闲置土地 or 低效用地 (:data:`CATEGORIES`);
- its route brings a new user to the land (:data:`NEW_USER_ROUTES`: 依法回购 and
  无偿收回, after which the county supplies the land anew; 司法拍卖; 置换土地, 兼并重组
  and 分割转让, which pass it to another enterprise), or no route is chosen yet. Routes
  that keep the land with its holder (征缴闲置费, 延长动工期限, 调整用途, 临时使用,
  企业自行盘活, 其他) and 租赁转产 (the holder lets its buildings; a lease is the way in,
  not the land) offer nothing;
- no new holder is recorded on the case yet (the land is not promised to another).

The area offered is the case's idle area not yet revitalized.

Candidates of a project with a floor need (``floor_need_m2``) are **the vacant units of
standard factory buildings** (标准厂房), one candidate per building: the vacant units not
promised to a lease signed ahead, and of them the set whose floor area fits the need best
(fewest units, then least area, on a tie).

Each candidate is scored by :mod:`landgis.projects.scoring`; they are ranked best first,
ties by code (the case number, or the building's parcel code and name).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis.db.models import Building, BuildingUnit, Case, Lease, LeaseUnit, Parcel, Project, Zone
from landgis.errors import Conflict, InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, _, term
from landgis.projects.scoring import (
    Part,
    area_fit,
    case_availability_part,
    floor_part,
    industry_part,
    land_part,
    total,
    units_availability_part,
)
from landgis.units import m2_to_mu

OPEN_STATUSES = ("suspected", "investigating", "identified", "planned", "disposing")
CATEGORIES = ("idle", "low_efficiency")
NEW_USER_ROUTES = (
    "buyback",
    "free_recovery",
    "judicial_auction",
    "land_swap",
    "merger",
    "split_transfer",
)
# Above this many vacant units a building's set is chosen largest first, not tried whole.
EXHAUSTIVE_UNITS = 12
# Idle area below this is rounding, not land (m²).
AREA_TOLERANCE_M2 = 0.005


@dataclass(frozen=True)
class Candidate:
    """One candidate of a project: a case's parcel, or vacant units of one building."""

    kind: str  # "case" or "lease"
    code: str
    parcel_code: str
    zone: str | None
    offered_m2: float
    parts: tuple[Part, ...]
    geometry: Mapping[str, Any] | None
    case_no: str | None = None
    status: str | None = None
    route: str | None = None
    building_id: int | None = None
    building: str | None = None
    unit_nos: tuple[str, ...] = field(default_factory=tuple)

    @property
    def score(self) -> float:
        """The score, 0–100."""
        return total(self.parts)

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The candidate as the API shows it, its reasons in ``lang``, its geometry as
        GeoJSON in lon/lat."""
        return {
            "kind": self.kind,
            "code": self.code,
            "case_no": self.case_no,
            "status": self.status,
            "route": self.route,
            "parcel_code": self.parcel_code,
            "building_id": self.building_id,
            "building": self.building,
            "unit_nos": list(self.unit_nos),
            "zone": self.zone,
            "area_m2": round(self.offered_m2, 2),
            "area_mu": round(m2_to_mu(self.offered_m2), 2),
            "score": self.score,
            "parts": [part.to_dict(lang) for part in self.parts],
            "reasons": [part.reason.render(lang) for part in self.parts],
            "geometry": self.geometry,
        }


def _zone_chains(session: Session) -> dict[int, list[str]]:
    """Each zone's name followed by the names of the zones around it."""
    rows = session.execute(select(Zone.id, Zone.name, Zone.parent_id)).all()
    by_id = {row.id: row for row in rows}
    chains: dict[int, list[str]] = {}
    for row in rows:
        chain: list[str] = []
        zone_id: int | None = row.id
        while zone_id is not None and zone_id in by_id and by_id[zone_id].name not in chain:
            chain.append(by_id[zone_id].name)
            zone_id = by_id[zone_id].parent_id
        chains[row.id] = chain
    return chains


def _geojson(wkb: bytes | None) -> dict[str, Any] | None:
    if wkb is None:
        return None
    shape = shapely.from_wkb(bytes(wkb))
    return None if shape.is_empty else dict(shapely.geometry.mapping(shape))


def case_refusal(case: Case) -> Localizable | None:
    """Why the case's land is no candidate for a project; None when it is one."""
    if case.status not in OPEN_STATUSES:
        return _(
            "台账条目 {case_no} 为“{status}”,不再提供给招商项目。",
            case_no=case.case_no,
            status=term("status", case.status),
        )
    if case.category not in CATEGORIES:
        return _(
            "台账条目 {case_no} 为“{category}”,只有闲置土地和低效用地提供给招商项目。",
            case_no=case.case_no,
            category=term("category", case.category),
        )
    if case.route is not None and case.route not in NEW_USER_ROUTES:
        return _(
            "台账条目 {case_no} 的处置方式“{route}”不引入新用地单位,土地仍归原使用权人。",
            case_no=case.case_no,
            route=term("route", case.route),
        )
    if (case.new_holder or "").strip():
        return _(
            "台账条目 {case_no} 已登记新用地单位 {holder}。",
            case_no=case.case_no,
            holder=case.new_holder,
        )
    if (case.idle_area_m2 or 0.0) - (case.revitalized_area_m2 or 0.0) < AREA_TOLERANCE_M2:
        return _("台账条目 {case_no} 已无未盘活的闲置面积。", case_no=case.case_no)
    return None


def _zones_of(chains: Mapping[int, list[str]], zone_id: int | None) -> list[str]:
    return chains.get(zone_id, []) if zone_id is not None else []


def case_candidate(
    project: Project,
    case: Case,
    zones: Sequence[str],
    zone_industries: Mapping[str, Sequence[str]],
    geometry: Mapping[str, Any] | None = None,
) -> Candidate:
    """The case's parcel scored for the project (which has a land need)."""
    if project.land_need_m2 is None:
        raise InvalidInput(
            _("招商项目 {project_no} 未填用地需求,不能匹配地块。", project_no=project.project_no)
        )
    idle = (case.idle_area_m2 or 0.0) - (case.revitalized_area_m2 or 0.0)
    parts = (
        land_part(project.land_need_m2, idle),
        industry_part(project.industry, zones, zone_industries, project.preferred_zones or []),
        case_availability_part(case.case_no, case.status, case.route),
    )
    return Candidate(
        kind="case",
        code=case.case_no,
        parcel_code=case.parcel.parcel_code,
        zone=zones[0] if zones else None,
        offered_m2=idle,
        parts=parts,
        geometry=geometry,
        case_no=case.case_no,
        status=case.status,
        route=case.route,
    )


def case_candidates(
    session: Session, project: Project, zone_industries: Mapping[str, Sequence[str]]
) -> list[Candidate]:
    """The ledger's parcels offered to ``project`` (none without a land need)."""
    if project.land_need_m2 is None:
        return []
    chains = _zone_chains(session)
    stmt = (
        select(Case, Parcel.zone_id, func.ST_AsBinary(Parcel.geom))
        .join(Parcel, Parcel.id == Case.parcel_id)
        .where(Case.status.in_(OPEN_STATUSES))
    )
    found = []
    for case, zone_id, wkb in session.execute(stmt):
        if case_refusal(case) is None:
            zones = _zones_of(chains, zone_id)
            found.append(case_candidate(project, case, zones, zone_industries, _geojson(wkb)))
    return found


def best_units(need_m2: float, units: Sequence[tuple[str, float]]) -> tuple[tuple[str, ...], float]:
    """The units (number, floor area) whose floor area fits the need best, and that area:
    of equal fit, the fewest units, then the least area. Up to :data:`EXHAUSTIVE_UNITS`
    units every set is tried; more are taken largest first until the need is met."""
    if not units:
        return (), 0.0
    if len(units) > EXHAUSTIVE_UNITS:
        chosen: list[tuple[str, float]] = []
        for unit in sorted(units, key=lambda u: (-u[1], u[0])):
            if sum(area for _no, area in chosen) >= need_m2:
                break
            chosen.append(unit)
        ordered = [u for u in units if u in chosen]
        return tuple(no for no, _area in ordered), sum(area for _no, area in ordered)
    best: tuple[float, int, float] | None = None
    pick: tuple[tuple[str, float], ...] = ()
    for size in range(1, len(units) + 1):
        for subset in itertools.combinations(units, size):
            area = sum(a for _no, a in subset)
            key = (-area_fit(need_m2, area), size, area)
            if best is None or key < best:
                best, pick = key, subset
    return tuple(no for no, _area in pick), sum(a for _no, a in pick)


def vacant_units(session: Session, building_id: int) -> list[BuildingUnit]:
    """The building's vacant units not promised to a lease signed ahead of its start."""
    promised = (
        select(LeaseUnit.unit_id)
        .join(Lease, Lease.id == LeaseUnit.lease_id)
        .where(Lease.status == "signed")
    )
    stmt = (
        select(BuildingUnit)
        .where(
            BuildingUnit.building_id == building_id,
            BuildingUnit.state == "vacant",
            BuildingUnit.id.not_in(promised),
        )
        .order_by(BuildingUnit.floor, BuildingUnit.unit_no)
    )
    return list(session.scalars(stmt))


def units_candidate(
    project: Project,
    building: Building,
    units: Sequence[BuildingUnit],
    zones: Sequence[str],
    zone_industries: Mapping[str, Sequence[str]],
    geometry: Mapping[str, Any] | None = None,
) -> Candidate:
    """The given vacant units of a standard building scored for the project."""
    if project.floor_need_m2 is None:
        raise InvalidInput(
            _(
                "招商项目 {project_no} 未填厂房需求,不能匹配厂房单元。",
                project_no=project.project_no,
            )
        )
    area = sum(unit.floor_area_m2 for unit in units)
    labels = [unit.unit_no for unit in units]
    parts = (
        floor_part(project.floor_need_m2, area, labels),
        industry_part(project.industry, zones, zone_industries, project.preferred_zones or []),
        units_availability_part(),
    )
    return Candidate(
        kind="lease",
        code=f"{building.parcel.parcel_code} {building.name}",
        parcel_code=building.parcel.parcel_code,
        zone=zones[0] if zones else None,
        offered_m2=area,
        parts=parts,
        geometry=geometry,
        building_id=building.id,
        building=building.name,
        unit_nos=tuple(unit.unit_no for unit in units),
    )


def building_refusal(building: Building) -> Localizable | None:
    """Why a building's units are no candidate for a project; None when they may be."""
    if building.kind != "standard":
        return _(
            "厂房 {building} 是企业厂房;招商项目只匹配标准厂房的空置单元。",
            building=building.name,
        )
    return None


def unit_candidates(
    session: Session, project: Project, zone_industries: Mapping[str, Sequence[str]]
) -> list[Candidate]:
    """Vacant units of standard buildings offered to ``project``, one candidate per
    building (none without a floor need)."""
    need = project.floor_need_m2
    if need is None:
        return []
    chains = _zone_chains(session)
    geometry = func.ST_AsBinary(func.coalesce(Building.footprint, Parcel.geom))
    stmt = (
        select(Building, Parcel.zone_id, geometry)
        .join(Parcel, Parcel.id == Building.parcel_id)
        .where(Building.kind == "standard")
        .order_by(Building.id)
    )
    found = []
    for building, zone_id, wkb in session.execute(stmt):
        units = vacant_units(session, building.id)
        if not units:
            continue
        chosen, _offered = best_units(need, [(u.unit_no, u.floor_area_m2) for u in units])
        picked = [u for u in units if u.unit_no in chosen]
        zones = _zones_of(chains, zone_id)
        found.append(
            units_candidate(project, building, picked, zones, zone_industries, _geojson(wkb))
        )
    return found


def rank(found: Sequence[Candidate]) -> list[Candidate]:
    """Best first; ties by code."""
    return sorted(found, key=lambda c: (-c.score, c.code))


def candidates(
    session: Session, project: Project, zone_industries: Mapping[str, Sequence[str]]
) -> list[Candidate]:
    """Every candidate of ``project``, ranked. A project with neither a land nor a floor
    need has none to rank: refused with a message saying what to fill in."""
    if project.land_need_m2 is None and project.floor_need_m2 is None:
        raise Conflict(
            _(
                "招商项目 {project_no} 未填用地需求(亩)或厂房需求(㎡),无法匹配。",
                project_no=project.project_no,
            )
        )
    found = case_candidates(session, project, zone_industries)
    found += unit_candidates(session, project, zone_industries)
    return rank(found)


def zones_of_parcel(session: Session, parcel_id: int) -> list[str]:
    """The parcel's zone and the zones around it, by name."""
    zone_id = session.scalar(select(Parcel.zone_id).where(Parcel.id == parcel_id))
    return _zones_of(_zone_chains(session), zone_id)
