"""RFC 7946 GeoJSON from GeoDataFrames: lon/lat, no ``crs`` member, one JSON string."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from landgis.errors import CRSError
from landgis.i18n import _

# 7 decimals of a degree are about 1 cm: enough for cadastral parcels.
COORDINATE_DECIMALS = 7


def json_value(value: Any) -> Any:
    """A value from a frame as JSON has it: numpy scalars unwrapped, NaN/NaT as null,
    dates as ISO text."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is gpd.pd.NaT:
        return None
    return value


def feature_collection(frame: gpd.GeoDataFrame, id_column: str | None = None) -> str:
    """``frame`` (EPSG:4490 or 4326) as an RFC 7946 FeatureCollection string."""
    if frame.crs is None or frame.crs.to_epsg() not in (4490, 4326):
        raise CRSError(_("GeoJSON 输出需要经纬度坐标。"))
    geometries = shapely.to_geojson(
        shapely.set_precision(frame.geometry.values, 10**-COORDINATE_DECIMALS, mode="pointwise")
    )
    attributes = frame.drop(columns=frame.geometry.name)
    features = []
    for geometry, record in zip(geometries, attributes.to_dict("records"), strict=True):
        properties = {key: json_value(value) for key, value in record.items()}
        identity = f'"id":{json.dumps(properties.get(id_column))},' if id_column else ""
        features.append(
            f'{{"type":"Feature",{identity}"geometry":{geometry or "null"},'
            f'"properties":{json.dumps(properties, ensure_ascii=False)}}}'
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
