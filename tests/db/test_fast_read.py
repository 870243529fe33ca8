"""Hot reads on PostgreSQL (landgis.db.fast_read): an items page and a tile read by one
compiled statement on a raw connection give what a read session gives, and survive the
server ending the pooled connections."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from landgis import features
from landgis.db.fast_read import fast_reads
from landgis.db.session import read_session
from landgis.filters import parse_filters
from landgis.tiles import Tile, read_tile, render_tile, tile_etag


@pytest.fixture(scope="module")
def engine(demo_engines) -> Engine:
    return demo_engines["postgis"]


def _same(engine: Engine, **arguments) -> features.Page:
    fast = features.items_page(engine, "parcels", **arguments)
    with read_session(engine) as session:
        slow = features.items_page(session, "parcels", **arguments)
    assert fast == slow
    return fast


def test_pages_read_by_one_statement_equal_the_session_s(engine):
    assert fast_reads(engine)
    first = _same(engine, limit=3)
    assert first.number_returned == 3 and first.next_after is not None
    after = _same(engine, limit=3, offset=3, after=first.next_after)
    assert _same(engine, limit=3, offset=3) == after
    ledger = parse_filters({"status": ["identified", "planned"]}, strict=True)
    assert _same(engine, filters=ledger, limit=2).number_matched > 0
    assert _same(engine, limit=5, offset=10**6).number_returned == 0


def test_a_tile_read_by_one_statement_equals_the_session_s(engine):
    with engine.connect() as conn:
        middle = (
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Extent(geom)) c FROM parcels) e"
        )
        lon, lat = conn.execute(text(middle)).one()
    tile = _tile_at(float(lon), float(lat), 12)
    with read_session(engine) as session:
        body, etag = render_tile(session, "parcels", tile), tile_etag(session, "parcels", tile)
    found = read_tile(engine, "parcels", tile)
    assert body and found.body == body and found.etag == etag and not found.unchanged
    again = read_tile(engine, "parcels", tile, if_none_match=etag)
    assert again.unchanged and again.body is None and again.etag == etag


def _tile_at(lon: float, lat: float, z: int) -> Tile:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return Tile(z, x, y)


def test_a_connection_the_server_ended_is_replaced_at_once(engine):
    before = _same(engine, limit=2)
    with create_engine(engine.url, poolclass=NullPool).connect() as admin:
        ended = admin.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    assert ended  # the hot reads' pooled connection among them
    assert features.items_page(engine, "parcels", limit=2) == before


def test_a_connection_given_is_left_as_it_was(engine):
    with engine.connect() as conn:
        page = features.items_page(conn, "parcels", limit=2)
        dbapi = conn.connection.dbapi_connection
        assert page.number_returned == 2
        assert not conn.in_transaction() and dbapi is not None and not dbapi.autocommit
        assert conn.execute(text("SELECT 1")).scalar() == 1
