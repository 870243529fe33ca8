"""The land version, the factory space and projects watched by the data version, and the
evaluation's results stamped year by year.

- ``data_version.land_version`` is bumped by changes to zones and parcels only: the per-mu
  evaluation depends on the land, not on the ledger's cases, so a case edit no longer makes
  its stored results out of date.
- Buildings, their units, leases and projects bump the data version too: their feature
  collections' cached counts are keyed by it.
- ``efficiency_year_stamps`` holds one digest per year (the land version, that year's and
  the year before's figures, the rules), so an import of one year's figures rewrites that
  year and the next, not every year.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from landgis.db.migrations.env_helpers import migrating_on

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LAND_TABLES = ("zones", "parcels")
SPACE_TABLES = (
    "buildings",
    "building_units",
    "leases",
    "lease_units",
    "projects",
    "project_matches",
)
BUMP_LAND = "UPDATE data_version SET land_version = land_version + 1 WHERE id = 1"
BUMP_DATA = "UPDATE data_version SET version = version + 1 WHERE id = 1"
VERBS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    op.add_column(
        "data_version",
        sa.Column("land_version", sa.BigInteger(), nullable=False, server_default="1"),
    )
    if migrating_on("postgis"):
        op.execute(
            "CREATE FUNCTION landgis_bump_land_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP_LAND}; RETURN NULL; END $$"
        )
        for table in LAND_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bump_land_version "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION landgis_bump_land_version()"
            )
        for table in SPACE_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bump_data_version "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION landgis_bump_data_version()"
            )
    else:
        for table in LAND_TABLES:
            for verb in VERBS:
                op.execute(
                    f"CREATE TRIGGER {table}_bump_land_on_{verb.lower()} AFTER {verb} ON {table} "
                    f"BEGIN {BUMP_LAND}; END"
                )
        for table in SPACE_TABLES:
            for verb in VERBS:
                op.execute(
                    f"CREATE TRIGGER {table}_bump_on_{verb.lower()} AFTER {verb} ON {table} "
                    f"BEGIN {BUMP_DATA}; END"
                )
    op.drop_table("efficiency_result_stamp")
    op.create_table(
        "efficiency_year_stamps",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    # Results written under the old whole-table stamp are taken again on the next request.
    op.execute("DELETE FROM efficiency_results")


def downgrade() -> None:
    op.drop_table("efficiency_year_stamps")
    op.create_table(
        "efficiency_result_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_efficiency_result_stamp_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("DELETE FROM efficiency_results")
    if migrating_on("postgis"):
        for table in SPACE_TABLES:
            op.execute(f"DROP TRIGGER {table}_bump_data_version ON {table}")
        for table in LAND_TABLES:
            op.execute(f"DROP TRIGGER {table}_bump_land_version ON {table}")
        op.execute("DROP FUNCTION landgis_bump_land_version()")
    else:
        for table in SPACE_TABLES + LAND_TABLES:
            for verb in VERBS:
                kind = "land_on" if table in LAND_TABLES else "on"
                op.execute(f"DROP TRIGGER {table}_bump_{kind}_{verb.lower()}")
    # SQLite drops the column in place (3.35+): a batch copy of the table would break the
    # triggers that name it while it is away.
    op.execute("ALTER TABLE data_version DROP COLUMN land_version")
