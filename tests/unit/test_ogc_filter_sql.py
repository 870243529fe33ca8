"""CQL2 filters as SQL (landgis.cql2_sql), without a database: the statements they make on
each dialect, their bound values, the LIKE patterns, and the sortby and properties
parameters."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from landgis.collection_properties import PROPERTY_MAPS
from landgis.cql2_like import like_patterns
from landgis.cql2_parse import CQL2_JSON, read_filter
from landgis.errors import InvalidInput
from landgis.feature_query import SortKey, read_query

TODAY = dt.date(2025, 6, 1)
PARCELS = PROPERTY_MAPS["parcels"]


def _sql(text: str, lang: str = "cql2-text", crs: str | None = None, dialect=None):
    query = read_query(
        {"filter": [text], "filter-lang": [lang], "filter-crs": [crs] if crs else []}
    )
    condition = query.where(PARCELS, TODAY)
    return condition.compile(dialect=dialect or sqlite.dialect())


@pytest.mark.parametrize(
    ("pattern", "like", "glob"),
    [
        ("abc%", "abc%", "abc*"),
        ("a_c", "a_c", "a?c"),
        ("100\\%", "100\\%", "100%"),
        ("a\\_b", "a\\_b", "a_b"),
        ("x*y?[z]", "x*y?[z]", "x[*]y[?][[]z]"),
        ("back\\\\slash", "back\\\\slash", "back\\slash"),
    ],
)
def test_like_patterns(pattern, like, glob):
    assert like_patterns(pattern) == (like, glob)


def test_like_pattern_ending_in_an_escape_is_refused():
    with pytest.raises(InvalidInput):
        like_patterns("abc\\")


def test_values_are_bound_never_written_into_the_statement():
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        compiled = _sql(
            "holder = 'x OR 1=1; DROP TABLE parcels' AND area_mu > 12.5", dialect=dialect
        )
        assert "DROP TABLE" not in str(compiled)
        assert "x OR 1=1; DROP TABLE parcels" in compiled.params.values()
        assert 12.5 in compiled.params.values()


def test_case_sensitive_like_on_each_dialect():
    assert "GLOB" in str(_sql("holder LIKE 'A%'"))
    assert "LIKE" in str(_sql("holder LIKE 'A%'", dialect=postgresql.dialect()))


def test_spatial_filters_use_the_spatial_index():
    compiled = str(_sql("S_INTERSECTS(geom, POINT(104.8 30.1))"))
    assert "SpatialIndex" in compiled and "ST_Intersects" in compiled
    assert "&&" in str(_sql("S_WITHIN(geom, BBOX(104, 30, 105, 31))", dialect=postgresql.dialect()))
    # Disjoint features are not found through the index.
    assert "SpatialIndex" not in str(_sql("S_DISJOINT(geom, POINT(104.8 30.1))"))


def test_cql2_json_between_and_bbox_as_cql2_1_0_writes_them():
    between = '{"op": "between", "args": [{"property": "area_mu"}, 1, 2]}'
    text = read_filter("area_mu BETWEEN 1 AND 2", None, None)
    assert text is not None
    assert repr(read_filter(between, CQL2_JSON, None).tree()) == repr(text.tree())
    bbox = '{"op": "s_intersects", "args": [{"property": "geom"}, {"bbox": [104, 30, 105, 31]}]}'
    same = read_filter("S_INTERSECTS(geom, BBOX(104, 30, 105, 31))", None, None)
    assert repr(read_filter(bbox, CQL2_JSON, None).tree()) == repr(same.tree())


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("nowhere = 1", "nowhere"),
        ("status = 'nonsense'", "nonsense"),
        ("status > 5", "status"),
        ("overdue > TRUE", "overdue"),
        ("deadline = TIMESTAMP('2024-01-01T00:00:00Z')", "deadline"),
        ("geom = 1", "geom"),
        ("S_INTERSECTS(geom, SRID=4326;POINT(104 30))", ";POINT"),
        ("S_INTERSECTS(geom, BBOX(104, 31, 105, 30))", "BBOX"),
    ],
)
def test_refused_filters_name_what_is_wrong(text, mention):
    with pytest.raises(InvalidInput) as refused:
        _sql(text)
    assert mention in str(refused.value.message)


def test_geometries_in_another_crs_are_turned_into_lon_lat():
    compiled = _sql("S_INTERSECTS(geom, POINT(30.1 104.8))", crs="[EPSG:4490]")
    wkt = next(v for v in compiled.params.values() if isinstance(v, str) and "POINT" in v)
    assert wkt == "POINT (104.8 30.1)"


def test_sortby_and_properties_parameters():
    query = read_query(
        {"sortby": ["+status, -area_mu", "deadline"], "properties": ["holder,status"]}
    )
    assert query.sortby == (SortKey("status"), SortKey("area_mu", True), SortKey("deadline"))
    assert query.properties == ("holder", "status")
    query.check(PARCELS)
    assert len(query.order(PARCELS, TODAY)) == 3
    for bad in (
        {"sortby": ["status,-status"]},
        {"sortby": ["a,b,c,d,e,f"]},
        {"properties": ["a,,b"]},
    ):
        with pytest.raises(InvalidInput):
            read_query(bad)
    with pytest.raises(InvalidInput):
        read_query({"sortby": ["geom"]}).check(PARCELS)


def test_cql2_text_keeps_every_digit_and_whole_numbers_whole():
    """Numbers of a CQL2 text filter are the numbers written: all 17 digits of a coordinate
    copied from a feature (so S_EQUALS finds it), integers as integers."""
    ring = [[104.82610576944849, 30.081691460103603], [104.82649861386143, 30.0816218707233]]
    ring += [[104.8, 30.1], ring[0]]
    polygon = {"type": "Polygon", "coordinates": [ring]}
    wkt = "POLYGON((" + ", ".join(f"{x!r} {y!r}" for x, y in ring) + "))"
    text = read_filter(f"S_EQUALS(geom, {wkt}) AND version = 3 AND area_mu > -2.5", None, None)
    as_json = {
        "op": "and",
        "args": [
            {"op": "s_equals", "args": [{"property": "geom"}, polygon]},
            {"op": "=", "args": [{"property": "version"}, 3]},
            {"op": ">", "args": [{"property": "area_mu"}, -2.5]},
        ],
    }
    same = read_filter(json.dumps(as_json), CQL2_JSON, None)
    assert text is not None and same is not None
    assert repr(text.tree()) == repr(same.tree())
