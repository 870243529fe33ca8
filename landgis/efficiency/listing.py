"""An evaluation's enterprises narrowed as a clerk asks: by zone, class, trend and a
piece of the name or credit code."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from landgis.efficiency.indicators import CLASSES
from landgis.efficiency.land import ZONE_SEPARATOR
from landgis.ledger_rules.totals import area_total
from landgis.text_sort import sort_key

TRENDS: tuple[str, ...] = ("up", "same", "down", "new")


def _folded(text: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


@dataclass(frozen=True)
class ItemFilter:
    """What to keep: enterprises with land in ``zone`` (a zone's name), of class
    ``grade``, of ``trend`` (up, same, down, new), whose name or credit code holds
    ``text`` (full-width and half-width alike, case and spaces ignored); "" keeps all."""

    zone: str = ""
    grade: str = ""
    trend: str = ""
    text: str = ""

    @classmethod
    def of(cls, zone: str = "", grade: str = "", trend: str = "", text: str = "") -> ItemFilter:
        """A filter from what a form sent: unknown classes and trends mean all."""
        return cls(
            zone=zone.strip(),
            grade=grade if grade in CLASSES else "",
            trend=trend if trend in TRENDS else "",
            text=text.strip()[:100],
        )

    def apply(self, items: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``items`` (:attr:`Evaluation.items`) kept, in their order."""
        keep = pd.Series(True, index=items.index)
        if self.zone:
            zones = items["zone"].fillna("").astype(str).str.split(ZONE_SEPARATOR)
            keep &= zones.map(lambda names: self.zone in names)
        if self.grade:
            keep &= items["class"] == self.grade
        if self.trend:
            keep &= items["trend"] == self.trend
        if self.text:
            wanted = _folded(self.text)
            names = items["name"].map(_folded)
            codes = items["credit_code"].fillna("").map(_folded)
            keep &= names.str.contains(wanted, regex=False) | codes.str.contains(
                wanted, regex=False
            )
        return items[keep]


def item_zones(items: pd.DataFrame) -> list[str]:
    """The zones the enterprises of ``items`` hold land in, as a clerk looks them up."""
    names = {
        name
        for joined in items["zone"].dropna()
        for name in str(joined).split(ZONE_SEPARATOR)
        if name
    }
    return sorted(names, key=sort_key)


@dataclass(frozen=True)
class ClassTotal:
    """How many enterprises a class has and their land (亩 by the totals' rule: the
    stored m² summed, converted and rounded once)."""

    grade: str
    count: int
    area_mu: float


def class_totals(items: pd.DataFrame) -> list[ClassTotal]:
    """Each class, A to D, with its enterprises and their land, of ``items``."""
    totals = []
    for grade in CLASSES:
        rows = items[items["class"] == grade]
        area = area_total(float(rows["area_m2"].sum()), "mu") if len(rows) else 0.0
        totals.append(ClassTotal(grade, len(rows), area))
    return totals
