"""The per-mu evaluation (亩均效益评价) of a year: every enterprise with figures that year
and land in the county, its indicators against the county's benchmarks, its score and
class, beside its class and score of the year before.

Two queries, whatever the county's size: the parcels with their holders
(:func:`~landgis.efficiency.holdings.parcel_holdings`) and the figures of the year and the
year before (:func:`~landgis.efficiency.figures.figures_of`); the rest is pandas on whole
columns (:mod:`.land`, :mod:`.scoring`). The year before is evaluated on the same parcels
and rules as the year itself: a county that changes its rules sees both years under the
new ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from landgis.efficiency.figures import FIGURE_COLUMNS, figures_of
from landgis.efficiency.holdings import parcel_holdings
from landgis.efficiency.indicators import CLASSES, INDICATORS
from landgis.efficiency.land import (
    LAND_COLUMNS,
    KeyedHoldings,
    code_keys,
    land_of_enterprises,
    name_keys,
)
from landgis.efficiency.rules import EfficiencyRules
from landgis.efficiency.scoring import (
    benchmarks_of,
    classes_of,
    indicator_scores,
    indicator_values,
    score_column,
    total_scores,
    trends,
)
from landgis.errors import InvalidInput, NotFound
from landgis.i18n import _

FIRST_YEAR, LAST_YEAR = 2000, 2100

# The columns of :attr:`Evaluation.items`, before the indicators' scores.
ITEM_COLUMNS: tuple[str, ...] = (
    *FIGURE_COLUMNS,
    *LAND_COLUMNS[1:],
    *(indicator.key for indicator in INDICATORS),
)
RESULT_COLUMNS: tuple[str, ...] = ("score", "class", "previous_score", "previous_class", "trend")


@dataclass(frozen=True)
class Evaluation:
    """A year's evaluation.

    ``items``: one row per enterprise evaluated, best score first: its figures as given
    (``figure_id`` is the row of ``enterprise_figures``), its parcels (``parcel_ids``,
    ``parcel_codes``, ``zone``, ``matched_by``, ``area_m2``, ``area_mu``), each
    indicator's value (columns named by the indicators' keys, NaN for none), each counted
    indicator's score (``score_<key>``), ``score``, ``class``, ``previous_score``,
    ``previous_class`` (NaN when not evaluated the year before) and ``trend``.
    ``benchmarks``: each indicator's benchmark in its unit (None without one), set by
    ``rules.benchmarks`` or else the county's own.
    ``unmatched``: the rows of figures of the year whose enterprise holds no land.
    """

    year: int
    rules: EfficiencyRules
    items: pd.DataFrame
    benchmarks: dict[str, float | None]
    unmatched: pd.DataFrame
    previous_year: int | None = None

    def class_counts(self) -> dict[str, int]:
        """How many enterprises are in each class, A to D."""
        counts = self.items["class"].value_counts()
        return {name: int(counts.get(name, 0)) for name in CLASSES}


@dataclass(frozen=True)
class YearResult:
    """One year scored, before the year before is joined to it."""

    items: pd.DataFrame
    benchmarks: dict[str, float | None]
    unmatched: pd.DataFrame


def check_year(year: int) -> int:
    """``year`` when it is one the evaluation takes, else :class:`InvalidInput`."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            _("年度 {year} 超出范围({first}–{last})。", year=year, first=FIRST_YEAR, last=LAST_YEAR)
        )
    return year


def score_year(figures: pd.DataFrame, keyed: KeyedHoldings, rules: EfficiencyRules) -> YearResult:
    """Score one year's ``figures`` (columns :data:`FIGURE_COLUMNS`, maybe with their
    ``code_key`` and ``name_key``) on the parcels ``keyed``: only enterprises holding land
    of some area are evaluated, and only they make the county's benchmarks."""
    land = land_of_enterprises(figures, keyed)
    land = land[land["area_m2"] > 0]
    items = figures.merge(land, on="figure_id", how="inner")
    unmatched = figures.loc[~figures["figure_id"].isin(items["figure_id"]), list(FIGURE_COLUMNS)]
    unmatched = unmatched.reset_index(drop=True)
    values = indicator_values(items)
    benchmarks = benchmarks_of(items, rules)
    scores = indicator_scores(values, benchmarks, rules)
    items = pd.concat([items, values, scores], axis=1)
    items["score"] = total_scores(scores)
    items["class"] = classes_of(items["score"], rules)
    return YearResult(items, benchmarks, unmatched)


def _join_previous(items: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """The previous year's score and class of each enterprise of ``items``: found by
    credit code, else by name (as compared); both frames carry their keys."""
    by_code = previous[previous["code_key"] != ""].drop_duplicates("code_key")
    by_code = by_code.set_index("code_key")
    by_name = previous.drop_duplicates("name_key").set_index("name_key")
    codes, names = items["code_key"], items["name_key"]
    result = items.copy()
    for column in ("score", "class"):
        found = codes.map(by_code[column]).where(codes != "")
        result[f"previous_{column}"] = found.where(found.notna(), names.map(by_name[column]))
    result["previous_score"] = result["previous_score"].astype(float)
    result["previous_class"] = result["previous_class"].astype(object)
    result["trend"] = trends(result["class"], result["previous_class"])
    return result


def evaluate_frames(
    figures: pd.DataFrame, holdings: pd.DataFrame, rules: EfficiencyRules, year: int
) -> Evaluation:
    """The evaluation of ``year`` from ``figures`` of that year and maybe the year before
    (columns :data:`FIGURE_COLUMNS`) and the parcels' ``holdings``; no database."""
    keyed = KeyedHoldings.of(holdings)
    figures = figures.assign(
        code_key=code_keys(figures["credit_code"]), name_key=name_keys(figures["name"])
    )
    current = score_year(figures[figures["year"] == year].reset_index(drop=True), keyed, rules)
    earlier = figures[figures["year"] == year - 1].reset_index(drop=True)
    previous = score_year(earlier, keyed, rules).items if len(earlier) else None
    items = _join_previous(current.items, previous if previous is not None else current.items[:0])
    score_columns = [score_column(key) for key in rules.counted()]
    items = items.sort_values(["score", "name"], ascending=[False, True], kind="stable")
    items = items[[*ITEM_COLUMNS, *score_columns, *RESULT_COLUMNS]].reset_index(drop=True)
    return Evaluation(
        year=year,
        rules=rules,
        items=items,
        benchmarks=current.benchmarks,
        unmatched=current.unmatched,
        previous_year=year - 1 if previous is not None else None,
    )


def evaluate(
    session: Session, rules: EfficiencyRules, year: int, *, holdings: pd.DataFrame | None = None
) -> Evaluation:
    """The evaluation of ``year`` (:class:`Evaluation`) under ``rules``, on ``holdings``
    when the caller has read them already (else they are read);
    :class:`NotFound` when the year has no figures, :class:`InvalidInput` when it is out of
    :data:`FIRST_YEAR` – :data:`LAST_YEAR`."""
    check_year(year)
    figures = figures_of(session, [year - 1, year])
    if not (figures["year"] == year).any():
        raise NotFound(_("{year} 年度没有企业亩均数据,请先导入该年度的数据。", year=year))
    if holdings is None:
        holdings = parcel_holdings(session)
    return evaluate_frames(figures, holdings, rules, year)
