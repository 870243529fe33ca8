"""The layers as frames, and the files written from them: the GeoPackage, its GeoJSON
copies, the events as JSON and the enterprises' figures as CSV, all byte-stable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from data.geo.demo.county import GDAL_DATE
from data.geo.demo.ledger import CaseLog
from data.geo.demo.parcels import ParcelRecord
from landgis.exchange import BUILDING_FIELDS, CASE_FIELDS, EVENT_FIELDS, PARCEL_FIELDS
from landgis.geo import CGCS2000
from landgis.io.geopackage import write_geopackage


def parcels_frame(records: list[ParcelRecord]) -> gpd.GeoDataFrame:
    data = pd.DataFrame(
        [[r.attrs[f] for f in PARCEL_FIELDS] for r in records], columns=PARCEL_FIELDS
    )
    return gpd.GeoDataFrame(data, geometry=[r.geom for r in records], crs=CGCS2000)


def buildings_frame(records: list[ParcelRecord]) -> gpd.GeoDataFrame:
    rows = [b for r in records for b in r.buildings]
    data = pd.DataFrame([[b[f] for f in BUILDING_FIELDS] for b in rows], columns=BUILDING_FIELDS)
    return gpd.GeoDataFrame(data, geometry=[b["geometry"] for b in rows], crs=CGCS2000)


def cases_frame(logs: list[CaseLog]) -> pd.DataFrame:
    return pd.DataFrame([[log.state[f] for f in CASE_FIELDS] for log in logs], columns=CASE_FIELDS)


def events_list(logs: list[CaseLog]) -> list[dict[str, Any]]:
    """All events in the order they happened (ties by case number)."""
    events = [e for log in logs for e in log.events]
    return sorted(events, key=lambda e: (e["occurred_on"], e["case_no"]))


def events_frame(events: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {**e, "changes": json.dumps(e["changes"], ensure_ascii=False, sort_keys=True)}
        for e in events
    ]
    return pd.DataFrame(rows, columns=EVENT_FIELDS)


def write_outputs(
    out_dir: Path,
    layers: dict[str, pd.DataFrame],
    events: list[dict[str, Any]],
) -> list[Path]:
    """Rewrite the GeoPackage, the GeoJSON copies and the events JSON; the written paths."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GDAL_DATE})
    gpkg, folder = out_dir / "demo_county.gpkg", out_dir / "demo_county"
    folder.mkdir(parents=True, exist_ok=True)
    gpkg.unlink(missing_ok=True)
    for name, frame in layers.items():
        write_geopackage(frame, gpkg, layer=name)
    paths = [gpkg]
    parcel_geoms = layers["parcels"].set_index("parcel_code").geometry
    cases = gpd.GeoDataFrame(
        layers["cases"], geometry=list(parcel_geoms[layers["cases"]["parcel_code"]]), crs=CGCS2000
    )
    copies = {**{k: layers[k] for k in ("zones", "parcels", "buildings")}, "cases": cases}
    for name, frame in copies.items():
        path = folder / f"{name}.geojson"
        path.unlink(missing_ok=True)
        pyogrio.write_dataframe(
            frame, path, driver="GeoJSON", layer_options={"COORDINATE_PRECISION": 8}
        )
        paths.append(path)
    path = folder / "case_events.json"
    path.write_text(json.dumps(events, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    figures = folder / "enterprise_figures.csv"
    layers["enterprise_figures"].to_csv(figures, index=False, lineterminator="\n")
    return [*paths, path, figures]
