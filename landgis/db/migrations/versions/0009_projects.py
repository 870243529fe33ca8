"""招商项目: projects courted by the park, and the matches recorded for them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("investor", sa.String(length=256), nullable=False),
        sa.Column("investor_credit_code", sa.String(length=18), nullable=True),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("investment_wan_yuan", sa.Float(), nullable=True),
        sa.Column("land_need_m2", sa.Float(), nullable=True),
        sa.Column("floor_need_m2", sa.Float(), nullable=True),
        sa.Column("preferred_zones", _json(), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("negotiating_on", sa.Date(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("landed_on", sa.Date(), nullable=True),
        sa.Column("producing_on", sa.Date(), nullable=True),
        sa.Column("staff", sa.String(length=64), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stage IN ('negotiating', 'signed', 'landed', 'producing')", name="ck_stage_vocab"
        ),
        sa.CheckConstraint("land_need_m2 IS NULL OR land_need_m2 > 0", name="ck_project_land"),
        sa.CheckConstraint("floor_need_m2 IS NULL OR floor_need_m2 > 0", name="ck_project_floor"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_no"),
    )
    op.create_index("ix_projects_stage", "projects", ["stage"])
    op.create_table(
        "project_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("lease_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('case', 'lease')", name="ck_kind_vocab"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["lease_id"], ["leases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_project_matches_project_id", "project_matches", ["project_id"])
    op.create_index("ix_project_matches_case_id", "project_matches", ["case_id"])
    op.create_index("ix_project_matches_lease_id", "project_matches", ["lease_id"])


def downgrade() -> None:
    op.drop_index("ix_project_matches_lease_id", table_name="project_matches")
    op.drop_index("ix_project_matches_case_id", table_name="project_matches")
    op.drop_index("ix_project_matches_project_id", table_name="project_matches")
    op.drop_table("project_matches")
    op.drop_index("ix_projects_stage", table_name="projects")
    op.drop_table("projects")
