"""The enterprises' yearly figures of 2022 and 2023 (亩均效益评价's inputs), consistent
with the parcels and the ledger.

Only enterprises producing on their land report: those of the built parcels and those of
the ledger's parcels (allocated public land and land under construction or not yet due to
start are not evaluated). An enterprise's tax of 2023 is its parcel's tax per 亩 times
the parcel's computed area; the other figures follow from the tax with a per-enterprise
level of efficiency (the better payer is also the better user of energy, staff and R&D,
give or take), with energy by industry. On the ledger's parcels: the holders of idle land
report no tax, output nor energy, only a few staff; the holders of low-efficiency land
pay little tax, use much energy and staff for what they make, and did a little better in
2022. Two enterprises report no credit code (found by name).

The figures come from their own generator (seed :data:`FIGURE_SEED`), so the other
layers are what they were before the figures existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data.geo.demo.companies import INDUSTRIES
from data.geo.demo.county import SEED
from data.geo.demo.parcels import ParcelRecord
from landgis.efficiency.indicators import FIGURES
from landgis.units import m2_to_mu

FIGURE_SEED = SEED + 1
YEARS = (2022, 2023)
FIGURE_FIELDS = ["year", "credit_code", "name", *FIGURES]
# 万元 of value added per tonne of standard coal, by the industry's words in the name.
VALUE_ADDED_PER_TCE = {
    "机械制造": 4.5,
    "新材料科技": 1.6,
    "食品": 3.5,
    "电子科技": 5.0,
    "包装材料": 2.2,
    "新能源科技": 3.0,
    "汽车零部件": 3.8,
    "生物科技": 2.8,
    "建材": 0.9,
    "家具": 4.0,
    "纺织": 1.8,
    "塑业": 1.7,
    "金属制品": 1.2,
    "药业": 4.2,
    "酒业": 2.6,
    "物流": 6.0,
}
TYPICAL_TAX_PER_MU = 180_000.0  # yuan: an enterprise paying this is of level 1
NO_CODE = 2  # enterprises reporting without their credit code


@dataclass(frozen=True)
class Reporter:
    """An enterprise that reports figures: its parcel's record and its kind of land."""

    record: ParcelRecord
    land: str  # operating, idle or low_efficiency

    @property
    def area_mu(self) -> float:
        return float(m2_to_mu(self.record.area_m2))

    @property
    def industry(self) -> str:
        name = self.record.attrs["holder"]
        return next((words for words, _, _ in INDUSTRIES if words in name), "机械制造")


def reporters(records: list[ParcelRecord]) -> list[Reporter]:
    """The enterprises that report, in parcel order."""
    found = []
    for record in records:
        if record.kind == "operating":
            found.append(Reporter(record, "operating"))
        elif record.kind == "case":
            found.append(Reporter(record, record.plan.spec.category))
    return found


def _round(value: float, digits: int) -> float:
    return float(round(value, digits))


def producing(
    tax: float, level: float, energy_rate: float, rng: np.random.Generator
) -> dict[str, float]:
    """The figures of an enterprise paying ``tax`` (yuan) at efficiency ``level`` (1 is
    typical), its industry making ``energy_rate`` 万元 of value added per tonne of coal."""
    # a low payer keeps more of what it adds: its value added is less behind its tax
    value_added = tax * 3.0 * level**-0.8 * float(rng.uniform(0.9, 1.1))
    revenue = value_added / float(rng.uniform(0.22, 0.30))
    per_tce = energy_rate * level**0.2 * float(rng.uniform(0.85, 1.15))
    per_tonne = 450.0 * level**0.2 * float(rng.uniform(0.8, 1.2))  # 万元 per tonne emitted
    per_person = 32.0 * level**0.2 * float(rng.uniform(0.85, 1.15))  # 万元 per employee
    rd_rate = 0.018 * level**-0.8 * float(rng.uniform(0.6, 1.4))
    return {
        "tax_yuan": _round(tax, -2),
        "revenue_yuan": _round(revenue, -2),
        "output_yuan": _round(revenue * float(rng.uniform(0.96, 1.06)), -2),
        "value_added_yuan": _round(value_added, -2),
        "energy_tce": _round(value_added / 1e4 / per_tce, 1),
        "emissions_t": _round(value_added / 1e4 / per_tonne, 2),
        "employees": float(max(8, round(value_added / 1e4 / per_person))),
        "rd_yuan": _round(revenue * rd_rate, -2),
    }


def idle(rng: np.random.Generator) -> dict[str, float]:
    """The figures of an enterprise whose land lies idle: a few staff, nothing else."""
    return dict.fromkeys(FIGURES, 0.0) | {"employees": float(rng.integers(2, 7))}


def low_efficiency(reporter: Reporter, year: int, rng: np.random.Generator) -> dict[str, float]:
    """The figures of an enterprise on low-efficiency land: its parcel's little tax per 亩
    (more in 2022), and energy and staff out of proportion to what it makes."""
    tax_per_mu = float(reporter.record.attrs["tax_per_mu"] or 0.0)
    if year == 2022:
        tax_per_mu = tax_per_mu * float(rng.uniform(1.2, 1.6)) + 1_500.0
    tax = tax_per_mu * reporter.area_mu
    if tax == 0:
        return idle(rng) | {"employees": float(rng.integers(5, 15))}
    figures = producing(tax, 0.15, VALUE_ADDED_PER_TCE[reporter.industry], rng)
    figures["rd_yuan"] = 0.0
    return figures


def operating(
    reporter: Reporter, level: float, year: int, growth: float, rng: np.random.Generator
) -> dict[str, float]:
    """The figures of a producing enterprise: 2023's tax is its parcel's tax per 亩 times
    its area; 2022's that divided by its ``growth``."""
    tax = float(reporter.record.attrs["tax_per_mu"]) * reporter.area_mu
    if year == 2022:
        tax /= growth
        level /= growth**0.5
    return producing(tax, level, VALUE_ADDED_PER_TCE[reporter.industry], rng)


def figures_frame(records: list[ParcelRecord]) -> pd.DataFrame:
    """The figures of every reporting enterprise, 2022 then 2023, in parcel order."""
    rng = np.random.default_rng(FIGURE_SEED)
    found = reporters(records)
    producers = [i for i, reporter in enumerate(found) if reporter.land == "operating"]
    nameless = set(rng.choice(producers, NO_CODE, replace=False).tolist())
    rows: list[dict[str, Any]] = []
    for index, reporter in enumerate(found):
        attrs = reporter.record.attrs
        tax_per_mu = float(attrs["tax_per_mu"] or 0.0)
        level = (tax_per_mu / TYPICAL_TAX_PER_MU) ** 0.5 * float(rng.uniform(0.9, 1.15))
        growth = float(rng.uniform(0.8, 1.3))
        for year in YEARS:
            if reporter.land == "idle":
                figures = idle(rng)
            elif reporter.land == "low_efficiency":
                figures = low_efficiency(reporter, year, rng)
            else:
                figures = operating(reporter, level, year, growth, rng)
            code = None if index in nameless else attrs["credit_code"]
            rows.append({"year": year, "credit_code": code, "name": attrs["holder"], **figures})
    frame = pd.DataFrame(rows, columns=FIGURE_FIELDS)
    return frame.sort_values("year", kind="stable").reset_index(drop=True)
