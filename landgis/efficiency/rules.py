"""The county's settings of the per-mu evaluation (``LANDGIS_EFFICIENCY__<NAME>``).

The weights are shares, scaled to add up to 100
(:func:`landgis.efficiency.scoring.effective_weights`). Each indicator scores its scaled
weight times the enterprise's value divided by the benchmark, capped at ``cap`` times that
weight and never below 0; the benchmark is the county's own figure for the year (the sum
of the numerators over the sum of the denominators of the enterprises that report the
indicator) unless ``benchmarks`` sets one. The score is the sum: an enterprise at the
benchmark on every counted indicator scores 100. Classes by score: A from
``thresholds["A"]``, B from ``thresholds["B"]``, C from ``thresholds["C"]``, D below. The
defaults are a starting point, documented in the README; a county sets its own from its
province's current scheme.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator, model_validator

from landgis.efficiency.indicators import BY_KEY, CLASSES, INDICATORS


def _default_weights() -> dict[str, float]:
    return {indicator.key: indicator.weight for indicator in INDICATORS}


class EfficiencyRules(BaseModel):
    """Weights, benchmarks, cap, thresholds and the classes suggested to the ledger."""

    weights: dict[str, float] = Field(
        default_factory=_default_weights,
        description="Weight of each indicator, as JSON; an indicator left out or at 0 does "
        "not count: tax_per_mu, revenue_per_mu, value_added_per_mu, value_added_per_energy, "
        "value_added_per_emission, labour_productivity, rd_intensity.",
    )
    benchmarks: dict[str, float] = Field(
        default_factory=dict,
        description="A set benchmark per indicator in its unit (万元/亩, %, …), as JSON; "
        "the county's own figure of the year for the others.",
    )
    cap: float = Field(
        default=1.5, gt=0, description="Most an indicator scores, as a multiple of its weight."
    )
    thresholds: dict[str, float] = Field(
        default_factory=lambda: {"A": 120.0, "B": 90.0, "C": 60.0},
        description="Lowest score of classes A, B and C, as JSON; below C's is D.",
    )
    suggest_classes: list[str] = Field(
        default_factory=lambda: ["D"],
        description="Classes whose parcels with no open case are suggested as low-efficiency "
        'cases, as JSON (["D"], or ["C", "D"]).',
    )
    idle_after_years_without_tax: int = Field(
        default=2,
        ge=1,
        description="Years with no tax after which a parcel is suggested as possibly idle.",
    )
    spare_construction_period: bool = Field(
        default=True,
        description="Leave out of the parcels suggested for having no figures those still in "
        "their construction period: not completed, the agreed completion date after the "
        "year evaluated (or the land granted after it).",
    )

    @field_validator("weights", "benchmarks")
    @classmethod
    def _known_indicators(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(BY_KEY))
        if unknown:
            raise ValueError(f"unknown indicators {unknown}; known: {sorted(BY_KEY)}")
        if any(number < 0 for number in value.values()):
            raise ValueError("weights and benchmarks cannot be negative")
        return value

    @field_validator("suggest_classes")
    @classmethod
    def _known_classes(cls, value: list[str]) -> list[str]:
        if not set(value) <= set(CLASSES):
            raise ValueError(f"classes are {list(CLASSES)}, not {value}")
        return value

    @model_validator(mode="after")
    def _ordered_thresholds(self) -> EfficiencyRules:
        try:
            a, b, c = (self.thresholds[name] for name in ("A", "B", "C"))
        except KeyError as missing:
            raise ValueError(f"thresholds need A, B and C (missing {missing})") from None
        if not a >= b >= c:
            raise ValueError("thresholds must fall from A to B to C")
        if sum(self.weights.values()) <= 0:
            raise ValueError("at least one indicator must have a weight")
        return self

    def counted(self) -> dict[str, float]:
        """The indicators that count, with their weights."""
        return {key: weight for key, weight in self.weights.items() if weight > 0}

    def class_of(self, score: float) -> str:
        """The class (A-D) of ``score``."""
        for name in ("A", "B", "C"):
            if score >= self.thresholds[name]:
                return name
        return "D"
