"""Factory space: buildings' kind and owner, their units, and the leases of units.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both backends: a batch copy of the table would lose SpatiaLite's
    # registration of the footprint column. SQLite cannot add a constraint to an existing
    # table; there the kind is kept to its vocabulary by the code that writes it.
    op.add_column(
        "buildings",
        sa.Column("kind", sa.String(length=16), server_default="enterprise", nullable=False),
    )
    op.add_column("buildings", sa.Column("owner", sa.String(length=256), nullable=True))
    op.add_column("buildings", sa.Column("owner_credit_code", sa.String(length=18), nullable=True))
    op.add_column("buildings", sa.Column("floors", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint(
            "ck_kind_vocab", "buildings", "kind IN ('standard', 'enterprise')"
        )
    op.create_table(
        "building_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("unit_no", sa.String(length=32), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=True),
        sa.Column("floor_area_m2", sa.Float(), nullable=False),
        sa.Column("clear_height_m", sa.Float(), nullable=True),
        sa.Column("floor_load_kn_m2", sa.Float(), nullable=True),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.CheckConstraint("floor_area_m2 > 0", name="ck_unit_floor_area_positive"),
        sa.CheckConstraint(
            "state IN ('vacant', 'leased', 'owner_occupied', 'under_construction')",
            name="ck_state_vocab",
        ),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("building_id", "unit_no", name="uq_building_units_building_unit_no"),
    )
    op.create_index("ix_building_units_building_id", "building_units", ["building_id"])
    op.create_table(
        "leases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lease_no", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=256), nullable=False),
        sa.Column("tenant_credit_code", sa.String(length=18), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("rent_yuan_m2_month", sa.Float(), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("project", sa.String(length=256), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("area_m2 > 0", name="ck_lease_area_positive"),
        sa.CheckConstraint("end_date >= start_date", name="ck_lease_period"),
        sa.CheckConstraint("status IN ('signed', 'active', 'ended')", name="ck_status_vocab"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lease_no"),
    )
    op.create_index("ix_leases_case_id", "leases", ["case_id"])
    op.create_index("ix_leases_end_date", "leases", ["end_date"])
    op.create_index("ix_leases_status", "leases", ["status"])
    op.create_table(
        "lease_units",
        sa.Column("lease_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lease_id"], ["leases.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["building_units.id"]),
        sa.PrimaryKeyConstraint("lease_id", "unit_id"),
    )
    op.create_index("ix_lease_units_unit_id", "lease_units", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_lease_units_unit_id", table_name="lease_units")
    op.drop_table("lease_units")
    op.drop_index("ix_leases_status", table_name="leases")
    op.drop_index("ix_leases_end_date", table_name="leases")
    op.drop_index("ix_leases_case_id", table_name="leases")
    op.drop_table("leases")
    op.drop_index("ix_building_units_building_id", table_name="building_units")
    op.drop_table("building_units")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("ck_kind_vocab", "buildings", type_="check")
    for column in ("floors", "owner_credit_code", "owner", "kind"):
        op.drop_column("buildings", column)
