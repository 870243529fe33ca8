"""The backend interface (:mod:`landgis.db.backends`), run for real on SpatiaLite and on
PostGIS: every fragment runs on its own database and gives the answer computed here
independently (pyproj, shapely, Python's sort), hence the same answer on both."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid

import mapbox_vector_tile
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import (
    Float,
    Integer,
    String,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import registry
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.functions import FunctionElement

from landgis.db.backends import (
    BACKENDS,
    EXTENT,
    Envelope,
    GeodesicArea,
    GeoJsonGeometry,
    IndexOverlaps,
    JsonBoolean,
    JsonNumber,
    JsonObject,
    JsonText,
    Rounded,
    TileLayer,
    backend_for,
    backend_named,
    functions,
)
from landgis.db.failures import database_error
from landgis.db.migrate import upgrade
from landgis.db.models import (
    Building,
    Case,
    CaseEvent,
    CountCache,
    LoginThrottle,
    Parcel,
    ServerSecret,
    Zone,
)
from landgis.db.repository import (
    bulk_insert,
    existing_values,
    frame_where_in,
    near_boxes,
    read_frame,
    scalars_where_in,
    wkb_of,
)
from landgis.db.session import transaction
from landgis.db.versioning import data_version
from landgis.errors import ConfigurationError
from landgis.geo import CGCS2000_EPSG, gk_zone_epsg
from landgis.tiles import Tile
from landgis.wallclock import utc_now

# A square of 0.01° near the demo county (about 1 km × 1.1 km).
SQUARE = shapely.box(118.0, 30.0, 118.01, 30.01)
PARK_TILE = Tile(13, 6481, 3376)  # over the east of the demo park


def _geometry(geom: shapely.Geometry):
    return func.ST_GeomFromText(geom.wkt, CGCS2000_EPSG)


def _name(text: str):
    return literal_column(f"'{text}'", String())


@pytest.fixture(scope="module")
def empty_engine(databases):
    """A migrated database of its own without data: these tests commit. Its connections
    are closed after the module (the writer threads leave some in the pool)."""
    engine = databases.engine()
    upgrade(engine)
    yield engine
    engine.dispose()


# --- which backend --------------------------------------------------------------------


def test_each_database_url_names_its_backend():
    assert backend_for("sqlite:///data/landgis.sqlite").name == "spatialite"
    assert backend_for("postgresql+psycopg://user@host:5432/landgis").name == "postgis"
    assert backend_for("sqlite://").in_memory("sqlite://")
    assert not backend_for("sqlite:///x.sqlite").in_memory("sqlite:///x.sqlite")
    assert backend_named("postgis").label == "PostGIS"
    with pytest.raises(ConfigurationError) as refused:
        backend_for("mysql+pymysql://user@host/landgis")
    assert "SpatiaLite" in refused.value.message_en
    with pytest.raises(ValueError):
        backend_named("oracle")


def test_every_backend_spells_every_portable_function():
    elements = [
        value
        for value in vars(functions).values()
        if isinstance(value, type)
        and issubclass(value, FunctionElement)
        and value.__module__ == functions.__name__
    ]
    assert len(elements) >= 9
    arguments = (Parcel.geom, Parcel.area_m2, Parcel.parcel_code)
    taking_three = {functions.CaseSensitiveLike}
    for backend in BACKENDS:
        dialect = registry.load(backend.dialect)()
        for element in elements:
            given = arguments if element in taking_three else arguments[:2]
            sql = str(element(*given).compile(dialect=dialect))
            assert "landgis_" not in sql, (backend, element)


def test_engine_session_and_url_give_the_same_backend(session, demo_engine, backend):
    url = demo_engine.url.render_as_string(hide_password=False)
    found = backend_for(session)
    assert found is backend_for(demo_engine) is backend_for(url)
    assert found.name == backend


# --- areas and transforms ------------------------------------------------------------


def test_the_geodesic_area_of_a_known_square(session):
    reference = abs(pyproj.Geod(ellps="GRS80").geometry_area_perimeter(SQUARE)[0])
    area = session.scalar(select(GeodesicArea(_geometry(SQUARE))))
    assert area == pytest.approx(reference, rel=2e-5)


def test_the_area_in_its_gauss_kruger_zone_of_a_known_square(session):
    zone = gk_zone_epsg(SQUARE.centroid.x)
    to_zone = pyproj.Transformer.from_crs(CGCS2000_EPSG, zone, always_xy=True)
    reference = shapely.transform(SQUARE, to_zone.transform, interleaved=False).area
    area = session.scalar(select(func.ST_Area(func.ST_Transform(_geometry(SQUARE), zone))))
    assert area == pytest.approx(reference, rel=1e-9)


def test_the_extent_of_the_parcels(session):
    corners = session.execute(select(*backend_for(session).extent(Parcel.geom))).one()
    parcels = read_frame(session, select(Parcel.id, wkb_of(Parcel.geom)))
    assert len(parcels) >= 60
    assert tuple(corners) == pytest.approx(tuple(parcels.total_bounds), abs=1e-9)


# --- envelopes and the spatial index ----------------------------------------------------


def test_envelopes_and_the_index_find_the_parcels_of_a_box(session):
    parcels = read_frame(session, select(Parcel.id, wkb_of(Parcel.geom)))
    minx, miny, maxx, maxy = parcels.total_bounds
    box = (minx, miny, (minx + maxx) / 2, (miny + maxy) / 2)
    envelope = Envelope(*box, CGCS2000_EPSG)

    by_index = set(session.scalars(select(Parcel.id).where(IndexOverlaps(Parcel.geom, envelope))))
    exact = set(session.scalars(select(Parcel.id).where(func.ST_Intersects(Parcel.geom, envelope))))

    bounds = shapely.bounds(parcels.geometry.values)
    meeting = (bounds[:, 0] <= box[2]) & (bounds[:, 2] >= box[0])
    meeting &= (bounds[:, 1] <= box[3]) & (bounds[:, 3] >= box[1])
    boxes_meeting = set(parcels.id[meeting])
    assert exact == set(parcels.id[parcels.intersects(shapely.box(*box))])
    assert 0 < len(exact) < len(parcels)
    # A prefilter: every box meeting it, and at most those a float32 index rounds in.
    assert exact <= boxes_meeting <= by_index
    grown = shapely.box(*box).buffer(1e-5, join_style="mitre")
    assert by_index <= set(parcels.id[parcels.envelope.intersects(grown)])


def test_spatialite_looks_up_only_the_rows_its_index_finds(demo_engines):
    """The index's rows are fetched by ROWID, not found by reading the whole table."""
    envelope = Envelope(*PARK_TILE.lonlat_bounds(), CGCS2000_EPSG)
    stmt = select(Parcel.id, Parcel.parcel_code).where(IndexOverlaps(Parcel.geom, envelope))
    with demo_engines["spatialite"].connect() as conn:
        sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
        plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
        found = conn.execute(stmt).all()
    assert found
    assert any(step.startswith("SEARCH parcels USING INTEGER PRIMARY KEY") for step in plan)
    assert not any(step.startswith("SCAN parcels") for step in plan)


