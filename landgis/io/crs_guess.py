"""What raw coordinates look like (longitude/latitude, Gauss-Kruger with or without the
zone prefixed, swapped axes) and the refusals that say so, with the system to choose.

DOMAIN.md section 4 has the zones: EPSG:4513–4533 are 3-degree zones 25–45 with the zone
number prefixed; EPSG:4534–4554 the same zones (central meridians 75°E–135°E) without it;
EPSG:4491–4501 and 4502–4512 are the 6-degree zones 13–23 with and without the prefix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError
from shapely.geometry.base import BaseGeometry

from landgis.geo import CGCS2000, CGCS2000_EPSG, gk_central_meridian
from landgis.i18n import Text, _, listing
from landgis.io.problems import FileRefused, Problem, problem

# Where CGCS2000 longitudes and latitudes of Chinese land can fall (within the 3-degree
# Gauss-Kruger zones of 75°E-135°E).
CHINA_BOUNDS = (73.5, 3.0, 135.5, 54.0)
# Northing range of Chinese land in Gauss-Kruger metres (about 3°N to 54°N).
_NORTHING = (0.3e6, 6.1e6)
# Easting of a point within a zone, without the prefix (±330 km of the central meridian).
_EASTING = (0.15e6, 0.85e6)


def gk3_epsg(zone: int, *, prefixed: bool) -> int:
    """EPSG code of CGCS2000 3-degree zone ``zone`` (25–45, central meridian 3 × zone)."""
    return (4513 if prefixed else 4534) + zone - 25


def gk6_epsg(zone: int, *, prefixed: bool) -> int:
    """EPSG code of CGCS2000 6-degree zone ``zone`` (13–23)."""
    return (4491 if prefixed else 4502) + zone - 13


def parse_crs(text: Any) -> CRS:
    """A CRS the user named (``EPSG:4523``, ``4523``, WKT …); refuses what pyproj can't read."""
    try:
        crs = CRS.from_user_input(int(text) if str(text).strip().isdigit() else text)
    except (PyprojCRSError, TypeError, ValueError) as exc:
        raise FileRefused(
            "crs_invalid", _("无法识别坐标系 {crs},请使用如 EPSG:4490 的写法。", crs=text)
        ) from exc
    return crs


def crs_label(crs: CRS | None) -> str | None:
    """``EPSG:4523`` when the CRS has a code, else its name."""
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


@dataclass(frozen=True)
class Guess:
    """What raw coordinates look like: ``kind`` is ``geographic``, ``gk_prefixed``,
    ``gk`` (no prefix) or ``unknown``; ``swapped`` when the axes are the other way round;
    ``epsg`` the candidate codes (best first); ``detail`` a phrase naming the guess."""

    kind: str
    swapped: bool = False
    epsg: tuple[int, ...] = ()
    detail: Text | None = None

    def looks_like(self) -> Text | None:
        """What the coordinates look like, swapped axes said."""
        if self.detail is None or not self.swapped:
            return self.detail
        return _("{coordinates}(横纵坐标颠倒)", coordinates=self.detail)


def _inside(values: tuple[float, float], bounds: tuple[float, float]) -> bool:
    return bounds[0] <= values[0] and values[1] <= bounds[1]


def _prefixed_zone(x_range: tuple[float, float]) -> tuple[int, bool] | None:
    """(zone, is 3-degree) when eastings carry one zone number prefix."""
    zone = math.floor(x_range[0] / 1e6)
    if zone != math.floor(x_range[1] / 1e6):
        return None
    rest = (x_range[0] - zone * 1e6, x_range[1] - zone * 1e6)
    if not _inside(rest, _EASTING):
        return None
    if 25 <= zone <= 45:
        return zone, True
    if 13 <= zone <= 23:
        return zone, False
    return None


