"""The project's targets (bench/README.md) and whether a run met them: each landgis line
names its goals, the measured ratios are checked against them, and the line shows the
target beside its ratios and ``yes`` or ``no`` in the table's "met?" column."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from bench.suite.figures import fmt_ratio
from bench.suite.table import Line

# Figures where more is better; for the others (times, p50, p99) less is.
HIGHER_IS_BETTER = ("req/s", "rows/s")


@dataclass(frozen=True)
class Goal:
    """One target: ``measure`` of landgis at most (or at least) ``bound`` times ``than``'s,
    or, without ``than``, at most ``bound`` seconds; ``value``: what was measured (the
    ratio, or seconds), None when it could not be."""

    measure: str
    bound: float
    than: str | None
    value: float | None

    @property
    def at_least(self) -> bool:
        return self.measure in HIGHER_IS_BETTER

    def text(self) -> str:
        sign = "≥" if self.at_least else "≤"
        if self.than is None:
            return f"{self.measure} {sign} {self.bound:g} s"
        return f"{self.measure} {sign} {self.bound:g}× {self.than}"

    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.bound if self.at_least else self.value <= self.bound


def verdict(goals: Sequence[Goal]) -> tuple[str, str]:
    """The Target and met? cells of a line: ``no`` (with the goals missed, and their
    ratios) when one was missed, ``?`` when one could not be measured, else ``yes``."""
    if not goals:
        return "", ""
    text = "; ".join(goal.text() for goal in goals)
    missed = [goal for goal in goals if goal.met() is False]
    if missed:
        return text, "no (" + ", ".join(_missed(goal) for goal in missed) + ")"
    if any(goal.met() is None for goal in goals):
        return text, "?"
    return text, "yes"


def _missed(goal: Goal) -> str:
    measured = fmt_ratio(goal.value) if goal.than else f"{goal.value:.2f} s"
    return f"{goal.measure} {measured}" + (f" {goal.than}" if goal.than else "")


def with_goals(line: Line, goals: Sequence[Goal]) -> Line:
    """``line`` with its target and verdict."""
    target, met = verdict(goals)
    return dataclasses.replace(line, target=target, met=met)
