"""Which columns a bulk insert can COPY in PostgreSQL's binary format, and how."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from sqlalchemy import Column, Date, Float, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import JSONB

from landgis.db.backends.postgis_copy import ewkb_hex
from landgis.db.backends.postgis_copy_binary import binary_rows, ewkb

TABLE = Table(
    "things",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(16)),
    Column("size", Float),
    Column("count", Integer),
    Column("day", Date),
    Column("extra", JSONB),
    Column("geom", String),  # the geometry column: its type does not matter here
)
SQUARE = shapely.box(118.0, 30.0, 118.001, 30.001)


def _columns(**changed: object) -> dict[str, object]:
    columns: dict[str, object] = {
        "name": ["甲", None],
        "size": np.array([1.5, np.nan]),
        "count": [3, None],
        "day": [dt.date(2024, 2, 29), None],
        "extra": [{"备注": "a"}, None],
        "geom": np.array([SQUARE, None], dtype=object),
    }
    return columns | changed


def test_values_of_their_own_type_travel_in_binary():
    found = binary_rows(TABLE, _columns(), "geom")
    assert found is not None
    types, values = found
    assert types == ["text", "float8", "int4", "date", "jsonb", "bytea"]
    assert values[0] == ["甲", None]
    assert values[1] == [1.5, None]  # NaN is NULL
    assert values[2] == [3, None] and values[3] == [dt.date(2024, 2, 29), None]
    assert values[4][0].obj == {"备注": "a"} and values[4][1] is None
    stored = values[5][0]
    assert isinstance(stored, bytes) and values[5][1] is None
    assert (
        shapely.from_wkb(stored).equals(SQUARE)
        and shapely.get_srid(shapely.from_wkb(stored)) == 4490
    )


def test_other_values_leave_the_columns_to_the_text_format():
    for changed in (
        {"day": ["2024-02-29", None]},  # text in a date column
        {"day": [dt.datetime(2024, 2, 29, 8), None]},  # a time in a date column
        {"name": [np.str_("甲"), None]},
        {"size": ["1.5", None]},
        {"count": [2**31, None]},  # beyond the column's integers
        {"count": [True, None]},
    ):
        assert binary_rows(TABLE, _columns(**changed), "geom") is None, changed


def test_ewkb_names_the_srid_whatever_the_polygon():
    polygon = shapely.Polygon([(118, 30), (118.01, 30), (118.01, 30.01)])
    multi = shapely.MultiPolygon([SQUARE, shapely.box(118.01, 30.01, 118.02, 30.02)])
    found = ewkb(np.array([polygon, multi, None], dtype=object))
    assert found[2] is None
    for value, given in zip(found[:2], [polygon, multi], strict=True):
        assert value is not None
        shape = shapely.from_wkb(value)
        assert shape.geom_type == "MultiPolygon" and shape.equals(given)
        assert shapely.get_srid(shape) == 4490
    texts = ewkb_hex(np.array([polygon, None], dtype=object))
    assert texts[1] == "\\N" and bytes.fromhex(texts[0]) == found[0]
