"""The ``projects`` collection (招商项目): every project with its needs, stage and
matches; its geometry the union of its matched parcels, null when it has none
(:mod:`landgis.projects.collection`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from landgis.db.models import Project
from landgis.db.query_types import AnySelect
from landgis.feature_properties import Property, members
from landgis.features.base import Collection, feature_sql
from landgis.ogc_crs import DEFAULT_CRS, Crs
from landgis.parcels import ParcelFilter, bbox_condition
from landgis.projects import collection as project_collection


def _features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = project_collection.PROPERTIES.properties,
) -> AnySelect:
    geometry = project_collection.footprint()
    feature = feature_sql(Project.project_no, geometry, members(properties, today), crs)
    stmt = select(Project.project_no.label("key"), feature.label("feature"))
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(project_collection.footprint(), filters))
    return stmt


def _keys(filters: ParcelFilter, today: dt.date) -> AnySelect:
    stmt = select(Project.project_no.label("key"))
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(project_collection.footprint(), filters))
    return stmt


PROJECTS = Collection(
    id=project_collection.COLLECTION_ID,
    title="招商项目 Investment projects",
    description=(
        "每个招商项目的投资方、产业、投资额、用地(亩、平方米)与厂房需求、意向片区、"
        "阶段(洽谈、签约、落地、投产)及各阶段日期、招商负责人和匹配的台账条目与租赁;"
        "几何为匹配宗地的合并,未匹配的项目几何为空。 One feature per investment project:"
        " investor, industry, investment, land and floor space needs, preferred zones,"
        " stage and stage dates, staff, matched cases and leases; the geometry is the"
        " union of the matched parcels, null for a project matched to nothing."
    ),
    id_column="project_no",
    filters=(),
    key=lambda: Project.project_no,
    features=_features,
    keys=_keys,
    geometry=lambda: select(project_collection.footprint().label("geom")).select_from(Project),
    properties=project_collection.PROPERTIES,
)