def _plain_zone_candidates(
    x_range: tuple[float, float], y_range: tuple[float, float], county: BaseGeometry | None
) -> list[int]:
    """3-degree EPSG codes (no prefix) under which the coordinates fall in the county."""
    if county is None or county.is_empty:
        return []
    lon = county.centroid.x
    zones = sorted({gk_central_meridian(lon + d) // 3 for d in (-1.5, 0.0, 1.5)})
    reach = county.buffer(0.05)
    center = ((x_range[0] + x_range[1]) / 2, (y_range[0] + y_range[1]) / 2)
    found = []
    for zone in zones:
        if not 25 <= zone <= 45:
            continue
        epsg = gk3_epsg(zone, prefixed=False)
        point = gpd.GeoSeries(gpd.points_from_xy([center[0]], [center[1]]), crs=epsg)
        if reach.contains(point.to_crs(CGCS2000).iloc[0]):
            found.append(epsg)
    return found


def guess(bounds: tuple[float, float, float, float], county: BaseGeometry | None = None) -> Guess:
    """What coordinates within ``bounds`` (minx, miny, maxx, maxy) look like."""
    minx, miny, maxx, maxy = bounds
    lon_range = (CHINA_BOUNDS[0], CHINA_BOUNDS[2])
    lat_range = (CHINA_BOUNDS[1], CHINA_BOUNDS[3])
    for swapped, xs, ys in (
        (False, (minx, maxx), (miny, maxy)),
        (True, (miny, maxy), (minx, maxx)),
    ):
        if _inside(xs, lon_range) and _inside(ys, lat_range):
            return Guess("geographic", swapped, (CGCS2000_EPSG, 4326), _("经纬度(度)"))
        if not _inside(ys, _NORTHING):
            continue
        prefixed = _prefixed_zone(xs)
        if prefixed is not None:
            zone, three = prefixed
            epsg = gk3_epsg(zone, prefixed=True) if three else gk6_epsg(zone, prefixed=True)
            width = 3 if three else 6
            return Guess(
                "gk_prefixed",
                swapped,
                (epsg,),
                _(
                    "CGCS2000 高斯-克吕格 {width} 度带第 {zone} 带(带号在横坐标前)坐标",
                    width=width,
                    zone=zone,
                ),
            )
        if _inside(xs, _EASTING):
            return Guess(
                "gk",
                swapped,
                tuple(_plain_zone_candidates(xs, ys, county)),
                _("不带带号的 CGCS2000 高斯-克吕格 3 度带坐标"),
            )
    return Guess("unknown")


def _either(codes: list[str]) -> Text | str:
    """``EPSG:4543 或 EPSG:4544``: one of several codes."""
    shown: Text | str = codes[-1]
    for code in reversed(codes[:-1]):
        shown = _("{one} 或 {other}", one=code, other=shown)
    return shown


def suggestion(found: Guess) -> dict[str, Any]:
    """The import options that would place coordinates like ``found``: the coordinate
    systems to choose from (best first; none when no guess is possible) and whether to
    swap X and Y."""
    codes = [] if found.kind == "unknown" else [f"EPSG:{e}" for e in found.epsg]
    return {"crs": codes, "swap_xy": True} if found.swapped else {"crs": codes}


def advice(found: Guess) -> Text:
    """Which coordinate system to choose when importing (and to swap X and Y)."""
    if found.kind == "geographic":
        advice = _("如为 CGCS2000,请在导入时指定坐标系 EPSG:4490(WGS84 为 EPSG:4326)")
    elif found.kind == "gk_prefixed":
        code = f"EPSG:{found.epsg[0]}"
        advice = _("请在导入时指定坐标系 {crs}", crs=code)
    elif found.epsg:
        advice = _(
            "还需中央经线:按县界应为 {meridians},请在导入时指定坐标系 {crs}",
            meridians=listing(f"{(e - 4534) * 3 + 75}°E" for e in found.epsg),
            crs=_either([f"EPSG:{e}" for e in found.epsg]),
        )
    else:
        advice = _(
            "还需中央经线:请在导入时指定坐标系 EPSG:4534(75°E)至 EPSG:4554(135°E)之一,"
            "代码 = 4534 + (中央经线 - 75) / 3,例如 105°E 为 EPSG:4544"
        )
    if found.swapped:
        return _("{advice},并选择“交换 X/Y”", advice=advice)
    return advice


def missing_crs_problem(
    bounds: tuple[float, float, float, float], county: BaseGeometry | None = None
) -> Problem:
    """The refusal of a file without a CRS, saying what its coordinates look like."""
    found = guess(bounds, county)
    if found.kind == "unknown":
        return problem(
            "crs_missing",
            _(
                "文件没有坐标系信息,坐标也不像经纬度或高斯-克吕格坐标,请在导入时指定坐标系"
                "(例如 EPSG:4490 或 EPSG:4544)。"
            ),
            suggestion=suggestion(found),
        )
    if found.kind == "geographic":
        message = _(
            "文件没有坐标系信息。这些坐标像是{coordinates}:{advice}。",
            coordinates=found.looks_like(),
            advice=advice(found),
        )
    else:
        message = _(
            "文件没有坐标系信息,坐标也不是经纬度。这些坐标像是{coordinates}:{advice}。",
            coordinates=found.looks_like(),
            advice=advice(found),
        )
    return problem("crs_missing", message, suggestion=suggestion(found))


def swapped_problem(*, geographic: bool) -> Problem:
    """Refusal of swapped axes."""
    if geographic:
        return problem(
            "swapped_xy",
            _("坐标的经纬度颠倒(纬度在前、经度在后),请选择“交换 X/Y”后重新导入。"),
            suggestion={"swap_xy": True},
        )
    return problem(
        "swapped_xy",
        _(
            "横纵坐标颠倒:横坐标(Y,东坐标)一列中是数百万米的北坐标(X)。测量中 X 为北坐标、"
            "Y 为东坐标,请选择“交换 X/Y”后重新导入。"
        ),
        suggestion={"swap_xy": True},
    )
