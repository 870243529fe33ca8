"""Builders of the messy parcel files counties hand over, written at test time.

Each builder writes one file into a given folder and returns its path. The rows are the
demo county's own parcels (``landgis.settings.DEMO_DATA``, layer ``parcels``, EPSG:4490),
so they lie inside the county; :func:`demo_parcels` picks ones far enough apart that a
copy of one moved a few metres overlaps that one only. Nothing here is committed as a
binary file except the old workbook, which needs a writer landgis does not depend on
(see ``fixtures/make_parcels_xls.py``).
"""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from shapely.geometry import Polygon

from landgis.geo import CGCS2000, parcel_areas
from landgis.settings import DEMO_DATA
from landgis.units import M2_PER_HECTARE

DEMO_LAYER = "parcels"
# The demo parcels a builder uses are at least this far apart (m).
GAP_M = 30.0
# How far the overlapping copy of a parcel is moved (m, east and north).
SHIFT_M = 4.0
# Heights of the PolygonZ shapefile's vertices (m): from the base up in steps.
BASE_HEIGHT_M = 486.5
HEIGHT_STEP_M = 0.25

# Code columns split in two: a Taiwanese cadastre's section and lot number, and a
# mainland file's district code and the rest of the 19-digit parcel code.
SECTION_AND_LOT = ("段小段", "地號")
DISTRICT_AND_NUMBER = ("XZQDM", "ZDH")
SECTIONS = ("青溪段一小段", "青溪段二小段")

OLD_WORKBOOK = Path(__file__).parent / "fixtures" / "parcels.xls"


@functools.cache
def _demo_layer() -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(DEMO_DATA, layer=DEMO_LAYER)


@functools.cache
def _spaced_positions() -> tuple[int, ...]:
    """Positions of demo parcels no two of which are within ``GAP_M`` of each other, in
    the layer's order (greedy)."""
    projected = np.asarray(_demo_layer().to_crs(demo_gk_epsg()).geometry.values, dtype=object)
    chosen: list[int] = []
    for position, geom in enumerate(projected):
        if all(shapely.distance(geom, projected[other]) >= GAP_M for other in chosen):
            chosen.append(position)
    return tuple(chosen)


def demo_parcels(rows: int) -> gpd.GeoDataFrame:
    """``rows`` of the demo county's parcels (EPSG:4490, the demo's own columns), no two
    within ``GAP_M`` metres of each other."""
    positions = _spaced_positions()
    if rows > len(positions):
        raise ValueError(f"the demo county has {len(positions)} parcels {GAP_M} m apart")
    return _demo_layer().iloc[list(positions[:rows])].reset_index(drop=True).copy()


def demo_gk_epsg() -> int:
    """EPSG code of the demo county's CGCS2000 3-degree Gauss-Kruger zone, the variant
    whose false easting carries the zone number (EPSG:4513 is zone 25)."""
    longitude = shapely.centroid(_demo_layer().geometry.union_all()).x
    zone = round(longitude / 3)
    return 4513 + zone - 25


def shift_m(geom: shapely.Geometry, east: float, north: float) -> shapely.Geometry:
    """An EPSG:4490 geometry moved ``east`` and ``north`` metres (in its own
    Gauss-Kruger zone)."""
    projected = gpd.GeoSeries([geom], crs=CGCS2000).to_crs(demo_gk_epsg())
    return projected.translate(east, north).to_crs(CGCS2000).iloc[0]


def _frame(columns: dict[str, list[Any]], geometry: list[Any]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=CGCS2000)


def no_code_column(
    folder: Path, rows: int = 5, *, driver: Literal["GPKG", "GeoJSON"] = "GPKG"
) -> Path:
    """A GeoPackage (``driver="GeoJSON"``: a GeoJSON) of ``rows`` parcels without any
    column of parcel codes: 土地使用者 (the holder), 坐落 and 土地用途 only."""
    parcels = demo_parcels(rows)
    frame = _frame(
        {
            "土地使用者": parcels["holder"].tolist(),
            "坐落": parcels["location"].tolist(),
            "土地用途": parcels["land_use"].tolist(),
        },
        parcels.geometry.tolist(),
    )
    suffix = ".gpkg" if driver == "GPKG" else ".geojson"
    path = folder / f"无编号宗地{suffix}"
    pyogrio.write_dataframe(frame, path, driver=driver)
    return path


