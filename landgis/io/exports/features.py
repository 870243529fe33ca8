"""The exported rows as features: each ledger row with its parcel's geometry (EPSG:4490),
chunk by chunk; or every parcel with its case (``scope="parcels"``), as one frame."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from landgis.geo import CGCS2000_EPSG, gk_zone_epsg
from landgis.io.exports.columns import EXPORT_KEYS, HEADERS, OVERDUE_HEADER, kind_of, ledger_table
from landgis.io.exports.options import AUTO_CRS
from landgis.io.exports.rows import LedgerData, has_case_filters
from landgis.ledger_rules.current_case import current_rows
from landgis.parcels import ParcelFilter, parcels_frame

FEATURE_KEYS: tuple[str, ...] = (*EXPORT_KEYS, "overdue")


def chinese_names() -> dict[str, str]:
    """Each feature key's Chinese field name."""
    return {**HEADERS, "overdue": OVERDUE_HEADER}


def empty_features() -> gpd.GeoDataFrame:
    """No features, with every column typed as the exported ones are."""
    table = ledger_table(pd.DataFrame())
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries([], crs=CGCS2000_EPSG))


def parcel_features(data: LedgerData) -> gpd.GeoDataFrame:
    """Every parcel (narrowed by zone, codes, bbox and text), each with its ledger row where
    it has one; case filters keep only parcels whose case matches, ``in_ledger=False`` only
    parcels without a case. One frame: it is bounded by the parcels of the filters."""
    f = data.filters
    everything = dataclasses.replace(data, filters=dataclasses.replace(f, in_ledger=None))
    rows = everything.rows_frame()
    ledger_codes = set(rows["parcel_code"].dropna())
    if f.in_ledger is False:
        rows = rows.iloc[0:0]
    else:
        data.count, data.case_nos = everything.count, everything.case_nos
    parcels = parcels_frame(
        data.session, ParcelFilter(zone=f.zone, codes=f.codes, bbox=f.bbox, text=f.text)
    )
    cases = current_rows(data.session, rows, parcel="parcel_code")
    if f.in_ledger is False:
        base = parcels[~parcels["parcel_code"].isin(ledger_codes)]
        how = "left"
    else:
        base, how = parcels, ("inner" if has_case_filters(f) else "left")
    merged = base[
        [
            "parcel_code",
            "project_name",
            "holder",
            "location",
            "land_use",
            "zone_name",
            "area_mu",
            "geometry",
        ]
    ].merge(cases, on="parcel_code", how=how, suffixes=("_parcel", ""))
    for key in ("project_name", "holder", "location", "land_use", "zone_name"):
        merged[key] = merged[key].where(merged[key].notna(), merged[f"{key}_parcel"])
    merged["parcel_area_mu"] = merged["parcel_area_mu"].fillna(merged["area_mu"].round(2))
    frame = merged[[*FEATURE_KEYS, "geometry"]].reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CGCS2000_EPSG)


def feature_chunks(data: LedgerData, scope: str = "ledger") -> Iterator[gpd.GeoDataFrame]:
    """The features (keys of :data:`FEATURE_KEYS` and geometry, EPSG:4490) in chunks:
    ledger rows as they are read, or the parcels as one frame."""
    if scope == "parcels":
        yield parcel_features(data)
        return
    for frame in data.chunks(geometry=True):
        yield frame[[*FEATURE_KEYS, "geometry"]]


def gis_attributes(
    frame: gpd.GeoDataFrame, names: Mapping[str, str], *, integer_fields: bool = True
) -> gpd.GeoDataFrame:
    """Attributes renamed by ``names`` (key -> field), dates as ISO text, 逾期 as 是/否;
    with ``integer_fields`` 序号 and 版本 as nullable integers (GDAL integer fields), else
    as plain values."""
    out: dict[str, Any] = {}
    for key, field in names.items():
        column = frame[key]
        if key == "overdue":
            column = column.map({True: "是", False: "否"}).astype(object)
            column = column.where(column.notna(), None)
        elif kind_of(key) == "date":
            column = pd.to_datetime(column, errors="coerce")
            text = column.dt.strftime("%Y-%m-%d").astype(object)
            column = text.where(column.notna(), None)
        elif kind_of(key) == "int":
            column = pd.to_numeric(column, errors="coerce").astype("Int64")
            if not integer_fields:
                column = column.astype(object).where(column.notna(), None)
        out[field] = column
    return gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=frame.crs)


def total_bounds(frames: Iterator[gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    """The bounds of the non-empty geometries of ``frames``, or None."""
    bounds = None
    for frame in frames:
        present = frame.geometry.dropna()
        present = present[~present.is_empty]
        if present.empty:
            continue
        minx, miny, maxx, maxy = present.total_bounds
        if bounds is None:
            bounds = (minx, miny, maxx, maxy)
        else:
            bounds = (
                min(bounds[0], minx),
                min(bounds[1], miny),
                max(bounds[2], maxx),
                max(bounds[3], maxy),
            )
    return bounds


def resolve_epsg(data: LedgerData, scope: str, epsg: int | str) -> int:
    """The target EPSG code: ``epsg`` itself, or for ``auto`` the Gauss-Kruger zone of the
    features' centre (a pass over the features' geometries)."""
    if epsg != AUTO_CRS:
        return int(epsg)
    bounds = total_bounds(feature_chunks(data, scope))
    if bounds is None:
        return CGCS2000_EPSG
    return gk_zone_epsg((bounds[0] + bounds[2]) / 2)
