"""A synthetic province for benchmarks: many counties, parks and parcels, in the demo's schema.

The output is a GeoPackage with the layers of the demo county (``data/geo/make_demo.py``):
``zones`` (county, park, area), ``parcels``, ``buildings``, ``cases`` and ``case_events``,
with the same columns, so that ``landgis.demo.load_demo`` loads it and the import and
benchmark code can read it.

Layout. Counties sit on a grid between 102°E and 109.2°E (CGCS2000 3-degree Gauss-Kruger
zones with central meridians 102°E, 105°E and 108°E). Each county has one or two parks of
one to three areas; an area is a grid of blocks separated by roads (22-40 m, not stored),
and each block is cut into one or two rows of parcels by slightly slanted, sometimes kinked
lines. Neighbouring parcels share their vertices exactly, and blocks keep at least 12 m
apart, so parcels never overlap by construction. About 1 % of parcels have a hole (a
substation yard) and about 1 % have two parts on either side of a road. Shapes are laid out
in metres in each county's own Gauss-Kruger zone and transformed to EPSG:4490 (x =
longitude); every area is then computed from the EPSG:4490 geometry as written.

Cases. A share of the parcels is in the ledger; each case carries its dated history along
the workflow's main line (open, then status steps with their evidence), in the demo's event
format, and replaying the history rebuilds the case row. The idle area of a case is the
parcel's computed area (``landgis.geo.parcel_areas``).

Everything is built with numpy and shapely array functions, county by county, and streamed
to the GeoPackage, so memory stays bounded by the largest county. The output is
deterministic for given arguments. All names and numbers are fictional; any match with a
real place or company is a coincidence.

Usage::

    python -m bench.province --parcels 100000 --seed 1 --out /tmp/province.gpkg
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from landgis.credit_code import ALPHABET, WEIGHTS
from landgis.exchange import (
    CASE_FIELDS,
    EVENT_FIELDS,
    LAYERS,
    PARCEL_FIELDS,
    SPATIAL_LAYERS,
    ZONE_FIELDS,
)
from landgis.geo import CGCS2000, gk_zone_epsg, parcel_areas, planar_areas_m2
from landgis.io.geopackage import write_geopackage
from landgis.synthetic.companies import organization_checks, round_quantity
from landgis.synthetic.geometry import (
    AREA_MARGIN_M,
    PARK_MARGIN_M,
    harmonic_shape,
    outline_angles,
    polar_ring,
    rotate_and_move,
    to_cgcs2000,
    transformer,
    with_margin,
    xy_to_cgcs2000,
)
from landgis.units import m2_to_mu
from landgis.workflow import MAIN_LINE

# ----------------------------------------------------------------------------- schema
# The layers and columns are those of landgis.exchange; these are the numeric ones.

PARCEL_FLOATS = ("land_price_yuan", "registered_area_m2", "plot_ratio", "tax_per_mu")
CASE_FLOATS = (
    "idle_area_m2",
    "idle_building_area_m2",
    "revitalized_area_m2",
    "revitalized_building_area_m2",
    "amount_yuan",
)

# ----------------------------------------------------------------------------- parameters

DEFAULT_COUNTIES = 12
DEFAULT_CASE_SHARE = 0.05
BUILDING_SHARE = 0.03  # parcels outside the ledger that get a factory building
HOLE_SHARE = 0.01
MULTIPART_SHARE = 0.01
LON_RANGE = (102.0, 109.2)  # central meridians 102°E, 105°E and 108°E
LAT_RANGE = (24.0, 32.0)
COLUMN_WIDTH_M = (60.0, 300.0)  # parcel frontage, log-uniform
ROW_DEPTH_M = (110.0, 230.0)
ROAD_WIDTH_M = (22.0, 40.0)
CORNER_JITTER_M = 5.0  # block corners: roads keep at least 22 - 2 × 5 = 12 m
CUT_JITTER_M = 8.0  # cut lines between parcels
ROW_JITTER_M = 6.0  # the line between the two rows of a block
KINK_M = (3.0, 8.0)  # sideways kink in the middle of some cut lines
GDAL_DATE = "2023-09-01T00:00:00Z"
AS_OF = "2023-08-31"
CAMPAIGN_DEADLINE = "2023-12-31"
CHUNK_ROWS = 50_000  # rows per write when streaming

FIRST_CHARS = "云石柳岚白安桃金凤临长丰月黎松瑞柏沐霁澄"
SECOND_CHARS = "溪岗湾源坪峪陵渡岭滩"
AREA_NAMES = ("东区", "西区", "南区", "北区", "新区", "城南片区", "滨河片区", "高铁片区", "港区")
PARK_KINDS = ("经济开发区", "工业园区", "高新技术产业园")
BRAND_CHARS = "华瑞鑫宏泰隆盛达丰源恒通嘉信诚德聚远新锦辉腾博安凯欣晟昊卓越亿融汇创"
INDUSTRIES = (  # (company words, project template, quantity range, land use)
    ("新材料科技", "年产{q}吨新型复合材料项目", (5_000, 80_000), "工业用地"),
    ("机械制造", "年产{q}台套精密机械设备项目", (500, 20_000), "工业用地"),
    ("电子科技", "年产{q}万只电子元器件项目", (1_000, 50_000), "工业用地"),
    ("食品", "年产{q}吨休闲食品项目", (2_000, 60_000), "工业用地"),
    ("新能源科技", "年产{q}套储能电池模组项目", (1_000, 30_000), "工业用地"),
    ("生物医药", "年产{q}吨原料药项目", (50, 2_000), "工业用地"),
    ("纺织", "年产{q}万米功能性面料项目", (500, 20_000), "工业用地"),
    ("建材", "年产{q}立方米装配式建筑构件项目", (10_000, 300_000), "工业用地"),
    ("物流", "{brand}智慧物流园项目", None, "仓储用地"),
)
COMPANY_SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司")
ACTORS = ("zhangwei", "liting", "chenjie", "liuyang", "wangqiang", "zhaomin")
APPROVER = "wangfang"
CATEGORY_CAUSES = {
    "idle": (("government", "enterprise", "judicial_seizure"), (0.3, 0.5, 0.2)),
    "low_efficiency": (("business_failure", "judicial_seizure", "enterprise"), (0.6, 0.2, 0.2)),
}
CAUSE_DETAILS = {
    "government": "规划调整，原规划条件无法实施",
    "enterprise": "企业未按约定日期动工",
    "judicial_seizure": "土地使用权被人民法院查封",
    "business_failure": "企业停产，厂房闲置",
}
ROUTES = ("buyback", "judicial_auction", "lease_conversion", "self_revitalization", "merger")
ROUTE_UNITS = {
    "buyback": "县自然资源局",
    "judicial_auction": "县人民法院",
    "lease_conversion": "园区管委会",
    "self_revitalization": "园区管委会",
    "merger": "县经济和信息化局",
}
# Probability of each final status, suspected … closed.
STATUS_SHARES = (0.08, 0.14, 0.16, 0.16, 0.2, 0.16, 0.1)


# ----------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class CountyPlan:
    """One county of the province: where it lies and how many parcels it holds."""

    index: int
    code: str
    name: str
    lon: float
    lat: float
    n_parcels: int


def plan_counties(n_parcels: int, seed: int, counties: int) -> list[CountyPlan]:
    """Counties on a longitude/latitude grid, with their share of the parcels."""
    if counties < 2:
        raise ValueError("a province needs at least two counties (two GK zones)")
    if counties > len(FIRST_CHARS) * len(SECOND_CHARS) or counties > 99:
        raise ValueError("at most 99 counties")
    if n_parcels < 4 * counties:
        raise ValueError(f"{n_parcels} parcels are too few for {counties} counties")
    rng = np.random.default_rng([seed, 0])
    cols = math.ceil(math.sqrt(counties))
    rows = math.ceil(counties / cols)
    cell_lon = (LON_RANGE[1] - LON_RANGE[0]) / cols
    cell_lat = (LAT_RANGE[1] - LAT_RANGE[0]) / rows
    cells = np.arange(counties)
    lons = LON_RANGE[0] + (cells % cols + 0.5 + rng.uniform(-0.15, 0.15, counties)) * cell_lon
    lats = LAT_RANGE[0] + (cells // cols + 0.5 + rng.uniform(-0.15, 0.15, counties)) * cell_lat
    weights = rng.uniform(0.6, 1.6, counties)
    shares = np.maximum(4, np.floor(n_parcels * weights / weights.sum())).astype(np.int64)
    shares[np.argmax(shares)] += n_parcels - int(shares.sum())
    pairs = rng.choice(len(FIRST_CHARS) * len(SECOND_CHARS), counties, replace=False)
    names = [
        f"{FIRST_CHARS[p // len(SECOND_CHARS)]}{SECOND_CHARS[p % len(SECOND_CHARS)]}县"
        for p in pairs
    ]
    return [
        CountyPlan(i, f"5901{i + 1:02d}", names[i], float(lons[i]), float(lats[i]), int(shares[i]))
        for i in range(counties)
    ]


# ----------------------------------------------------------------------------- geometry


def _bilinear(corners: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Points at (u, v) in [0, 1]² of quadrilaterals ``corners`` (n, 4, 2): 00, 10, 01, 11."""
    u, v = u[:, None], v[:, None]
    return (
        corners[:, 0] * (1 - u) * (1 - v)
        + corners[:, 1] * u * (1 - v)
        + corners[:, 2] * (1 - u) * v
        + corners[:, 3] * u * v
    )


