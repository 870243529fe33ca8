"""How well one candidate suits a project: a score of 0–100 from three parts, each with
its reason in words and figures. Pure functions: the figures come in, nothing is read.

- **Area fit** (:data:`AREA_POINTS`): the land need against the case's idle area still to
  revitalize, or the floor need against the vacant floor area offered. Full marks within
  ±20 % (:data:`FULL_WITHIN`); beyond that the points fall linearly, to nothing at half the
  need (:data:`SMALL_ZERO_AT`) below, and at twice the need (:data:`LARGE_ZERO_AT`) above.
  A candidate too small scores less than one as much too large: a project can leave part
  of a parcel or a floor unused, not build on land it does not have.
- **Industry fit** (:data:`INDUSTRY_POINTS`): full when the leading industries (主导产业,
  setting ``zone_industries``) of the candidate's zone or of a zone around it include the
  project's industry (the same words, or one containing the other: 食品 / 健康食品); half
  when they do not but the candidate lies in one of the project's preferred zones.
- **Availability** (:data:`AVAILABILITY_POINTS`): how far the land is from being
  available to a new user, by the case's status (:data:`AVAILABILITY`): 处置中 on a route
  that brings a new user is available now, 方案已批复 next, 已认定 lower, 疑似闲置 and
  调查中 lowest. A vacant unit of a standard factory building is available now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from landgis.i18n import DEFAULT_LANGUAGE, Localizable, _, listing, term
from landgis.i18n.values import Area

AREA_POINTS = 40.0
INDUSTRY_POINTS = 30.0
AVAILABILITY_POINTS = 30.0
FULL_WITHIN = 0.20
SMALL_ZERO_AT = -0.50
LARGE_ZERO_AT = 1.00
# The share of the availability points by the case's status.
AVAILABILITY: dict[str, float] = {
    "disposing": 1.0,
    "planned": 0.75,
    "identified": 0.5,
    "investigating": 0.25,
    "suspected": 0.25,
}
# The share of the industry points for a preferred zone whose industries do not match.
PREFERRED_ZONE_SHARE = 0.5


@dataclass(frozen=True)
class Part:
    """One part of a score: its name (``area``, ``industry``, ``availability``), the points
    it gave out of its maximum, and why."""

    name: str
    points: float
    max_points: float
    reason: Localizable

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The part as the API shows it, its reason in ``lang``."""
        return {
            "part": self.name,
            "points": self.points,
            "max_points": self.max_points,
            "reason": self.reason.render(lang),
        }


def total(parts: Iterable[Part]) -> float:
    """The score: the parts' points added, to one decimal."""
    return round(sum(part.points for part in parts), 1)


def area_fit(need_m2: float, offered_m2: float) -> float:
    """The share of the area points: 1 within ±20 % of the need, falling linearly to 0 at
    half the need below and at twice the need above."""
    difference = (offered_m2 - need_m2) / need_m2
    if -FULL_WITHIN <= difference <= FULL_WITHIN:
        return 1.0
    if difference < 0:
        return max(0.0, (difference - SMALL_ZERO_AT) / (-FULL_WITHIN - SMALL_ZERO_AT))
    return max(0.0, (LARGE_ZERO_AT - difference) / (LARGE_ZERO_AT - FULL_WITHIN))


def _verdict(difference: float, fit: float) -> Localizable:
    if fit == 1.0:
        return _("在 ±20% 以内")
    if fit == 0.0:
        return _("面积不足一半") if difference < 0 else _("超过需求一倍以上")
    return _("面积偏小") if difference < 0 else _("面积偏大")


def _points(share: float, maximum: float) -> float:
    return round(share * maximum, 1)


def land_part(need_m2: float, idle_m2: float) -> Part:
    """Area fit of a parcel: the land need against the idle area still to revitalize."""
    fit = area_fit(need_m2, idle_m2)
    difference = (idle_m2 - need_m2) / need_m2
    reason = _(
        "用地需求 {need},闲置面积 {offered},相差 {difference:+.1f}%,{verdict}",
        need=Area(need_m2, "mu"),
        offered=Area(idle_m2, "mu"),
        difference=difference * 100,
        verdict=_verdict(difference, fit),
    )
    return Part("area", _points(fit, AREA_POINTS), AREA_POINTS, reason)


