"""What a map shows of each parcel: its properties as escaped HTML text, and the parcels as
a GeoJSON FeatureCollection keyed by parcel code.

All text shown in tooltips and popups is HTML-escaped here, in Python, before it reaches
the page, so a holder named ``<script>…`` displays as text.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import geopandas as gpd
import pandas as pd

from landgis.geojson import feature_collection
from landgis.maps.labels import CHINESE, NOT_IN_LEDGER, MapLabels
from landgis.units import m2_to_mu

# The zone code of parcels without a zone.
NO_ZONE = ""
# Links in popups; the case page is served by the ledger UI.
CASE_URL = "/cases/{case_no}"
PARCEL_URL = "/map/parcels/{parcel_code}"


def is_missing(value: Any) -> bool:
    """None, NaN or NaT."""
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def escaped_text(value: Any) -> str:
    """``value`` as escaped HTML text ('' when missing; dates as ISO dates)."""
    if is_missing(value):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return html.escape(str(value))


def escaped_or_none(value: Any) -> Any:
    """Text escaped, other values as they are; None when missing."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return html.escape(value)
    return value


def _mu(m2: Any) -> str:
    if is_missing(m2):
        return ""
    return f"{float(m2_to_mu(float(m2))):.2f}"


def _url(template: str, **values: str) -> str:
    return template.format(**{k: quote(str(v), safe="") for k, v in values.items()})


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def _href(case_no: Any, code: Any) -> str:
    if is_missing(case_no):
        return html.escape(_url(PARCEL_URL, parcel_code=code), quote=True)
    return html.escape(_url(CASE_URL, case_no=case_no), quote=True)


def parcel_properties(parcels: pd.DataFrame, labels: MapLabels = CHINESE) -> pd.DataFrame:
    """What the map shows of each parcel, every displayed value already HTML-escaped text.

    ``code`` (the feature id) and ``zone_code`` stay raw: scripts compare them, they are
    never displayed. ``href`` is the link of the popup: the case page for parcels in the
    ledger, the parcel map for the others. Status and route names come from ``labels``.
    """
    frame = parcels.reset_index(drop=True)
    status = _column(frame, "status")
    status = status.where(status.notna(), NOT_IN_LEDGER).astype(str)
    zone_code = _column(frame, "zone_code")
    route = _column(frame, "route")
    case_no = _column(frame, "case_no")
    return pd.DataFrame(
        {
            "code": frame["parcel_code"].astype(str),
            "zone_code": zone_code.where(zone_code.notna(), NO_ZONE).astype(str),
            "status_key": status,
            "parcel_code": frame["parcel_code"].map(escaped_text),
            "holder": _column(frame, "holder").map(escaped_text),
            "zone_name": _column(frame, "zone_name").map(escaped_text),
            "status_label": status.map(lambda s: escaped_text(labels.statuses.get(s, s))),
            "area_mu": _column(frame, "area_m2").map(_mu),
            "case_no": case_no.map(escaped_text),
            "route_label": route.map(
                lambda r: "" if is_missing(r) else escaped_text(labels.routes.get(r, r))
            ),
            "idle_mu": _column(frame, "idle_area_m2").map(_mu),
            "revitalized_mu": _column(frame, "revitalized_area_m2").map(_mu),
            "deadline": _column(frame, "deadline").map(escaped_text),
            "project_name": _column(frame, "project_name").map(escaped_text),
            "href": [_href(c, p) for c, p in zip(case_no, frame["parcel_code"], strict=True)],
        },
        index=frame.index,
    )


def parcel_features(
    parcels: gpd.GeoDataFrame, labels: MapLabels
) -> tuple[pd.Series, dict[str, Any]]:
    """Each parcel's status key, and the parcels as a FeatureCollection whose ``id`` is the
    parcel code (properties: :func:`parcel_properties`)."""
    properties = parcel_properties(parcels, labels)
    display = gpd.GeoDataFrame(
        properties, geometry=parcels.geometry.values, crs=parcels.crs, index=properties.index
    )
    return properties["status_key"], json.loads(feature_collection(display, id_column="code"))


def subset(collection: dict[str, Any], mask: Iterable[bool]) -> dict[str, Any]:
    """The features of ``collection`` where ``mask`` is true, as a FeatureCollection."""
    features = [f for f, keep in zip(collection["features"], mask, strict=True) if keep]
    return {"type": "FeatureCollection", "features": features}
