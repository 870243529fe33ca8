"""The ``cases`` collection (台账条目): every ledger case with its parcel's geometry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from landgis.collection_properties import PROPERTY_MAPS, last_event_on
from landgis.db.models import Case, Parcel, Zone
from landgis.db.query_types import AnySelect
from landgis.feature_properties import Property, members
from landgis.features.base import Collection, Temporal, feature_sql, keys_of
from landgis.ogc_crs import DEFAULT_CRS, Crs
from landgis.parcels import ParcelFilter, apply_filters


def _features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = PROPERTY_MAPS["cases"].properties,
) -> AnySelect:
    feature = feature_sql(Case.case_no, Parcel.geom, members(properties, today), crs)
    stmt = (
        select(Case.case_no.label("key"), feature.label("feature"))
        .join(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
    )
    columns = (Case.case_no, Parcel.parcel_code, Parcel.holder, Parcel.project_name)
    return apply_filters(stmt, filters, *columns, day=today)


def _geometry() -> AnySelect:
    return select(Parcel.geom.label("geom")).join(Case, Case.parcel_id == Parcel.id)


CASES = Collection(
    id="cases",
    title="台账条目 Ledger cases",
    description=(
        "闲置/低效用地台账的每一条目,含处置字段与所在宗地的图形(含不予认定/已撤销的条目,"
        "见 status)。 One feature per ledger case with its fields and its parcel's"
        " geometry; dismissed cases included (see status)."
    ),
    id_column="case_no",
    filters=("status", "zone", "category", "route", "cause", "overdue", "text"),
    key=lambda: Case.case_no,
    features=_features,
    keys=lambda f, today: keys_of(_features(f, today)),
    geometry=_geometry,
    properties=PROPERTY_MAPS["cases"],
    temporal=Temporal("last_event_on", last_event_on, lambda: Case, day=True),
)
