"""The Alembic migration builds the same schema as the models, on both backends."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from landgis.db.backends import backend_for
from landgis.db.migrate import current_revision, head_revision, upgrade
from landgis.db.migrations.env_helpers import include_object
from landgis.db.models import Base, CaseEvent, Zone
from landgis.db.session import transaction
from landgis.db.versioning import data_version, land_version
from landgis.errors import ConfigurationError

TABLES = {
    "zones",
    "parcels",
    "buildings",
    "cases",
    "case_events",
    "users",
    "enterprise_figures",
    "efficiency_reviews",
    "building_units",
    "leases",
    "lease_units",
    "projects",
    "project_matches",
}


@pytest.fixture(scope="module")
def migrated(databases):
    engine = databases.engine()
    assert current_revision(engine) is None
    upgrade(engine)
    return engine


def test_migration_creates_every_table_at_head(migrated, backend):
    assert backend_for(migrated).name == backend
    assert current_revision(migrated) == head_revision()
    assert set(inspect(migrated).get_table_names()) >= TABLES


def test_migration_matches_the_models(migrated):
    with migrated.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_twice_changes_nothing(migrated):
    upgrade(migrated)
    assert current_revision(migrated) == head_revision()


def test_geometry_columns_are_multipolygons_in_cgcs2000_with_spatial_indexes(migrated, backend):
    with migrated.connect() as conn:
        if backend == "postgis":
            columns = conn.execute(
                text("SELECT f_table_name, type, srid FROM geometry_columns ORDER BY 1")
            ).all()
            indexed = conn.execute(
                text("SELECT tablename FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'")
            ).scalars()
        else:
            columns = conn.execute(
                text(
                    "SELECT f_table_name, CASE geometry_type WHEN 6 THEN 'MULTIPOLYGON' END, srid "
                    "FROM geometry_columns ORDER BY 1"
                )
            ).all()
            indexed = conn.execute(
                text("SELECT f_table_name FROM geometry_columns WHERE spatial_index_enabled = 1")
            ).scalars()
        assert [tuple(c) for c in columns] == [
            ("buildings", "MULTIPOLYGON", 4490),
            ("parcels", "MULTIPOLYGON", 4490),
            ("zones", "MULTIPOLYGON", 4490),
        ]
        assert set(indexed) >= {"buildings", "parcels", "zones"}


def test_case_events_refuse_update_and_delete(session):
    assert session.execute(text("SELECT count(*) FROM case_events")).scalar() > 0
    for statement in ("UPDATE case_events SET note = 'changed'", "DELETE FROM case_events"):
        with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
            session.execute(text(statement))


def test_data_version_grows_with_each_committed_change(migrated):
    with transaction(migrated) as session:
        before = data_version(session)
    with transaction(migrated) as session:
        session.add(
            Zone(code="V1", name="版本测试", kind="county", area_m2=1.0, geom=_square_wkt())
        )
    with transaction(migrated) as session:
        after_insert = data_version(session)
        session.execute(text("UPDATE zones SET name = '版本测试二' WHERE code = 'V1'"))
    with transaction(migrated) as session:
        after_update = data_version(session)
        session.execute(text("DELETE FROM zones WHERE code = 'V1'"))
    with transaction(migrated) as session:
        after_delete = data_version(session)
    assert before < after_insert < after_update < after_delete


def test_land_version_grows_with_parcels_and_zones_and_factory_space_moves_the_data_version(
    migrated,
):
    with transaction(migrated) as session:
        session.add(
            Zone(code="V2", name="版本测试", kind="county", area_m2=1.0, geom=_square_wkt())
        )
    with transaction(migrated) as session:
        land, data = land_version(session), data_version(session)
        session.execute(
            text(
                "INSERT INTO projects (project_no, name, investor, stage, created_at, updated_at)"
                " VALUES ('ZS-V2', '版本测试项目', '某投资方', 'negotiating',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    with transaction(migrated) as session:
        assert data_version(session) > data and land_version(session) == land
        session.execute(text("UPDATE zones SET name = '版本测试二' WHERE code = 'V2'"))
    with transaction(migrated) as session:
        assert land_version(session) > land


def test_each_event_carries_what_it_added_to_the_revitalized_areas(session):
    def added(changes: dict, field: str) -> float:
        before, after = changes.get(field, [None, None])
        return (after or 0.0) - (before or 0.0)

    events = session.scalars(select(CaseEvent)).all()
    moved = [e for e in events if e.revitalized_delta_m2 or e.revitalized_building_delta_m2]
    assert moved and len(moved) < len(events)
    for event in events:
        assert event.revitalized_delta_m2 == pytest.approx(
            added(event.changes, "revitalized_area_m2")
        )
        assert event.revitalized_building_delta_m2 == pytest.approx(
            added(event.changes, "revitalized_building_area_m2")
        )


def _square_wkt() -> str:
    return "SRID=4490;MULTIPOLYGON(((104 30,104.001 30,104.001 30.001,104 30.001,104 30)))"


def test_init_creates_the_postgis_extension_when_the_database_lacks_it(database_factories):
    factory = database_factories["postgis"]
    engine = factory.engine(factory.new_url(with_postgis=False))
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")) == 1
    assert current_revision(engine) == head_revision()


def test_a_user_who_may_not_create_postgis_is_told_what_to_ask_for(database_factories):
    factory = database_factories["postgis"]
    url = make_url(factory.new_url(with_postgis=False))
    role = f"landgis_clerk_{url.database}"[:63]
    server = factory._server()
    with server.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        clerk = factory.engine(url.set(username=role).render_as_string(hide_password=False))
        with pytest.raises(ConfigurationError) as refused:
            upgrade(clerk)
        assert "CREATE EXTENSION postgis" in refused.value.message_en
        clerk.dispose()
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
