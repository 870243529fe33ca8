"""The blocks of the park's three areas as strips of parcels: 产城新区 a street grid,
临江工业区 bent along the river, 白鹤工业区 irregular along a slanting road."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from data.geo.demo.strips import Polyline, Strip, corners, wobbly_edge
from landgis.synthetic.geometry import rotate_and_move

A_ORIGIN, A_ANGLE = (481_300.0, 3_332_650.0), 8.0
B_CENTER, B_PHI0, B_R_REF = (483_600.0, 3_331_250.0), -100.0, 1780.0
B_ROADS = ((0.0, 0.0), (700.0, 30.0), (1380.0, 20.0), (2050.0, 0.0))  # (position, width)
C_ORIGIN, C_ANGLE = (476_200.0, 3_330_250.0), -12.0


def area_cc_strips(rng: np.random.Generator) -> list[Strip]:
    """产城新区: a grid of blocks; the first row split back to back, corners cut by 青峰大道."""
    strips: list[Strip] = []
    columns = ((0.0, 600.0), (632.0, 1250.0), (1282.0, 1880.0))
    pieces_south, pieces_north, pieces_row2 = (3, 4, 3), (3, 3, 4), (5, 4, 4)

    def line(points: Sequence[Sequence[float]]) -> Polyline:
        return Polyline(rotate_and_move(points, A_ANGLE, A_ORIGIN))

    for c, (x0, x1) in enumerate(columns, start=1):
        k = corners(
            rng,
            {
                "sw": (x0 + (70.0 if c == 1 else 0.0), 0.0),
                "se": (x1, 0.0),
                "mw": (x0, 163.0),
                "me": (x1, 163.0),
                "nw": (x0, 330.0),
                "ne": (x1, 330.0),
            },
        )
        bottom = line(wobbly_edge(rng, k["sw"], k["se"]))
        middle = line(wobbly_edge(rng, k["mw"], k["me"], wobble=2.0))
        top = line(wobbly_edge(rng, k["nw"], k["ne"]))
        south, north = pieces_south[c - 1], pieces_north[c - 1]
        strips.append(Strip(f"A-r1c{c}-s", "QX-KFQ-CC", "纬一路", False, middle, bottom, south))
        strips.append(Strip(f"A-r1c{c}-n", "QX-KFQ-CC", "纬二路", True, top, middle, north))
    for c, (x0, x1) in enumerate(columns, start=1):
        k = corners(
            rng,
            {
                "sw": (x0, 362.0),
                "se": (x1, 362.0),
                "nw": (x0, 612.0),
                "ne": (x1 - (120.0 if c == 3 else 0.0), 612.0),
            },
        )
        kink = (0.5 * (x0 + x1), 628.0) if c == 2 else None
        top = line(wobbly_edge(rng, k["nw"], k["ne"], kink=kink))
        bottom = line(wobbly_edge(rng, k["sw"], k["se"]))
        strips.append(
            Strip(f"A-r2c{c}", "QX-KFQ-CC", "纬三路", True, top, bottom, pieces_row2[c - 1])
        )
    return strips


def river_arc(rng: np.random.Generator, radius: float, block: int) -> Polyline:
    """The arc at ``radius`` around the river bend across one block, vertices every ~40 m."""
    (s0, w0), (s1, w1) = B_ROADS[block - 1], B_ROADS[block]
    phi0 = math.radians(B_PHI0) + s0 / B_R_REF + 0.5 * w0 / radius
    phi1 = math.radians(B_PHI0) + s1 / B_R_REF - 0.5 * w1 / radius
    n = max(3, math.ceil(radius * (phi1 - phi0) / 40.0) + 1)
    phis = np.linspace(phi0, phi1, n)
    radii = radius + np.concatenate([[0.0], rng.uniform(-1.5, 1.5, n - 2), [0.0]])
    xy = np.column_stack([radii * np.cos(phis), radii * np.sin(phis)]) + np.asarray(B_CENTER)
    return Polyline(xy)


def area_lj_strips(rng: np.random.Generator) -> list[Strip]:
    """临江工业区: three blocks bent along the river, split by 兴业路 and the 白沙渠 canal.

    Each block has a row facing the river road and, across 临江大道, two rows back to back.
    """
    strips: list[Strip] = []
    for block in range(1, len(B_ROADS)):
        river_row = Strip(
            f"B-1-{block}",
            "QX-KFQ-LJ",
            "滨江路",
            False,
            river_arc(rng, 1730.0, block),
            river_arc(rng, 1470.0, block),
            5,
        )
        middle = river_arc(rng, 1930.0, block)
        inner = Strip(
            f"B-2i-{block}", "QX-KFQ-LJ", "临江大道", True, middle, river_arc(rng, 1762.0, block), 3
        )
        outer = Strip(
            f"B-2o-{block}", "QX-KFQ-LJ", "兴盛路", False, river_arc(rng, 2100.0, block), middle, 3
        )
        strips += [river_row, inner, outer]
    return strips


def area_bh_strips(rng: np.random.Generator) -> list[Strip]:
    """白鹤工业区: irregular blocks (trapezoids, a bevelled pentagon) along a slanting road."""
    blocks = {  # key: (road, odd, pieces, bottom line, top line)
        "C1": ("白鹤大道", True, 4, [(0, 0), (540, 0)], [(0, 298), (490, 298)]),
        "C2-s": ("白鹤大道", True, 3, [(572, 0), (1150, 0)], [(547, 150), (1150, 150)]),
        "C2-n": ("鹤鸣路", False, 3, None, [(522, 300), (900, 300), (1150, 250)]),
        "C6-s": ("白鹤大道", True, 3, [(1182, 0), (1650, -20)], [(1182, 150), (1650, 138)]),
        "C6-n": ("鹤鸣路", False, 3, None, [(1182, 300), (1650, 292)]),
        "C3": ("鹤鸣路", True, 4, [(0, 330), (485, 330)], [(0, 560), (446, 560)]),
        "C4": ("鹤鸣路", True, 4, [(517, 332), (1100, 332)], [(478, 545), (1100, 545)]),
        "C5": (
            "鹤鸣路",
            True,
            4,
            [(1132, 332), (1650, 332)],
            [(1132, 545), (1400, 560), (1600, 520)],
        ),
    }
    strips: list[Strip] = []
    for key, (road, odd, n, bottom_pts, top_pts) in blocks.items():
        if bottom_pts is None:
            bottom = strips[-1].top  # back to back with the strip below: shared line
        else:
            b0, b1 = corners(rng, {"0": bottom_pts[0], "1": bottom_pts[1]}).values()
            bottom = Polyline(rotate_and_move(wobbly_edge(rng, b0, b1), C_ANGLE, C_ORIGIN))
        if len(top_pts) == 3:
            ends = corners(rng, {"0": top_pts[0], "1": top_pts[2]})
            top_line = wobbly_edge(rng, ends["0"], ends["1"], kink=top_pts[1])
        else:
            ends = corners(rng, {"0": top_pts[0], "1": top_pts[1]})
            top_line = wobbly_edge(rng, ends["0"], ends["1"])
        top = Polyline(rotate_and_move(top_line, C_ANGLE, C_ORIGIN))
        strips.append(Strip(key, "QX-KFQ-BH", road, odd, top, bottom, n))
    return strips
