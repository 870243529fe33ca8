"""Enterprises' yearly figures (亩均效益评价) and the decisions on the cases they suggest.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enterprise_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("tax_yuan", sa.Float(), nullable=True),
        sa.Column("revenue_yuan", sa.Float(), nullable=True),
        sa.Column("output_yuan", sa.Float(), nullable=True),
        sa.Column("value_added_yuan", sa.Float(), nullable=True),
        sa.Column("energy_tce", sa.Float(), nullable=True),
        sa.Column("emissions_t", sa.Float(), nullable=True),
        sa.Column("employees", sa.Float(), nullable=True),
        sa.Column("rd_yuan", sa.Float(), nullable=True),
        sa.Column(
            "extra",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "credit_code", name="uq_enterprise_figures_year_code"),
        sa.UniqueConstraint("year", "name", name="uq_enterprise_figures_year_name"),
    )
    op.create_index("ix_enterprise_figures_year", "enterprise_figures", ["year"])
    op.create_table(
        "efficiency_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('opened', 'dismissed')", name="ck_decision_vocab"),
        sa.ForeignKeyConstraint(["parcel_id"], ["parcels.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "parcel_id", name="uq_efficiency_reviews_year_parcel"),
    )
    op.create_index("ix_efficiency_reviews_year", "efficiency_reviews", ["year"])
    op.create_index("ix_efficiency_reviews_parcel_id", "efficiency_reviews", ["parcel_id"])


def downgrade() -> None:
    op.drop_index("ix_efficiency_reviews_parcel_id", table_name="efficiency_reviews")
    op.drop_index("ix_efficiency_reviews_year", table_name="efficiency_reviews")
    op.drop_table("efficiency_reviews")
    op.drop_index("ix_enterprise_figures_year", table_name="enterprise_figures")
    op.drop_table("enterprise_figures")
