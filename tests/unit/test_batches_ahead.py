"""A layer read batch by batch reads the next batch while the caller works on one."""

from __future__ import annotations

import time

import geopandas as gpd
import pytest
import shapely

from landgis.io.readers import RawLayer


def _layer(total: int, log: list[tuple[int, int]], fail_at: int | None = None) -> RawLayer:
    def rows(skip: int, count: int) -> gpd.GeoDataFrame:
        if skip == fail_at:
            raise ValueError(f"unreadable from {skip}")
        log.append((skip, count))
        return gpd.GeoDataFrame(
            {"n": list(range(skip, skip + count))},
            geometry=[shapely.Point(i, i) for i in range(skip, skip + count)],
            crs=4490,
        )

    empty = gpd.GeoDataFrame({"n": []}, geometry=[], crs=4490)
    return RawLayer(empty, None, "GPKG", rows=rows, features=total)


def test_the_batches_are_the_file_in_order_each_read_once():
    log: list[tuple[int, int]] = []
    found = [(offset, batch["n"].tolist()) for offset, batch in _layer(7, log).batches(3)]
    assert found == [(0, [0, 1, 2]), (3, [3, 4, 5]), (6, [6])]
    assert log == [(0, 3), (3, 3), (6, 1)]


def test_the_next_batch_is_read_while_the_caller_holds_this_one():
    log: list[tuple[int, int]] = []
    batches = _layer(9, log).batches(3)
    next(batches)
    deadline = time.monotonic() + 5
    while len(log) < 2 and time.monotonic() < deadline:  # read on its own thread
        time.sleep(0.01)
    assert log == [(0, 3), (3, 3)]
    batches.close()  # stopping early waits for nothing more than the read under way
    assert log == [(0, 3), (3, 3)]


def test_a_failed_read_surfaces_at_its_batch():
    log: list[tuple[int, int]] = []
    batches = _layer(9, log, fail_at=6).batches(3)
    assert [offset for offset, _rows in [next(batches), next(batches)]] == [0, 3]
    with pytest.raises(ValueError, match="unreadable from 6"):
        next(batches)
