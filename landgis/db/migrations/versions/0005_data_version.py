"""Data version counter bumped by triggers, and a cache of feature counts keyed by it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from landgis.db.migrations.env_helpers import migrating_on

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# What maps, tiles and feature counts show: a change to any of these bumps the version.
WATCHED_TABLES = ("zones", "parcels", "cases", "case_events")
BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_data_version_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 1)")
    op.create_table(
        "count_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("matched", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    if migrating_on("postgis"):
        # One bump per statement: a COPY of a million rows bumps once.
        op.execute(
            "CREATE FUNCTION landgis_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in WATCHED_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bump_data_version "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION landgis_bump_data_version()"
            )
        return
    # SQLite has row triggers only.
    for table in WATCHED_TABLES:
        for verb in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_bump_on_{verb.lower()} AFTER {verb} ON {table} "
                f"BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    if migrating_on("postgis"):
        for table in WATCHED_TABLES:
            op.execute(f"DROP TRIGGER {table}_bump_data_version ON {table}")
        op.execute("DROP FUNCTION landgis_bump_data_version()")
    else:
        for table in WATCHED_TABLES:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_bump_on_{verb}")
    op.drop_table("count_cache")
    op.drop_table("data_version")
