"""The per-mu evaluation's results per parcel and year, served as a feature collection.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDICATORS = (
    "tax_per_mu",
    "revenue_per_mu",
    "value_added_per_mu",
    "value_added_per_energy",
    "value_added_per_emission",
    "labour_productivity",
    "rd_intensity",
)


def upgrade() -> None:
    op.create_table(
        "efficiency_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("figure_id", sa.Integer(), nullable=False),
        sa.Column("parcel_count", sa.Integer(), nullable=False),
        sa.Column("matched_by", sa.String(length=8), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in INDICATORS),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("class", sa.String(length=1), nullable=False),
        sa.Column("previous_score", sa.Float(), nullable=True),
        sa.Column("previous_class", sa.String(length=1), nullable=True),
        sa.Column("trend", sa.String(length=8), nullable=False),
        sa.Column("year_start", sa.Date(), nullable=False),
        sa.Column("year_end", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_efficiency_results_year", "efficiency_results", ["year"])
    op.create_index("ix_efficiency_results_parcel_id", "efficiency_results", ["parcel_id"])
    op.create_table(
        "efficiency_result_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_efficiency_result_stamp_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("efficiency_result_stamp")
    op.drop_index("ix_efficiency_results_parcel_id", table_name="efficiency_results")
    op.drop_index("ix_efficiency_results_year", table_name="efficiency_results")
    op.drop_table("efficiency_results")
