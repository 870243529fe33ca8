"""The ``zones`` collection (片区): the county, the park and its areas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from landgis.collection_properties import PARENT_ZONE, PROPERTY_MAPS
from landgis.db.models import Zone
from landgis.db.query_types import AnySelect
from landgis.feature_properties import Property, members
from landgis.features.base import Collection, feature_sql, keys_of
from landgis.ogc_crs import DEFAULT_CRS, Crs
from landgis.parcels import ParcelFilter, bbox_condition


def _features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = PROPERTY_MAPS["zones"].properties,
) -> AnySelect:
    feature = feature_sql(Zone.code, Zone.geom, members(properties, today), crs)
    stmt = select(Zone.code.label("key"), feature.label("feature")).outerjoin(
        PARENT_ZONE, PARENT_ZONE.id == Zone.parent_id
    )
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Zone.geom, filters))
    return stmt


ZONES = Collection(
    id="zones",
    title="片区 Zones",
    description=(
        "县界、园区及其片区的边界。 Boundaries of the county (kind county), the park"
        " (park) and its areas (area)."
    ),
    id_column="code",
    filters=(),
    key=lambda: Zone.code,
    features=_features,
    keys=lambda f, today: keys_of(_features(f, today)),
    geometry=lambda: select(Zone.geom.label("geom")),
    properties=PROPERTY_MAPS["zones"],
)
