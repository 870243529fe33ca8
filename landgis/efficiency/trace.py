"""How one enterprise's evaluation comes about, step by step, so every figure can be
checked by hand: the figures as imported, the parcels whose areas make its land and how
they were found, each indicator as figure ÷ denominator, its benchmark and where that
comes from, its capped score × weight, the total and the thresholds that give the class.

:func:`find_item` picks the enterprise out of an evaluation, :func:`enterprise_trace`
lays out its steps; :func:`parcel_cases` gives the parcels' current cases, to link them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.db.models import Case, Parcel, Zone
from landgis.efficiency.evaluation import Evaluation
from landgis.efficiency.holdings import code_key, name_key
from landgis.efficiency.imports.columns import LABELS
from landgis.efficiency.indicators import FIGURES, INDICATORS
from landgis.efficiency.scoring import effective_weights, score_column
from landgis.errors import NotFound
from landgis.i18n import Localizable, _
from landgis.ledger_rules.current_case import current_case_ids
from landgis.units import m2_to_mu

# The figures' units as stored (money in 元, whatever unit the imported table had).
FIGURE_UNITS: dict[str, Localizable] = {
    "tax_yuan": _("元"),
    "revenue_yuan": _("元"),
    "output_yuan": _("元"),
    "value_added_yuan": _("元"),
    "energy_tce": _("吨标准煤"),
    "emissions_t": _("吨"),
    "employees": _("人"),
    "rd_yuan": _("元"),
}
# What each figure and the land are called, for the steps.
AREA_LABEL: Localizable = _("用地面积")
AREA_UNIT: Localizable = _("亩")
FIGURE_LABELS: dict[str, Localizable] = {key: LABELS[key] for key in FIGURES}


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class ParcelShare:
    """A parcel of the enterprise's land: its area (m², 亩), zone and current case."""

    parcel_id: int
    parcel_code: str
    area_m2: float
    zone: str | None
    case_no: str | None

    @property
    def area_mu(self) -> float:
        return float(m2_to_mu(self.area_m2))


@dataclass(frozen=True)
class IndicatorStep:
    """One indicator worked out: ``numerator`` ÷ ``denominator`` (figure keys, or
    ``area_mu``) ÷ ``scale`` = ``value`` in ``unit``; against ``benchmark`` (``set`` by
    the county's rules or the ``county``'s own figure) the ratio, capped at ``cap`` and
    never below 0, times ``weight`` (scaled to 100; 0 when it does not count) is
    ``score`` (None when it does not count)."""

    key: str
    label: Localizable
    unit: str
    numerator: str
    numerator_value: float | None
    denominator: str
    denominator_value: float | None
    scale: float
    value: float | None
    benchmark: float | None
    benchmark_source: str
    weight: float
    ratio: float | None
    capped: float | None
    score: float | None

    @property
    def counted(self) -> bool:
        return self.weight > 0


@dataclass(frozen=True)
class EnterpriseTrace:
    """An enterprise's evaluation of a year, step by step (see the module)."""

    year: int
    credit_code: str | None
    name: str
    figures: dict[str, float | None]
    matched_by: str
    parcels: tuple[ParcelShare, ...]
    area_m2: float
    area_mu: float
    steps: tuple[IndicatorStep, ...]
    score: float
    grade: str
    thresholds: dict[str, float]
    cap: float
    previous_year: int | None
    previous_score: float | None
    previous_class: str | None
    trend: str


def find_item(evaluation: Evaluation, key: str) -> pd.Series:
    """The row of ``evaluation.items`` of the enterprise whose credit code, else name, is
    ``key`` (compared as the evaluation compares them); :class:`NotFound` when none is."""
    items = evaluation.items
    wanted = code_key(key)
    codes = items["credit_code"].map(code_key)
    found = items[codes == wanted] if wanted else items[:0]
    if found.empty:
        found = items[items["name"].map(name_key) == name_key(key)]
    if found.empty:
        raise NotFound(_("{year} 年度参评企业中没有 “{key}”。", year=evaluation.year, key=key))
    return found.iloc[0]


def parcel_cases(session: Session) -> dict[int, str]:
    """Each parcel's current case number, by parcel id (parcels with a case only)."""
    rows = session.execute(select(Case.id, Case.parcel_id, Case.case_no)).all()
    numbers = {case_id: case_no for case_id, _parcel, case_no in rows}
    current = current_case_ids((case_id, parcel) for case_id, parcel, _no in rows)
    return {parcel: numbers[case_id] for parcel, case_id in current.items()}


def _parcels(session: Session, ids: list[int]) -> tuple[ParcelShare, ...]:
    stmt = (
        select(Parcel.id, Parcel.parcel_code, Parcel.area_m2, Zone.name)
        .outerjoin(Zone, Parcel.zone_id == Zone.id)
        .where(Parcel.id.in_(ids))
    )
    found = {row[0]: row for row in session.execute(stmt).all()}
    cases = parcel_cases(session)
    return tuple(
        ParcelShare(
            parcel_id=int(pid),
            parcel_code=str(found[pid][1]),
            area_m2=float(found[pid][2] or 0.0),
            zone=found[pid][3],
            case_no=cases.get(int(pid)),
        )
        for pid in ids
        if pid in found
    )


def _steps(evaluation: Evaluation, item: pd.Series) -> tuple[IndicatorStep, ...]:
    rules, weights = evaluation.rules, effective_weights(evaluation.rules)
    steps = []
    for indicator in INDICATORS:
        value = _number(item[indicator.key])
        benchmark = evaluation.benchmarks.get(indicator.key)
        weight = weights.get(indicator.key, 0.0)
        usable = value is not None and benchmark is not None and benchmark > 0
        ratio = value / benchmark if usable else None  # type: ignore[operator]
        capped = min(max(ratio, 0.0), rules.cap) if ratio is not None else None
        column = score_column(indicator.key)
        steps.append(
            IndicatorStep(
                key=indicator.key,
                label=indicator.label,
                unit=indicator.unit,
                numerator=indicator.numerator,
                numerator_value=_number(item[indicator.numerator]),
                denominator=indicator.denominator,
                denominator_value=_number(item[indicator.denominator]),
                scale=indicator.scale,
                value=value,
                benchmark=benchmark,
                benchmark_source="set" if indicator.key in rules.benchmarks else "county",
                weight=weight,
                ratio=ratio,
                capped=capped,
                score=_number(item[column]) if column in item.index else None,
            )
        )
    return tuple(steps)


def enterprise_trace(session: Session, evaluation: Evaluation, item: pd.Series) -> EnterpriseTrace:
    """The steps of the evaluation of ``item`` (a row of ``evaluation.items``)."""
    previous_class = item["previous_class"]
    return EnterpriseTrace(
        year=evaluation.year,
        credit_code=item["credit_code"] if isinstance(item["credit_code"], str) else None,
        name=str(item["name"]),
        figures={key: _number(item[key]) for key in FIGURES},
        matched_by=str(item["matched_by"]),
        parcels=_parcels(session, [int(pid) for pid in item["parcel_ids"]]),
        area_m2=float(item["area_m2"]),
        area_mu=float(item["area_mu"]),
        steps=_steps(evaluation, item),
        score=float(item["score"]),
        grade=str(item["class"]),
        thresholds=dict(evaluation.rules.thresholds),
        cap=evaluation.rules.cap,
        previous_year=evaluation.previous_year,
        previous_score=_number(item["previous_score"]),
        previous_class=previous_class if isinstance(previous_class, str) else None,
        trend=str(item["trend"]),
    )