def floor_part(need_m2: float, vacant_m2: float, units: Sequence[str]) -> Part:
    """Area fit of vacant units: the floor need against their floor area."""
    fit = area_fit(need_m2, vacant_m2)
    difference = (vacant_m2 - need_m2) / need_m2
    reason = _(
        "厂房需求 {need},空置单元 {units} 共 {offered},相差 {difference:+.1f}%,{verdict}",
        need=Area(need_m2),
        units=listing(units),
        offered=Area(vacant_m2),
        difference=difference * 100,
        verdict=_verdict(difference, fit),
    )
    return Part("area", _points(fit, AREA_POINTS), AREA_POINTS, reason)


def industry_matches(industry: str, leading: str) -> bool:
    """Whether a project's industry is a zone's leading industry: the same words, or one
    containing the other (食品 / 健康食品)."""
    a, b = industry.strip().casefold(), leading.strip().casefold()
    return bool(a and b) and (a in b or b in a)


def industry_part(
    industry: str | None,
    zones: Sequence[str],
    zone_industries: Mapping[str, Sequence[str]],
    preferred_zones: Sequence[str],
) -> Part:
    """Industry fit of a candidate in ``zones`` (its own zone first, then the zones around
    it), given each zone's leading industries and the project's preferred zones."""
    zone = zones[0] if zones else None
    where = zone or _("(无片区)")
    leading = [name for z in zones for name in zone_industries.get(z, ())]
    leading = list(dict.fromkeys(leading))
    preferred = next((z for z in zones if z in preferred_zones), None)
    if not (industry or "").strip():
        return Part("industry", 0.0, INDUSTRY_POINTS, _("项目未填产业,无法比对主导产业"))
    matched = next((name for name in leading if industry_matches(industry or "", name)), None)
    if matched is not None:
        owner = next(z for z in zones if matched in zone_industries.get(z, ()))
        reason = _(
            "{zone} 的主导产业({industries})包括 {industry}",
            zone=owner,
            industries=listing(zone_industries[owner]),
            industry=industry,
        )
        return Part("industry", INDUSTRY_POINTS, INDUSTRY_POINTS, reason)
    if not leading:
        missing: Localizable = _("{zone} 未设主导产业", zone=where)
    else:
        missing = _(
            "{zone} 的主导产业({industries})不含 {industry}",
            zone=where,
            industries=listing(leading),
            industry=industry,
        )
    if preferred is not None:
        reason = _("{missing};但位于项目意向片区 {zone}", missing=missing, zone=preferred)
        return Part(
            "industry",
            _points(PREFERRED_ZONE_SHARE, INDUSTRY_POINTS),
            INDUSTRY_POINTS,
            reason,
        )
    return Part("industry", 0.0, INDUSTRY_POINTS, missing)


def case_availability_part(case_no: str, status: str, route: str | None) -> Part:
    """Availability of a case's land, by its status (:data:`AVAILABILITY`)."""
    share = AVAILABILITY.get(status, 0.0)
    how: Localizable = term("route", route) if route else _("未定")
    if status == "disposing":
        reason = _("{case_no} 处置中,处置方式“{route}”可引入新用地单位", case_no=case_no, route=how)
    elif status == "planned":
        reason = _(
            "{case_no} 处置方案已批复(处置方式“{route}”),尚待实施", case_no=case_no, route=how
        )
    elif status == "identified":
        reason = _("{case_no} 已认定,处置方案尚未批复", case_no=case_no)
    else:
        reason = _(
            "{case_no} 为“{status}”,尚未认定,距可供地最远",
            case_no=case_no,
            status=term("status", status),
        )
    return Part("availability", _points(share, AVAILABILITY_POINTS), AVAILABILITY_POINTS, reason)


def units_availability_part() -> Part:
    """Availability of vacant units: now."""
    return Part(
        "availability", AVAILABILITY_POINTS, AVAILABILITY_POINTS, _("单元空置,即可签约租用")
    )
