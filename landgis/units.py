"""Area units used in Chinese land administration: m², 亩 and 公顷.

1 亩 = 2000/3 m² exactly; 1 公顷 = 15 亩 = 10 000 m².
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

Area = TypeVar("Area", float, "np.ndarray[Any, Any]", "pd.Series")
"""An area or areas: a number, a numpy array or a pandas Series (converted elementwise)."""

M2_PER_MU: Fraction = Fraction(2000, 3)
M2_PER_HECTARE: int = 10_000
MU_PER_HECTARE: int = 15


def m2_to_mu(area_m2: Area) -> Area:
    """Square metres to 亩 (exact factor 3/2000)."""
    return area_m2 * 3 / 2000


def mu_to_m2(area_mu: Area) -> Area:
    """亩 to square metres (exact factor 2000/3)."""
    return area_mu * 2000 / 3


def m2_to_hectare(area_m2: Area) -> Area:
    """Square metres to 公顷."""
    return area_m2 / M2_PER_HECTARE
