"""Initial schema: zones, parcels, buildings, cases, case events and users.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from landgis.db.migrations.env_helpers import migrating_on

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="ck_role_vocab"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_geospatial_table(
        "zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4490,
                dimension=2,
                spatial_index=False,
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('county', 'park', 'area')", name="ck_kind_vocab"),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["zones.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_zones_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )

    op.create_geospatial_table(
        "parcels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_code", sa.String(length=64), nullable=False),
        sa.Column("supervision_no", sa.String(length=64), nullable=True),
        sa.Column("project_name", sa.String(length=256), nullable=True),
        sa.Column("zone_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=256), nullable=True),
        sa.Column("holder", sa.String(length=256), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("land_use", sa.String(length=64), nullable=True),
        sa.Column("supply_method", sa.String(length=16), nullable=True),
        sa.Column("contract_no", sa.String(length=64), nullable=True),
        sa.Column("contract_date", sa.Date(), nullable=True),
        sa.Column("land_price_yuan", sa.Float(), nullable=True),
        sa.Column("agreed_start_date", sa.Date(), nullable=True),
        sa.Column("agreed_completion_date", sa.Date(), nullable=True),
        sa.Column("actual_start_date", sa.Date(), nullable=True),
        sa.Column("actual_completion_date", sa.Date(), nullable=True),
        sa.Column("registered_area_m2", sa.Float(), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("geodesic_area_m2", sa.Float(), nullable=False),
        sa.Column("gk_epsg", sa.Integer(), nullable=False),
        sa.Column("plot_ratio", sa.Float(), nullable=True),
        sa.Column("tax_per_mu", sa.Float(), nullable=True),
        sa.Column(
            "extra",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4490,
                dimension=2,
                spatial_index=False,
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "supply_method IS NULL OR supply_method IN ('transfer', 'allocation')",
            name="ck_supply_method_vocab",
        ),
        sa.CheckConstraint("area_m2 >= 0", name="ck_parcel_area_nonnegative"),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["zones.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("parcel_code"),
    )
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_parcels_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )
        batch_op.create_index(batch_op.f("ix_parcels_zone_id"), ["zone_id"], unique=False)

    op.create_geospatial_table(
        "buildings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("floor_area_m2", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("footprint_area_m2", sa.Float(), nullable=True),
        sa.Column(
            "footprint",
            Geometry(geometry_type="MULTIPOLYGON", srid=4490, dimension=2, spatial_index=False),
            nullable=True,
        ),
        sa.CheckConstraint("state IN ('in_use', 'idle', 'revitalized')", name="ck_state_vocab"),
        sa.CheckConstraint("floor_area_m2 >= 0", name="ck_building_floor_area_nonnegative"),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcels.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_buildings_footprint",
            ["footprint"],
            unique=False,
            postgresql_using="gist",
            postgresql_ops={},
        )
        batch_op.create_index(batch_op.f("ix_buildings_parcel_id"), ["parcel_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("cause", sa.String(length=32), nullable=True),
        sa.Column("cause_detail", sa.String(length=256), nullable=True),
        sa.Column("idle_area_m2", sa.Float(), nullable=False),
        sa.Column("idle_building_area_m2", sa.Float(), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=True),
        sa.Column("determination_no", sa.String(length=64), nullable=True),
        sa.Column("route", sa.String(length=32), nullable=True),
        sa.Column("plan_no", sa.String(length=64), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("responsible_unit", sa.String(length=128), nullable=True),
        sa.Column("revitalized_area_m2", sa.Float(), nullable=False),
        sa.Column("revitalized_building_area_m2", sa.Float(), nullable=False),
        sa.Column("revitalized_on", sa.Date(), nullable=True),
        sa.Column("new_holder", sa.String(length=256), nullable=True),
        sa.Column("new_project", sa.String(length=256), nullable=True),
        sa.Column("amount_yuan", sa.Float(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "category IN ('idle', 'low_efficiency', 'approved_not_supplied', 'supplied_not_used', 'used_not_fully')",
            name="ck_category_vocab",
        ),
        sa.CheckConstraint(
            "cause IS NULL OR cause IN ('government', 'force_majeure', 'enterprise', 'judicial_seizure', 'business_failure')",
            name="ck_cause_vocab",
        ),
        sa.CheckConstraint(
            "route IS NULL OR route IN ('buyback', 'judicial_auction', 'lease_conversion', 'free_recovery', 'idle_fee', 'extension', 'use_change', 'temporary_use', 'land_swap', 'self_revitalization', 'merger', 'split_transfer', 'other')",
            name="ck_route_vocab",
        ),
        sa.CheckConstraint(
            "status IN ('suspected', 'investigating', 'identified', 'planned', 'disposing', 'revitalized', 'closed', 'dismissed')",
            name="ck_status_vocab",
        ),
        sa.CheckConstraint("idle_area_m2 >= 0", name="ck_idle_area_nonnegative"),
        sa.CheckConstraint(
            "revitalized_area_m2 >= 0 AND revitalized_area_m2 <= idle_area_m2",
            name="ck_revitalized_within_idle",
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcels.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_parcel_id"), ["parcel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("status_before", sa.String(length=16), nullable=True),
        sa.Column("status_after", sa.String(length=16), nullable=True),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("document_no", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_events_occurred_on"), ["occurred_on"], unique=False
        )

    _make_events_append_only()


def downgrade() -> None:
    _drop_events_append_only()
    op.drop_table("case_events")
    op.drop_table("cases")
    for table in ("buildings", "parcels", "zones"):
        op.drop_geospatial_table(table)
    op.drop_table("users")


APPEND_ONLY = "case_events are append-only: record a new event instead"


def _make_events_append_only() -> None:
    """Refuse UPDATE and DELETE on case_events at the database itself."""
    if migrating_on("postgis"):
        op.execute(
            "CREATE FUNCTION landgis_refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
            "FOR EACH ROW EXECUTE FUNCTION landgis_refuse_event_change()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER case_events_no_{verb.lower()} BEFORE {verb} ON case_events "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def _drop_events_append_only() -> None:
    if migrating_on("postgis"):
        op.execute("DROP TRIGGER case_events_append_only ON case_events")
        op.execute("DROP FUNCTION landgis_refuse_event_change()")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER case_events_no_{verb}")
