"""The pairs of boxes the staged import compares, found stripe by stripe."""

from __future__ import annotations

import numpy as np
import pytest

from landgis.imports import staged


def _brute_force(bounds: np.ndarray) -> set[tuple[int, int]]:
    found = set()
    for i in range(len(bounds)):
        for j in range(i + 1, len(bounds)):
            width = min(bounds[i, 2], bounds[j, 2]) - max(bounds[i, 0], bounds[j, 0])
            height = min(bounds[i, 3], bounds[j, 3]) - max(bounds[i, 1], bounds[j, 1])
            if width > 0 and height > 0:
                found.add((i, j))
    return found


@pytest.mark.parametrize("at_once", [7, 50, 100_000])
def test_box_pairs_are_found_once_whatever_the_stripes(
    monkeypatch: pytest.MonkeyPatch, at_once: int
) -> None:
    monkeypatch.setattr(staged, "_BOXES_AT_ONCE", at_once)
    rng = np.random.default_rng(7)
    corner = rng.uniform(0, 10, size=(300, 2))
    size = rng.uniform(0.05, 1.5, size=(300, 2))
    bounds = np.column_stack([corner, corner + size])
    bounds[5] = bounds[4]  # the same box twice
    bounds[9] = [bounds[8, 2], bounds[8, 1], bounds[8, 2] + 1, bounds[8, 3]]  # edge only
    left, right = staged._boxes_sharing_area(bounds)
    pairs = list(zip(left.tolist(), right.tolist(), strict=True))
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == _brute_force(bounds)
    assert (4, 5) in set(pairs)
    assert (8, 9) not in set(pairs)
