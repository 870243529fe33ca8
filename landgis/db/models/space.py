"""Factory buildings, their units and the leases of units (厂房、单元、租赁)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from landgis import vocab
from landgis.db.models.base import Base, multipolygon, one_of

if TYPE_CHECKING:
    from landgis.db.models.land import Parcel


class Building(Base):
    """厂房: a factory building on a parcel; its floor area is the 'asset' of a case."""

    __tablename__ = "buildings"
    __table_args__ = (
        one_of("state", vocab.BUILDING_STATES),
        one_of("kind", vocab.BUILDING_KINDS),
        CheckConstraint("floor_area_m2 >= 0", name="ck_building_floor_area_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    floor_area_m2: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), default="in_use")
    footprint_area_m2: Mapped[float | None] = mapped_column(Float)
    footprint: Mapped[Any | None] = mapped_column(multipolygon(), nullable=True)
    kind: Mapped[str] = mapped_column(String(16), default="enterprise", server_default="enterprise")
    owner: Mapped[str | None] = mapped_column(String(256))
    owner_credit_code: Mapped[str | None] = mapped_column(String(18))
    floors: Mapped[int | None] = mapped_column(Integer)

    parcel: Mapped[Parcel] = relationship(back_populates="buildings")
    units: Mapped[list[BuildingUnit]] = relationship(
        back_populates="building", order_by="BuildingUnit.id"
    )


class BuildingUnit(Base):
    """单元: a floor or part of a floor of a building, let or used as one."""

    __tablename__ = "building_units"
    __table_args__ = (
        UniqueConstraint("building_id", "unit_no", name="uq_building_units_building_unit_no"),
        one_of("state", vocab.UNIT_STATES),
        CheckConstraint("floor_area_m2 > 0", name="ck_unit_floor_area_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    unit_no: Mapped[str] = mapped_column(String(32))
    floor: Mapped[int | None] = mapped_column(Integer)
    floor_area_m2: Mapped[float] = mapped_column(Float)
    clear_height_m: Mapped[float | None] = mapped_column(Float)
    floor_load_kn_m2: Mapped[float | None] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(24), default="vacant")

    building: Mapped[Building] = relationship(back_populates="units")


class Lease(Base):
    """租赁: a tenant's lease of building units for a period, and the ledger case whose idle
    factory space it revitalized, if any."""

    __tablename__ = "leases"
    __table_args__ = (
        one_of("status", vocab.LEASE_STATUSES),
        CheckConstraint("end_date >= start_date", name="ck_lease_period"),
        CheckConstraint("area_m2 > 0", name="ck_lease_area_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lease_no: Mapped[str] = mapped_column(String(32), unique=True)
    tenant: Mapped[str] = mapped_column(String(256))
    tenant_credit_code: Mapped[str | None] = mapped_column(String(18))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date, index=True)
    rent_yuan_m2_month: Mapped[float | None] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    project: Mapped[str | None] = mapped_column(String(256))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    remarks: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    units: Mapped[list[BuildingUnit]] = relationship(
        secondary="lease_units", order_by="BuildingUnit.id"
    )


class LeaseUnit(Base):
    """Which units a lease lets."""

    __tablename__ = "lease_units"

    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("building_units.id"), primary_key=True, index=True
    )
