"""GeoPackages as landgis writes them: version 1.2 of the standard.

GDAL writes 1.4 by default since 3.8, and GDAL 3.6 (QGIS 3.28 LTR, Debian 12) opens such
a file with the warning that it "may only be partially supported"; 1.2 holds everything
landgis writes and every GDAL since 2.2 opens it silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyogrio

GPKG_VERSION = "1.2"
# GDAL's creation options of a new GeoPackage.
DATASET_OPTIONS: dict[str, str] = {"VERSION": GPKG_VERSION}


def write_geopackage(frame: Any, path: Path | str, **options: Any) -> None:
    """``pyogrio.write_dataframe`` into a GeoPackage: a new file is version 1.2 (a layer
    added or appended to an existing file leaves its version alone)."""
    if not options.get("append") and not Path(path).exists():
        options["dataset_options"] = {**DATASET_OPTIONS, **options.get("dataset_options", {})}
    pyogrio.write_dataframe(frame, path, driver="GPKG", **options)
