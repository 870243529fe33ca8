"""The floor server's pure parts: psycopg statements turned into asyncpg's, parameters
through the plan file, and the page it builds from a statement's rows."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import pytest

from bench.floor_app import declared_type, decode, encode, items_body, to_dollar


def test_named_placeholders_become_numbers_with_psycopg_types() -> None:
    sql, args = to_dollar(
        "select %(a)s::INTEGER, %(b)s, %(c)s, %(a)s::INTEGER, '50%%', %(d)s",
        {"a": 1, "b": True, "c": "x", "d": dt.date(2026, 1, 2)},
    )
    assert sql == "select $1::INTEGER, $2::boolean, $3, $1::INTEGER, '50%', $4::date"
    assert args == [1, True, "x", dt.date(2026, 1, 2)]


def test_positional_placeholders() -> None:
    assert to_dollar("select %s, %s", (2.5, None)) == ("select $1::float8, $2", [2.5, None])
    assert to_dollar(";", None) == (";", [])


@pytest.mark.parametrize(
    ("value", "declared"),
    [
        (7, "int2"),
        (40_000, "int4"),
        (2**40, "int8"),
        (2**70, "numeric"),
        (False, "boolean"),
        ("text", None),
        (dt.datetime(2026, 1, 2, 3, 4), "timestamp"),
        (dt.datetime(2026, 1, 2, tzinfo=dt.UTC), "timestamptz"),
        (decimal.Decimal("1.5"), "numeric"),
        (b"\x00", "bytea"),
    ],
)
def test_declared_types(value: object, declared: str | None) -> None:
    assert declared_type(value) == declared


def test_parameters_survive_the_plan_file() -> None:
    values = [1, "a", None, dt.date(2026, 3, 4), dt.datetime(2026, 3, 4, 5, 6),
              decimal.Decimal("2.50"), b"\x01\x02", ["x", "y"], 1.5, True]  # fmt: skip
    assert decode(json.loads(json.dumps(encode(values)))) == values
    with pytest.raises(TypeError, match="cannot replay"):
        encode(object())


def test_items_body_drops_the_row_that_tells_of_a_next_page() -> None:
    rows = [
        {"version": 3, "cached_matched": 5, "key": k, "feature": f'{{"id":"{k}"}}'}
        for k in ("a", "b", "c")
    ]
    now = dt.datetime(2026, 5, 1, 8, tzinfo=dt.UTC)
    page = json.loads(items_body(rows, 2, now))
    assert page == {
        "type": "FeatureCollection",
        "features": [{"id": "a"}, {"id": "b"}],
        "numberMatched": 5,
        "numberReturned": 2,
        "timeStamp": "2026-05-01T08:00:00Z",
    }
    empty = [{"version": 3, "cached_matched": 0, "key": None, "feature": None}]
    assert json.loads(items_body(empty, 10, now))["features"] == []