def _segment_starts(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, … within each of consecutive segments of the given lengths."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(_segment_starts(counts), counts)


@dataclass
class AreaLayout:
    """One area's parcels in local metres (before rotation and placement)."""

    rings_xy: np.ndarray  # (m, 2) ring vertices, shells (CCW) and holes (CW)
    ring_index: np.ndarray  # (m,) ring of each vertex
    ring_polygon: np.ndarray  # (rings,) polygon (part) of each ring, shells before holes
    polygon_parcel: np.ndarray  # (polygons,) parcel of each part, increasing
    parcel_row: np.ndarray  # (parcels,) block row (a road) of each parcel's first piece
    parcel_front: np.ndarray  # (parcels,) 0 on the block's front row, 1 on its back row
    parcel_holed: np.ndarray  # (parcels,) bool
    parcel_pieces: np.ndarray  # (parcels,) number of parts
    building_xy: np.ndarray  # (parcels, 4, 2) a footprint centred on the first piece
    extent: tuple[float, float, float, float]


def area_layout(rng: np.random.Generator, n_parcels: int) -> AreaLayout:
    """Blocks on a grid, each cut into one or two rows of parcels; exactly ``n_parcels``."""
    target_merges = round(MULTIPART_SHARE * n_parcels)
    needed = n_parcels + target_merges
    # blocks: C columns × R rows of pieces; the last block takes the remainder
    cols = rng.integers(2, 7, needed // 4 + 2)
    rows = np.full(cols.size, 2)
    cum = np.cumsum(cols * rows)
    nb = int(np.searchsorted(cum, needed)) + 1
    cols, rows = cols[:nb].copy(), rows[:nb].copy()
    rest = needed - (int(cum[nb - 2]) if nb > 1 else 0)
    cols[-1], rows[-1] = (rest // 2, 2) if rest % 2 == 0 else (rest, 1)

    n_cols, n_rows = int(cols.sum()), int(rows.sum())
    lo, hi = np.log(COLUMN_WIDTH_M[0]), np.log(COLUMN_WIDTH_M[1])
    widths = np.exp(rng.uniform(lo, hi, n_cols))  # ragged by block
    depths = rng.uniform(*ROW_DEPTH_M, n_rows)
    col_start, row_start = _segment_starts(cols), _segment_starts(rows)
    block_w = np.add.reduceat(widths, col_start)
    block_d = np.add.reduceat(depths, row_start)

    # blocks in rows of about a square area
    per_row = max(1, round(math.sqrt(nb * block_d.mean() / block_w.mean())))
    b = np.arange(nb)
    brow = b // per_row
    gaps = rng.uniform(*ROAD_WIDTH_M, nb)
    x0 = np.zeros(nb)
    for r in range(int(brow.max()) + 1):  # a handful of block rows per area
        sel = np.flatnonzero(brow == r)
        x0[sel] = np.concatenate([[0.0], np.cumsum(block_w[sel] + gaps[sel])[:-1]])
    band = np.array([block_d[brow == r].max() for r in range(int(brow.max()) + 1)])
    band_y = np.concatenate([[0.0], np.cumsum(band + rng.uniform(*ROAD_WIDTH_M, band.size))])
    y0 = band_y[brow]
    corners = np.stack(
        [
            np.column_stack([x0, y0]),
            np.column_stack([x0 + block_w, y0]),
            np.column_stack([x0, y0 + block_d]),
            np.column_stack([x0 + block_w, y0 + block_d]),
        ],
        axis=1,
    ) + rng.uniform(-CORNER_JITTER_M, CORNER_JITTER_M, (nb, 4, 2))

    # cumulative positions of the cut lines (s) and row lines (t) inside each block
    s_lines = np.concatenate([[0.0], np.cumsum(widths)])  # global running sums
    s_of = np.concatenate(
        [s_lines[col_start[i] : col_start[i] + cols[i] + 1] - s_lines[col_start[i]] for i in b]
    )
    t_lines = np.concatenate([[0.0], np.cumsum(depths)])
    t_of = np.concatenate(
        [t_lines[row_start[i] : row_start[i] + rows[i] + 1] - t_lines[row_start[i]] for i in b]
    )
    s_start, t_start = _segment_starts(cols + 1), _segment_starts(rows + 1)

    # grid points: (C + 1) × (R + 1) per block, k fastest
    npts = (cols + 1) * (rows + 1)
    gp_block = np.repeat(b, npts)
    rank = _ranks(npts)
    gk_, gl_ = rank % (cols + 1)[gp_block], rank // (cols + 1)[gp_block]
    s = s_of[s_start[gp_block] + gk_]
    t = t_of[t_start[gp_block] + gl_]
    inner_k = (gk_ > 0) & (gk_ < cols[gp_block])
    inner_l = (gl_ > 0) & (gl_ < rows[gp_block])
    s = s + inner_k * rng.uniform(-CUT_JITTER_M, CUT_JITTER_M, s.size)
    t = t + inner_l * rng.uniform(-ROW_JITTER_M, ROW_JITTER_M, t.size)
    grid = _bilinear(corners[gp_block], s / block_w[gp_block], t / block_d[gp_block])
    gp_start = _segment_starts(npts)

    # kinks: a point halfway up some inner cut lines, pushed sideways
    nmid = (cols + 1) * rows
    mp_block = np.repeat(b, nmid)
    rank = _ranks(nmid)
    mk, ml = rank % (cols + 1)[mp_block], rank // (cols + 1)[mp_block]
    lower = gp_start[mp_block] + ml * (cols + 1)[mp_block] + mk
    upper = lower + (cols + 1)[mp_block]
    kinked = (mk > 0) & (mk < cols[mp_block]) & (rng.random(mk.size) < 0.4)
    side = rng.choice([-1.0, 1.0], mk.size) * rng.uniform(*KINK_M, mk.size)
    ms = 0.5 * (s[lower] + s[upper]) + kinked * side
    mt = 0.5 * (t[lower] + t[upper])
    mids = _bilinear(corners[mp_block], ms / block_w[mp_block], mt / block_d[mp_block])
    points = np.concatenate([grid, mids])
    mid_offset = grid.shape[0]
    mp_start = _segment_starts(nmid)

    # pieces: C × R per block, row by row
    npieces = cols * rows
    pc_block = np.repeat(b, npieces)
    rank = _ranks(npieces)
    pk, pl = rank % cols[pc_block], rank // cols[pc_block]
    stride = (cols + 1)[pc_block]
    g00 = gp_start[pc_block] + pl * stride + pk
    g10, g01 = g00 + 1, g00 + stride
    g11 = g01 + 1
    m_left = mp_start[pc_block] + pl * stride + pk
    m_right = m_left + 1
    vertex = np.column_stack([g00, g10, mid_offset + m_right, g11, g01, mid_offset + m_left])
    ones = np.ones(m_left.size, dtype=bool)
    keep = np.column_stack([ones, ones, kinked[m_right], ones, ones, kinked[m_left]])
    n_pieces = int(npieces.sum())
    piece_w = widths[col_start[pc_block] + pk]
    piece_d = depths[row_start[pc_block] + pl]
    piece_s = s_of[s_start[pc_block] + pk] + 0.5 * piece_w  # nominal centre
    piece_t = t_of[t_start[pc_block] + pl] + 0.5 * piece_d

    # two-part parcels: the last piece of a block and the first of the next one in the row,
    # across the road; never in the last block, whose size absorbs the remainder
    pc_start = _segment_starts(npieces)
    pairs: list[tuple[int, int]] = []
    for i in range(nb - 2):
        if brow[i] != brow[i + 1]:
            continue
        for r in range(min(rows[i], rows[i + 1])):
            first = pc_start[i] + r * cols[i] + cols[i] - 1
            second = pc_start[i + 1] + r * cols[i + 1]
            if piece_w[first] * piece_d[first] + piece_w[second] * piece_d[second] < 70_000:
                pairs.append((int(first), int(second)))
    chosen = rng.permutation(len(pairs))[: min(target_merges, len(pairs))]
    merges = np.array([pairs[i] for i in sorted(chosen)], dtype=np.int64).reshape(-1, 2)
    in_merge = np.zeros(n_pieces, dtype=bool)
    in_merge[merges.ravel()] = True
    # fewer merges than planned: leave the last lots of the area vacant instead
    alive = np.ones(n_pieces, dtype=bool)
    dropped = target_merges - merges.shape[0]
    if dropped:
        alive[np.flatnonzero(~in_merge)[-dropped:]] = False
    is_second = np.zeros(n_pieces, dtype=bool)
    is_second[merges[:, 1]] = True
    owner = np.arange(n_pieces)
    owner[merges[:, 1]] = merges[:, 0]
    heads = alive & ~is_second
    parcel_of_head = np.cumsum(heads) - 1
    piece_parcel = parcel_of_head[owner]
    live = np.flatnonzero(alive)
    order = live[np.argsort(piece_parcel[live], kind="stable")]
    head_pieces = np.flatnonzero(heads)
    if head_pieces.size != n_parcels:
        raise AssertionError(f"{head_pieces.size} parcels, expected {n_parcels}")

    # holes: a yard around the centre of some large single-part parcels
    can_hole = heads & ~in_merge & (piece_w >= 100.0) & (piece_d >= 140.0)
    n_holes = min(int(can_hole.sum()), max(1, round(HOLE_SHARE * n_parcels)))
    holed = np.zeros(n_pieces, dtype=bool)
    holed[rng.permutation(np.flatnonzero(can_hole))[:n_holes]] = True
    hole_pieces = np.flatnonzero(holed)
    hx = rng.uniform(0.1, 0.18, hole_pieces.size) * piece_w[hole_pieces]
    hy = rng.uniform(0.1, 0.18, hole_pieces.size) * piece_d[hole_pieces]
    hs, ht = piece_s[hole_pieces], piece_t[hole_pieces]
    # clockwise: (-,-), (-,+), (+,+), (+,-)
    hole_s = np.column_stack([hs - hx, hs - hx, hs + hx, hs + hx]).ravel()
    hole_t = np.column_stack([ht - hy, ht + hy, ht + hy, ht - hy]).ravel()
    hb = np.repeat(pc_block[hole_pieces], 4)
    hole_xy = _bilinear(corners[hb], hole_s / block_w[hb], hole_t / block_d[hb])

    # rings: shells of the live pieces in parcel order, then the holes of their pieces
    shell_keep = keep[order]
    shell_xy = points[vertex[order][shell_keep]]
    shell_ring = np.repeat(np.arange(order.size), shell_keep.sum(axis=1))
    position = np.empty(n_pieces, dtype=np.int64)
    position[order] = np.arange(order.size)
    ring_polygon = np.concatenate([np.arange(order.size), position[hole_pieces]])
    rings_xy = np.concatenate([shell_xy, hole_xy])
    ring_index = np.concatenate([shell_ring, order.size + np.repeat(np.arange(n_holes), 4)])

    # a factory footprint centred on each parcel's first piece (used for a few of them)
    hp = head_pieces
    fx = np.minimum(0.3 * piece_w[hp], 0.5 * piece_w[hp] - 18.0)
    fy = np.minimum(0.3 * piece_d[hp], 0.5 * piece_d[hp] - 18.0)
    fs, ft = piece_s[hp], piece_t[hp]
    foot_s = np.column_stack([fs - fx, fs + fx, fs + fx, fs - fx]).ravel()
    foot_t = np.column_stack([ft - fy, ft - fy, ft + fy, ft + fy]).ravel()
    fb = np.repeat(pc_block[hp], 4)
    foot_xy = _bilinear(corners[fb], foot_s / block_w[fb], foot_t / block_d[fb])

    allxy = corners.reshape(-1, 2)
    return AreaLayout(
        rings_xy=rings_xy,
        ring_index=ring_index,
        ring_polygon=ring_polygon,
        polygon_parcel=piece_parcel[order],
        parcel_row=brow[pc_block[hp]],
        parcel_front=pl[hp],
        parcel_holed=holed[hp],
        parcel_pieces=np.bincount(piece_parcel[live], minlength=n_parcels),
        building_xy=foot_xy.reshape(-1, 4, 2),
        extent=(
            float(allxy[:, 0].min()),
            float(allxy[:, 1].min()),
            float(allxy[:, 0].max()),
            float(allxy[:, 1].max()),
        ),
    )


def _place(xy: np.ndarray, centre: np.ndarray, angle: float, at: np.ndarray) -> np.ndarray:
    """Rotate local points by ``angle`` (degrees) about ``centre`` and move it to ``at``."""
    return rotate_and_move(xy - centre, angle, at)


def _multipolygons_from_rings(
    xy: np.ndarray, ring_index: np.ndarray, ring_polygon: np.ndarray, polygon_parcel: np.ndarray
) -> np.ndarray:
    """MultiPolygons from flat ring vertices: rings → polygons (shell first) → parcels."""
    rings = shapely.linearrings(xy, indices=ring_index)
    order = np.argsort(ring_polygon, kind="stable")  # each shell comes before its holes
    polygons = shapely.polygons(rings[order], indices=ring_polygon[order])
    return shapely.multipolygons(polygons, indices=polygon_parcel)


# ----------------------------------------------------------------------------- attributes


def _iso(days: np.ndarray) -> np.ndarray:
    """ISO dates (object array) from days since 1970-01-01; None where negative."""
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    text[days < 0] = None
    return text


def _day(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


def _credit_codes(rng: np.random.Generator, county_code: str, prefixes: np.ndarray) -> np.ndarray:
    """Unified social credit codes: type prefix, county code, organization code, check."""
    n = prefixes.shape[0]
    body = rng.integers(0, 10, (n, 8))
    org_check = organization_checks(body)
    county = np.array([int(c) for c in county_code])
    first17 = np.column_stack([prefixes, np.tile(county, (n, 1)), body, org_check])
    check = (31 - (first17 * np.array(WEIGHTS)).sum(axis=1) % 31) % 31
    chars = np.array(list(ALPHABET))[np.column_stack([first17, check])]
    return chars.view("<U18").ravel().astype(object)


def _companies(
    rng: np.random.Generator, county: CountyPlan, n: int, industry: np.ndarray
) -> tuple[list[str], list[str]]:
    """Company names and project names."""
    brands = rng.integers(0, len(BRAND_CHARS), (n, 2))
    prefix = rng.choice([county.name[:2], county.name, ""], n, p=[0.45, 0.25, 0.3])
    suffix = rng.choice(COMPANY_SUFFIXES, n, p=[0.85, 0.1, 0.05])
    quantity = rng.uniform(0.0, 1.0, n)
    names, projects = [], []
    for i in range(n):
        brand = BRAND_CHARS[brands[i, 0]] + BRAND_CHARS[brands[i, 1]]
        words, template, q_range, _ = INDUSTRIES[industry[i]]
        names.append(f"{prefix[i]}{brand}{words}{suffix[i]}")
        q = ""
        if q_range is not None:
            q = round_quantity(q_range[0] + quantity[i] * (q_range[1] - q_range[0]))
        projects.append(template.format(q=q, brand=brand))
    return names, projects


@dataclass
class CountyParcels:
    """A county's parcels before attributes: geometry and where each lies."""

    geoms: np.ndarray  # MultiPolygons in EPSG:4490
    area_code: list[str]
    area_index: np.ndarray
    road: list[str]
    front: np.ndarray
    holed: np.ndarray
    parts: np.ndarray
    footprints: np.ndarray  # Polygons in EPSG:4490


def county_geometry(
    rng: np.random.Generator, county: CountyPlan
) -> tuple[gpd.GeoDataFrame, CountyParcels]:
    """The zones of a county and its parcels' geometries."""
    n = county.n_parcels
    n_parks = 1 if n < 40 else int(rng.integers(1, 3))
    areas_per_park = [
        max(1, min(int(rng.integers(1, 4)), n // (8 * n_parks))) for _ in range(n_parks)
    ]
    n_areas = sum(areas_per_park)
    weights = rng.uniform(0.6, 1.4, n_areas)
    counts = np.maximum(1, np.floor(n * weights / weights.sum())).astype(np.int64)
    counts[np.argmax(counts)] += n - int(counts.sum())
    layouts = [area_layout(rng, int(c)) for c in counts]

    gk_epsg = gk_zone_epsg(county.lon)
    gk_crs = f"EPSG:{gk_epsg}"
    centre_x, centre_y = transformer(CGCS2000, gk_crs).transform(county.lon, county.lat)
    centre = np.array([centre_x, centre_y])
    half_diag = np.array(
        [math.hypot(lo.extent[2] - lo.extent[0], lo.extent[3] - lo.extent[1]) / 2 for lo in layouts]
    )
    cell = 2.0 * (half_diag.max() + AREA_MARGIN_M + PARK_MARGIN_M) + 800.0
    grid_cols = math.ceil(math.sqrt(n_areas))
    grid_rows = math.ceil(n_areas / grid_cols)
    angles = rng.uniform(-30.0, 30.0, n_areas)
    slots = np.arange(n_areas)
    offsets = np.column_stack(
        [(slots % grid_cols - (grid_cols - 1) / 2), (slots // grid_cols - (grid_rows - 1) / 2)]
    ) * cell + rng.uniform(-150.0, 150.0, (n_areas, 2))
    positions = centre + offsets

    park_of_area = np.repeat(np.arange(n_parks), areas_per_park)
    park_codes = [f"{county.code}-P{p + 1}" for p in range(n_parks)]
    park_names = [
        f"{county.name[:2]}{PARK_KINDS[(county.index + p) % len(PARK_KINDS)]}"
        for p in range(n_parks)
    ]
    area_codes = [f"{park_codes[park_of_area[a]]}-A{a + 1}" for a in range(n_areas)]
    area_names = [
        f"{park_names[park_of_area[a]]}{AREA_NAMES[a % len(AREA_NAMES)]}" for a in range(n_areas)
    ]

    geoms, footprints, area_rects = [], [], []
    area_index, road, front, holed, parts = [], [], [], [], []
    for a, lo in enumerate(layouts):
        x_min, y_min, x_max, y_max = lo.extent
        local_centre = np.array([(x_min + x_max) / 2, (y_min + y_max) / 2])
        m = AREA_MARGIN_M
        rect = np.array(
            [
                [x_min - m, y_min - m],
                [x_max + m, y_min - m],
                [x_max + m, y_max + m],
                [x_min - m, y_max + m],
            ]
        )
        area_rects.append(_place(rect, local_centre, angles[a], positions[a]))
        xy = xy_to_cgcs2000(_place(lo.rings_xy, local_centre, angles[a], positions[a]), gk_crs)
        geoms.append(
            _multipolygons_from_rings(xy, lo.ring_index, lo.ring_polygon, lo.polygon_parcel)
        )
        foot = xy_to_cgcs2000(
            _place(lo.building_xy.reshape(-1, 2), local_centre, angles[a], positions[a]), gk_crs
        )
        footprints.append(shapely.polygons(foot.reshape(-1, 4, 2)))
        k = lo.parcel_row.size
        area_index.append(np.full(k, a))
        road.append(lo.parcel_row)
        front.append(lo.parcel_front)
        holed.append(lo.parcel_holed)
        parts.append(lo.parcel_pieces)

    area_polys = [shapely.Polygon(r) for r in area_rects]
    park_polys = [
        shapely.MultiPolygon(
            [
                with_margin(area_polys[a], PARK_MARGIN_M)
                for a in range(n_areas)
                if park_of_area[a] == p
            ]
        )
        for p in range(n_parks)
    ]
    corners = np.concatenate(area_rects)
    reach = float(np.hypot(*(corners - centre).T).max()) + PARK_MARGIN_M + 2000.0
    theta = outline_angles(180)
    phase = rng.uniform(0.0, 2.0 * math.pi, 3)
    shape = harmonic_shape(theta, ((2, 0.08), (3, 0.05), (5, 0.03)), phase)
    county_poly = shapely.Polygon(polar_ring(centre, reach / 0.84 * shape, theta))

    zone_geoms = [county_poly, *park_polys, *area_polys]
    zone_geoms = [to_cgcs2000(shapely.segmentize(g, 500.0), gk_crs) for g in zone_geoms]
    zone_geoms = [
        g if isinstance(g, shapely.MultiPolygon) else shapely.MultiPolygon([g]) for g in zone_geoms
    ]
    zone_rows = [
        (county.code, county.name, "county", None),
        *((park_codes[p], park_names[p], "park", county.code) for p in range(n_parks)),
        *(
            (area_codes[a], area_names[a], "area", park_codes[park_of_area[a]])
            for a in range(n_areas)
        ),
    ]
    zones = gpd.GeoDataFrame(
        pd.DataFrame(zone_rows, columns=list(ZONE_FIELDS)),
        geometry=shapely.orient_polygons(np.array(zone_geoms, dtype=object)),
        crs=CGCS2000,
    )

    ai = np.concatenate(area_index)
    rows = np.concatenate(road)
    parcels = CountyParcels(
        geoms=np.concatenate(geoms),
        area_code=[area_codes[a] for a in ai],
        area_index=ai,
        road=[
            f"{AREA_NAMES[a % len(AREA_NAMES)][0]}{r + 1}路" for a, r in zip(ai, rows, strict=True)
        ],
        front=np.concatenate(front),
        holed=np.concatenate(holed),
        parts=np.concatenate(parts),
        footprints=np.concatenate(footprints),
    )
    return zones, parcels


def parcel_frames(
    rng: np.random.Generator,
    county: CountyPlan,
    geo: CountyParcels,
    case_share: float,
    with_buildings: bool,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, np.ndarray, np.ndarray]:
    """Parcels and buildings of a county; the case parcels (positions) and their kinds."""
    n = geo.geoms.size
    series = gpd.GeoSeries(geo.geoms, crs=CGCS2000)
    area = planar_areas_m2(series)
    kind = rng.choice(4, n, p=[0.76, 0.11, 0.11, 0.02])  # operating, building, vacant, allocated
    n_cases = min(n, round(case_share * n))
    cases = np.sort(rng.choice(n, n_cases, replace=False))
    kind[cases] = 4
    category = np.where(rng.random(n) < 0.6, 0, 1)  # cases: idle, low efficiency

    # supply history (days since 1970-01-01; -1 for none)
    def uniform_day(first: str, last: str) -> np.ndarray:
        return rng.integers(_day(first), _day(last) + 1, n)

    contract = np.select(
        [kind == 1, kind == 2, kind == 4],
        [
            uniform_day("2021-01-01", "2022-04-30"),
            uniform_day("2022-09-01", "2023-05-31"),
            uniform_day("2012-01-01", "2020-12-31"),
        ],
        uniform_day("2006-03-01", "2019-06-30"),
    )
    agreed = contract + np.select(
        [kind == 1, kind == 2, kind == 4],
        [rng.integers(120, 240, n), rng.integers(180, 300, n), rng.integers(120, 300, n)],
        rng.integers(90, 240, n),
    )
    started = (kind == 0) | (kind == 1) | (kind == 3) | ((kind == 4) & (category == 1))
    started |= (kind == 4) & (rng.random(n) < 0.4)
    start = np.where(started, agreed + rng.integers(-20, 120, n), -1)
    completed = (kind == 0) | (kind == 3) | ((kind == 4) & (category == 1))
    completion = np.where(completed, start + rng.integers(420, 900, n), -1)
    agreed_completion = agreed + 730 + rng.integers(0, 365, n)
    year = contract.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970

    registered = np.round(area * (1.0 + rng.uniform(-0.02, 0.02, n)), 2)
    unit_price = np.select(
        [year <= 2010, year <= 2016],
        [rng.uniform(80_000, 120_000, n), rng.uniform(120_000, 180_000, n)],
        rng.uniform(160_000, 240_000, n),
    )
    price = np.where(kind == 3, np.nan, np.round(registered * 3 / 2000 * unit_price, -2))
    tax = np.select(
        [kind == 0, (kind == 4) & (category == 0), kind == 4],
        [
            np.round(rng.uniform(60_000, 380_000, n), -2),
            0.0,
            np.round(rng.uniform(0, 8_000, n), -2),
        ],
        np.nan,
    )

    industry = rng.integers(0, len(INDUSTRIES), n)
    holders, projects = _companies(rng, county, n, industry)
    prefix = np.where(kind == 3, 11, 91)
    credit = _credit_codes(rng, county.code, np.column_stack([prefix // 10, prefix % 10]))
    land_use = np.array([INDUSTRIES[i][3] for i in range(len(INDUSTRIES))], dtype=object)[industry]
    land_use[kind == 3] = "公用设施用地"

    frame = pd.DataFrame({"area": geo.area_index, "road": geo.road, "year": year})
    seq = frame.groupby("area").cumcount().to_numpy() + 1
    width = max(5, len(str(int(seq.max()) if n else 0)))
    doors = 2 * (frame.groupby("road").cumcount().to_numpy() + 1) - (geo.front == 0)
    contract_seq = frame.groupby("year").cumcount().to_numpy() + 1
    supervision = np.cumsum(rng.integers(1, 9, n)) % 1_000_000
    district = [code.split("-P")[1].replace("-A", "") for code in geo.area_code]
    offices = np.where(year < 2019, "国土出让", "自然资出让")
    short = county.name[0]
    data = {
        "parcel_code": [
            f"{county.code}{int(d):06d}GB{s:0{width}d}" for d, s in zip(district, seq, strict=True)
        ],
        "supervision_no": [
            f"{county.code}{y}{s:06d}" for y, s in zip(year, supervision, strict=True)
        ],
        "project_name": projects,
        "zone_code": geo.area_code,
        "location": [f"{county.name}{r}{d}号" for r, d in zip(geo.road, doors, strict=True)],
        "holder": holders,
        "credit_code": credit,
        "land_use": land_use,
        "supply_method": np.where(kind == 3, "allocation", "transfer").astype(object),
        "contract_no": [
            f"{short}{'国土划拨' if k == 3 else o}〔{y}〕{c}号"
            for k, o, y, c in zip(kind, offices, year, contract_seq, strict=True)
        ],
        "contract_date": _iso(contract),
        "land_price_yuan": price,
        "agreed_start_date": _iso(agreed),
        "agreed_completion_date": _iso(agreed_completion),
        "actual_start_date": _iso(start),
        "actual_completion_date": _iso(completion),
        "registered_area_m2": registered,
        "plot_ratio": np.full(n, np.nan),
        "tax_per_mu": tax,
    }

    # factory buildings: a few operating parcels and some case parcels
    if with_buildings:
        has = ((kind == 0) & (rng.random(n) < BUILDING_SHARE / 0.76)) | (
            (kind == 4) & (rng.random(n) < 0.5)
        )
        has &= ~geo.holed
    else:
        has = np.zeros(n, dtype=bool)
    on = np.flatnonzero(has)
    footprint = shapely.multipolygons(geo.footprints[on], indices=np.arange(on.size))
    foot_area = planar_areas_m2(gpd.GeoSeries(footprint, crs=CGCS2000)) if on.size else np.zeros(0)
    floors = rng.choice([1, 2, 3, 4], on.size, p=[0.35, 0.3, 0.2, 0.15]).astype(np.int64)
    floor_area = foot_area * floors
    floor_by_parcel = np.zeros(n)
    floor_by_parcel[on] = floor_area
    ratio = np.where(
        has,
        np.round(floor_by_parcel / area, 2),
        np.where(kind == 0, np.round(rng.uniform(0.6, 1.8, n), 2), np.nan),
    )
    data["plot_ratio"] = ratio
    parcels = gpd.GeoDataFrame(pd.DataFrame(data, columns=list(PARCEL_FIELDS)), geometry=series)
    buildings = gpd.GeoDataFrame(
        {
            "parcel_code": np.asarray(data["parcel_code"], dtype=object)[on],
            "name": np.full(on.size, "1号厂房", dtype=object),
            "floors": floors,
            "footprint_area_m2": foot_area,
            "floor_area_m2": floor_area,
            "state": np.full(on.size, "in_use", dtype=object),
            # as the demo's: every building an enterprise's own (no standard factories)
            "kind": np.full(on.size, "enterprise", dtype=object),
            "owner": np.full(on.size, None, dtype=object),
            "owner_credit_code": np.full(on.size, None, dtype=object),
        },
        geometry=gpd.GeoSeries(footprint, crs=CGCS2000),
    )
    return parcels, buildings, cases, category


# ----------------------------------------------------------------------------- ledger


def _changes(state: dict[str, Any], updates: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [state[k], v] for k, v in sorted(updates.items()) if state[k] != v}


def county_ledger(
    rng: np.random.Generator,
    county: CountyPlan,
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    cases: np.ndarray,
    category: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases on the given parcels and their histories; building states follow the cases."""
    n = cases.size
    case_parcels = parcels.iloc[cases]
    areas = parcel_areas(case_parcels.geometry.reset_index(drop=True))["area_m2"]
    final = rng.choice(len(MAIN_LINE), n, p=STATUS_SHARES)
    routes = rng.choice(ROUTES, n)
    gaps = rng.integers(5, 26, (n, len(MAIN_LINE)))
    opened = _day("2023-01-03") + rng.integers(0, 58, n)
    dates = opened[:, None] + np.cumsum(np.column_stack([np.zeros(n, int), gaps[:, 1:]]), axis=1)
    handler = rng.choice(ACTORS, n)
    cause_draw = rng.random(n)
    new_industry = rng.integers(0, len(INDUSTRIES), n)
    new_holders, new_projects = _companies(rng, county, n, new_industry)

    floors = buildings.groupby("parcel_code")["floor_area_m2"].sum()
    codes = case_parcels["parcel_code"].to_numpy()
    prices = case_parcels["land_price_yuan"].to_numpy()
    states = buildings["state"].to_numpy(copy=True)
    revitalized_codes = set(codes[final >= MAIN_LINE.index("revitalized")])
    building_codes = buildings["parcel_code"].to_numpy()
    in_ledger = np.isin(building_codes, codes)
    states[in_ledger] = "idle"
    states[in_ledger & np.isin(building_codes, list(revitalized_codes))] = "revitalized"
    buildings["state"] = states

    counters: Counter[str] = Counter()

    def document(series: str) -> str:
        counters[series] += 1
        return f"{county.name[0]}{series}〔2023〕{counters[series]}号"

    rows, events = [], []
    for i in range(n):
        cat = "idle" if category[cases[i]] == 0 else "low_efficiency"
        options, shares = CATEGORY_CAUSES[cat]
        cause = options[int(np.searchsorted(np.cumsum(shares), cause_draw[i] * 0.999999))]
        case_no = f"{county.code}-XZ-2023-{i + 1:05d}"
        idle_area = float(areas[i])
        floor = float(floors.get(codes[i], 0.0))
        route = str(routes[i])
        day = _iso(dates[i])
        open_values = {
            "case_no": case_no,
            "parcel_code": codes[i],
            "category": cat,
            "cause": cause,
            "cause_detail": CAUSE_DETAILS[cause],
            "idle_area_m2": idle_area,
            "idle_building_area_m2": floor,
            "deadline": CAMPAIGN_DEADLINE,
            "revitalized_area_m2": 0.0,
            "revitalized_building_area_m2": 0.0,
            "status": "suspected",
        }
        steps: list[tuple[str, str, dict[str, Any], str | None, str]] = [
            ("open", handler[i], open_values, None, "专项排查发现疑似闲置低效用地，列入台账")
        ]
        for step in range(1, int(final[i]) + 1):
            on, status = day[step], MAIN_LINE[step]
            updates: dict[str, Any] = {"status": status}
            actor, action, doc, note = handler[i], "status", None, ""
            if step == 1:
                doc, note = document("自然资调"), "下达调查通知书，开展现场调查"
            elif step == 2:
                doc, actor = document("自然资认"), APPROVER
                updates |= {"identified_on": on, "determination_no": doc}
                note = "出具认定书"
            elif step == 3:
                doc, actor = document("府函"), APPROVER
                updates |= {
                    "route": route,
                    "plan_no": doc,
                    "deadline": str(rng.choice(["2023-09-30", "2023-12-31"])),
                    "responsible_unit": ROUTE_UNITS[route],
                }
                note = "处置方案经县人民政府批复"
            elif step == 4:
                note = "按批准的处置方案组织实施"
            elif step == 5:
                action, doc = "revitalize", document("盘活")
                mu = m2_to_mu(idle_area)
                amount = {"buyback": (prices[i] if prices[i] == prices[i] else 0.0) * 1.05}
                updates |= {
                    "revitalized_area_m2": idle_area,
                    "revitalized_building_area_m2": floor,
                    "revitalized_on": on,
                    "new_holder": new_holders[i],
                    "new_project": new_projects[i],
                    "amount_yuan": float(round(amount.get(route, mu * 180_000 + floor * 500), -2)),
                }
                note = f"盘活完成，承接企业为{new_holders[i]}"
            else:
                action, doc, actor = "close", document("自然资销"), APPROVER
                updates["closed_on"] = on
                note = "经验收，办理销号"
            steps.append((action, actor, updates, doc, note))
        steps[-1][2]["remarks"] = f"截至{AS_OF}：{note if len(steps) > 1 else '待调查'}"

        state: dict[str, Any] = dict.fromkeys(CASE_FIELDS)
        for step, (action, actor, updates, doc, note) in enumerate(steps):
            if action == "open":
                changes = {k: [None, updates.get(k)] for k in sorted(CASE_FIELDS)}
            else:
                changes = _changes(state, updates)
            before = state["status"]
            for k, (_, after) in changes.items():
                state[k] = after
            events.append(
                (
                    case_no,
                    day[step],
                    str(actor),
                    action,
                    before,
                    state["status"],
                    json.dumps(changes, ensure_ascii=False, sort_keys=True),
                    doc,
                    note,
                )
            )
        rows.append([state[f] for f in CASE_FIELDS])
    case_frame = pd.DataFrame(rows, columns=list(CASE_FIELDS))
    for name in CASE_FLOATS:
        case_frame[name] = case_frame[name].astype(float)
    event_frame = pd.DataFrame(events, columns=list(EVENT_FIELDS))
    event_frame = event_frame.sort_values(["occurred_on", "case_no"], kind="stable")
    return case_frame, event_frame.reset_index(drop=True)


# ----------------------------------------------------------------------------- API


def iter_province(
    n_parcels: int,
    *,
    seed: int = 1,
    counties: int = DEFAULT_COUNTIES,
    case_share: float = DEFAULT_CASE_SHARE,
    buildings: bool = True,
) -> Iterator[dict[str, pd.DataFrame]]:
    """The province county by county: each item maps layer names to that county's rows."""
    for county in plan_counties(n_parcels, seed, counties):
        rng = np.random.default_rng([seed, 1, county.index])
        zones, geo = county_geometry(rng, county)
        parcels, building_frame, cases, category = parcel_frames(
            rng, county, geo, case_share, buildings
        )
        case_frame, events = county_ledger(rng, county, parcels, building_frame, cases, category)
        yield {
            "zones": zones,
            "parcels": parcels,
            "buildings": building_frame,
            "cases": case_frame,
            "case_events": events,
        }


def generate_province(
    n_parcels: int,
    *,
    seed: int = 1,
    counties: int = DEFAULT_COUNTIES,
    case_share: float = DEFAULT_CASE_SHARE,
    buildings: bool = True,
) -> dict[str, pd.DataFrame]:
    """The whole province in memory (for small ``n_parcels``): layer name -> frame."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in LAYERS}
    for chunk in iter_province(
        n_parcels, seed=seed, counties=counties, case_share=case_share, buildings=buildings
    ):
        for name, frame in chunk.items():
            parts[name].append(frame)
    layers: dict[str, pd.DataFrame] = {}
    for name, frames in parts.items():
        frame = pd.concat(frames, ignore_index=True)
        if name in SPATIAL_LAYERS:
            frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=CGCS2000)
        layers[name] = frame
    return layers


def _write(frame: pd.DataFrame, path: Path, layer: str, append: bool) -> None:
    spatial = layer in SPATIAL_LAYERS
    for start in range(0, max(len(frame), 1), CHUNK_ROWS):
        part = frame.iloc[start : start + CHUNK_ROWS]
        write_geopackage(
            part,
            path,
            layer=layer,
            append=append or start > 0,
            **({"geometry_type": "MultiPolygon"} if spatial else {}),
        )


def write_province(
    path: str | Path,
    n_parcels: int,
    *,
    seed: int = 1,
    counties: int = DEFAULT_COUNTIES,
    case_share: float = DEFAULT_CASE_SHARE,
    buildings: bool = True,
) -> dict[str, int]:
    """Generate the province and stream it to a GeoPackage; the row count of each layer."""
    path = Path(path)
    path.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GDAL_DATE})
    counts = dict.fromkeys(LAYERS, 0)
    pending: list[dict[str, pd.DataFrame]] = []

    def flush() -> None:
        for name in LAYERS:
            frame = pd.concat([chunk[name] for chunk in pending], ignore_index=True)
            _write(frame, path, name, append=counts["parcels"] > 0)
        for name in LAYERS:
            counts[name] += sum(len(chunk[name]) for chunk in pending)
        pending.clear()

    for chunk in iter_province(
        n_parcels, seed=seed, counties=counties, case_share=case_share, buildings=buildings
    ):
        pending.append(chunk)
        if sum(len(c["parcels"]) for c in pending) >= CHUNK_ROWS:
            flush()
    if pending:
        flush()
    return counts


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, required=True, help="number of parcels")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="GeoPackage to write")
    parser.add_argument("--counties", type=int, default=DEFAULT_COUNTIES)
    parser.add_argument("--case-share", type=float, default=DEFAULT_CASE_SHARE)
    parser.add_argument(
        "--no-buildings", action="store_true", help="write an empty buildings layer"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = write_province(
        args.out,
        args.parcels,
        seed=args.seed,
        counties=args.counties,
        case_share=args.case_share,
        buildings=not args.no_buildings,
    )
    elapsed = time.perf_counter() - started
    listed = ", ".join(f"{name} {count}" for name, count in counts.items())
    print(f"wrote {args.out}: {listed}")
    print(f"{elapsed:.1f} s, peak RSS {_peak_rss_mb():.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
