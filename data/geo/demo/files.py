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


# Beside the exchange fields: the building's kind (standard or enterprise) and owner.
BUILDING_COLUMNS = [*BUILDING_FIELDS, "kind", "owner", "owner_credit_code"]


def buildings_frame(records: list[ParcelRecord]) -> gpd.GeoDataFrame:
    """The buildings, the enterprises' first and the standard ones last (so that adding the
    latter left the others' order, and their ids once loaded, as they were)."""
    rows = [b for r in records for b in r.buildings]
    rows = [b for b in rows if b["kind"] != "standard"] + [
        b for b in rows if b["kind"] == "standard"
    ]
    data = pd.DataFrame([[b[f] for f in BUILDING_COLUMNS] for b in rows], columns=BUILDING_COLUMNS)
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
    (folder / "enterprise_figures.csv").unlink(missing_ok=True)
    tables = [
        figures_table(layers["enterprise_figures"], year, folder)
        for year in sorted(set(layers["enterprise_figures"]["year"]))
    ]
    return [*paths, path, *tables, *space_files(layers, folder)]


def space_files(layers: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """The units and leases as CSV, the projects as JSON (their zones as lists)."""
    paths = []
    for name in ("building_units", "leases"):
        path = folder / f"{name}.csv"
        layers[name].to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    projects = layers["projects"].astype(object).where(layers["projects"].notna(), None)
    rows = [
        {**row, "preferred_zones": json.loads(row["preferred_zones"])}
        for row in projects.to_dict(orient="records")
    ]
    path = folder / "projects.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [*paths, path]


# The demo's figures as a county's table has them: Chinese headers, money in 万元.
FIGURE_HEADERS = {
    "name": "企业名称",
    "credit_code": "统一社会信用代码",
    "tax_yuan": "税收(万元)",
    "revenue_yuan": "营业收入(万元)",
    "output_yuan": "工业总产值(万元)",
    "value_added_yuan": "工业增加值(万元)",
    "energy_tce": "综合能耗(吨标准煤)",
    "emissions_t": "主要污染物排放当量(吨)",
    "employees": "年均职工人数",
    "rd_yuan": "研发经费(万元)",
}


def figures_table(figures: pd.DataFrame, year: int, folder: Path) -> Path:
    """The enterprises' figures of ``year`` as ``enterprise_figures_<year>.csv`` (UTF-8 with
    a BOM, as a spreadsheet program saves it), to import with ``landgis efficiency import``."""
    table = figures.loc[figures["year"] == year, list(FIGURE_HEADERS)].copy()
    for column in ("tax_yuan", "revenue_yuan", "output_yuan", "value_added_yuan", "rd_yuan"):
        table[column] = (table[column] / 10_000).round(2)
    path = folder / f"enterprise_figures_{year}.csv"
    table.rename(columns=FIGURE_HEADERS).to_csv(
        path, index=False, encoding="utf-8-sig", lineterminator="\n"
    )
    return path
