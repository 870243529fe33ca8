"""Data digitized on GCJ-02 web maps (高德, Google.cn) sits a systematic few hundred metres
off: compared with parcels already stored, or the park's zones, the GCJ-02 transform
explains it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from landgis.geo import CGCS2000, planar_areas_m2
from landgis.i18n import Text, _
from landgis.io.crs_guard import present_mask
from landgis.io.problems import WARNING, Problem, problem

# GCJ-02 suspicion: matched offsets above this many metres, explained by the transform to
# within the larger of these.
GCJ02_MIN_OFFSET_M = 100.0
GCJ02_MATCH_M = 30.0
GCJ02_MATCH_SHARE = 0.1
# Share of the data within the park's zones: moved back from GCJ-02 at least the first,
# as read at most the second.
GCJ02_ZONE_INSIDE = 0.98
GCJ02_ZONE_OUTSIDE = 0.9


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