def split_code_columns(
    folder: Path, rows: int = 4, *, columns: tuple[str, str] = SECTION_AND_LOT
) -> Path:
    """A GeoJSON of ``rows`` parcels whose code is split over two text columns:
    ``SECTION_AND_LOT`` (段小段 alternating over ``SECTIONS``, 地號 ``0101``, ``0102`` …)
    or ``DISTRICT_AND_NUMBER`` (XZQDM the demo code's first 6 digits, ZDH the rest)."""
    parcels = demo_parcels(rows)
    codes = parcels["parcel_code"].tolist()
    if columns == SECTION_AND_LOT:
        first = [SECTIONS[i % 2] for i in range(rows)]
        second = [f"{101 + i:04d}" for i in range(rows)]
    elif columns == DISTRICT_AND_NUMBER:
        first, second = [c[:6] for c in codes], [c[6:] for c in codes]
    else:
        raise ValueError(f"no split of the code into {columns}")
    frame = _frame(
        {columns[0]: first, columns[1]: second, "权利人": parcels["holder"].tolist()},
        parcels.geometry.tolist(),
    )
    path = folder / f"{columns[0]}_{columns[1]}.geojson"
    pyogrio.write_dataframe(frame, path, driver="GeoJSON")
    return path


@dataclass(frozen=True)
class BadRows:
    """A file of good rows among bad ones, and the rows (1-based, as the importer numbers
    them) of each kind."""

    path: Path
    good: tuple[int, ...]  # the good parcels' rows (2 and 6 have a bad twin below them)
    overlapping: tuple[int, int]  # a parcel, and a copy of it moved ``SHIFT_M`` metres
    empty: int  # an empty geometry
    duplicated: tuple[int, int]  # a row, and the same row again (geometry, attributes, code)


def bad_rows_among_good(folder: Path) -> BadRows:
    """A GeoPackage of five good parcels (codes in 宗地编号) with, among them, a copy of
    the second moved ``SHIFT_M`` metres east and north under a code of its own, a row
    with an empty geometry, and the fourth good row repeated whole."""
    parcels = demo_parcels(6)  # the sixth gives the empty row its attributes
    good = [
        (row["parcel_code"], row["holder"], row["location"], row.geometry)
        for _, row in parcels.iterrows()
    ]
    code, holder, location, geom = good[1]
    moved = (f"{code}A", f"{holder}(重测)", location, shift_m(geom, SHIFT_M, SHIFT_M))
    empty = (*good[5][:3], Polygon())
    rows = [good[0], good[1], moved, good[2], empty, good[3], good[4], good[3]]
    frame = _frame(
        {
            "宗地编号": [r[0] for r in rows],
            "土地使用权人": [r[1] for r in rows],
            "坐落": [r[2] for r in rows],
        },
        [r[3] for r in rows],
    )
    path = folder / "宗地_含问题行.gpkg"
    pyogrio.write_dataframe(frame, path, layer="宗地")
    return BadRows(path=path, good=(1, 2, 4, 6, 7), overlapping=(2, 3), empty=5, duplicated=(6, 8))


def gbk_polygonz_shapefile(folder: Path, rows: int = 4) -> Path:
    """A PolygonZ Shapefile as an old desktop GIS writes it: a GBK ``.dbf`` with no
    ``.cpg``, a ``.prj`` of the demo county's zone-prefixed CGCS2000 Gauss-Kruger zone
    (:func:`demo_gk_epsg`), heights (Z, non-zero, varying from vertex to vertex), and
    the attributes 宗地编号, 土地使用者 and 面积 (公顷, 4 decimals, no unit in the name)."""
    parcels = demo_parcels(rows)
    hectares = parcel_areas(parcels.geometry)["area_m2"] / float(M2_PER_HECTARE)
    projected = parcels.geometry.to_crs(demo_gk_epsg())
    with_heights = [_with_heights(geom) for geom in projected]
    frame = gpd.GeoDataFrame(
        {
            "宗地编号": parcels["parcel_code"].tolist(),
            "土地使用者": parcels["holder"].tolist(),
            "面积": [round(float(h), 4) for h in hectares],
        },
        geometry=with_heights,
        crs=demo_gk_epsg(),
    )
    path = folder / "宗地图.shp"
    pyogrio.write_dataframe(frame, path, encoding="GBK")
    path.with_suffix(".cpg").unlink()
    dbf = path.with_suffix(".dbf").read_bytes()
    if "宗地编号".encode("gbk") not in dbf or "宗地编号".encode() in dbf:
        raise RuntimeError(f"{path.with_suffix('.dbf')} was not written in GBK")
    return path


def _with_heights(geom: shapely.Geometry) -> shapely.Geometry:
    """``geom`` with a height at each vertex, a function of where the vertex is (so a
    ring's closing vertex has its first vertex's height)."""

    def lift(xyz: np.ndarray) -> np.ndarray:
        heights = BASE_HEIGHT_M + HEIGHT_STEP_M * np.floor((xyz[:, 0] + xyz[:, 1]) % 40)
        return np.column_stack([xyz[:, :2], heights])

    return shapely.transform(shapely.force_3d(geom), lift, include_z=True)


def old_excel(folder: Path) -> Path:
    """An Excel 97-2003 workbook (``fixtures/parcels.xls``: two parcels of the demo
    county, codes as numbers, coordinates in Gauss-Kruger zone 35 without the zone
    prefix, areas in 公顷), copied into ``folder``."""
    path = folder / "宗地台账.xls"
    shutil.copyfile(OLD_WORKBOOK, path)
    return path
