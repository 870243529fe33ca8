"""Zones, parcels and the ledger's cases with their events (处置记录)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from landgis import vocab
from landgis.db.computed import ChangeDelta
from landgis.db.models.base import Base, JSONType, TimestampMixin, multipolygon, one_of

# An event that moved a case's revitalized land or floor area.
REVITALIZING = text("revitalized_delta_m2 <> 0 OR revitalized_building_delta_m2 <> 0")

if TYPE_CHECKING:
    from landgis.db.models.space import Building


class Zone(Base):
    """A boundary: the county (县界), the park (园区) or one of its areas (片区)."""

    __tablename__ = "zones"
    __table_args__ = (one_of("kind", vocab.ZONE_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    area_m2: Mapped[float] = mapped_column(Float)
    geom: Mapped[Any] = mapped_column(multipolygon())


class Parcel(TimestampMixin, Base):
    """宗地: one land-use right on state-owned construction land."""

    __tablename__ = "parcels"
    __table_args__ = (
        CheckConstraint("area_m2 >= 0", name="ck_parcel_area_nonnegative"),
        CheckConstraint(
            "supply_method IS NULL OR supply_method IN ('transfer', 'allocation')",
            name="ck_supply_method_vocab",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parcel_code: Mapped[str] = mapped_column(String(64), unique=True)
    supervision_no: Mapped[str | None] = mapped_column(String(64))
    project_name: Mapped[str | None] = mapped_column(String(256))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"), index=True)
    location: Mapped[str | None] = mapped_column(String(256))
    holder: Mapped[str | None] = mapped_column(String(256))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    land_use: Mapped[str | None] = mapped_column(String(64))
    supply_method: Mapped[str | None] = mapped_column(String(16))
    contract_no: Mapped[str | None] = mapped_column(String(64))
    contract_date: Mapped[dt.date | None] = mapped_column(Date)
    land_price_yuan: Mapped[float | None] = mapped_column(Float)
    agreed_start_date: Mapped[dt.date | None] = mapped_column(Date)
    agreed_completion_date: Mapped[dt.date | None] = mapped_column(Date)
    actual_start_date: Mapped[dt.date | None] = mapped_column(Date)
    actual_completion_date: Mapped[dt.date | None] = mapped_column(Date)
    registered_area_m2: Mapped[float | None] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    geodesic_area_m2: Mapped[float] = mapped_column(Float)
    gk_epsg: Mapped[int] = mapped_column(Integer)
    plot_ratio: Mapped[float | None] = mapped_column(Float)
    tax_per_mu: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    geom: Mapped[Any] = mapped_column(multipolygon())
    # The parcel's current case (landgis.ledger_rules.current_case), kept by triggers on
    # cases (migration 0013): never written by landgis itself.
    current_case_id: Mapped[int | None] = mapped_column(Integer, index=True)

    zone: Mapped[Zone | None] = relationship()
    buildings: Mapped[list[Building]] = relationship(back_populates="parcel")
    cases: Mapped[list[Case]] = relationship(back_populates="parcel")


class Case(TimestampMixin, Base):
    """台账条目: one parcel's entry in the idle-land ledger (current state)."""

    __tablename__ = "cases"
    __table_args__ = (
        one_of("status", vocab.CASE_STATUSES),
        one_of("category", vocab.CATEGORIES),
        CheckConstraint(
            f"cause IS NULL OR cause IN ({', '.join(repr(c) for c in vocab.CAUSES)})",
            name="ck_cause_vocab",
        ),
        CheckConstraint(
            f"route IS NULL OR route IN ({', '.join(repr(r) for r in vocab.ROUTES)})",
            name="ck_route_vocab",
        ),
        CheckConstraint(
            "revitalized_area_m2 >= 0 AND revitalized_area_m2 <= idle_area_m2",
            name="ck_revitalized_within_idle",
        ),
        CheckConstraint("idle_area_m2 >= 0", name="ck_idle_area_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    cause: Mapped[str | None] = mapped_column(String(32))
    cause_detail: Mapped[str | None] = mapped_column(String(256))
    idle_area_m2: Mapped[float] = mapped_column(Float)
    idle_building_area_m2: Mapped[float] = mapped_column(Float, default=0.0)
    identified_on: Mapped[dt.date | None] = mapped_column(Date)
    determination_no: Mapped[str | None] = mapped_column(String(64))
    route: Mapped[str | None] = mapped_column(String(32))
    plan_no: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    responsible_unit: Mapped[str | None] = mapped_column(String(128))
    revitalized_area_m2: Mapped[float] = mapped_column(Float, default=0.0)
    revitalized_building_area_m2: Mapped[float] = mapped_column(Float, default=0.0)
    revitalized_on: Mapped[dt.date | None] = mapped_column(Date)
    new_holder: Mapped[str | None] = mapped_column(String(256))
    new_project: Mapped[str | None] = mapped_column(String(256))
    amount_yuan: Mapped[float | None] = mapped_column(Float)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)
    remarks: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    parcel: Mapped[Parcel] = relationship(back_populates="cases")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy convention


class CaseEvent(Base):
    """处置记录: one append-only change to a case; the ledger's history is rebuilt from these."""

    __tablename__ = "case_events"
    __table_args__ = (
        # The events that revitalized something, by day: the period figures' only events.
        Index(
            "ix_case_events_revitalizing",
            "occurred_on",
            postgresql_where=REVITALIZING,
            sqlite_where=REVITALIZING,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    status_before: Mapped[str | None] = mapped_column(String(16))
    status_after: Mapped[str | None] = mapped_column(String(16))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType)
    document_no: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    # What the event added to the case's revitalized areas (generated from ``changes``).
    revitalized_delta_m2: Mapped[float] = mapped_column(Float, ChangeDelta("revitalized_area_m2"))
    revitalized_building_delta_m2: Mapped[float] = mapped_column(
        Float, ChangeDelta("revitalized_building_area_m2")
    )

    case: Mapped[Case] = relationship(back_populates="events")
