"""GeoJSON and GeoPackage exports, written chunk by chunk."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import pyogrio
import shapely

from landgis.geo import CGCS2000_EPSG
from landgis.geojson import COORDINATE_DECIMALS, json_value
from landgis.io.exports.base import Exporter
from landgis.io.exports.columns import HEADERS
from landgis.io.exports.features import (
    chinese_names,
    empty_features,
    feature_chunks,
    gis_attributes,
    resolve_epsg,
)
from landgis.io.exports.options import scope_option, target_epsg
from landgis.io.exports.rows import LedgerData
from landgis.io.geopackage import write_geopackage


def copy_file(path: Path, out: BinaryIO) -> None:
    """Copy the file at ``path`` to ``out`` a megabyte at a time."""
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            out.write(chunk)


class GeoJSONExporter(Exporter):
    """RFC 7946 GeoJSON (lon/lat, CGCS2000 ≈ WGS 84, no ``crs`` member); properties under
    the Chinese headers; feature id = parcel code. Option ``scope``: ledger or parcels.
    Features are written as the rows are read, a chunk at a time."""

    name = "geojson"
    label = "GeoJSON"
    media_type = "application/geo+json"
    extension = "geojson"
    options = ("scope",)

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"scope": scope_option(options)}

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        id_field = HEADERS["parcel_code"]
        out.write(b'{"type":"FeatureCollection","features":[')
        separator = ""
        for features in feature_chunks(data, options.get("scope", "ledger")):
            frame = gis_attributes(features, chinese_names(), integer_fields=False)
            geometries = shapely.to_geojson(
                shapely.set_precision(
                    frame.geometry.values, 10**-COORDINATE_DECIMALS, mode="pointwise"
                )
            )
            attributes = frame.drop(columns=frame.geometry.name).to_dict("records")
            parts = []
            for geometry, record in zip(geometries, attributes, strict=True):
                properties = {key: json_value(value) for key, value in record.items()}
                parts.append(
                    f'{separator}{{"type":"Feature","id":{json.dumps(properties.get(id_field))},'
                    f'"geometry":{geometry or "null"},'
                    f'"properties":{json.dumps(properties, ensure_ascii=False)}}}'
                )
                separator = ","
            out.write("".join(parts).encode("utf-8"))
        out.write(b"]}")


def _write(frame: gpd.GeoDataFrame, path: Path, *, append: bool, **options: Any) -> None:
    if options.get("driver") == "GPKG":  # a new file gets the version landgis writes
        options.pop("driver")
        write = write_geopackage
    else:
        write = pyogrio.write_dataframe
    if append:
        options.pop("layer_options", None)
        write(frame, path, append=True, promote_to_multi=True, **options)
    else:
        write(frame, path, geometry_type="MultiPolygon", promote_to_multi=True, **options)


def write_layer(
    data: LedgerData,
    path: Path,
    *,
    scope: str,
    names: dict[str, str],
    epsg: int,
    driver: str,
    layer: str | None = None,
    layer_options: dict[str, str] | None = None,
    encoding: str | None = None,
    prepare: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame] | None = None,
) -> int:
    """Write the features to ``path`` with pyogrio a chunk at a time: the first chunk
    creates the layer, the others are appended. ``prepare`` may change each chunk's
    attributes before it is written. Returns the number of features."""
    count, created = 0, False
    common = {"driver": driver, "layer": layer, "encoding": encoding}
    for features in feature_chunks(data, scope):
        if created and not len(features):
            continue
        frame = gis_attributes(features, names).to_crs(epsg=epsg)
        if prepare is not None:
            frame = prepare(frame)
        _write(frame, path, append=created, layer_options=layer_options, **common)
        count, created = count + len(frame), True
    if not created:
        frame = gis_attributes(empty_features(), names).to_crs(epsg=epsg)
        _write(frame, path, append=False, layer_options=layer_options, **common)
    return count


class GeoPackageExporter(Exporter):
    """A GeoPackage with one layer ``ledger`` (or ``parcels``), Chinese field names.
    Options: ``scope``, ``epsg`` (4490 default, a GK zone 4534–4554 or 4513–4533, or auto)."""

    name = "gpkg"
    label = "GeoPackage"
    media_type = "application/geopackage+sqlite3"
    extension = "gpkg"
    options = ("scope", "epsg")

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"scope": scope_option(options), "epsg": target_epsg(options.get("epsg"))}

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        scope = options.get("scope", "ledger")
        epsg = resolve_epsg(data, scope, options.get("epsg", CGCS2000_EPSG))
        with tempfile.TemporaryDirectory(prefix="landgis-export-") as tmp:
            path = Path(tmp) / "ledger.gpkg"
            write_layer(
                data,
                path,
                scope=scope,
                names=chinese_names(),
                epsg=epsg,
                driver="GPKG",
                layer=scope,
                layer_options={"IDENTIFIER": data.title, "DESCRIPTION": data.filter_note},
            )
            copy_file(path, out)
