"""Read parcel files into EPSG:4490 GeoDataFrames, refusing what cannot be trusted."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from landgis.errors import CRSError, InvalidInput
from landgis.geo import CGCS2000

SUPPORTED_SUFFIXES = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage"}

# Where CGCS2000 longitudes and latitudes of Chinese land can fall.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)


def polygon_layers(path: Path) -> list[str]:
    """The names of the layers of ``path`` that hold polygons."""
    return [
        str(name)
        for name, geometry_type in pyogrio.list_layers(path)
        if geometry_type and "POLYGON" in str(geometry_type).upper()
    ]


def choose_layer(path: Path, layer: str | None) -> str | None:
    """The layer to read: the one named, or the only polygon layer; never a guess."""
    names = [str(name) for name, _ in pyogrio.list_layers(path)]
    if layer is not None:
        if layer not in names:
            raise InvalidInput(
                f"文件中没有图层 {layer},现有图层:{'、'.join(names)}。",
                f"The file has no layer {layer!r}; its layers are {', '.join(names)}.",
            )
        return layer
    if len(names) <= 1:
        return None
    candidates = polygon_layers(path)
    if len(candidates) == 1:
        return candidates[0]
    raise InvalidInput(
        f"文件中有多个面图层({'、'.join(candidates) or '无'}),请指定要导入的图层。",
        f"The file has {len(candidates)} polygon layers ({', '.join(candidates) or 'none'}); "
        "name the one to import.",
    )


def _parse_crs(crs: str) -> CRS:
    try:
        return CRS.from_user_input(crs)
    except PyprojCRSError as exc:
        raise CRSError(
            f"无法识别坐标系 {crs},请使用如 EPSG:4490 的写法。",
            f"Unknown coordinate reference system {crs!r}; write it like EPSG:4490.",
        ) from exc


def _check_geographic_range(frame: gpd.GeoDataFrame) -> None:
    minx, miny, maxx, maxy = frame.total_bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise CRSError(
            "文件未声明坐标系,而坐标不是经纬度(可能是投影坐标,单位为米)。"
            "请在导入时指定坐标系,例如 EPSG:4544。",
            "The file declares no coordinate reference system and its coordinates are not "
            "longitude/latitude (projected metres?). Name the CRS, e.g. EPSG:4544.",
        )


def check_in_china(frame: gpd.GeoDataFrame) -> None:
    """Refuse lon/lat coordinates that fall outside China (a wrong CRS or swapped axes)."""
    minx, miny, maxx, maxy = frame.total_bounds
    west, south, east, north = CHINA_BOUNDS
    if minx < west or maxx > east or miny < south or maxy > north:
        raise CRSError(
            f"坐标范围({minx:.4f}, {miny:.4f})-({maxx:.4f}, {maxy:.4f})不在中国境内,"
            "请检查坐标系或经纬度是否颠倒。",
            f"The coordinates ({minx:.4f}, {miny:.4f})-({maxx:.4f}, {maxy:.4f}) fall outside "
            "China: check the CRS, or whether X and Y are swapped.",
        )


def read_parcel_file(
    path: Path, *, layer: str | None = None, crs: str | None = None
) -> gpd.GeoDataFrame:
    """Read a GeoJSON or GeoPackage file of parcels, transformed to EPSG:4490.

    A file without a coordinate reference system is refused unless ``crs`` names one.
    """
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InvalidInput(
            f"不支持的文件类型 {path.suffix}:目前支持 GeoJSON 和 GeoPackage。",
            f"Unsupported file type {path.suffix!r}: GeoJSON and GeoPackage are supported.",
        )
    if not path.is_file():
        raise InvalidInput(f"找不到文件 {path}。", f"File not found: {path}.")
    try:
        frame = gpd.read_file(path, layer=choose_layer(path, layer), engine="pyogrio")
    except pyogrio.errors.DataSourceError as exc:
        raise InvalidInput(
            f"无法读取文件 {path.name},文件可能已损坏。",
            f"Cannot read {path.name}; the file may be damaged.",
            detail=str(exc),
        ) from exc
    declared = _declared_crs(path, frame)
    if declared is None:
        if crs is None:
            _check_geographic_range(frame)
            raise CRSError(
                "文件没有坐标系信息,请在导入时指定坐标系(例如 EPSG:4490 或 EPSG:4544)。",
                "The file has no coordinate reference system; name one when importing "
                "(e.g. EPSG:4490 or EPSG:4544).",
            )
        frame = frame.set_crs(_parse_crs(crs), allow_override=True)
    frame = frame.to_crs(CGCS2000)
    check_in_china(frame)
    return frame


def _declared_crs(path: Path, frame: gpd.GeoDataFrame) -> CRS | None:
    """The CRS the file states; GeoJSON without a ``crs`` member is lon/lat by RFC 7946."""
    if frame.crs is None:
        return None
    if SUPPORTED_SUFFIXES[path.suffix.lower()] == "GeoJSON" and frame.crs.to_epsg() == 4326:
        minx, miny, maxx, maxy = frame.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            return None  # projected coordinates in a file without a crs member
    return frame.crs
