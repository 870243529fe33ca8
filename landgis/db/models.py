"""The stored model: zones, parcels, buildings with their units and leases, ledger cases,
their events, users, and the projects courted for idle land and space.

Geometries are MultiPolygons in CGCS2000 geographic coordinates (EPSG:4490, x = lon).
Areas are stored in m², computed from the geometry when it is written (``landgis.geo``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from landgis import vocab
from landgis.db.backends import json_column_type
from landgis.geo import CGCS2000_EPSG

JSONType = json_column_type()


def multipolygon() -> Any:
    """A spatially indexed EPSG:4490 MultiPolygon column type."""
    return Geometry(geometry_type="MULTIPOLYGON", srid=CGCS2000_EPSG, spatial_index=True)


def one_of(column: str, values: dict[str, str]) -> CheckConstraint:
    """A CHECK constraint keeping ``column`` within a vocabulary's code names."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"ck_{column}_vocab")


class Base(DeclarativeBase):
    """Declarative base of all landgis tables."""


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.current_timestamp(),
        onupdate=func.current_timestamp(),
    )


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

    zone: Mapped[Zone | None] = relationship()
    buildings: Mapped[list[Building]] = relationship(back_populates="parcel")
    cases: Mapped[list[Case]] = relationship(back_populates="parcel")


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

    case: Mapped[Case] = relationship(back_populates="events")


