"""The properties of the ``projects`` feature collection (招商项目): one feature per
project, its needs, stage and the days each stage was reached, and what it was matched
to; the geometry is the union of the parcels of its matches (:func:`matched_parcels`):
the case's parcel for a match to a case, the parcels of the leased units' buildings for a
match to a lease. A project matched to nothing has a null geometry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, union

from landgis import vocab
from landgis.db.backends import JoinedTexts, JsonListText, Rounded
from landgis.db.models import (
    Building,
    BuildingUnit,
    Case,
    Lease,
    LeaseUnit,
    Parcel,
    Project,
    ProjectMatch,
)
from landgis.feature_properties import GeometryProperty, Property, PropertyMap, PropertyType
from landgis.units import m2_to_mu

COLLECTION_ID = "projects"


def matched_parcels(project_id: Any) -> Any:
    """The ids of the parcels the project ``project_id`` (a column of an enclosing select
    over :class:`Project`) is matched to."""
    by_case = (
        select(Case.parcel_id.label("parcel_id"))
        .join(ProjectMatch, ProjectMatch.case_id == Case.id)
        .where(ProjectMatch.project_id == project_id)
        .correlate(Project)
    )
    by_lease = (
        select(Building.parcel_id.label("parcel_id"))
        .join(BuildingUnit, BuildingUnit.building_id == Building.id)
        .join(LeaseUnit, LeaseUnit.unit_id == BuildingUnit.id)
        .join(ProjectMatch, ProjectMatch.lease_id == LeaseUnit.lease_id)
        .where(ProjectMatch.project_id == project_id)
        .correlate(Project)
    )
    return union(by_case, by_lease)


def footprint() -> Any:
    """The union of the project's matched parcels (a MultiPolygon), NULL when none."""
    return (
        select(func.ST_Multi(func.ST_Union(Parcel.geom)))
        .where(Parcel.id.in_(matched_parcels(Project.id)))
        .correlate(Project)
        .scalar_subquery()
    )


def _case_nos() -> Any:
    return (
        select(JoinedTexts(Case.case_no))
        .join(ProjectMatch, ProjectMatch.case_id == Case.id)
        .where(ProjectMatch.project_id == Project.id)
        .correlate(Project)
        .scalar_subquery()
    )


def _lease_nos() -> Any:
    return (
        select(JoinedTexts(Lease.lease_no))
        .join(ProjectMatch, ProjectMatch.lease_id == Lease.id)
        .where(ProjectMatch.project_id == Project.id)
        .correlate(Project)
        .scalar_subquery()
    )


def _plain(
    name: str, sql: Any, kind: PropertyType, zh: str, en: str, enum: tuple[str, ...] = ()
) -> Property:
    return Property(name, lambda today: sql, kind, zh, en, enum)


def _properties() -> PropertyMap:
    project = Project
    properties = [
        _plain("project_no", project.project_no, "string", "项目编号", "Project number"),
        _plain("name", project.name, "string", "项目名称", "Project"),
        _plain("investor", project.investor, "string", "投资方", "Investor"),
        _plain(
            "investor_credit_code",
            project.investor_credit_code,
            "string",
            "投资方统一社会信用代码",
            "Investor's credit code",
        ),
        _plain("industry", project.industry, "string", "产业类别", "Industry"),
        _plain(
            "investment_wan_yuan",
            project.investment_wan_yuan,
            "number",
            "计划投资(万元)",
            "Investment (10k yuan)",
        ),
        _plain(
            "land_need_m2", project.land_need_m2, "number", "用地需求(平方米)", "Land need (m²)"
        ),
        _plain(
            "land_need_mu",
            Rounded(m2_to_mu(project.land_need_m2), 2),
            "number",
            "用地需求(亩)",
            "Land need (mu)",
        ),
        _plain(
            "floor_need_m2",
            project.floor_need_m2,
            "number",
            "厂房需求(平方米)",
            "Floor space need (m²)",
        ),
        _plain(
            "preferred_zones",
            JsonListText(project.preferred_zones),
            "string",
            "意向片区",
            "Preferred zones",
        ),
        _plain("stage", project.stage, "string", "阶段", "Stage", tuple(vocab.PROJECT_STAGES)),
        _plain("negotiating_on", project.negotiating_on, "date", "洽谈日期", "Negotiating since"),
        _plain("signed_on", project.signed_on, "date", "签约日期", "Signed on"),
        _plain("landed_on", project.landed_on, "date", "落地日期", "Landed on"),
        _plain("producing_on", project.producing_on, "date", "投产日期", "Producing since"),
        _plain("staff", project.staff, "string", "招商负责人", "Staff"),
        _plain("case_nos", _case_nos(), "string", "匹配台账编号", "Matched cases"),
        _plain("lease_nos", _lease_nos(), "string", "匹配租赁编号", "Matched leases"),
    ]
    geometry = GeometryProperty("geom", footprint, "匹配宗地图形", "Matched parcels", indexed=False)
    return PropertyMap(COLLECTION_ID, tuple(properties), geometry)


PROPERTIES = _properties()
