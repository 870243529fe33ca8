"""Open what is imported (a file, or a GeoDataFrame already in landgis's terms): its rows
as read, how its columns become parcel fields, and what it says as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from landgis.i18n import _
from landgis.imports.options import ImportOptions
from landgis.imports.rejects import REJECT_COLUMNS
from landgis.io.codes import template_columns
from landgis.io.fields import TARGETS, ColumnPlan, plan_columns
from landgis.io.problems import Problem, problem
from landgis.io.readers import RawLayer, read_raw


@dataclass
class Source:
    """A file opened for import.

    ``plan`` maps its columns to parcel fields, ``fields`` are the fields its rows give
    (``parcel_code`` too when the import gives codes), ``template_of`` the file column of
    each column a code template names, ``problems`` what the file as a whole says.
    """

    name: str
    raw: RawLayer
    plan: ColumnPlan
    fields: list[str]
    template_of: dict[str, str] | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """The file's own columns, in its order."""
        geometry = self.raw.frame.geometry.name
        return [str(c) for c in self.raw.frame.columns if c != geometry]


def _source(
    name: str, raw: RawLayer, options: ImportOptions, mapping: dict[str, str | None] | None
) -> Source:
    geometry = raw.frame.geometry.name
    names = [str(c) for c in raw.frame.columns if c != geometry]
    problems = list(raw.problems)
    # a rejects file imported again: its row numbers and reasons are not the parcel's
    mapping = {**dict.fromkeys(c for c in REJECT_COLUMNS if c in names), **(mapping or {})}
    codes = options.codes
    template_of = None
    if codes is not None and codes.template is not None:
        template_of = template_columns(codes.template, names)  # FileRefused when one is missing
    plan = plan_columns(names, mapping, fallbacks=raw.fallbacks)
    if template_of is not None:  # the template gives the code: a code column is an extra
        for column in [c for c, f in plan.rename.items() if f == "parcel_code"]:
            del plan.rename[column]
            plan.extra.append(column)
    problems += plan.problems
    fields = sorted(set(plan.rename.values()) | ({"parcel_code"} if codes else set()))
    if raw.count == 0:
        problems.append(problem("no_features", _("文件中没有任何图形要素。")))
    return Source(name, raw, plan, fields, template_of, problems)


def open_file(path: Path, options: ImportOptions, name: str | None = None) -> Source:
    """The file at ``path`` opened as ``options`` say; raises
    :class:`~landgis.io.problems.FileRefused` when it cannot be read or trusted at all."""
    raw = read_raw(
        path, layer=options.layer, limits=options.limits, stream=options.batch_size is not None
    )
    mapping = dict(options.mapping) if options.mapping is not None else None
    return _source(name or path.name, raw, options, mapping)


def open_frame(frame: gpd.GeoDataFrame, options: ImportOptions, name: str) -> Source:
    """A GeoDataFrame whose columns already carry landgis field names (the demo county,
    a parcel typed in), opened as a file would be."""
    raw = RawLayer(frame.reset_index(drop=True), frame.crs, "GeoDataFrame")
    mapping: dict[str, str | None] = {str(c): str(c) for c in frame.columns if c in TARGETS}
    return _source(name, raw, options, mapping | dict(options.mapping or {}))
