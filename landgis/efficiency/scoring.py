"""The arithmetic of the evaluation, on whole columns: each indicator's value, the
benchmarks, each indicator's score, the total and the class.

- value = numerator / denominator / the indicator's scale (in its unit: 万元/亩, %, …);
  none where the denominator is 0, negative or not reported, or the numerator not
  reported;
- benchmark = the one the rules set, else the county's own: the sum of the numerators over
  the sum of the denominators of the enterprises that have a value (an enterprise that
  reports no energy does not count towards the energy benchmark);
- score of an indicator = its weight × min(value / benchmark, cap), never below 0, and 0
  without a value or without a benchmark above 0. The weights are shares: they are scaled
  to add up to 100, so an enterprise at the benchmark on every counted indicator scores
  100 whatever numbers a county writes (the defaults add up to 100 already);
- score = the sum, rounded to 2 decimals; its class by the rules' thresholds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landgis.efficiency.indicators import CLASSES, INDICATORS, Indicator
from landgis.efficiency.rules import EfficiencyRules

SCORE_DECIMALS = 2


def score_column(key: str) -> str:
    """The column of an indicator's score in a frame of results."""
    return f"score_{key}"


def _ratio(frame: pd.DataFrame, indicator: Indicator) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The numerator, the denominator and where both are usable."""
    numerator = pd.to_numeric(frame[indicator.numerator], errors="coerce").astype(float)
    denominator = pd.to_numeric(frame[indicator.denominator], errors="coerce").astype(float)
    usable = numerator.notna() & denominator.notna() & (denominator > 0)
    return numerator, denominator, usable


def indicator_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's value per row of ``frame`` (which has the figures and
    ``area_mu``), in the indicator's unit; NaN where it has none."""
    values = {}
    for indicator in INDICATORS:
        numerator, denominator, usable = _ratio(frame, indicator)
        values[indicator.key] = (numerator / denominator / indicator.scale).where(usable)
    return pd.DataFrame(values, index=frame.index)


def county_benchmark(frame: pd.DataFrame, indicator: Indicator) -> float | None:
    """The county's own figure of ``indicator`` over the rows of ``frame``: the sum of
    the numerators over the sum of the denominators where both are usable; None when no
    row has a value."""
    numerator, denominator, usable = _ratio(frame, indicator)
    if not usable.any():
        return None
    return float(numerator[usable].sum() / denominator[usable].sum() / indicator.scale)


def benchmarks_of(frame: pd.DataFrame, rules: EfficiencyRules) -> dict[str, float | None]:
    """The benchmark of every indicator: set by ``rules``, else the county's own."""
    return {
        indicator.key: (
            float(rules.benchmarks[indicator.key])
            if indicator.key in rules.benchmarks
            else county_benchmark(frame, indicator)
        )
        for indicator in INDICATORS
    }


def effective_weights(rules: EfficiencyRules) -> dict[str, float]:
    """The counted indicators' weights scaled to add up to 100."""
    counted = rules.counted()
    total = sum(counted.values())
    return {key: 100.0 * weight / total for key, weight in counted.items()}


def indicator_scores(
    values: pd.DataFrame, benchmarks: dict[str, float | None], rules: EfficiencyRules
) -> pd.DataFrame:
    """Each counted indicator's score per row of ``values`` (columns
    :func:`score_column`)."""
    scores = {}
    for key, weight in effective_weights(rules).items():
        benchmark = benchmarks.get(key)
        if benchmark is None or benchmark <= 0:
            scores[score_column(key)] = pd.Series(0.0, index=values.index)
            continue
        ratio = (values[key] / benchmark).clip(lower=0.0, upper=rules.cap)
        scores[score_column(key)] = weight * ratio.fillna(0.0)
    return pd.DataFrame(scores, index=values.index)


def total_scores(scores: pd.DataFrame) -> pd.Series:
    """The sum of each row's indicator scores, rounded to 2 decimals."""
    return scores.sum(axis=1).round(SCORE_DECIMALS)


def classes_of(totals: pd.Series, rules: EfficiencyRules) -> pd.Series:
    """The class (A-D) of each total score, as :meth:`EfficiencyRules.class_of` gives it."""
    bounds = [rules.thresholds[name] for name in CLASSES[:-1]]
    conditions = [totals.to_numpy() >= bound for bound in bounds]
    return pd.Series(
        np.select(conditions, list(CLASSES[:-1]), default=CLASSES[-1]),
        index=totals.index,
        dtype=object,
    )


def trends(classes: pd.Series, previous: pd.Series) -> pd.Series:
    """``up``, ``down`` or ``same`` from the previous class to this one (A is best),
    ``new`` where there was no previous class."""
    rank = {name: index for index, name in enumerate(CLASSES)}
    now, before = classes.map(rank), previous.map(rank)
    trend = np.select(
        [before.isna().to_numpy(), (now < before).to_numpy(), (now > before).to_numpy()],
        ["new", "up", "down"],
        default="same",
    )
    return pd.Series(trend, index=classes.index, dtype=object)
