"""Changes to buildings, their units and leases, and to projects and their matches bump
the data version too: the buildings and projects feature collections are counted under it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-12
"""

from __future__ import annotations

from alembic import op

from landgis.db.migrations.env_helpers import migrating_on

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

WATCHED_TABLES = (
    "buildings",
    "building_units",
    "leases",
    "lease_units",
    "projects",
    "project_matches",
)
BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    if migrating_on("postgis"):
        # The function was created with the first watched tables (revision 0005).
        for table in WATCHED_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bump_data_version "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION landgis_bump_data_version()"
            )
        return
    for table in WATCHED_TABLES:
        for verb in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_bump_on_{verb.lower()} AFTER {verb} ON {table} "
                f"BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    for table in WATCHED_TABLES:
        if migrating_on("postgis"):
            op.execute(f"DROP TRIGGER {table}_bump_data_version ON {table}")
        else:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_bump_on_{verb}")
