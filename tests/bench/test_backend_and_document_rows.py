"""Pure helpers of rows 8 (SpatiaLite beside PostGIS) and 9 (printed documents) of the
benchmark suite: what two servers must share to answer the same, the SpatiaLite line's
targets, the zones a printed ledger is narrowed to, the page count. Nothing is timed."""

from __future__ import annotations

import json

import mapbox_vector_tile
import pytest

from bench.suite.rows.documents import pages_of, pick_zones
from bench.suite.rows.embedded import (
    POSTGIS,
    SPATIALITE,
    _same,
    _spatialite_line,
    goals,
    page_key,
    tile_key,
)
from bench.suite.table import Line
from bench.suite.wrk import Load


def _page(matched: int, ids: list[str]) -> bytes:
    features: list[dict[str, object]] = [
        {"type": "Feature", "id": i, "geometry": None, "properties": {}} for i in ids
    ]
    body = {"type": "FeatureCollection", "numberMatched": matched, "features": features}
    return json.dumps(body).encode()


def _tile(ids: list[int]) -> bytes:
    features = [
        {"id": i, "geometry": f"POINT({i} {i})", "properties": {"code": f"P{i}"}} for i in ids
    ]
    return bytes(mapbox_vector_tile.encode([{"name": "parcels", "features": features}]))


def test_pages_answer_the_same_with_the_same_count_and_ids_in_order() -> None:
    assert page_key(_page(3, ["a", "b"])) == (3, ("a", "b"))
    same = {SPATIALITE: _page(3, ["a", "b"]), POSTGIS: _page(3, ["a", "b"])}
    assert _same("page", same) == "same numberMatched (3) and 2 feature ids on both"
    for other in (_page(4, ["a", "b"]), _page(3, ["b", "a"]), _page(3, ["a"])):
        with pytest.raises(RuntimeError, match="different pages"):
            _same("page", {SPATIALITE: other, POSTGIS: _page(3, ["a", "b"])})


def test_tiles_answer_the_same_with_the_same_features_whatever_their_order() -> None:
    assert tile_key(_tile([2, 1])) == {"parcels": ["1", "2"]}
    note = _same("tile", {SPATIALITE: _tile([2, 1]), POSTGIS: _tile([1, 2])})
    assert note.startswith("same 2 features on both (")
    with pytest.raises(RuntimeError, match="different features"):
        _same("tile", {SPATIALITE: _tile([1]), POSTGIS: _tile([1, 2])})


def _load(rps: float, p50: float) -> Load:
    return Load(requests=100, requests_per_s=rps, p50_s=p50, p99_s=2 * p50, max_s=3 * p50, errors=0)


def test_spatialite_is_held_within_twice_postgis() -> None:
    assert [g.value for g in goals(_load(60, 0.02), _load(100, 0.01))] == [2.0, 0.6]
    line = Line("8 embedded backend", "tile, c=1", SPATIALITE, "…")
    met = _spatialite_line(line, _load(60, 0.02), _load(100, 0.01))
    assert met.target == "p50 ≤ 2× PostGIS; req/s ≥ 0.5× PostGIS"
    assert met.met == "yes"
    assert met.ratios == "p50 2.00× PostGIS, req/s 0.60× PostGIS, p99 2.00× PostGIS"
    missed = _spatialite_line(line, _load(40, 0.03), _load(100, 0.01))
    assert missed.met == "no (p50 3.00× PostGIS, req/s 0.40× PostGIS)"
    assert _spatialite_line(line, _load(40, 0.03), None).met == "?"


def test_the_printed_ledger_takes_the_largest_whole_zones_that_fit() -> None:
    counts = {"A": 700, "B": 400, "C": 350, "D": 0, "E": 100}
    assert pick_zones(counts, 1000) == (["A", "E"], 800)
    assert pick_zones(counts, 1200) == (["A", "B", "E"], 1200)
    assert pick_zones(counts, 50) == ([], 0)
    assert pick_zones({"B": 5, "A": 5}, 5) == (["A"], 5)  # ties by code


def test_the_page_count_is_read_from_pdfinfo() -> None:
    report = "Title:           台账\nPages:           13\nPage size:       A4\n"
    assert pages_of(report) == 13
    assert pages_of("Producer: WeasyPrint\n") is None
