"""KML for Google Earth and 奥维: placemarks named by parcel code with a case summary."""

from __future__ import annotations

import html
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import pandas as pd
import pyogrio

from landgis.io.exports.base import Exporter
from landgis.io.exports.columns import kind_of
from landgis.io.exports.features import (
    chinese_names,
    empty_features,
    feature_chunks,
    gis_attributes,
)
from landgis.io.exports.gis import copy_file
from landgis.io.exports.options import scope_option
from landgis.io.exports.rows import LedgerData
from landgis.io.ledger_xlsx import is_blank


def _kml_description(row: Mapping[str, Any]) -> str:
    """The case summary shown in a placemark's balloon (HTML)."""

    def value(key: str) -> str:
        raw = row.get(key)
        if raw is None or is_blank(raw):
            return "—"
        kind = kind_of(key)
        if kind in ("mu", "m2"):
            return f"{float(raw):.2f}"
        if kind == "date":
            return pd.Timestamp(raw).date().isoformat()
        return str(raw)

    if is_blank(row.get("case_no")):
        items = [("项目名称", "project_name"), ("土地使用权人", "holder"), ("坐落", "location")]
        lines = ["不在台账中"] + [f"{label}: {value(key)}" for label, key in items]
    else:
        lines = [
            f"台账编号: {value('case_no')}({value('status')})",
            f"项目名称: {value('project_name')}",
            f"土地使用权人: {value('holder')}",
            f"所在园区: {value('zone_name')}",
            f"问题类型: {value('category')};闲置原因: {value('cause')}",
            f"闲置/低效面积: {value('idle_area_mu')} 亩;"
            f"盘活面积: {value('revitalized_area_mu')} 亩",
            f"处置方式: {value('route')};完成时限: {value('deadline')}",
        ]
        overdue = row.get("overdue")
        if not is_blank(overdue) and bool(overdue):
            lines.append("已逾期")
    return "<br/>".join(html.escape(line) for line in lines)


class KmlExporter(Exporter):
    """KML for Google Earth and 奥维: lon/lat (WGS 84; CGCS2000 agrees within centimetres),
    placemark name = parcel code, description = the case summary, attributes as extended
    data under the Chinese headers. Option ``scope``: ledger or parcels."""

    name = "kml"
    label = "KML"
    media_type = "application/vnd.google-earth.kml+xml"
    extension = "kml"
    options = ("scope",)

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"scope": scope_option(options)}

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        # The KML driver writes a layer at once: the features are gathered in one frame.
        parts = list(feature_chunks(data, options.get("scope", "ledger")))
        features = pd.concat(parts, ignore_index=True) if parts else empty_features()
        features = gpd.GeoDataFrame(
            features, geometry="geometry", crs=parts[0].crs if parts else features.crs
        )
        frame = gis_attributes(features, chinese_names())
        descriptions = [
            _kml_description(r) for r in features.drop(columns="geometry").to_dict("records")
        ]
        frame.insert(0, "Description", descriptions)
        frame.insert(0, "Name", features["parcel_code"].to_numpy())
        frame = frame.to_crs(epsg=4326)
        with tempfile.TemporaryDirectory(prefix="landgis-export-") as tmp:
            path = Path(tmp) / "ledger.kml"
            pyogrio.write_dataframe(frame, path, driver="KML", layer="台账")
            copy_file(path, out)