# --- JSON ---------------------------------------------------------------------------------


def test_json_members_read_back_as_written(session):
    third = literal(1 / 3, Float)
    stmt = select(
        JsonText(
            JsonObject(
                _name("third"),
                JsonNumber(third),
                _name("rounded"),
                Rounded(literal(2 / 3, Float), 2),
                _name("yes"),
                JsonBoolean(literal(2) > literal(1)),
                _name("unknown"),
                JsonBoolean(cast(null(), Integer) > literal(1)),
                _name("geometry"),
                GeoJsonGeometry(_geometry(SQUARE), literal_column("6")),
            )
        )
    )
    document = json.loads(session.scalar(stmt))
    assert list(document) == ["third", "rounded", "yes", "unknown", "geometry"]
    assert document["third"] == 1 / 3  # the same double, all 17 digits
    assert document["rounded"] == round(2 / 3, 2)
    assert document["yes"] is True
    assert document["unknown"] is False
    assert set(document["geometry"]) == {"type", "coordinates"}  # no bbox, no crs
    assert shape(document["geometry"]).equals(SQUARE)


# --- text order -----------------------------------------------------------------------------


def test_text_sorts_by_code_point(session):
    words = ["b", "B", "a", "宗地", "Z", "é", "a b", "ab", "亩", "_", "1"]
    table = union_all(*(select(literal(w, String).label("word")) for w in words)).subquery()
    order = backend_for(session).code_point_order(table.c.word)
    assert session.scalars(select(table.c.word).order_by(order)).all() == sorted(words)


# --- inserting ------------------------------------------------------------------------------


def test_insert_if_missing_keeps_the_first_row(session):
    backend = backend_for(session)
    name = f"test-{uuid.uuid4().hex[:8]}"
    first = {"name": name, "value": "first", "created_at": utc_now()}
    backend.insert_if_missing(session, ServerSecret.__table__, first)
    backend.insert_if_missing(session, ServerSecret.__table__, first | {"value": "second"})
    found = session.scalars(select(ServerSecret.value).where(ServerSecret.name == name))
    assert found.all() == ["first"]


