"""Projects courted for idle land and space (招商项目) and their recorded matches."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from landgis import vocab
from landgis.db.models.base import Base, JSONType, one_of


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