class User(Base):
    """A member of staff with a role: viewer, editor or admin."""

    __tablename__ = "users"
    __table_args__ = (one_of("role", vocab.ROLES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    password_hash: Mapped[str | None] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    """A bearer token for programs; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )
    revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="tokens")


class Attachment(Base):
    """A document attached to a case (a scanned determination, a photo of the site).

    The file lives under the attachments folder as ``stored_name``; the row says what it
    is, who uploaded it and when. Attachments are kept, never edited.
    """

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="ck_attachment_size_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(128), unique=True)
    description: Mapped[str | None] = mapped_column(String(256))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.current_timestamp()
    )


class DataVersion(Base):
    """One row: a counter the database bumps whenever parcels, zones, cases or case events
    change (triggers, migration 0005). Tile ETags and cached counts are keyed by it, so
    every worker on every host sees the same version without asking the data itself."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="ck_data_version_one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class CountCache(Base):
    """A cached row count (``numberMatched`` of a filtered collection), valid while the
    data version it was counted at is current."""

    __tablename__ = "count_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_version: Mapped[int] = mapped_column(BigInteger)
    matched: Mapped[int] = mapped_column(BigInteger)


class UserSession(Base):
    """A browser session: the signed cookie carries its key, whose digest is stored here.

    Every request checks the row, so logging out, ending a session, a password change or
    a deactivated account takes effect at once on every worker and host."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(32))
    client_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))

    user: Mapped[User] = relationship()


class AuditEntry(Base):
    """One security-relevant action: a login, a failed login, a logout, a role change, a
    token issued. Written by the library, read and exported by administrators."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    client_addr: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))


class LoginThrottle(Base):
    """Failed logins counted per account name or per client address (``key``), in a
    window; past the limit the key is locked until ``locked_until``."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ServerSecret(Base):
    """A secret the server made for itself (the key signing session cookies), kept in the
    database so every worker and host, and the next start, use the same one."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EnterpriseFigures(Base):
    """An enterprise's figures of one year (亩均效益评价's inputs), keyed by its unified
    social credit code (or, without one, its name). A re-import of a year replaces that
    year's rows."""

    __tablename__ = "enterprise_figures"
    __table_args__ = (
        UniqueConstraint("year", "credit_code", name="uq_enterprise_figures_year_code"),
        UniqueConstraint("year", "name", name="uq_enterprise_figures_year_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(256))
    tax_yuan: Mapped[float | None] = mapped_column(Float)
    revenue_yuan: Mapped[float | None] = mapped_column(Float)
    output_yuan: Mapped[float | None] = mapped_column(Float)
    value_added_yuan: Mapped[float | None] = mapped_column(Float)
    energy_tce: Mapped[float | None] = mapped_column(Float)
    emissions_t: Mapped[float | None] = mapped_column(Float)
    employees: Mapped[float | None] = mapped_column(Float)
    rd_yuan: Mapped[float | None] = mapped_column(Float)
    # Other columns of the imported row (pollutants one by one, the industry, …).
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    source_row: Mapped[int | None] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EfficiencyReview(Base):
    """A clerk's decision on a suggested case of a year's evaluation: opened as a case
    (``case_id``) or dismissed with a reason, which is kept and not suggested again."""

    __tablename__ = "efficiency_reviews"
    __table_args__ = (
        UniqueConstraint("year", "parcel_id", name="uq_efficiency_reviews_year_parcel"),
        one_of("decision", {"opened": "已立案", "dismissed": "不予立案"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    actor: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Project(Base):
    """招商项目: a project the park is courting, its needs, and its stage with the day each
    stage was reached (:mod:`landgis.projects`)."""

    __tablename__ = "projects"
    __table_args__ = (
        one_of("stage", vocab.PROJECT_STAGES),
        CheckConstraint("land_need_m2 IS NULL OR land_need_m2 > 0", name="ck_project_land"),
        CheckConstraint("floor_need_m2 IS NULL OR floor_need_m2 > 0", name="ck_project_floor"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    investor: Mapped[str] = mapped_column(String(256))
    investor_credit_code: Mapped[str | None] = mapped_column(String(18))
    industry: Mapped[str | None] = mapped_column(String(64))
    investment_wan_yuan: Mapped[float | None] = mapped_column(Float)
    land_need_m2: Mapped[float | None] = mapped_column(Float)
    floor_need_m2: Mapped[float | None] = mapped_column(Float)
    preferred_zones: Mapped[list[str] | None] = mapped_column(JSONType)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    negotiating_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    landed_on: Mapped[dt.date | None] = mapped_column(Date)
    producing_on: Mapped[dt.date | None] = mapped_column(Date)
    staff: Mapped[str | None] = mapped_column(String(64))
    remarks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    matches: Mapped[list[ProjectMatch]] = relationship(order_by="ProjectMatch.id")


class ProjectMatch(Base):
    """A recorded match of a project: the case whose land it takes or the lease it signed,
    with the score and reasons it had then."""

    __tablename__ = "project_matches"
    __table_args__ = (one_of("kind", vocab.MATCH_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    lease_id: Mapped[int | None] = mapped_column(ForeignKey("leases.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EfficiencyResult(Base):
    """One parcel of an enterprise evaluated in a year: the evaluation's result for that
    enterprise (:mod:`landgis.efficiency.results`, rewritten whenever it is out of date),
    what the ``efficiency`` feature collection serves. No foreign keys: the rows are a
    copy of what :func:`~landgis.efficiency.evaluation.evaluate` gives, never a reason to
    refuse a change to a parcel or to the figures."""

    __tablename__ = "efficiency_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "<year>-<parcel code>": the feature's id and the collection's paging key.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    parcel_id: Mapped[int] = mapped_column(Integer, index=True)
    figure_id: Mapped[int] = mapped_column(Integer)
    parcel_count: Mapped[int] = mapped_column(Integer)
    matched_by: Mapped[str] = mapped_column(String(8))
    area_m2: Mapped[float] = mapped_column(Float)
    tax_per_mu: Mapped[float | None] = mapped_column(Float)
    revenue_per_mu: Mapped[float | None] = mapped_column(Float)
    value_added_per_mu: Mapped[float | None] = mapped_column(Float)
    value_added_per_energy: Mapped[float | None] = mapped_column(Float)
    value_added_per_emission: Mapped[float | None] = mapped_column(Float)
    labour_productivity: Mapped[float | None] = mapped_column(Float)
    rd_intensity: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    class_: Mapped[str] = mapped_column("class", String(1))
    previous_score: Mapped[float | None] = mapped_column(Float)
    previous_class: Mapped[str | None] = mapped_column(String(1))
    trend: Mapped[str] = mapped_column(String(8))
    # The year as days: 1 January and 31 December (what ``datetime`` is matched on).
    year_start: Mapped[dt.date] = mapped_column(Date)
    year_end: Mapped[dt.date] = mapped_column(Date)


class EfficiencyResultStamp(Base):
    """One row: what :class:`EfficiencyResult` was computed from (the data version, the
    figures and the county's rules, as a digest), to tell when it is out of date."""

    __tablename__ = "efficiency_result_stamp"
    __table_args__ = (CheckConstraint("id = 1", name="ck_efficiency_result_stamp_one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stamp: Mapped[str] = mapped_column(String(64))