def test_writers_inserting_the_same_row_at_once_both_succeed(empty_engine):
    name = f"race-{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def writer(value: str) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction(empty_engine) as session:
                backend_for(session).insert_if_missing(
                    session,
                    ServerSecret.__table__,
                    {"name": name, "value": value, "created_at": utc_now()},
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"v{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with transaction(empty_engine, write=False) as session:
        kept = session.scalars(select(ServerSecret.value).where(ServerSecret.name == name))
        assert kept.one() in {"v0", "v1", "v2", "v3"}


def test_an_upsert_never_replaces_a_newer_count(session):
    backend = backend_for(session)
    key = uuid.uuid4().hex

    def store(version: int, matched: int) -> None:
        stmt = backend.insert(CountCache).values(key=key, data_version=version, matched=matched)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[CountCache.key],
                set_={"data_version": version, "matched": matched},
                where=CountCache.data_version <= version,
            )
        )

    def stored() -> tuple[int, int]:
        row = session.execute(
            select(CountCache.data_version, CountCache.matched).where(CountCache.key == key)
        ).one()
        return row.data_version, row.matched

    store(5, 10)
    store(3, 99)  # counted at an older version: ignored
    assert stored() == (5, 10)
    store(7, 12)
    assert stored() == (7, 12)


def test_a_change_bumps_the_data_version_once(session):
    before = data_version(session)
    zone = session.scalars(select(Zone.id).order_by(Zone.id).limit(1)).one()
    session.execute(update(Zone).where(Zone.id == zone).values(name="改名的片区"))
    assert data_version(session) == before + 1


def test_bulk_insert_stores_what_it_was_given(session):
    parcel_id, case_id = session.execute(select(Case.parcel_id, Case.id).limit(1)).one()
    footprints = [shapely.box(118.0, 30.0, 118.001, 30.001), None, SQUARE]
    names = ["厂房 A", "tab\there, new\nline", "back\\slash"]
    areas = np.array([1200.5, np.nan, 300.0])
    bulk_insert(
        session,
        Building,
        {
            "parcel_id": np.array([parcel_id] * 3),
            "name": names,
            "floor_area_m2": np.array([100.0, 200.0, 300.0]),
            "state": ["in_use", "idle", "in_use"],
            "footprint_area_m2": areas,
            "footprint": np.array(footprints, dtype=object),
        },
        geometry="footprint",
    )
    rows = read_frame(
        session,
        select(Building.name, Building.footprint_area_m2, wkb_of(Building.footprint))
        .where(Building.name.in_(names))
        .order_by(Building.id),
        geometry="geometry",
    )
    assert rows.name.tolist() == names
    assert rows.footprint_area_m2.iloc[0] == 1200.5 and np.isnan(rows.footprint_area_m2.iloc[1])
    assert rows.geometry.iloc[1] is None
    for stored, given in zip(rows.geometry.iloc[[0, 2]], [footprints[0], SQUARE], strict=True):
        assert stored.geom_type == "MultiPolygon" and stored.equals(given)

    changes = {"备注": "a\tb\nc\\d", "number": 1.5, "list": [1, "二"], "none": None}
    bulk_insert(
        session,
        CaseEvent,
        {
            "case_id": np.array([case_id]),
            "occurred_on": [dt.date(2024, 2, 29)],
            "actor": ["测试"],
            "action": ["note"],
            "status_before": [None],
            "status_after": [None],
            "changes": [changes],
            "note": ["x"],
        },
    )
    event = session.execute(
        select(CaseEvent.occurred_on, CaseEvent.changes)
        .where(CaseEvent.actor == "测试")
        .order_by(CaseEvent.id.desc())
    ).first()
    assert event is not None
    assert (event.occurred_on, event.changes) == (dt.date(2024, 2, 29), changes)


# --- reading by key and near boxes --------------------------------------------------------


def test_rows_by_many_keys(session):
    codes = session.scalars(select(Parcel.parcel_code)).all()
    wanted = [code for i, code in enumerate(codes) for _ in range(i % 2)]  # some, twice
    asked = [f"NO-SUCH-{i}" for i in range(1200)]
    for position, code in enumerate(wanted):
        asked.insert(position * 19, code)  # spread over the whole list
    frame = frame_where_in(
        session, [Parcel.parcel_code, wkb_of(Parcel.geom)], Parcel.parcel_code, asked
    )
    assert sorted(frame.parcel_code) == sorted(set(wanted))
    empty = frame_where_in(session, [Parcel.parcel_code, wkb_of(Parcel.geom)], Parcel.id, [])
    assert empty.empty and list(empty.columns) == ["parcel_code", "geometry"]


