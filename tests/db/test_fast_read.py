"""Hot reads (landgis.db.fast_read) on PostgreSQL and on a SpatiaLite file: an items page
and a tile read by one compiled statement on a raw connection give what a read session
gives, and on PostgreSQL survive the server ending the pooled connections."""

from __future__ import annotations

import json
import math

import pytest
import shapely
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool

from landgis import features
from landgis.cql2_parse import read_filter
from landgis.db.backends import Envelope
from landgis.db.fast_read import fast_reads
from landgis.db.models import Parcel
from landgis.db.session import read_session
from landgis.feature_query import ItemsQuery
from landgis.features.pages import item_filter
from landgis.filters import parse_filters
from landgis.geo import CGCS2000_EPSG
from landgis.ogc_bbox import bbox_intersects
from landgis.tiles import Tile, read_tile, render_tile, tile_etag


@pytest.fixture(scope="module")
def engine(demo_engines) -> Engine:
    return demo_engines["postgis"]


@pytest.fixture(scope="module")
def either(demo_engines, backend) -> Engine:
    return demo_engines[backend]


def _same(engine: Engine, **arguments) -> features.Page:
    fast = features.items_page(engine, "parcels", **arguments)
    with read_session(engine) as session:
        slow = features.items_page(session, "parcels", **arguments)
    assert fast == slow
    return fast


def test_pages_read_by_one_statement_equal_the_session_s(either):
    assert fast_reads(either)
    first = _same(either, limit=3)
    assert first.number_returned == 3 and first.next_after is not None
    after = _same(either, limit=3, offset=3, after=first.next_after)
    assert _same(either, limit=3, offset=3) == after
    ledger = parse_filters({"status": ["identified", "planned"]}, strict=True)
    assert _same(either, filters=ledger, limit=2).number_matched > 0
    assert _same(either, limit=5, offset=10**6).number_returned == 0
    cql2 = ItemsQuery(read_filter("status = 'identified' OR area_m2 > 30000", "cql2-text", None))
    assert _same(either, query=cql2, limit=4).number_returned == 4


def _box_around_a_parcel(engine: Engine) -> tuple[float, float, float, float]:
    """A box around a parcel of the middle, three times its size each way: it meets some
    of the parcels but not all."""
    with read_session(engine) as session:
        wkbs = session.scalars(select(Parcel.geom.ST_AsBinary()).order_by(Parcel.id)).all()
    minx, miny, maxx, maxy = shapely.bounds(shapely.from_wkb(bytes(wkbs[len(wkbs) // 2])))
    width, height = maxx - minx, maxy - miny
    return minx - 3 * width, miny - 3 * height, maxx + 3 * width, maxy + 3 * height


def test_a_bbox_page_holds_the_parcels_meeting_the_box_in_key_order(either):
    box = _box_around_a_parcel(either)
    filters = item_filter({"bbox": [",".join(map(str, box))]})
    with read_session(either) as session:
        rows = session.execute(select(Parcel.parcel_code, Parcel.geom.ST_AsBinary())).all()
    area = shapely.box(*box)
    meeting = sorted(
        code for code, wkb in rows if shapely.intersects(shapely.from_wkb(bytes(wkb)), area)
    )
    assert 3 < len(meeting) < len(rows)
    first = _same(either, filters=filters, limit=3)
    assert first.number_matched == len(meeting)
    assert _ids(first) == meeting[:3]
    rest = _same(either, filters=filters, limit=len(meeting), after=first.next_after, offset=3)
    assert _ids(rest) == meeting[3:]
    assert rest.next_after is None
    assert _same(either, filters=filters, limit=2, offset=len(meeting) - 1).number_returned == 1


def _ids(page: features.Page) -> list[str]:
    return [json.loads(feature)["id"] for feature in page.features]


def test_a_tile_read_by_one_statement_equals_the_session_s(either):
    with either.connect() as conn:
        middle = (
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Extent(geom)) c FROM parcels) e"
            if either.dialect.name == "postgresql"
            else "SELECT X(c), Y(c) FROM (SELECT ST_Centroid(Extent(geom)) c FROM parcels)"
        )
        lon, lat = conn.execute(text(middle)).one()
    tile = _tile_at(float(lon), float(lat), 12)
    with read_session(either) as session:
        body, etag = render_tile(session, "parcels", tile), tile_etag(session, "parcels", tile)
    found = read_tile(either, "parcels", tile)
    assert body and found.body == body and found.etag == etag and not found.unchanged
    again = read_tile(either, "parcels", tile, if_none_match=etag)
    assert again.unchanged and again.body is None and again.etag == etag
    shifted = read_tile(either, "parcels", tile, gcj02=True)
    with read_session(either) as session:
        assert shifted.body == render_tile(session, "parcels", tile, gcj02=True)
        assert shifted.etag == tile_etag(session, "parcels", tile, gcj02=True) != etag


def test_an_empty_tile_has_no_body_and_the_data_version_s_etag(either):
    far = Tile(12, 0, 0)  # the far north-west: no parcel
    with read_session(either) as session:
        etag = tile_etag(session, "parcels", far)
    found = read_tile(either, "parcels", far)
    assert found.body is None and found.etag == etag and not found.unchanged


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


def test_a_spatialite_connection_given_is_left_as_it_was(demo_engines):
    lite = demo_engines["spatialite"]
    with lite.connect() as conn:
        page = features.items_page(conn, "parcels", limit=2)
        assert page.number_returned == 2 and not conn.in_transaction()
        assert conn.execute(text("SELECT 1")).scalar() == 1
    with lite.connect() as conn, conn.begin():
        assert features.items_page(conn, "parcels", limit=2) == page


def test_a_bbox_is_looked_up_in_spatialite_s_spatial_index_and_postgis_s_test_is_as_it_was():
    box = (104.0, 30.0, 104.5, 30.5)
    condition = bbox_intersects(Parcel.geom, box)
    lite = str(condition.compile(dialect=sqlite.dialect()))
    assert "FROM SpatialIndex WHERE f_table_name = 'parcels'" in lite
    assert "ST_Intersects(parcels.geom, BuildMbr(" in lite
    plain = func.ST_Intersects(Parcel.geom, Envelope(*box, CGCS2000_EPSG))
    pg = postgresql.psycopg.dialect()
    assert str(condition.compile(dialect=pg)) == str(plain.compile(dialect=pg))
