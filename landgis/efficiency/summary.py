"""An evaluation summed up: how many enterprises are in each class and how much land
(亩) they hold, in the county and in each zone (园区), as the dashboard shows it and
``GET /api/efficiency`` answers it (``class_area_mu``, ``by_zone``).

An enterprise's land is split by the zone of each of its parcels: one whose parcels lie in
two zones counts once in each of their rows (with the area it holds there) and once in
the county's totals, so the zones' areas add up to the county's and their counts may add
up to more. Areas are summed in m² and converted to 亩 once (1 亩 = 2000/3 m²).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from landgis.efficiency.evaluation import Evaluation, evaluate
from landgis.efficiency.figures import figure_years
from landgis.efficiency.holdings import parcel_holdings
from landgis.efficiency.indicators import CLASSES
from landgis.efficiency.rules import EfficiencyRules
from landgis.text_sort import sort_key
from landgis.units import m2_to_mu


@dataclass(frozen=True)
class ClassFigures:
    """Enterprises (``counts``) and their land in 亩 (``area_mu``) by class A–D, of the
    county or of one ``zone`` (None: parcels in no zone)."""

    zone: str | None
    counts: dict[str, int]
    area_mu: dict[str, float]

    @property
    def count(self) -> int:
        """The enterprises of every class."""
        return sum(self.counts.values())

    @property
    def total_area_mu(self) -> float:
        """The land of every class, in 亩."""
        return float(sum(self.area_mu.values()))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "zone": self.zone,
            "counts": dict(self.counts),
            "area_mu": dict(self.area_mu),
            "count": self.count,
            "total_area_mu": self.total_area_mu,
        }


@dataclass(frozen=True)
class ClassSummary:
    """A year's evaluation summed up: the county's figures by class (``county``) and each
    zone's (``zones``, by name, the parcels in no zone last)."""

    year: int
    county: ClassFigures
    zones: tuple[ClassFigures, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``class_area_mu`` and ``by_zone`` as ``GET /api/efficiency``
        answers them."""
        return {
            "class_area_mu": dict(self.county.area_mu),
            "by_zone": [zone.to_dict() for zone in self.zones],
        }


def _figures(zone: str | None, rows: pd.DataFrame) -> ClassFigures:
    """The class figures of ``rows`` (one per enterprise and parcel: ``figure_id``,
    ``class``, ``area_m2``)."""
    counts = rows.groupby("class")["figure_id"].nunique()
    areas = rows.groupby("class")["area_m2"].sum()
    return ClassFigures(
        zone=zone,
        counts={name: int(counts.get(name, 0)) for name in CLASSES},
        area_mu={name: float(m2_to_mu(float(areas.get(name, 0.0)))) for name in CLASSES},
    )


def class_summary(evaluation: Evaluation, holdings: pd.DataFrame) -> ClassSummary:
    """The enterprises and 亩 by class of ``evaluation``, in the county and in each zone;
    ``holdings`` are the parcels it was evaluated on
    (:func:`~landgis.efficiency.holdings.parcel_holdings`)."""
    items = evaluation.items[["figure_id", "parcel_ids", "class"]]
    parcels = items.explode("parcel_ids").rename(columns={"parcel_ids": "parcel_id"})
    parcels = parcels.dropna(subset=["parcel_id"]).astype({"parcel_id": "int64"})
    land = holdings[["parcel_id", "area_m2", "zone"]]
    rows = parcels.merge(land, on="parcel_id", how="left")
    rows["area_m2"] = rows["area_m2"].fillna(0.0)
    zoned = rows[rows["zone"].notna()]
    names = sorted({str(zone) for zone in zoned["zone"]}, key=sort_key)
    zones = [_figures(name, zoned[zoned["zone"] == name]) for name in names]
    if rows["zone"].isna().any():
        zones.append(_figures(None, rows[rows["zone"].isna()]))
    classes = evaluation.items.groupby("class")["area_m2"].sum()
    county = ClassFigures(
        zone=None,
        counts=evaluation.class_counts(),
        area_mu={name: float(m2_to_mu(float(classes.get(name, 0.0)))) for name in CLASSES},
    )
    return ClassSummary(year=evaluation.year, county=county, zones=tuple(zones))


def evaluation_summary(
    session: Session, rules: EfficiencyRules, year: int
) -> tuple[Evaluation, ClassSummary]:
    """The evaluation of ``year`` (as :func:`~landgis.efficiency.evaluation.evaluate`
    gives it, with its refusals) and its summary, the parcels read once."""
    holdings = parcel_holdings(session)
    evaluation = evaluate(session, rules, year, holdings=holdings)
    return evaluation, class_summary(evaluation, holdings)


def latest_summary(
    session: Session, rules: EfficiencyRules
) -> tuple[Evaluation, ClassSummary] | None:
    """The evaluation of the latest year with figures and its summary; None when no year
    has figures."""
    years = figure_years(session)
    if not years:
        return None
    return evaluation_summary(session, rules, max(years))
