"""The cases a year's evaluation suggests to the ledger, parcel by parcel.

- ``low_efficiency`` (低效用地): a parcel of an enterprise in one of the classes the rules
  suggest (``suggest_classes``, by default D);
- ``no_tax`` (possibly idle, 闲置土地): a parcel whose enterprise has figures in each of the
  last ``idle_after_years_without_tax`` years up to the year, and no tax (0 or not
  reported) in any of them; it is suggested as this rather than as low-efficiency;
- ``no_figures`` (possibly idle): a parcel no enterprise with figures of the year holds,
  unless it is still in its construction period then (``spare_construction_period``): not
  completed, and its agreed completion date or its grant after the year's end.

A parcel with a case still in the ledger (any status but closed out or dismissed) is not
suggested, nor one a clerk already opened or dismissed for that year (its
``efficiency_reviews`` row); a dismissal holds for its year only.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from landgis.db.models import Case, EfficiencyReview, Parcel
from landgis.efficiency.evaluation import Evaluation, evaluate
from landgis.efficiency.figures import figures_of
from landgis.efficiency.holdings import parcel_holdings
from landgis.efficiency.indicators import CLASS_NAMES
from landgis.efficiency.land import KeyedHoldings, holding_links
from landgis.efficiency.rules import EfficiencyRules
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, _, term
from landgis.units import m2_to_mu
from landgis.workflow import ENDED_STATUSES

Kind = Literal["low_efficiency", "no_tax", "no_figures"]
KINDS: tuple[Kind, ...] = ("low_efficiency", "no_tax", "no_figures")
# The ledger category and cause a case opened from each kind of suggestion takes. The
# cause of a parcel without figures is for the investigation to find.
CATEGORY: dict[Kind, str] = {
    "low_efficiency": "low_efficiency",
    "no_tax": "idle",
    "no_figures": "idle",
}
CAUSE: dict[Kind, str | None] = {
    "low_efficiency": "enterprise",
    "no_tax": "business_failure",
    "no_figures": None,
}


@dataclass(frozen=True)
class Suggestion:
    """One parcel suggested to the ledger for ``year``, with the figures behind it
    (``enterprise``, ``score``, ``grade`` (the class), ``tax_per_mu`` in 万元/亩: None
    when the parcel's enterprise has none) and why (``reason``)."""

    year: int
    parcel_id: int
    parcel_code: str
    holder: str | None
    zone: str | None
    area_mu: float
    kind: Kind
    enterprise: str | None
    score: float | None
    grade: str | None
    tax_per_mu: float | None
    reason: Localizable

    @property
    def category(self) -> str:
        """The ledger category of a case opened from it."""
        return CATEGORY[self.kind]

    @property
    def cause(self) -> str | None:
        """The ledger cause of a case opened from it (None: to be found)."""
        return CAUSE[self.kind]

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """JSON-ready, the reason and category in ``lang`` and in Chinese."""
        reason_zh, reason_en = self.reason.render(DEFAULT_LANGUAGE), self.reason.render("en")
        return {
            "year": self.year,
            "parcel_code": self.parcel_code,
            "holder": self.holder,
            "zone": self.zone,
            "area_mu": round(self.area_mu, 2),
            "kind": self.kind,
            "category": self.category,
            "category_label": term("category", self.category).render(lang),
            "cause": self.cause,
            "enterprise": self.enterprise,
            "class": self.grade,
            "score": self.score,
            "tax_per_mu": self.tax_per_mu,
            "reason": self.reason.render(lang),
            "reason_zh": reason_zh,
            "reason_en": reason_en,
        }


def _number(value: object) -> float | None:
    """A float, None for NaN or none."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def two_decimals(value: float | None) -> str:
    """``value`` with 2 decimals, "-" for none."""
    return "-" if value is None else format(value, ".2f")


def figures_reason(year: int, grade: str, score: float, tax_per_mu: float | None) -> Localizable:
    """Why a parcel of class ``grade`` is suggested, with the evaluation's figures."""
    return _(
        "{year} 年度亩均效益评价为 {grade} 类({title}),得分 {score},亩均税收 {tax} 万元/亩",
        year=year,
        grade=grade,
        title=CLASS_NAMES[grade],
        score=two_decimals(score),
        tax=two_decimals(tax_per_mu),
    )


def _no_tax_parcels(
    session: Session, keyed: KeyedHoldings, year: int, years: int
) -> dict[int, str]:
    """The parcels whose enterprise has figures in each of the ``years`` years up to
    ``year`` and paid no tax in any, with the enterprise's name of ``year``."""
    window = list(range(year - years + 1, year + 1))
    figures = figures_of(session, window)
    links = holding_links(figures, keyed).merge(
        figures[["figure_id", "year", "name", "tax_yuan"]], on="figure_id"
    )
    links["paid"] = links["tax_yuan"].fillna(0.0) > 0
    per_parcel = links.groupby("parcel_id").agg(years=("year", "nunique"), paid=("paid", "any"))
    idle = per_parcel[(per_parcel["years"] == len(window)) & ~per_parcel["paid"]].index
    names = links[links["year"] == year].drop_duplicates("parcel_id").set_index("parcel_id")
    return {int(parcel): str(names.at[parcel, "name"]) for parcel in idle}


def _excluded(session: Session, year: int) -> set[int]:
    """The parcels with a case in the ledger, or a decision on this year's suggestion."""
    in_ledger = select(Case.parcel_id).where(Case.status.not_in(ENDED_STATUSES))
    reviewed = select(EfficiencyReview.parcel_id).where(EfficiencyReview.year == year)
    return set(session.scalars(in_ledger)) | set(session.scalars(reviewed))


def in_construction(session: Session, year: int) -> set[int]:
    """The parcels still in their construction period at the end of ``year``: not
    completed, and agreed to be completed (or granted) after it."""
    year_end = dt.date(year, 12, 31)
    stmt = select(Parcel.id).where(
        Parcel.actual_completion_date.is_(None),
        or_(Parcel.agreed_completion_date > year_end, Parcel.contract_date > year_end),
    )
    return set(session.scalars(stmt))


def _by_parcel(evaluation: Evaluation) -> pd.DataFrame:
    """The evaluation's items, one row per parcel held (index ``parcel_id``)."""
    items = evaluation.items[["name", "parcel_ids", "score", "class", "tax_per_mu"]]
    exploded = items.explode("parcel_ids").rename(columns={"parcel_ids": "parcel_id"})
    exploded["parcel_id"] = exploded["parcel_id"].astype("int64")
    return exploded.drop_duplicates("parcel_id").set_index("parcel_id")


def suggestions(session: Session, rules: EfficiencyRules, year: int) -> list[Suggestion]:
    """The parcels the evaluation of ``year`` under ``rules`` suggests to the ledger:
    low-efficiency first (lowest score first), then without tax, then without figures (by
    parcel code). :class:`~landgis.errors.NotFound` when the year has no figures."""
    evaluation = evaluate(session, rules, year)
    holdings = parcel_holdings(session)
    keyed = KeyedHoldings.of(holdings)
    evaluated = _by_parcel(evaluation)
    no_tax = _no_tax_parcels(session, keyed, year, rules.idle_after_years_without_tax)
    this_year = figures_of(session, [year])
    held = set(holding_links(this_year, keyed)["parcel_id"].tolist())
    excluded = _excluded(session, year)
    building = in_construction(session, year) if rules.spare_construction_period else set()
    found: list[Suggestion] = []
    for parcel in holdings.itertuples(index=False):
        parcel_id = int(parcel.parcel_id)
        if parcel_id in excluded:
            continue
        item = evaluated.loc[parcel_id] if parcel_id in evaluated.index else None
        kind: Kind | None = None
        if parcel_id in no_tax:
            kind = "no_tax"
        elif item is not None and item["class"] in rules.suggest_classes:
            kind = "low_efficiency"
        elif parcel_id not in held and parcel_id not in building:
            kind = "no_figures"
        if kind is None:
            continue
        score = None if item is None else _number(item["score"])
        grade = None if item is None else str(item["class"])
        tax = None if item is None else _number(item["tax_per_mu"])
        enterprise = str(item["name"]) if item is not None else no_tax.get(parcel_id)
        found.append(
            Suggestion(
                year=year,
                parcel_id=parcel_id,
                parcel_code=str(parcel.parcel_code),
                holder=None if pd.isna(parcel.holder) else str(parcel.holder),
                zone=None if pd.isna(parcel.zone) else str(parcel.zone),
                area_mu=float(m2_to_mu(parcel.area_m2)),
                kind=kind,
                enterprise=enterprise,
                score=score,
                grade=grade,
                tax_per_mu=tax,
                reason=_reason(kind, year, rules, enterprise, grade, score, tax),
            )
        )
    return sorted(found, key=_order)


def _reason(
    kind: Kind,
    year: int,
    rules: EfficiencyRules,
    enterprise: str | None,
    grade: str | None,
    score: float | None,
    tax: float | None,
) -> Localizable:
    """Why the parcel is suggested."""
    if kind == "no_figures":
        return _("{year} 年度没有持有该宗地的企业的亩均数据,可能闲置", year=year)
    years = rules.idle_after_years_without_tax
    if kind == "no_tax":
        return _(
            "{name} {first}–{last} 年度连续 {years} 年无税收,可能闲置",
            name=enterprise or "-",
            first=year - years + 1,
            last=year,
            years=years,
        )
    assert grade is not None and score is not None
    return figures_reason(year, grade, score, tax)


def _order(suggestion: Suggestion) -> tuple[int, float, str]:
    score = suggestion.score if suggestion.score is not None else 0.0
    return KINDS.index(suggestion.kind), score, suggestion.parcel_code


def suggestion_for(
    session: Session, rules: EfficiencyRules, year: int, parcel_code: str
) -> Suggestion | None:
    """The suggestion of ``year`` for the parcel ``parcel_code``, if there is one."""
    return next(
        (s for s in suggestions(session, rules, year) if s.parcel_code == parcel_code), None
    )
