"""The demo county's fixed facts: 青溪县, its park 青溪经济开发区 and the park's three
areas, the Gauss-Kruger zone its shapes are laid out in, the ledger's totals and dates."""

from __future__ import annotations

from landgis.geo import gk_zone_epsg

SEED = 20230831
GDAL_DATE = "2023-09-01T00:00:00Z"  # fixed GeoPackage timestamps, for byte-stable output

COUNTY_CODE = "519901"  # fictional administrative division code
COUNTY_NAME = "青溪县"
PARK_CODE = "QX-KFQ"
PARK_NAME = "青溪经济开发区"
PARK_LON = 104.80
GK_EPSG = gk_zone_epsg(PARK_LON)  # 4544: CGCS2000 3-degree GK zone, central meridian 105°E
GK_CRS = f"EPSG:{GK_EPSG}"

AREAS = {  # area code -> (name, town, cadastral district code)
    "QX-KFQ-CC": ("产城新区", "城关镇", "001003"),
    "QX-KFQ-LJ": ("临江工业区", "临江镇", "004002"),
    "QX-KFQ-BH": ("白鹤工业区", "白鹤镇", "007001"),
}

TOTAL_MU = 539.0
REVITALIZED_MU = 120.0
AS_OF = "2023-08-31"
CAMPAIGN_DEADLINE = "2023-12-31"  # the campaign's default completion deadline
