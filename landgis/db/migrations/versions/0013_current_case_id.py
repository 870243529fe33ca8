"""Each parcel's current case kept on the parcel: ``parcels.current_case_id``, the greatest
case id on the parcel (:mod:`landgis.ledger_rules.current_case`), so lists, the map, tiles
and OGC pages join a parcel's current case by one primary-key probe instead of a max over
the parcel's cases.

Triggers on ``cases`` keep it right whatever writes the cases: an inserted case becomes
current when its id is greater; a deleted case, or one moved to another parcel, has its
parcels' current case computed again. The update the triggers make to ``parcels`` is not a
change to the land: it does not move the land version (it still moves the data version,
as the case's own change does).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from landgis.db.migrations.env_helpers import migrating_on

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BUMP_LAND = "UPDATE data_version SET land_version = land_version + 1 WHERE id = 1"
GREATEST = "(SELECT max(c.id) FROM cases c WHERE c.parcel_id = parcels.id)"
BACKFILL = (
    f"UPDATE parcels SET current_case_id = {GREATEST} "
    "WHERE EXISTS (SELECT 1 FROM cases c WHERE c.parcel_id = parcels.id)"
)


def _recompute(parcels: str, differs: str = "IS DISTINCT FROM") -> str:
    """The statement setting again the current case of the parcels whose ids ``parcels``
    (a subquery) gives, where it changed (``differs``: the dialect's null-safe inequality)."""
    return (
        f"UPDATE parcels SET current_case_id = {GREATEST} "
        f"WHERE parcels.id IN ({parcels}) AND current_case_id {differs} {GREATEST}"
    )


# PostgreSQL: statement triggers over the transition tables, so a COPY of many cases sets
# their parcels in one statement.
PG_FUNCTIONS = {
    "landgis_current_case_on_insert": (
        "UPDATE parcels SET current_case_id = added.id "
        "FROM (SELECT parcel_id, max(id) AS id FROM added_cases GROUP BY parcel_id) added "
        "WHERE parcels.id = added.parcel_id "
        "AND (parcels.current_case_id IS NULL OR parcels.current_case_id < added.id)"
    ),
    "landgis_current_case_on_delete": _recompute("SELECT parcel_id FROM removed_cases"),
    "landgis_current_case_on_update": _recompute(
        "SELECT parcel_id FROM (SELECT id, parcel_id FROM old_cases "
        "EXCEPT SELECT id, parcel_id FROM new_cases) moved_from "
        "UNION SELECT parcel_id FROM (SELECT id, parcel_id FROM new_cases "
        "EXCEPT SELECT id, parcel_id FROM old_cases) moved_to"
    ),
    "landgis_current_case_on_truncate": (
        "UPDATE parcels SET current_case_id = NULL WHERE current_case_id IS NOT NULL"
    ),
}
PG_TRIGGERS = {
    "cases_current_case_on_insert": (
        "AFTER INSERT ON cases REFERENCING NEW TABLE AS added_cases",
        "landgis_current_case_on_insert",
    ),
    "cases_current_case_on_delete": (
        "AFTER DELETE ON cases REFERENCING OLD TABLE AS removed_cases",
        "landgis_current_case_on_delete",
    ),
    "cases_current_case_on_update": (
        "AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases",
        "landgis_current_case_on_update",
    ),
    "cases_current_case_on_truncate": (
        "AFTER TRUNCATE ON cases",
        "landgis_current_case_on_truncate",
    ),
}
# The land version's function, moving it only for statements not run by a trigger: the
# triggers above are the only ones that write parcels.
PG_BUMP_LAND_TOP = (
    "CREATE OR REPLACE FUNCTION landgis_bump_land_version() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN IF pg_trigger_depth() = 1 THEN {BUMP_LAND}; END IF; "
    "RETURN NULL; END $$"
)
PG_BUMP_LAND_ANY = (
    "CREATE OR REPLACE FUNCTION landgis_bump_land_version() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN {BUMP_LAND}; RETURN NULL; END $$"
)

# SQLite: row triggers.
SQLITE_TRIGGERS = {
    "cases_current_case_on_insert": (
        "AFTER INSERT ON cases BEGIN UPDATE parcels SET current_case_id = NEW.id "
        "WHERE id = NEW.parcel_id AND (current_case_id IS NULL OR current_case_id < NEW.id); END"
    ),
    "cases_current_case_on_delete": (
        f"AFTER DELETE ON cases BEGIN {_recompute('SELECT OLD.parcel_id', 'IS NOT')}; END"
    ),
    "cases_current_case_on_update": (
        "AFTER UPDATE OF id, parcel_id ON cases "
        "WHEN OLD.id IS NOT NEW.id OR OLD.parcel_id IS NOT NEW.parcel_id "
        f"BEGIN {_recompute('SELECT OLD.parcel_id UNION SELECT NEW.parcel_id', 'IS NOT')}; END"
    ),
}
# The parcels' land version trigger on update, skipping the triggers' own updates (the
# only ones that change current_case_id; they change nothing else).
SQLITE_LAND_ON_UPDATE = "parcels_bump_land_on_update"
SQLITE_LAND_GUARDED = (
    f"CREATE TRIGGER {SQLITE_LAND_ON_UPDATE} AFTER UPDATE ON parcels "
    f"WHEN OLD.current_case_id IS NEW.current_case_id BEGIN {BUMP_LAND}; END"
)
SQLITE_LAND_ANY = (
    f"CREATE TRIGGER {SQLITE_LAND_ON_UPDATE} AFTER UPDATE ON parcels BEGIN {BUMP_LAND}; END"
)


def upgrade() -> None:
    op.add_column("parcels", sa.Column("current_case_id", sa.Integer(), nullable=True))
    if migrating_on("postgis"):
        op.execute(PG_BUMP_LAND_TOP)
        for name, body in PG_FUNCTIONS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {body}; RETURN NULL; END $$"
            )
        for name, (event, function) in PG_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} {event} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        # The backfill is not a change to the land either.
        op.execute("ALTER TABLE parcels DISABLE TRIGGER parcels_bump_land_version")
        op.execute(BACKFILL)
        op.execute("ALTER TABLE parcels ENABLE TRIGGER parcels_bump_land_version")
    else:
        op.execute(f"DROP TRIGGER {SQLITE_LAND_ON_UPDATE}")
        op.execute(SQLITE_LAND_GUARDED)
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute(BACKFILL)
    op.create_index("ix_parcels_current_case_id", "parcels", ["current_case_id"])


def downgrade() -> None:
    op.drop_index("ix_parcels_current_case_id", table_name="parcels")
    if migrating_on("postgis"):
        for name in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON cases")
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
        op.execute(PG_BUMP_LAND_ANY)
        op.drop_column("parcels", "current_case_id")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute(f"DROP TRIGGER {SQLITE_LAND_ON_UPDATE}")
        op.execute(SQLITE_LAND_ANY)
        # In place (3.35+), as 0011 does: a batch copy would break the triggers on parcels.
        op.execute("ALTER TABLE parcels DROP COLUMN current_case_id")
