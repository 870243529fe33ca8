"""What each event added to its case's revitalized areas, generated from its changes, and
an index of the events that revitalized something, by day (the period figures read them).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from landgis.db.computed import ChangeDelta
from landgis.db.migrations.env_helpers import migrating_on

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = {
    "revitalized_delta_m2": "revitalized_area_m2",
    "revitalized_building_delta_m2": "revitalized_building_area_m2",
}
REVITALIZING = "revitalized_delta_m2 <> 0 OR revitalized_building_delta_m2 <> 0"


def upgrade() -> None:
    for column, field in COLUMNS.items():
        op.add_column("case_events", sa.Column(column, sa.Float(), ChangeDelta(field)))
    op.create_index(
        "ix_case_events_revitalizing",
        "case_events",
        ["occurred_on"],
        postgresql_where=sa.text(REVITALIZING),
        sqlite_where=sa.text(REVITALIZING),
    )


def downgrade() -> None:
    op.drop_index("ix_case_events_revitalizing", table_name="case_events")
    for column in COLUMNS:
        if migrating_on("postgis"):
            op.drop_column("case_events", column)
        else:
            op.execute(f"ALTER TABLE case_events DROP COLUMN {column}")
