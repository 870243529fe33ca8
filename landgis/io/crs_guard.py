"""The coordinate guard: what a file's coordinates are, and whether they can be trusted.

- A file without a CRS is refused unless the user names one, but the message says what the
  numbers look like: CGCS2000 Gauss-Kruger coordinates with the zone prefixed to the
  easting (35 500 000 → zone 35 → EPSG:4523), without it (500 000 → the central meridian
  is needed: from the county when the database has one), or longitude/latitude; and which
  coordinate system to choose, in words for any door and as the problem's ``suggestion``
  for each door to name its own control.
- Swapped axes (the northing in the easting column, latitude before longitude) are named,
  and fixed with ``swap_xy``.
- Coordinates outside China, or outside the county in the database, are problems.
- Data digitized on GCJ-02 web maps (高德, Google.cn) sits a systematic few hundred
  metres off; compared with parcels already stored, the GCJ-02 transform explains it.

DOMAIN.md section 4 has the zones: EPSG:4513–4533 are 3-degree zones 25–45 with the zone
number prefixed; EPSG:4534–4554 the same zones (central meridians 75°E–135°E) without it;
EPSG:4491–4501 and 4502–4512 are the 6-degree zones 13–23 with and without the prefix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError
from shapely.geometry.base import BaseGeometry

from landgis.geo import CGCS2000, CGCS2000_EPSG, gk_central_meridian, planar_areas_m2
from landgis.i18n import Text, _, listing
from landgis.io.problems import ERROR, WARNING, FileRefused, Problem, problem

# Where CGCS2000 longitudes and latitudes of Chinese land can fall (within the 3-degree
# Gauss-Kruger zones of 75°E-135°E).
CHINA_BOUNDS = (73.5, 3.0, 135.5, 54.0)
# Northing range of Chinese land in Gauss-Kruger metres (about 3°N to 54°N).
_NORTHING = (0.3e6, 6.1e6)
# Easting of a point within a zone, without the prefix (±330 km of the central meridian).
_EASTING = (0.15e6, 0.85e6)

# GCJ-02 suspicion: matched offsets above this many metres, explained by the transform to
# within the larger of these.
GCJ02_MIN_OFFSET_M = 100.0
GCJ02_MATCH_M = 30.0
GCJ02_MATCH_SHARE = 0.1
# Share of the data within the park's zones: moved back from GCJ-02 at least the first,
# as read at most the second.
GCJ02_ZONE_INSIDE = 0.98
GCJ02_ZONE_OUTSIDE = 0.9
# Share of a parcel's area outside the county: above the first a warning, above the
# second an error.
OUTSIDE_COUNTY_WARNING = 0.01
OUTSIDE_COUNTY_ERROR = 0.5


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


def _advice(found: Guess) -> Text:
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
            advice=_advice(found),
        )
    else:
        message = _(
            "文件没有坐标系信息,坐标也不是经纬度。这些坐标像是{coordinates}:{advice}。",
            coordinates=found.looks_like(),
            advice=_advice(found),
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


def swap_axes(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """The geometries with x and y exchanged."""
    swapped = shapely.transform(np.asarray(geoms.values, dtype=object), lambda c: c[:, ::-1])
    return gpd.GeoSeries(swapped, index=geoms.index, crs=geoms.crs, name=geoms.name)


def present_mask(geoms: gpd.GeoSeries) -> np.ndarray:
    """Which geometries are neither missing nor empty."""
    values = np.asarray(geoms.values, dtype=object)
    return ~(shapely.is_missing(values) | shapely.is_empty(values))


def finite_mask(geoms: gpd.GeoSeries | np.ndarray) -> np.ndarray:
    """Which geometries have only finite coordinates (no NaN, no infinity); missing and
    empty ones count as finite."""
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    finite = np.ones(len(values), dtype=bool)
    if len(values) == 0:
        return finite
    coordinates, index = shapely.get_coordinates(values, return_index=True)
    bad = ~np.isfinite(coordinates).all(axis=1)
    finite[np.unique(index[bad])] = False
    return finite


def _bounds(geoms: gpd.GeoSeries) -> tuple[float, float, float, float] | None:
    present = geoms[present_mask(geoms) & finite_mask(geoms)]
    if present.empty:
        return None
    minx, miny, maxx, maxy = present.total_bounds
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        return None
    return float(minx), float(miny), float(maxx), float(maxy)


def in_china(geoms: gpd.GeoSeries) -> np.ndarray:
    """Whether each EPSG:4490 geometry's bounds lie within China's (None counts as in)."""
    west, south, east, north = CHINA_BOUNDS
    bounds = geoms.bounds.to_numpy()
    with np.errstate(invalid="ignore"):
        inside = (
            (bounds[:, 0] >= west)
            & (bounds[:, 2] <= east)
            & (bounds[:, 1] >= south)
            & (bounds[:, 3] <= north)
        )
    return inside | np.isnan(bounds).any(axis=1)


def _to_cgcs2000(geoms: gpd.GeoSeries) -> gpd.GeoSeries | None:
    """The geometries in EPSG:4490; those the transform cannot place (coordinates far
    outside the projection's domain come out infinite) become None, and when none can be
    placed, None."""
    try:
        moved = geoms.to_crs(CGCS2000)
    except Exception:  # pyproj refuses coordinates far outside the projection's domain
        return None
    present = present_mask(moved)
    unplaced = present & ~finite_mask(moved)
    if unplaced.any():
        if unplaced.sum() == present.sum():
            return None
        moved = moved.where(~unplaced, None)
    return moved


@dataclass
class GuardResult:
    """EPSG:4490 geometries (None when refused), the CRS used, and the problems."""

    geoms: gpd.GeoSeries | None
    crs: CRS | None
    problems: list[Problem]


def resolve(
    geoms: gpd.GeoSeries,
    declared: CRS | None,
    given: str | CRS | None = None,
    *,
    county: BaseGeometry | None = None,
) -> GuardResult:
    """Move ``geoms`` (in the file's coordinates) to EPSG:4490, or refuse saying why.

    ``declared`` is the file's CRS (None when it names none), ``given`` the user's, which
    wins over the file's with a warning. Geometries with coordinates the CRS cannot
    convert (far outside its area) come back as None: the caller reports those rows.
    ``geoms`` must hold finite coordinates only (see :func:`finite_mask`).
    """
    problems: list[Problem] = []
    crs = declared
    if given is not None:
        user = given if isinstance(given, CRS) else parse_crs(given)
        if declared is not None and not user.equals(declared, ignore_axis_order=True):
            problems.append(
                problem(
                    "crs_override",
                    _(
                        "文件声明的坐标系为 {declared},按您指定的 {given} 处理。",
                        declared=crs_label(declared),
                        given=crs_label(user),
                    ),
                    severity=WARNING,
                )
            )
        crs = user
    bounds = _bounds(geoms)
    if bounds is None:  # nothing to place: the row checks report the empty geometries
        return GuardResult(geoms.set_crs(CGCS2000, allow_override=True), crs, problems)
    if crs is None:
        found = guess(bounds, county)
        if found.swapped:
            problems.append(swapped_problem(geographic=found.kind == "geographic"))
        problems.append(missing_crs_problem(bounds, county))
        return GuardResult(None, None, problems)
    moved = _to_cgcs2000(geoms.set_crs(crs, allow_override=True))
    if moved is not None and in_china(moved).any():
        return GuardResult(moved, crs, problems)
    # Nothing lands in China: swapped axes, or a CRS that does not fit the numbers.
    swapped = _to_cgcs2000(swap_axes(geoms).set_crs(crs, allow_override=True))
    if swapped is not None and in_china(swapped).all():
        problems.append(swapped_problem(geographic=crs.is_geographic))
        return GuardResult(None, crs, problems)
    found = guess(bounds, county)
    if found.kind != "unknown":
        problems.append(
            problem(
                "crs_mismatch",
                _(
                    "文件的坐标系为 {crs},但坐标与之不符,落在中国境外;"
                    "这些坐标像是{coordinates}:{advice}。",
                    crs=crs_label(crs),
                    coordinates=found.looks_like(),
                    advice=_advice(found),
                ),
                suggestion=suggestion(found),
            )
        )
        return GuardResult(None, crs, problems)
    problems.append(
        problem(
            "outside_china",
            _(
                "按坐标系 {crs},全部图形都在中国境外,请检查坐标系或横纵坐标是否颠倒。",
                crs=crs_label(crs),
            ),
        )
    )
    return GuardResult(None, crs, problems)


def county_shares_outside(geoms: gpd.GeoSeries, county: BaseGeometry) -> np.ndarray:
    """The share of each EPSG:4490 geometry's area lying outside ``county`` (0 … 1)."""
    values = np.asarray(geoms.values, dtype=object)
    present = present_mask(geoms)
    shares = np.zeros(len(values))
    if not present.any():
        return shares
    shapely.prepare(county)
    rest = present & ~shapely.covers(county, values)
    if rest.any():
        total = planar_areas_m2(gpd.GeoSeries(values[rest], crs=CGCS2000))
        outside = shapely.difference(values[rest], county)
        gone = np.zeros(len(outside))
        some = ~shapely.is_empty(outside)
        if some.any():
            gone[some] = planar_areas_m2(gpd.GeoSeries(outside[some], crs=CGCS2000))
        shares[rest] = np.divide(gone, total, out=np.ones_like(total), where=total > 0)
    return shares


def _code(value: Any) -> Any:
    """A parcel code for a problem; missing codes (None, NaN) are none."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def china_problems(
    geoms: gpd.GeoSeries, codes: list[Any], first_row: int = 1
) -> tuple[np.ndarray, list[Problem]]:
    """Which EPSG:4490 geometries lie within China, and an ``outside_china`` error for
    each that does not (rows numbered from ``first_row``)."""
    inside = in_china(geoms)
    problems = [
        problem(
            "outside_china",
            _("图形在中国境外,请检查坐标系或横纵坐标是否颠倒"),
            row=first_row + int(position),
            parcel_code=_code(codes[position]),
        )
        for position in np.flatnonzero(~inside)
    ]
    return inside, problems


def county_problems(
    geoms: gpd.GeoSeries, county: BaseGeometry, codes: list[Any], first_row: int = 1
) -> list[Problem]:
    """An ``outside_county`` problem for each EPSG:4490 geometry partly outside
    ``county``: a warning above :data:`OUTSIDE_COUNTY_WARNING` of its area, an error above
    :data:`OUTSIDE_COUNTY_ERROR`."""
    problems = []
    shares = county_shares_outside(geoms, county)
    for position in np.flatnonzero(shares > OUTSIDE_COUNTY_WARNING):
        share = shares[position]
        severity = ERROR if share > OUTSIDE_COUNTY_ERROR else WARNING
        problems.append(
            problem(
                "outside_county",
                _("图形有 {share:.0%} 在县界之外,请检查坐标系或数据范围", share=share),
                row=first_row + int(position),
                parcel_code=_code(codes[position]),
                severity=severity,
            )
        )
    return problems


# ---- GCJ-02 ---------------------------------------------------------------------------


def _metres(dlon: np.ndarray, dlat: np.ndarray, lat: np.ndarray) -> np.ndarray:
    east = dlon * 111_320.0 * np.cos(np.radians(lat))
    north = dlat * 110_574.0
    return np.column_stack([east, north])


def gcj02_offsets(incoming: gpd.GeoSeries, stored: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Per pair (same parcel code): the observed offset incoming − stored and the offset
    the GCJ-02 transform predicts at the stored place, both in metres (east, north)."""
    from landgis.gcj02 import wgs84_to_gcj02

    a = shapely.centroid(np.asarray(incoming.values, dtype=object))
    b = shapely.centroid(np.asarray(stored.values, dtype=object))
    ax, ay = shapely.get_x(a), shapely.get_y(a)
    bx, by = shapely.get_x(b), shapely.get_y(b)
    gx, gy = wgs84_to_gcj02(bx, by)
    return _metres(ax - bx, ay - by, by), _metres(gx - bx, gy - by, by)


def gcj02_explains(observed: np.ndarray, predicted: np.ndarray) -> bool:
    """Whether observed offsets are a systematic shift of hundreds of metres that GCJ-02
    explains (the median pair)."""
    if len(observed) == 0:
        return False
    size = np.hypot(observed[:, 0], observed[:, 1])
    miss = np.hypot(observed[:, 0] - predicted[:, 0], observed[:, 1] - predicted[:, 1])
    expected = np.hypot(predicted[:, 0], predicted[:, 1])
    limit = np.maximum(GCJ02_MATCH_M, GCJ02_MATCH_SHARE * expected)
    return bool(np.median(size) > GCJ02_MIN_OFFSET_M and np.median(miss - limit) < 0)


def overlap_share(
    geoms: gpd.GeoSeries, reference: gpd.GeoSeries, areas: np.ndarray | None = None
) -> float:
    """The share of the area of ``geoms`` covered by ``reference`` (both EPSG:4490);
    ``areas`` may pass the planar areas of ``geoms`` when the caller has them."""
    present = present_mask(geoms)
    values = np.asarray(geoms.values, dtype=object)[present]
    if len(values) == 0 or reference.empty:
        return 0.0
    union = shapely.union_all(np.asarray(reference.values, dtype=object))
    shapely.prepare(union)
    if areas is not None:
        sizes = np.asarray(areas, dtype=float)[present]
    else:
        sizes = planar_areas_m2(gpd.GeoSeries(values, crs=CGCS2000))
    total = sizes.sum()
    if total <= 0:
        return 0.0
    within = shapely.covers(union, values)  # wholly covered: no intersection needed
    rest = values[~within & shapely.intersects(union, values)]
    common = shapely.intersection(rest, union)
    common = common[~shapely.is_empty(common)]
    covered = sizes[within].sum()
    if len(common):
        covered += planar_areas_m2(gpd.GeoSeries(common, crs=CGCS2000)).sum()
    return float(covered / total)


def gcj02_problem(
    incoming: gpd.GeoSeries,
    *,
    matched: tuple[gpd.GeoSeries, gpd.GeoSeries] | None = None,
    reference: gpd.GeoSeries | None = None,
    zones: gpd.GeoSeries | None = None,
    areas: np.ndarray | None = None,
) -> Problem | None:
    """A ``gcj02_suspected`` problem when the incoming EPSG:4490 geometries look shifted to
    GCJ-02: parcels with the same code sit off by what the transform predicts, or moving
    the data back from GCJ-02 makes it cover stored parcels it otherwise misses (errors);
    or only moved back does it lie within the park's ``zones`` (a weaker sign: a warning).
    ``areas`` may pass the planar areas of ``incoming`` when the caller has them."""
    from landgis.gcj02 import from_gcj02, in_mainland_china

    mask = present_mask(incoming)
    present = incoming[mask]
    sizes = None if areas is None else np.asarray(areas, dtype=float)[mask]
    if present.empty:
        return None
    minx, miny, maxx, maxy = present.total_bounds
    if not bool(in_mainland_china((minx + maxx) / 2, (miny + maxy) / 2)):
        return None
    evidence: Text | None = None
    if matched is not None and len(matched[0]):
        observed, predicted = gcj02_offsets(*matched)
        if gcj02_explains(observed, predicted):
            shift = float(np.median(np.hypot(observed[:, 0], observed[:, 1])))
            evidence = _(
                "与库中同编号宗地相比整体偏移约 {shift:.0f} 米,与 GCJ-02 偏移一致", shift=shift
            )
    if evidence is None and reference is not None and not reference.empty:
        raw = overlap_share(present, reference, sizes)
        back = overlap_share(from_gcj02(present), reference) if raw <= 0.5 else 0.0
        if back >= 0.5 and raw <= back / 2:
            evidence = _(
                "按 GCJ-02 纠偏后与库中宗地重合 {back:.0%},纠偏前仅 {raw:.0%}", back=back, raw=raw
            )
    severity = None
    if evidence is None and zones is not None and not zones.empty:
        raw = overlap_share(present, zones, sizes)
        back = overlap_share(from_gcj02(present), zones) if raw <= GCJ02_ZONE_OUTSIDE else 0.0
        if back >= GCJ02_ZONE_INSIDE and raw <= GCJ02_ZONE_OUTSIDE:
            evidence = _(
                "按 GCJ-02 纠偏后 {back:.0%} 位于园区范围内,纠偏前仅 {raw:.0%}", back=back, raw=raw
            )
            severity = WARNING
    if evidence is None:
        return None
    return problem(
        "gcj02_suspected",
        _(
            "这些图形疑似在高德、谷歌中国等 GCJ-02(火星坐标)底图上采集:{evidence}。"
            "请先纠偏为 CGCS2000/WGS84 坐标后再导入。",
            evidence=evidence,
        ),
        severity=severity,
        suggestion={"from_gcj02": True},
    )
