"""The ``buildings`` collection (厂房): every factory building with its footprint, its
parcel, zone and current case, and its units' floor area by state
(:mod:`landgis.space.collection`).

A building with no footprint recorded is a feature with a null geometry (as OGC API -
Features allows): it is listed and filtered by its properties, but no ``bbox`` or spatial
filter selects it, and it adds nothing to the extent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from landgis.db.models import Building
from landgis.db.query_types import AnySelect
from landgis.feature_properties import Property, members
from landgis.features.base import Collection, feature_sql
from landgis.ogc_crs import DEFAULT_CRS, Crs
from landgis.parcels import ParcelFilter, bbox_condition
from landgis.space import collection as space_collection


def _features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = space_collection.PROPERTIES.properties,
) -> AnySelect:
    feature = feature_sql(Building.id, Building.footprint, members(properties, today), crs)
    stmt = space_collection.joined(select(Building.id.label("key"), feature.label("feature")))
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Building.footprint, filters))
    return stmt


def _keys(filters: ParcelFilter, today: dt.date) -> AnySelect:
    # Every building has its parcel (a foreign key): nothing else leaves one out.
    stmt = select(Building.id.label("key"))
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Building.footprint, filters))
    return stmt


BUILDINGS = Collection(
    id=space_collection.COLLECTION_ID,
    title="厂房 Factory buildings",
    description=(
        "每栋厂房的轮廓、类型、状态、产权人、层数与面积,所在宗地、片区及当前台账条目,"
        "各状态单元的面积(空置、已出租、自用、在建)与出租率;未登记轮廓的厂房几何为空,"
        "不参与 bbox 与空间筛选。 One feature per factory building: its footprint, kind,"
        " state, owner, floors and areas, its parcel, zone and current case, its units'"
        " floor area by state and the occupancy rate. Buildings with no footprint have a"
        " null geometry and are left out of bbox and spatial filters."
    ),
    id_column="id",
    filters=(),
    key=lambda: Building.id,
    features=_features,
    keys=_keys,
    geometry=lambda: select(Building.footprint.label("geom")),
    properties=space_collection.PROPERTIES,
    integer_key=True,
)
