"""Fictional companies: organization codes that pass their check, and round production
figures for project names."""

from __future__ import annotations

import math

import numpy as np

from landgis.credit_code import ALPHABET

# GB 11714: weights of the eight digits of an organization code.
ORGANIZATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_checks(bodies: np.ndarray) -> np.ndarray:
    """The check character of each organization code body (rows of 8 digits), as its
    position in :data:`landgis.credit_code.ALPHABET` (0–9, or that of ``X`` for 10)."""
    check = 11 - (bodies * np.array(ORGANIZATION_CODE_WEIGHTS)).sum(axis=1) % 11
    return np.where(check == 11, 0, np.where(check == 10, ALPHABET.index("X"), check))


def round_quantity(value: float) -> str:
    """``value`` rounded to its two leading digits, as an integer: 4 273 → ``"4300"``."""
    digits = max(0, math.floor(math.log10(value)) - 1)
    return str(int(round(value, -digits)))