def test_rows_near_boxes(session):
    parcels = read_frame(session, select(Parcel.id, wkb_of(Parcel.geom)).order_by(Parcel.id))
    chosen = parcels.iloc[[0, len(parcels) // 2, -1]]
    margin = 1e-4
    found = near_boxes(
        session, Parcel, [Parcel.id, wkb_of(Parcel.geom)], chosen.bounds.to_numpy(), margin
    )
    ids = set(found.id)
    grown = [shapely.box(*b).buffer(margin, join_style="mitre") for b in chosen.bounds.values]
    meeting = set(parcels.id[parcels.intersects(shapely.union_all(grown))])
    assert set(chosen.id) <= meeting <= ids
    assert len(found) == len(ids)  # each row once
    # Never further than the box around them all (grown a little more: grid snapping).
    around = shapely.box(*chosen.total_bounds).buffer(2.5 * margin, join_style="mitre")
    assert ids <= set(parcels.id[parcels.envelope.intersects(around)])


# --- vector tiles -----------------------------------------------------------------------------


def _zone_tile(session, tile: Tile) -> dict:
    layer = TileLayer("zones", select(Zone.id.label("id"), Zone.code, Zone.kind), Zone.geom)
    body = backend_for(session).tile_source(layer).encode(session, tile)
    return mapbox_vector_tile.decode(body) if body else {}


def test_a_tile_is_a_valid_vector_tile_of_the_features_in_it(session):
    decoded = _zone_tile(session, PARK_TILE)
    assert decoded["zones"]["extent"] == EXTENT
    features = decoded["zones"]["features"]
    zones = read_frame(session, select(Zone.id, Zone.code, wkb_of(Zone.geom)))
    inside = zones[zones.intersects(shapely.box(*PARK_TILE.lonlat_bounds()))]
    assert len(inside) >= 2
    assert {f["id"] for f in features} == set(inside.id)
    assert {f["properties"]["code"] for f in features} == set(inside.code)
    for feature in features:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        coordinates = np.array(shapely.get_coordinates(shape(feature["geometry"])))
        assert coordinates.min() >= -64 and coordinates.max() <= EXTENT + 64
    far = Tile(13, 100, 100)
    assert _zone_tile(session, far) == {}


def test_both_backends_draw_the_same_tile(demo_engines):
    tiles = {}
    for name in ("spatialite", "postgis"):
        with transaction(demo_engines[name], write=False) as session:
            decoded = _zone_tile(session, PARK_TILE)["zones"]["features"]
            tiles[name] = {f["id"]: f for f in decoded}
            codes = dict(session.execute(select(Zone.id, Zone.code)).all())
    assert set(tiles["spatialite"]) == set(tiles["postgis"])
    for key, feature in tiles["spatialite"].items():
        other = tiles["postgis"][key]
        assert feature["properties"] == other["properties"]
        assert feature["properties"]["code"] == codes[key]
        ours, theirs = shape(feature["geometry"]), shape(other["geometry"])
        # Both snap to the same grid; clipping may differ by a pixel along the buffer.
        assert ours.symmetric_difference(theirs).area <= 0.01 * theirs.area + 4 * EXTENT


# --- locking and failures -----------------------------------------------------------------------


def test_writers_locking_a_row_lose_no_update(empty_engine):
    key = f"counter:{uuid.uuid4().hex[:8]}"
    with transaction(empty_engine) as session:
        backend_for(session).insert_if_missing(
            session,
            LoginThrottle.__table__,
            {"key": key, "failures": 0, "window_started_at": utc_now(), "locked_until": None},
        )
    rounds, writers = 8, 3

    def bump() -> None:
        for _ in range(rounds):
            with transaction(empty_engine) as session:
                row = session.scalars(
                    select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
                ).one()
                seen = row.failures
                time.sleep(0.005)  # another writer would read the same count meanwhile
                row.failures = seen + 1

    threads = [threading.Thread(target=bump) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with transaction(empty_engine, write=False) as session:
        count = session.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == key))
    assert count == rounds * writers


def test_a_broken_constraint_is_no_failure_to_wait_out(session):
    name = f"twice-{uuid.uuid4().hex[:8]}"
    row = {"name": name, "value": "v", "created_at": utc_now()}
    session.execute(ServerSecret.__table__.insert().values(**row))
    with pytest.raises(IntegrityError) as raised, session.begin_nested():
        session.execute(ServerSecret.__table__.insert().values(**row))
    assert backend_for(session).failure(raised.value) is None
    assert database_error(raised.value) is None


def test_lookups_by_many_keys_pass_the_bound_parameters_limit(session):
    """A file of 100,000 parcels is looked up whole: more values than either driver binds
    in one statement (65,535 on PostgreSQL, 32,766 on SQLite)."""
    stored = sorted(session.scalars(select(Parcel.parcel_code)))
    wanted = [f"NOPE-{i:06d}" for i in range(100_000)] + stored[:3]
    assert existing_values(session, Parcel.parcel_code, wanted) == set(stored[:3])
    found = scalars_where_in(session, Parcel, Parcel.parcel_code, wanted, Parcel.area_m2 > 0)
    assert sorted(p.parcel_code for p in found) == stored[:3]
