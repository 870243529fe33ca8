"""Indexes set aside while rows are loaded into a PostGIS table and built again after."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from landgis.db.backends import postgis_reindex
from landgis.db.backends.postgis_reindex import indexes_rebuilt, rebuilding_pays
from landgis.db.migrate import upgrade
from landgis.db.models import Parcel
from landgis.demo import load_zones
from landgis.imports import ImportOptions, import_parcels
from landgis.settings import DEMO_DATA

_DEFINITIONS = text(
    "SELECT pg_get_indexdef(indexrelid) FROM pg_index"
    " WHERE indrelid = CAST(:table AS regclass) ORDER BY 1"
)
_INDEXES = text("SELECT indexrelid FROM pg_index WHERE indrelid = CAST(:table AS regclass)")
_CONSTRAINTS = text(
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
    " WHERE conrelid = CAST(:table AS regclass) ORDER BY 1"
)


def _shape(session: Session, table: str) -> tuple[list, list]:
    return (
        list(session.execute(_DEFINITIONS, {"table": table}).scalars()),
        [tuple(r) for r in session.execute(_CONSTRAINTS, {"table": table})],
    )


@pytest.fixture
def engine(database_factories):
    engine = database_factories["postgis"].engine()
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE owners (code text UNIQUE, label text UNIQUE)"))
        connection.execute(
            text(
                "CREATE TABLE things (id serial PRIMARY KEY, code text UNIQUE, note text,"
                " owner text REFERENCES owners (code))"
            )
        )
        connection.execute(text("CREATE INDEX things_noted ON things (note) WHERE note <> 'a:b'"))
    return engine


_THINGS = Table(
    "things",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("code", Text),
    Column("note", Text),
)


def test_the_indexes_come_back_as_they_were_and_hold_the_rows_loaded(engine):
    with Session(engine) as session, session.begin():
        before = _shape(session, "things")
        owners = _shape(session, "owners")
        dropped: tuple[list, list] = ([], [])
        with indexes_rebuilt(session, _THINGS):
            dropped = _shape(session, "things")
            session.execute(
                text(
                    "INSERT INTO things (code, note)"
                    " SELECT 'c' || g, 'n' FROM generate_series(1, 50) g"
                )
            )
        assert _shape(session, "things") == before
        assert _shape(session, "owners") == owners  # the key a foreign key uses stays
        used = session.execute(text("SELECT count(*) FROM things WHERE code = 'c7'")).scalar_one()
        assert used == 1
    # set aside during the load: the plain and the unique index, not the primary key
    assert [d for d in dropped[0] if "things_pkey" in d] and len(dropped[0]) == 1
    assert [name for name, _ in dropped[1]] == ["things_owner_fkey", "things_pkey"]
    with Session(engine) as session, pytest.raises(IntegrityError):  # still unique
        session.execute(text("INSERT INTO things (code) VALUES ('c1')"))


def test_a_load_that_fails_leaves_the_indexes_as_they_were(engine):
    with Session(engine) as session, session.begin():
        before = _shape(session, "things")
        with (
            pytest.raises(RuntimeError),
            session.begin_nested(),
            indexes_rebuilt(session, _THINGS),
        ):
            session.execute(text("INSERT INTO things (code) VALUES ('x')"))
            raise RuntimeError("refused")
        assert _shape(session, "things") == before
        assert session.execute(text("SELECT count(*) FROM things")).scalar_one() == 0


def test_rebuilding_pays_for_many_rows_into_an_empty_table(engine, monkeypatch):
    with Session(engine) as session, session.begin():
        assert not rebuilding_pays(session, _THINGS, postgis_reindex.BULK_ROWS - 1)
        assert rebuilding_pays(session, _THINGS, postgis_reindex.BULK_ROWS)
        monkeypatch.setattr(postgis_reindex, "BULK_ROWS", 2)
        session.execute(
            text("INSERT INTO things (code) SELECT 'c' || g FROM generate_series(1, 5) g")
        )
        assert not rebuilding_pays(session, _THINGS, 6)  # readers of stored rows never wait
        assert not rebuilding_pays(session, _THINGS, 500)
        assert rebuilding_pays(session, Parcel.__table__, 2)


def test_an_import_into_an_empty_database_keeps_the_parcels_indexes(engine, monkeypatch):
    monkeypatch.setattr(postgis_reindex, "BULK_ROWS", 2)  # the demo's parcels are few
    with Session(engine) as session, session.begin():
        assert load_zones(session, DEMO_DATA) > 0
    with Session(engine) as session, session.begin():
        before = _shape(session, "parcels")
        indexes = set(session.execute(_INDEXES, {"table": "parcels"}).scalars())
        report = import_parcels(session, DEMO_DATA, ImportOptions.build(layer="parcels"))
        assert report.inserted > 1
        assert _shape(session, "parcels") == before
        built = set(session.execute(_INDEXES, {"table": "parcels"}).scalars())
        assert len(indexes - built) == len(before[0]) - 1  # all built again but the key's
        session.execute(text("SET LOCAL enable_seqscan = off"))  # too few rows to want it
        plan = session.execute(
            text("EXPLAIN SELECT id FROM parcels WHERE parcel_code = :code"),
            {"code": report.parcel_codes[0]},
        ).scalars()
        assert any("parcels_parcel_code_key" in line for line in plan)
