"""One batch of a file's rows typed and placed: the parcel fields of each row, its codes
(read, composed from a template, or left for numbering), its geometry in EPSG:4490 and
its areas; with the problems of each row found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from landgis.geo import CGCS2000
from landgis.i18n import _
from landgis.imports.cells import TOO_LONG, cell_problem, string_limit, typed_columns
from landgis.imports.options import ImportOptions
from landgis.imports.placing import place
from landgis.imports.source import Source
from landgis.io.codes import CodeTemplate, compose
from landgis.io.fields import UNIT_GUESS_SHARE, area_unit_from_values
from landgis.io.problems import Problem, problem
from landgis.units import M2_PER_MU


@dataclass
class Rows:
    """A batch of rows, typed and placed.

    ``frame`` (None when the file's coordinates cannot be placed at all: the problems say
    why) has one row per feature: ``row`` (1-based in the file), the parcel fields,
    ``extra`` (dict or None), ``geometry`` (a valid MultiPolygon in EPSG:4490, None where
    the row's is unusable), ``area_m2``, ``geodesic_area_m2``, ``gk_epsg`` (NaN without a
    geometry), from ``rows`` rows read.
    """

    frame: gpd.GeoDataFrame | None
    rows: int
    crs: CRS | None
    problems: list[Problem] = field(default_factory=list)
    heights: int = 0  # rows whose Z values were dropped
    area_factor: float = 1.0  # m² per unit of a registered-area column named without one


def blank_template_problem(row: int, column: str, template: str) -> Problem:
    """A row whose code cannot be composed: ``column`` of the template is blank."""
    return problem(
        "missing_code",
        _(
            "缺少宗地编号:按编号模板“{template}”组合时,“{column}”列为空",
            template=template,
            column=column,
        ),
        row=row,
    )


def area_unit_guessed_problem(column: str, factor: float) -> Problem:
    """The file's warning that ``column``, named without a unit, was read in the unit of
    ``factor`` m² (亩 or 公顷) judged from its values."""
    unit = _("亩") if factor == float(M2_PER_MU) else _("公顷")
    return problem(
        "area_unit_guessed",
        _(
            "“{column}”一列按数值判断为{unit}(与图形面积相差不超过 {share:.0%}),已换算为平方米。",
            column=column,
            unit=unit,
            share=UNIT_GUESS_SHARE,
        ),
    )


def _registered_in_m2(
    registered: list[Any], computed: np.ndarray, column: str
) -> tuple[list[Any], float, list[Problem]]:
    """The registered areas of ``column`` (named without a unit) in m², the m² per unit
    judged from the polygons' ``computed`` areas (1 when no unit matches) and the warning
    saying so when they were converted."""
    factor = area_unit_from_values(registered, computed) or 1.0
    if factor == 1.0:
        return registered, 1.0, []
    converted = [None if value is None else value * factor for value in registered]
    return converted, factor, [area_unit_guessed_problem(column, factor)]


def _composed_codes(
    template: CodeTemplate, template_of: dict[str, str], frame: pd.DataFrame, first_row: int
) -> tuple[list[Any], list[Problem]]:
    """Each row's code composed by ``template`` (``template_of``: the file column of each
    column it names), and the problems of the rows it cannot give one."""
    used = list(dict.fromkeys(template_of.values()))
    composed, blank = compose(template, frame[used].to_dict("records"), template_of)
    limit = string_limit("parcel_code")
    problems = []
    for position, code in enumerate(composed):
        row = first_row + position
        if position in blank:
            problems.append(blank_template_problem(row, blank[position], template.text))
        elif code is not None and limit is not None and len(code) > limit:
            problems.append(cell_problem(TOO_LONG, "parcel_code", template.text, code, row, None))
            composed[position] = None
    return composed, problems


def type_rows(
    rows: gpd.GeoDataFrame,
    first_row: int,
    source: Source,
    options: ImportOptions,
    county: BaseGeometry | None,
) -> Rows:
    """Type, place and repair ``rows``, the file's rows from ``first_row`` on."""
    rows = rows.reset_index(drop=True)
    n = len(rows)
    columns, extras, problems = typed_columns(rows, source.plan, first_row)
    template = options.codes.template if options.codes is not None else None
    if template is not None and source.template_of is not None:
        composed, failed = _composed_codes(template, source.template_of, rows, first_row)
        columns["parcel_code"] = composed
        problems += failed
    elif options.codes is not None:
        columns.setdefault("parcel_code", [None] * n)
    codes = columns.get("parcel_code", [None] * n)
    problems = [p.naming(codes[p.row - first_row]) if p.row else p for p in problems]
    placed = place(
        rows.geometry.values,
        codes,
        first_row,
        declared=source.raw.declared_crs,
        crs=options.crs,
        swap_xy=options.swap_xy,
        from_gcj02=options.from_gcj02,
        county=county,
        repairs=options.repair_geometry,
    )
    problems += placed.problems
    if placed.geoms is None:
        return Rows(None, n, placed.crs, problems, placed.heights)
    area_factor = 1.0
    column = source.plan.unit_unknown
    if column is not None and "registered_area_m2" in columns:
        registered, area_factor, judged = _registered_in_m2(
            columns["registered_area_m2"], placed.area_m2, column
        )
        columns["registered_area_m2"] = registered
        problems += judged
    fields = source.fields
    frame = gpd.GeoDataFrame(
        pd.DataFrame(columns, columns=fields) if fields else pd.DataFrame(index=range(n)),
        geometry=placed.geoms.reset_index(drop=True),
        crs=CGCS2000,
    )
    frame.insert(0, "row", np.arange(first_row, first_row + n))
    frame["extra"] = extras
    frame["area_m2"] = placed.area_m2
    frame["geodesic_area_m2"] = placed.geodesic_area_m2
    frame["gk_epsg"] = placed.gk_epsg
    return Rows(frame, n, placed.crs, problems, placed.heights, area_factor)
