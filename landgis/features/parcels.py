"""The ``parcels`` collection (宗地): every parcel, each with its zone and current ledger
case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from landgis.collection_properties import PROPERTY_MAPS
from landgis.db.models import Parcel
from landgis.db.query_types import AnySelect
from landgis.feature_properties import Property, members
from landgis.features.base import Collection, Temporal, feature_sql
from landgis.ogc_crs import DEFAULT_CRS, Crs
from landgis.parcels import ParcelFilter, apply_filters, join_zone_and_current_case

CASE_FILTERS = ("status", "category", "route", "cause", "in_ledger", "overdue")


def _filtered(stmt: AnySelect, filters: ParcelFilter, today: dt.date) -> AnySelect:
    columns = (Parcel.parcel_code, Parcel.holder, Parcel.project_name)
    return apply_filters(stmt, filters, *columns, day=today)


def _joined(stmt: AnySelect, filters: ParcelFilter, today: dt.date) -> AnySelect:
    return _filtered(join_zone_and_current_case(stmt), filters, today)


def _keys(filters: ParcelFilter, today: dt.date) -> AnySelect:
    stmt = select(Parcel.parcel_code.label("key"))
    unset = ParcelFilter()
    if filters.zone or any(getattr(filters, f) != getattr(unset, f) for f in CASE_FILTERS):
        return _joined(stmt, filters, today)
    return _filtered(stmt, filters, today)


def _features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = PROPERTY_MAPS["parcels"].properties,
) -> AnySelect:
    feature = feature_sql(Parcel.parcel_code, Parcel.geom, members(properties, today), crs)
    stmt = select(Parcel.parcel_code.label("key"), feature.label("feature"))
    return _joined(stmt, filters, today)


PARCELS = Collection(
    id="parcels",
    title="宗地 Parcels",
    description=(
        "每宗国有建设用地及其当前台账条目(处置状态、问题类型、闲置原因、处置方式)。"
        " Every parcel of state-owned construction land with its current ledger case"
        " (status, category, cause, route). Areas in m², 亩 and 公顷."
    ),
    id_column="parcel_code",
    filters=("status", "zone", "category", "route", "cause", "in_ledger", "overdue", "text"),
    key=lambda: Parcel.parcel_code,
    features=_features,
    keys=_keys,
    geometry=lambda: select(Parcel.geom.label("geom")),
    properties=PROPERTY_MAPS["parcels"],
    temporal=Temporal("updated_at", lambda: Parcel.updated_at, lambda: Parcel),
)
