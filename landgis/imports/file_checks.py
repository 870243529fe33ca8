"""The checks that compare a file's rows with each other: codes missing or repeated,
rows listed twice, rows overlapping, registered areas that differ from the polygons'.

They run over the whole file once its batches are typed and placed (:mod:`landgis.imports.rows`),
rows named by their number in the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgis.db.coerce import is_missing
from landgis.i18n import _, listing
from landgis.io.problems import WARNING, Problem, problem
from landgis.io.validate import Overlap, overlaps


def missing_code_problem(row: int) -> Problem:
    """A row without a parcel code."""
    return problem(
        "missing_code",
        _(
            "缺少宗地编号(如宗地编号在另一名称的列中,请将该列名改为“宗地编号”;"
            "文件没有编号时,可在“宗地编号”一项选择“自动编号(前缀)”或“由列组合(模板)”)"
        ),
        row=row,
        suggestion={"mapping": "parcel_code", "codes": True},
    )


def duplicate_code_problem(row: int, code: str, rows: list[int]) -> Problem:
    """Row ``row`` repeats a code that the ``rows`` of the file (``row`` among them) share."""
    others = [r for r in rows if r != row][:20]
    return problem(
        "duplicate_code",
        _("宗地编号在文件中重复(另见第 {rows} 行)", rows=listing(others)),
        row=row,
        parcel_code=code,
    )


def file_overlap_problem(
    row: int, code: Any, other_row: int, other_code: Any, found: Overlap
) -> Problem:
    """Row ``row`` overlaps row ``other_row`` of the same file (``found``: an Overlap)."""
    return problem(
        "overlap",
        _(
            "与文件第 {other_row} 行({other_code})重叠 {area:.1f} ㎡(占较小宗地的 {share:.1%})",
            other_row=other_row,
            other_code=other_code,
            area=found.area_m2,
            share=found.share,
        ),
        row=row,
        parcel_code=code,
    )


def duplicate_row_problem(row: int, code: Any, first: int) -> Problem:
    """Row ``row`` repeats row ``first`` exactly: the same geometry and attributes."""
    return problem(
        "duplicate_row",
        _("与第 {first} 行完全相同(图形和属性都相同),是重复的一行", first=first),
        row=row,
        parcel_code=None if is_missing(code) else code,
    )


def repeated_rows(frame: gpd.GeoDataFrame, fields: Sequence[str]) -> dict[int, int]:
    """The positions of rows that repeat an earlier row exactly (the same geometry and the
    same fields and extra attributes), each with the position of the row it repeats.
    Only rows sharing a geometry have their attributes compared."""
    geoms = np.asarray(frame.geometry.values, dtype=object)
    present = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    if len(present) < 2:
        return {}
    # Equal geometries have equal bounds: only rows sharing their bounds are compared.
    bounds = pd.DataFrame(shapely.bounds(geoms[present]))
    present = present[bounds.duplicated(keep=False).to_numpy()]
    if len(present) < 2:
        return {}
    shapes = pd.Series(shapely.to_wkb(shapely.normalize(geoms[present])), index=present)
    shared = shapes[shapes.duplicated(keep=False)]
    if shared.empty:
        return {}
    columns = [c for c in (*fields, "extra") if c in frame]
    values = frame.iloc[shared.index][columns].astype(object)
    values = values.where(values.notna(), None)
    first: dict[tuple[bytes, str], int] = {}
    repeats: dict[int, int] = {}
    for position, shape, row in zip(
        shared.index.tolist(), shared.tolist(), values.itertuples(index=False), strict=True
    ):
        key = (shape, json.dumps(list(row), default=str, ensure_ascii=False))
        earlier = first.setdefault(key, position)
        if earlier != position:
            repeats[position] = earlier
    return repeats


def code_problems(
    codes: Sequence[Any], rows: Sequence[int], *, blank_ok: bool = False
) -> list[Problem]:
    """Rows without a code (unless ``blank_ok``: the import gives them one) and rows
    repeating one (``codes`` and ``rows`` in the same order)."""
    problems = []
    texts = [None if is_missing(c) else str(c).strip() or None for c in codes]
    series = pd.Series(texts, dtype=object)
    repeated = series.notna().to_numpy() & series.duplicated(keep=False).to_numpy()
    rows_of: dict[str, list[int]] = {}
    for position in np.flatnonzero(repeated).tolist():
        rows_of.setdefault(texts[position] or "", []).append(int(rows[position]))
    for position in np.flatnonzero(series.isna().to_numpy() | repeated).tolist():
        text = texts[position]
        if text is None:
            if not blank_ok:
                problems.append(missing_code_problem(int(rows[position])))
        else:
            problems.append(duplicate_code_problem(int(rows[position]), text, rows_of[text]))
    return problems


def overlap_problems(
    geoms: gpd.GeoSeries, codes: Sequence[Any], rows: Sequence[int]
) -> list[Problem]:
    """Both rows of each pair of rows that overlap."""
    problems = []
    for found in overlaps(geoms):
        for me, other in ((found.i, found.j), (found.j, found.i)):
            problems.append(
                file_overlap_problem(
                    int(rows[me]), codes[me], int(rows[other]), codes[other], found
                )
            )
    return problems


def area_problems(
    registered: Sequence[Any],
    computed: np.ndarray,
    codes: Sequence[Any],
    rows: Sequence[int],
    share: float,
) -> list[Problem]:
    """A warning for each row whose computed area differs from its registered area by
    more than ``share``."""
    problems = []
    given_areas = pd.to_numeric(pd.Series(list(registered), dtype=object), errors="coerce")
    given_areas = given_areas.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        usable = np.isfinite(computed) & (given_areas > 0)
        off = usable & (np.abs((computed - given_areas) / given_areas) > share)
    for position in np.flatnonzero(off).tolist():
        given, area = given_areas[position], computed[position]
        problems.append(
            problem(
                "area_mismatch",
                _(
                    "计算面积 {area:.2f} ㎡ 与登记面积 {given:.2f} ㎡ 相差 {difference:+.1%}"
                    "(超过 {share:.0%})",
                    area=area,
                    given=given,
                    difference=(area - given) / given,
                    share=share,
                ),
                row=int(rows[position]),
                parcel_code=None if is_missing(codes[position]) else codes[position],
                severity=WARNING,
            )
        )
    return problems


def file_checks(
    frame: gpd.GeoDataFrame, fields: Sequence[str], *, codes_given: bool, area_share: float
) -> list[Problem]:
    """Every problem found by comparing the rows of ``frame`` (the whole file, typed and
    placed): a row repeating another exactly is said once, as a repeated row, and left
    out of the code and overlap checks; ``codes_given`` when rows without a code get one
    from the import."""
    n = len(frame)
    rows = frame["row"].to_numpy()
    codes = frame["parcel_code"].tolist() if "parcel_code" in frame else [None] * n
    repeats = repeated_rows(frame, fields)
    problems = [
        duplicate_row_problem(int(rows[p]), codes[p], int(rows[first]))
        for p, first in repeats.items()
    ]
    keep = np.ones(n, dtype=bool)
    keep[list(repeats)] = False
    kept = np.flatnonzero(keep)
    kept_codes = [codes[p] for p in kept]
    problems += code_problems(kept_codes, rows[kept], blank_ok=codes_given)
    problems += overlap_problems(frame.geometry.iloc[kept], kept_codes, rows[kept])
    registered = frame["registered_area_m2"].tolist() if "registered_area_m2" in frame else None
    if registered is not None:
        computed = frame["area_m2"].to_numpy(dtype=float)
        problems += area_problems(registered, computed, codes, rows, area_share)
    return problems
