"""The ``efficiency`` collection (亩均效益评价): the stored results of the per-mu
evaluation, one per parcel and year (:mod:`landgis.efficiency.collection`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from landgis.db.models import EfficiencyResult, Parcel
from landgis.db.query_types import AnySelect
from landgis.efficiency import collection as efficiency_collection
from landgis.feature_properties import Property, members
from landgis.features.base import Collection, Temporal, feature_sql
from landgis.ogc_crs import DEFAULT_CRS, Crs
from landgis.parcels import ParcelFilter, bbox_condition


def _features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = efficiency_collection.PROPERTIES.properties,
) -> AnySelect:
    key = EfficiencyResult.key
    feature = feature_sql(key, Parcel.geom, members(properties, today), crs)
    stmt = efficiency_collection.joined(select(key.label("key"), feature.label("feature")))
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Parcel.geom, filters))
    return stmt


def _keys(filters: ParcelFilter, today: dt.date) -> AnySelect:
    stmt = select(EfficiencyResult.key.label("key")).select_from(EfficiencyResult)
    # Only what joins the parcels may leave a result out: a parcel gone, or outside bbox.
    stmt = stmt.join(Parcel, Parcel.id == EfficiencyResult.parcel_id)
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Parcel.geom, filters))
    return stmt


EFFICIENCY = Collection(
    id=efficiency_collection.COLLECTION_ID,
    title="亩均效益评价 Per-mu evaluation",
    description=(
        "每一年度参评企业所用的每宗地及该企业的亩均指标、得分、类别"
        "(A 优先发展、B 提升发展、C 整治提升、D 淘汰退出)与上年类别,"
        "按县里的评价设置计算。 One feature per parcel"
        " held by an enterprise evaluated in a year (id <year>-<parcel code>): the"
        " enterprise's figures, per-mu indicators, score, class A-D, previous class and"
        " trend, under the county's settings."
    ),
    id_column="key",
    filters=(),
    key=lambda: EfficiencyResult.key,
    features=_features,
    keys=_keys,
    geometry=lambda: efficiency_collection.joined(select(Parcel.geom.label("geom"))),
    properties=efficiency_collection.PROPERTIES,
    temporal=Temporal(
        "year",
        lambda: EfficiencyResult.year_start,
        lambda: EfficiencyResult,
        day=True,
        last=lambda: EfficiencyResult.year_end,
    ),
)
