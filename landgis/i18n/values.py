"""Values that messages show in the rendering language: an area in the unit the clerk
typed it in (:class:`Area`), a name kept in both languages outside the catalogues
(:class:`Label`, e.g. a field's label in :mod:`landgis.schema`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from landgis.i18n.catalogues import DEFAULT_LANGUAGE
from landgis.i18n.text import Localizable, _
from landgis.units import m2_to_mu

AreaUnit = Literal["m2", "mu"]
"""The unit a clerk typed an area in: square metres or 亩."""


@dataclass(frozen=True)
class Area:
    """An area (kept in m²) shown in ``unit`` with two decimals: 12.50 亩 / 12.50 mu, or
    8333.33 ㎡ / 8333.33 m²."""

    m2: float
    unit: AreaUnit = "m2"

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        if self.unit == "mu":
            return _("{area:.2f} 亩", area=m2_to_mu(self.m2)).render(lang)
        return _("{area:.2f} ㎡", area=self.m2).render(lang)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Label:
    """A text given in Chinese and English where it is defined rather than in the
    catalogues (a field's label in :mod:`landgis.schema`, a name as typed)."""

    zh: str
    en: str

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.zh if lang == DEFAULT_LANGUAGE else self.en

    def __str__(self) -> str:
        return self.render()


def in_both(key: str, text: Localizable) -> dict[str, str]:
    """``text`` rendered under ``key`` (Chinese) and ``key_en`` (English), for the JSON
    bodies that carry both: ``{"problem": "缺少", "problem_en": "missing"}``."""
    return {key: text.render(DEFAULT_LANGUAGE), f"{key}_en": text.render("en")}
